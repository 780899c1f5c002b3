"""What an editor asks of a map, over text offsets: which title is at a place, where else it is
written, the outline, completions, what to show on hover and beside titles, and edits that fix
a diagnostic or change a value.

Plain functions over the model and character offsets into the text (as in :class:`Span`), so
that they are tested on their own; ``argmap.lsp`` only converts them to and from the Language
Server Protocol. An :class:`Analysis` holds one text's model and computes the rest on demand.
"""
from __future__ import annotations

import difflib
import os.path
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from argmap.check import bracketed
from argmap.model import ArgumentMap, Diagnostic, Fix, Role, Severity, StatementOccurrence
from argmap.semantics import DEFAULT, NAMES, fmt

__all__ = ["Analysis", "Candidate", "Hint", "Place", "Setting", "Symbol", "completions", "outline", "places", "text_edits"]

KEYS = ("reason", "credence", "inference", "prior")  # vargdown's keys, in the order it writes them
MAX_CRUX_INPUTS = 400  # above this many stated numbers, cruxes (three runs a number) are left to `argmap cruxes`


class Place(NamedTuple):
    """A title written in the text: characters ``start`` to ``end`` are the title itself."""

    kind: str  # "statement" | "argument"
    title: str
    start: int
    end: int
    definition: bool  # written with its text, not a reference or a mention


@dataclass
class Symbol:
    """One entry of the outline: a section, a statement or an argument, with its extent
    (``start``..``end``) and the title to select in it."""

    name: str
    kind: str  # "section" | "statement" | "argument"
    start: int
    end: int
    selection: tuple[int, int]
    detail: str = ""
    children: list["Symbol"] = field(default_factory=list)


@dataclass(frozen=True)
class Candidate:
    """A completion: ``text`` replaces characters ``start`` to ``end``."""

    label: str
    kind: str  # "statement" | "argument" | "key"
    start: int
    end: int
    text: str
    detail: str = ""


class Setting(NamedTuple):
    """A value to write with `argmap set`: ``key`` ("credence" or "inference") of ``title``,
    written as `argmap set` takes it (`[Statement]` or `<Argument>`)."""

    key: str
    title: str
    value: float
    label: str


@dataclass(frozen=True)
class Hint:
    """A label shown after character ``offset``."""

    offset: int
    label: str


# --- titles in the text --------------------------------------------------------------------------

def places(model: ArgumentMap, text: str) -> list[Place]:
    """Every title written in the text (definitions, references, PCS members, relations,
    mentions, mentions in headings), in text order."""
    found: dict[int, Place] = {}
    for kind, table in (("statement", model.statements), ("argument", model.arguments)):
        for title, entity in table.items():
            for member in entity.members:
                span = member.title_span
                if span is not None and text[span.start:span.start + len(title)] == title:
                    found[span.start] = Place(kind, title, span.start, span.start + len(title),
                                              not member.is_reference and bool(member.text))
                for rng in member.ranges:
                    if rng.type.value.endswith("-mention") and rng.span is not None and rng.title is not None:
                        start = rng.span.start + 2  # past `@[` or `@<`
                        mentioned = "statement" if rng.type.value == "statement-mention" else "argument"
                        found[start] = Place(mentioned, rng.title, start, start + len(rng.title), False)
    for section in model.sections:  # headings keep no ranges: read their mentions from the text
        for match in _MENTION.finditer(text, section.span.start, section.span.end):
            group = 1 if match.group(1) is not None else 2
            kind = "statement" if group == 1 else "argument"
            found[match.start(group)] = Place(kind, match.group(group), match.start(group), match.end(group), False)
    return [found[start] for start in sorted(found)]


_MENTION = re.compile(r"(?<!\\)@(?:\[([^\]\n]+)\]|<([^>\n]+)>)")


def _moved(found: list[Place], at: int, delta: int) -> list[Place]:
    """The places after an edit that moved every offset from ``at`` on by ``delta``."""
    index = bisect_right([p.start for p in found], at - 1)
    make = tuple.__new__  # Place(...) without the named tuple's own constructor, which costs twice as much
    return found[:index] + [make(Place, (kind, title, start + delta, end + delta, definition))
                            for kind, title, start, end, definition in found[index:]]


def place_at(found: list[Place], offset: int) -> Place | None:
    """The title at an offset (the cursor just after a title counts as on it)."""
    index = bisect_right([p.start for p in found], offset) - 1
    if index >= 0 and offset <= found[index].end:
        return found[index]
    return None


# --- the outline ---------------------------------------------------------------------------------

def outline(model: ArgumentMap, text: str) -> list[Symbol]:
    """Sections, nested by level, each holding the statements and arguments defined in it, in
    text order; what lies outside any section comes at the top level."""
    ordered = sorted(model.sections, key=lambda s: s.span.start)
    ends = {}
    for index, section in enumerate(ordered):
        later = [s.span.start for s in ordered[index + 1:] if s.level <= section.level]
        ends[section.id] = later[0] if later else len(text)
    symbols = {s.id: Symbol(s.title, "section", s.span.start, ends[s.id], (s.span.start, s.span.end))
               for s in ordered}
    top: list[Symbol] = []
    for section in ordered:
        (symbols[section.parent].children if section.parent in symbols else top).append(symbols[section.id])
    elements = []
    for title, statement in model.statements.items():
        home = _home(statement.members)
        if home is not None:
            elements.append((home, Symbol(title, "statement", home.span.start, home.span.end,
                                          _selection(home), _short(statement.text))))
    for title, argument in model.arguments.items():
        home = _home(argument.members)
        span = home.span if home is not None else argument.span
        if span is not None:
            selection = _selection(home) if home is not None else (span.start, span.start)
            symbol = Symbol(title, "argument", span.start, max(span.end, argument.span.end if argument.span else 0),
                            selection, _short(argument.text))
            elements.append((home or argument, symbol))
    for owner, symbol in sorted(elements, key=lambda pair: pair[1].start):
        (symbols[owner.section].children if owner.section in symbols else top).append(symbol)
    for symbol in symbols.values():
        symbol.children.sort(key=lambda s: s.start)
    top.sort(key=lambda s: s.start)
    return top


def _home(members):
    """The occurrence that stands for an element in the outline: its first with text, else its first."""
    written = [m for m in members if not m.is_reference and m.text]
    return (written or members or [None])[0]


def _selection(member) -> tuple[int, int]:
    span = member.title_span or member.span
    return span.start, span.end


def _short(text: str | None, width: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[:width - 1] + "…"


# --- completion ----------------------------------------------------------------------------------

_OPEN_KEY = re.compile(r"[{,]\s*([A-Za-z_]*)$")


def completions(model: ArgumentMap, text: str, offset: int) -> list[Candidate]:
    """What may be typed at an offset: a statement title after `[` or `@[`, an argument title
    after `<` or `@<`, a vargdown key inside `{`. Nothing elsewhere."""
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    before = text[line_start:offset]
    brackets = [before.rfind(c) for c in "[<]>{}"]
    opened = max(brackets[0], brackets[1])
    if opened > max(brackets[2], brackets[3], brackets[4]) and opened >= 0:
        kind, closing = ("statement", "]") if before[opened] == "[" else ("argument", ">")
        start = line_start + opened + 1
        end = offset + 1 if text[offset:offset + 1] == closing else offset
        table = model.statements if kind == "statement" else model.arguments
        return [Candidate(title, kind, start, end, title + closing, _short(entity.text))
                for title, entity in table.items()]
    block = text.rfind("{", max(0, offset - 2000), offset)
    if block >= 0 and "}" not in text[block:offset]:
        typed = _OPEN_KEY.search(text, block, offset)
        if typed is not None and typed.end() == offset:
            return [Candidate(key, "key", typed.start(1), offset, f"{key}: ") for key in KEYS]
    return []


# --- edits ---------------------------------------------------------------------------------------

def text_edits(old: str, new: str) -> list[Fix]:
    """The replacements that turn ``old`` into ``new``, line by line and trimmed to the
    characters that differ, so that an editor keeps the cursor and marks elsewhere."""
    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    starts = [0]
    for line in before:
        starts.append(starts[-1] + len(line))
    edits = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = zip(range(i1, i2), range(j1, j2)) if i2 - i1 == j2 - j1 else [(None, None)]
        for i, j in pairs:  # lines replaced one for one: an edit each
            start, end = (starts[i1], starts[i2]) if i is None else (starts[i], starts[i + 1])
            replacement = "".join(after[j1:j2]) if j is None else after[j]
            removed = old[start:end]
            if removed == replacement:
                continue
            prefix = len(os.path.commonprefix([removed, replacement]))
            suffix = len(os.path.commonprefix([removed[prefix:][::-1], replacement[prefix:][::-1]]))
            edits.append(Fix("", start + prefix, end - suffix, replacement[prefix:len(replacement) - suffix]))
    return edits



# --- one text, analysed ---------------------------------------------------------------------------

class Analysis:
    """One version of a document: its model at once, everything else when first asked for.

    ``semantics`` is the one configured; a ``semantics:`` key in the front matter overrides it.

    A document whose front matter lists files under ``include:`` is weighed and checked with
    them, read from disk (:attr:`whole`): its credences, hovers and diagnostics are the map's, and
    the diagnostics shown are those in the document. Navigation stays within the document."""

    def __init__(self, text: str, semantics: str | None = None, path: str | None = None) -> None:
        import argmap

        self.text = text
        self._model = argmap.loads(text, path=path)
        joined, self._include_problem = _whole(self._model, text, path)
        self._joined = None if joined is self._model else joined  # with the files it includes
        self._pending: list = []  # number edits whose places are not yet moved (see :attr:`model`)
        self._stale_places: tuple[list[Place], list] | None = None  # places of an earlier text, the edits since
        self._configured = semantics
        self.semantics, self._semantics_problem = _semantics(self._model, semantics)

    @property
    def model(self) -> ArgumentMap:
        """The model of the text. After edits of numbers its places are moved when first asked
        for: hover and the credences read none, and moving them all costs more than the rest."""
        if self._pending:
            from argmap import no_gc
            from argmap.restate import shift

            with no_gc():
                shift(self._model, self._pending)
            self._pending = []
        return self._model

    @property
    def whole(self) -> ArgumentMap:
        """The map weighed: the model, or the map it makes with the files it includes."""
        return self.model if self._joined is None else self._joined

    @property
    def _weighed_unmoved(self) -> ArgumentMap:
        """:attr:`whole` without moving the model's places: for what reads titles and numbers only."""
        return self._model if self._joined is None else self._joined

    def edited(self, start: int, end: int, replacement: str) -> "Analysis":
        """The analysis of this text with characters ``start`` to ``end`` replaced. Where the
        edit only changes stated numbers in one data block (see :mod:`argmap.restate`), it is
        made from this one, which is spent (its model becomes the new one's); else afresh."""
        from argmap import no_gc
        from argmap.restate import restate

        with no_gc():  # many small objects, no cycles: a collection would cost more than the edit
            reusable = self._semantics_problem is None and "include" not in self._model.front_matter
            restated = restate(self._model, self.text, start, end, replacement, self._pending) if reusable else None
            if restated is None:
                return Analysis(self.text[:start] + replacement + self.text[end:], self._configured, self._model.path)
            new = Analysis.__new__(Analysis)
            new.text, new._model, new._pending = restated.text, self._model, self._pending + [restated]
            new._configured, new.semantics, new._semantics_problem = self._configured, self.semantics, None
            new._joined, new._include_problem = None, None
            live = self.__dict__.get("live")
            if live is not None and live.restated(restated.statements, restated.arguments, lambda: new.model):
                new.live = live
            stale = (self.places, []) if "places" in self.__dict__ else self._stale_places
            new._stale_places = None if stale is None else (stale[0], stale[1] + [restated])
            if "_structural" in self.__dict__ and "live" in new.__dict__:
                new._structural = [(rank, restated.moved(d)) for rank, d in self._structural]
        self._model, self._pending = None, []  # spent: were it used, it would move the shared model's places again
        return new

    @cached_property
    def diagnostics(self) -> list[Diagnostic]:
        """Everything `argmap check` reports, with the semantics's own checks."""
        from argmap import no_gc
        from argmap.check import check_map, in_order, numeric_checks

        if self._joined is not None:  # the map's diagnostics in this document (its offsets are the map's)
            found = check_map(self._joined, self.semantics, self.result, self.live.network)
            found = [d for path, d in map(self._joined.sources.localize, found) if path == self._model.path]
        else:
            with no_gc():
                found = in_order(self._structural, numeric_checks(self.model, self.semantics, self.live.network,
                                                                  self.result))
        found += self._evidence_diagnostics()
        found += [d for d in (self._semantics_problem, self._include_problem) if d is not None]
        return sorted(found, key=lambda d: (d.line, d.column))

    @cached_property
    def _structural(self) -> list:
        """The checks that an edit of a number leaves as they are (see :func:`argmap.check.structural_checks`)."""
        from argmap import no_gc
        from argmap.check import structural_checks

        with no_gc():
            return structural_checks(self.model, self.live.network)

    @cached_property
    def live(self):
        """The credences, kept current through edits of numbers (see :class:`argmap.propagate.Live`)."""
        from argmap.propagate import Live

        return Live(self.whole, self.semantics)

    @property
    def result(self):
        """Credences under the chosen semantics (see :func:`argmap.propagate.credence`)."""
        return self.live.result

    @cached_property
    def places(self) -> list[Place]:
        if self._stale_places is None:
            return places(self.model, self.text)
        found, edits = self._stale_places
        for edit in edits:
            found = _moved(found, edit.at, edit.delta)
        return found

    @cached_property
    def cruxes(self) -> dict[str, list]:
        """Each thesis's cruxes, or none where the map states too many numbers to weigh each
        one as an editor waits (`argmap cruxes` does it on the command line)."""
        from argmap.explanation import cruxes
        from argmap.propagate import data_blocks

        stated = sum(key in data for _, data, _ in data_blocks(self._weighed_unmoved) for key in ("credence", "inference"))
        if not self.result.theses or stated > MAX_CRUX_INPUTS:  # counted from the data: no second network
            return {}
        return {report.thesis: report for report in cruxes(self.whole, self.semantics)}

    @cached_property
    def evidence(self) -> dict[str, object]:
        """Each `#observation` whose saved paper is there, checked as `argmap evidence` does
        (see :mod:`argmap.evidence`), by statement title; none unless the text is the file's
        as saved, since the quotes are read from the file."""
        from argmap.evidence import EvidenceStatus, check_evidence
        from argmap.files import read_source

        path = self.model.path
        try:
            if path is None or read_source(path) != self.text:
                return {}
        except OSError:
            return {}
        absent = (EvidenceStatus.MISSING_FILE, EvidenceStatus.REFUSED, EvidenceStatus.NO_LINK)
        return {o.statement: o for o in check_evidence(path, model=self.model).observations if o.status not in absent}

    def _evidence_diagnostics(self) -> list[Diagnostic]:
        """`argmap check --evidence`'s diagnostics for the observations whose paper is there."""
        from argmap.evidence import EvidenceReport

        return EvidenceReport(root="", observations=list(self.evidence.values())).diagnostics()

    def place_at(self, offset: int) -> Place | None:
        """The title at an offset; after edits of numbers, found among the places before them
        (moving them all costs more than hover)."""
        if "places" in self.__dict__ or self._stale_places is None:
            return place_at(self.places, offset)
        found, edits = self._stale_places
        for edit in reversed(edits):
            offset = edit.before(offset)
        place = place_at(found, offset)
        if place is None:
            return None
        start, end = place.start, place.end
        for edit in edits:
            start, end = edit.after(start), edit.after(end)
        return place._replace(start=start, end=end)

    def occurrences(self, place: Place) -> list[Place]:
        """Every place the same statement or argument is written."""
        return [p for p in self.places if p.kind == place.kind and p.title == place.title]

    def definitions(self, place: Place) -> list[Place]:
        """Where it is written with its text; an argument with no description, its PCS; else
        wherever it is written."""
        found = [p for p in self.occurrences(place) if p.definition]
        if not found and place.kind == "argument" and place.title in self.model.arguments:
            span = self.model.arguments[place.title].span
            if span is not None:
                found = [Place("argument", place.title, span.start, span.end, True)]
        return found or self.occurrences(place)

    # -- hover, hints and lenses

    def hover(self, place: Place) -> str:
        """Markdown: the claim's text, its credence and where it comes from, its arithmetic,
        what moves it most, its rank among each thesis's cruxes."""
        result, model = self.result, self._weighed_unmoved
        if place.kind == "statement":
            statement = model.statements.get(place.title)
            record = result.statements.get(place.title)
            if statement is None or record is None:
                return f"**[{place.title}]**: not in the map"
            lines = [f"**[{place.title}]**" + (" (thesis)" if place.title in result.theses else ""), "",
                     statement.text or "*(no text)*", ""]
            stated = statement.data.get("credence")
            value = f"credence **{fmt(record.credence)}** ({result.semantics}, {record.origin.value})"
            if stated is not None and record.origin.value != "stated":
                value += f"; stated {stated}"
            lines.append(value)
            if statement.data.get("reason"):
                lines.append(f"  \nreason: {statement.data['reason']}")
            formula = record.formula
            node = ("statement", place.title)
            checked = self.__dict__.get("evidence", {}).get(place.title)  # once weighed: hover does not wait
            if checked is not None:
                lines += ["", f"evidence: {checked.message}"]
        else:
            argument = model.arguments.get(place.title)
            record = result.arguments.get(place.title)
            if argument is None or record is None:
                return f"**<{place.title}>**: not in the map"
            lines = [f"**<{place.title}>**", "", argument.text or "*(no description)*", "",
                     f"strength **{fmt(record.strength)}**"
                     + (f", concluding [{record.conclusion}]" if record.conclusion else "")]
            formula = record.formula or "; ".join(step.formula for step in record.steps if step.formula)
            node = ("argument", place.title)
        if formula:
            lines += ["", f"`{formula}`"]
        moving = result.into(node)[:5]
        if moving:
            lines += ["", "moved most by:"]
            lines += [f"- {c.value:+.4f} {c.kind} from {_source(result, c.source)}" for c in moving]
        lines += self._crux_lines(node)
        return "\n".join(lines)

    def _crux_lines(self, node: tuple) -> list[str]:
        """Its rank among the cruxes, once they are weighed (hover does not wait for them)."""
        lines = []
        for thesis, report in self.__dict__.get("cruxes", {}).items():
            for rank, crux in enumerate(report.cruxes, 1):
                if crux.input.node == node and (crux.down or crux.up):
                    lines.append(f"- crux {rank} of {len(report.cruxes)} for [{thesis}] ({crux.input.kind}): "
                                 f"±0.1 moves it {crux.down:+.4f}/{crux.up:+.4f}, derivative {crux.derivative:.4f}")
        return ["", "cruxes:", *lines] if lines else []

    def hints(self) -> list[Hint]:
        """After each defining title, its computed value (and the stated one where they differ);
        after the thesis's title, its credence."""
        result, model = self.result, self._weighed_unmoved  # editors ask for hints after each edit
        heads = set(self._argument_heads(model))
        for edit in self._pending:
            heads = {edit.after(offset) for offset in heads}
        found = []
        for place in self.places:
            if not place.definition and place.start not in heads:
                continue
            closing = place.end + 1  # after `]` or `>`
            if place.kind == "statement" and place.title in result.statements:
                record = result.statements[place.title]
                stated = _number(model.statements[place.title].data.get("credence"))
                label = f"{fmt(record.credence)}"
                if stated is not None and abs(stated - record.credence) > 5e-5:
                    label += f" (stated {fmt(stated)})"
                if place.title in result.theses:
                    label = f"thesis {label}"
                found.append(Hint(closing, label))
            elif place.kind == "argument" and place.title in result.arguments:
                found.append(Hint(closing, f"strength {fmt(result.arguments[place.title].strength)}"))
        return found

    @staticmethod
    def _argument_heads(model: ArgumentMap) -> set[int]:
        """Where the title of each argument without a description is written above its PCS."""
        heads = set()
        for argument in model.arguments.values():
            if argument.text is None and argument.span is not None:
                above = [m.title_span.start for m in argument.members
                         if m.title_span is not None and m.title_span.start < argument.span.start]
                if above:
                    heads.add(max(above))
        return heads

    def lenses(self) -> list[tuple[Place, str]]:
        """Above each thesis's definition: its credence and its top crux."""
        found = []
        for thesis in self.result.theses:
            place = next((p for p in self.places if p.kind == "statement" and p.title == thesis and p.definition),
                         None)
            if place is None:
                continue
            label = f"thesis [{thesis}] = {fmt(self.result.statements[thesis].credence)} ({self.result.semantics})"
            report = self.cruxes.get(thesis)
            if report is not None and report.cruxes:
                top = report.cruxes[0]
                label += f"; top crux: {top.input.label} ({top.input.kind}), ±0.1 moves it {top.down:+.4f}/{top.up:+.4f}"
            found.append((place, label))
        return found

    def cruxes_text(self, top: int = 10) -> str:
        """What the `argmap.cruxes` command shows: `argmap cruxes`'s table for this text."""
        from argmap.explanation import cruxes, cruxes_text

        return cruxes_text(cruxes(self.model, self.semantics), self.model.path or "<text>", top)

    # -- edits

    def fixes(self, diagnostic: Diagnostic) -> list[Fix]:
        """Edits that resolve a diagnostic: those it carries, and for a conclusion without its
        `----` the line, for a premise without a credence a `{reason, credence}` block."""
        found = list(diagnostic.fixes)
        if diagnostic.code == "missing-inference" and diagnostic.subject in self.model.arguments:
            conclusion = self.model.arguments[diagnostic.subject].conclusion
            if conclusion is not None and conclusion.inference is not None and conclusion.inference.span is None:
                line_start = max(self.text.rfind("\n", 0, conclusion.span.start),
                                 self.text.rfind("\r", 0, conclusion.span.start)) + 1
                indent = self.text[line_start:conclusion.span.start]
                indent = indent[:len(indent) - len(indent.lstrip(" \t"))]
                found.append(Fix(f"Insert the inference line ---- before [{conclusion.title}]", line_start, line_start,
                                 f"{indent}----{_newline(self.text)}"))
        elif diagnostic.code == "evidence-outside-cited-lines" and diagnostic.subject in self.evidence:
            found += _cite_found_lines(self.evidence[diagnostic.subject], self.text)
        elif diagnostic.code == "missing-credence" and diagnostic.subject in self.model.statements:
            found += [fix._replace(text=fix.text.replace("credence: 0.5", 'reason: "", credence: 0.5', 1))
                      for fix in self._edit(f"Add {{reason: \"\", credence: 0.5}} to [{diagnostic.subject}] "
                                            "(the 0.5 argmap assumes)",
                                            lambda document: document.set_credence(diagnostic.subject, 0.5))]
        return found

    def settings(self, place: Place) -> list[Setting]:
        """"Set credence" for a statement that no argument concludes, "set inference" for each
        argument (of an argument, or of each argument concluding the statement): a tenth up and
        down from the value now, or 0.5 where none is stated. What `argmap set` would refuse
        (a credence overriding an argument) is not offered."""
        model = self.model
        if place.kind == "argument":
            argument = model.arguments.get(place.title)
            if argument is None or argument.conclusion is None:
                return []
            return _nudges("inference", f"<{place.title}>", _inference(argument.conclusion))
        statement = model.statements.get(place.title)
        if statement is None:
            return []
        concluding = [model.arguments[m.argument] for m in statement.members
                      if m.role is Role.MAIN_CONCLUSION and m.argument in model.arguments]
        if not concluding:
            return _nudges("credence", f"[{place.title}]", _number(statement.data.get("credence")))
        return [setting for argument in concluding
                for setting in _nudges("inference", f"<{argument.title}>", _inference(argument.conclusion))]

    def setting_edits(self, setting: Setting) -> list[Fix]:
        """The edits of `argmap set` for a setting (none if it refuses); they cost two parses,
        so an editor asks for them when the action is chosen."""
        return self._edit(setting.label, lambda document: getattr(document, f"set_{setting.key}")(setting.title,
                                                                                                   setting.value))

    def _edit(self, title: str, change) -> list[Fix]:
        """One fix from an edit of :mod:`argmap.edit` (none if it refuses), as its replacements."""
        from argmap.edit import Document, EditError

        document = Document(self.text)
        try:
            change(document)
        except (EditError, ValueError, KeyError):
            return []
        return [Fix(title, edit.start, edit.end, edit.text) for edit in text_edits(self.text, document.text)]

    def rename(self, place: Place, new: str) -> list[Fix]:
        """The edits of `argmap rename`; argmap.edit.EditError says why not."""
        from argmap.edit import Document

        document = Document(self.text)
        document.rename(bracketed(place.kind, place.title), new)
        return text_edits(self.text, document.text)

    def formatted(self, width: int = 100) -> list[Fix]:
        """The edits of `argmap fmt`."""
        from argmap.edit import Document

        document = Document(self.text)
        document.format(width)
        return text_edits(self.text, document.text)


def _cite_found_lines(observation, text: str) -> list[Fix]:
    """The link's `#Lx-Ly` changed to where the quote is, as `argmap evidence --fix-ranges` does."""
    url, span, lines = observation.link_url, observation.link_span, observation.found_lines
    if not (url and span and lines):
        return []
    target, _, fragment = url.partition("#")
    if fragment and not re.fullmatch(r"L\d+(?:-L?\d+)?", fragment):
        return []  # an anchor that is not about lines (`#results`) stays
    start = text.find(url, span.start, span.end)
    if start < 0:
        return []
    anchor = f"L{lines[0]}" if lines[0] == lines[1] else f"L{lines[0]}-L{lines[1]}"
    return [Fix(f"Cite #{anchor}, where the quote is", start, start + len(url), f"{target}#{anchor}")]


def _nudges(key: str, written: str, now: float | None) -> list[Setting]:
    """Settings of ``key`` for ``written`` (`[Statement]` or `<Argument>`, as `argmap set` takes it)."""
    values = [0.5] if now is None else sorted({round(min(max(now + step, 0.0), 1.0), 2) for step in (-0.1, 0.1)}
                                              - {round(now, 2)})
    return [Setting(key, written, value, f"Set {key} of {written} to {fmt(value)}"
                    + (f" (now {fmt(now)})" if now is not None else "")) for value in values]


def _whole(model: ArgumentMap, text: str, path: str | None) -> tuple[ArgumentMap, Diagnostic | None]:
    """The map a document makes with the files its front matter includes (itself when it
    includes none, or they cannot be read), and the include problem to show in it, if any:
    at its place when it is in this document, else at the front matter's start."""
    import argmap
    from argmap.sources import IncludeError, read

    if path is None or "include" not in model.front_matter:
        return model, None
    try:
        sources = read([path], main_text=text)
    except IncludeError as error:
        here = error.path == path
        return model, Diagnostic(severity=Severity.ERROR, code="include", line=error.line if here else 1,
                                 column=error.column if here else 1, message=error.message if here else str(error))
    if not sources.several:
        return model, None
    whole = argmap.loads(sources.text, path=path)
    whole.sources = sources
    return whole, None


def _semantics(model: ArgumentMap, configured: str | None) -> tuple[str, Diagnostic | None]:
    """The front matter's ``semantics``, else the configured one, else the default; a warning
    for a name argmap does not know."""
    chosen = model.front_matter.get("semantics") or configured or DEFAULT
    if chosen in NAMES:
        return chosen, None
    fallback = configured if configured in NAMES else DEFAULT
    return fallback, Diagnostic(severity=Severity.WARNING, code="semantics", line=1, column=1,
                                message=f"unknown semantics {chosen!r}; choose one of {', '.join(NAMES)}; "
                                        f"argmap uses {fallback}")


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _inference(conclusion: StatementOccurrence) -> float | None:
    from argmap.propagate import inference_of

    return inference_of(conclusion)[0]


def _newline(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def _source(result, source: tuple) -> str:
    """A contribution's source as the text names it; an inner step by the conclusion it draws."""
    if source[0] == "step":
        return f"<{source[1]}> step to [{result.arguments[source[1]].steps[source[2]].conclusion}]"
    return bracketed(*source)

