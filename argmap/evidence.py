"""Evidence: check each ``#observation``'s quote against the saved copy of its source.

An observation premise links to a saved paper (``[evidence](docs/paper.md#L10-L20)``) and
quotes it (``> ...``). :func:`check_evidence` looks for every quote in its file and says where
it stands; ``docs/evidence.md`` explains the statuses and the matching.

A quote counts as found only where the file has the same words in the same order once both are
normalised (case, hyphenation, letter-spacing, quotation marks and dashes, emphasis, spacing,
citations, footnote marks, dropped or added math symbols), and the report says what was
normalised. The fuzzy score (rapidfuzz) never decides that a quote is found: it finds the
passage most like a quote that is not there, which a word-level diff (difflib) then shows as
altered, or as no passage of the source at all. So an altered quote (a number changed, a word
added, words swapped) is never verified, and a reader sees what changed.

Evidence files are read as a stream, a window of tokens at a time, so a file of any size costs
bounded memory; nothing outside the map's folder (or the chosen root) is read.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from bisect import bisect_left, bisect_right
from decimal import Decimal
from dataclasses import dataclass, field
from enum import Enum
from os.path import relpath
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple
from urllib.parse import unquote

from pydantic import BaseModel, Field

from argmap.files import LINE_BREAK, read_source
from argmap.model import ArgumentMap, Diagnostic, Severity, Span, Statement, StatementOccurrence

__all__ = ["Change", "EvidenceReport", "EvidenceStatus", "Observation", "RangeFix", "check_evidence", "fix_ranges"]


class EvidenceStatus(str, Enum):
    VERIFIED = "verified"  # found within the cited lines
    OUTSIDE_CITED_LINES = "outside-cited-lines"  # found, but not (wholly) within the cited lines
    ALTERED = "altered"  # located, but words left out without a mark, added or changed
    REORDERED = "reordered"  # every part found, but in another order than the quote's
    MOVED = "moved"  # not in its file, but in another saved file of the map
    NOT_FOUND = "not-found"  # not in the file; the closest passage is given
    MISSING_FILE = "missing-file"  # the linked file does not exist
    UNREADABLE = "unreadable"  # a directory, a binary file, not UTF-8, no permission
    REFUSED = "refused"  # the link leads outside the map's folder (or --root)
    NO_QUOTE = "no-quote"  # the observation has an evidence link but no `> quote`
    NO_LINK = "no-link"  # the observation has no link to a local file


_ERRORS = {EvidenceStatus.ALTERED, EvidenceStatus.REORDERED, EvidenceStatus.NOT_FOUND, EvidenceStatus.MISSING_FILE,
           EvidenceStatus.UNREADABLE, EvidenceStatus.REFUSED}
# How `check --evidence` names what a credence rests on when the quote is not verified.
_RESTS_ON = {"outside-cited-lines": "a quote outside its cited lines", "altered": "an altered quote",
             "reordered": "a reordered quote", "moved": "a quote found in another file",
             "not-found": "a quote that is not in its source", "missing-file": "a missing file",
             "unreadable": "an unreadable file", "refused": "a link argmap refuses to read",
             "no-quote": "no quote", "no-link": "no saved source"}
_FIXABLE = {EvidenceStatus.OUTSIDE_CITED_LINES, EvidenceStatus.ALTERED, EvidenceStatus.REORDERED,
            EvidenceStatus.MOVED}  # what --fix-ranges points at the lines where the quote is
_SOLID = 0.7  # a credence from here up should rest on a verified quote


class Change(BaseModel):
    """One difference between a quote and its source, word by word: words of the file the quote
    leaves out (``file`` only), words the quote adds (``quote`` only), words it changes (both),
    or, for a reordered quote, parts in another order (``order``)."""

    file: str | None = None  # the file's words, as written there
    quote: str | None = None  # the quote's words, as written in the map
    lines: tuple[int, int] | None = None  # where the file's side is
    order: str | None = None  # reordered: which part comes before which in the file

    @property
    def text(self) -> str:
        """`- for federated learning (FL) ... + which`"""
        if self.order:
            return self.order
        sides = (self.file and f"- {_shorten(self.file)}", self.quote and f"+ {_shorten(self.quote)}")
        return " ".join(side for side in sides if side)


def _shorten(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else f"{text[:limit // 2 - 2]} ... {text[-(limit // 2 - 3):]}"


class Observation(BaseModel):
    """Where one observation's quote stands against its saved source."""

    statement: str
    line: int  # where the observation is written in the map (1-based)
    column: int
    evidence: str | None = None  # the linked file, as written (without the #fragment)
    cited_lines: tuple[int, int] | None = None
    status: EvidenceStatus
    found_lines: tuple[int, int] | None = None  # where the quote is (every located status)
    found_in: str | None = None  # moved: the saved file where the quote is, as a link would name it
    similarity: float | None = None  # 0-100: the quote against the found or the closest passage
    normalised: list[str] = Field(default_factory=list)  # what differs only in the file's text layer or typography
    changes: list[Change] = Field(default_factory=list)  # altered, reordered: the word-level diff
    closest_lines: tuple[int, int] | None = None  # not-found: the closest passage
    closest_text: str | None = None
    numbers_missing: list[str] = Field(default_factory=list)  # in the claim, absent from quote and passage
    note: str | None = None  # what else a reader should know
    credence: float | None = None  # the premise's stated credence
    at: int = Field(default=0, exclude=True)  # where the observation starts in the map (offset)
    credence_span: Span | None = Field(default=None, exclude=True)
    link_url: str | None = Field(default=None, exclude=True)  # the link as written, for --fix-ranges
    link_span: Span | None = Field(default=None, exclude=True)

    @property
    def message(self) -> str:
        """One line for people: the status and what follows from it."""
        status = self.status
        similarity = f" (similarity {self.similarity:.1f})" if self.similarity is not None else ""
        if status is EvidenceStatus.VERIFIED:
            text = f"quote found in {self.evidence} at {_anchor(self.found_lines)}{similarity}"
        elif status is EvidenceStatus.OUTSIDE_CITED_LINES:
            cites = f"the link cites {_anchor(self.cited_lines)}" if self.cited_lines else "the link cites no lines"
            text = f"quote found in {self.evidence} at {_anchor(self.found_lines)}{similarity}, but {cites}"
        elif status is EvidenceStatus.ALTERED:
            text = f"quote altered in {self.evidence} at {_anchor(self.found_lines)}{similarity}: " + self.diff_text
        elif status is EvidenceStatus.REORDERED:
            text = f"quote's parts in another order in {self.evidence} at {_anchor(self.found_lines)}: {self.diff_text}"
        elif status is EvidenceStatus.MOVED:
            text = f"quote not in {self.evidence} but in {self.found_in} at {_anchor(self.found_lines)}{similarity}"
        elif status is EvidenceStatus.NOT_FOUND:
            text = f"quote not found in {self.evidence}" + (f": {self.note}" if self.note else "")
            if self.closest_lines:
                text += f"; closest passage at {_anchor(self.closest_lines)}{similarity}: \"{self.closest_text}\""
        elif status is EvidenceStatus.NO_QUOTE:
            text = "the observation has no '> quote' to check"
        elif status is EvidenceStatus.NO_LINK:
            text = "the observation has no link to a saved copy of its source"
        else:
            text = self.note or ""
        if self.normalised:
            text += f"; normalised: {'; '.join(self.normalised)}"
        if self.numbers_missing:
            text += f"; numbers in the claim but not in the quote or the passage: {', '.join(self.numbers_missing)}"
        return f"[{self.statement}] {status.value}: {text}"

    @property
    def diff_text(self) -> str:
        """The changes, `- left out + added`, separated by ` | `."""
        return " | ".join(change.text for change in self.changes)


class EvidenceReport(BaseModel):
    """Every observation of a map, in document order."""

    path: str | None = None
    root: str
    observations: list[Observation] = Field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        counts = {status.value: 0 for status in EvidenceStatus}
        for observation in self.observations:
            counts[observation.status.value] += 1
        return counts

    @property
    def summary_text(self) -> str:
        """`26 observations: 12 verified, 9 outside-cited-lines, 5 not-found`."""
        counts = ", ".join(f"{count} {status}" for status, count in self.summary.items() if count)
        total = len(self.observations)
        return f"{total} observation{'s' * (total != 1)}" + (f": {counts}" if counts else "")

    @property
    def papers_present(self) -> bool:
        """Whether some quote was compared with its saved source (found, or the closest passage
        given): the map's papers are there to check against."""
        return any(o.found_lines or o.status is EvidenceStatus.NOT_FOUND for o in self.observations)

    @property
    def failed(self) -> bool:
        """Whether any quote is not where its link says it is (not-found, missing, unreadable, refused)."""
        return any(observation.status in _ERRORS for observation in self.observations)

    def to_json(self) -> dict:
        return {"observations": [o.model_dump(mode="json") for o in self.observations], "summary": self.summary}

    def diagnostics(self) -> list[Diagnostic]:
        """Problems as diagnostics for `argmap check`: errors for quotes that are not the
        source's words where the link says (altered, reordered, not-found, missing, unreadable,
        refused), warnings for the rest, except a missing quote, which `argmap check` reports on
        its own; and a warning for each credence of 0.7 or more that rests on a quote that is
        not verified."""
        found = []
        for observation in self.observations:
            status = observation.status
            if not (status is EvidenceStatus.NO_QUOTE or (status is EvidenceStatus.VERIFIED
                                                          and not observation.numbers_missing)):
                severity = Severity.ERROR if status in _ERRORS else Severity.WARNING
                found.append(Diagnostic(severity=severity, code=f"evidence-{status.value}",
                                        message=observation.message, line=observation.line,
                                        column=observation.column, subject=observation.statement,
                                        span=observation.link_span))
            credence = observation.credence
            if credence is not None and credence >= _SOLID and status is not EvidenceStatus.VERIFIED:
                span = observation.credence_span
                line, column = (span.line, span.column) if span else (observation.line, observation.column)
                found.append(Diagnostic(
                    severity=Severity.WARNING, code="evidence-credence", line=line, column=column, span=span,
                    subject=observation.statement,
                    message=f"[{observation.statement}] credence {credence:g} rests on {_RESTS_ON[status.value]}: "
                            f"a credence of {_SOLID:g} or more should rest on a verified quote"))
        return found


class RangeFix(BaseModel):
    """A link whose `#Lx-Ly` was rewritten to the lines where its quote is."""

    statement: str
    line: int
    old: str
    new: str


# --- reading the map ----------------------------------------------------------------------------

_REMOTE = re.compile(r"^(?!file:)[A-Za-z][A-Za-z0-9+.-]+:", re.I)  # http:, mailto:, doi:, ... (not C:, file:)
_LINE_ANCHOR = re.compile(r"^L(\d+)(?:-L?(\d+))?$")
_OMISSION = re.compile(r"\(\s*(?:\.\.\.|…)\s*\)|\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…")
_ESCAPE = re.compile(r"\\([][\\`*_{}()#+.!<>-])")
_TAG = re.compile(r"#\([^)]*\)|#[^\s#]+")
# A line that starts a relation (`+ [X]`, `-> <Y>`, `>< [Z]`, ...): the statement's text ends before it.
_RELATION_LINE = re.compile(r"(?:\r\n?|\n)[ \t]*(?:<[+\-_]|[+\-_]>?|><)[ \t]")


def _observations(model: ArgumentMap) -> list[StatementOccurrence]:
    found = [occurrence for statement in model.statements.values() for occurrence in statement.members
             if "observation" in occurrence.tags and not occurrence.is_reference]
    return sorted(found, key=lambda occurrence: occurrence.span.start)


def _quote_start(occurrence: StatementOccurrence, source: str) -> tuple[int | None, int]:
    """Where the occurrence's quote starts in the source (the first line after its first that
    begins with `>`), if it has one, and where its text ends (before its data block and the
    relations written under it)."""
    end = occurrence.data_span.start if occurrence.data_span else occurrence.span.end
    relation = _RELATION_LINE.search(source, occurrence.span.start, end)
    end = relation.start() if relation else end
    for line_break in LINE_BREAK.finditer(source, occurrence.span.start, end):
        if source[line_break.end():end].lstrip(" \t").startswith(">"):
            return line_break.end(), end
    return None, end


def _quote_text(source: str, quote_start: int, end: int) -> str:
    """The quote without the `>` markers at the start of its lines, and with Argdown's escapes
    read (`\\[...\\]` is `[...]`)."""
    lines = []
    for line in source[quote_start:end].splitlines():
        line = line.strip()
        lines.append(line[1:].lstrip() if line.startswith(">") else line)
    return _ESCAPE.sub(r"\1", "\n".join(lines).strip())


def _claim_text(occurrence: StatementOccurrence, source: str, end: int) -> str:
    """What the premise itself says: its text before the quote, without links, mentions and tags."""
    start = occurrence.title_span.end + 1 if occurrence.title_span else occurrence.span.start
    cuts = sorted((r.span.start, r.span.end) for r in occurrence.ranges if r.span and start <= r.span.start < end)
    pieces, position = [], start
    for cut_start, cut_end in cuts:
        pieces.append(source[position:cut_start])
        position = max(position, cut_end)
    pieces.append(source[position:end])
    return _TAG.sub(" ", " ".join(pieces))


def _anchor(lines: tuple[int, int] | None) -> str:
    if lines is None:
        return ""
    first, last = lines
    return f"L{first}" if first == last else f"L{first}-L{last}"


# --- numbers ------------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?")  # 1,360 or 0.006
_CLAIM_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(%|x|×|[KMB])?")  # 96%, 6.9x, 1,360, 70B


def _values(text: str) -> set[Decimal]:
    """Every number in a text, by value (`1,360` is 1360, `96%` is 96)."""
    return {Decimal(match.group().replace(",", "")) for match in _NUMBER.finditer(unicodedata.normalize("NFKC", text))}


def _claim_numbers(text: str) -> list[tuple[str, Decimal]]:
    """The numbers a claim states, as written and by value: `11`, `96%`, `0.006`, `6.9x`, `70B`,
    both ends of `10-100x`. Words with digits in them (`LLaMA-2-7B`, `rank-1`, `GSM8K`, `O(d^2)`)
    are names, not numbers."""
    found = []
    for word in unicodedata.normalize("NFKC", text).split():
        pieces = word.strip("([{\"'“”‘’~≈<>").rstrip(".,;:!?)]}\"'“”‘’").replace("–", "-").split("-")
        matches = [_CLAIM_NUMBER.fullmatch(piece) for piece in pieces]
        if all(matches):
            found.extend((match.group(), Decimal(match.group(1).replace(",", ""))) for match in matches)
    return found


# --- normalised tokens --------------------------------------------------------------------------

class _Token(NamedTuple):
    """A word or number after normalisation, with where it is (lines 1-based, columns 0-based,
    of the whitespace-separated chunk it came from). ``soft`` holds the offsets in ``text``
    where a hyphen, apostrophe or `^`/`_` joined two parts. Tokens of other kinds may be missing
    from a quote (see :func:`_exact`): ``math`` (symbols and the short names glued to them),
    ``cite`` (`[12]`, `(Hu et al., 2021)`) and, in evidence files, ``footnote`` (see
    :class:`_Tokenizer`). ``furniture`` marks the tokens of a line that an evidence file sets
    off with `>`: PDF converters put page headers, footnotes, arXiv stamps and figure text
    there."""

    text: str
    kind: str  # "word", "math", "cite" or "footnote"
    furniture: bool
    soft: tuple[int, ...]
    line: int
    column: int
    end_line: int
    end_column: int


_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphen, zero-width
_TO_ASCII = str.maketrans({"\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2018": "'", "\u2019": "'",
                           "\u02bc": "'", "\u223c": "~", "\u2206": "Δ"})  # minus, hyphens, apostrophes, ∼, ∆
_UNIT = re.compile(r"(?<=\d)(\s*)([×✕⨯%])")  # `6.9 ×` is 6.9x, `0.25 %` is 0.25%
_CITATION = re.compile(r"\[\s*\d+(?:\s*[,;–-]\s*\d+)*\s*\]"  # [12], [ 1, 2 ], [3-5]
                       r"|\([A-Z][^()]{0,200}?(?:19|20)\d\d[a-z]?\)"  # (Hu et al., 2021)
                       r"|\[[A-Z][^\[\]]{0,200}?(?:19|20)\d\d[a-z]?\]")  # [Dai and Le, 2015]
_PIECE = re.compile(r"(?P<number>\d+(?:[.,]\d+)*%?)|(?P<word>[^\W\d_]+)|(?P<joiner>[-'^_])|(?P<other>.)", re.S)
_PLAIN = re.compile(r"[A-Za-z]+[.,;:]?")
_SHORT_WORDS = frozenset("a i o am an as at be by do go he if in is it me my no of on or so to up us we".split())


def _greek_name(char: str) -> str:
    """Greek letters as their names (Δ -> delta), so `ΔW`, `∆W` and `delta-W` agree."""
    name = unicodedata.name(char, "")
    if not name.startswith("GREEK"):
        return char
    words = name.split()
    position = words.index("LETTER") + 1 if "LETTER" in words else 1
    return words[position].lower() if position < len(words) else char


def _normalise(chunk: str) -> str:
    text = unicodedata.normalize("NFKC", chunk.translate(_INVISIBLE).translate(_TO_ASCII)).casefold()
    if text.isascii():
        return text
    return "".join(_greek_name(c) if "\u0370" <= c <= "\u03ff" or "\u1f00" <= c <= "\u1fff" else c for c in text)


def _is_math(char: str) -> bool:
    return unicodedata.category(char) in ("Sm", "So")


class _Tokenizer:
    """Turns lines into tokens.

    A word broken by a hyphen at the end of a line (`princi-` / `pal`) joins the first word of
    the next non-blank line, as it does within a line. In an evidence file (``document``),
    the tokens of lines set off with `>` are ``furniture``, and a number of one or two digits
    that ends the line before them is a ``footnote`` mark (`our method 1` / `> arXiv:2601...`
    / `transfers to`): only there can a number be missing from a quote.
    """

    def __init__(self, document: bool) -> None:
        self.document = document
        self.open: tuple[list, str] | None = None  # a word that ended a line with a hyphen, and its kind
        self.held: _Token | None = None  # a document's last token, until the next line says what it is
        self.after_number = False  # the last chunk ended with a number: `10 -100` is a range, not -100

    def line(self, number: int, column: int, text: str) -> list[_Token]:
        """The tokens of a line (or of a piece of a long line starting at ``column``)."""
        furniture = self.document and column == 0 and text.lstrip().startswith(">")
        tokens = self.finish(before_furniture=True) if furniture else []  # no word joins across furniture
        text = _UNIT.sub(lambda m: ("%" if m.group(2) == "%" else "x") + m.group(1), text)  # columns stay right
        citations = [m.span() for m in _CITATION.finditer(text)] if "(" in text or "[" in text else []
        chunks = list(re.finditer(r"\S+", text))
        self.after_number = False
        for index, chunk in enumerate(chunks):
            found = self._chunk(chunk.group(), number, column + chunk.start(), column + chunk.end(),
                                last=index == len(chunks) - 1 and not furniture)
            self.after_number = bool(found) and found[-1].text[-1:].isdigit()
            while citations and citations[0][1] <= chunk.start():
                citations.pop(0)
            if citations and citations[0][0] <= chunk.start():
                found = [token._replace(kind="cite") for token in found]
            tokens.extend(token._replace(furniture=True) for token in found) if furniture else tokens.extend(found)
        if self.document and tokens and not furniture:
            if self.held is not None:
                tokens.insert(0, self.held)
            self.held = tokens.pop()
        return tokens

    def finish(self, before_furniture: bool = False) -> list[_Token]:
        """The tokens held back: the last one (a footnote mark if furniture follows) and a word
        left open by a hyphen."""
        tokens = []
        if self.held is not None:
            held = self.held
            if before_furniture and self.open is None and held.kind == "word" and held.text.isdigit() \
                    and len(held.text) <= 2:
                held = held._replace(kind="footnote")
            tokens.append(held)
            self.held = None
        if self.open is not None:
            (text, softs, line, column), _ = self.open
            self.open = None
            tokens.append(_Token(text, "word", False, tuple(softs), line, column, line, column + len(text)))
        return tokens

    def _chunk(self, chunk: str, line: int, column: int, end_column: int, last: bool) -> list[_Token]:
        """The tokens of one whitespace-free chunk. Words are lists [text, soft offsets, line,
        column]; a math symbol is a one-character string."""
        if self.open is None and _PLAIN.fullmatch(chunk):  # most chunks: a word, maybe with a comma
            return [_Token(chunk.rstrip(".,;:").lower(), "word", False, (), line, column, line, end_column)]
        items: list = []
        current, before_joiner = self.open if self.open else (None, None)
        previous, last_joiner = ("joiner", "-") if self.open else (None, None)
        self.open = None
        has_math = False
        for piece in _PIECE.finditer(_normalise(chunk)):
            kind, value = piece.lastgroup, piece.group()
            if kind == "joiner":
                before_joiner = previous if previous in ("number", "word") else \
                    "number" if piece.start() == 0 and self.after_number else None
                previous, last_joiner = "joiner", value
            elif kind == "other":
                if current is not None:
                    items.append(current)
                    current = None
                if _is_math(value):
                    has_math = True
                    items.append(value)
                previous = before_joiner = None
            elif current is not None and previous in ("number", "word"):
                current[0] += value  # glued: 7b, gsm8k
                previous = kind
            elif current is not None and before_joiner is not None and not (before_joiner == kind == "number"):
                current[1].append(len(current[0]))  # joined: princi-pal, LoRA's, d^2 (but 1-5 is two numbers)
                current[0] += value
                previous = kind
            else:  # a new word; `-5` after nothing or punctuation is a negative number
                if current is not None:
                    items.append(current)
                signed = kind == "number" and previous == "joiner" and before_joiner is None and last_joiner == "-"
                current = [("-" if signed else "") + value, [], line, column]
                previous = kind
        if current is not None:
            if last and previous == "joiner" and last_joiner == "-" and before_joiner is not None:
                self.open = (current, before_joiner)  # `princi-` at the end of a line: wait for the rest
            else:
                items.append(current)
        return self._tokens(items, has_math, line, column, end_column)

    @staticmethod
    def _tokens(items: list, has_math: bool, line: int, column: int, end_column: int) -> list[_Token]:
        """Words become tokens; in a chunk with math symbols, the symbols and the letters of at
        most two glued to them (`Rm×n`) become one math token per run."""
        tokens: list[_Token] = []
        math: list[str] = []
        for item in items:
            if isinstance(item, str) or (has_math and item[0].isalpha() and len(item[0]) <= 2 and not item[1]):
                math.append(item if isinstance(item, str) else item[0])
                continue
            if math:
                tokens.append(_Token("".join(math), "math", False, (), line, column, line, end_column))
                math = []
            text, softs, start_line, start_column = item
            tokens.append(_Token(text, "word", False, tuple(softs), start_line, start_column, line, end_column))
        if math:
            tokens.append(_Token("".join(math), "math", False, (), line, column, line, end_column))
        return tokens


def _tokens(lines: Iterable[tuple[int, int, str]], document: bool) -> Iterator[_Token]:
    tokenizer = _Tokenizer(document)
    for number, column, text in lines:
        yield from tokenizer.line(number, column, text)
    yield from tokenizer.finish()


# --- reading evidence files ---------------------------------------------------------------------

class _Unreadable(Exception):
    """An evidence file that cannot be read as text; the message says why."""


_READ_CHARS = 1 << 20  # a line longer than this is read in pieces, cut at whitespace
_BINARY_PROBE = 8000  # bytes looked at to tell a binary file: PDF debris leaves a few NULs in text
_CONTROL = bytes(range(32)).translate(None, b"\t\n\f\r")


def _file_lines(path: Path, until: int | None = None) -> Iterator[tuple[int, int, str]]:
    """(line number, column, text) of a UTF-8 file, read as a stream. A very long line comes in
    pieces cut at whitespace, each with its line number and the column where it starts."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    number, column, carry = 1, 0, ""
    try:
        with path.open("rb") as stream:
            probe = stream.read(_BINARY_PROBE)
            if len(probe.translate(None, _CONTROL)) < 0.9 * len(probe):
                raise _Unreadable(f"{path.name} is a binary file, not text")
            stream.seek(0)
            while True:
                raw = stream.readline(_READ_CHARS)
                try:
                    text = carry + decoder.decode(raw, final=not raw)
                except UnicodeDecodeError as error:
                    raise _Unreadable(f"{path.name} is not UTF-8 text (line {number}: {error.reason}); "
                                      "save it as UTF-8") from None
                if not raw:
                    if text:
                        yield number, column, text
                    return
                if text.endswith("\n"):
                    yield number, column, text
                    number, column, carry = number + 1, 0, ""
                    if until is not None and number > until:
                        return
                else:  # part of a long line: keep its last word for the next piece
                    cut = max(text.rfind(" "), text.rfind("\t")) + 1
                    if not cut:
                        cut = len(text)
                    yield number, column, text[:cut]
                    column, carry = column + cut, text[cut:]
    except OSError as error:
        raise _Unreadable(f"cannot read {path.name}: {error.strerror or error}") from None


_WINDOW = 50_000  # tokens held at once


def _windows(path: Path, overlap: int) -> Iterator[tuple[int, list[_Token]]]:
    """The file's tokens in overlapping windows: (index of the first token, tokens). Any run of at
    most ``overlap`` tokens lies wholly inside some window."""
    size = max(_WINDOW, 2 * overlap)
    buffer: list[_Token] = []
    base, fresh = 0, False
    for token in _tokens(_file_lines(path), document=True):
        buffer.append(token)
        fresh = True
        if len(buffer) >= size:
            yield base, buffer
            keep = buffer[-overlap:] if overlap else []
            base += len(buffer) - len(keep)
            buffer, fresh = keep, False
    if fresh or base == 0:
        yield base, buffer


class _Text:
    """A token sequence as the matcher sees it: its words concatenated (``core``), where words
    start and end in it, where a joiner stood (``soft``) and which boundaries may be missing
    because they cut off a fragment of a word (``weak``: `E fficient`, `Ve ctor`: PDF
    converters split words at styled letters; a fragment has one or two letters and is not a
    word like `a` or `in`). Math, citations and footnote marks are left out of ``core`` and
    kept, by their offset in it, in ``marks``; furniture is left out too with ``skip_furniture``."""

    def __init__(self, tokens: list[_Token], skip_furniture: bool = False, layer: "_Layer | None" = None,
                 footnotes: bool = False) -> None:
        self.tokens = tokens
        self.skip_furniture = skip_furniture
        self.raw: dict[int, str] = {}  # a quote's lines as written, for showing its side of a diff
        self.marked = layer.footnotes if layer and footnotes else frozenset()  # words read as footnote marks
        spaced = layer.spaced if layer else frozenset()
        self.offsets: list[int] = []  # of each token in core
        self.start_at: dict[int, int] = {}  # core offset -> index of the word starting there
        self.end_at: dict[int, int] = {}
        self.soft: set[int] = set()
        self.weak: set[int] = set()
        self.marks: dict[int, str] = {}
        self.cited: set[int] = set()  # offsets whose marks include a citation
        self.math: list[int] = []  # offsets whose marks include math, in order
        parts, position = [], 0
        for index, token in enumerate(tokens):
            self.offsets.append(position)
            kind = "footnote" if index in self.marked else token.kind
            if kind != "word" or (skip_furniture and token.furniture):
                if not token.furniture or not skip_furniture:  # math runs join up: `∈ Rm×n` = `∈Rm×n`
                    separator = "" if kind == "math" else "|"
                    self.marks[position] = self.marks.get(position, "") + separator + token.text
                    if kind == "cite":
                        self.cited.add(position)
                    elif kind == "math" and position not in self.math[-1:]:
                        self.math.append(position)
                continue
            text = token.text
            self.start_at[position] = index
            if token.soft:
                self.soft.update(position + offset for offset in token.soft)
            parts.append(text)
            end = position + len(text)
            if len(text) <= 2 and text.isalpha() and text not in _SHORT_WORDS:
                self.weak.update((position, end))
            if index in spaced:  # `A daptation`: a short word split off a longer one
                self.weak.add(end)
            position = end
            self.end_at[position] = index
        self.core = "".join(parts)

    def has_math(self, start: int, end: int) -> bool:
        """Whether math stands anywhere from ``start`` to ``end`` (offsets in core)."""
        at = bisect_left(self.math, start)
        return at < len(self.math) and self.math[at] <= end

    def boundary(self, offset: int) -> bool:
        return offset in self.start_at or offset in self.end_at

    def is_word(self, index: int) -> bool:
        token = self.tokens[index]
        return token.kind == "word" and index not in self.marked and not (self.skip_furniture and token.furniture)

    def words(self) -> list[int]:
        """Indices of the tokens that are in ``core``."""
        return [index for index in range(len(self.tokens)) if self.is_word(index)]


def _exact(part: _Text, doc: _Text) -> Iterator[tuple[int, int, int]]:
    """Where ``part`` occurs in ``doc``: (first, last) token index, and the offset in core.

    The words must be the same, in the same order. A boundary between words may be missing on
    one side only where the other has a joiner (`princi-pal`) or where it cuts off a fragment
    (`E fficient`). Math, citations and footnote marks may be missing from the quote; math may
    be missing from the file too, where the file has none in the passage (the converter lost
    it). Otherwise what the quote has must be in the file at the same place.
    """
    length = len(part.core)
    if not length:
        return
    inner = [h for h in part.start_at if 0 < h and h not in part.weak]
    position = doc.core.find(part.core)
    while position >= 0:
        first, last = doc.start_at.get(position), doc.end_at.get(position + length)
        if first is not None and last is not None \
                and all(doc.boundary(position + h) or position + h in doc.soft for h in inner) \
                and all(part.boundary(offset - position) or offset - position in part.soft or offset in doc.weak
                        for offset in (doc.offsets[i] for i in range(first + 1, last + 1) if doc.is_word(i))) \
                and _marks_agree(part, doc, position, length):
            yield first, last, position
        position = doc.core.find(part.core, position + 1)


def _marks_agree(part: _Text, doc: _Text, position: int, length: int) -> bool:
    for offset, text in part.marks.items():
        there = doc.marks.get(position + offset)
        if there is not None:
            if there != text:
                return False
        elif offset in part.cited or (part.has_math(offset, offset) and doc.has_math(position, position + length)):
            return False
    return True


class _Found(NamedTuple):
    first: int  # absolute token indices
    last: int
    lines: tuple[int, int]
    place: tuple[int, int, int, int]  # line, column, end line, end column
    text: str  # the tokens, spaced, for the similarity score
    notes: tuple[str, ...] = ()  # what the match had to normalise in the file's text layer


def _region(doc: _Text, first: int, last: int, base: int, notes: tuple[str, ...] = ()) -> _Found:
    a, b = doc.tokens[first], doc.tokens[last]
    text = " ".join(t.text for t in doc.tokens[first:last + 1] if not (doc.skip_furniture and t.furniture))
    return _Found(base + first, base + last, (a.line, b.end_line), (a.line, a.column, b.end_line, b.end_column), text,
                  notes)


class _Layer(NamedTuple):
    """What a window of a file says about its own text layer (token indices): numbers that are
    footnote marks, standing right after a word (`SVFT 2 recovers`) where the file also has the
    footnote itself (a `> 2` line); and short words that letter-spacing split off a longer word
    (`A daptation`: `daptation` stands nowhere else, `adaptation` does)."""

    footnotes: frozenset[int]
    spaced: frozenset[int]  # the junction is at the end of this token


def _layer(tokens: list[_Token]) -> _Layer:
    by_line: dict[int, list[_Token]] = {}
    for token in tokens:
        if token.furniture and token.kind == "word":  # not the `>` itself
            by_line.setdefault(token.line, []).append(token)
    bodies = {line[0].text for line in by_line.values() if len(line) == 1 and line[0].text.isdigit()
              and len(line[0].text) <= 2}
    words = [(i, t) for i, t in enumerate(tokens) if t.kind == "word" and not t.furniture]
    footnotes = frozenset(i for i, t in words if t.text in bodies and i and tokens[i - 1].kind == "word"
                          and not tokens[i - 1].furniture and tokens[i - 1].end_line == t.line
                          and tokens[i - 1].text[-1:].isalpha())
    counts: dict[str, int] = {}
    glued: dict[str, int] = {}  # how often a word stands right after a short word, on its line
    for (_, before), (_, t) in zip(words, words[1:]):
        if before.text in _SHORT_WORDS and before.end_line == t.line and t.column == before.end_column + 1:
            glued[t.text] = glued.get(t.text, 0) + 1
    for _, t in words:
        counts[t.text] = counts.get(t.text, 0) + 1
    spaced = frozenset(i for (i, before), (_, t) in zip(words, words[1:])
                       if before.text in _SHORT_WORDS and before.end_line == t.line
                       and t.column == before.end_column + 1 and t.text.isalpha()
                       and glued.get(t.text) == counts[t.text] and before.text + t.text in counts)
    return _Layer(footnotes, spaced)


def _notes(part: _Text, doc: _Text, first: int, last: int, position: int) -> tuple[str, ...]:
    """What a match of ``part`` at ``position`` in ``doc`` read past in the file's text layer:
    letter-spacing, hyphenation, citations, footnote marks and math the quote leaves out, and
    blank lines and page furniture inside the quote."""
    notes: list[str] = []
    quoted = sorted((offset, index) for offset, index in part.start_at.items())
    written = [(doc.offsets[i] - position, i) for i in range(first, last + 1) if doc.is_word(i)]
    cluster: tuple[list, list] = ([], [])  # quote and file words that cover the same letters
    q = w = 0
    while q < len(quoted) or w < len(written):
        if w >= len(written) or (q < len(quoted) and quoted[q][0] <= written[w][0]):
            cluster[0].append(part.tokens[quoted[q][1]])
            q += 1
        else:
            cluster[1].append(doc.tokens[written[w][1]])
            w += 1
        ends = sum(len(t.text) for t in cluster[0])
        if cluster[0] and ends == sum(len(t.text) for t in cluster[1]):
            note = _spelling(*cluster)
            if note:
                notes.append(note)
            cluster = ([], [])
    left_out: list[list] = []  # [kind, offset, texts]: a citation or formula is one run of tokens
    for i in range(first + 1, last):
        token = doc.tokens[i]
        if doc.is_word(i) or (doc.skip_furniture and token.furniture) or doc.offsets[i] - position in part.marks:
            continue
        kind = "footnote" if i in doc.marked else token.kind
        if left_out and left_out[-1][:2] == [kind, doc.offsets[i]]:
            left_out[-1][2].append(token.text)
        else:
            left_out.append([kind, doc.offsets[i], [token.text]])
    names = {"cite": "citation", "footnote": "footnote mark", "math": "math"}
    notes += [f'{names[kind]} "{" ".join(texts)}" left out' for kind, _, texts in left_out]
    for offset, mark in part.marks.items():
        if 0 < offset < len(part.core) and position + offset not in doc.marks:
            notes.append(f'math "{mark}" not in the file (lost in its text layer)')
    previous = None
    for i in range(first, last + 1):
        token = doc.tokens[i]
        if doc.skip_furniture and token.furniture:
            notes.append(f"page break: line {token.line} (page header, footnote or figure text) skipped")
            previous = None
            continue
        if previous is not None and token.line > previous.end_line + 1:
            notes.append(f"blank line inside the quote (line {previous.end_line + 1})")
        previous = token
    return tuple(dict.fromkeys(notes))


def _spelling(quote: list[_Token], file: list[_Token]) -> str | None:
    """How the same letters are split or joined in the file and in the quote, if differently."""
    written = " ".join(_hyphenated(t.text, t.soft) for t in file)
    quoted = " ".join(_hyphenated(t.text, t.soft) for t in quote)
    if written == quoted:
        return None
    if len(quote) == len(file) == 1 and set(file[0].soft) > set(quote[0].soft):
        return f'hyphenation "{written}" read as "{quoted}"'
    if written.replace(" ", "") == quoted.replace(" ", ""):
        return f'letter-spacing "{written}" read as "{quoted}"'
    return f'hyphen: "{written}" in the file, "{quoted}" in the quote'


def _hyphenated(text: str, soft: tuple[int, ...]) -> str:
    """A word with its hyphens back where joiners stood (`computa-tional`)."""
    for offset in reversed(soft):
        text = f"{text[:offset]}-{text[offset:]}"
    return text


def _overlap(parts: list[_Text]) -> int:
    """Tokens two windows share, so that any of ``parts`` fits wholly in one of them."""
    return 2 * max(len(part.tokens) for part in parts) + 64


def _locate(path: Path, parts: list[_Text]) -> list[list[_Found]]:
    """Every exact occurrence of each part (at most 1000 a part), in one pass over the file.
    A part is looked for with the file's furniture as text (a quote of a `>` line), then, where
    it is not there, without it (a quote that runs across a page break or a figure), and then
    with numbers that the file marks as footnotes read as marks (`SVFT 2 recovers`)."""
    found: list[dict[int, _Found]] = [{} for _ in parts]
    for base, tokens in _windows(path, _overlap(parts)):
        layer = _layer(tokens)
        missing = range(len(parts))
        has_furniture = any(token.furniture for token in tokens)
        for skip_furniture, footnotes in ((False, False), (True, False), (False, True), (True, True)):
            if (skip_furniture and not has_furniture) or (footnotes and not layer.footnotes):
                continue
            doc = _Text(tokens, skip_furniture, layer, footnotes)
            for index in missing:
                for first, last, position in _exact(parts[index], doc):
                    if len(found[index]) < 1000:
                        found[index].setdefault(base + first, _region(
                            doc, first, last, base, _notes(parts[index], doc, first, last, position)))
            missing = [index for index in missing if not found[index]]
            if not missing:
                break
    return [sorted(f.values()) for f in found]


def _in_order(found: list[list[_Found]], cited: tuple[int, int] | None) -> list[_Found | None]:
    """One occurrence per part, each after the one before: within the cited lines where the
    quote is there, else the first."""
    def choose(prefer_cited: bool) -> list[_Found | None]:
        chosen: list[_Found | None] = []
        after = -1
        for occurrences in found:
            candidates = [f for f in occurrences if f.first > after]
            if prefer_cited and cited:
                candidates = [f for f in candidates if cited[0] <= f.lines[0] and f.lines[1] <= cited[1]] \
                    or candidates
            chosen.append(candidates[0] if candidates else None)
            after = chosen[-1].last if chosen[-1] else after
        return chosen

    preferred = choose(True)
    return preferred if all(preferred) else choose(False)


class _Closest(NamedTuple):
    score: float
    lines: tuple[int, int]
    place: tuple[int, int, int, int]  # line, column, end line, end column
    passage: tuple[_Token, ...]  # the file's words around it, for the word-level diff
    spaced: frozenset[tuple[int, int]]  # (line, column) of its words that letter-spacing split off the next


def _closest(path: Path, parts: list[_Text]) -> list[_Closest | None]:
    """For each part, the passage most like it: rapidfuzz's best partial alignment of the words."""
    from rapidfuzz import fuzz

    needles = [" ".join(part.tokens[i].text for i in part.words()) for part in parts]
    best: list[_Closest | None] = [None] * len(parts)
    for _, tokens in _windows(path, _overlap(parts)):
        words = _Text(tokens).words()
        if not words:
            continue
        starts, position = [], 0
        for index in words:
            starts.append(position)
            position += len(tokens[index].text) + 1
        text = " ".join(tokens[index].text for index in words)
        spaced = frozenset((tokens[i].line, tokens[i].column) for i in _layer(tokens).spaced)
        for number, needle in enumerate(needles):
            if len(needle) > len(text):
                score, first, last = fuzz.ratio(needle, text), 0, len(words) - 1
            else:
                alignment = fuzz.partial_ratio_alignment(needle, text)
                score = alignment.score
                first = max(bisect_right(starts, alignment.dest_start) - 1, 0)
                last = max(bisect_right(starts, max(alignment.dest_end - 1, 0)) - 1, first)
            if best[number] is None or score > best[number].score:
                a, b = tokens[words[first]], tokens[words[last]]
                reach = 2 * len(parts[number].words()) + 10  # the alignment may cover only part of the quote
                passage = tuple(tokens[i] for i in words[max(first - reach, 0):last + 1 + reach])
                best[number] = _Closest(round(score, 1), (a.line, b.end_line),
                                        (a.line, a.column, b.end_line, b.end_column), passage, spaced)
    return best


class _Diff(NamedTuple):
    """A quote part against the passage most like it, word by word."""

    matched: int  # words of the quote in runs the passage shares
    passage: tuple[_Token, ...]  # the passage from its first shared word to its last
    edits: list[tuple[int, int, int, int]]  # quote words i1:i2 stand where the passage has j1:j2
    similarity: float
    notes: list[str]  # what was read past in the words both share (hyphenation, letter-spacing)


def _diff(part: _Text, passage: tuple[_Token, ...], spaced: frozenset[tuple[int, int]] = frozenset()) -> _Diff:
    """Word-level diff of a quote part against a passage (difflib). A run of words that joins
    up to the same letters on both sides (`cir c ular`, `circular`) is no change; a lone shared
    word far from the rest of the passage is not part of it."""
    from difflib import SequenceMatcher

    tokens = [part.tokens[i] for i in part.words()]
    quote = [t.text for t in tokens]
    words = [t.text for t in passage]
    blocks = [b for b in SequenceMatcher(None, quote, words, autojunk=False).get_matching_blocks() if b.size]
    while len(blocks) > 1 and blocks[0].size == 1 and blocks[1].b - blocks[0].b - blocks[1].a + blocks[0].a > 3:
        blocks.pop(0)
    while len(blocks) > 1 and blocks[-1].size == 1 and blocks[-1].b - blocks[-2].b - blocks[-1].a + blocks[-2].a > 3:
        blocks.pop()
    if not blocks:
        return _Diff(0, (), [], 0.0, [])
    low, high = blocks[0].b - blocks[0].a, blocks[-1].b + blocks[-1].size + len(quote) - blocks[-1].a - blocks[-1].size
    low, high = max(low, 0), min(high, len(words))  # a quote that starts or ends with a change keeps it
    low, high = min(low, blocks[0].b), max(high, blocks[-1].b + blocks[-1].size)
    words, passage = words[low:high], passage[low:high]
    matcher = SequenceMatcher(None, quote, words, autojunk=False)
    edits, matched, same = [], 0, []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            matched += i2 - i1
            same += [([tokens[i1 + k]], [passage[j1 + k]]) for k in range(i2 - i1)]
            continue
        trimmed, resplit = _trim(tokens, list(passage), (i1, i2, j1, j2), spaced)
        matched += sum(len(q) for q, _ in resplit)
        same += resplit
        if trimmed:
            edits.append(trimmed)
    # passage words left out only at the edges are outside the quote, not left out of it
    while edits and edits[0][0] == edits[0][1] == 0:
        cut = edits.pop(0)[3]
        passage = passage[cut:]
        edits = [(i1, i2, j1 - cut, j2 - cut) for i1, i2, j1, j2 in edits]
    while edits and edits[-1][0] == edits[-1][1] == len(quote):
        passage = passage[:edits.pop()[2]]
    shared = sum(len(w) for w in quote) + sum(len(t.text) for t in passage)
    changed = sum(len("".join(quote[i1:i2])) + len("".join(t.text for t in passage[j1:j2])) for i1, i2, j1, j2 in edits)
    similarity = 100.0 * (shared - changed) / shared if shared else 0.0
    notes = [note for q, w in same if (note := _spelling(q, w))]
    return _Diff(matched, passage, edits, round(similarity, 1), notes)


_SPLITS = ((1, 2), (2, 1), (1, 3), (3, 1), (1, 4), (4, 1))  # quote words, file words


def _resplit(one: list[_Token], other: list[_Token], spaced: frozenset[tuple[int, int]]) -> bool:
    """Whether several words on one side are one word on the other, split where letter-spacing
    cut off a fragment (`cir c ular`, `A daptation` where the file says so: ``spaced``) or where
    a hyphen stood (`fine tuning`, `fine-tuning`)."""
    if "".join(t.text for t in one) != "".join(t.text for t in other):
        return False
    (whole,), pieces = (one, other) if len(one) == 1 else (other, one)
    at = 0
    for left, right in zip(pieces, pieces[1:]):
        at += len(left.text)
        fragment = any(len(t.text) <= 2 and t.text.isalpha() and t.text not in _SHORT_WORDS for t in (left, right))
        if not (fragment or at in whole.soft or (left.line, left.column) in spaced):
            return False
    return True


def _trim(quote: list[_Token], words: list[_Token], edit: tuple[int, int, int, int],
          spaced: frozenset[tuple[int, int]]) -> tuple[tuple | None, list[tuple[list, list]]]:
    """An edit without the words at its ends that are one word split another way, and those
    words (quote's, file's)."""
    i1, i2, j1, j2 = edit
    same = []
    for at_end in (False, True):
        while True:
            for x, y in _SPLITS:
                if x <= i2 - i1 and y <= j2 - j1:
                    q = quote[i2 - x:i2] if at_end else quote[i1:i1 + x]
                    w = words[j2 - y:j2] if at_end else words[j1:j1 + y]
                    if _resplit(q, w, spaced):
                        break
            else:
                break
            same.append((q, w))
            i1, i2, j1, j2 = (i1, i2 - x, j1, j2 - y) if at_end else (i1 + x, i2, j1 + y, j2)
    if i1 == i2 and j1 == j2:
        return None, same
    return (i1, i2, j1, j2), same


def _altered(diff: _Diff, part: _Text) -> bool:
    """Whether the passage is this part with a few words left out, added or changed, rather than
    another text: most of the quote's words are there, in order."""
    words = len(part.words())
    return bool(diff.edits) and diff.matched >= max(2, 0.6 * words)


def _read_lines(path: Path, ranges: list[tuple[int, int] | None]) -> dict[int, str]:
    """The text of the lines in ``ranges``, reading no further than the last of them."""
    wanted = sorted(r for r in ranges if r)
    if not wanted:
        return {}
    lines: dict[int, str] = {}
    for number, _, text in _file_lines(path, until=max(last for _, last in wanted)):
        if any(first <= number <= last for first, last in wanted):
            lines[number] = lines.get(number, "") + text
    return lines


def _excerpt(lines: dict[int, str], place: tuple[int, int, int, int], limit: int | None = 240) -> str:
    line, column, end_line, end_column = place
    if line == end_line:
        text = lines.get(line, "")[column:end_column]
    else:
        text = " ".join([lines.get(line, "")[column:]] + [lines.get(n, "") for n in range(line + 1, end_line)]
                        + [lines.get(end_line, "")[:end_column]])
    text = " ".join(text.split())
    return text if limit is None or len(text) <= limit else text[:limit - 1] + "…"


# --- checking -----------------------------------------------------------------------------------

def _resolve(url: str, root: Path) -> tuple[Path | None, str | None]:
    """The file a local link names, or why it is refused."""
    path_part = unquote(url.split("#", 1)[0].split("?", 1)[0])
    if not path_part:
        return None, "the link names no file"
    if path_part.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[\\/]", path_part) or url.lower().startswith("file:"):
        return None, f"evidence link '{url}' is an absolute path; argmap reads evidence only under {root}"
    try:
        target = (root / path_part).resolve()
    except (OSError, ValueError) as error:  # a NUL byte (`%00`) in the link, say
        return None, f"evidence link '{url}' names no file argmap can open ({error})"
    if not target.is_relative_to(root.resolve()):
        return None, f"evidence link '{url}' leads outside {root}; argmap reads evidence only under it"
    return target, None


def _cited(url: str) -> tuple[int, int] | None:
    fragment = url.split("#", 1)[1] if "#" in url else ""
    match = _LINE_ANCHOR.match(fragment)
    if not match:
        return None
    first = int(match.group(1))
    last = int(match.group(2) or first)
    return (min(first, last), max(first, last))


def _quote_parts(quote: str) -> list[_Text]:
    """The quote's parts between omission marks (`(...)`, `[...]`, `...`), each to be found in order."""
    parts = []
    for text in _OMISSION.split(quote):
        lines = text.splitlines()
        part = _Text(list(_tokens(((number, 0, line) for number, line in enumerate(lines, 1)), document=False)))
        part.raw = dict(enumerate(lines, 1))
        parts.append(part)
    return [part for part in parts if part.core]


@dataclass(eq=False)
class _Pending:
    """An observation whose file is still to be read, and what was learnt from it so far."""

    result: Observation
    path: Path
    parts: list[_Text]
    claim: str
    quote: str
    found: list[list[_Found]] = field(default_factory=list)  # each part's exact occurrences
    chosen: list[_Found] = field(default_factory=list)  # the occurrences the status rests on
    diffs: list[tuple[_Text, _Diff]] = field(default_factory=list)  # altered parts
    closest: tuple[int, int, int, int] | None = None  # not-found: the closest passage


def _prepare(occurrence: StatementOccurrence, source: str, root: Path, statement: Statement) -> Observation | _Pending:
    """What the map says about an observation: its quote, claim, credence and link, and whether
    its file may and can be read."""
    quote_start, end = _quote_start(occurrence, source)
    link = next((r for r in occurrence.ranges if r.type.value == "link" and r.url and r.span
                 and not _REMOTE.match(r.url) and not r.url.startswith("#")), None)
    quote = _quote_text(source, quote_start, end) if quote_start is not None else ""
    claim = _claim_text(occurrence, source, quote_start if quote_start is not None else end)
    result = Observation(statement=occurrence.title, line=occurrence.span.line, column=occurrence.span.column,
                         status=EvidenceStatus.NO_LINK, at=occurrence.span.start)
    credence = statement.data.get("credence")
    if isinstance(credence, (int, float)) and not isinstance(credence, bool) and 0 <= credence <= 1:
        result.credence = credence  # as argmap's numbers use it: the last written
        result.credence_span = next((m.data_span for m in reversed(statement.members) if "credence" in m.data), None)
    if link is None:
        result.numbers_missing = _missing_numbers(claim, quote, {}, [])
        return result
    result.evidence = link.url.split("#", 1)[0]
    result.cited_lines = _cited(link.url)
    result.link_url, result.link_span = link.url, link.span
    result.line, result.column = link.span.line, link.span.column
    path, refusal = _resolve(link.url, root)
    try:
        exists, is_file = (path.exists(), path.is_file()) if path is not None else (False, False)
    except OSError as error:  # a name too long for the file system, say
        path, refusal = None, f"evidence link '{link.url}' names no file argmap can open ({error.strerror})"
    if path is None:
        result.status, result.note = EvidenceStatus.REFUSED, refusal
    elif not exists:
        result.status = EvidenceStatus.MISSING_FILE
        result.note = f"evidence file {result.evidence} does not exist under {root.resolve()}"
    elif not is_file:
        result.status, result.note = EvidenceStatus.UNREADABLE, f"evidence {result.evidence} is not a file"
    else:
        parts = _quote_parts(quote)
        if parts:  # point at the quote's `>`
            result.line = occurrence.span.line + len(LINE_BREAK.findall(source, occurrence.span.start, quote_start))
            result.column = 1 + len(source[quote_start:end]) - len(source[quote_start:end].lstrip(" \t"))
        else:
            result.status = EvidenceStatus.NO_QUOTE
        return _Pending(result, path, parts, claim, quote)
    return result


def _check_file(path: Path, pending: list[_Pending]) -> list[_Pending]:
    """Find the quotes of every observation that links to ``path``, in one pass over the file:
    verified, outside-cited-lines or reordered. Returns those whose quote is not there as it is
    written. Raises _Unreadable."""
    quoted = [item for item in pending if item.parts]
    found = _locate(path, [part for item in quoted for part in item.parts]) if quoted else []
    rest, position = [], 0
    for item in quoted:
        result, count = item.result, len(item.parts)
        item.found = found[position:position + count]
        position += count
        chosen = _in_order(item.found, result.cited_lines)
        if all(chosen):
            cited = result.cited_lines
            _located(item, chosen)
            inside = cited is not None and cited[0] <= result.found_lines[0] and result.found_lines[1] <= cited[1]
            result.status = EvidenceStatus.VERIFIED if inside else EvidenceStatus.OUTSIDE_CITED_LINES
            if not inside:
                result.line, result.column = result.link_span.line, result.link_span.column
        elif all(item.found):  # each part is there, but not in the quote's order
            chosen = [next((f for f in occurrences if _within(f.lines, result.cited_lines)), occurrences[0])
                      for occurrences in item.found]
            _located(item, chosen)
            result.status = EvidenceStatus.REORDERED
            order = sorted(range(count), key=lambda i: chosen[i].first)
            result.changes = [Change(order="parts in the file's order: " + ", ".join(
                f"part {i + 1} at {_anchor(chosen[i].lines)}" for i in order), lines=result.found_lines)]
        else:
            rest.append(item)
    return rest


def _within(lines: tuple[int, int], cited: tuple[int, int] | None) -> bool:
    return cited is not None and cited[0] <= lines[0] and lines[1] <= cited[1]


def _located(item: _Pending, chosen: list[_Found]) -> None:
    """Record where a quote was found exactly, how close it is and what was normalised."""
    from rapidfuzz import fuzz

    result = item.result
    item.chosen = chosen
    result.found_lines = (min(f.lines[0] for f in chosen), max(f.lines[1] for f in chosen))
    result.similarity = round(fuzz.ratio(" ".join(t.text for part in item.parts for t in part.tokens),
                                         " ".join(f.text for f in chosen)), 1)
    result.normalised = list(dict.fromkeys(note for f in chosen for note in f.notes))


def _saved_files(linked: list[Path], root: Path) -> list[Path]:
    """The map's saved sources: the files its links name, and the files beside them of the same
    kind (`docs/*.md`), inside the root."""
    inside = root.resolve()
    found = dict.fromkeys(linked)
    for folder, suffix in sorted({(path.parent, path.suffix) for path in linked}):
        try:
            paths = sorted(folder.glob(f"*{suffix}"))
        except OSError:
            continue
        for path in paths:
            try:
                if path not in found and path.resolve().is_relative_to(inside) and path.is_file():
                    found[path] = None
            except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop
                continue
    return list(found)


def _moved(files: list[Path], rest: list[_Pending], root: Path) -> None:
    """Look for quotes not in their own file in the map's other saved files: one more pass over
    each file for all of them. A quote found whole there is moved."""
    for file in files:
        others = [item for item in rest if item.path != file and item.result.status is not EvidenceStatus.MOVED]
        if not others:
            continue
        try:
            found = _locate(file, [part for item in others for part in item.parts])
        except _Unreadable:
            continue
        position = 0
        for item in others:
            occurrences = found[position:position + len(item.parts)]
            position += len(item.parts)
            chosen = _in_order(occurrences, None)
            if all(chosen):
                _located(item, chosen)
                item.result.status = EvidenceStatus.MOVED
                item.result.found_in = Path(relpath(file, root.resolve())).as_posix()
                item.result.line, item.result.column = item.result.link_span.line, item.result.link_span.column


def _approximate(path: Path, rest: list[_Pending]) -> None:
    """Quotes not in any saved file of the map: altered where the passage most like each missing
    part is that part with words left out, added or changed; else not found, with the closest
    passage. One more pass over the file."""
    missing = []
    for item in rest:
        parts = [part for part, occurrences in zip(item.parts, item.found) if not occurrences]
        missing.append(parts)
    closest = iter(_closest(path, [part for parts in missing for part in parts]))
    for item, parts in zip(rest, missing):
        result = item.result
        best = [next(closest) for _ in parts]
        diffs = [(part, _diff(part, b.passage, b.spaced)) if b else (part, None) for part, b in zip(parts, best)]
        if all(d is not None and _altered(d, part) for part, d in diffs):
            result.status = EvidenceStatus.ALTERED
            item.diffs = diffs
            exact = [occurrences[0] for occurrences in item.found if occurrences]
            spans = [f.lines for f in exact] + [(d.passage[0].line, d.passage[-1].end_line) for _, d in diffs]
            result.found_lines = (min(a for a, _ in spans), max(b for _, b in spans))
            result.similarity = min(d.similarity for _, d in diffs)
            notes = [note for f in exact for note in f.notes] + [note for _, d in diffs for note in d.notes]
            result.normalised = list(dict.fromkeys(notes))
            continue
        result.status = EvidenceStatus.NOT_FOUND
        count = len(item.parts)
        which = next(i for i, occurrences in enumerate(item.found) if not occurrences)
        if count > 1:
            result.note = f"part {which + 1} of {count} (parts are separated by '(...)') is not there"
        first = best[0]
        if first is None:
            result.note = result.note or "the file has no text"
            continue
        result.similarity, result.closest_lines, item.closest = first.score, first.lines, first.place


def _finish(path: Path, pending: list[_Pending]) -> None:
    """Read the lines the report shows: closest passages, the file's side of each change, the
    found text for what typography was normalised, and the lines the claim's numbers are looked
    for in."""
    own = [item for item in pending if item.result.status is not EvidenceStatus.MOVED]
    ranges = [r for item in pending for r in (item.result.cited_lines, item.result.closest_lines)]
    ranges += [item.result.found_lines for item in own]
    lines = _read_lines(path, ranges)
    for item in pending:
        result = item.result
        if item.closest:
            result.closest_text = _excerpt(lines, item.closest)
        if item.chosen and item in own:
            found = " ".join(_excerpt(lines, f.place, limit=None) for f in item.chosen)
            result.normalised += _typography(item.quote, found)
        for part, diff in item.diffs:
            result.changes += [_change(part, diff.passage, edit, lines) for edit in diff.edits]
            passage = _excerpt(lines, _place(diff.passage), limit=None)
            result.normalised += _typography(item.quote, passage)
        result.normalised = list(dict.fromkeys(result.normalised))
        ranges = [r for r in (result.cited_lines, result.found_lines if item in own else None) if r]
        result.numbers_missing = _missing_numbers(item.claim, item.quote, lines, ranges)


def _place(tokens: tuple[_Token, ...] | list[_Token]) -> tuple[int, int, int, int]:
    return tokens[0].line, tokens[0].column, tokens[-1].end_line, tokens[-1].end_column


def _change(part: _Text, passage: tuple[_Token, ...], edit: tuple[int, int, int, int], lines: dict[int, str]) -> Change:
    """One edit of a diff, in the words of the file and of the quote as written."""
    i1, i2, j1, j2 = edit
    words = part.words()
    quote = _EMPHASIS.sub("", _excerpt(part.raw, _place([part.tokens[i] for i in words[i1:i2]]), limit=None)) \
        if i2 > i1 else None
    file = _excerpt(lines, _place(passage[j1:j2]), limit=None).lstrip(",;:") if j2 > j1 else None
    near = passage[j1:j2] or passage[max(j1 - 1, 0):j1 + 1]
    return Change(file=file, quote=quote, lines=(near[0].line, near[-1].end_line) if near else None)


_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])")
_CURLY = "‘’‚‛“”„‟–—―′″«»"


def _typography(quote: str, found: str) -> list[str]:
    """What the comparison ignored in the characters: ligatures, curly quotes and dashes, and
    markdown emphasis."""
    notes = []
    ligatures = sorted({c for c in quote + found if "\ufb00" <= c <= "\ufb06"})
    if ligatures:
        notes.append("ligatures " + ", ".join(f'"{c}" as "{unicodedata.normalize("NFKC", c)}"' for c in ligatures))
    curly_quote, curly_found = {c for c in quote if c in _CURLY}, {c for c in found if c in _CURLY}
    if curly_quote != curly_found:
        notes.append(f"quotation marks and dashes: the file has {''.join(sorted(curly_found)) or 'straight ones'}, "
                     f"the quote {''.join(sorted(curly_quote)) or 'straight ones'}")
    if len(_EMPHASIS.findall(quote)) != len(_EMPHASIS.findall(found)):
        notes.append("markdown emphasis")
    return notes


def _missing_numbers(claim: str, quote: str, lines: dict[int, str], ranges: list[tuple[int, int]]) -> list[str]:
    """Numbers of the claim found neither in the quote nor on the lines in ``ranges``."""
    wanted = _claim_numbers(claim)
    if not wanted:
        return []
    values = _values(quote)
    for number, text in lines.items():
        if any(first <= number <= last for first, last in ranges):
            values |= _values(text)
    missing: list[str] = []
    for written, value in wanted:
        if value not in values and written not in missing:
            missing.append(written)
    return missing


def check_evidence(path: str | Path, root: str | Path | None = None, *, model: ArgumentMap | None = None,
                   progress: Callable[[int, int], None] | None = None) -> EvidenceReport:
    """Check every `#observation` of the map at ``path`` against its saved source.

    Links are resolved against ``root`` (by default the map's folder), and nothing outside it is
    read. Each evidence file is read once for all the observations that cite it. ``model``
    saves parsing the map again when the caller has it; ``progress(done, total)`` is called as
    observations are done.
    """
    import argmap

    path = Path(path)
    source = model.sources.text if model is not None and model.sources is not None else read_source(path)  # several files: joined
    if model is None:
        model = argmap.loads(source, path=str(path))
    base = Path(root) if root is not None else path.parent
    prepared = [_prepare(occurrence, source, base, model.statements[occurrence.title])
                for occurrence in _observations(model)]
    by_file: dict[Path, list[_Pending]] = {}
    for item in prepared:
        if isinstance(item, _Pending):
            by_file.setdefault(item.path, []).append(item)
    done = len(prepared) - sum(map(len, by_file.values()))
    readable: dict[Path, list[_Pending]] = {}
    rest: list[_Pending] = []
    for file, pending in by_file.items():
        try:
            rest += _check_file(file, pending)
            readable[file] = pending
        except _Unreadable as error:
            for item in pending:
                if item.result.status is EvidenceStatus.NO_QUOTE:  # it needed nothing from the file
                    continue
                item.result.status, item.result.note = EvidenceStatus.UNREADABLE, str(error)
                item.result.line, item.result.column = item.result.link_span.line, item.result.link_span.column
            done += len(pending)
            if progress:
                progress(done, len(prepared))
    if rest:
        _moved(_saved_files(list(readable), base), rest, base)
    for file, pending in readable.items():
        try:
            left = [item for item in rest if item.path == file and item.result.status is not EvidenceStatus.MOVED]
            if left:
                _approximate(file, left)
            _finish(file, pending)
        except _Unreadable as error:  # changed since it was read
            for item in pending:
                item.result.status, item.result.note = EvidenceStatus.UNREADABLE, str(error)
        done += len(pending)
        if progress:
            progress(done, len(prepared))
    observations = [item.result if isinstance(item, _Pending) else item for item in prepared]
    return EvidenceReport(path=str(path), root=str(base), observations=observations)


# --- fixing cited lines -------------------------------------------------------------------------

def fix_ranges(path: str | Path, report: EvidenceReport, force: bool = False) -> list[RangeFix]:
    """Point each link at the lines where its quote is: links whose quote lies outside the cited
    lines, and those of altered, reordered and moved quotes (a moved quote's link names the file
    where it is). Nothing else changes.

    Only the target of those links changes (`#Lx-Ly` rewritten, or added to a link without a
    fragment), through :meth:`argmap.edit.Document.set_link_url`: every other byte of the file
    stays, the new text is parsed again and checked, and the file is replaced atomically, once,
    at the end. A link whose fragment is not a line anchor (`#results`) is left alone. Raises
    :class:`argmap.edit.EditError`, with the file untouched, when a link is no longer as the
    report says or the file changed on disk meanwhile.
    """
    from argmap.edit import Document

    document = Document.open(path)
    fixes: list[RangeFix] = []
    for observation in report.observations:
        url, span = observation.link_url, observation.link_span
        if observation.status not in _FIXABLE or not (url and span and observation.found_lines):
            continue
        target, _, fragment = url.partition("#")
        if fragment and not _LINE_ANCHOR.match(fragment):
            continue
        if observation.status is EvidenceStatus.MOVED:
            target = observation.found_in
        new = f"{target}#{_anchor(observation.found_lines)}"
        if new == url:
            continue
        document.set_link_url(span.line, url, new)
        fixes.append(RangeFix(statement=observation.statement, line=span.line, old=url, new=new))
    if document.changed:
        document.save(force)  # ``force``: write a read-only map too
    return fixes
