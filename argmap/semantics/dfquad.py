"""DF-QuAD gradual semantics for bipolar argumentation (Rago, Toni, Aurisicchio and Baroni,
KR 2016), the default.

The supporters' strengths combine by probabilistic sum, the attackers' likewise; the base
score moves toward 1 by the difference when the support is stronger, toward 0 when the attack
is, in proportion to the room left on that side.
"""
from __future__ import annotations

from argmap.semantics import fmt, probabilistic_sum, sum_shares


def combine(base: float, supports: list[float], attacks: list[float]) -> float:
    support, attack = probabilistic_sum(supports), probabilistic_sum(attacks)
    if attack >= support:
        return base - base * (attack - support)
    return base + (1.0 - base) * (support - attack)


def shares(base: float, supports: list[float], attacks: list[float], value: float) -> tuple[list[float], list[float]]:
    support, attack = probabilistic_sum(supports), probabilistic_sum(attacks)
    room = base if attack >= support else 1.0 - base
    return ([room * part for part in sum_shares(supports)], [-room * part for part in sum_shares(attacks)])


def formula(base: float, supports: list[float], attacks: list[float], value: float) -> str:
    support, attack = probabilistic_sum(supports), probabilistic_sum(attacks)
    terms = f"support {fmt(support)} ({_sum_text(supports)}), attack {fmt(attack)} ({_sum_text(attacks)})"
    if attack >= support:
        return f"{terms}: {fmt(base)} - {fmt(base)} × ({fmt(attack)} - {fmt(support)}) = {fmt(value)}"
    return f"{terms}: {fmt(base)} + (1 - {fmt(base)}) × ({fmt(support)} - {fmt(attack)}) = {fmt(value)}"


def _sum_text(values: list[float]) -> str:
    if not values:
        return "none"
    if len(values) == 1:
        return fmt(values[0])
    return "1 - " + "".join(f"(1 - {fmt(v)})" for v in values)
