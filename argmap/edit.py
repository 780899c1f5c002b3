"""Stage: edits to the text, the map's source of truth, that leave every other byte alone.

A :class:`Document` holds a file's text as read (byte-order mark and line endings included) and
its model. Each edit finds the spans it touches in the model, splices new text into those spans
only, re-parses the result and checks that the model changed as intended and gained no error;
otherwise it raises :class:`EditError` and the document stays as it was. :meth:`Document.save`
writes atomically, and refuses when the file changed on disk since it was read.

    >>> doc = argmap.edit.open("maps/natural_manifold.argdown")
    >>> doc.set_credence("SVD Init Wins", 0.8)
    >>> print(doc.diff())     # what would change
    >>> doc.save()
"""
from __future__ import annotations

import bisect
import difflib
import hashlib
import json
import math
import re
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Union

from argmap.check import bracketed
from argmap.data import BLOCK_START
from argmap.files import LINE_BREAK, write_atomically
from argmap.model import ArgumentDescription, ArgumentMap, Role, Span, StatementOccurrence
from argmap.sources import Sources

__all__ = ["DataEntry", "Document", "EditError", "RELATION_KINDS", "UnknownChoice", "data_entries", "model_fingerprint",
           "open", "without_quote_marks"]

Element = Union[StatementOccurrence, ArgumentDescription]
Number = Union[float, int, str]

# --relate kinds: the symbol written under the target, and the relation types the model may
# record for it (strict mode reads support and attack between statements as entails and contrary).
RELATION_KINDS = {
    "support": ("+", {"support", "entails"}),
    "attack": ("-", {"attack", "contrary"}),
    "undercut": ("_", {"undercut"}),
    "entails": ("+", {"entails"}),
    "contrary": ("-", {"contrary"}),
    "contradictory": ("><", {"contradictory"}),
}
_BOM = b"\xef\xbb\xbf"
_THESIS_KEY = re.compile(r"^thesis[ \t]*:", re.MULTILINE)
_PLAIN_SCALAR = re.compile(r"[A-Za-z0-9][^:#,\[\]{}\"'\r\n]*(?<! )")  # a title YAML reads as written
_DECIMAL = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


class EditError(Exception):
    """An edit argmap refused or could not verify; the document and the file are unchanged.
    ``path`` is the file it concerns where that is one file of a map (its message names it)."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class UnknownChoice(EditError, ValueError):
    """An edit asked for with a relation kind or a key argmap does not know: a slip in the
    request rather than a problem of the map (the command line exits 2, as for other usage errors)."""


def _choice(value: str, choices: tuple[str, ...], what: str) -> None:
    """Raise UnknownChoice unless ``value`` is one of ``choices``, with the one probably meant."""
    if value not in choices:
        close = difflib.get_close_matches(value, choices, n=1)
        raise UnknownChoice(f"unknown {what} {value!r}" + (f"; did you mean {close[0]}?" if close else "")
                            + f" (one of {', '.join(choices)})")


# --- data blocks ----------------------------------------------------------------------------

@dataclass(frozen=True)
class DataEntry:
    """One `key: value` of a data block; offsets into the block's text, ends exclusive."""

    key: str
    start: int
    end: int
    value_start: int
    value_end: int


def data_entries(block: str) -> list[DataEntry]:
    """The top-level entries of a data block written as a YAML flow mapping, `{a: 1, b: "x"}`.

    Scanning (rather than loading and re-dumping the YAML) gives the exact place of every
    value, so an edit can replace one value and keep every other byte. Raises ValueError for
    what it does not handle: block style, comments, complex keys.
    """
    from argmap.data import DataError, read_data

    if not (block.startswith("{") and block.endswith("}")) or BLOCK_START.match(block):
        raise ValueError("not a one-level flow mapping {key: value, ...}")
    entries: list[DataEntry] = []
    end = len(block) - 1
    at = _skip_space(block, 1)
    while at < end:
        start = at
        if block[at] in "\"'":
            at = _scan_quoted(block, at)
            key = block[start:at]  # compared with the loaded keys below
        elif block[at] in "{[?":
            raise ValueError("complex keys are not supported")
        else:
            while at < end and block[at] not in ",}" and not (block[at] == ":" and block[at + 1] in " \t\r\n,}"):
                at += 1
            key = block[start:at].rstrip()
        key_end = start + len(block[start:at].rstrip())
        at = _skip_space(block, at)
        value_start = value_end = key_end
        if at < end and block[at] == ":":
            at = _skip_space(block, at + 1)
            value_start, value_end = at, _scan_value(block, at, end)
            at = _skip_space(block, value_end)
        entries.append(DataEntry(key, start, value_end, value_start, value_end))
        if at < end:
            if block[at] != ",":
                raise ValueError(f"unexpected {block[at]!r} at offset {at}")
            at = _skip_space(block, at + 1)
    try:
        parsed = read_data(block)
    except DataError as error:
        raise ValueError(f"not valid YAML ({error.problem})") from None
    keys = list(parsed) if isinstance(parsed, dict) else []
    if len(keys) != len(entries) or any(e.key[:1] not in "\"'" and e.key != k for e, k in zip(entries, keys)):
        raise ValueError("the block does not read as the flow mapping it seems to be")
    return [DataEntry(k, e.start, e.end, e.value_start, e.value_end) for e, k in zip(entries, keys)]


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    if at < len(text) and text[at] == "#":
        raise ValueError("comments inside data blocks are not supported")
    return at


def _scan_quoted(text: str, at: int) -> int:
    """The end of the quoted scalar starting at ``at``."""
    quote, at = text[at], at + 1
    while at < len(text):
        char = text[at]
        if char == "\\" and quote == '"':
            at += 2
            continue
        if char == quote:
            if quote == "'" and text[at + 1:at + 2] == "'":
                at += 2
                continue
            return at + 1
        at += 1
    raise ValueError("a quoted string is not closed")


def _scan_value(text: str, at: int, end: int) -> int:
    """The end of the value starting at ``at``: quoted, nested `{...}`/`[...]`, or plain."""
    if at < end and text[at] in "\"'":
        return _scan_quoted(text, at)
    depth, start = 0, at
    while at < end or depth:
        if at >= len(text):
            raise ValueError("a bracket is not closed")
        char = text[at]
        if char in "\"'" and (depth or at == start):
            at = _scan_quoted(text, at)
            continue
        if char in "{[":
            depth += 1
        elif char in "}]":
            if not depth:
                break
            depth -= 1
        elif char == "," and not depth:
            break
        elif char == "#" and text[at - 1] in " \t":
            raise ValueError("comments inside data blocks are not supported")
        at += 1
    return start + len(text[start:at].rstrip())


def _quoted(text: str) -> str:
    """A YAML double-quoted string that is safe inside an Argdown data block."""
    out = []
    for index, char in enumerate(text):
        code = ord(char)
        if char in '\\"':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "}" and text[index + 1:index + 2].isspace():
            out.append("\\x7d")  # `} x` would end the data block early
        elif code < 0x20 or code == 0x7F or char in "\u2028\u2029":
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _number(key: str, value: Number) -> tuple[str, float]:
    """The text to write for a credence or an inference, and its value; a string is written as
    given (`0.80` stays `0.80`), a number in its shortest form."""
    if isinstance(value, str):
        literal = value.strip()
        number = float(literal) if _DECIMAL.fullmatch(literal) else math.nan
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
        literal = str(int(number)) if number.is_integer() else repr(number)
    else:
        number, literal = math.nan, ""
    if not 0 <= number <= 1:
        raise EditError(f"{key} must be a number from 0 to 1, such as 0.75; got {value!r}")
    return literal, number


def _fields(key: str | None, value: Number | None, reason: str | None) -> tuple[dict[str, str], dict[str, object]]:
    """The data to write, as text, and the values the map should then read."""
    fields: dict[str, str] = {}
    expected: dict[str, object] = {}
    if reason is not None:
        fields["reason"], expected["reason"] = _quoted(_text_value("reason", reason)), reason
    if key is not None:
        fields[key], expected[key] = _number(key, value)
    return fields, expected


def _conclusions(model: ArgumentMap) -> list[StatementOccurrence]:
    """Every conclusion written in a premise-conclusion structure: each holds one step's inference."""
    return [m for argument in model.arguments.values() for m in argument.pcs
            if m.role in (Role.INTERMEDIARY_CONCLUSION, Role.MAIN_CONCLUSION)]


def _text_value(what: str, text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise EditError(f"the {what} is not valid text (it holds undecodable bytes)") from None
    if not text.strip():
        raise EditError(f"the {what} is empty")
    return text


# --- comparing models -------------------------------------------------------------------------

_POSITION_KEYS = frozenset(("startLine", "startColumn", "endLine", "endColumn"))


def _without_positions(value):
    if isinstance(value, dict):
        return {k: _without_positions(v) for k, v in value.items() if k not in _POSITION_KEYS}
    if isinstance(value, list):
        return [_without_positions(v) for v in value]
    return value


def model_fingerprint(model: ArgumentMap) -> dict:
    """What a model says, without where it says it: its Argdown-JSON minus line and column
    numbers, and its diagnostics' kinds. Two texts with equal fingerprints mean the same map."""
    from argmap.export import to_argdown_json

    return {"model": _without_positions(to_argdown_json(model)),
            "diagnostics": sorted(Counter((d.severity.value, d.code, d.subject) for d in model.diagnostics).items())}


_QUOTE_MARK = re.compile(r"(?<= )> ")  # a quote line's `>` as a statement's text reads it


def without_quote_marks(value):
    """A fingerprint with the `>` that starts a quote's lines taken out of each text, and the
    ranges after them moved back: `fmt` writes one on each line it adds to a quote."""
    if isinstance(value, list):
        return [without_quote_marks(v) for v in value]
    if not isinstance(value, dict):
        return value
    value = {k: without_quote_marks(v) for k, v in value.items()}
    if isinstance(value.get("text"), str) and value.get("ranges"):
        marks = [m.start() for m in _QUOTE_MARK.finditer(value["text"])]

        def moved(at: int) -> int:
            return at - 2 * bisect.bisect_left(marks, at)

        value["ranges"] = [r | {"start": moved(r["start"]), "stop": moved(r["stop"])} for r in value["ranges"]]
    if isinstance(value.get("text"), str):
        value["text"] = _QUOTE_MARK.sub("", value["text"])
    return value


def _shape(model: ArgumentMap, renamed: tuple[str, str, str] | None = None) -> tuple:
    """Titles and relations; ``renamed`` = (kind, old, new) maps one title first."""
    def name(kind: str, title: str) -> str:
        if renamed and title == renamed[1] and (kind == renamed[0] or {kind, renamed[0]} == {"inference", "argument"}):
            return renamed[2]
        return title

    return (sorted(name("statement", t) for t in model.statements), sorted(name("argument", t) for t in model.arguments),
            sorted((r.source_kind, name(r.source_kind, r.source), r.target_kind, name(r.target_kind, r.target),
                    r.type.value) for r in model.relations))


def _contents(model: ArgumentMap) -> Counter:
    """What the map's occurrences say: every text, tag list and data block written anywhere."""
    return Counter((kind, title, m.text, repr(m.tags), repr(m.data))
                   for kind, table in (("statement", model.statements), ("argument", model.arguments))
                   for title, entity in table.items() for m in entity.members if m.text or m.data or m.tags)


def _relation_triples(model: ArgumentMap) -> Counter:
    return Counter((r.source_kind, r.source, r.target_kind, r.target, r.type.value) for r in model.relations)


# --- the document -----------------------------------------------------------------------------

class Document:
    """A map's text, its model, and the edits made to it since it was read."""

    def __init__(self, text: str, path: str | Path | None = None, bom: bool = False,
                 digest: str | None = None, sources: Sources | None = None) -> None:
        import argmap

        self.path = Path(path) if path is not None else None
        self.sources = self._read_sources = sources  # a map of several files: which file each stretch of the text is
        self.original = self.text = text
        self.bom = bom
        self._digest = digest
        self._loads = argmap.loads
        self.model = self._parse(text)
        self._tokenized: tuple[str | None, list[int]] = (None, [])
        self.newline = _line_end_style(text)

    @classmethod
    def open(cls, path: str | Path, *more: str | Path, includes: bool = True) -> "Document":
        """Read a file, with the files it includes (unless not ``includes``) and ``more`` as one
        map (see :mod:`argmap.sources`); the document remembers their bytes to refuse saving
        over a newer version, and an edit writes the file that holds what it changes."""
        from argmap.sources import read

        sources = read([path, *more], includes=includes)
        if sources.several:
            return cls(sources.text, path, sources=sources)
        file = sources.files[str(path)]
        return cls(sources.text, path, file.bom, file.digest)

    # -- reading

    @property
    def name(self) -> str:
        return str(self.path) if self.path is not None else "<text>"

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def encoded(self, text: str | None = None) -> bytes:
        """The file's bytes for the text: its byte-order mark back, undecodable bytes restored."""
        return _encoded(self.text if text is None else text, self.bom)

    def diff(self) -> str:
        """A unified diff from the text as read to the text now (of each file changed)."""
        return "".join("".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                                    name, name)) for name, old, new in self._files())

    @property
    def changed_files(self) -> list[str]:
        """The files whose text the edits changed."""
        return [name for name, old, new in self._files() if new != old]

    def _files(self) -> list[tuple[str, str, str]]:
        """Each file's name, text as read and text now (one file but for a map of several)."""
        if self.sources is None:
            return [(self.name, self.original, self.text)]
        read = self._read_sources
        return [(name, read.file_text(name), self.sources.file_text(name)) for name in self.sources.files]

    def save(self, force: bool = False) -> list[str]:
        """Write the text atomically, unless the file changed on disk since it was read or is
        read-only (``force`` writes a read-only file, which stays read-only). The check and the
        write happen under a lock, so that of two edits at once the second sees the first.
        Returns what the writing did beside the edit (hard links it broke).

        A map of several files writes each file the edits changed, and only those; none is
        written unless each may be."""
        if self.path is None:
            raise EditError("this document was not read from a file; nothing to save to")
        if self.sources is None:
            notes, (self._digest,) = _write([(Path(self.path), self.encoded(), self._digest)], force)
            self.original = self.text
            return notes
        files = self.sources.files
        changed = [(name, new) for name, old, new in self._files() if new != old]
        notes, digests = _write([(Path(name), _encoded(new, files[name].bom), files[name].digest)
                                 for name, new in changed], force)
        written = {name: replace(files[name], digest=digest) for (name, _), digest in zip(changed, digests)}
        self.sources = replace(self.sources, files={**files, **written})
        self.original, self._read_sources = self.text, self.sources
        return notes

    # -- setting values

    def set_credence(self, title: str, value: Number, reason: str | None = None, force: bool = False) -> None:
        """Set a statement's `credence` (trust in its source), and its `reason` if given. A
        conclusion's credence comes from its argument, and a stated one would override it
        without a word: refused unless ``force``."""
        statement = self.model.statements[self._resolve(title, ("statement",))[1]]
        concluding = [m for m in statement.members if m.role in (Role.INTERMEDIARY_CONCLUSION, Role.MAIN_CONCLUSION)]
        if concluding and not force:
            raise EditError(f"{self._where(concluding[0].span)}: [{statement.title}] is concluded by an argument, "
                            "and a credence would override what the argument gives it; set how strongly its "
                            "premises support it with --inference instead, or override with --force")
        self._set_data(title, "credence", value, reason)

    def set_inference(self, title: str, value: Number, reason: str | None = None) -> None:
        """Set how strongly an argument's premises support its conclusion: of `<Argument>`, or
        of the statement one argument concludes. Where several conclude it, each has its own
        inference, and which one is meant is not guessed: refused, naming them."""
        kind, name = self._resolve(title, ("statement", "argument"))
        if kind == "argument":
            conclusion = self.model.arguments[name].conclusion
            if conclusion is None:
                raise EditError(f"{self.name}: <{name}> has no premise-conclusion structure, so no inference to set")
        else:
            concluding = [m for m in self.model.statements[name].members
                          if m.role in (Role.INTERMEDIARY_CONCLUSION, Role.MAIN_CONCLUSION)]
            arguments = list(dict.fromkeys(m.argument for m in concluding))
            if len(arguments) > 1:
                raise EditError(f"{self._where(concluding[0].span)}: [{name}] is concluded by "
                                f"{' and '.join(f'<{a}>' for a in arguments)}, each with its own inference; "
                                f"name the argument instead: {' or '.join(f'<{a}>' for a in arguments)}")
            if not concluding:
                raise EditError(f"{self.name}: [{name}] is not the conclusion of an argument; an inference "
                                "belongs to a conclusion (a premise has a credence)")
            conclusion = concluding[0]
        fields, expected = _fields("inference", value, reason)
        wanted = {k: v for k, v in fields.items()
                  if not _same_value(conclusion.data.get(k), expected[k], k in conclusion.data)}
        step = (conclusion.argument, conclusion.number)
        others = {(m.argument, m.number): m.data for m in _conclusions(self.model) if (m.argument, m.number) != step}

        def check(model: ArgumentMap) -> str | None:
            data = next((m.data for m in _conclusions(model) if (m.argument, m.number) == step), {})
            for k, v in expected.items():
                if not _same_value(data.get(k), v, k in data):
                    return f"the inference to [{conclusion.title}] in <{step[0]}> would have {k} {data.get(k)!r}"
            now = {(m.argument, m.number): m.data for m in _conclusions(model) if (m.argument, m.number) != step}
            return None if now == others else "other inferences would change too"

        self._apply(self._data_replacements(conclusion, wanted) if wanted else [], check,
                    f"setting the inference to [{conclusion.title}] in <{step[0]}>", same_shape=True)

    def set_reason(self, title: str, reason: str) -> None:
        self._set_data(title, None, None, reason)

    def _set_data(self, title: str, key: str | None, value: Number | None, reason: str | None) -> None:
        fields, expected = _fields(key, value, reason)
        statement = self.model.statements[self._resolve(title, ("statement",))[1]]
        primary = key or "reason"
        targets = [m for m in statement.members if primary in m.data and m.data_span is not None]
        if not targets:
            targets = [self._data_home(statement.members)]
        replacements = []
        for occurrence in targets:
            wanted = {k: v for k, v in fields.items() if not _same_value(occurrence.data.get(k), expected[k], k in occurrence.data)}
            if wanted:
                replacements += self._data_replacements(occurrence, wanted)

        def check(model: ArgumentMap) -> str | None:
            data = model.statements[statement.title].data if statement.title in model.statements else {}
            for k, v in expected.items():
                if not _same_value(data.get(k), v, k in data):
                    return f"[{statement.title}] would have {k} {data.get(k)!r} instead of {v!r}"
            return None

        self._apply(replacements, check, f"setting {', '.join(fields)} of [{statement.title}]", same_shape=True)

    def unset(self, title: str, key: str) -> None:
        """Remove a statement's `credence`, `inference` or `reason` wherever it is written, or
        an argument's `inference` or `reason` (on its conclusion, where that argument has it);
        a data block left empty goes, with the space or line that held it."""
        _choice(key, ("credence", "inference", "reason"), "key")
        kind, name = self._resolve(title, ("statement",) if key == "credence" else ("statement", "argument"))
        if kind == "argument":
            return self._unset_step(name, key)
        statement = self.model.statements[name]
        holders = [m for m in statement.members if key in m.data and m.data_span is not None]
        if not holders:
            return
        cuts = [cut for member in holders for cut in self._data_removal(member, key)]
        expected = {k: v for k, v in statement.data.items() if k != key}

        def check(model: ArgumentMap) -> str | None:
            data = model.statements[statement.title].data if statement.title in model.statements else {}
            return None if data == expected else f"[{statement.title}] would have the data {data!r}"

        self._apply(cuts, check, f"removing the {key} of [{statement.title}]", same_shape=True)

    def _unset_step(self, argument: str, key: str) -> None:
        """`unset <Argument> inference|reason`: from that argument's conclusion only."""
        conclusion = self.model.arguments[argument].conclusion
        if conclusion is None:
            raise EditError(f"{self.name}: <{argument}> has no premise-conclusion structure, so no {key} to remove")
        if key not in conclusion.data or conclusion.data_span is None:
            return
        step = (conclusion.argument, conclusion.number)
        expected = {k: v for k, v in conclusion.data.items() if k != key}

        def check(model: ArgumentMap) -> str | None:
            data = next((m.data for m in _conclusions(model) if (m.argument, m.number) == step), None)
            return None if data == expected else f"the conclusion of <{argument}> would have the data {data!r}"

        self._apply(self._data_removal(conclusion, key), check, f"removing the {key} of <{argument}>", same_shape=True)

    def _entries(self, span) -> list[DataEntry]:
        """The entries of the data block at ``span``, or EditError for one argmap does not edit."""
        try:
            return data_entries(self.text[span.start:span.end])
        except ValueError as error:
            raise EditError(f"{self._where(span)}: argmap edits data blocks written as {{key: value, ...}} "
                            f"on one level, and this one is not ({error}); edit it by hand") from None

    def _data_removal(self, element: Element, key: str) -> list[tuple[int, int, str]]:
        """The splice that takes ``key`` out of an element's data block with its comma, or the
        whole block with the spaces before it (and its line, when it stood alone there)."""
        span = element.data_span
        entries = self._entries(span)
        index = next(i for i, e in enumerate(entries) if e.key == key)
        if len(entries) > 1:  # the entry and the separator after it (before it, for the last)
            start, end = (entries[index].start, entries[index + 1].start) if index + 1 < len(entries) \
                else (entries[index - 1].end, entries[index].end)
            return [(span.start + start, span.start + end, "")]
        start, end = span.start, self._span_end(span)
        line_start, line_end = self.text.rfind("\n", 0, start) + 1, self._line_end(end)
        if line_start and not self.text[line_start:start].strip() and not self.text[end:line_end].strip():
            before = line_start - 1 - (self.text[line_start - 2:line_start] == "\r\n")
            return [(before, line_end, "")]  # the block's line, from the line break before it
        while start > line_start and self.text[start - 1] in " \t":
            start -= 1
        return [(start, end, "")]

    def _data_home(self, members: list[StatementOccurrence]) -> StatementOccurrence:
        """Where a statement's missing credence or reason goes: the occurrence that already has
        data, or a premise, or its definition."""
        candidates = [m for m in members if m.title_span is not None] or members
        return max(candidates, key=lambda m: (m.data_span is not None, m.role is Role.PREMISE, not m.is_reference))

    def _data_replacements(self, element: Element, fields: dict[str, str]) -> list[tuple[int, int, str]]:
        """Splices that put ``fields`` into an element's data block: values replaced where the
        keys exist, missing keys added in vargdown order (reason, then the number), or a new
        block on the line after the element's text."""
        if element.data_span is None:
            at = self._line_end(self._content_end(element))
            entries = ", ".join(f"{k}: {v}" for k, v in fields.items())
            return [(at, at, f"{self._newline_at(at)}{self._continuation_indent(element, at)}{{{entries}}}")]
        span = element.data_span
        entries = self._entries(span)
        present = {e.key: e for e in entries}
        out = [(span.start + present[k].value_start, span.start + present[k].value_end, v)
               for k, v in fields.items() if k in present]
        missing = [f"{k}: {v}" for k, v in fields.items() if k not in present]
        if not missing:
            return out
        separator = self.text[span.start + entries[0].end:span.start + entries[1].start] if len(entries) > 1 else ", "
        if not entries:
            return out + [(span.start + 1, span.end - 1, separator.join(missing))]
        if "reason" in present:
            at = span.start + present["reason"].end
            return out + [(at, at, "".join(separator + m for m in missing))]
        at = span.start + entries[0].start
        return out + [(at, at, "".join(m + separator for m in missing))]

    # -- text and titles

    def set_text(self, title: str, text: str) -> None:
        """Replace the text of a statement (`[Title]`) or an argument (`<Title>`), the one the
        model shows: the canonical member, else the last one written out. Only the claim is
        replaced: tags, links and a quote after it stay."""
        kind, name = self._resolve(title, ("statement", "argument"))
        entity = self._table(kind)[name]
        written = [m for m in entity.members if not m.is_reference and m.text and m.title_span is not None]
        canonical = [m for m in written if m.data.get("isCanonical")]
        if not written:
            raise EditError(f"{self.name}: {bracketed(kind, name)} has no text to replace; write it as "
                            f"{bracketed(kind, name)}: text first")
        element = (canonical or written)[-1]
        start = element.title_span.end + 2  # past `]:` or `>:`
        while self.text[start:start + 1] in (" ", "\t"):
            start += 1
        content_end = end = self._content_end(element)
        marks = [r.span.start for r in element.ranges if r.type.value in ("link", "tag") and r.span is not None]
        if marks:  # the claim ends where the first tag or link starts
            end = min(marks)
            while end > start and self.text[end - 1] in " \t\r\n":
                end -= 1
        lines = [line.strip() for line in _text_value("text", text).strip().splitlines() if line.strip()]
        kept = self.text[end:content_end]
        settings = f"===\n{json.dumps(self.model.front_matter, default=str)}\n===\n\n" if self.model.front_matter else ""
        new = (self._newline_at(end) + self._continuation_indent(element, end)).join(
            _claim_text(line, index > 0, entity.tags) for index, line in enumerate(lines))
        claim = self._loads(f"{settings}{bracketed(kind, name)}: {new}")
        read = (claim.statements if kind == "statement" else claim.arguments).get(name)
        if (read is None or read.data or claim.relations or len(claim.statements) + len(claim.arguments) != 1
                or not set(read.tags) <= set(entity.tags)):
            raise EditError(f"{self.name}: the new text of {bracketed(kind, name)} would not read as one claim; "
                            "nothing changed")
        alone = self._loads(f"{settings}{bracketed(kind, name)}: {new}{kept}")  # how the map will read it
        reading = (alone.statements if kind == "statement" else alone.arguments).get(name)
        expected = " ".join((reading.text or "").split()) if reading is not None else None
        before = entity.tags

        def check(model: ArgumentMap) -> str | None:
            entities = model.statements if kind == "statement" else model.arguments
            shown = " ".join((entities[name].text or "").split()) if name in entities else None
            if shown != expected:
                return f"{bracketed(kind, name)} would read {shown!r}"
            lost = [tag for tag in before if tag not in entities[name].tags]
            return f"its tags {', '.join('#' + t for t in lost)} would be lost" if lost else None

        self._apply([(start, end, new)], check, f"setting the text of {bracketed(kind, name)}", same_shape=True)

    def rename(self, old: str, new: str) -> None:
        """Rename a statement or an argument at its definitions, references and mentions."""
        kind, name = self._resolve(old, ("statement", "argument"))
        new = new.strip()
        if new[:1] + new[-1:] in ("[]", "<>"):
            new = new[1:-1]
        closing = "]" if kind == "statement" else ">"
        if not new:
            raise EditError(f"the new title for {bracketed(kind, name)} is empty")
        if closing in new or any(c in new for c in "\r\n\u2028\u2029"):
            raise EditError(f"{bracketed(kind, new)} cannot be a title: a title is one line without '{closing}'")
        _text_value("title", new)
        entities = self._table(kind)
        if new in entities and new != name:
            taken = entities[new].members[0].span if entities[new].members else None
            where = f"{self._where(taken)}: " if taken else f"{self.name}: "
            raise EditError(f"{where}{bracketed(kind, new)} already exists; choose another name or merge them by hand")
        places = {element.title_span.start: element.title_span
                  for element in entities[name].members if element.title_span is not None}
        mention = "statement-mention" if kind == "statement" else "argument-mention"
        for element in self._all_elements():
            for rng in element.ranges:
                if rng.type.value == mention and rng.title == name and rng.span is not None:
                    places[rng.span.start + 2] = rng.span  # past `@[` or `@<`
        written_mention = re.compile(r"(?<!\\)@" + re.escape(("[" if kind == "statement" else "<") + name + closing))
        for section in self.model.sections:  # headings keep no ranges: find their mentions in the text
            for match in written_mention.finditer(self.text, section.span.start, section.span.end):
                places[match.start() + 2] = section.span
        if not places:
            raise EditError(f"{self.name}: {bracketed(kind, name)} has no title written in the text to rename")
        for start, span in places.items():
            written = self.text[start:start + len(name)]
            if written != name:  # made by explodeArguments, say: never guess what to rename
                raise EditError(f"{self._where(span)}: {bracketed(kind, name)} is written here as {written!r}; "
                                "nothing renamed")
        expected = _shape(self.model, (kind, name, new))
        thesis = self.model.front_matter.get("thesis")

        def renamed(title):
            return new if kind == "statement" and str(title) == name else title

        theses = [renamed(t) for t in thesis] if isinstance(thesis, list) else renamed(thesis)
        renames = [(s, s + len(name), new) for s in sorted(places)]
        if theses != thesis:
            renames += self._thesis_renames(name, new)

        def check(model: ArgumentMap) -> str | None:
            if _shape(model) != expected:
                return "the map would change beyond the name"
            return None if model.front_matter.get("thesis") == theses else \
                "the front matter's `thesis:` would not name the new title; rename it there by hand"

        self._apply(renames, check, f"renaming {bracketed(kind, name)} to {bracketed(kind, new)}")

    def _thesis_renames(self, name: str, new: str) -> list[tuple[int, int, str]]:
        """Splices that rename the thesis where the front matter names it (``thesis: Title``,
        quoted or in a list); :meth:`rename` checks that the front matter then reads as meant."""
        from argmap.parse import tokenize

        token = next((t for t in tokenize(self.text)[0] if t.type == "FRONT_MATTER"), None)
        found = _THESIS_KEY.search(token.value) if token is not None else None
        if found is None:
            return []
        end = re.compile(r"^(?:\S|===)", re.MULTILINE).search(token.value, found.end())
        value = token.value[found.end():end.start() if end else len(token.value)]
        out = []
        for match in re.finditer(r"(?<=[\s\[,\-\"'])" + re.escape(name) + r"(?=[\s\],\"']|$)", value):
            quote = value[match.start() - 1]
            written = _quoted(new)[1:-1] if quote == '"' else new.replace("'", "''") if quote == "'" else \
                new if _PLAIN_SCALAR.fullmatch(new) else _quoted(new)
            start = token.start_pos + found.end() + match.start()
            out.append((start, start + len(name), written))
        return out

    # -- links

    def set_link_url(self, line: int, old: str, new: str) -> None:
        """Point the link to ``old`` written on ``line`` at ``new``; only its target changes
        (`[evidence](docs/paper.md#L1-L20)` becomes `[evidence](docs/paper.md#L32)`)."""
        places = {}
        for element in self._all_elements():
            for rng in element.ranges:
                if rng.type.value == "link" and rng.url == old and rng.span is not None and rng.span.line == line:
                    written = self.text[rng.span.start:self._span_end(rng.span)]
                    if not written.endswith(f"({old})"):
                        raise EditError(f"{self._where(rng.span)}: the link is written as {written!r}; nothing changed")
                    end = rng.span.start + len(written) - 1
                    places[end - len(old)] = end
        if not places:
            raise EditError(f"{self.name}:{line}: no link to {old!r} on this line; nothing changed")

        def check(model: ArgumentMap) -> str | None:
            entities = [*model.statements.values(), *model.arguments.values()]
            urls = [rng.url for entity in entities for member in entity.members for rng in member.ranges
                    if rng.type.value == "link" and rng.span and rng.span.line == line]
            return None if new in urls and old not in urls else f"the link on line {line} would not point at {new!r}"

        self._apply([(start, end, new) for start, end in places.items()], check,
                    f"pointing the link on line {line} at {new!r}", same_shape=True)

    # -- relations

    def relate(self, source: str, target: str, kind: str, force: bool = False) -> None:
        """Add a relation line under the target's definition, indented as the file indents;
        one by which a claim would bear on itself only with ``force``."""
        from argmap.check import self_relations

        symbol, types = self._relation_kind(kind)
        source_kind, source_title = self._resolve(source, ("statement", "argument"))
        target_kind, target_title = self._resolve(target, ("statement", "argument"))
        if kind == "undercut" and target_kind != "argument":
            raise EditError(f"an undercut attacks an argument's inference; <{target_title}> is not an argument")
        if kind in ("entails", "contrary") and not (self.model.strict and source_kind == target_kind == "statement"):
            raise EditError(f"{kind} holds between two statements in strict mode (front matter `model: mode: strict`); "
                            f"use support or attack here")
        home = self._relation_home(target_kind, target_title)
        at = self._line_end(self._span_end(home.span))
        indent = self._child_indent(home)
        line = f"{self._newline_at(at)}{indent}{symbol} {bracketed(source_kind, source_title)}"
        before = _relation_triples(self.model)
        written = sum(len(r.spans) for r in self.model.relations)
        loops = {(claim, via) for _, claim, via in self_relations(self.model)}
        intended = self._relation_ends(source_kind, source_title, target_kind, target_title)
        itself = self._claim(source_kind, source_title) == self._claim(target_kind, target_title)

        def check(model: ArgumentMap) -> str | None:
            after = _relation_triples(model)
            added = after - before
            loop = next(((c, v) for _, c, v in self_relations(model) if (c, v) not in loops), None)
            if loop is not None and not force:
                return (f"[{loop[0]}] would bear on itself" + (f" through <{loop[1]}>, which concludes it" if loop[1]
                        else "") + " (--force writes it anyway)")
            if _shape(model)[:2] != _shape(self.model)[:2]:
                return "the titles of the map would change"
            if itself and not any(triple[4] in types for triple in added):
                claim = bracketed(*self._claim(target_kind, target_title))
                via = next((f"<{t}> concludes {claim}, so " for k, t in ((source_kind, source_title),
                                                                         (target_kind, target_title)) if k == "argument"), "")
                if via and target_kind == "statement" and kind == "support":
                    return f"{via}it supports it already, through its premises"
                return (f"{via}{claim} would {kind} itself, and the map reads no relation from a claim to itself "
                        "(not even with --force)")
            if before - after:
                return "the map already has a relation between them that this one would merge into"
            if not any(triple[4] in types for triple in added):
                if added:
                    return f"it would read as {next(iter(added))[4]}"
                if sum(len(r.spans) for r in model.relations) > written:  # the line merged into one already there
                    return "the map already has this relation"
                return "the new line would not be read as a relation (inside a comment?); add it by hand"
            wrong = [t for t in added.elements() if t[4] not in types or t[:4] not in intended]
            if wrong or sum(added.values()) != 1:
                kind_, source_, _, target_, type_ = (wrong or list(added.elements()))[0]
                return f"the map would read it as {type_} from {bracketed(kind_, source_)} to {target_}"
            return None

        self._apply([(at, at, line)], check,
                    f"relating {bracketed(source_kind, source_title)} to {bracketed(target_kind, target_title)} ({kind})")

    def unrelate(self, source: str, target: str, kind: str) -> None:
        """Remove every line that writes the relation, so the model no longer has it."""
        _, types = self._relation_kind(kind)
        source_kind, source_title = self._resolve(source, ("statement", "argument"))
        target_kind, target_title = self._resolve(target, ("statement", "argument"))
        sources = {(source_kind, source_title)}
        argument = self.model.arguments.get(source_title) if source_kind == "argument" else None
        if argument is not None and argument.conclusion is not None:
            sources.add(("statement", argument.conclusion.title))  # the model moves it to the conclusion
        targets = {(target_kind, target_title)} | ({("inference", target_title)} if target_kind == "argument" else set())
        found = [r for r in self.model.relations if r.type.value in types and (r.source_kind, r.source) in sources
                 and (r.target_kind, r.target) in targets]
        if not found:
            raise EditError(f"{self.name}: no {kind} relation from {bracketed(source_kind, source_title)} "
                            f"to {bracketed(target_kind, target_title)}")
        cuts = []
        for span in (s for r in found for s in r.spans):
            if any(span.start < at < span.end for at in self._relation_starts()):
                raise EditError(f"{self._where(span)}: other relations are written under this one; "
                                "remove or move them first")
            line_start = self.text.rfind("\n", 0, span.start) + 1
            if self.text[line_start:span.start].strip():
                raise EditError(f"{self._where(span)}: the relation does not start its line; remove it by hand")
            file_end = self.sources.segment_at(span.start).end if self.sources is not None else len(self.text)
            line_end = self.text.find("\n", self._span_end(span), file_end)
            cuts.append((line_start, file_end if line_end < 0 else line_end + 1, ""))
        gone = {(r.source_kind, r.source, r.target_kind, r.target, r.type.value) for r in found}
        expected = _relation_triples(self.model) - Counter(gone)

        contents = _contents(self.model)

        def check(model: ArgumentMap) -> str | None:
            if _shape(model)[:2] != _shape(self.model)[:2]:
                return "the titles of the map would change"
            if _contents(model) != contents:
                return "the line also holds a text, tags or data, which would be lost; move them first"
            return None if _relation_triples(model) == expected else "other relations would change too"

        self._apply(sorted(set(cuts)), check,
                    f"removing the {kind} relation from {bracketed(source_kind, source_title)} "
                    f"to {bracketed(target_kind, target_title)}")

    def _relation_ends(self, source_kind: str, source: str, target_kind: str, target: str) -> set[tuple]:
        """The (source kind, source, target kind, target) the model may record for a relation
        written between these two: an argument's relations move to its conclusion, and an
        undercut targets an argument's inference."""
        sources = {(source_kind, source)}
        targets = {(target_kind, target)}
        for ends, kind, title in ((sources, source_kind, source), (targets, target_kind, target)):
            argument = self.model.arguments.get(title) if kind == "argument" else None
            if argument is not None and argument.conclusion is not None:
                ends.add(("statement", argument.conclusion.title))
        if target_kind == "argument":
            targets.add(("inference", target))
        return {s + t for s in sources for t in targets}

    def _claim(self, kind: str, title: str) -> tuple[str, str]:
        """The claim an element stands for in relations: an argument's is its conclusion."""
        argument = self.model.arguments.get(title) if kind == "argument" else None
        conclusion = argument.conclusion if argument is not None else None
        return ("statement", conclusion.title) if conclusion is not None else (kind, title)

    def _relation_kind(self, kind: str) -> tuple[str, set[str]]:
        _choice(kind, tuple(RELATION_KINDS), "relation kind")
        return RELATION_KINDS[kind]

    def _relation_home(self, kind: str, title: str) -> Element:
        """The element under which a new relation to ``title`` is written: its top-level
        definition, else another definition, else any occurrence."""
        members = self._table(kind)[title].members
        if not members:
            raise EditError(f"{self.name}: {bracketed(kind, title)} is not written anywhere to relate it")
        return max(members, key=lambda m: (getattr(m, "role", None) is Role.TOP_LEVEL, not m.is_reference,
                                           any(m.span.start < at < m.span.end for at in self._relation_starts())))

    def _child_indent(self, element: Element) -> str:
        """The indentation of the relations written under an element, or what the file uses."""
        children = [self._indent_at(at) for at in self._relation_starts() if element.span.start < at < element.span.end]
        if children:
            return min(children, key=len)
        widths = self._indent_steps()
        unit = max((w for w in widths if w > 0), key=lambda w: (widths[w], -w), default=2)
        return self._indent_at(element.span.start) + " " * unit

    def _indent_steps(self) -> Counter:
        """How much deeper each relation is indented than its parent, the nearest line above it
        that is less indented; in one pass over the lines, keeping the widths of the lines that
        may still be a parent (each less indented than the next)."""
        relations = Counter(self._line_start(at) for at in self._relation_starts())
        steps: Counter = Counter()
        parents: list[int] = []
        first = len(self._indent_at(0))
        line_start = 0
        for end in [m.start() for m in LINE_BREAK.finditer(self.text)] + [len(self.text)]:
            line = self.text[line_start:end]
            if line.strip():
                width = len(line) - len(line.lstrip(" \t"))
                while parents and parents[-1] >= width:
                    parents.pop()
                if line_start in relations:
                    steps[width - (parents[-1] if parents else first)] += relations[line_start]
                parents.append(width)
            line_start = end + (2 if self.text.startswith("\r\n", end) else 1)
        return steps

    def _relation_starts(self) -> list[int]:
        """Where each relation symbol is written, from the tokens: the model drops some
        relations (an argument supporting its own conclusion), but their lines are still there."""
        from argmap.parse import tokenize

        if self._tokenized[0] != self.text:
            starts = [t.start_pos for t in tokenize(self.text)[0]
                      if t.type.startswith(("INCOMING_", "OUTGOING_")) or t.type == "CONTRADICTION"]
            self._tokenized = (self.text, starts)
        return self._tokenized[1]

    # -- formatting

    def format(self, width: int = 100) -> list[str]:
        """Give the text argmap's canonical layout (see :mod:`argmap.layout`) where the model
        stays the same. Returns the layout passes it had to leave out because they would have
        changed the model (none on every file argmap knows of)."""
        from argmap.layout import PASSES, layout

        if self.sources is not None:
            raise EditError(f"{self.name}: a map of several files is formatted one file at a time")
        before = model_fingerprint(self.model)

        def same(model: ArgumentMap) -> bool:
            """The same map, or the same but for the `>` of a quote's new lines (compared only
            then: it costs a walk through both fingerprints)."""
            after = model_fingerprint(model)
            return after == before or without_quote_marks(after) == without_quote_marks(before)

        candidate = layout(self.text, self.newline, width)
        if candidate == self.text:
            return []
        model = self._parse(candidate)
        if same(model):
            self.text, self.model = candidate, model
            return []
        left_out = []
        for one in PASSES:  # find the pass at fault, keep the others
            candidate = layout(self.text, self.newline, width, (one,))
            model = self._parse(candidate)
            if same(model):
                self.text, self.model = candidate, model
            else:
                left_out.append(one)
        return left_out

    # -- helpers

    def _parse(self, text: str) -> ArgumentMap:
        return self._loads(text, path=self.name)

    def _apply(self, replacements: list[tuple[int, int, str]], check: Callable[[ArgumentMap], str | None],
               what: str, same_shape: bool = False) -> None:
        """Splice, re-parse, verify; keep the result only if it is what was asked for."""
        from argmap.layout import splice

        try:
            new = splice(self.text, replacements)
        except ValueError:
            raise EditError(f"{what}: two changes would overlap; nothing changed") from None
        if new == self.text:
            return
        try:
            sources = self.sources.edited(new, replacements) if self.sources is not None else None
        except ValueError as error:
            raise EditError(f"{what}: {error}; nothing changed") from None
        model = self._parse(new)
        errors = Counter(d.code for d in model.errors) - Counter(d.code for d in self.model.errors)
        if errors:
            first = next(d for d in model.errors if d.code in errors)
            where = sources.localize(first) if sources is not None else (self.name, first)
            raise EditError(f"{what} would break the file ({where[0]}:{where[1].line}:{where[1].column}: "
                            f"{first.message}); nothing changed")
        problem = "the map would change beyond the edit" if same_shape and _shape(model) != _shape(self.model) else check(model)
        if problem:
            raise EditError(f"{what}: {problem}; nothing changed")
        self.text, self.model, self.sources = new, model, sources

    def _resolve(self, name: str, kinds: tuple[str, ...]) -> tuple[str, str]:
        """(kind, title) for a name written `Title`, `[Title]` (a statement) or `<Title>` (an argument)."""
        name = name.strip()
        if len(name) > 2 and (name[0], name[-1]) in (("[", "]"), ("<", ">")):
            kind, title = ("statement" if name[0] == "[" else "argument"), name[1:-1]
            if kind not in kinds:
                raise EditError(f"{self.name}: {name} is an argument; this works on statements")
            found = [kind] if title in self._table(kind) else []
        else:
            title = name
            found = [kind for kind in kinds if title in self._table(kind)]
        if len(found) == 1:
            return found[0], title
        if len(found) > 1:
            raise EditError(f"{self.name}: both [{title}] and <{title}> exist; write [{title}] for the statement "
                            f"or <{title}> for the argument")
        if "argument" not in kinds and title in self.model.arguments:
            conclusion = self.model.arguments[title].conclusion
            hint = f"; its conclusion is [{conclusion.title}]" if conclusion is not None else ""
            raise EditError(f"{self.name}: <{title}> is an argument, and this works on statements{hint}")
        known = [bracketed(k, t) for k in kinds for t in self._table(k)]
        close = difflib.get_close_matches(bracketed(kinds[0], title), known, n=1) or \
            difflib.get_close_matches(title, [k[1:-1] for k in known], n=1)  # the closest only: others mislead
        hint = f"; did you mean {close[0]}?" if close else ""
        raise EditError(f"{self.name}: no {' or '.join(kinds)} is titled {title!r}{hint}")

    def _table(self, kind: str) -> dict:
        return self.model.statements if kind == "statement" else self.model.arguments

    def _all_elements(self):
        for statement in self.model.statements.values():
            yield from statement.members
        for argument in self.model.arguments.values():
            yield from argument.members

    def _content_end(self, element: Element) -> int:
        """Where an element's text ends: before its data block and the relations under it."""
        limit = min([at for at in self._relation_starts() if element.span.start < at < element.span.end]
                    + [element.span.end])
        if element.data_span is not None:
            limit = min(limit, element.data_span.start)
        while limit > element.span.start and self.text[limit - 1] in " \t\r\n":
            limit -= 1
        return limit

    def _line_end(self, at: int) -> int:
        """Where the line holding ``at`` ends, before its line break: a new line goes there, so
        that spaces at the end of the line stay with the token they belong to."""
        found = LINE_BREAK.search(self.text, at)
        return found.start() if found else len(self.text)

    def _line_start(self, at: int) -> int:
        """Where the line holding ``at`` starts (a lone `\r` ends a line too)."""
        return max(self.text.rfind("\n", 0, at), self.text.rfind("\r", 0, at)) + 1

    def _span_end(self, span: Span) -> int:
        end = span.end
        while end > span.start and self.text[end - 1] in " \t\r\n":
            end -= 1
        return end

    def _continuation_indent(self, element: Element, end: int) -> str:
        """How the element's continuation lines are indented: as its last line, when it has
        several, else four spaces past its first line."""
        first_line = self._line_start(element.span.start)
        last_line = self._line_start(end)
        if last_line > first_line:
            return self._indent_at(last_line)
        return self._indent_at(first_line) + "    "

    def _indent_at(self, at: int) -> str:
        line_start = end = self._line_start(at)
        while self.text[end:end + 1] in (" ", "\t"):
            end += 1
        return self.text[line_start:end]

    def _newline_at(self, at: int) -> str:
        """How the file that holds ``at`` ends its lines (each file of a map its own way)."""
        if self.sources is None:
            return self.newline
        return _line_end_style(self.sources.file_text(self.sources.segment_at(at).path))

    def _where(self, span: Span) -> str:
        if self.sources is not None:
            return self.sources.where(span.start)
        return f"{self.name}:{span.line}:{span.column}"


def open(path: str | Path) -> Document:  # noqa: A001 - argmap.edit.open reads like the builtin on purpose
    """Read an Argdown file for editing (see :class:`Document`)."""
    return Document.open(path)


def _line_end_style(text: str) -> str:
    """The line end a text mostly uses: `\r\n`, `\n`, or a lone `\r` (classic Mac OS)."""
    crlf = text.count("\r\n")
    if text.count("\r") - crlf > text.count("\n"):
        return "\r"
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def _encoded(text: str, bom: bool) -> bytes:
    """A file's bytes for its text: its byte-order mark back, undecodable bytes restored."""
    data = text.encode("utf-8", errors="surrogateescape")
    return _BOM + data if bom else data


def _check_writable(path: Path, current: bytes | None, digest: str | None, force: bool) -> None:
    """Refuse to write over a file that changed on disk since it was read (its bytes are
    ``current``, None when it is gone) or, unless ``force``, one that is read-only."""
    from argmap.files import is_read_only

    if digest is not None and (current is None or hashlib.sha256(current).hexdigest() != digest):
        raise EditError(f"{path} changed on disk since argmap read it; nothing was written "
                        "(run the command again on the new version)", path)
    if current is not None and not force and is_read_only(path):
        raise EditError(f"{path} is read-only; nothing was written (--force writes it anyway)", path)


def _write(changes: list[tuple[Path, bytes, str | None]], force: bool) -> tuple[list[str], list[str]]:
    """Write each file's new bytes atomically (``changes``: path, bytes, digest when read),
    after :func:`_check_writable` of every one of them under its lock: all the locks first, in
    path order (so two edits of one map never wait on each other), then the checks, then the
    writes, so that either every file is written or none. What the writing did beside (hard
    links it broke), and the digest of each file written."""
    from argmap.files import locked, other_links

    notes, written = [], []
    with ExitStack() as stack:
        current = {path: stack.enter_context(locked(path)) for path in sorted({path for path, _, _ in changes})}
        for path, _, digest in changes:
            _check_writable(path, current[path], digest, force)
        for path, data, _ in changes:
            links = other_links(path) if current[path] is not None else 0
            if links:
                notes.append(f"{path} had {links} other hard link{'s' * (links != 1)}, which still "
                             "show the old text: the edit wrote a new file")
            try:
                write_atomically(path, data)
            except OSError as error:
                if written:  # files are replaced one by one: say which already hold the edit
                    raise EditError(f"{path}: cannot write: {error.strerror or error}; already written: "
                                    + ", ".join(str(p) for p, _, _ in changes[:len(written)]), path) from None
                raise
            written.append(hashlib.sha256(data).hexdigest())
    return notes, written


# What in new claim text would change the map rather than the claim: data, tags, titles and
# references, mentions, links, comments, escapes, and at the start of one of its lines a
# relation, number, list item or heading. It is escaped; a tag the claim already has stays a
# tag, and emphasis and shortcodes stay: they format the text.
_INLINE_SYNTAX = re.compile(r"#\((?P<long>[^)]+)\)|#(?P<short>[^\s#]+)|[\\{}\[\]<>@#]|/(?=/)|/\*")
_LINE_SYNTAX = re.compile(r"[-+(=\d]")


def _claim_text(line: str, starts_line: bool, tags: list[str]) -> str:
    """A line of new claim text with the Argdown syntax in it escaped (but ``tags``)."""
    def escaped(match: re.Match) -> str:
        tag = match.group("long") or match.group("short")
        if tag in tags:
            return match.group()
        return "\\/\\*" if match.group() == "/*" else "\\" + match.group()

    line = _INLINE_SYNTAX.sub(escaped, line)
    return "\\" + line if starts_line and _LINE_SYNTAX.match(line) else line


def _same_value(current, wanted, present: bool) -> bool:
    if not present:
        return False
    if isinstance(wanted, float):
        return isinstance(current, (int, float)) and not isinstance(current, bool) and math.isclose(current, wanted, abs_tol=1e-12)
    return current == wanted
