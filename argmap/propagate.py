"""Stage 3: how much to believe each claim, given the map's stated numbers.

The result types below are the contract that the renderer, the report, ``explain``,
``cruxes`` and ``watch`` read. :func:`credence` computes them.
"""
from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field

from argmap.model import ArgumentMap, Diagnostic

__all__ = ["ArgumentCredence", "Contribution", "CredenceResult", "Origin", "StatementCredence", "credence"]


class Origin(str, Enum):
    STATED = "stated"  # the statement's own {credence}
    COMPUTED = "computed"  # arguments or relations bear on it
    PRIOR = "prior"  # nothing bears on it: its {prior}, or the default


class StatementCredence(BaseModel):
    title: str
    credence: float
    origin: Origin


class ArgumentCredence(BaseModel):
    title: str
    conclusion: str | None  # title of the main conclusion, if the argument is reconstructed
    strength: float


class Contribution(BaseModel):
    """How much one node of the claim graph moves another along one edge.

    ``source``/``target`` are claim-graph nodes, ``("statement", title)`` or
    ``("argument", title)``; ``kind`` is the edge's kind (a relation type, "premise" or
    "conclusion"); ``value`` is the signed change of the target's credence (or strength)
    that this source accounts for.
    """

    source: tuple[str, str]
    target: tuple[str, str]
    kind: str
    value: float


class CredenceResult(BaseModel):
    semantics: str
    theses: list[str]
    statements: dict[str, StatementCredence]
    arguments: dict[str, ArgumentCredence]
    contributions: list[Contribution] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    iterations: int = 0
    converged: bool = True


def credence(model: ArgumentMap, semantics: str = "df-quad",
             overrides: dict[str, float] | None = None) -> CredenceResult:
    """Credences of every statement and strengths of every argument under a named semantics."""
    raise NotImplementedError("issue 3 implements the semantics")
