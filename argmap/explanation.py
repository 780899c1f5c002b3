"""Reading the record: a statement's derivation (``explain``), the stated numbers that move a
thesis most (``cruxes``), and the bottom line as text.

All three read what :func:`argmap.propagate.credence` computed, so every number they show is
one the propagation produced.
"""
from __future__ import annotations

from typing import Callable

from pydantic import BaseModel, Field

from argmap import no_gc
from argmap.check import plural
from argmap.model import ArgumentMap
from argmap.propagate import CredenceResult, Input, InputKey, Network, credence, did_you_mean
from argmap.semantics import DEFAULT, fmt, get, rounded

__all__ = ["Crux", "CruxReport", "Derivation", "bottom_line", "bottom_line_json", "cruxes", "cruxes_json", "explain"]

NUDGE = 0.1  # cruxes: how far each input moves either way
DERIVATIVE_STEP = 1e-6


class Crux(BaseModel):
    input: Input
    down: float  # change of the thesis when the input moves down by 0.1 (less where 0 is nearer)
    up: float  # ... and up by 0.1
    derivative: float
    contribution: float | None = None  # by --method shapley or removal (see argmap.contribution)
    error: float | None = None  # its standard error, when the Shapley value is sampled


class CruxReport(BaseModel):
    semantics: str
    thesis: str
    credence: float
    cruxes: list[Crux]
    method: str = "swing"  # what the ranking is by


class Derivation(BaseModel):
    """One line of ``explain``'s tree: a node, its value and arithmetic, and what it rests on."""

    label: str
    value: float
    formula: str
    kind: str | None = None  # how it bears on its parent: a relation type, "conclusion", "premise" or "step"
    contribution: float | None = None  # what it accounts for in its parent
    repeated: bool = False  # already derived above in the tree
    children: list["Derivation"] = Field(default_factory=list)

    def text(self) -> str:
        """The tree, indented two spaces a level; each line below the first says how it bears on
        the line above and what share of that line's value it accounts for."""
        lines, stack = [], [(self, "")]
        while stack:
            line, indent = stack.pop()
            head = f"{indent}{line.label} = {fmt(line.value)}"
            if line.kind is not None:
                moved = f" (share of the line above: {_signed(line.contribution)})" if line.contribution is not None else ""
                head = f"{indent}{_KIND_WORDS.get(line.kind, line.kind)}: {line.label} = {fmt(line.value)}{moved}"
            lines.append(head + (" (derived above)" if line.repeated else f"   {line.formula}" if line.formula else ""))
            stack += [(child, indent + "  ") for child in reversed(line.children)]
        return "\n".join(lines)


_KIND_WORDS = {"support": "supports", "entails": "entails", "attack": "attacks", "contrary": "contrary",
               "contradictory": "contradicts", "undercut": "undercuts", "conclusion": "concludes"}


def _signed(value: float | None) -> str:
    return "+0" if not value else f"{value:+.4f}".rstrip("0").rstrip(".")



def explain(model: ArgumentMap, title: str, semantics: str = DEFAULT,
            overrides: dict[str, float] | None = None) -> Derivation:
    """How one statement's credence (``[Title]`` or a bare title) or one argument's strength
    (``<Title>``) comes about, as a tree down to the stated numbers: each node with its
    arithmetic, beneath it what it rests on, the most influential first; a node met again is
    marked, not repeated. ValueError for an unknown title."""
    return derivation(credence(model, semantics, overrides), title)


def derivation(result: CredenceResult, title: str) -> Derivation:
    """:func:`explain` for a result already computed."""
    bracket = title[:1] + title[-1:]
    name = title[1:-1] if bracket in ("[]", "<>") else title
    if bracket != "<>" and name in result.statements:
        return _tree(result, ("statement", name))
    if bracket != "[]" and name in result.arguments:
        return _tree(result, ("argument", name))
    raise ValueError(f"no statement or argument is titled {name!r}"
                     + did_you_mean(name, [*result.statements, *result.arguments]))


def _tree(result: CredenceResult, root: tuple) -> Derivation:
    """The derivation tree, built depth-first with a stack of its own (maps can be deeper than
    Python's recursion limit)."""
    into: dict[tuple, list] = {}
    for item in sorted(result.contributions, key=lambda c: -abs(c.value)):
        into.setdefault(item.target, []).append(item)
    steps_to: dict[str, list[tuple[str, int]]] = {}  # intermediary conclusion -> (argument, step)
    for argument in result.arguments.values():
        for index, step in enumerate(argument.steps[:-1]):
            steps_to.setdefault(step.conclusion, []).append((argument.title, index))

    def premises(argument: str, index: int) -> list[tuple]:
        shares = {c.source[1]: c.value for c in into.get(("argument", argument), []) if c.kind == "premise"}
        return [(("statement", title), "premise", shares.get(title)) for title, _ in
                result.arguments[argument].steps[index].premises]

    top = Derivation(label="", value=0.0, formula="")
    seen: set[tuple] = set()
    stack: list[tuple] = [(root, None, None, top)]
    while stack:
        node, kind, contribution, parent = stack.pop()
        line = _line(result, node, kind, contribution)
        parent.children.append(line)
        if node in seen:
            line.repeated = True
            continue
        seen.add(node)
        if node[0] == "step":  # an intermediary step: its premises
            children = premises(node[1], node[2])
        elif node[0] == "argument":
            steps = result.arguments[node[1]].steps
            children = premises(node[1], len(steps) - 1) if steps else []
        else:
            shares = {c.source: c.value for c in into.get(node, []) if c.source[0] == "step"}
            children = [(("step", argument, index), "step", shares.get(("step", argument, index)))
                        for argument, index in steps_to.get(node[1], [])]
        if node[0] != "step":  # what bears on it; an argument's premises came with its steps
            children += [(c.source, c.kind, c.value) for c in into.get(node, [])
                         if c.kind != "premise" and c.source[0] != "step"]
        stack += [(child, how, share, line) for child, how, share in reversed(children)]
    return top.children[0]


def _line(result: CredenceResult, node: tuple, kind: str | None, contribution: float | None) -> Derivation:
    """One node's line: a statement, an argument, or a step to an intermediary conclusion."""
    if node[0] == "statement":
        record = result.statements[node[1]]
        return Derivation(label=f"[{node[1]}]", value=record.credence, formula=record.formula, kind=kind,
                          contribution=contribution)
    if node[0] == "argument":
        record = result.arguments[node[1]]
        return Derivation(label=f"<{node[1]}>", value=record.strength, formula=record.formula, kind=kind,
                          contribution=contribution)
    step = result.arguments[node[1]].steps[node[2]]
    return Derivation(label=f"<{node[1]}> step to [{step.conclusion}]", value=step.strength or 0.0, kind=kind,
                      formula=step.formula, contribution=contribution)


@no_gc()
def cruxes(model: ArgumentMap, semantics: str = DEFAULT, overrides: dict[str, float] | None = None,
           theses: list[str] | None = None, progress: Callable[[int, int], None] | None = None,
           method: str = "swing", seed: int = 0) -> list[CruxReport]:
    """For each thesis (all of them unless named), every stated number ranked by how far it
    moves the thesis: the change when it moves down and up by 0.1 (clamped to [0, 1]) and the
    derivative there (for vargdown, of its rule without the rounding to 4 places, which is
    flat between steps). ``progress(done, total)`` hears of each number weighed. ``method``
    ranks by the swing (the default), the derivative, or the number's contribution by
    ``shapley`` value or ``removal`` (:mod:`argmap.contribution`; ``seed`` for sampled
    Shapley values)."""
    from argmap.contribution import METHODS, contributions

    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")

    module = get(semantics)
    network = Network(model)
    changes = network.changes(overrides)
    numbers = {**network.numbers, **changes}
    chosen = network.theses if theses is None else theses
    for title in chosen:
        if title not in model.statements:
            raise ValueError(f"no statement is titled {title!r}" + did_you_mean(title, list(model.statements)))
    gradual = not hasattr(module, "evaluate")
    baseline = network.evaluate(module, numbers).values if gradual else None
    reports, done, total = [], 0, len(chosen) * len(network.inputs)
    for thesis in chosen:
        target = ("statement", thesis)
        upstream = network.upstream(target)

        def thesis_with(key: InputKey, value: float, affected: set, rounded: bool = True) -> float:
            if gradual:  # only what lies between the input and the thesis changes
                return network.evaluate(module, {**numbers, key: value}, baseline, affected).values[target]
            return module.evaluate(network, {**changes, key: value}, rounded).statements[thesis].credence

        now = baseline[target] if gradual else module.evaluate(network, changes).statements[thesis].credence
        found = []
        for key, item in network.inputs.items():
            value = numbers[key]
            shown = item.model_copy(update={"value": value})
            if key[1] not in upstream:
                found.append(Crux.model_construct(input=shown, down=0.0, up=0.0, derivative=0.0))
            else:
                affected = network.downstream(key[1]) & upstream
                low, high = max(value - NUDGE, 0.0), min(value + NUDGE, 1.0)
                left, right = max(value - DERIVATIVE_STEP, 0.0), min(value + DERIVATIVE_STEP, 1.0)
                rise = thesis_with(key, right, affected, False) - thesis_with(key, left, affected, False)
                slope = rise / (right - left)
                found.append(Crux.model_construct(input=shown, down=thesis_with(key, low, affected) - now,
                                                  up=thesis_with(key, high, affected) - now, derivative=slope))
            done += 1
            if progress is not None:
                progress(done, total)
        if method in ("shapley", "removal"):
            shares, errors = contributions(network, semantics, thesis, method, overrides, seed)
            for crux, key in zip(found, network.inputs):
                crux.contribution, crux.error = shares[key], errors.get(key)
        found.sort(key=_RANKING[method])
        reports.append(CruxReport.model_construct(semantics=semantics, thesis=thesis, credence=now, cruxes=found,
                                                  method=method))
    return reports


_RANKING = {"swing": lambda c: (-max(abs(c.down), abs(c.up)), -abs(c.derivative), c.input.label),
            "derivative": lambda c: (-abs(c.derivative), -max(abs(c.down), abs(c.up)), c.input.label),
            "shapley": lambda c: (-abs(c.contribution), c.input.label),
            "removal": lambda c: (-abs(c.contribution), c.input.label)}


# --- text ---------------------------------------------------------------------------------------

def no_thesis(result: CredenceResult) -> str:
    """Why a map has no thesis: no statements, a front matter that names only titles the map
    lacks (every statement is then free to be one, yet none was taken), or every statement
    bearing on another."""
    if not result.statements:
        return "no thesis: the map has no statements (the file is empty or holds only comments)"
    sources = {c.source for c in result.contributions}
    if any(("statement", title) not in sources for title in result.statements):
        return ("no thesis: the front matter's `thesis:` names no statement of this map (see the error); "
                "name one that exists")
    return "no thesis: every statement bears on another; name one with `thesis: Title` in the front matter"


def bottom_line(result: CredenceResult) -> str:
    """Each thesis's credence, and beneath it everything that bears on it directly with its
    strength and contribution, the most influential first."""
    if not result.theses:
        return no_thesis(result)
    concluding = _concluding(result)
    blocks = []
    for thesis in result.theses:
        record = result.statements[thesis]
        inputs = _bearing_on(result, thesis)
        pros = sum(1 for c in inputs if c.kind in _RAISING)
        # vargdown's relations add up in log-odds, and their contributions are their terms there
        log_odds = [c.value for c in inputs if c.kind != "conclusion"] if result.semantics == "vargdown" else []
        how = f"sigmoid of the log-odds {fmt(sum(log_odds))}, " if log_odds else ""
        lines = [f"[{thesis}] = {fmt(record.credence)}   ({result.semantics}, {record.origin.value}: {how}"
                 f"{pros} for, {len(inputs) - pros} against; `argmap explain` shows the arithmetic)"]
        if inputs:
            lines.append("      log-odds  strength  from" if log_odds else "  contribution  strength  from")
        for item in inputs:
            lines.append(f"  {_signed(item.value):>12}  {_value_of(result, item.source):>8}  "
                         f"{_source_words(item.source, item.kind, concluding)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


_RAISING = ("support", "entails", "conclusion")


def _concluding(result: CredenceResult) -> dict[str, list[str]]:
    """Each statement's concluding arguments."""
    concluding: dict[str, list[str]] = {}
    for argument in result.arguments.values():
        concluding.setdefault(argument.conclusion, []).append(argument.title)
    return concluding


def _bearing_on(result: CredenceResult, thesis: str) -> list:
    """The contributions into a thesis, the most influential first; `+ <A>` and `+> [Thesis]`
    from A's conclusion are one supporter, listed once."""
    inputs = result.into(("statement", thesis))
    said = {(c.source, c.kind in _RAISING) for c in inputs if c.source[0] == "statement"}
    return [c for c in inputs if c.source[0] == "statement" or
            (("statement", result.arguments[c.source[1]].conclusion), c.kind in _RAISING) not in said]


def bottom_line_json(result: CredenceResult) -> dict:
    """What ``argmap credence --format json`` prints: every credence and strength, and for each
    thesis the contributions the text shows, numbers rounded to 12 significant digits."""
    concluding = _concluding(result)
    contributions = {thesis: [{"from": f"[{c.source[1]}]" if c.source[0] == "statement" else f"<{c.source[1]}>",
                               "concluded_by": concluding.get(c.source[1], []) if c.source[0] == "statement" else [],
                               "kind": c.kind, "contribution": c.value,
                               "strength": _value(result, c.source)} for c in _bearing_on(result, thesis)]
                     for thesis in result.theses}
    return rounded(result.to_json() | {"contributions": contributions})


def _value_of(result: CredenceResult, node: tuple) -> str:
    return fmt(_value(result, node))


def _value(result: CredenceResult, node: tuple) -> float:
    if node[0] == "step":
        return result.arguments[node[1]].steps[node[2]].strength or 0.0
    kind, title = node
    return result.statements[title].credence if kind == "statement" else result.arguments[title].strength


def _source_words(node: tuple, kind: str, concluding: dict[str, list[str]]) -> str:
    """``<Argument> through [Its Conclusion] (entails)``, or the statement or argument alone;
    ``concluding`` maps a statement to the arguments that conclude it."""
    words = _KIND_WORDS.get(kind, kind)
    if node[0] != "statement":  # an argument, or a step of it
        return f"<{node[1]}> ({words})"
    arguments = concluding.get(node[1], [])
    if not arguments:
        return f"[{node[1]}] ({words})"
    return f"{', '.join(f'<{a}>' for a in arguments)} through [{node[1]}] ({words})"


def cruxes_json(reports: list[CruxReport], top: int | None = None) -> list[dict]:
    """What ``argmap cruxes --format json`` prints: each thesis's first ``top`` cruxes, numbers
    rounded to 12 significant digits and derivatives to 8 (a central difference over 2e-6 is
    good to about that)."""
    shown = []
    for report in reports:
        cruxes = [c.model_dump(mode="json") | {"derivative": rounded(c.derivative, 8)} for c in report.cruxes[:top]]
        shown.append(report.model_dump(mode="json") | {"cruxes": cruxes})
    return rounded(shown)


_BY = {"derivative": "by the derivative of the thesis in each",
       "shapley": "by Shapley value (what each adds, over every order of stating them)",
       "removal": "by what the thesis loses without each"}


def cruxes_text(reports: list[CruxReport], path: str, top: int | None = None) -> str:
    """One table a thesis: rank, the thesis's change at -0.1 and +0.1, the derivative, the
    input's value, the input and where it is written."""
    if not reports:
        return "no thesis: name one with `thesis: Title` in the front matter"
    blocks = []
    for report in reports:
        shown = report.cruxes[:top] if top is not None else report.cruxes
        cut = f" (top {len(shown)})" if len(shown) < len(report.cruxes) else ""
        by = _BY.get(report.method, "by how far they move it")
        extra = f"  {report.method:>8}" if report.method in ("shapley", "removal") else ""
        lines = [f"[{report.thesis}] = {fmt(report.credence)} ({report.semantics}): its "
                 f"{plural(len(report.cruxes), 'stated number')}, {by}{cut}",
                 f"  rank{extra}     -0.1     +0.1     d/dx  value  input"]
        for rank, crux in enumerate(shown, 1):
            where = f"{path}:{crux.input.line}:{crux.input.column}"
            share = "" if crux.contribution is None else f"  {crux.contribution:+8.4f}"
            if crux.error is not None:
                share += f" ±{crux.error:.4f}"
            lines.append(f"  {rank:>4}{share}  {crux.down:+.4f}  {crux.up:+.4f}  {crux.derivative:+.4f}  "
                         f"{fmt(crux.input.value):>5}  {crux.input.label}  ({where})")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
