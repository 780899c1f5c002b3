"""Reading the record: a statement's derivation (``explain``), the stated numbers that move a
thesis most (``cruxes``), and the bottom line as text.

All three read what :func:`argmap.propagate.credence` computed, so every number they show is
one the propagation produced.
"""
from __future__ import annotations

import math

from pydantic import BaseModel, Field

from argmap.model import ArgumentMap
from argmap.propagate import (CredenceResult, Input, InputKey, Network, Step, credence, did_you_mean)
from argmap.semantics import DEFAULT, fmt, get

__all__ = ["Crux", "CruxReport", "Derivation", "bottom_line", "cruxes", "explain"]

NUDGE = 0.1  # cruxes: how far each input moves either way
DERIVATIVE_STEP = 1e-6


class Crux(BaseModel):
    input: Input
    down: float  # change of the thesis when the input moves down by 0.1 (less where 0 is nearer)
    up: float  # ... and up by 0.1
    derivative: float


class CruxReport(BaseModel):
    semantics: str
    thesis: str
    credence: float
    cruxes: list[Crux]


class Derivation(BaseModel):
    """One line of ``explain``'s tree: a node, its value and arithmetic, and what it rests on."""

    label: str
    value: float
    formula: str
    kind: str | None = None  # how it bears on its parent: a relation type, "conclusion", "premise" or "step"
    contribution: float | None = None  # what it accounts for in its parent
    repeated: bool = False  # already derived above in the tree
    children: list["Derivation"] = Field(default_factory=list)

    def text(self, indent: str = "") -> str:
        """The tree, indented two spaces a level."""
        head = f"{indent}{self.label} = {fmt(self.value)}"
        if self.kind is not None:
            moved = f"{_signed(self.contribution)} " if self.contribution is not None else ""
            head = f"{indent}{moved}{_KIND_WORDS.get(self.kind, self.kind)}: {self.label} = {fmt(self.value)}"
        lines = [head + (" (derived above)" if self.repeated else f"   {self.formula}" if self.formula else "")]
        lines += [child.text(indent + "  ") for child in self.children]
        return "\n".join(lines)


_KIND_WORDS = {"support": "supports", "entails": "entails", "attack": "attacks", "contrary": "contrary",
               "contradictory": "contradicts", "undercut": "undercuts", "conclusion": "concludes"}


def _signed(value: float | None) -> str:
    return "+0" if not value else f"{value:+.4f}".rstrip("0").rstrip(".")



def explain(model: ArgumentMap, title: str, semantics: str = DEFAULT,
            overrides: dict[str, float] | None = None) -> Derivation:
    """How one statement's credence (``[Title]`` or a bare title) or one argument's strength
    (``<Title>``) comes about, as a tree down to the stated numbers. ValueError for an
    unknown title."""
    result = credence(model, semantics, overrides)
    bracket = title[:1] + title[-1:]
    name = title[1:-1] if bracket in ("[]", "<>") else title
    if bracket != "<>" and name in result.statements:
        return _explain(result, ("statement", name), set())
    if bracket != "[]" and name in result.arguments:
        return _explain(result, ("argument", name), set())
    raise ValueError(f"no statement or argument is titled {name!r}"
                     + did_you_mean(name, [*result.statements, *result.arguments]))


def _explain(result: CredenceResult, node: tuple, seen: set, kind: str | None = None,
             contribution: float | None = None) -> Derivation:
    kind_of, title = node
    if kind_of == "statement":
        record = result.statements[title]
        line = Derivation(label=f"[{title}]", value=record.credence, formula=record.formula, kind=kind,
                          contribution=contribution)
    else:
        record = result.arguments[title]
        line = Derivation(label=f"<{title}>", value=record.strength, formula=record.formula, kind=kind,
                          contribution=contribution)
    if node in seen:
        line.repeated = True
        return line
    seen.add(node)
    if kind_of == "argument" and record.steps:
        line.children += _explain_step(result, title, record.steps, len(record.steps) - 1, seen)
    if kind_of == "statement":
        for argument in result.arguments.values():
            for index, step in enumerate(argument.steps[:-1]):
                if step.conclusion == title:
                    line.children.append(_step_line(result, argument.title, argument.steps, index, seen))
    for item in result.into(node):
        if item.kind != "premise":  # an argument's premises came with its steps
            line.children.append(_explain(result, item.source, seen, item.kind, item.value))
    return line


def _explain_step(result: CredenceResult, argument: str, steps: list[Step], index: int, seen: set) -> list[Derivation]:
    """The premises of one step, each with what it accounts for in the argument."""
    shares = {c.source[1]: c.value for c in result.into(("argument", argument)) if c.kind == "premise"}
    return [_explain(result, ("statement", title), seen, "premise", shares.get(title))
            for title, _ in steps[index].premises]


def _step_line(result: CredenceResult, argument: str, steps: list[Step], index: int, seen: set) -> Derivation:
    step = steps[index]
    used = [v for _, v in step.premises if v is not None]
    factors = " × ".join([fmt(v) for v in used] + ([f"inference {fmt(step.inference)}"] if step.inference is not None else []))
    line = Derivation(label=f"<{argument}> step to [{step.conclusion}]", value=step.strength or 0.0, kind="step",
                      formula=f"{factors} = {fmt(math.prod(used) * (step.inference or 0.0))}" if step.strength is not None
                      else "not computed")
    line.children = _explain_step(result, argument, steps, index, seen)
    return line


def cruxes(model: ArgumentMap, semantics: str = DEFAULT, overrides: dict[str, float] | None = None,
           theses: list[str] | None = None) -> list[CruxReport]:
    """For each thesis, every stated number ranked by how far it moves the thesis: the change
    when it moves down and up by 0.1 (clamped to [0, 1]) and the derivative there (for
    vargdown, of its rule without the rounding to 4 places, which is flat between steps)."""
    import networkx as nx

    module = get(semantics)
    network = Network(model)
    changes = network.changes(overrides)
    numbers = {**network.numbers, **changes}
    gradual = not hasattr(module, "evaluate")
    baseline = network.evaluate(module, numbers).values if gradual else None
    reports = []
    for thesis in network.theses if theses is None else theses:
        target = ("statement", thesis)
        upstream = nx.ancestors(network.graph, target) | {target}

        def thesis_with(key: InputKey, value: float, rounded: bool = True) -> float:
            if not gradual:
                return module.evaluate(network, {**changes, key: value}, rounded).statements[thesis].credence
            affected = (nx.descendants(network.graph, key[1]) | {key[1]}) & upstream
            return network.evaluate(module, {**numbers, key: value}, baseline, affected).values[target]

        now = baseline[target] if gradual else module.evaluate(network, changes).statements[thesis].credence
        found = []
        for key, item in network.inputs.items():
            value = numbers[key]
            shown = item.model_copy(update={"value": value})
            if key[1] not in upstream:
                found.append(Crux(input=shown, down=0.0, up=0.0, derivative=0.0))
                continue
            low, high = max(value - NUDGE, 0.0), min(value + NUDGE, 1.0)
            left, right = max(value - DERIVATIVE_STEP, 0.0), min(value + DERIVATIVE_STEP, 1.0)
            slope = (thesis_with(key, right, False) - thesis_with(key, left, False)) / (right - left)
            found.append(Crux(input=shown, down=thesis_with(key, low) - now, up=thesis_with(key, high) - now,
                              derivative=slope))
        found.sort(key=lambda c: (-max(abs(c.down), abs(c.up)), -abs(c.derivative), c.input.label))
        reports.append(CruxReport(semantics=semantics, thesis=thesis, credence=now, cruxes=found))
    return reports


# --- text ---------------------------------------------------------------------------------------

def bottom_line(result: CredenceResult) -> str:
    """Each thesis's credence, and beneath it everything that bears on it directly with its
    strength and contribution, the most influential first."""
    if not result.theses:
        return ("no thesis: every statement bears on another; name one with `thesis: Title` in the front "
                "matter")
    blocks = []
    for thesis in result.theses:
        record = result.statements[thesis]
        inputs = result.into(("statement", thesis))
        pros = sum(1 for c in inputs if c.kind in _RAISING)
        lines = [f"[{thesis}] = {fmt(record.credence)}   ({result.semantics}, {record.origin.value}: "
                 f"{pros} for, {len(inputs) - pros} against; `argmap explain` shows the arithmetic)"]
        if inputs:
            lines.append("  contribution  strength  from")
        for item in inputs:
            lines.append(f"  {_signed(item.value):>12}  {_value_of(result, item.source):>8}  "
                         f"{_source_words(result, item.source, item.kind)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


_RAISING = ("support", "entails", "conclusion")


def _value_of(result: CredenceResult, node: tuple) -> str:
    kind, title = node
    return fmt(result.statements[title].credence if kind == "statement" else result.arguments[title].strength)


def _source_words(result: CredenceResult, node: tuple, kind: str) -> str:
    """``<Argument> through [Its Conclusion] (entails)``, or the statement or argument alone."""
    words = _KIND_WORDS.get(kind, kind)
    if node[0] == "argument":
        return f"<{node[1]}> ({words})"
    arguments = [a.title for a in result.arguments.values() if a.conclusion == node[1]]
    if not arguments:
        return f"[{node[1]}] ({words})"
    return f"{', '.join(f'<{a}>' for a in arguments)} through [{node[1]}] ({words})"


def cruxes_text(reports: list[CruxReport], path: str, top: int | None = None) -> str:
    """One table a thesis: rank, the thesis's change at -0.1 and +0.1, the derivative, the
    input's value, the input and where it is written."""
    if not reports:
        return "no thesis: name one with `thesis: Title` in the front matter"
    blocks = []
    for report in reports:
        shown = report.cruxes[:top] if top is not None else report.cruxes
        lines = [f"[{report.thesis}] = {fmt(report.credence)} ({report.semantics}): its {len(report.cruxes)} stated "
                 f"numbers, by how far they move it" + (f" (top {len(shown)})" if len(shown) < len(report.cruxes) else ""),
                 "  rank     -0.1     +0.1     d/dx  value  input"]
        for rank, crux in enumerate(shown, 1):
            lines.append(f"  {rank:>4}  {crux.down:+.4f}  {crux.up:+.4f}  {crux.derivative:+.4f}  {fmt(crux.input.value):>5}"
                         f"  {crux.input.label}  ({path}:{crux.input.line}:{crux.input.column})")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
