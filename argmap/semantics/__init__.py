"""The named semantics that ``argmap credence --semantics NAME`` chooses from.

A *gradual* semantics (``df-quad``, ``quadratic-energy``) is a module with three functions,
which the shared driver in :mod:`argmap.propagate` calls for every node of the claim graph:

- ``combine(base, supports, attacks)``: the node's value from its base score and the
  strengths of its supporters and attackers;
- ``shares(base, supports, attacks, value)``: how much of ``value - base`` each supporter and
  each attacker accounts for (two lists that sum to ``value - base``);
- ``formula(base, supports, attacks, value)``: that arithmetic in words, for ``explain``;

On a cycle the driver follows the continuous-time system ds/dt = combine(...) - s, the same
for every gradual semantics (``docs/semantics.md``). ``vargdown`` is not gradual: it
reproduces the vargdown verifier, one level deep, with its own ``evaluate``.
"""
from __future__ import annotations

import importlib
import math
from types import ModuleType

__all__ = ["DEFAULT", "NAMES", "chosen_for", "fmt", "get", "probabilistic_sum", "product_shares", "rounded", "signed",
           "sum_shares"]

DEFAULT = "df-quad"
_MODULES = {"df-quad": "dfquad", "quadratic-energy": "quadratic_energy", "vargdown": "vargdown"}
NAMES = tuple(_MODULES)


def chosen_for(front_matter: dict, asked: str | None = None) -> str:
    """The semantics for a map: the one asked for, else its front matter's ``semantics:``, else
    the default (a name that is none of :data:`NAMES` is for :func:`get` to refuse)."""
    return asked or str(front_matter.get("semantics") or DEFAULT)


def get(name: str) -> ModuleType:
    """The module of a named semantics; ValueError naming the choices for an unknown name."""
    if name not in _MODULES:
        raise ValueError(f"unknown semantics {name!r}; choose one of {', '.join(NAMES)}")
    return importlib.import_module(f"argmap.semantics.{_MODULES[name]}")


def fmt(x: float) -> str:
    """A number as the arithmetic shows it: up to 4 decimals, no trailing zeros."""
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def rounded(value, digits: int = 12):
    """``value`` with every float rounded to ``digits`` significant digits, for JSON output:
    `0.2516`, not `0.25160000000000005`."""
    if isinstance(value, float):
        return float(f"{value:.{digits}g}")
    if isinstance(value, dict):
        return {key: rounded(item, digits) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(item, digits) for item in value]
    return value


def signed(x: float) -> str:
    """How far a number moved, at 4 decimals with its sign; a move that rounds to nothing is
    ±0.0000 (floating-point noise would show as -0.0000)."""
    text = f"{x:+.4f}"
    return "±0.0000" if float(text) == 0 else text


def probabilistic_sum(values: list[float]) -> float:
    """1 - prod(1 - v): how the strengths of several supporters (or attackers) add up."""
    rest = 1.0
    for value in values:
        rest *= 1.0 - value
    return 1.0 - rest


def sum_shares(values: list[float]) -> list[float]:
    """Each value's part of ``probabilistic_sum(values)``, in proportion to -log(1 - v).

    The parts add up to the sum exactly; an input of 1 (which alone makes the sum 1) takes
    the whole of it, shared with any other input of 1.
    """
    total = probabilistic_sum(values)
    certain = [value >= 1.0 for value in values]
    if any(certain):
        return [total / sum(certain) if is_certain else 0.0 for is_certain in certain]
    if total <= 0.0:
        return [0.0] * len(values)
    logs = [math.log1p(-value) for value in values]
    whole = sum(logs)
    return [total * part / whole for part in logs]


def product_shares(factors: list[float]) -> list[float]:
    """Each factor's part of ``prod(factors) - 1`` (how far the product falls short of
    certainty), in proportion to -log(factor); a factor of 0 takes the whole fall."""
    product = math.prod(factors)
    zeros = [factor <= 0.0 for factor in factors]
    if any(zeros):
        return [(product - 1.0) / sum(zeros) if is_zero else 0.0 for is_zero in zeros]
    if product >= 1.0:
        return [0.0] * len(factors)
    logs = [math.log(factor) for factor in factors]
    whole = sum(logs)  # not log(product): the product can underflow to 0
    return [(product - 1.0) * part / whole for part in logs]
