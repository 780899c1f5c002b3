"""Versions of a map: what changed between two of them, each change's share of
each thesis's move (``argmap diff``), and the thesis along a file's git history
(``argmap log``).

A map is read as a set of *facts*: each statement and argument that exists, each stated
number, each premise-conclusion structure, each relation, each text and reason. A change is a
fact whose value differs between the versions. Any subset of the changes gives a map in
between (the old facts with those changes applied), so the thesis's move is a cooperative
game among the changes, and each change's attribution is its Shapley value: its marginal
effect averaged over every order in which the changes could have been made. The values add
up to the move exactly. Up to 12 changes every subset is evaluated; beyond,
random orders are, and each value comes with its standard error (the values still add up
exactly, since every order does). Texts and reasons move nothing and get 0 without being
evaluated.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from argmap.check import bracketed
from argmap.model import Argument, ArgumentMap, Relation, RelationType, Role, Span, Statement, StatementOccurrence
from argmap.propagate import Network, credence, inference_of, number, stages
from argmap.semantics import DEFAULT, get, signed

if TYPE_CHECKING:
    import numpy as np

__all__ = ["Change", "Diff", "HistoryError", "Point", "changes", "diff", "facts", "history", "log_text",
           "read_version", "rebuild"]

PERMUTATIONS = 200  # random orders when Shapley values are sampled ...
BUDGET = 4096  # ... but fewer when there are many changes: about this many maps in between, at least 10 orders
INERT = ("text", "reason")  # fields that move no credence
NOWHERE = Span(1, 1, 1, 1, 0, 0)  # where the rebuilt maps' elements are (they are never shown)
_SYMBOLS = {"support": "+>", "attack": "->", "undercut": "_>", "entails": "+>", "contrary": "->",
            "contradictory": "><"}


class HistoryError(ValueError):
    """A version that cannot be read: a revision that does not exist, a file absent at a
    revision, a folder outside git. The message is one line."""


class Change(BaseModel):
    kind: str  # "statement", "argument" or "relation"
    title: str  # the statement's or argument's title; a relation as "[A] +> [B]"
    field: str  # "exists", "credence", "prior", "inference of [C]", "structure", "text", "reason", ...
    before: Any = None
    after: Any = None
    effect: dict[str, float] = Field(default_factory=dict)  # on each thesis
    error: dict[str, float] = Field(default_factory=dict)  # standard error of the effect, when sampled

    def label(self) -> str:
        name = self.title if self.kind == "relation" else (f"[{self.title}]" if self.kind == "statement"
                                                            else f"<{self.title}>")
        if self.field == "exists":
            added = self.after not in (None, False)
            said = (self.after if added else self.before) if self.kind != "relation" else {}
            numbers = ", ".join(f"{k} {_shown(v)}" for k, v in said.items() if isinstance(v, float))
            return f"{name} {'added' if added else 'removed'}" + (f" ({numbers})" if numbers else "")
        return f"{name} {self.field}: {_shown(self.before)} -> {_shown(self.after)}"


class ThesisMove(BaseModel):
    before: float | None
    after: float | None
    move: float | None


class Diff(BaseModel):
    semantics: str
    old: str  # where each version came from
    new: str
    theses: dict[str, ThesisMove]
    changes: list[Change]
    exact: bool = True  # False: Shapley values sampled over ``permutations`` random orders
    permutations: int = 0

    def to_json(self) -> dict[str, Any]:
        """The shape ``argmap diff --format json`` prints."""
        return {"semantics": self.semantics, "old": self.old, "new": self.new, "exact": self.exact,
                "theses": {t: m.model_dump() for t, m in self.theses.items()},
                "changes": [c.model_dump(exclude={"error"} if self.exact else set()) for c in self.changes]}

    def text(self) -> str:
        lines = []
        count = f"{len(self.changes)} change{'s' * (len(self.changes) != 1)}"
        how = (f"exact Shapley values over {count}" if self.exact else
               f"Shapley values over {count}, sampled over {self.permutations} orders, ± one standard error")
        for thesis, move in self.theses.items():
            if move.move is None:
                lines.append(f"[{thesis}]: {_shown(move.before)} -> {_shown(move.after)} "
                             "(a thesis of one version only)")
            else:
                lines.append(f"[{thesis}]: {move.before:.4f} -> {move.after:.4f} ({signed(move.move)}; {self.semantics}, "
                             f"{how})")
        if not self.changes:
            lines.append("no changes")
        shown = [t for t, m in self.theses.items() if m.move is not None]
        for change in sorted(self.changes, key=lambda c: -abs(c.effect.get(shown[0], 0.0)) if shown else 0.0):
            effects = "  ".join(_effect(change, t, self.exact) for t in shown)
            lines.append(f"  {effects}  {change.label()}")
        return "\n".join(lines)


def _effect(change: Change, thesis: str, exact: bool) -> str:
    value = change.effect.get(thesis, 0.0)
    text = f"{value:+.4f}" if value else "     0"
    if not exact and thesis in change.error:
        text += f" ±{change.error[thesis]:.4f}"
    return f"{text:>8}"


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(map(str, value)) + ")"
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


# --- reading versions -----------------------------------------------------------------------

def _git(args: list[str], cwd: str | Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60)
    except FileNotFoundError:
        raise HistoryError("git is not installed; it is needed to read REV:PATH versions") from None


def _repository(path: str | Path) -> tuple[Path, str]:
    """The top folder of the git repository holding ``path``, and the path relative to it."""
    absolute = Path(os.path.abspath(path))
    folder = absolute.parent
    while not folder.is_dir():
        folder = folder.parent
    result = _git(["rev-parse", "--show-toplevel"], folder)
    if result.returncode != 0:
        raise HistoryError(f"{path}: not in a git repository")
    top = Path(result.stdout.decode().strip())
    return top, Path(os.path.relpath(os.path.realpath(absolute), os.path.realpath(top))).as_posix()


def _commit(revision: str, top: Path) -> str:
    result = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], top)
    if result.returncode != 0:
        raise HistoryError(f"{revision}: no such revision in {top}")
    return result.stdout.decode().strip()


def _show(commit: str, relative: str, top: Path) -> str | None:
    """The file's text at a commit, or None when it is absent there."""
    from argmap.files import decode_source

    result = _git(["show", f"{commit}:{relative}"], top)
    return decode_source(result.stdout) if result.returncode == 0 else None


def read_version(spec: str) -> tuple[str, str]:
    """The text of a file, or of ``REV:PATH`` (a path as seen from here) at a git revision,
    and the spec itself; HistoryError saying what is wrong otherwise."""
    from argmap.files import read_source

    path = Path(spec)
    if path.is_file() or ":" not in spec:
        try:
            return read_source(path), spec
        except OSError as error:
            raise HistoryError(f"{spec}: cannot read: {error.strerror or error}") from None
    revision, _, file = spec.partition(":")
    if not revision or not file:
        raise HistoryError(f"{spec}: write REV:PATH, e.g. HEAD~3:maps/natural_manifold.argdown")
    top, relative = _repository(file)
    commit = _commit(revision, top)
    text = _show(commit, relative, top)
    if text is None:
        raise HistoryError(f"{spec}: {relative} does not exist at {revision}")
    return text, spec


def load_version(spec: str) -> tuple[ArgumentMap, list[str]]:
    """The model of a file or of ``REV:PATH`` (see :func:`read_version`), and its lines, for
    showing its diagnostics."""
    import argmap
    from argmap.files import source_lines

    text, label = read_version(spec)
    return argmap.loads(text, path=label), source_lines(text.lstrip("\ufeff"))


# --- facts and changes ----------------------------------------------------------------------

def facts(model: ArgumentMap) -> dict[tuple, Any]:
    """What a map says that a diff compares, keyed by where it is said."""
    found: dict[tuple, Any] = {}

    def put(key: tuple, value: Any) -> None:
        if value is not None:
            found[key] = value

    def said(kind: str, title: str, element) -> None:
        """What statements and arguments alike say: that they exist, their numbers, text and reason."""
        found[(kind, title)] = True
        for key in ("credence", "prior"):
            put((kind, title, key), number(element.data, key))
        put((kind, title, "text"), element.text)
        put((kind, title, "reason"), _reason(element.data))

    for title, statement in model.statements.items():
        said("statement", title, statement)
    for title, argument in model.arguments.items():
        said("argument", title, argument)
        if argument.pcs:
            found[("argument", title, "structure")] = tuple((m.role.value, m.title) for m in argument.pcs)
        for step in stages(argument):
            conclusion = step.conclusion
            put(("argument", title, f"inference of [{conclusion.title}]"), inference_of(conclusion)[0])
            data = conclusion.data if "reason" in conclusion.data else (
                conclusion.inference.data if conclusion.inference is not None else {})
            put(("argument", title, f"reason for [{conclusion.title}]"), _reason(data))
    for relation in model.relations:
        found[("relation", relation.type.value, relation.source_kind, relation.source, relation.target_kind,
               relation.target, relation.conclusion_index)] = True
    return found


def _reason(data: dict) -> str | None:
    reason = data.get("reason")
    return None if reason is None else str(reason)


def changes(old: dict[tuple, Any], new: dict[tuple, Any]) -> list[tuple[tuple[tuple, ...], Change]]:
    """The facts that differ, as changes (without effects yet) in the order the maps say them
    (the new map's first), each with the facts it changes: a statement or argument added or
    removed is one change with everything said about it."""
    keys = [key for key in dict.fromkeys([*new, *old]) if old.get(key) != new.get(key)]
    appearing = {key for key in keys if len(key) == 2}  # statements and arguments added or removed
    found = []
    for key in keys:
        if key[:2] in appearing and len(key) == 3:
            continue  # part of its owner's change
        before, after = old.get(key), new.get(key)
        if key[0] == "relation":
            _, kind, source_kind, source, target_kind, target, _index = key
            title = f"{bracketed(source_kind, source)} {_SYMBOLS[kind]} {bracketed(target_kind, target)}" + \
                (f" ({kind})" if kind in ("entails", "contrary", "undercut") else "")
            found.append(((key,), Change(kind="relation", title=title, field="exists", before=bool(before),
                                         after=bool(after))))
        elif len(key) == 2:
            group = (key, *(k for k in keys if len(k) == 3 and k[:2] == key))
            side = new if after else old
            said = {k[2]: (_structure(side[k]) if k[2] == "structure" else side[k]) for k in group[1:] if k in side}
            found.append((group, Change(kind=key[0], title=key[1], field="exists", before=None if after else said,
                                        after=said if after else None)))
        elif key[2] == "structure":
            found.append(((key,), Change(kind=key[0], title=key[1], field=key[2], before=_structure(before),
                                         after=_structure(after))))
        else:
            found.append(((key,), Change(kind=key[0], title=key[1], field=key[2], before=before, after=after)))
    return found



def _structure(pcs: tuple | None) -> list[str] | None:
    return None if pcs is None else [f"{'=> ' if role != Role.PREMISE.value else ''}[{title}]" for role, title in pcs]


def rebuild(found: dict[tuple, Any], cache: dict | None = None) -> ArgumentMap:
    """A map that says exactly these facts (no texts, no places): what the propagation reads.
    A statement a structure names but the facts lack is there all the same; a relation to
    something absent, or to a step a structure no longer has, is left out. ``cache`` keeps
    the elements built for earlier maps in between, which the propagation only reads."""
    cache = {} if cache is None else cache
    titles = {"statement": [], "argument": []}
    for key in found:
        if len(key) == 2 and key[0] in titles:
            titles[key[0]].append(key[1])
    named = [member for title in titles["argument"] for _, member in found.get(("argument", title, "structure"), ())]
    numbers = ("credence", "prior")
    statements = {}
    for title in dict.fromkeys(titles["statement"] + named):
        data = {field: found[("statement", title, field)] for field in numbers if ("statement", title, field) in found}
        statements[title] = _cached(cache, ("statement", title, tuple(data.items())), lambda: Statement.model_construct(
            title=title, members=[], tags=[], data=data, section=None, is_used_as_top_level=False))
    said: dict[str, list] = {}  # what the facts say about each argument
    for key, value in found.items():
        if key[0] == "argument" and len(key) == 3:
            said.setdefault(key[1], []).append((key[2], value))
    arguments = {}
    for title in titles["argument"]:
        arguments[title] = _cached(cache, ("argument", title, tuple(said.get(title, ()))),
                                   lambda: _argument(title, found))
    relations = []
    for key in found:
        if key[0] != "relation":
            continue
        _, kind, source_kind, source, target_kind, target, index = key
        ends = [(source_kind, source), ("argument" if target_kind == "inference" else target_kind, target)]
        if not all(title in (statements if kind_ == "statement" else arguments) for kind_, title in ends):
            continue
        if target_kind == "inference" and index is not None:
            pcs = arguments[target].pcs
            if index >= len(pcs) or pcs[index].role is Role.PREMISE:
                continue
        relations.append(_cached(cache, key, lambda: Relation.model_construct(
            type=RelationType(kind), source=source, source_kind=source_kind, target=target, target_kind=target_kind,
            conclusion_index=index, spans=[NOWHERE])))
    return ArgumentMap.model_construct(statements=statements, arguments=arguments, relations=relations, sections=[],
                                       tags=[], front_matter={}, strict=False, diagnostics=[], path=None)


def _cached(cache: dict, key: tuple, make):
    if key not in cache:
        cache[key] = make()
    return cache[key]


def _argument(title: str, found: dict) -> Argument:
    data = {field: found[("argument", title, field)] for field in ("credence", "prior")
            if ("argument", title, field) in found}
    structure = found.get(("argument", title, "structure"), ())
    return Argument.model_construct(title=title, members=[], pcs=_pcs(title, structure, found), tags=[], data=data,
                                    section=None, span=None)


def _pcs(title: str, structure: tuple, found: dict) -> list[StatementOccurrence]:
    """A premise-conclusion structure with the inferences the facts give its conclusions."""
    pcs = []
    for position, (role, member) in enumerate(structure, 1):
        inference = found.get(("argument", title, f"inference of [{member}]")) if role != Role.PREMISE.value else None
        pcs.append(StatementOccurrence.model_construct(
            title=member, text=None, is_reference=True, tags=[], ranges=[], span=NOWHERE, title_span=None,
            data_span=None, section=None, role=Role(role), argument=title, number=position,
            data={} if inference is None else {"inference": inference}, inference=None))
    return pcs


# --- Shapley values -------------------------------------------------------------------------

def _game(old: dict, new: dict, keys: list[tuple], semantics: str, targets: list[tuple],
          coalitions: list[int]) -> dict[int, "np.ndarray"]:
    """Each thesis's credence for each coalition (a bit mask over ``keys``). Changes to
    statements, arguments and structures rebuild the map, once per distinct set of them; the
    map then holds every relation of either version, and the stated credences and
    inferences, and which relations are there, are columns of one batch over it."""
    import numpy as np

    from argmap.batch import evaluate, vectorised

    columnar = [i for i, group in enumerate(keys) if _is_number(group) or _is_relation(group)]
    structural_mask = sum(1 << i for i in range(len(keys)) if i not in columnar)
    relations = [keys[i][0] for i in columnar if _is_relation(keys[i])]
    groups: dict[int, list[int]] = {}
    for coalition in coalitions:
        groups.setdefault(coalition & structural_mask, []).append(coalition)
    results: dict[int, np.ndarray] = {}
    cache: dict = {}
    for structure, members in groups.items():
        found = {**_apply(old, new, keys, structure), **dict.fromkeys(relations, True)}
        network = Network(rebuild(found, cache))
        present = [t for t in targets if t in network.nodes]
        if not vectorised(network, semantics):  # a cycle: each coalition through credence()
            for coalition in members:
                result = credence(rebuild(_apply(old, new, keys, coalition), cache), semantics)
                results[coalition] = np.array([result.statements[t[1]].credence if t[1] in result.statements
                                               else np.nan for t in targets])
            continue
        columns = {}
        for i in columnar:
            fact = keys[i][0]
            key = _input_key(network, fact) if _is_number(keys[i]) else None
            if key is not None:
                before, after = old.get(fact, np.nan), new.get(fact, np.nan)
                columns[key] = np.array([after if coalition >> i & 1 else before for coalition in members],
                                        dtype=float)
        edges = _edge_masks(network, found, {keys[i][0]: i for i in columnar if _is_relation(keys[i])}, old, new,
                            members)
        values = evaluate(network, semantics, columns, len(members), present, edges=edges)
        for row, coalition in enumerate(members):
            results[coalition] = np.array([values[t][row] if t in values else np.nan for t in targets])
    return results


def _is_relation(group: tuple[tuple, ...]) -> bool:
    return len(group) == 1 and group[0][0] == "relation"


def _edge_masks(network: Network, found: dict, changed: dict[tuple, int], old: dict, new: dict,
                coalitions: list[int]) -> dict[tuple, "np.ndarray"]:
    """For each supporter or attacker that only changed relations write: 1 in the coalitions
    where one of them is there, else 0."""
    import numpy as np

    writers: dict[tuple, list[tuple]] = {}  # a supporter or attacker -> the relation facts that write it
    written_by = {entry: edge for edge, entries in network.edges.items() for entry in entries}
    for fact in found:
        if fact[0] != "relation":
            continue
        _, kind, source_kind, source, target_kind, target, _index = fact
        drawn = ("argument", target) if target_kind == "inference" else (target_kind, target)
        for entry in [((source_kind, source), drawn, kind)] + \
                ([(drawn, (source_kind, source), kind)] if kind == "contradictory" else []):
            if entry in written_by:
                writers.setdefault(written_by[entry], []).append(fact)
    masks = {}
    for edge, facts_ in writers.items():
        if not all(fact in changed for fact in facts_):
            continue  # a relation both versions write keeps it
        masks[edge] = np.array([any((fact in new) if coalition >> changed[fact] & 1 else (fact in old)
                                    for fact in facts_) for coalition in coalitions], dtype=float)
    return masks


def _is_number(group: tuple[tuple, ...]) -> bool:
    """Whether a change only sets a stated credence or inference (a column of a batch)."""
    return len(group) == 1 and len(group[0]) == 3 and (group[0][2] == "credence"
                                                       or group[0][2].startswith("inference of ["))


def _apply(old: dict, new: dict, groups: list[tuple[tuple, ...]], coalition: int) -> dict:
    """The old facts with the changes in ``coalition`` (a bit mask over ``groups``) made."""
    found = dict(old)
    for i, group in enumerate(groups):
        if coalition >> i & 1:
            for key in group:
                if key in new:
                    found[key] = new[key]
                else:
                    found.pop(key, None)
    return found


def _input_key(network: Network, key: tuple):
    """The propagation's input for a stated credence or inference fact (None when its
    statement or argument is absent from this map)."""
    kind, title, field = key
    if field == "credence":
        node = (kind, title)
        return ("credence", node) if node in network.nodes else None
    argument = network.model.arguments.get(title)
    if argument is None:
        return None
    steps = stages(argument)
    for step in steps:
        if field == f"inference of [{step.conclusion.title}]":
            return ("inference", ("argument", title) if step is steps[-1] else ("step", title, step.index))
    return None


def diff(old: str | ArgumentMap, new: str | ArgumentMap, semantics: str = DEFAULT, seed: int = 0,
         permutations: int = PERMUTATIONS) -> Diff:
    """What changed from ``old`` to ``new`` (files, ``REV:PATH`` specs or loaded maps) and
    each change's Shapley share of each thesis's move. HistoryError for a version that
    cannot be read, ValueError for an unknown semantics."""
    import numpy as np

    import argmap
    from argmap.contribution import EXACT_UP_TO, sampled_shapley, shapley

    get(semantics)
    if semantics == "vargdown":
        raise ValueError("diff attributes moves under df-quad or quadratic-energy; vargdown reads numbers where "
                         "they are written, one level deep, and has no shares to give")
    models, labels = [], []
    for version in (old, new):
        if isinstance(version, ArgumentMap):
            models.append(version)
            labels.append(version.path or "<map>")
        else:
            text, label = read_version(version)
            models.append(argmap.loads(text, path=label))
            labels.append(label)
    results = [credence(model, semantics) for model in models]
    theses = list(dict.fromkeys(results[1].theses + results[0].theses))
    moves = {}
    for thesis in theses:
        before, after = (r.statements[thesis].credence if thesis in r.statements else None for r in results)
        moves[thesis] = ThesisMove(before=before, after=after,
                                   move=None if before is None or after is None else after - before)
    before_facts, after_facts = facts(models[0]), facts(models[1])
    differences = changes(before_facts, after_facts)
    found = [change for _, change in differences]
    active = [change for _, change in differences if not change.field.startswith(INERT)]
    keys = [group for group, change in differences if not change.field.startswith(INERT)]
    scored = [t for t in theses if moves[t].move is not None]
    targets = [("statement", t) for t in scored]
    exact, errors = len(keys) <= EXACT_UP_TO, None
    if not keys or not targets:
        shares = np.zeros((len(keys), len(targets)))
    elif exact:
        values = _game(before_facts, after_facts, keys, semantics, targets, list(range(1 << len(keys))))
        table = np.array([values[mask] for mask in range(1 << len(keys))])
        shares = np.stack([shapley(table[:, j], len(keys)) for j in range(len(targets))], axis=1)
    else:
        permutations = min(permutations, max(10, BUDGET // (len(keys) + 1)))

        def value_of(masks: list[int]) -> np.ndarray:
            values = _game(before_facts, after_facts, keys, semantics, targets, masks)
            return np.array([values[mask] for mask in masks])

        shares, errors = sampled_shapley(value_of, len(keys), permutations, seed)
    for change in found:
        change.effect = {t: 0.0 for t in scored}
    for i, change in enumerate(active):
        change.effect = {t: float(shares[i, j]) for j, t in enumerate(scored)}
        if errors is not None:
            change.error = {t: float(errors[i, j]) for j, t in enumerate(scored)}
    return Diff(semantics=semantics, old=labels[0], new=labels[1], theses=moves, changes=found, exact=exact,
                permutations=0 if exact else permutations)


# --- log ------------------------------------------------------------------------------------

class Point(BaseModel):
    """The map at one commit that touched it."""

    commit: str
    date: str  # ISO 8601, the author's
    subject: str
    credences: dict[str, float | None]  # each thesis's credence at this commit
    moves: dict[str, float] = Field(default_factory=dict)  # since the version before it
    biggest: Change | None = None  # the change that moved the first thesis most


def history(path: str | Path, since: str | None = None, semantics: str = DEFAULT, seed: int = 0,
            permutations: int = 50) -> list[Point]:
    """The theses' credences at every commit that touched ``path`` (after ``since``, when
    given), oldest first, each with its move and the change that moved it most (by Shapley
    value against the file's version before that commit). HistoryError when git cannot say."""
    import argmap

    get(semantics)
    top, relative = _repository(path)
    span = [f"{_commit(since, top)}..HEAD"] if since is not None else []
    result = _git(["log", "--format=%H%x1f%aI%x1f%s", *span, "--", relative], top)
    if result.returncode != 0:
        raise HistoryError(f"{path}: git log failed: {result.stderr.decode().strip().splitlines()[-1:]}")
    entries = [line.split("\x1f") for line in result.stdout.decode().splitlines() if line]
    if not entries:
        raise HistoryError(f"{path}: no commit touches it" + (f" after {since}" if since else ""))
    points = []
    for commit, date, subject in reversed(entries):
        text = _show(commit, relative, top)
        if text is None:  # the commit deleted the file
            points.append(Point(commit=commit, date=date, subject=subject, credences={}))
            continue
        model = argmap.loads(text, path=f"{commit[:7]}:{relative}")
        now = credence(model, semantics)
        point = Point(commit=commit, date=date, subject=subject,
                      credences={t: now.statements[t].credence for t in now.theses})
        parent = _show(f"{commit}^", relative, top)
        if parent is not None:
            change = diff(argmap.loads(parent, path=f"{commit[:7]}^:{relative}"), model, semantics, seed, permutations)
            point.moves = {t: m.move for t, m in change.theses.items() if m.move is not None}
            first = next(iter(point.moves), None)
            if first is not None and change.changes:
                point.biggest = max(change.changes, key=lambda c: abs(c.effect.get(first, 0.0)))
        points.append(point)
    return points


def log_text(points: list[Point]) -> str:
    """One line a commit: date, commit, each thesis's credence and move, subject, and the
    change that moved it most."""
    lines = []
    for point in points:
        values = "  ".join(f"[{t}] {v:.4f}" + (f" ({signed(point.moves[t])})" if t in point.moves else "")
                           for t, v in point.credences.items()) or "(file deleted)"
        line = f"{point.date[:10]}  {point.commit[:7]}  {values}  {point.subject}"
        if point.biggest is not None:
            first = next(iter(point.moves))
            line += f"\n    most: {point.biggest.effect.get(first, 0.0):+.4f} {point.biggest.label()}"
        lines.append(line)
    return "\n".join(lines)
