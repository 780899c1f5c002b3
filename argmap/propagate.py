"""Stage 3: how much to believe each claim, given the map's stated numbers.

The result types below are the contract that the renderer, the report, ``explain``,
``cruxes`` and ``watch`` read (:mod:`argmap.explanation` holds the last two). :func:`credence`
computes them.

How (see ``docs/semantics.md`` for the formulas):

- An argument's strength follows vargdown's PCS rule, step by step: the product of the
  credences of a step's premises times the step's ``{inference}``; an intermediary conclusion
  is a premise of the next step. A premise's credence is whatever its statement has in the
  map: stated, computed by its own arguments, or its prior.
- A statement's base score is its stated ``{credence}``, else what the arguments concluding it
  give it, else its ``{prior}``, else 0.5. A named gradual semantics then moves the base score
  by the strengths of its supporters and attackers (support and entails raise; attack,
  contrary and contradictory lower; an undercut lowers the inference step it targets).
- The shared driver evaluates the nodes in dependency order (:func:`dependency_order`, over
  the claim graph's strongly connected components). On a cycle it follows the continuous-time
  system ds/dt = f(s) - s from the base scores, every node of the cycle updated at once from
  the same values, so that the result depends on the graph and not on the order of the text;
  it warns when a cycle does not settle, or settles elsewhere from other starting values.
- ``vargdown`` reproduces the vargdown verifier instead (see :mod:`argmap.semantics.vargdown`).

Every node keeps what each of its inputs accounts for (:class:`Contribution`), so ``explain``,
``cruxes``, the report and the diagram read one record. Results are built without
validation (:func:`~argmap.model.constructed`): argmap computes every value in them, and
validating thousands of small objects would cost more than the computation.
"""
from __future__ import annotations

import difflib
import math
from collections import Counter
from enum import Enum
from functools import cached_property
from itertools import chain
from types import ModuleType
from typing import Any, Iterator, NamedTuple

from pydantic import BaseModel, Field

from argmap import no_gc
from argmap.model import (Argument, ArgumentMap, Diagnostic, Related, Relation, RelationType, Role, Severity, Span,
                          StatementOccurrence, constructed)
from argmap.semantics import DEFAULT, fmt, get, probabilistic_sum, product_shares, sum_shares

__all__ = ["ArgumentCredence", "Contribution", "CredenceResult", "Input", "Live", "Network", "Origin", "StatementCredence",
           "Step", "credence", "data_blocks", "dependency_order", "number", "stages"]

UNKNOWN = 0.5  # the base score of a statement, and the inference of a step, that nobody stated
STEP = 0.5  # the Euler step along ds/dt = f(s) - s on a cycle (docs/semantics.md says why 0.5)
TOLERANCE = 1e-12  # a cycle has settled when no value moves by more than this in an iteration
MAX_ITERATIONS = 1000  # per cycle and starting point
AGREE = 1e-6  # two runs of a cycle reach the same limit when no value differs by more than this
NEAR = 1e-7  # a run from another start that comes this close to the first limit ends there

Node = tuple  # ("statement", title) | ("argument", title) | ("step", argument title, conclusion index)
InputKey = tuple  # ("credence", node) | ("inference", node)


class Origin(str, Enum):
    STATED = "stated"  # the statement's own {credence}
    COMPUTED = "computed"  # arguments or relations bear on it
    PRIOR = "prior"  # nothing bears on it: its {prior}, or the default


class StatementCredence(BaseModel):
    title: str
    credence: float
    origin: Origin
    base: float = UNKNOWN  # before supporters and attackers move it (vargdown: what it passes on)
    formula: str = ""  # the arithmetic, in words


class Step(BaseModel):
    """One inferential step of a premise-conclusion structure, as the semantics used it."""

    conclusion: str
    premises: list[tuple[str, float | None]]  # title and the credence used (None: left out, as vargdown does)
    inference: float | None
    strength: float | None  # None: not computed (vargdown)
    formula: str = ""  # the arithmetic, in words


class ArgumentCredence(BaseModel):
    title: str
    conclusion: str | None  # title of the main conclusion, if the argument is reconstructed
    strength: float
    steps: list[Step] = Field(default_factory=list)
    formula: str = ""


class Contribution(BaseModel):
    """How much one node of the claim graph moves another along one edge.

    ``source``/``target`` are claim-graph nodes, ``("statement", title)`` or
    ``("argument", title)``, or for a step to an intermediary conclusion ``("step", argument,
    n)``, the n-th of the argument's ``steps`` (from 0); ``kind`` is the edge's kind (a
    relation type, "premise" or "conclusion"); ``value`` is the signed change of the target's
    credence (or strength) that this source accounts for (under vargdown, a relation's term in
    the target's log-odds). The conclusion edges into a statement, from the arguments and
    steps that conclude it, add up to its base score, its relations to the rest (but an
    argument and its conclusion, both written as one supporter, each carry that supporter's
    whole share). The premises of each step of an argument, with the step's inference (which
    has no edge), add up to how far the step's product falls short of 1, so they are negative
    or zero; an intermediary conclusion stands for its whole step in the next. A
    contradictory relation acts both ways and is listed both ways.
    """

    source: tuple
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

    @classmethod
    def of(cls, semantics: str, theses: list[str], statements: dict, arguments: dict,
           shares: dict[tuple, float], diagnostics: list[Diagnostic], iterations: int = 1,
           converged: bool = True) -> "CredenceResult":
        """A result from what a semantics computed; ``shares`` maps (source, target, kind) to
        a contribution's value. Built without validation: argmap computed every value."""
        return cls.model_construct(
            semantics=semantics, theses=theses, statements=statements, arguments=arguments,
            contributions=[_contribution(edge, value) for edge, value in shares.items()],
            diagnostics=diagnostics, iterations=iterations, converged=converged)

    def into(self, target: tuple[str, str]) -> list[Contribution]:
        """The contributions into one node, the most influential first."""
        return sorted((c for c in self.contributions if c.target == target), key=lambda c: -abs(c.value))

    def to_json(self) -> dict[str, Any]:
        """The shape ``argmap credence --format json`` prints."""
        return {"semantics": self.semantics, "theses": self.theses,
                "statements": {title: {"credence": s.credence, "origin": s.origin.value}
                               for title, s in self.statements.items()},
                "arguments": {title: {"conclusion": a.conclusion, "strength": a.strength}
                              for title, a in self.arguments.items()}}


def _contribution(edge: tuple, value: float) -> Contribution:
    source, target, kind = edge
    return constructed(Contribution, dict(source=source, target=target, kind=kind, value=value))


class Input(BaseModel):
    """A number the author stated: a statement's (or an argument's) credence, or a step's inference."""

    kind: str  # "credence" | "inference"
    node: tuple  # the node it belongs to
    label: str  # "[Title]", "<Title>" or "[Conclusion] inference in <Argument>"
    value: float
    line: int
    column: int


def number(data: dict, key: str) -> float | None:
    """A credence, inference or prior from a data block: a number in [0, 1], else None."""
    value = data.get(key)
    if value is None:  # the common case, tens of thousands of times a large map: nothing stated
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        return None
    return float(value)


class Stage(NamedTuple):
    """An inferential step of a PCS: its premises (an intermediary conclusion first) and conclusion."""

    index: int  # of the conclusion in the PCS
    premises: list[StatementOccurrence]
    conclusion: StatementOccurrence


NUMBERS = ("credence", "inference", "prior")


def data_blocks(model: ArgumentMap) -> Iterator[tuple[str, dict, Span | None]]:
    """Every data block of a map that holds something: whose it is (for messages), its data,
    and where it is."""
    for title, statement in model.statements.items():
        for member in statement.members:
            fields = member.__dict__  # read once: a model's attribute is slow to read, and a map has many
            if fields["data"]:
                yield f"[{title}]", fields["data"], fields["data_span"] or fields["span"]
    for title, argument in model.arguments.items():
        for description in argument.members:
            if description.data:
                yield f"<{title}>", description.data, description.data_span or description.span
        for member in argument.pcs:
            if member.inference is not None and member.inference.data:
                yield (f"the inference to [{member.title}] in <{title}>", member.inference.data,
                       member.inference.data_span or member.inference.span or member.span)


def stages(argument: Argument) -> list[Stage]:
    """The inferential steps of an argument's premise-conclusion structure, in order."""
    result, premises, premise = [], [], Role.PREMISE  # looked up once: a member of an enumeration is slow to look up
    for index, member in enumerate(argument.pcs):
        if member.role is premise:
            premises.append(member)
            continue
        result.append(Stage(index, premises, member))
        premises = [member]
    return result


def inference_of(conclusion: StatementOccurrence) -> tuple[float | None, Any]:
    """A step's stated inference (on the conclusion, else on the inference line) and its data span."""
    value = number(conclusion.data, "inference")
    if value is not None:
        return value, conclusion.data_span
    if conclusion.inference is not None:
        value = number(conclusion.inference.data, "inference")
        return value, conclusion.inference.data_span
    return None, None


def did_you_mean(title: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(title, choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


class _Node:
    """What one node of the dependency graph is computed from."""

    __slots__ = ("key", "premises", "concluded_by", "supports", "attacks", "prior", "label")

    def __init__(self, key: Node, label: str, prior: float = UNKNOWN) -> None:
        self.key = key
        self.label = label
        self.premises: list[Node] | None = None  # a step of a PCS: its premises
        self.concluded_by: list[Node] = []  # a statement: the steps that conclude it
        self.supports: list[Node] = []
        self.attacks: list[Node] = []
        self.prior = prior


class Network:
    """The claim graph as equations: what each node is computed from, which numbers the
    author stated, and the order to evaluate in. Built once per map; evaluated per semantics
    and per what-if."""

    def __init__(self, model: ArgumentMap) -> None:
        self.model = model
        self.nodes: dict[Node, _Node] = {}
        self.numbers: dict[InputKey, float] = {}  # each number the author stated (see :attr:`inputs`)
        self._stated: dict[InputKey, tuple[str, Span | None]] = {}  # how each is shown, and where it is
        self.diagnostics: list[Diagnostic] = []
        self.edges: dict[tuple[Node, Node, str], list[tuple]] = {}  # (source, target, "+"/"-") -> graph edges
        self.written: dict[tuple[Node, Node], Relation] = {}  # (source, target) -> the first relation saying it
        self._stages: dict[str, list[Stage]] = {}  # each argument's, made once for building and the warnings
        for title, statement in model.statements.items():
            data = statement.data  # most state no prior, many no credence: looked for before a number is read
            node = self._add(("statement", title), f"[{title}]", number(data, "prior") if "prior" in data else None)
            if "credence" in data:
                self._stated_credence(node, statement)
        for title, argument in model.arguments.items():
            self._argument(title, argument)
        for relation in model.relations:
            self._relation(relation)
        self.successors: dict[Node, dict[Node, None]] = {key: {} for key in self.nodes}  # what each node feeds
        successors = self.successors
        for key, node in self.nodes.items():
            for source in chain(node.premises or (), node.concluded_by, node.supports, node.attacks):
                successors[source][key] = None
        order = dependency_order(successors)
        position = None  # of each node, made for the first cycle
        for members in order:
            if len(members) > 1:  # a cycle: its members in the order of the nodes
                position = position or {key: i for i, key in enumerate(self.nodes)}
                members.sort(key=position.__getitem__)
        self.components: list[tuple[list[Node], bool]] = [  # in dependency order, each with whether it is a cycle
            (members, len(members) > 1 or members[0] in successors[members[0]]) for members in order]
        self.component_of: dict[Node, int] = {key: place for place, members in enumerate(order) for key in members}
        self.theses = self._theses()
        self._invalid_numbers()
        self._missing_numbers()

    def sources(self, key: Node) -> list[Node]:
        """The nodes that ``key`` is computed from."""
        node = self.nodes[key]
        return (node.premises or []) + node.concluded_by + node.supports + node.attacks

    def downstream(self, *keys: Node) -> set[Node]:
        """``keys`` and every node they reach: what a change in their values can move."""
        return _reached(keys, lambda key: self.successors[key])

    def upstream(self, *keys: Node) -> set[Node]:
        """``keys`` and every node that reaches them: what their values are computed from."""
        return _reached(keys, self.sources)

    # -- building

    def _add(self, key: Node, label: str, prior: float | None = None) -> _Node:
        node = self.nodes[key] = _Node(key, label, UNKNOWN if prior is None else prior)
        return node

    def _input(self, kind: str, node: _Node, value: float | None, span, label: str | None = None) -> None:
        if value is None:
            return
        self.numbers[(kind, node.key)] = value
        self._stated[(kind, node.key)] = (label or node.label, span)

    @cached_property
    def inputs(self) -> dict[InputKey, Input]:
        """Each number the author stated, with where it is: made when first asked, as the
        checks need only :attr:`numbers`, and a large map has tens of thousands."""
        inputs = {}
        for (kind, node), (label, span) in self._stated.items():
            line, column = (span.line, span.column) if span else (1, 1)
            inputs[(kind, node)] = constructed(Input, {"kind": kind, "node": node, "label": label,
                                                       "value": self.numbers[(kind, node)], "line": line,
                                                       "column": column})
        return inputs

    def _stated_credence(self, node: _Node, entity) -> None:
        """The credence a statement (or an argument without premises) states, where it was last written."""
        stated = number(entity.data, "credence")
        if stated is not None:
            for holder in reversed(entity.members):
                if "credence" in holder.data:
                    self._input("credence", node, stated, holder.data_span)
                    return
            self._input("credence", node, stated, None)

    def _argument(self, title: str, argument: Argument) -> None:
        if not argument.pcs:
            self._stated_credence(self._add(("argument", title), f"<{title}>", number(argument.data, "prior")),
                                  argument)
            return
        steps = self._stages[title] = stages(argument)
        for stage in steps:
            key = ("argument", title) if stage is steps[-1] else ("step", title, stage.index)
            label = f"<{title}>" if stage is steps[-1] else f"<{title}> step ({stage.conclusion.number})"
            node = self._add(key, label)
            node.premises = [("statement", m.title) for m in stage.premises]
            self.nodes[("statement", stage.conclusion.title)].concluded_by.append(key)
            value, span = inference_of(stage.conclusion)
            self._input("inference", node, value, span,
                        label=f"[{stage.conclusion.title}] inference in <{title}>")

    def _relation(self, relation) -> None:
        source: Node = (relation.source_kind, relation.source)
        target_kind = "argument" if relation.target_kind == "inference" else relation.target_kind
        nodes = self.nodes
        if source not in nodes or (target_kind, relation.target) not in nodes:
            # explodeArguments renames the arguments it splits, not the relations to them
            missing = [f"{'[' if kind == 'statement' else '<'}{title}{']' if kind == 'statement' else '>'}"
                       for kind, title in (source, (target_kind, relation.target)) if (kind, title) not in nodes]
            span = relation.spans[0]
            self.diagnostics.append(Diagnostic(
                severity=Severity.WARNING, code="dangling-relation", line=span.line, column=span.column,
                message=f"this {relation.type.value} relation points at {missing[0]}, which the map does not "
                        "have (explodeArguments splits arguments into steps); argmap leaves it out"))
            return
        argument = self.model.arguments.get(relation.source) if relation.source_kind == "argument" else None
        if argument is not None and argument.pcs:  # an argument speaks through its conclusion
            source = ("statement", argument.pcs[-1].title)
        if relation.target_kind == "inference":
            argument = self.model.arguments[relation.target]
            main = len(argument.pcs) - 1
            index = main if relation.conclusion_index is None else relation.conclusion_index
            target: Node = ("argument", relation.target) if index == main else ("step", relation.target, index)
            drawn = ("argument", relation.target)
        else:
            target = drawn = (relation.target_kind, relation.target)
        sign = "+" if relation.type in (RelationType.SUPPORT, RelationType.ENTAILS) else "-"
        self._term(source, target, sign, ((relation.source_kind, relation.source), drawn, relation.type.value))
        self.written.setdefault((source, target), relation)
        if relation.type is RelationType.CONTRADICTORY:  # `><` has no direction: it acts both ways
            self._term(target, source, "-", (drawn, (relation.source_kind, relation.source), relation.type.value))
            self.written.setdefault((target, source), relation)

    def _term(self, source: Node, target: Node, sign: str, edge: tuple) -> None:
        """One supporter or attacker of a node; the same source counts once however often written."""
        known = self.edges.setdefault((source, target, sign), [])
        if not known:
            node = self.nodes[target]
            (node.supports if sign == "+" else node.attacks).append(source)
        known.append(edge)

    def _theses(self) -> list[str]:
        """The statements the front matter names (``thesis: Title`` or a list), else the
        top-level statements nothing depends on, else any statement nothing depends on that
        something bears on."""
        named = self.model.front_matter.get("thesis")
        if named:
            titles = [str(t) for t in (named if isinstance(named, list) else [named])]
            return [t for t in titles if t in self.model.statements]
        free = [t for t in self.model.statements if not self.successors[("statement", t)]]
        top = [t for t in free if self.model.statements[t].is_used_as_top_level]
        return top or [t for t in free if self.sources(("statement", t))]

    def _invalid_numbers(self) -> None:
        """An error for each credence, inference or prior that is not a number in [0, 1]."""
        for owner, data, where in data_blocks(self.model):
            for key in NUMBERS:
                if key in data and number(data, key) is None:
                    self.diagnostics.append(Diagnostic(
                        severity=Severity.ERROR, code="number", line=where.line, column=where.column,
                        message=f"{owner}: {{{key}: {data[key]!r}}} is not a number from 0 to 1; argmap ignores it"))

    def _missing_numbers(self) -> None:
        """A warning for each number the computation needs and the author left out."""
        if not self.numbers:
            if self.model.statements and all(node.prior == UNKNOWN for node in self.nodes.values()):
                self.diagnostics.append(Diagnostic(
                    severity=Severity.INFO, code="no-numbers", line=1, column=1,
                    message="the map states no {credence} and no {inference}: every claim starts at 0.5"))
            return
        warned, statements, numbers = set(), self.model.statements, self.numbers
        premise_role, main_role = Role.PREMISE, Role.MAIN_CONCLUSION  # looked up once: slow to look up
        for title, steps in self._stages.items():
            for stage in steps:
                for premise in stage.premises:
                    if premise.role is not premise_role or premise.title in warned \
                            or "credence" in statements[premise.title].data:  # stated, or an error already
                        continue
                    if self._unfounded(self.nodes[("statement", premise.title)]):
                        warned.add(premise.title)
                        prior = number(statements[premise.title].data, "prior")
                        self._warn(premise, "missing-credence", premise.title,
                                   f"[{premise.title}] is a premise of <{title}>, but no {{credence}} for it is "
                                   f"stated anywhere and nothing bears on it; argmap assumes "
                                   + (f"its {{prior: {fmt(prior)}}}" if prior is not None else "0.5"))
                main = stage.conclusion.role is main_role
                if ("inference", ("argument", title) if main else ("step", title, stage.index)) not in numbers:
                    self._warn(stage.conclusion, "missing-inference", title,
                               f"[{stage.conclusion.title}], the conclusion of <{title}>, has no {{inference}}; "
                               "argmap assumes 0.5")

    def _unfounded(self, node: _Node) -> bool:
        return (("credence", node.key) not in self.numbers and not node.concluded_by
                and not node.supports and not node.attacks)

    def _warn(self, occurrence: StatementOccurrence, code: str, subject: str, message: str) -> None:
        span = occurrence.data_span or occurrence.span
        self.diagnostics.append(Diagnostic(severity=Severity.WARNING, code=code, message=message, line=span.line,
                                           column=span.column, subject=subject))

    # -- numbers that changed value

    def restate(self, statements: set[str], arguments: set[str]) -> set[Node] | None:
        """Read again the stated numbers of these statements and arguments, whose data changed
        values (not keys) in the model; the nodes whose numbers moved, or None where more changed
        than that (a number stated or unstated, made invalid, a prior): then build another network."""
        found: list[tuple[InputKey, float | None]] = []
        for title in statements:
            statement = self.model.statements[title]
            if _prior(statement) != self.nodes[("statement", title)].prior:
                return None
            found.append((("credence", ("statement", title)), number(statement.data, "credence")))
            blocks = [member.data for member in statement.members]
            if any(key in data and number(data, key) is None for data in blocks for key in NUMBERS):
                return None
        for title in arguments:
            argument = self.model.arguments[title]
            if not argument.pcs:
                if _prior(argument) != self.nodes[("argument", title)].prior:
                    return None
                found.append((("credence", ("argument", title)), number(argument.data, "credence")))
                continue
            steps = stages(argument)
            for stage in steps:
                key = ("argument", title) if stage is steps[-1] else ("step", title, stage.index)
                found.append((("inference", key), inference_of(stage.conclusion)[0]))
                inference = stage.conclusion.inference
                if inference is not None and "inference" in inference.data and number(inference.data, "inference") \
                        is None:
                    return None
        if any((key in self.numbers) != (value is not None) for key, value in found):
            return None
        changed = set()
        for key, value in found:
            if value is not None and self.numbers[key] != value:
                self.numbers[key] = value
                if "inputs" in self.__dict__:  # made already: kept current
                    self.inputs[key].value = value
                changed.add(key[1])
        return changed

    # -- what-ifs

    def changes(self, overrides: dict[str, float] | None) -> dict[InputKey, float]:
        """``--set`` values as inputs. A title names a statement's credence, else the inference
        of the steps concluding it, else (``<Title>``, or a title no statement has) an
        argument's inference or credence; a statement with no number of its own gets one."""
        result: dict[InputKey, float] = {}
        for name, value in (overrides or {}).items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
                raise ValueError(f"{name}={value}: a credence or inference is a number from 0 to 1")
            for key in self._keys_named(name.strip()):
                result[key] = float(value)
        return result

    def _keys_named(self, name: str) -> list[InputKey]:
        bracket = name[:1] + name[-1:]
        title = name[1:-1] if bracket in ("[]", "<>") else name
        if title in self.model.statements and (bracket != "<>" or title not in self.model.arguments):
            node = self.nodes[("statement", title)]
            if ("credence", node.key) in self.numbers:
                return [("credence", node.key)]
            stated = [("inference", step) for step in node.concluded_by if ("inference", step) in self.numbers]
            if stated or bracket == "[]" or title not in self.model.arguments:
                return stated or [("credence", node.key)]
        if title in self.model.arguments:  # `[A]` too, when A is only an argument
            kind = "inference" if self.model.arguments[title].pcs else "credence"
            return [(kind, ("argument", title))]
        raise ValueError(f"no statement or argument is titled {title!r}"
                         + did_you_mean(title, [*self.model.statements, *self.model.arguments]))

    # -- evaluation

    def evaluate(self, semantics: ModuleType, numbers: dict[InputKey, float],
                 values: dict[Node, float] | None = None, only: set[Node] | None = None,
                 unique: bool = False) -> "_Evaluation":
        """Every node's value, in dependency order; each cycle followed to where it settles.
        With ``values`` and ``only``, recompute just the nodes in ``only`` (a what-if); with
        ``unique``, also run each settled cycle from other starting values, to tell whether
        its limit is the only one."""
        result = _Evaluation(dict(values or {}))
        values = result.values
        chosen = self.components if only is None else \
            [self.components[i] for i in sorted({self.component_of[key] for key in only})]
        for members, cyclic in chosen:
            if not cyclic:
                values[members[0]] = self._value(members[0], semantics, numbers, values)
                continue
            for key in members:  # a what-if too starts afresh, so its values are those of a full run
                values[key] = UNKNOWN
            bases = {key: self.base(key, numbers, values) for key in members}  # all from the same values
            iterations, moved = self._settle(members, semantics, numbers, values, bases)
            result.iterations = max(result.iterations, iterations)
            if moved > TOLERANCE:
                result.unsettled.append((members, moved))
            elif unique:
                limit = {key: values[key] for key in members}
                for start in _starts(members):
                    _, moved = self._settle(members, semantics, numbers, values, start, limit)
                    if moved > TOLERANCE or any(abs(values[key] - limit[key]) > AGREE for key in members):
                        result.ambiguous.append((members, limit, None if moved > TOLERANCE else dict(values)))
                        break
                values.update(limit)
        return result

    def _settle(self, members: list[Node], semantics: ModuleType, numbers: dict[InputKey, float],
                values: dict[Node, float], start: dict[Node, float],
                limit: dict[Node, float] | None = None) -> tuple[int, float]:
        """Euler steps along ds/dt = f(s) - s from ``start``, every member updated from the
        previous step's values (Jacobi, not Gauss-Seidel: the order of ``members`` cannot
        matter), until they settle or, given the ``limit`` of another run (which attracts),
        come within ``NEAR`` of it; the number of steps taken and how far the last one
        moved a value (0 when it reached the limit)."""
        values.update(start)
        moved = 0.0
        for iteration in range(1, MAX_ITERATIONS + 1):
            targets = [self._value(key, semantics, numbers, values) for key in members]
            moved = 0.0
            for key, target in zip(members, targets):
                change = STEP * (target - values[key])
                values[key] += change
                moved = max(moved, abs(change))
            if moved <= TOLERANCE:
                return iteration, moved
            if limit is not None and all(abs(values[key] - limit[key]) <= NEAR for key in members):
                return iteration, 0.0
        return MAX_ITERATIONS, moved

    def base(self, key: Node, numbers: dict[InputKey, float], values: dict[Node, float]) -> float:
        node = self.nodes[key]
        if node.premises is not None:
            return math.prod(values[p] for p in node.premises) * numbers.get(("inference", key), UNKNOWN)
        if ("credence", key) in numbers:
            return numbers[("credence", key)]
        if node.concluded_by:
            return probabilistic_sum([values[step] for step in node.concluded_by])
        return node.prior

    def _value(self, key: Node, semantics: ModuleType, numbers: dict[InputKey, float],
               values: dict[Node, float]) -> float:
        node = self.nodes[key]
        base = self.base(key, numbers, values)
        if not node.supports and not node.attacks:
            return base
        return semantics.combine(base, [values[s] for s in node.supports], [values[a] for a in node.attacks])


def _reached(starts, following) -> set:
    """``starts`` and every node reached from them by ``following`` a node to its neighbours."""
    found, todo = set(starts), list(starts)
    while todo:
        for other in following(todo.pop()):
            if other not in found:
                found.add(other)
                todo.append(other)
    return found


def dependency_order(successors: dict) -> list[list]:
    """The strongly connected components of a directed graph (``successors`` maps each node
    to those it has an edge to) in dependency order: every edge goes from a component to
    itself or to a later one. Tarjan's algorithm finds them (on explicit stacks, so that a
    chain of any length fits); they come in generations, first those that nothing outside
    feeds, then those fed only by the ones before, each generation in the order Tarjan's
    algorithm completes them."""
    acyclic = _generations(successors)
    if acyclic is not None:  # most maps: every node a component of its own, and no search for cycles
        return [[node] for node in acyclic]
    low: dict = {}  # the earliest node (by when first met) a node reaches among those in no component yet
    where: dict = {}  # a node's component, once found
    found: list[list] = []
    unplaced: list = []  # met, in no component yet
    met = 0
    for root in successors:
        if root in low:
            continue
        low[root] = met
        path = [(root, met, iter(successors[root]))]  # the depth-first path: node, when met, edges left
        unplaced.append(root)
        met += 1
        while path:
            node, first, ahead = path[-1]
            for child in ahead:
                if child not in low:
                    low[child] = met
                    path.append((child, met, iter(successors[child])))
                    unplaced.append(child)
                    met += 1
                    break
                if child not in where and low[child] < low[node]:
                    low[node] = low[child]
            else:
                path.pop()
                if low[node] == first:  # nothing it reaches leads back above it: a component
                    start = len(unplaced) - 1
                    while unplaced[start] != node:
                        start -= 1
                    component = unplaced[start:]
                    del unplaced[start:]
                    for member in component:
                        where[member] = len(found)
                    found.append(component)
                elif low[node] < low[path[-1][0]]:
                    low[path[-1][0]] = low[node]
    feeds: dict[int, dict[int, None]] = {number: {} for number in range(len(found))}  # what each feeds
    for node, ahead in successors.items():
        mine = feeds[where[node]]
        for child in ahead:
            mine[where[child]] = None
    return [found[number] for number in _in_generations(feeds)]


def _generations(successors: dict) -> list | None:
    """The nodes of a graph without cycles (a node's edge to itself aside) in
    :func:`dependency_order`'s order, or None where there is a cycle. Without cycles every node
    is a component of its own and Tarjan's algorithm completes those that nothing feeds in the
    graph's order (nothing reaches them, so each is the root of its own search)."""
    order = _in_generations(successors)
    return order if len(order) == len(successors) else None


def _in_generations(successors: dict) -> list:
    """The nodes of a graph in generations: first those that nothing feeds, in the graph's
    order, then those fed only by the ones before, in the order the last of their feeders was
    placed; a node's edge to itself aside. A node on a cycle, or fed from one, is left out."""
    waiting = dict.fromkeys(successors, 0)  # how many nodes feeding it are not yet placed
    waiting.update(Counter(chain.from_iterable(successors.values())))
    for node, ahead in successors.items():
        if node in ahead:
            waiting[node] -= 1
    generation = [node for node, count in waiting.items() if not count]
    order = []
    while generation:
        order += generation
        following = []
        for node in generation:
            for child in successors[node]:  # a node's edge to itself takes it below 0, which places nothing
                waiting[child] -= 1
                if not waiting[child]:
                    following.append(child)
        generation = following
    return order


def _prior(entity) -> float:
    """A statement's or argument's prior as its node holds it."""
    prior = number(entity.data, "prior")
    return UNKNOWN if prior is None else prior


def _starts(members: list[Node]) -> list[dict[Node, float]]:
    """Other starting values for a cycle: all 0, all 1, and a ramp from 0 to 1 over its nodes
    sorted by name (all different, so that it breaks the symmetries of the first two; the
    same whatever the order of the text)."""
    ramp = {key: i / max(len(members) - 1, 1) for i, key in enumerate(sorted(members))}
    return [dict.fromkeys(members, 0.0), dict.fromkeys(members, 1.0), ramp]


class _Evaluation:
    __slots__ = ("values", "iterations", "unsettled", "ambiguous")

    def __init__(self, values: dict[Node, float]) -> None:
        self.values = values
        self.iterations = 1
        self.unsettled: list[tuple[list[Node], float]] = []  # cycles that did not settle, and the last move
        # cycles that settle elsewhere (or nowhere: None) from other starting values
        self.ambiguous: list[tuple[list[Node], dict[Node, float], dict[Node, float] | None]] = []


# --- the result ---------------------------------------------------------------------------------

@no_gc()
def credence(model: ArgumentMap, semantics: str = DEFAULT,
             overrides: dict[str, float] | None = None, network: Network | None = None,
             records: bool = True) -> CredenceResult:
    """Credences of every statement and strengths of every argument under a named semantics.

    ``overrides`` maps titles to numbers for a what-if run (see :meth:`Network.changes`);
    ValueError for an unknown semantics, title or a number outside [0, 1]. ``network`` is the
    model's :class:`Network` where the caller has made it already (it is not changed). With
    ``records=False`` a gradual semantics gives only the theses and the warnings (how the
    cycles settle), computing only the cycles and what they are computed from, without the
    record of every node: what a command that only prints a map's warnings needs.
    """
    module = get(semantics)
    network = network if network is not None else Network(model)
    return _result(network, semantics, module, network.changes(overrides), records)


def _result(network: Network, name: str, module: ModuleType, changes: dict[InputKey, float],
            records: bool = True) -> CredenceResult:
    if hasattr(module, "evaluate"):
        return module.evaluate(network, changes)
    if records:
        return _Run(network, name, module, changes).result()
    cyclic = [key for members, is_cycle in network.components if is_cycle for key in members]
    evaluation = network.evaluate(module, {**network.numbers, **changes}, only=network.upstream(*cyclic), unique=True)
    return CredenceResult.model_construct(
        semantics=name, theses=network.theses, statements={}, arguments={}, contributions=[],
        diagnostics=network.diagnostics + _settling(network, evaluation), iterations=evaluation.iterations,
        converged=not evaluation.unsettled)


class _Run:
    """One run of a gradual semantics over a network, kept: its values, contributions and
    records, so that :class:`Live` can recompute only what a changed number reaches."""

    def __init__(self, network: Network, name: str, module: ModuleType, changes: dict[InputKey, float]) -> None:
        self.network, self.name, self.module, self.changes = network, name, module, changes
        self.numbers = {**network.numbers, **changes}
        self.evaluation = network.evaluate(module, self.numbers, unique=True)
        self.contributions: dict[tuple, float] = {}
        self.moved: dict[Node, str] = {}  # the arithmetic of supporters and attackers, per node they move
        self.related = [key for key, node in network.nodes.items() if node.supports or node.attacks]
        self._order = {key: index for index, key in enumerate(self.related)}
        self._crediting: dict[tuple, list[Node]] | None = None  # edge -> the nodes crediting it, once asked
        self._relations()
        self.statements = {title: self._statement(title) for title in network.model.statements}
        self.arguments = {title: self._argument(title) for title in network.model.arguments}
        self.listed: list[Contribution] = [_contribution(edge, value) for edge, value in self.contributions.items()]
        self.position = {edge: index for index, edge in enumerate(self.contributions)}
        self.touched: set[tuple] = set()  # the edges recomputed since the last result

    def _relations(self, keys: list[Node] | None = None) -> None:
        """The shares of the supporters and attackers of ``keys`` (every node they move by
        default), into edges that start at 0."""
        network, numbers, values, module = self.network, self.numbers, self.evaluation.values, self.module
        for key in self.related if keys is None else keys:
            node = network.nodes[key]
            base = network.base(key, numbers, values)
            supports, attacks = [values[s] for s in node.supports], [values[a] for a in node.attacks]
            self.moved[key] = module.formula(base, supports, attacks, values[key])
            support_shares, attack_shares = module.shares(base, supports, attacks, values[key])
            for source, share in zip(node.supports, support_shares):
                _credit(self.contributions, network.edges[(source, key, "+")], share)
            for source, share in zip(node.attacks, attack_shares):
                _credit(self.contributions, network.edges[(source, key, "-")], share)

    def _credited(self, key: Node) -> list[tuple]:
        """The edges that the supporters and attackers of ``key`` are credited to."""
        node, edges = self.network.nodes[key], self.network.edges
        return [edge for sign, sources in (("+", node.supports), ("-", node.attacks)) for source in sources
                for edge in edges[(source, key, sign)]]

    def _sharing(self, keys: set[Node]) -> list[Node]:
        """``keys`` with every node whose shares go into the same edges (a step and its
        argument undercut by one source), and theirs in turn, in the order of a whole run."""
        if self._crediting is None:
            self._crediting = {}
            for key in self.related:
                for edge in self._credited(key):
                    self._crediting.setdefault(edge, []).append(key)
        crediting = self._crediting
        found = _reached(keys, lambda key: (other for edge in self._credited(key) for other in crediting[edge]))
        return sorted(found, key=self._order.__getitem__)

    def _statement(self, title: str) -> StatementCredence:
        return _statement(self.network, self.network.nodes[("statement", title)], self.numbers, self.changes,
                          self.evaluation.values, self.moved, self.contributions)

    def _argument(self, title: str) -> ArgumentCredence:
        return _argument(self.network, title, self.network.model.arguments[title], self.numbers, self.changes,
                         self.evaluation.values, self.moved, self.contributions)

    def update(self, changed: set[Node]) -> bool:
        """Recompute what the nodes in ``changed`` (whose numbers moved) reach; False where
        that includes a cycle (its record of settling is the whole run's)."""
        network = self.network
        reached = network.downstream(*changed)
        if any(network.components[network.component_of[key]][1] for key in reached):
            return False
        self.numbers = {**network.numbers, **self.changes}
        values = network.evaluate(self.module, self.numbers, self.evaluation.values, only=reached).values
        self.evaluation.values = values
        moved = self._sharing({key for key in reached if key in self._order})
        touched = [edge for key in moved for edge in self._credited(key)]
        for key in reached:
            if key[0] == "statement":
                touched += [(_recorded(network, step), key, "conclusion") for step in network.nodes[key].concluded_by]
        arguments = {key[1] for key in reached if key[0] != "statement"}
        touched += [(("statement", member.title), ("argument", title), "premise") for title in arguments
                    for stage in stages(network.model.arguments[title]) for member in stage.premises]
        for edge in touched:
            self.contributions[edge] = 0.0  # the shares are added up from 0, as in a whole run
        self.touched.update(touched)
        self._relations(moved)
        for key in reached:
            if key[0] == "statement":
                self.statements[key[1]] = self._statement(key[1])
        for title in arguments:
            self.arguments[title] = self._argument(title)
        return True

    def result(self) -> CredenceResult:
        network, evaluation = self.network, self.evaluation
        diagnostics = network.diagnostics + _settling(network, evaluation)
        for edge in self.touched:  # the records of the contributions recomputed
            value = self.contributions[edge]
            if self.listed[self.position[edge]].value != value:
                self.listed[self.position[edge]] = _contribution(edge, value)
        self.touched.clear()
        return CredenceResult.model_construct(
            semantics=self.name, theses=network.theses, statements=dict(self.statements),
            arguments=dict(self.arguments), contributions=list(self.listed), diagnostics=diagnostics,
            iterations=evaluation.iterations, converged=not evaluation.unsettled)


class Live:
    """A map's credences kept current while its stated numbers change value (see
    :mod:`argmap.restate`): the network is built once, and each change recomputes only the
    nodes downstream of it. The result always equals :func:`credence` of the map as it is."""

    def __init__(self, model: ArgumentMap, semantics: str = DEFAULT) -> None:
        with no_gc():
            self.network = Network(model)
            self.semantics, self.module = semantics, get(semantics)
            self._run = None if hasattr(self.module, "evaluate") else _Run(self.network, semantics, self.module, {})
            self.result = self._result()

    def _result(self) -> CredenceResult:
        return self._run.result() if self._run is not None else self.module.evaluate(self.network, {})

    def restated(self, statements: set[str], arguments: set[str], places=None) -> bool:
        """Take in new values of the numbers of these statements and arguments (their data
        changed value, the model in place); False where the change is more than that (a
        number added, removed or made invalid, a prior): then this is spent, build another.
        ``places()`` is called before anything reads the model's places, where its caller
        moves them when asked (see :mod:`argmap.restate`)."""
        with no_gc():
            changed = self.network.restate(statements, arguments)
            if changed is None:
                return False
            if self._run is not None and not self._run.update(changed):
                self._run = None  # a cycle: the whole run again, below
            if places is not None and (self._run is None or self._run.evaluation.unsettled
                                       or self._run.evaluation.ambiguous):
                places()  # warnings about cycles (and vargdown's) say where they are
            if self._run is None and not hasattr(self.module, "evaluate"):
                self._run = _Run(self.network, self.semantics, self.module, {})
            self.result = self._result()
        return True


def _credit(contributions: dict, edges: list[tuple], share: float) -> None:
    """The same share for every edge that says it (an argument and its conclusion count once)."""
    for edge in edges:
        contributions[edge] = contributions.get(edge, 0.0) + share


def _statement(network: Network, node: _Node, numbers, changes, values, moved, contributions) -> StatementCredence:
    key, title = node.key, node.key[1]
    base = network.base(key, numbers, values)
    if ("credence", key) in numbers:  # it wins over any argument concluding it
        origin = Origin.STATED
        start = ("set to " if ("credence", key) in changes else "stated ") + fmt(base)
        for step in node.concluded_by:
            contributions[(_recorded(network, step), key, "conclusion")] = 0.0
    elif node.concluded_by:
        origin = Origin.COMPUTED
        strengths = [values[step] for step in node.concluded_by]
        for step, share in zip(node.concluded_by, sum_shares(strengths)):
            contributions[(_recorded(network, step), key, "conclusion")] = share
        labels = ", ".join(network.nodes[step].label for step in node.concluded_by)
        start = (f"from {labels}: {fmt(base)}" if len(strengths) == 1 else
                 f"from {labels}: 1 - {''.join(f'(1 - {fmt(v)})' for v in strengths)} = {fmt(base)}")
    else:
        origin = Origin.PRIOR
        stated_prior = number(network.model.statements[title].data, "prior") is not None
        start = f"prior {fmt(base)}" + ("" if stated_prior else " (nothing stated)")
    if key in moved:
        origin = Origin.COMPUTED
        start = f"base {start}; {moved[key]}"
    return constructed(StatementCredence, dict(title=title, credence=values[key], origin=origin, base=base, formula=start))


def _recorded(network: Network, step: Node) -> tuple:
    """A step as the record names it: its argument for the last step, else ``("step",
    argument, n)``, the n-th of :attr:`ArgumentCredence.steps` (from 0)."""
    if step[0] == "argument":
        return step
    return ("step", step[1], [stage.index for stage in stages(network.model.arguments[step[1]])].index(step[2]))


def _argument(network: Network, title: str, argument: Argument, numbers, changes, values, moved,
              contributions) -> ArgumentCredence:
    node_key = ("argument", title)
    if not argument.pcs:
        base = network.base(node_key, numbers, values)
        start = (f"stated {fmt(base)}" if ("credence", node_key) in numbers
                 else f"prior {fmt(base)} (no premise-conclusion structure, no credence)")
        formula = f"base {start}; {moved[node_key]}" if node_key in moved else start
        return constructed(ArgumentCredence, dict(title=title, conclusion=None, strength=values[node_key],
                                                formula=formula))
    steps, formula = [], ""
    for stage in stages(argument):
        key = node_key if stage.conclusion.role is Role.MAIN_CONCLUSION else ("step", title, stage.index)
        premises = [(m.title, values[("statement", m.title)]) for m in stage.premises]
        inference = numbers.get(("inference", key), UNKNOWN)
        factors = [v for _, v in premises] + [inference]
        for member, share in zip(stage.premises, product_shares(factors)):
            edge = (("statement", member.title), node_key, "premise")
            contributions[edge] = contributions.get(edge, 0.0) + share
        note = " (set)" if ("inference", key) in changes else "" if ("inference", key) in numbers else " (assumed)"
        formula = " × ".join([fmt(v) for _, v in premises] + [f"inference {fmt(inference)}{note}"])
        formula += f" = {fmt(math.prod(factors))}"
        if key in moved:  # an undercut on this step
            formula = f"base {formula}; {moved[key]}"
        steps.append(constructed(Step, dict(conclusion=stage.conclusion.title, premises=premises, inference=inference,
                                          strength=values[key], formula=formula)))
    return constructed(ArgumentCredence, dict(title=title, conclusion=argument.pcs[-1].title, strength=values[node_key],
                                            steps=steps, formula=formula))


def _settling(network: Network, evaluation: _Evaluation) -> list[Diagnostic]:
    """A warning for each cycle of an evaluation that did not settle or has no unique limit."""
    diagnostics = []
    for members, change in evaluation.unsettled:
        diagnostics.append(_cycle_warning(
            network, members, "not-converged",
            f"did not settle within {MAX_ITERATIONS} steps (the last one still moved a value by {change:.2g}); "
            "the credences shown are the last step's"))
    for members, limit, elsewhere in evaluation.ambiguous:
        shown = _cycle_values(members, limit)
        diagnostics.append(_cycle_warning(
            network, members, "no-unique-limit",
            f"has no unique limit: from the base scores it settles at {shown} (shown), but " +
            (f"from other starting values at {_cycle_values(members, elsewhere)}" if elsewhere else
             "from other starting values it does not settle") +
            "; the map alone does not determine these credences"))
    return diagnostics


def _cycle_titles(members: list[Node]) -> list[str]:
    """The statements and arguments of a cycle, sorted (the order of the text does not matter)."""
    return sorted({f"[{key[1]}]" if key[0] == "statement" else f"<{key[1]}>" for key in members})


def _cycle_values(members: list[Node], values: dict[Node, float]) -> str:
    shown = sorted((key[1], values[key]) for key in members if key[0] == "statement")
    return ", ".join(f"[{title}] = {fmt(value)}" for title, value in shown[:6]) + (", ..." if len(shown) > 6 else "")


def _cycle_warning(network: Network, members: list[Node], code: str, what: str) -> Diagnostic:
    """A warning about a cycle, at its first relation written, naming its members; the cycle's
    other relations are related places."""
    inside = set(members)
    relations = sorted({id(r): r for (source, target), r in network.written.items()
                        if source in inside and target in inside}.values(), key=lambda r: r.spans[0].start)
    titles = _cycle_titles(members)
    shown = ", ".join(titles[:8]) + (", ..." if len(titles) > 8 else "")
    message = f"the cycle through {shown} {what}"
    if not relations:  # a cycle of premises and conclusions only: at a premise-conclusion structure on it
        key = next(key for key in members if key[0] == "statement")
        written = [m for m in network.model.statements[key[1]].members if m.argument is not None]
        span = written[0].span if written else None  # a map built without text has no places
        return Diagnostic(severity=Severity.WARNING, code=code, subject=key[1], line=span.line if span else 1,
                          column=span.column if span else 1, span=span, message=message)
    first, span = relations[0], relations[0].spans[0]
    return Diagnostic(severity=Severity.WARNING, code=code, subject=first.target, line=span.line, column=span.column,
                      span=span, message=message,
                      related=tuple(Related(f"on the cycle: {_written(r)}", r.spans[0]) for r in relations[1:]))


def _written(relation: Relation) -> str:
    """``[A] attack [B]``: a relation as its source, type and target."""
    ends = [f"[{title}]" if kind == "statement" else f"<{title}>" for kind, title in
            ((relation.source_kind, relation.source), (relation.target_kind, relation.target))]
    return f"{ends[0]} {relation.type.value} {ends[1]}"
