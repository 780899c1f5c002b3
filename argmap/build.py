"""Stage 2: syntax tree to :class:`~argmap.model.ArgumentMap`, where Argdown's rules live.

The walk visits the tree in document order with the same entry and exit points as the
reference implementation's model plugin, because its results depend on that order: untitled
statements are numbered as they are met, equal relations merge into the first one written, a
premise-conclusion structure belongs to the argument written just before it. After the walk
come the reference's transformations: relations of reconstructed arguments move to their
conclusions, strict mode turns support between statements into entailment and attack into
contrariety, and redundant attacks on arguments are dropped.

Where the reference rejects a file, argmap says what it assumed and goes on.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add
from typing import Any, Generator


from argmap.data import DataError, merge, read_block, read_front_matter
from argmap.files import LINE_BREAK
from argmap.model import (Argument, ArgumentDescription, ArgumentMap, Diagnostic, Fix, Inference, Range, RangeType,
                          Related, Relation, RelationType, Role, Section, Severity, Span, Statement,
                          StatementOccurrence, constructed, constructor)
from argmap.parse import (ArgumentNode, Emphasis, HeadingNode, InferenceNode, Lexeme, ListNode,
                          PcsMemberNode, PcsNode, RelationNode, StatementNode, SyntaxTree)
from argmap.semantics import DEFAULT, NAMES

__all__ = ["build"]


# --- inline content ------------------------------------------------------------------------------

# Shortcodes that the reference turns into symbols; the front matter may add more
# (`model: shortcodes: {":bomb:": {unicode: "💣"}}`).
SHORTCODES = {f"{delimiter}{code}{delimiter}": symbol for code, symbol in {
    "A": "∀", "E": "∃", "O": "𝗢", "P": "𝗣", "->": "→", "<->": "↔", "~": "¬", "^": "∧", "v": "∨",
    "v_": "⊻", "<>": "◇", "[]": "◻", "happy": "😀", "smiley": "☺", "laugh": "😆", "lol": "😆",
    "rofl": "🤣", "joy": "😂", "heart": "❤", "?": "❓", "question": "❓", "love": "😍", "wink": "😉",
    "shush": "🤫", "meh": "😐", "eye-roll": "🙄", "sad": "😢", "disappointed": "😞", "scream": "😱",
    "+1": "👍", "up": "👍", "-1": "👎", "down": "👎", "think": "🤔", "star": "⭐", "y": "✔",
    "agree": "✔", "n": "❌", "disagree": "❌", "smile": "☺",
}.items() for delimiter in ".:"}
SHORTCODES[":smile:"] = "☺️"


def _shortcodes(settings: dict) -> dict[str, str]:
    table = dict(SHORTCODES)
    custom = settings.get("shortcodes")
    if isinstance(custom, dict):
        for code, info in custom.items():
            if isinstance(info, dict) and isinstance(info.get("unicode"), str):
                table[str(code)] = info["unicode"]
    return table

_TAG = re.compile(r"#(?:\(([^)]+)\)|([a-zA-z0-9\-\u00A0-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF]+))")


@lru_cache(maxsize=1024)
def _tag_name(tag: str) -> str:
    """The name of a tag as written (`#name` or `#(name with spaces)`): the same few are
    written all over a map."""
    match = _TAG.match(tag)
    return match.group(1) or match.group(2)


_LINK = re.compile(r"\[([^\n\r\u2028\u2029]+)\]\(([^\n\r\u2028\u2029]+)\)")
_NO_LINE_BREAK = re.compile(r"^[^\n\r\u2028\u2029]+$")


_LINE_END = re.compile(r"[ \t]*(?://[^\r\n]*)?(?:\r\n?|\n)(?![ \t]*(?:\r\n|\n))")
_BLANK_LINE = re.compile(r"[ \t]*\r?\n")


class _Spans:
    """Spans of tokens: ``between(first, last)`` from the first token's first character to the
    last token's last character. Its end line and column are the reference's: past a line
    break that ends the element's line and is not part of a blank line (which argmap's
    tokenizer leaves out where the grammar does not need it).

    A map has a span for nearly every token, so the builder keeps its own index of line
    starts, made when first asked, rather than ask each token for its position."""

    __slots__ = ("text", "starts", "line")

    def __init__(self) -> None:
        self.text = ""
        self.starts: list[int] | None = None
        self.line = 1  # the line of the last span's start: spans are mostly asked in document order

    def between(self, first: Lexeme, last: Lexeme) -> Span:
        # Tokens are tuples (kind, value, start, end, lines): indexing them spares a property
        # call per offset, and this runs for nearly every token.
        start, end = first[2], last[3]
        starts = self.starts
        if starts is None:
            starts = self.index(first.source)
        text = self.text
        # The line found last time, or the next, before a search of the whole index.
        line = self.line
        if not starts[line - 1] <= start < starts[line]:
            line = line + 1 if starts[line] <= start < starts[line + 1] else bisect_right(starts, start)
            self.line = line
        stop = end if end > start else start + 1
        # Only a space, tab, comment or line break can start the line's end, a line break
        # followed by text is one, a line break followed by another is not, and one followed
        # by indentation is one unless a line break follows that (these tests spare the regex).
        after = text[stop:stop + 1]
        if after in _MAY_END_LINE and text[stop - 1:stop] not in _LINE_BREAKS:
            following = text[stop + 1:stop + 2] if after == "\n" else None
            if following is not None and following not in _MAY_END_LINE:
                stop += 1
            elif following == " " or following == "\t":
                if not _BLANK_LINE.match(text, stop + 1):
                    stop += 1
            elif following != "\n":
                line_end = _LINE_END.match(text, stop)
                if line_end:
                    stop = line_end.end()
        end_line = line if stop <= starts[line] else line + 1 if stop <= starts[line + 1] \
            else bisect_right(starts, stop - 1, line)
        return _tuple_new(Span, (line, start - starts[line - 1] + 1, end_line, stop - starts[end_line - 1], start, end))

    def index(self, text: str) -> list[int]:
        """Where each line starts: after each \\n, \\r\\n or lone \\r. Without a \\r (most files),
        from the lengths of the lines split at \\n, several times faster than a regex's matches.
        Two offsets past the text's end close the last line, so that a line always has a next."""
        self.text = text
        if "\r" in text:
            self.starts = [0] + [match.end() for match in LINE_BREAK.finditer(text)]
        else:
            self.starts = [0, *accumulate(map(add, map(len, text.split("\n")[:-1]), repeat(1)))]
        self.starts += [len(text) + 2, len(text) + 2]
        return self.starts


def _title_span(span: Span, inner: str) -> Span:
    """Where a title is between its token's brackets, from the span of its element, which
    starts with that token: no second line lookup."""
    line, column, start = span[0], span[1], span[4]
    return _tuple_new(Span, (line, column + 1, line, column + len(inner), start + 1, start + 1 + len(inner)))


_MAY_END_LINE = frozenset(" \t/\r\n")
_LINE_BREAKS = frozenset("\r\n")
_tuple_new = tuple.__new__


# The models the builder makes by the thousand, each from every one of its fields.
_new_range, _new_occurrence, _new_description, _new_inference, _new_statement, _new_argument, _new_relation = map(
    constructor, (Range, StatementOccurrence, ArgumentDescription, Inference, Statement, Argument, Relation))

_EMPHASIS_TYPES = {"bold": RangeType.BOLD, "italic": RangeType.ITALIC}


def _lines(parts: list[str], value: str, is_last: bool) -> int:
    """Append text with line breaks to ``parts`` (none empty) and say how long it was: each
    break is a space, unless the text ends with one already; none for the break that ends an
    element's last piece."""
    pieces = value.split("\n")
    if is_last and not pieces[-1]:
        pieces.pop()
    added = 0
    for number, piece in enumerate(pieces):
        if number and not (parts and parts[-1][-1] == " "):
            parts.append(" ")
            added += 1
        if piece:
            parts.append(piece)
            added += len(piece)
    return added


class _Text:
    """Text being assembled the way the reference does it, with its formatting ranges."""

    __slots__ = ("parts", "length", "ranges", "tags", "keep_tags", "shortcodes", "broken_links", "span", "text")

    def __init__(self, keep_tags: bool, shortcodes: dict[str, str], broken_links: list[Lexeme], span) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.ranges: list = []  # Range fields while the text grows; Range models after finish()
        self.tags: list[str] = []
        self.keep_tags = keep_tags
        self.shortcodes = shortcodes
        self.broken_links = broken_links  # links across a line break, which the reference refuses
        self.span = span  # _Spans.between
        self.text = ""  # without the surrounding whitespace that the reference keeps; set by finish()

    def add(self, piece: str) -> None:
        if piece:
            self.parts.append(piece)
            self.length += len(piece)

    def inline(self, parts: list) -> None:
        """Append inline content (the parts of an ``Inline``, or tags); iterative, so
        deeply nested emphasis cannot overflow the stack. The commonest pieces (text, line
        breaks, tags, links, emphasis of one line of text) are handled here, with the text's
        parts and length in local names, because this runs for every piece of every text."""
        out, ranges, span = self.parts, self.ranges, self.span
        length = self.length
        stack: list = []  # the enclosing parts: (parts, their number, index of the next, closing)
        index, closing = 0, None
        size = len(parts)
        while True:
            if index == size:
                if closing is not None:
                    emphasis, rng = closing
                    rng["stop"] = length - 1 if length else 0
                    if emphasis.last[1].endswith(" "):
                        out.append(" ")
                        length += 1
                if not stack:
                    self.length = length
                    return
                parts, size, index, closing = stack.pop()
                continue
            part = parts[index]
            index += 1
            if part.__class__ is Lexeme:
                kind, value = part[0], part[1]  # indexed rather than through its properties
                if kind == "FREESTYLE":
                    if "\n" not in value:
                        if value:
                            out.append(value)
                            length += len(value)
                        continue
                    length += _lines(out, value, index == size)
                elif kind == "NEWLINE":
                    if index != size and not (out and out[-1][-1] == " "):
                        out.append(" ")
                        length += 1
                elif kind == "TAG":
                    name = _tag_name(value)
                    if self.keep_tags:
                        out.append(value)
                        ranges.append({"type": RangeType.TAG, "start": length, "stop": length + len(value) - 1,
                                       "url": None, "tag": name, "title": None, "span": span(part, part)})
                        length += len(value)
                    if name not in self.tags:
                        self.tags.append(name)
                elif kind == "LINK":
                    match = _LINK.match(value)
                    if match is None:
                        self.broken_links.append(part)
                        out.append(value)
                        length += len(value)
                        continue
                    label = match.group(1)
                    out.append(label)
                    ranges.append({"type": RangeType.LINK, "start": length, "stop": length + len(label) - 1,
                                   "url": match.group(2), "tag": None, "title": None, "span": span(part, part)})
                    length += len(label)
                    if value[-1] == " ":
                        out.append(" ")
                        length += 1
                else:
                    self.length = length
                    if kind == "SPECIAL_CHAR":
                        self.text_piece(part, index == size)
                    else:  # a mention
                        self._mention(part)
                    length = self.length
            elif part.__class__ is Emphasis:
                rng = {"type": _EMPHASIS_TYPES[part.kind], "start": length, "stop": length, "url": None,
                       "tag": None, "title": None, "span": None}
                ranges.append(rng)
                inner = part.content.parts if part.content else ()
                if len(inner) == 1 and inner[0].__class__ is Lexeme and inner[0][0] == "FREESTYLE" \
                        and "\n" not in inner[0][1]:
                    value = inner[0][1]
                    if value:
                        out.append(value)
                        length += len(value)
                    rng["stop"] = length - 1 if length else 0
                    if part.last[1].endswith(" "):
                        out.append(" ")
                        length += 1
                    continue
                stack.append((parts, size, index, closing))
                parts, index, closing = part.content.parts if part.content else [], 0, (part, rng)
                size = len(parts)
            else:  # text with shortcodes
                self.length = length
                for token in part:
                    self.text_piece(token, index == size and token is part[-1])
                length = self.length

    def text_piece(self, token: Lexeme, is_last: bool) -> None:
        """Text, where `\\n` marks a line break the tokenizer folded in, or a shortcode."""
        value = token[1]
        if token[0] == "SPECIAL_CHAR":
            symbol = self.shortcodes.get(value.strip())
            self.add(value if symbol is None else symbol + (" " if value.endswith(" ") else ""))
        elif "\n" not in value:
            self.add(value)
        else:
            self.length += _lines(self.parts, value, is_last)

    def _mention(self, token: Lexeme) -> None:
        image = token.value
        title = image.rstrip(" \t")[2:-1]
        kind = RangeType.STATEMENT_MENTION if token.type == "STATEMENT_MENTION" else RangeType.ARGUMENT_MENTION
        start = self.length
        self.add(image)
        self.ranges.append({"type": kind, "start": start, "stop": self.length - 1, "url": None, "tag": None,
                            "title": title, "span": self.span(token, token)})

    def finish(self) -> None:
        """Set :attr:`text`, and make the ranges, shifted and clamped to match it."""
        raw = "".join(self.parts)
        self.text = raw.strip()
        if self.ranges:
            lead = len(raw) - len(raw.lstrip())
            last = max(len(self.text) - 1, 0)
            for rng in self.ranges:
                if lead:
                    rng["start"] = max(rng["start"] - lead, 0)
                    rng["stop"] = max(rng["stop"] - lead, 0)
                if rng["stop"] > last:  # stops are never negative
                    rng["stop"] = last
            self.ranges = list(map(_new_range, self.ranges))


# --- the walk --------------------------------------------------------------------------------------
# Statements, arguments, relations and sections are plain dicts with the model's field names
# until the end, when they become models (without validation, see _model); occurrences and
# descriptions are models from the start, because an argument's PCS shares them with the statements.

class _Entity:
    """A statement (equivalence class), argument or inference while the map is being built."""

    __slots__ = ("kind", "title", "relations", "fields", "inference", "argument_title", "conclusion_index")

    def __init__(self, kind: str, title: str | None, fields: dict | None = None) -> None:
        self.kind = kind
        self.title = title
        self.relations: list[_Relation] = []
        self.fields = fields  # the model's fields, for statements and arguments
        self.inference: Inference | None = None  # for inferences
        self.argument_title: str | None = None
        self.conclusion_index: int | None = None


def _detach(entity: _Entity, relation: "_Relation") -> None:
    """Remove a relation from an entity's list as the reference does (``splice(indexOf(r), 1)``):
    when the relation is not there, the list loses its last entry instead."""
    relations = entity.relations
    for index, existing in enumerate(relations):
        if existing is relation:
            del relations[index]
            return
    if relations:
        relations.pop()


class _Relation:
    __slots__ = ("type", "source", "target", "spans")

    def __init__(self, type_: RelationType, source: _Entity | None, target: _Entity | None, span: Span) -> None:
        self.type = type_
        self.source = source
        self.target = target
        self.spans = [span]


_RELATION_KINDS = {
    # grammar rule: (relation type, the parent is the source)
    "incoming_support": (RelationType.SUPPORT, True),
    "incoming_attack": (RelationType.ATTACK, True),
    "outgoing_support": (RelationType.SUPPORT, False),
    "outgoing_attack": (RelationType.ATTACK, False),
    "contradiction": (RelationType.CONTRADICTORY, True),
    "incoming_undercut": (RelationType.UNDERCUT, True),
    "outgoing_undercut": (RelationType.UNDERCUT, False),
}


_Steps = Generator[Any, Any, Any]


def _run(steps: _Steps) -> Any:
    """Run a walk step and the steps it yields, with a stack of our own instead of Python's:
    relations nest as deep as a file indents them, far deeper than Python's recursion limit."""
    stack, value = [steps], None
    while stack:
        try:
            value = stack[-1].send(value)
            stack.append(value)
            value = None
        except StopIteration as stop:
            stack.pop()
            value = stop.value
    return value


# The data keys argmap reads: vargdown's numbers and reason, and the reference's own.
DATA_KEYS = ("reason", "credence", "inference", "prior", "isCanonical", "isInGroup", "isGroup", "uses", "from")
_KNOWN_KEYS = frozenset(DATA_KEYS)
# The front matter's settings argmap reads, at its top level and under `model:`; any other key
# is the author's own (a title, an author), unless it is a slip for one of these.
FRONT_MATTER_KEYS = ("semantics", "thesis", "model", "group")
MODEL_KEYS = ("mode", "removeTagsFromText", "shortcodes", "transformArgumentRelations", "explodeArguments")
MODES = ("loose", "strict")  # the reference's; loose where none is given


def _setting_value(front_matter: str, key: str, value: Any) -> int | None:
    """Where the value of ``key:`` is written in the front matter's text (None: not found)."""
    written = re.escape(str(value))
    found = re.search(rf"(?<![\w\"']){re.escape(key)}[\"']?\s*:\s*([\"']?){written}\1", front_matter)
    return found.start(1) + len(found.group(1)) if found else None


def _meant_key(key: str, known_keys: tuple[str, ...] = DATA_KEYS) -> str | None:
    """The key in ``known_keys`` that ``key`` is a slip for: the same but for case, or (for keys
    of five letters or more) one typo away, two for keys of seven or more; else None."""
    from rapidfuzz.distance import OSA

    folded = key.casefold()
    for known in known_keys:
        allowed = 0 if len(known) < 5 else 1 if len(known) < 7 else 2
        if OSA.distance(folded, known.casefold(), score_cutoff=allowed) <= allowed:
            return known
    return None


_DECIMAL_COMMA = re.compile(r"(?<![\w\"'])(\w+)[ \t]*:[ \t]+(\d+),(\d+)[ \t]*(?=[,}])")
_NO_SPACE = re.compile(r"(?<![\w\"'])(\w+):([^\s,{}\[\]:\"']+)")


class TitleIndex:
    """Titles to look up slips among: ``closest(title)`` is the title that ``title`` is most
    likely a slip for: equal but for case and spacing, or one typo away (a swap of two
    letters is one; one more for every 8 characters) with the same numbers and short words (`Argument 2` is no slip for `Argument
    1`, nor `[c]` for `[d]`). Titles are bucketed by those words and by length, so a lookup
    compares only titles that could be that close, even in a map of thousands."""

    def __init__(self, choices: dict[str, str]) -> None:
        """``choices`` maps the form to show (`<Title>`) to the title."""
        self.buckets: dict[tuple, dict[int, list[tuple[int, str, str]]]] = {}
        for order, (shown, title) in enumerate(choices.items()):
            folded = _folded(title)
            self.buckets.setdefault(_marks(folded), {}).setdefault(len(folded), []).append((order, shown, folded))

    def closest(self, title: str, prefer: str = "") -> str | None:
        """The shown form of the closest title, one that starts with ``prefer`` (a bracket)
        and then the first given on a tie; None when no title is that close."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        folded = _folded(title)
        allowed = max(1, len(folded) // 8)
        bucket = self.buckets.get(_marks(folded), {})
        candidates = [c for size in range(len(folded) - allowed, len(folded) + allowed + 1) for c in bucket.get(size, ())]
        found = process.extract(folded, [c[2] for c in candidates], scorer=OSA.distance,
                                score_cutoff=allowed, limit=None)
        best = min(((distance, not candidates[i][1].startswith(prefer), candidates[i][0], candidates[i][1])
                    for _, distance, i in found), default=None)
        return best[3] if best else None


def _marks(folded: str) -> tuple[str, ...]:
    """The words of a title that a one-letter change turns into another name: numbers, and
    words of one or two letters."""
    return tuple(word for word in folded.split() if len(word) <= 2 or any(c.isdigit() for c in word))


def _folded(title: str) -> str:
    return " ".join(title.casefold().split())


def _shown(entity: "_Entity") -> str:
    return f"<{entity.title}>" if entity.kind == "argument" else f"[{entity.title}]"


def _spaces(width: int) -> str:
    return f"{width} space{'s' * (width != 1)}"


def _add_tags(target: list[str], tags: list[str]) -> None:
    for tag in tags:
        if tag not in target:
            target.append(tag)


class _Walk:
    def __init__(self, tree: SyntaxTree) -> None:
        self.written_front_matter = tree.front_matter
        # The blocks still to walk, the last first: each is let go (with its tokens, when the
        # caller keeps no tree) as soon as it is walked, so the tree shrinks as the models grow.
        self.pending = tree.blocks[::-1]
        self.diagnostics: list[Diagnostic] = list(tree.diagnostics)
        self.front_matter: dict = {}
        self.front_matter_token: Lexeme | None = None  # where warnings about its settings point
        self.settings: dict = {}
        self.shortcodes = SHORTCODES
        self.keep_tags = True  # `model: removeTagsFromText` in the front matter turns it off
        spans = _Spans()
        # A bound method: called for nearly every token, and cheaper to call than an instance.
        self.span = spans.between
        self.untitled = 0
        self.statements: dict[str, _Entity] = {}
        self.arguments: dict[str, _Entity] = {}
        self.relations: list[_Relation] = []
        # (source, target, type) and (target, type): (the relation's place in self.relations, the relation)
        self.relation_by_ends: dict[tuple, tuple[int, _Relation]] = {}
        self.first_relation_into: dict[tuple, tuple[int, _Relation]] = {}
        self.sections: list[dict] = []  # Section fields, in document order
        self.section_by_id: dict[str, dict] = {}
        self.section: dict | None = None
        self.section_id: str | None = None  # the id of self.section
        self.tags: dict[str, None] = {}  # the map's tags in order of first use (a dict, to look them up)
        self.inference: _Entity | None = None  # the last inference met: the reference's undercut target
        self.inferences: dict[int, _Entity] = {}  # id of an Inference -> its entity
        self.broken_links: list[Lexeme] = []
        # the enclosing relation's indentation, its element, and how much deeper it is than the one enclosing it
        self.relation_level: tuple[int, _Entity, int] | None = None

    # -- helpers

    def warn(self, where, code: str, message: str, subject: str | None = None,
             severity: Severity = Severity.WARNING) -> None:
        """A diagnostic at a token's or a span's line and column."""
        self.diagnostics.append(Diagnostic(severity=severity, code=code, message=message, line=where.line,
                                           column=where.column, subject=subject))

    def statement_number(self, token, position: int, argument: str) -> int:
        """n in `(n)`; a number too long for Python's int() (thousands of digits) is taken as
        the statement's position, with a warning."""
        digits = token[1].strip()[1:-1]
        try:
            return int(digits)
        except ValueError:
            self.warn(token, "statement-number", f"<{argument}>: a statement number of {len(digits)} digits "
                      f"is too long; it was taken as ({position})", subject=argument)
            return position

    def unique_title(self) -> str:
        self.untitled += 1
        return f"Untitled {self.untitled}"

    def statement_entity(self, title: str) -> _Entity:
        entity = self.statements.get(title)
        if entity is None:
            entity = self.statements[title] = _Entity("statement", title, {
                "title": title, "members": [], "tags": [], "data": {}, "section": None,
                "is_used_as_top_level": False})
        return entity

    def argument_entity(self, title: str | None = None) -> _Entity:
        entity = self.arguments.get(title) if title is not None else None
        if entity is None:
            title = title if title is not None else self.unique_title()
            entity = self.arguments[title] = _Entity("argument", title, {
                "title": title, "members": [], "pcs": [], "tags": [], "data": {}, "section": None, "span": None})
        return entity

    def data(self, token: Lexeme | None) -> tuple[dict, Span | None]:
        if token is None:
            return {}, None
        try:
            value = read_block(token.value)
        except DataError as error:
            if not self.unclosed(token, error):
                column = (token.column if error.line == 0 else 1) + error.column
                self.diagnostics.append(Diagnostic(
                    severity=Severity.ERROR, code="data", line=token.line + error.line, column=column,
                    message=f"data block is not valid YAML ({error.problem}); the block was ignored"))
            return {}, self.span(token, token)
        if not isinstance(value, dict):
            self.warn(token, "data", "a data block should hold key: value pairs; the block was ignored")
            return {}, self.span(token, token)
        if not _KNOWN_KEYS.issuperset(value):  # most blocks use only keys argmap reads
            self.misspelt_keys(token, value)
        self.run_together(token, value)
        return value, self.span(token, token)

    def unclosed(self, token: Lexeme, error: DataError) -> bool:
        """A `{` left open runs on to the next `}`, lines further; when its first line closed
        by a `}` is a valid block, report that line (with the fix) instead of where YAML failed."""
        first = token.value.split("\n", 1)[0].rstrip(" \t\r")
        if first == token.value.rstrip():
            return False
        try:
            value = read_block(first + "}")
        except DataError:
            return False
        if not isinstance(value, dict) or not value:
            return False
        end = token.start_pos + len(first)
        self.diagnostics.append(Diagnostic(
            severity=Severity.ERROR, code="data-unclosed", line=token.line, column=token.column,
            span=self.span(token, token),
            message=f"this data block's {{ is not closed on its line: it runs on to the }} at line {token.end_line} "
                    f"and is not valid YAML there ({error.problem}); the block was ignored. Close it: {first}}}",
            fixes=(Fix("Close the data block with }", end, end, "}"),)))
        return True

    def misspelt_keys(self, token: Lexeme, data: dict, known_keys: tuple[str, ...] = DATA_KEYS) -> None:
        """A key one slip away from a key argmap reads (`credance`), named with that key: in a
        data block, or in the front matter (``known_keys``: its settings)."""
        in_data = known_keys is DATA_KEYS
        for key in data:
            meant = _meant_key(key, known_keys) if isinstance(key, str) and key not in known_keys else None
            if meant is None or meant in data:
                continue
            found = re.search(rf"(?<![\w\"'])([\"']?){re.escape(key)}\1\s*:", token.value)
            written, setting = (f"{{{key}}}", f"{{{meant}}}") if in_data else (f"`{key}:`", f"`{meant}:`")
            self._slip(token, found.start() + len(found.group(1)) if found else None, key,
                       "data-key" if in_data else "front-matter-key",
                       f"{written} is not a {'key' if in_data else 'setting'} argmap reads: did you mean "
                       f"{setting}? As written, it is ignored", f"Rename to {meant}", meant)

    def front_matter_slips(self, token: Lexeme) -> None:
        """Settings that are slips for those argmap reads (`semantcs:`, a `mode:` that is
        neither loose nor strict): as written they are ignored, and the numbers change."""
        self.misspelt_keys(token, self.front_matter, FRONT_MATTER_KEYS)
        self.misspelt_keys(token, self.settings, MODEL_KEYS)
        mode, semantics = self.settings.get("mode"), self.front_matter.get("semantics")
        if mode is not None and mode not in MODES:
            meant = _meant_key(str(mode), MODES)
            self._slip(token, _setting_value(token.value, "mode", mode), str(mode), "front-matter-mode",
                       f"`mode: {mode}` is neither loose nor strict"
                       + (f": did you mean `mode: {meant}`?" if meant else ";") + " argmap reads the map as loose",
                       f"Replace with {meant or 'loose'}", meant or "loose")
        if semantics is not None and semantics not in NAMES:
            meant = _meant_key(str(semantics), NAMES)
            self._slip(token, _setting_value(token.value, "semantics", semantics), str(semantics),
                       "front-matter-semantics", f"the front matter names an unknown semantics {semantics!r}; "
                       f"choose one of {', '.join(NAMES)}" + (f" (did you mean {meant}?)" if meant else ""),
                       f"Replace with {meant or DEFAULT}", meant or DEFAULT)

    def _slip(self, token: Lexeme, offset: int | None, written: str, code: str, message: str, fix: str,
              meant: str) -> None:
        """A warning at what is ``written`` ``offset`` characters into a data block or the front
        matter, with the fix that writes what was ``meant`` instead; at the token, without a
        fix, where it was not found in the text."""
        start = token.start_pos + (offset or 0)
        line, column = token.position_of(start)
        self.diagnostics.append(Diagnostic(
            severity=Severity.WARNING, code=code, line=line, column=column, message=message,
            span=Span(line, column, line, column + len(written) - 1, start, start + len(written))
            if offset is not None else None,
            fixes=(Fix(fix, start, start + len(written), meant),) if offset is not None else ()))

    def run_together(self, token: Lexeme, data: dict) -> None:
        """Two slips YAML reads without complaint: a decimal comma (`credence: 0,6` is
        credence 0 and a key `6`) and a colon without a space after it (`credence:0.6` is one
        key, `credence:0.6`, with no value)."""
        if None not in data.values():  # both slips leave a key without a value
            return
        for found in _DECIMAL_COMMA.finditer(token.value):
            key, whole, fraction = found.groups()
            if str(data.get(key)) != whole or fraction not in data or data[fraction] is not None:
                continue
            comma = token.start_pos + found.end(2)
            self.slip(token, found.start(2), found.end(3), "data-comma",
                      f"{{{key}: {whole},{fraction}}} reads as {key} {whole} and a key {fraction}: YAML separates "
                      f"entries with commas; did you mean {whole}.{fraction}?",
                      Fix(f"Replace with {whole}.{fraction}", comma, comma + 1, "."))
        for found in _NO_SPACE.finditer(token.value):
            key, value = found.groups()
            if f"{key}:{value}" not in data or data[f"{key}:{value}"] is not None:
                continue
            colon = token.start_pos + found.end(1) + 1
            self.slip(token, found.start(1), found.end(2), "data-colon",
                      f"{{{key}:{value}}} is read as one key with no value: YAML needs a space after the colon "
                      f"({key}: {value})", Fix("Add a space after the colon", colon, colon, " "))

    def slip(self, token: Lexeme, start: int, end: int, code: str, message: str, fix: Fix) -> None:
        """A warning about characters ``start`` to ``end`` of a data block, with its fix."""
        line, column = token.position_of(token.start_pos + start)
        end_line, end_column = token.position_of(token.start_pos + end - 1)
        self.diagnostics.append(Diagnostic(
            severity=Severity.WARNING, code=code, line=line, column=column, message=message, fixes=(fix,),
            span=Span(line, column, end_line, end_column, token.start_pos + start, token.start_pos + end)))

    def text(self, node: StatementNode | ArgumentNode) -> tuple[str | None, list[str], list[Range]]:
        """An element's text (None where nothing is written), its tags and its ranges. Most
        texts are one line of plain text, ending the element's line or not, or none: those take
        no assembly (a line break in the whitespace that ends them makes no difference to it)."""
        content = node.content
        if not node.tags:
            if content is None:
                return None, [], []
            parts = content.parts
            if len(parts) == 1:
                part = parts[0]
                if part.__class__ is Lexeme and part[0] == "FREESTYLE":
                    value = part[1]
                    if "\n" not in value:
                        return value.strip() if value else None, [], []
                    text = value.rstrip()
                    if text and "\n" not in text:
                        return value.strip(), [], []
        text = self.new_text()
        if content is not None:
            text.inline(content.parts)
        if node.tags:
            text.inline(node.tags)
        text.finish()
        return text.text if text.parts else None, text.tags, text.ranges

    def new_text(self) -> _Text:
        return _Text(self.keep_tags, self.shortcodes, self.broken_links, self.span)

    # -- elements

    def front(self, token: Lexeme | None) -> None:
        if token is None:
            return
        try:
            value = read_front_matter(token.value)
        except DataError as error:
            self.diagnostics.append(Diagnostic(
                severity=Severity.ERROR, code="front-matter", line=token.line + error.line, column=1 + error.column,
                message=f"front matter is not valid YAML ({error.problem}); it was ignored"))
            return
        if isinstance(value, dict):
            self.front_matter, self.front_matter_token = value, token
            model = value.get("model")
            self.settings = model if isinstance(model, dict) else {}
            self.shortcodes = _shortcodes(self.settings)
            self.keep_tags = not self.settings.get("removeTagsFromText")
            self.front_matter_slips(token)

    def heading(self, node: HeadingNode) -> None:
        text = self.new_text()
        text.inline(node.content.parts)
        text.finish()
        data, _ = self.data(node.data)
        self.tags.update(dict.fromkeys(text.tags))
        section = {"id": f"s{len(self.sections) + 1}", "title": text.text, "level": node.level, "parent": None,
                   "tags": text.tags, "data": data, "span": self.span(node.first, node.last)}
        enclosing = self.section
        while enclosing is not None and enclosing["level"] >= section["level"]:
            enclosing = self.section_by_id.get(enclosing["parent"])
        if enclosing is not None:
            section["parent"] = enclosing["id"]
        self.sections.append(section)
        self.section_by_id[section["id"]] = section
        self.section, self.section_id = section, section["id"]

    def statement_fields(self, node: StatementNode, role: Role | None) -> dict:
        """The fields of a statement's occurrence, read in the reference's order; the title is
        None for an untitled statement until it is recorded (or its relations are visited)."""
        title, is_reference, title_span = None, False, None
        span = self.span(node.first, node.last)
        token = node.title  # the first token, when there is one
        if token is not None:
            kind, value = token[0], token[1]
            inner = value[1:-2] if kind == "STATEMENT_DEFINITION" else value[1:-1]
            if _NO_LINE_BREAK.match(inner):
                title, is_reference = inner, kind == "STATEMENT_REFERENCE"
                title_span = _title_span(span, inner)
        text, tags, ranges = self.text(node)
        if title is None and node.content is not None:
            self.unclosed_title(node, ranges)
        if node.data is None and text is not None and "{" in text:
            self.unclosed_text_data(node)
        data, data_span = self.data(node.data)
        if tags:
            self.tags.update(dict.fromkeys(tags))
        return {"title": title, "text": text, "is_reference": is_reference,
                "tags": tags, "data": data, "ranges": ranges, "span": span,
                "title_span": title_span, "data_span": data_span, "section": self.section_id, "role": role,
                "argument": None, "number": None, "inference": None}

    def related_statement(self, fields: dict, relations: list[RelationNode]) -> _Steps:
        """A statement with relations under it: they are visited before it is recorded."""
        if fields["title"] is None:
            fields["title"] = self.unique_title()
        yield self.relation_block(relations, self.statement_entity(fields["title"]))
        return self.record_statement(fields)

    def record_statement(self, fields: dict) -> StatementOccurrence:
        """The occurrence, added to its statement (equivalence class)."""
        if fields["title"] is None:
            fields["title"] = self.unique_title()
        occurrence = _new_occurrence(fields)
        data = fields["data"]
        statement = self.statement_entity(fields["title"]).fields
        if fields["tags"]:
            _add_tags(statement["tags"], fields["tags"])
        if data:
            merge(statement["data"], data)
        statement["members"].append(occurrence)
        in_group = data.get("isInGroup")
        if in_group is True or (not fields["is_reference"] and in_group is None and statement["section"] is None):
            statement["section"] = fields["section"]
        if fields["role"] is Role.TOP_LEVEL:
            statement["is_used_as_top_level"] = True
        return occurrence

    def unclosed_title(self, node: StatementNode, ranges: list[Range]) -> None:
        """A text that starts with `[` or `<` (not a link) is most often a title whose closing
        bracket is missing: Argdown reads it as the text of an untitled statement."""
        source, start = node.first.source, node.first.start_pos
        line_end = source.find("\n", start)
        written = source[start:line_end if line_end >= 0 else len(source)].split("{", 1)[0].split("//", 1)[0].rstrip()
        opening = written[:1]
        colon = written.find(": ")
        closing = "]" if opening == "[" else ">"
        if (opening not in ("[", "<") or not written[1:2].isalnum() or closing in written[:colon if colon > 0 else len(written)]
                or any(r.type is RangeType.LINK and r.start == 0 for r in ranges)):
            return
        at = start + (colon if colon > 0 else len(written))
        title = written[1:colon if colon > 0 else len(written)].strip()
        line, column = node.first.position()
        self.diagnostics.append(Diagnostic(
            severity=Severity.WARNING, code="unclosed-title", line=line, column=column,
            span=Span(line, column, line, column + len(written) - 1, start, start + len(written)),
            message=f"{written[:colon + 1] if colon > 0 else written} looks like a title without its "
                    f"closing '{closing}': it was read as the text of an untitled statement"
                    + ("" if colon > 0 else ", worth 0.5") + f"; did you mean {opening}{title}{closing}?",
            fixes=(Fix(f"Close the title with {closing}", at, at, closing),)))

    def unclosed_text_data(self, node: StatementNode) -> None:
        """A data block whose `{` is never closed is text to Argdown: the numbers in it are
        lost without a word unless this says so."""
        source = node.first.source
        start = source.find("{", node.first.start_pos, node.last.end_pos)
        line_end = source.find("\n", start)
        block = source[start:line_end if line_end >= 0 else len(source)].rstrip(" \t\r")
        try:
            value = read_block(block + "}")
        except DataError:
            return
        if not isinstance(value, dict) or not value:
            return
        end = start + len(block)
        line, column = node.first.position_of(start)
        self.diagnostics.append(Diagnostic(
            severity=Severity.WARNING, code="data-unclosed", line=line, column=column,
            span=Span(line, column, line, column + len(block) - 1, start, end),
            message=f"this data block's {{ is never closed, so it was read as text and its data is ignored; "
                    f"close it: {block}}}", fixes=(Fix("Close the data block with }", end, end, "}"),)))

    def argument_fields(self, node: ArgumentNode) -> dict:
        """The fields of an argument's description."""
        token = node.title  # the first token
        is_reference = token[0] == "ARGUMENT_REFERENCE"
        inner = token[1][1:-1] if is_reference else token[1][1:-2]
        span = self.span(node.first, node.last)
        text, tags, ranges = self.text(node)
        data, data_span = self.data(node.data)
        if tags:
            self.tags.update(dict.fromkeys(tags))
        return {"title": inner, "text": text or "", "is_reference": is_reference, "tags": tags, "data": data,
                "ranges": ranges, "span": span, "title_span": _title_span(span, inner),
                "data_span": data_span, "section": self.section_id}

    def record_argument(self, fields: dict) -> _Entity:
        """The description, added to its argument."""
        description = _new_description(fields)
        data = fields["data"]
        entity = self.argument_entity(fields["title"])
        argument = entity.fields
        _add_tags(argument["tags"], fields["tags"])
        if data:
            merge(argument["data"], data)
        argument["members"].append(description)
        in_group = data.get("isInGroup")
        if in_group is True or (not fields["is_reference"] and in_group is None and argument["section"] is None):
            argument["section"] = fields["section"]
        return entity

    def member(self, node: StatementNode | ArgumentNode, role: Role | None) -> _Entity:
        """A statement or argument written without relations under it (most are)."""
        if isinstance(node, ArgumentNode):
            return self.record_argument(self.argument_fields(node))
        return self.statement_entity(self.record_statement(self.statement_fields(node, role)).title)

    def top_level(self, node: StatementNode | ArgumentNode, role: Role | None) -> _Entity:
        """A statement or argument outside any relation or PCS, with its relations."""
        return _run(self.related_member(node, role)) if node.relations else self.member(node, role)

    def related_member(self, node: StatementNode | ArgumentNode, role: Role | None) -> _Steps:
        """A statement or argument with relations under it, visited before it is recorded."""
        if isinstance(node, ArgumentNode):
            fields = self.argument_fields(node)
            yield self.relation_block(node.relations, self.argument_entity(fields["title"]))
            return self.record_argument(fields)
        occurrence = yield self.related_statement(self.statement_fields(node, role), node.relations)
        return self.statement_entity(occurrence.title)

    def relation_block(self, relations: list[RelationNode], parent: _Entity) -> _Steps:
        outer = self.relation_level
        for node in relations:
            width = len(node.symbol.value) - len(node.symbol.value.lstrip(" "))
            if outer is not None and (width - outer[0]) % 2 and not outer[2] % 2 and width > outer[0]:
                self.odd_indent(node.symbol, width, parent, outer)
            self.relation_level = (width, parent, width - outer[0] if outer else width)
            relation_type, parent_is_source = _RELATION_KINDS[node.kind]
            span = self.span(node.first, node.last)
            if parent_is_source:
                relation = _Relation(relation_type, parent, None, span)
            else:
                target = parent
                if node.kind == "outgoing_undercut" and parent.kind == "statement" and self.inference is not None:
                    target = self.inference  # the reference's choice: the last inference written
                relation = _Relation(relation_type, None, target, span)
            member = node.member
            other = (yield self.related_member(member, Role.RELATION)) if member.relations \
                else self.member(member, Role.RELATION)
            self.relation_level = outer
            if relation.source is None:
                relation.source = other
            else:
                relation.target = other
            self.add_relation(relation)

    def odd_indent(self, symbol: Lexeme, width: int, parent: _Entity, outer: tuple[int, _Entity, int]) -> None:
        """A relation an odd number of spaces deeper than the one above it, where that one
        went an even number deeper (3 spaces under 2), belongs to the element above it: most
        often a space too many."""
        line, column = symbol.position()
        start, sibling, child = symbol.start_pos, outer[0], outer[0] + outer[2]
        self.diagnostics.append(Diagnostic(
            severity=Severity.WARNING, code="indentation", line=line, column=column + width, subject=parent.title,
            span=Span(line, column, line, column + width, start, start + width + 1),
            message=f"this relation is indented by {_spaces(width)}, the relation above it by {_spaces(sibling)}: "
                    f"it was read as a relation of {_shown(parent)}, the element above it; indent it by "
                    f"{_spaces(sibling)} to relate it to {_shown(outer[1])}, or by {_spaces(child)} to make "
                    "the relation to the element above clear",
            fixes=tuple(Fix(f"Indent by {_spaces(size)}", start, start + width, " " * size) for size in (sibling, child))))

    def add_relation(self, relation: _Relation) -> None:
        """A relation, unless it repeats one of its source's: then the first of those written
        (in the source's list, as the reference scans it) takes its place. That one has the
        same target and type; or, where the source is its own target, any source; or it is the
        same contradiction written the other way. Looked up in indexes, not scanned: a claim
        may have thousands of relations."""
        source, target, kind = relation.source, relation.target, relation.type
        repeated = [self.relation_by_ends.get((source, target, kind))]
        if target is source:
            repeated.append(self.first_relation_into.get((target, kind)))
        if kind is RelationType.CONTRADICTORY:
            repeated.append(self.relation_by_ends.get((target, source, kind)))
        written = [found for found in repeated if found is not None]
        if written:
            min(written)[1].spans += relation.spans
            return
        order = (len(self.relations), relation)
        self.relation_by_ends.setdefault((source, target, kind), order)
        self.first_relation_into.setdefault((target, kind), order)
        self.relations.append(relation)
        source.relations.append(relation)
        target.relations.append(relation)

    def pcs(self, node: PcsNode, preceding) -> _Steps:
        entity = preceding if isinstance(preceding, _Entity) else None
        if entity is not None and entity.fields["pcs"]:
            self.warn(node.first, "multiple-pcs",
                      f"<{entity.title}> already has a premise-conclusion structure; this one became an "
                      "untitled argument", subject=entity.title, severity=Severity.ERROR)
            entity = None
        if entity is None:
            entity = self.argument_entity()
        pcs = entity.fields["pcs"]
        if self.section is not None:
            entity.fields["section"] = self.section_id
        after_inference = False
        for step in node.steps:
            if isinstance(step, InferenceNode):
                after_inference = True
                self.inference = self.inference_entity(self.inference_model(step), entity.title)
                if step.relations:
                    yield self.relation_block(step.relations, self.inference)
                continue
            statement = step.statement
            fields = self.statement_fields(statement, Role.PREMISE)
            fields["argument"] = entity.title
            fields["number"] = self.statement_number(step.number, len(pcs) + 1, entity.title)
            if after_inference:
                fields["role"] = Role.INTERMEDIARY_CONCLUSION
                fields["inference"] = self.inference.inference
                self.inference.conclusion_index = len(pcs)
            after_inference = False
            pcs.append((yield self.related_statement(fields, statement.relations)) if statement.relations
                       else self.record_statement(fields))
        last = pcs[-1]
        if last.role is Role.PREMISE:
            self.assume_conclusion(entity, node, last)
        last.role = Role.MAIN_CONCLUSION
        entity.fields["span"] = self.span(node.first, node.last)

    def inference_entity(self, inference: Inference, argument_title: str) -> _Entity:
        entity = _Entity("inference", None)
        entity.inference = inference
        entity.argument_title = argument_title
        self.inferences[id(inference)] = entity
        return entity

    def inference_model(self, node: InferenceNode) -> Inference:
        data, data_span = self.data(node.data)
        rules = []
        for rule in node.rules:
            text = self.new_text()
            for token in rule if isinstance(rule, list) else [rule]:
                text.text_piece(token, False)
            text.finish()
            rules.append(text.text)
        return _new_inference({"rules": rules, "data": data, "span": self.span(node.first, node.last),
                                  "data_span": data_span})

    def assume_conclusion(self, entity: _Entity, node: PcsNode, last: StatementOccurrence) -> None:
        """The reference rejects a structure whose last statement has no inference line above it."""
        member = next(step for step in reversed(node.steps) if isinstance(step, PcsMemberNode))
        if len(entity.fields["pcs"]) == 1:
            message = (f"<{entity.title}>: a premise-conclusion structure needs premises, an inference "
                       f"line (----) and a conclusion; ({last.number}) was taken as a conclusion without premises")
        else:
            message = (f"<{entity.title}>: no inference line (----) before ({last.number}) "
                       f"[{last.title}]; assumed it is the conclusion of the premises above it")
        self.warn(member.number, "missing-inference", message, subject=entity.title)
        last.inference = constructed(Inference, {})
        self.inference_entity(last.inference, entity.title).conclusion_index = len(entity.fields["pcs"]) - 1

    def walk(self) -> None:
        self.front(self.written_front_matter)
        preceding = None
        pending = self.pending
        while pending:
            block = pending.pop()
            if isinstance(block, HeadingNode):
                self.heading(block)
                preceding = None
            elif isinstance(block, StatementNode):
                self.top_level(block, Role.TOP_LEVEL)
                preceding = None
            elif isinstance(block, ArgumentNode):
                preceding = self.top_level(block, None)
            elif isinstance(block, PcsNode):
                _run(self.pcs(block, preceding))
                preceding = None
            elif isinstance(block, ListNode):
                for _, item in block.items:
                    self.top_level(item, None)
                preceding = None
        for token in self.broken_links:
            self.warn(token, "link", "a link [text](url) must be written on one line; it was kept as text, and "
                      "other Argdown tools reject the file")

    # -- the reference's transformations, after the walk

    def transform_argument_relations(self) -> None:
        kept = []
        # (source, target, type) of every relation as it was and is: a repeat of a relation
        # moved to a conclusion can only be among these, so the reference's scan runs for those alone.
        ends = set(self.relation_by_ends)
        for relation in self.relations:
            keep = True
            source, target = relation.source, relation.target
            if source.kind == "argument" and source.fields["pcs"]:
                _detach(source, relation)
                conclusion = self.statements[source.fields["pcs"][-1].title]
                relation.source = conclusion
                key = (conclusion, relation.target, relation.type)
                duplicate = next((r for r in conclusion.relations if r.target is relation.target
                                  and r.type is relation.type), None) if key in ends or target is conclusion else None
                ends.add(key)
                if duplicate is None:
                    conclusion.relations.append(relation)
                else:
                    if duplicate is relation and relation.type is not RelationType.SUPPORT:
                        self.warn(relation.spans[0], "self-relation",
                                  f"<{source.title}> concludes [{conclusion.title}], so this line says that "
                                  f"[{conclusion.title}] {relation.type.value}s itself; Argdown drops such a line, "
                                  "and so does argmap: relate another claim, or remove this line",
                                  subject=conclusion.title)
                    duplicate.spans += relation.spans
                    _detach(relation.target, relation)
                    keep = False
            if (keep and target.kind == "argument" and target.fields["pcs"]
                    and relation.type is RelationType.UNDERCUT):
                inference = self.inferences[id(target.fields["pcs"][-1].inference)]
                relation.target = inference
                ends.add((relation.source, inference, relation.type))
                # The reference removes the relation from the inference's list here, where it is
                # not yet, which drops that list's last entry and leaves it in the argument's.
                _detach(inference, relation)
                duplicate = next((r for r in inference.relations
                                  if r.source is relation.source and r.type is relation.type), None)
                if duplicate is None:
                    inference.relations.append(relation)
                else:
                    duplicate.spans += relation.spans
                    _detach(relation.source, relation)
                    keep = False
            if keep:
                kept.append(relation)
        self.relations = kept

    def transform_statement_relations(self) -> None:
        kept = []
        contrary: set[frozenset] = set()  # the pairs of statements made contrary so far
        for relation in self.relations:
            if relation.source.kind == "statement" and relation.target.kind == "statement":
                if relation.type is RelationType.SUPPORT:
                    relation.type = RelationType.ENTAILS
                elif relation.type is RelationType.ATTACK:
                    pair = frozenset((relation.source, relation.target))
                    # Only a pair in the set can have one: the reference's scan runs for those alone.
                    kept_one = next((r for r in relation.source.relations if r.type is RelationType.CONTRARY
                                     and {r.source, r.target} == pair), None) if pair in contrary else None
                    if kept_one is not None:  # the reference keeps the first written of the two
                        self._dropped_attack(relation, kept_one)
                        _detach(relation.source, relation)
                        _detach(relation.target, relation)
                        continue
                    relation.type = RelationType.CONTRARY
                    contrary.add(pair)
            kept.append(relation)
        self.relations = kept

    def _dropped_attack(self, dropped: _Relation, kept: _Relation) -> None:
        """Strict mode keeps one contrary relation for two statements that attack each other:
        the first written. argmap follows the reference, and says so, because which one is
        first decides which of the two statements lowers the other."""
        source, target = f"[{dropped.source.title}]", f"[{dropped.target.title}]"
        span, first = dropped.spans[0], kept.spans[0]
        self.diagnostics.append(Diagnostic(
            severity=Severity.WARNING, code="strict-mutual-attack", subject=dropped.target.title,
            line=span.line, column=span.column, span=span,
            related=(Related(f"the attack of [{kept.source.title}] on [{kept.target.title}], which counts", first),),
            message=f"{source} attacks {target}, and {target} attacks {source} at {first.line}:{first.column}; in "
                    f"strict mode Argdown keeps only the first written as one contrary relation, so this attack "
                    f"is left out and only [{kept.source.title}] lowers [{kept.target.title}] (write `><` "
                    "where each excludes the other)"))

    def remove_redundant_attacks(self) -> None:
        """An attack from a statement on an argument that is already expressed as a relation
        between that statement and one of the argument's premises is the same relation."""
        kept = []
        # The titles of the statements each statement is related to, made when first needed:
        # the twin can only be among these (relations are only taken away here), so the
        # reference's scan runs only where one of them is a premise of the argument attacked.
        related: dict[_Entity, set[str]] = {}
        for relation in self.relations:
            source, target = relation.source, relation.target
            if (source.kind == "statement" and relation.type is RelationType.ATTACK
                    and target.kind == "argument" and target.fields["pcs"]):
                premises = {m.title for m in target.fields["pcs"] if m.role is Role.PREMISE}
                if source not in related:
                    related[source] = {other.title for other in (self._other(r, source) for r in source.relations)
                                       if other.kind == "statement"}
                twin = None if related[source].isdisjoint(premises) else next((r for r in source.relations
                             if self._other(r, source).kind == "statement"
                             and ((r.type is RelationType.ATTACK and r.source is source)
                                  or r.type in (RelationType.CONTRADICTORY, RelationType.CONTRARY))
                             and self._other(r, source).title in premises), None)
                if twin is not None:
                    _detach(source, relation)
                    _detach(target, relation)
                    twin.spans += relation.spans
                    continue
            kept.append(relation)
        self.relations = kept

    @staticmethod
    def _other(relation: _Relation, entity: _Entity) -> _Entity:
        return relation.target if relation.source is entity else relation.source

    def explode_arguments(self) -> None:
        """`model: explodeArguments: true`: one argument per inferential step."""
        exploded: dict[str, _Entity] = {}
        for title, entity in self.arguments.items():
            pcs = entity.fields["pcs"]
            conclusions = [i for i, m in enumerate(pcs)
                           if m.role in (Role.INTERMEDIARY_CONCLUSION, Role.MAIN_CONCLUSION)]
            if len(conclusions) <= 1:
                exploded[title] = entity
                continue
            steps = []
            for index in conclusions:
                uses = self._uses(pcs[index])
                if uses is not None:
                    chosen = [pcs[i - 1] for i in uses if isinstance(i, int) and 0 < i <= len(pcs)]
                else:
                    chosen = []
                    for i in range(index - 1, -1, -1):
                        chosen.insert(0, pcs[i])
                        if pcs[i].role is Role.INTERMEDIARY_CONCLUSION:
                            break
                steps.append([(m, Role.PREMISE) for m in chosen] + [(pcs[index], Role.MAIN_CONCLUSION)])
            for number, step in enumerate(steps, 1):
                step_title = f"{title} - {number}"
                if step_title in self.arguments or step_title in exploded:
                    self.warn(pcs[0].span, "explode", f"cannot split <{title}>: <{step_title}> already exists")
                    exploded[title] = entity
                    break
                fields = entity.fields
                copy = _Entity("argument", step_title, {
                    **fields, "title": step_title, "members": list(fields["members"]), "pcs": [
                        member.model_copy(update={"role": role, "argument": step_title}) for member, role in step],
                    "tags": list(fields["tags"]), "data": dict(fields["data"])})
                if number == len(steps):
                    copy.relations = entity.relations
                    for relation in entity.relations:
                        if relation.source is entity:
                            relation.source = copy
                        else:  # as in the reference: an undercut of the inference lands here too
                            relation.target = copy
                exploded[step_title] = copy
                for (original, _), member in zip(step, copy.fields["pcs"]):
                    members = self.statements[member.title].fields["members"]
                    members[:] = [m for m in members if m is not original]
                    members.append(member)
        self.arguments = exploded

    @staticmethod
    def _uses(conclusion: StatementOccurrence) -> list | None:
        """Which statements an inferential step uses, looked up where the reference looks."""
        inference = conclusion.inference.data if conclusion.inference else {}
        for source, key in ((inference, "uses"), (conclusion.data, "uses"), (inference, "from"),
                            (conclusion.data, "from")):
            if isinstance(source.get(key), list):
                return source[key]
        return None

    def regroup(self, groups: list) -> None:
        """`group: regroup: [...]`: sections as configured instead of as written."""
        self.sections = []
        for entity in (*self.statements.values(), *self.arguments.values()):
            entity.fields["section"] = None
        stack = [(config, 1, index, None) for index, config in reversed(list(enumerate(groups)))]
        while stack:
            config, level, counter, parent = stack.pop()
            if not isinstance(config, dict):
                continue
            title = config.get("title")
            if title is not None and not isinstance(title, str):
                self.warn(self.front_matter_token, "regroup",
                          f"group: regroup: a title should be text; {title!r} was ignored")
            section = {"id": f"s{counter}", "title": title if isinstance(title, str) else "", "level": level,
                       "parent": parent, "tags": self.regroup_list(config, "tags", str), "data": {},
                       "span": Span(1, 1, 1, 1, 0, 0)}
            self.sections.append(section)
            for kind, table in (("statements", self.statements), ("arguments", self.arguments)):
                for title in self.regroup_list(config, kind, str):
                    if title in table:
                        table[title].fields["section"] = section["id"]
            children = self.regroup_list(config, "children", object)  # what is not a dict is skipped above
            stack += [(child, level + 1, counter + 1 + i, section["id"])
                      for i, child in reversed(list(enumerate(children)))]

    def regroup_list(self, config: dict, key: str, kind: type) -> list:
        """The items of type ``kind`` listed under ``key`` in a regroup entry: others are ignored,
        with a warning, rather than taken for titles or sections."""
        value = config.get(key) or []
        items = [item for item in value if isinstance(item, kind)] if isinstance(value, list) else []
        if not isinstance(value, list) or len(items) < len(value):
            noun = {"children": "sections", "tags": "tags"}.get(key, "titles")
            self.warn(self.front_matter_token, "regroup",
                      f"group: regroup: {key} should be a list of {noun}; {value!r} was ignored"
                      if not isinstance(value, list) else f"group: regroup: {key} should list {noun} only; "
                      f"{[item for item in value if not isinstance(item, kind)]!r} was ignored")
        return items

    def named_theses(self) -> None:
        """The front matter's `thesis:` names statements of this map; an error where it does not."""
        named = self.front_matter.get("thesis")
        token = self.front_matter_token
        if not named or token is None:
            return
        key = re.search(r"^[ \t]*thesis[ \t]*:", token.value, re.MULTILINE)
        line, column = token.position_of(token.start_pos + key.start()) if key else token.position()
        for title in map(str, named if isinstance(named, list) else [named]):
            if title not in self.statements:
                close = TitleIndex({t: t for t, e in self.statements.items() if e.fields["members"]}).closest(title)
                self.diagnostics.append(Diagnostic(
                    severity=Severity.ERROR, code="thesis", line=line, column=column, subject=title,
                    message=f"the front matter names the thesis [{title}], but no statement has that title"
                            + (f": did you mean [{close}]?" if close else "")))

    def result(self) -> ArgumentMap:
        self.named_theses()
        for entity in (*self.statements.values(), *self.arguments.values()):
            if entity.fields["section"] is None and entity.fields["members"]:
                entity.fields["section"] = entity.fields["members"][0].section
        if self.settings.get("transformArgumentRelations", True) is not False:
            self.transform_argument_relations()
        strict = self.settings.get("mode") == "strict"
        if strict:
            self.transform_statement_relations()
        self.remove_redundant_attacks()
        if self.settings.get("explodeArguments"):
            self.explode_arguments()
        group = self.front_matter.get("group")
        if isinstance(group, dict) and isinstance(group.get("regroup"), list) and group["regroup"]:
            self.regroup(group["regroup"])
        return constructed(ArgumentMap, {
            "statements": {title: _new_statement(e.fields) for title, e in self.statements.items()},
            "arguments": {title: _new_argument(e.fields) for title, e in self.arguments.items()},
            "relations": [_new_relation(self._relation_fields(r)) for r in self.relations],
            "sections": [constructed(Section, section) for section in self.sections], "tags": list(self.tags),
            "front_matter": self.front_matter, "strict": strict,
            "diagnostics": sorted(self.diagnostics, key=lambda d: (d.line, d.column))})

    @staticmethod
    def _relation_fields(relation: _Relation) -> dict:
        source, target = relation.source, relation.target
        if target.kind == "inference":
            return {"type": relation.type, "source": source.title, "source_kind": source.kind,
                    "target": target.argument_title, "target_kind": "inference",
                    "conclusion_index": target.conclusion_index, "spans": relation.spans}
        return {"type": relation.type, "source": source.title, "source_kind": source.kind, "target": target.title,
                "target_kind": target.kind, "conclusion_index": None, "spans": relation.spans}


def build(tree: SyntaxTree) -> ArgumentMap:
    """The model of a parsed file, with the parser's diagnostics and the builder's own.

    Pass the tree without keeping it (``build(parse(text))``): it is let go block by block as
    the models are made, which lowers the peak memory on a large map by the size of the tree.
    """
    walk = _Walk(tree)
    del tree
    walk.walk()
    return walk.result()
