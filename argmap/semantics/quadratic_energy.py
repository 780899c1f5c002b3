"""The quadratic energy model (Potyka, KR 2018): a continuous semantics for weighted bipolar
argumentation.

A node's energy is the sum of its supporters' strengths minus the sum of its attackers';
the influence h(E) = max(E, 0)² / (1 + max(E, 0)²) moves the base score toward 1 by
(1 - base)·h(E) and toward 0 by base·h(-E). Strengths follow ds/dt = f(s) - s; on an acyclic
graph its limit is reached in one pass in dependency order, on a cycle the driver follows the
flow (as it does for every gradual semantics).
"""
from __future__ import annotations

from argmap.semantics import fmt


def influence(energy: float) -> float:
    energy = max(energy, 0.0)
    return energy * energy / (1.0 + energy * energy)


def combine(base: float, supports: list[float], attacks: list[float]) -> float:
    energy = sum(supports) - sum(attacks)
    return base - base * influence(-energy) + (1.0 - base) * influence(energy)


def shares(base: float, supports: list[float], attacks: list[float], value: float) -> tuple[list[float], list[float]]:
    energy = sum(supports) - sum(attacks)
    if energy == 0.0:
        return [0.0] * len(supports), [0.0] * len(attacks)
    scale = (value - base) / energy
    return [scale * s for s in supports], [-scale * a for a in attacks]


def formula(base: float, supports: list[float], attacks: list[float], value: float) -> str:
    energy = sum(supports) - sum(attacks)
    terms = " + ".join(fmt(s) for s in supports) or "0"
    if attacks:
        terms += "".join(f" - {fmt(a)}" for a in attacks)
    if energy >= 0:
        return (f"energy E = {terms} = {fmt(energy)}, h(E) = E²/(1 + E²) = {fmt(influence(energy))}: "
                f"{fmt(base)} + (1 - {fmt(base)}) × {fmt(influence(energy))} = {fmt(value)}")
    return (f"energy E = {terms} = {fmt(energy)}, h(-E) = E²/(1 + E²) = {fmt(influence(-energy))}: "
            f"{fmt(base)} - {fmt(base)} × {fmt(influence(-energy))} = {fmt(value)}")
