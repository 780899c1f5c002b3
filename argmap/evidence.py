"""Evidence: check each ``#observation``'s quote against the saved copy of its source.

An observation premise links to a saved paper (``[evidence](docs/paper.md#L10-L20)``) and
quotes it (``> ...``). :func:`check_evidence` looks for every quote in its file and says where
it stands; ``docs/evidence.md`` explains the statuses and the matching.

A quote counts as found only where the file has the same words in the same order once both are
normalised (case, hyphenation, quotation marks and dashes, emphasis, spacing, dropped or added
math symbols). The fuzzy score (rapidfuzz) never decides that a quote is found: it measures how
close a found quote is, and finds the closest passage to a quote that is not there. So an
altered quote (a number changed, a word added, words swapped) is never verified.

Evidence files are read as a stream, a window of tokens at a time, so a file of any size costs
bounded memory; nothing outside the map's folder (or the chosen root) is read.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from bisect import bisect_left, bisect_right
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple
from urllib.parse import unquote

from pydantic import BaseModel, Field

from argmap.files import LINE_BREAK, read_source
from argmap.model import ArgumentMap, Diagnostic, Severity, Span, StatementOccurrence

__all__ = ["EvidenceReport", "EvidenceStatus", "Observation", "RangeFix", "check_evidence", "fix_ranges"]


class EvidenceStatus(str, Enum):
    VERIFIED = "verified"  # found within the cited lines
    OUTSIDE_CITED_LINES = "outside-cited-lines"  # found, but not (wholly) within the cited lines
    NOT_FOUND = "not-found"  # not in the file; the closest passage is given
    MISSING_FILE = "missing-file"  # the linked file does not exist
    UNREADABLE = "unreadable"  # a directory, a binary file, not UTF-8, no permission
    REFUSED = "refused"  # the link leads outside the map's folder (or --root)
    NO_QUOTE = "no-quote"  # the observation has an evidence link but no `> quote`
    NO_LINK = "no-link"  # the observation has no link to a local file


_ERRORS = {EvidenceStatus.NOT_FOUND, EvidenceStatus.MISSING_FILE, EvidenceStatus.UNREADABLE,
           EvidenceStatus.REFUSED}


class Observation(BaseModel):
    """Where one observation's quote stands against its saved source."""

    statement: str
    line: int  # where the observation is written in the map (1-based)
    column: int
    evidence: str | None = None  # the linked file, as written (without the #fragment)
    cited_lines: tuple[int, int] | None = None
    status: EvidenceStatus
    found_lines: tuple[int, int] | None = None  # where the quote is (verified, outside-cited-lines)
    similarity: float | None = None  # 0-100: the quote against the found or the closest passage
    closest_lines: tuple[int, int] | None = None  # not-found: the closest passage
    closest_text: str | None = None
    numbers_missing: list[str] = Field(default_factory=list)  # in the claim, absent from quote and passage
    note: str | None = None  # what else a reader should know
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
        if self.numbers_missing:
            text += f"; numbers in the claim but not in the quote or the passage: {', '.join(self.numbers_missing)}"
        return f"[{self.statement}] {status.value}: {text}"


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
    def failed(self) -> bool:
        """Whether any quote is not where its link says it is (not-found, missing, unreadable, refused)."""
        return any(observation.status in _ERRORS for observation in self.observations)

    def to_json(self) -> dict:
        return {"observations": [o.model_dump(mode="json") for o in self.observations], "summary": self.summary}

    def diagnostics(self) -> list[Diagnostic]:
        """Problems as diagnostics for `argmap check`: errors for quotes that are not where they
        should be (not-found, missing, unreadable, refused), warnings for the rest, except a
        missing quote, which `argmap check` reports on its own."""
        found = []
        for observation in self.observations:
            status = observation.status
            if status is EvidenceStatus.NO_QUOTE or (status is EvidenceStatus.VERIFIED
                                                     and not observation.numbers_missing):
                continue
            severity = Severity.ERROR if status in _ERRORS else Severity.WARNING
            found.append(Diagnostic(severity=severity, code=f"evidence-{status.value}", message=observation.message,
                                    line=observation.line, column=observation.column,
                                    subject=observation.statement))
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
    """The quote without the `>` markers at the start of its lines."""
    lines = []
    for line in source[quote_start:end].splitlines():
        line = line.strip()
        lines.append(line[1:].lstrip() if line.startswith(">") else line)
    return "\n".join(lines).strip()


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

    def __init__(self, tokens: list[_Token], skip_furniture: bool = False) -> None:
        self.tokens = tokens
        self.skip_furniture = skip_furniture
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
            if token.kind != "word" or (skip_furniture and token.furniture):
                if not token.furniture or not skip_furniture:  # math runs join up: `∈ Rm×n` = `∈Rm×n`
                    separator = "" if token.kind == "math" else "|"
                    self.marks[position] = self.marks.get(position, "") + separator + token.text
                    if token.kind == "cite":
                        self.cited.add(position)
                    elif token.kind == "math" and position not in self.math[-1:]:
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
        return token.kind == "word" and not (self.skip_furniture and token.furniture)

    def words(self) -> list[int]:
        """Indices of the tokens that are in ``core``."""
        return [index for index in range(len(self.tokens)) if self.is_word(index)]


def _exact(part: _Text, doc: _Text) -> Iterator[tuple[int, int]]:
    """Where ``part`` occurs in ``doc``: (first, last) token index.

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
            yield first, last
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


def _region(doc: _Text, first: int, last: int, base: int) -> _Found:
    a, b = doc.tokens[first], doc.tokens[last]
    text = " ".join(t.text for t in doc.tokens[first:last + 1] if not (doc.skip_furniture and t.furniture))
    return _Found(base + first, base + last, (a.line, b.end_line), (a.line, a.column, b.end_line, b.end_column), text)


def _overlap(parts: list[_Text]) -> int:
    """Tokens two windows share, so that any of ``parts`` fits wholly in one of them."""
    return 2 * max(len(part.tokens) for part in parts) + 64


def _locate(path: Path, parts: list[_Text]) -> list[list[_Found]]:
    """Every exact occurrence of each part (at most 1000 a part), in one pass over the file.
    A part is looked for with the file's furniture as text (a quote of a `>` line), then, where
    it is not there, without it (a quote that runs across a page break or a figure)."""
    found: list[dict[int, _Found]] = [{} for _ in parts]
    for base, tokens in _windows(path, _overlap(parts)):
        missing = range(len(parts))
        for skip_furniture in (False, True):
            doc = _Text(tokens, skip_furniture)
            for index in missing:
                for first, last in _exact(parts[index], doc):
                    if len(found[index]) < 1000:
                        found[index].setdefault(base + first, _region(doc, first, last, base))
            missing = [index for index in missing if not found[index]]
            if not missing or not any(token.furniture for token in tokens):
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
                best[number] = _Closest(round(score, 1), (a.line, b.end_line),
                                        (a.line, a.column, b.end_line, b.end_column))
    return best


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


def _excerpt(lines: dict[int, str], place: tuple[int, int, int, int], limit: int = 240) -> str:
    line, column, end_line, end_column = place
    if line == end_line:
        text = lines.get(line, "")[column:end_column]
    else:
        text = " ".join([lines.get(line, "")[column:]] + [lines.get(n, "") for n in range(line + 1, end_line)]
                        + [lines.get(end_line, "")[:end_column]])
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


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
    parts = [_Text(list(_tokens(((0, 0, line) for line in text.splitlines()), document=False)))
             for text in _OMISSION.split(quote)]
    return [part for part in parts if part.core]


class _Pending(NamedTuple):
    """An observation whose file is still to be read."""

    result: Observation
    path: Path
    parts: list[_Text]
    claim: str
    quote: str


def _prepare(occurrence: StatementOccurrence, source: str, root: Path) -> Observation | _Pending:
    """What the map says about an observation: its quote, claim and link, and whether its file
    may and can be read."""
    quote_start, end = _quote_start(occurrence, source)
    link = next((r for r in occurrence.ranges if r.type.value == "link" and r.url and r.span
                 and not _REMOTE.match(r.url) and not r.url.startswith("#")), None)
    quote = _quote_text(source, quote_start, end) if quote_start is not None else ""
    claim = _claim_text(occurrence, source, quote_start if quote_start is not None else end)
    result = Observation(statement=occurrence.title, line=occurrence.span.line, column=occurrence.span.column,
                         status=EvidenceStatus.NO_LINK)
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
        result.note = f"evidence file {result.evidence} does not exist under {root}"
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


def _check_file(path: Path, pending: list[_Pending]) -> None:
    """Find the quotes of every observation that links to ``path``: one pass over the file for
    all of them, another for the closest passages of those not found, and a read of the lines
    that the numbers and excerpts need. Raises _Unreadable."""
    from rapidfuzz import fuzz

    quoted = [item for item in pending if item.parts]
    parts = [part for item in quoted for part in item.parts]
    found = _locate(path, parts) if parts else []
    unmatched: list[tuple[Observation, _Text | None, tuple | None]] = []  # with the part to look for, or a place
    position = 0
    for item in quoted:
        result, count = item.result, len(item.parts)
        occurrences = found[position:position + count]
        position += count
        chosen = _in_order(occurrences, result.cited_lines)
        if all(chosen):
            lines = (min(f.lines[0] for f in chosen), max(f.lines[1] for f in chosen))
            cited = result.cited_lines
            inside = cited is not None and cited[0] <= lines[0] and lines[1] <= cited[1]
            result.status = EvidenceStatus.VERIFIED if inside else EvidenceStatus.OUTSIDE_CITED_LINES
            result.found_lines = lines
            result.similarity = round(fuzz.ratio(" ".join(t.text for part in item.parts for t in part.tokens),
                                                 " ".join(f.text for f in chosen)), 1)
            if not inside:
                result.line, result.column = result.link_span.line, result.link_span.column
            continue
        result.status = EvidenceStatus.NOT_FOUND
        missing = chosen.index(None)
        which = f"part {missing + 1} of {count} (parts are separated by '(...)')"
        if occurrences[missing]:  # there, but only before the part that comes before it in the quote
            result.note = f"{which} occurs only before part {missing}"
            first = occurrences[missing][0]
            result.similarity, result.closest_lines = 100.0, first.lines
            unmatched.append((result, None, first.place))
        else:
            result.note = which + " is not there" if count > 1 else None
            unmatched.append((result, item.parts[missing], None))
    searched = [part for _, part, _ in unmatched if part is not None]
    closest = iter(_closest(path, searched) if searched else [])
    places = []
    for result, part, place in unmatched:
        if part is not None:
            best = next(closest)
            if best is None:
                result.note = result.note or "the file has no text"
                continue
            result.similarity, result.closest_lines, place = best.score, best.lines, best.place
        places.append((result, place))
    ranges = [r for item in pending for r in (item.result.cited_lines, item.result.found_lines)]
    lines = _read_lines(path, ranges + [result.closest_lines for result, _ in places])
    for result, place in places:
        result.closest_text = _excerpt(lines, place)
    for item in pending:
        ranges = [r for r in (item.result.cited_lines, item.result.found_lines) if r]
        item.result.numbers_missing = _missing_numbers(item.claim, item.quote, lines, ranges)


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
    source = read_source(path)
    if model is None:
        model = argmap.loads(source, path=str(path))
    base = Path(root) if root is not None else path.parent
    prepared = [_prepare(occurrence, source, base) for occurrence in _observations(model)]
    by_file: dict[Path, list[_Pending]] = {}
    for item in prepared:
        if isinstance(item, _Pending):
            by_file.setdefault(item.path, []).append(item)
    done = len(prepared) - sum(map(len, by_file.values()))
    for file, pending in by_file.items():
        try:
            _check_file(file, pending)
        except _Unreadable as error:
            for item in pending:
                if item.result.status is EvidenceStatus.NO_QUOTE:  # it needed nothing from the file
                    continue
                item.result.status, item.result.note = EvidenceStatus.UNREADABLE, str(error)
                item.result.line, item.result.column = item.result.link_span.line, item.result.link_span.column
        done += len(pending)
        if progress:
            progress(done, len(prepared))
    observations = [item.result if isinstance(item, _Pending) else item for item in prepared]
    return EvidenceReport(path=str(path), root=str(base), observations=observations)


# --- fixing cited lines -------------------------------------------------------------------------

def fix_ranges(path: str | Path, report: EvidenceReport) -> list[RangeFix]:
    """Point each link whose quote lies outside its cited lines at the lines where it is.

    Only the `#Lx-Ly` of those links changes (or is added to a link without a fragment), through
    :meth:`argmap.edit.Document.set_link_url`: every other byte of the file stays, the new text
    is parsed again and checked, and the file is replaced atomically, once, at the end. A link
    whose fragment is not a line anchor (`#results`) is left alone. Raises
    :class:`argmap.edit.EditError`, with the file untouched, when a link is no longer as the
    report says or the file changed on disk meanwhile.
    """
    from argmap.edit import Document

    document = Document.open(path)
    fixes: list[RangeFix] = []
    for observation in report.observations:
        url, span = observation.link_url, observation.link_span
        if observation.status is not EvidenceStatus.OUTSIDE_CITED_LINES or not (url and span):
            continue
        target, _, fragment = url.partition("#")
        if fragment and not _LINE_ANCHOR.match(fragment):
            continue
        new = f"{target}#{_anchor(observation.found_lines)}"
        document.set_link_url(span.line, url, new)
        fixes.append(RangeFix(statement=observation.statement, line=span.line, old=url, new=new))
    if document.changed:
        document.save()
    return fixes
