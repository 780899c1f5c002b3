"""Stage 1: Argdown text to a syntax tree.

The grammar (``grammar/argdown.lark``) holds Argdown's terminals and rules. Which terminal may
match at a position depends on what came before (the reference implementation decides it in
its lexer, not its parser), so :func:`tokenize` applies those context rules: relation symbols,
statement numbers, headings and list items only where a line starts, inference rules inside
``-- ... --``, emphasis ends only for the emphasis that is open, INDENT and DEDENT from the
indentation of relations. A plain loop over the grammar's LALR table (made by Lark and stored
in ``grammar/lalr.json``, so that neither Lark nor the grammar's compilation is needed to parse a
valid file) then calls the syntax tree's builder as it reduces each rule.

A file with errors still yields a tree: Lark's parser (imported only then) re-parses the
blank-line separated blocks one by one, closes what a block left open, keeps a misplaced
token as plain text, and keeps the longest prefix of a block it cannot finish; each repair
comes with a diagnostic.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from operator import itemgetter
from typing import TYPE_CHECKING

try:  # the regex syntax tree, to narrow each context's regex by its first character
    import re._parser as _regex_syntax  # Python 3.11 and later
except ImportError:  # pragma: no cover - Python 3.10 (and None where neither is: nothing is narrowed)
    try:
        import sre_parse as _regex_syntax
    except ImportError:
        _regex_syntax = None

from argmap.files import LINE_BREAK
from argmap.model import Diagnostic, Fix, Severity, Span

if TYPE_CHECKING:
    from lark.exceptions import UnexpectedInput

__all__ = ["SyntaxTree", "parse", "parse_tokens", "tokenize"]

# --- context rules over the grammar's terminals --------------------------------------------

_START, _AFTER_NEWLINE, _AFTER_EMPTYLINE, _MID_LINE = range(4)
_LINE_START_STATES = (_START, _AFTER_NEWLINE, _AFTER_EMPTYLINE)

_RELATIONS = ("INCOMING_SUPPORT", "INCOMING_ATTACK", "OUTGOING_SUPPORT", "OUTGOING_ATTACK",
              "CONTRADICTION", "INCOMING_UNDERCUT", "OUTGOING_UNDERCUT")
_LIST_ITEMS = ("ORDERED_LIST_ITEM", "UNORDERED_LIST_ITEM")
_AT_LINE_START = frozenset(_RELATIONS + _LIST_ITEMS + ("HEADING_START", "STATEMENT_NUMBER"))
_EMPHASIS = ("ASTERISK_BOLD", "UNDERSCORE_BOLD", "ASTERISK_ITALIC", "UNDERSCORE_ITALIC")
_RESETS_INDENTATION = frozenset(("INFERENCE_START", "STATEMENT_NUMBER"))

_INFERENCE_MODE = frozenset(("COMMENT", "NEWLINE", "ESCAPED_CHAR", "SPECIAL_CHAR", "INFERENCE_END",
                             "DATA", "LIST_DELIMITER", "SPACES", "FREESTYLE", "UNUSED_CONTROL_CHAR"))
_INFERENCE_ONLY = frozenset(("INFERENCE_END", "LIST_DELIMITER"))

# A comment right after a line break also swallows the line break that ends it, unless a blank
# line follows; after a blank line it swallows every line break that follows.
_COMMENT_TAIL = {
    _AFTER_NEWLINE: r"(?:[ \t]*(?:\r\n|\n|\r)(?![ \t]*(?:\r\n|\n|\r)))?",
    _AFTER_EMPTYLINE: r"(?:[ \t]*\r\n|\n|\r)*",
}

# A run of text that the reference would lex as FREESTYLE and UNUSED_CONTROL_CHAR tokens with
# nothing skipped between them, where no other terminal can start, is matched in one step: a
# run of these pieces.
_TEXT_STOPS = r"\\@#*_\[\],.:;<\/>\-\r\n(){}"  # where a plain text piece (FREESTYLE) stops
_TEXT_PIECE = (
    r"(?:(?![ \t]|===)[^" + _TEXT_STOPS + r"]+"                  # FREESTYLE, not where SPACES or FRONT_MATTER win
    r"|[,;\])}>\-(](?:[ \t](?![ \t])|(?![ \t]))"            # control characters that start nothing mid-line
    r"|[.:](?:[ \t](?![ \t])|(?=[\r\n]|\Z))"                # `.` and `:` that cannot start a shortcode
    r")")
_TEXT_RUN = _TEXT_PIECE + "+"


# Terminal patterns of the grammar, each with one that matches the same text in fewer regex steps:
# data is read a run of characters at a time instead of one character, each with a lookahead
# (the runs are separated by `}`, which they cannot hold, so a failing match backtracks linearly).
_QUICKER = {
    ("DATA", "\\{(?:(?!\\}\\s[^,}])[^\r\u2028\u2029])*\\}(?!\\s*[,}])"):
        "\\{[^}\r\u2028\u2029]*(?:\\}(?!\\s[^,}])[^}\r\u2028\u2029]*)*\\}(?!\\s*[,}])",
}


class _Terminals:
    """The grammar's terminal patterns, combined into one regex per lexing context and first
    character: only the terminals that can start with the character at hand are tried (a regex
    engine tries every alternative of an alternation in turn)."""

    def __init__(self, patterns: tuple) -> None:
        # (name, regex), highest priority first
        self.patterns = tuple((name, _QUICKER.get((name, pattern), pattern)) for name, pattern in patterns)
        self.compiled: dict[tuple, re.Pattern] = {}  # by context, as regex() takes it
        self.alternatives: dict[tuple, list] = {}  # by context without its first character
        self.by_source: dict[str, re.Pattern] = {}  # contexts that try the same terminals share a regex
        everything = (*self.patterns, ("FREESTYLE_RUN", _TEXT_RUN), ("NEWLINE_INDENTED", self._newline_indented()))
        # The characters some terminal names as its first: any other character starts only
        # what can start with any character, and all of them share one regex per context.
        self.starters = frozenset().union(*(opening.listed for _, pattern in everything
                                            if (opening := _first_characters(pattern)) is not None))
        # A line break where one may be (mid-line, outside an inference), as it would be matched on its
        # own: the one after a text run or a token that a line break may follow without being emitted.
        patterns = dict(self.patterns)
        self.line_break = re.compile(f"(?!{patterns['EMPTYLINE']})(?:{self._newline_indented()}|{patterns['NEWLINE']})")
        self.text_run = self._text_lines()
        # For `*` and `_` mid-line: an emphasis start, plain text on its line and the end that closes
        # it, the three tokens that the loop would emit one at a time (the end shows that the start is
        # closed: no blank line comes between them); what follows the end is left to the loop.
        self.emphasized = {first: re.compile("|".join(
            rf"(?P<{kind}_START>{patterns[kind + '_START']})(?!===)[^{_TEXT_STOPS}\u2028\u2029]+"
            rf"(?P<{kind}_END>{patterns[kind + '_END']})" for kind in _EMPHASIS if kind.startswith(prefix)))
            for first, prefix in (("*", "ASTERISK"), ("_", "UNDERSCORE"))}
        # At a line start: a statement number and a statement definition after it (where no link comes
        # first), with the spaces after it that the loop would skip: the two tokens in one step; what
        # follows is left to the loop.
        self.numbered = re.compile(
            rf"(?P<STATEMENT_NUMBER>{patterns['STATEMENT_NUMBER']})[ \t]*(?!{patterns['LINK']})"
            rf"(?P<STATEMENT_DEFINITION>{patterns['STATEMENT_DEFINITION']})(?:[ \t]+(?![ \t\r\n]))?")

    def regex(self, context: tuple) -> re.Pattern:
        """The regex for a context: inference mode, line state, the open emphasis (or None),
        whether spaces or a comment were skipped just before where an emphasis is open (it
        matters to nothing else), the terminals left out because what would close them does
        not follow, and the first character (or "" for one no terminal names)."""
        compiled = self.compiled.get(context)
        if compiled is None:
            first = context[-1]
            alternatives = self.alternatives.get(context[:-1]) or self._alternatives(*context[:-1])
            source = "|".join(group for group, starts in alternatives if starts is None or first in starts) or "(?!)"
            compiled = self.by_source.get(source) or re.compile(source)
            self.by_source[source] = self.compiled[context] = compiled
        return compiled

    def _alternatives(self, inference_mode: bool, line_state: int, emphasis: str | None, skipped: bool,
                      unclosed: frozenset) -> list:
        """The terminals that may match in a context, highest priority first, each as a named
        group with the characters it can start with (None: any)."""
        alternatives = [(name, self._variant(name, pattern, line_state)) for name, pattern in self.patterns
                        if name not in unclosed and self._applies(name, inference_mode, line_state, emphasis, skipped)]
        if not inference_mode:
            # Mid-line nothing else can start where a text run does; at a line start the
            # line-start terminals come first, so it goes just before SPACES.
            at = 0 if line_state == _MID_LINE else [name for name, _ in alternatives].index("SPACES")
            alternatives.insert(at, ("FREESTYLE_RUN", self.text_run))
            newline = [name for name, _ in alternatives].index("NEWLINE")
            alternatives.insert(newline, ("NEWLINE_INDENTED", self._newline_indented()))
        listed = self.alternatives[inference_mode, line_state, emphasis, skipped, unclosed] = [
            (f"(?P<{name}>{pattern})", _first_characters(pattern)) for name, pattern in alternatives]
        return listed

    def _text_lines(self) -> str:
        """A text run and the text runs that continue it on the lines that follow, matched as
        they would be one token at a time. Where a line starts with a character that no
        terminal names as its first (and that starts nothing that any character may start,
        such as a list item's number), only a text run can match there. A line break after
        text folds into it unless a blank line follows (the last one is matched after the run,
        by ``line_break``)."""
        if not self.starters:  # where terminals may start is not known: a run stops at its line's end
            return _TEXT_RUN
        patterns = dict(self.patterns)
        line_start = [name for name, _ in self.patterns if self._applies(name, False, _AFTER_NEWLINE, None, False)]
        before_text = [patterns[name] for name in line_start[:line_start.index("SPACES")]
                       if _may_start_ordinary(self._variant(name, patterns[name], _AFTER_NEWLINE))]
        ordinary = f"(?=[^{''.join(map(re.escape, sorted(self.starters)))}])" + "".join(f"(?!{p})" for p in before_text)
        # Each piece may be followed by such a line break (no piece starts with one, so it is tried
        # only where no piece matches); a text piece always matches after it: no terminal lists the
        # character there. The pattern of a piece is then written once, not once per line.
        return rf"(?:{_TEXT_PIECE}(?:(?:\r\n|\n|\r)[ \t]*{ordinary})?)+"

    def _newline_indented(self) -> str:
        """A line break and the indentation after it, where nothing but SPACES could match that
        indentation (no relation, number, list item, inference line or blank line follows):
        one step instead of NEWLINE and then SPACES."""
        patterns = dict(self.patterns)
        starts = [patterns[name] for name in (*_AT_LINE_START, "INFERENCE_START", "NEWLINE")]
        return f"{patterns['NEWLINE']}(?!{'|'.join(starts)})[ \t]+"

    @staticmethod
    def _variant(name: str, pattern: str, line_state: int) -> str:
        if name == "COMMENT" and line_state in _COMMENT_TAIL:
            return f"(?:{pattern}){_COMMENT_TAIL[line_state]}"
        return pattern

    @staticmethod
    def _applies(name: str, inference_mode: bool, line_state: int, emphasis: str | None, skipped: bool) -> bool:
        if inference_mode:
            return name in _INFERENCE_MODE
        if name in _INFERENCE_ONLY:
            return False
        if name == "EMPTYLINE":
            return line_state != _AFTER_EMPTYLINE
        if name == "INFERENCE_START":
            return line_state in (_START, _AFTER_NEWLINE)
        if name in _AT_LINE_START:
            return line_state in _LINE_START_STATES
        if name.endswith("_END"):
            return name[:-4] == emphasis and line_state != _START and not skipped
        return True


@dataclass(frozen=True, slots=True)
class _Opening:
    """What a terminal can start with: the characters its pattern lists, and its open-ended sets
    (a negated set such as ``[^,;]``, a category such as ``\\d``), as the regex parser gives them.
    Asked about "" (a character that no terminal lists), it says whether an open-ended set may hold one."""

    listed: frozenset
    open_sets: tuple

    def __contains__(self, char: str) -> bool:
        if char in self.listed:
            return True
        if not char:
            return bool(self.open_sets)
        return any(_in_set(items, char) for items in self.open_sets)


@cache
def _first_characters(pattern: str) -> _Opening | None:
    """The characters that a non-empty match of ``pattern`` can start with, read from its syntax
    (as the ``re`` module parses it; Lark reads it the same way); None where any may, and
    always None where the ``re`` module's parser is not at hand (slower, the same tokens)."""
    if _regex_syntax is None:
        return None
    try:
        parsed = _regex_syntax.parse(pattern)
        if parsed.state.flags & re.IGNORECASE:
            return None
        opening = _opening_characters(parsed)
    except Exception:  # noqa: BLE001 - a private module that may change: then nothing is narrowed
        return None
    if opening is None or opening[2]:
        return None
    return _Opening(frozenset(opening[0]), tuple(opening[1]))


def _may_start_ordinary(pattern: str) -> bool:
    """Whether a match of ``pattern`` may start with a character that no terminal lists."""
    opening = _first_characters(pattern)
    return opening is None or "" in opening


def _opening_characters(items) -> tuple[set, list, bool] | None:
    """What a sequence of regex syntax items can start with: the characters it lists, its
    open-ended sets, and whether it can match the empty string; None where it may start with
    any character."""
    syntax, chars, open_sets = _regex_syntax, set(), []
    for op, argument in items:
        if op in (syntax.AT, syntax.ASSERT, syntax.ASSERT_NOT):
            continue  # takes no character: it only narrows what follows
        if op is syntax.LITERAL:
            return chars | {chr(argument)}, open_sets, False
        if op is syntax.IN:
            listed = _set_characters(argument)
            if listed is None:
                return chars, [*open_sets, argument], False
            return chars | listed, open_sets, False
        if op in (syntax.MAX_REPEAT, syntax.MIN_REPEAT):
            low, _, inner = argument
            more = _opening_characters(inner)
            empty = more is not None and (more[2] or low == 0)
        elif op is syntax.SUBPATTERN:
            if argument[1] & re.IGNORECASE:  # (?i:...): any case of what it names
                return None
            more = _opening_characters(argument[-1])
            empty = more is not None and more[2]
        elif op is syntax.BRANCH:
            branches = [_opening_characters(branch) for branch in argument[1]]
            if None in branches:
                return None
            more = (set().union(*(b[0] for b in branches)), [s for b in branches for s in b[1]], False)
            empty = any(b[2] for b in branches)
        else:
            return None
        if more is None:
            return None
        chars |= more[0]
        open_sets += more[1]
        if not empty:
            return chars, open_sets, False
    return chars, open_sets, True


def _set_characters(items) -> set | None:
    """The characters of a ``[...]`` set, or None for a negated set, a category (``\\d``, ``\\s``) or a wide range."""
    chars = set()
    for op, argument in items:
        if op is _regex_syntax.LITERAL:
            chars.add(chr(argument))
        elif op is _regex_syntax.RANGE and argument[1] - argument[0] < 256:
            chars.update(map(chr, range(argument[0], argument[1] + 1)))
        else:
            return None
    return chars


def _in_set(items, char: str) -> bool:
    """Whether a regex set, as the regex parser gives it, holds a character (the regex engine
    answers for a category); True for what is not known here."""
    syntax, code, negated, found = _regex_syntax, ord(char), False, False
    for op, argument in items:
        if op is syntax.NEGATE:
            negated = True
        elif op is syntax.LITERAL:
            found = found or argument == code
        elif op is syntax.RANGE:
            found = found or argument[0] <= code <= argument[1]
        elif op is syntax.CATEGORY and argument in _category_escapes():
            found = found or re.match(_category_escapes()[argument], char) is not None
        else:
            return True
    return found != negated


@cache
def _category_escapes() -> dict:
    """Each category of the regex parser by its escape (``\\d``, ``\\s``, ...)."""
    return {items[0][1]: escape for escape, (op, items) in _regex_syntax.CATEGORIES.items()
            if op is _regex_syntax.IN}


# --- tokenizer -----------------------------------------------------------------------------

# Terminals that scan ahead for what closes them: (terminal, how it opens, what closes it,
# where the line the mark must be on starts, counted from the opening, or None for anywhere
# after it; a reference's first character may be a line break). Where the mark does not
# follow, the scan would fail at the end of the line or of the file, once for every opening: a
# line of `<` or `[`, or `{` without `}`, would take time quadratic in its length.
_CLOSING_MARKS = (
    ("ARGUMENT_DEFINITION", "<", ">:", 1), ("ARGUMENT_REFERENCE", "<", ">", 2),
    ("ARGUMENT_MENTION", "@<", ">", 2), ("STATEMENT_DEFINITION", "[", "]:", 1),
    ("STATEMENT_REFERENCE", "[", "]", 2), ("STATEMENT_MENTION", "@[", "]", 2),
    ("LINK", "[", "](", None), ("TAG", "#(", ")", None), ("DATA", "{", "}", None),
    ("COMMENT", "<!--", "-->", None), ("COMMENT", "/*", "*/", None), ("COMMENT", "//", "\n", None),
)
# The marks above by the first character of their opening: most positions open nothing.
_MARKS_AT = {first: tuple(m for m in _CLOSING_MARKS if m[1][0] == first) for first in {m[1][0] for m in _CLOSING_MARKS}}
_OPENS = frozenset(_MARKS_AT) | {"*", "_"}  # where a mark or an emphasis may open
_LINE_END = re.compile("[\n\r\u2028\u2029]")
_LINE_BREAKS = {"\n": tuple("\n\r\u2028\u2029")}  # the mark "\n" (a comment's end) stands for any of them
# One line break (a CRLF is not two), as alternatives that each start with a character: a search
# for it then skips to the next of those characters instead of trying at every position.
_BREAK = "(?:\r\n|\r(?!\n)|\n|\u2028|\u2029)"
_BLANK_LINE = re.compile(f"{_BREAK}[ \t]*{_BREAK}")
_EMPHASIS_STARTS = frozenset(e + "_START" for e in _EMPHASIS)


class _Unclosed:
    """The terminals that cannot match at a position because what would close them does not
    follow. Answering costs linear time over the whole text: a mark that may be anywhere after
    its opening is compared with its last place in the text, one that must be on the
    opening's line with its last place on that line (found once a line), and emphasis ends
    are searched for from where the last search found them (positions only move forward).

    An emphasis start counts too where no end marker of its kind follows anywhere: the
    reference lexes it as a start and rejects the file at its end; argmap keeps it as text and
    :func:`tokenize` says so. Left to the parser, each such marker opens an emphasis that the
    repair must close again (a line of `*a *a ...` took three parses of the line)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.emphasis = _emphasis_markers()
        self.found: dict = {}  # emphasis end or blank line: (searched from, found at or the text's length)
        self.last: dict[str, int] = {}  # mark: its last place in the text (-1: none)
        self.line_start = self.line_end = -1  # the line last asked about, from the first position asked
        self.last_on_line: dict[str, int] = {}  # mark: its last place there (-1: none)

    def __call__(self, pos: int) -> frozenset:
        """For a position where a closing mark's opening or an emphasis marker may start (see ``_OPENS``)."""
        text, first = self.text, self.text[pos]
        if first in "*_":
            return self._emphasis(pos)
        missing = _NOTHING
        for name, opening, mark, line_from in _MARKS_AT[first]:
            start = pos + len(opening)
            if start > pos + 1 and not text.startswith(opening, pos):
                continue
            if line_from is None:
                last = self.last.get(mark)
                if last is None:
                    last = self.last[mark] = max(text.rfind(each) for each in _LINE_BREAKS.get(mark, (mark,)))
            elif pos + line_from <= self._line_end(pos):  # the mark must be on this line
                last = self.last_on_line.get(mark)
                if last is None:
                    last = self.last_on_line[mark] = text.rfind(mark, self.line_start, self.line_end)
            else:  # on the next one (a line break follows the opening), searched at most once a line
                line_end = _LINE_END.search(text, pos + line_from)
                last = text.rfind(mark, start, line_end.start() if line_end else len(text))
            if last < start:
                missing |= {name}
        return missing

    def _line_end(self, pos: int) -> int:
        """Where the line of ``pos`` ends; the marks' places on it are remembered from then on."""
        if not self.line_start <= pos < self.line_end:
            line_end = _LINE_END.search(self.text, pos)
            self.line_start, self.line_end = pos, line_end.start() if line_end else len(self.text)
            self.last_on_line = {}
        return self.line_end

    def _emphasis(self, pos: int) -> frozenset:
        """The emphasis starts at ``pos`` that nothing ends before the next blank line (which
        ends every Argdown block, and so any emphasis in it)."""
        missing = _NOTHING
        block_end = self._next(_BLANK_LINE, pos)
        for name, start, end in self.emphasis[self.text[pos]]:
            opening = start.match(self.text, pos)
            if opening is None:
                continue
            at = self._next(end, opening.end())
            if at == len(self.text) or block_end < at:
                missing |= {name}
        return missing

    def _next(self, pattern: re.Pattern, pos: int) -> int:
        """Where ``pattern`` (an emphasis end or a blank line) is next found from ``pos``; the
        text's length if nowhere."""
        searched, at = self.found.get(pattern.pattern, (None, None))  # (a pattern's own hash reads its code)
        if searched is None or not searched <= pos <= at:
            found = pattern.search(self.text, pos)
            at = found.start() if found else len(self.text)
            self.found[pattern.pattern] = (pos, at)
        return at


_NOTHING: frozenset = frozenset()


@cache
def _emphasis_markers() -> dict[str, tuple]:
    """For `*` and `_`: each emphasis start terminal they open, with its pattern and its end's."""
    patterns = dict(_terminals().patterns)
    return {first: tuple((kind + "_START", re.compile(patterns[kind + "_START"]), re.compile(patterns[kind + "_END"]))
                         for kind in _EMPHASIS if kind.startswith(prefix))
            for first, prefix in (("*", "ASTERISK"), ("_", "UNDERSCORE"))}


# Spaces that do not end a line: mid-line, only SPACES can match them.
_MID_LINE_SPACES = re.compile(r"[ \t]+(?![ \t\r\n])")
_SPACE = frozenset(" \t")
_SPACE_OR_BREAK = frozenset(" \t\r\n")  # what a line break (after spaces) starts with
# Where a text run goes on on the next line: in the token's text, a line break.
_RUN_LINE_BREAK = re.compile(r"(?:\r\n|\n|\r)[ \t]*")

# Tokens after which a line break can only be the one that the grammar makes optional.
_DROPS_NEXT_NEWLINE = frozenset(("DATA", "STATEMENT_REFERENCE", "ARGUMENT_REFERENCE"))
# Tokens after which a line break inside statement content may be folded into following text.
_INLINE = frozenset(("LINK", "TAG", "STATEMENT_MENTION", "ARGUMENT_MENTION", "STATEMENT_DEFINITION",
                     "ARGUMENT_DEFINITION", "HEADING_START", "SPECIAL_CHAR")
                    + tuple(e + suffix for e in _EMPHASIS for suffix in ("_START", "_END")))
_BREAK_FOLLOWS = _INLINE | _DROPS_NEXT_NEWLINE

# What tokenize does with each kind of token; any other is emitted as it is (_PLAIN). Text pieces
# (_TEXT, _ESCAPED, _CONTROL) are merged into one FREESTYLE token. Shortcodes (SPECIAL_CHAR) stay
# separate: which ones exist depends on the front matter, which the model builder reads.
(_SKIP, _TEXT, _ESCAPED, _CONTROL, _NEWLINE, _NEWLINE_INDENTED, _EMPTYLINE, _RESET, _INDENTING, _INFERENCE_END,
 _EMPHASIS_START, _EMPHASIS_END, _PLAIN) = range(13)
_ACTIONS = {"COMMENT": _SKIP, "SPACES": _SKIP, "FREESTYLE": _TEXT, "FREESTYLE_RUN": _TEXT, "ESCAPED_CHAR": _ESCAPED,
            "UNUSED_CONTROL_CHAR": _CONTROL, "NEWLINE": _NEWLINE, "NEWLINE_INDENTED": _NEWLINE_INDENTED,
            "EMPTYLINE": _EMPTYLINE, **dict.fromkeys(_RESETS_INDENTATION, _RESET),
            "INFERENCE_END": _INFERENCE_END, **dict.fromkeys(_RELATIONS + _LIST_ITEMS, _INDENTING),
            **{e + "_START": _EMPHASIS_START for e in _EMPHASIS}, **{e + "_END": _EMPHASIS_END for e in _EMPHASIS}}


class _Lines:
    """Line and column (1-based) of an offset, from an index of line starts built when first
    asked: most tokens are never asked."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] | None = None

    def __call__(self, offset: int) -> tuple[int, int]:
        if self.starts is None:
            self.starts = [0]
            self.starts += [match.end() for match in LINE_BREAK.finditer(self.text)]
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


class Lexeme(tuple):
    """A token: its kind (``type``, all Lark's parser reads), its text (``value``) and where it
    is. A tuple, because a large map has hundreds of thousands of them; lines and columns
    (Lark's names, ``end_column`` just past the end) are computed when asked for. Lark reads
    ``end_line`` and ``end_column`` itself, to place the end of the input after the last token."""

    __slots__ = ()
    type = property(itemgetter(0))
    value = property(itemgetter(1))
    start_pos = property(itemgetter(2))
    end_pos = property(itemgetter(3))

    def position(self) -> tuple[int, int]:
        """Line and column where the token starts."""
        return self[4](self[2])

    def end_position(self) -> tuple[int, int]:
        """Line and column just past the token's end."""
        return self[4](self[3])

    def position_of(self, offset: int) -> tuple[int, int]:
        """Line and column of any offset in the text the token comes from."""
        return self[4](offset)

    source = property(lambda self: self[4].text, doc="The whole text the token comes from.")

    line = property(lambda self: self.position()[0])
    column = property(lambda self: self.position()[1])
    end_line = property(lambda self: self.end_position()[0])
    end_column = property(lambda self: self.end_position()[1])

    def __repr__(self) -> str:
        return f"Lexeme({self[0]!r}, {self[1]!r})"


def lexeme(kind: str, value: str, start: int, end: int, lines: _Lines) -> Lexeme:
    return tuple.__new__(Lexeme, (kind, value, start, end, lines))


def tokenize(text: str) -> tuple[list[Lexeme], list[Diagnostic]]:
    """Split Argdown text into the reference implementation's tokens.

    Two changes make the parser's work lighter without changing what it builds: consecutive
    text pieces become one FREESTYLE token whose value is the text as displayed (escapes
    resolved), with a line break inside statement content kept in it as ``\n``; and a line
    break that the grammar makes optional (after data or a reference) is not emitted.
    """
    terminals = _terminals()
    regexes, starters, opening, actions = terminals.compiled, terminals.starters, _OPENS, _ACTIONS
    line_break, emphasized, numbered = terminals.line_break, terminals.emphasized, terminals.numbered
    lines = _Lines(text)
    unclosed = _Unclosed(text)
    tokens: list[Lexeme] = []
    append, new = tokens.append, tuple.__new__
    diagnostics: list[Diagnostic] = []
    indents = [0]
    emphasis: list[str] = []
    run: list[str] = []  # pending text: the text of each piece, from run_start to run_end
    run_start = run_end = -1
    held = None  # a line break (its text, start, end) that may still fold into the text that follows
    inference_mode = False
    line_state = _START
    open_emphasis = None
    skipped = False
    pos, size = 0, len(text)
    said_until = 0  # an emphasis marker kept as text is said once a line: the end of the last said
    repeated: dict[str, str] = {}
    while pos < size:
        first = text[pos]
        step = None
        if first in emphasized and line_state == _MID_LINE and open_emphasis is None and not inference_mode:
            step = emphasized[first].match(text, pos)
        elif first == "(" and line_state != _MID_LINE and not inference_mode:
            step = numbered.match(text, pos)
        if step is not None:  # several tokens in one step (see _Terminals.emphasized and _Terminals.numbered)
            if held is not None or run_start >= 0:
                append(_pending(held, run, run_start, run_end, lines))
                held, run_start = None, -1
                run.clear()
            if first == "(":  # a statement number and a statement definition
                tokens += _dedents(indents, -1, pos, lines)
                number, (title_start, title_end) = text[pos:step.end(1)], step.span(2)
                append(new(Lexeme, ("STATEMENT_NUMBER", repeated.setdefault(number, number), pos, step.end(1), lines)))
                append(new(Lexeme, ("STATEMENT_DEFINITION", text[title_start:title_end], title_start, title_end, lines)))
                line_state, skipped, pos = _MID_LINE, step.end() > title_end, step.end()
            else:  # an emphasis start, plain text and its end
                closing, end = step.lastgroup, step.end()
                text_start, text_end = step.end(step.lastindex - 1), step.start(step.lastindex)
                opening_image, closing_image = text[pos:text_start], text[text_end:end]
                append(new(Lexeme, (closing[:-4] + "_START", repeated.setdefault(opening_image, opening_image),
                                    pos, text_start, lines)))
                append(new(Lexeme, ("FREESTYLE", text[text_start:text_end], text_start, text_end, lines)))
                append(new(Lexeme, (closing, repeated.setdefault(closing_image, closing_image), text_end, end, lines)))
                skipped, pos = False, end
            continue
        missing = unclosed(pos) if first in opening else _NOTHING
        context = (inference_mode, line_state, open_emphasis, skipped and open_emphasis is not None, missing,
                   first if first in starters else "")
        match = (regexes.get(context) or terminals.regex(context)).match(text, pos)
        if match is None:
            # Only a backslash before a line break or the end of the file gets here.
            line, column = lines(pos)
            diagnostics.append(Diagnostic(
                severity=Severity.WARNING, line=line, column=column, code="stray-backslash",
                message="a backslash must escape a character, but a line break follows it; kept as text"))
            kind, end = "UNUSED_CONTROL_CHAR", pos + 1
        else:
            kind, end = match.lastgroup, match.end()
        action = actions.get(kind, _PLAIN)
        if action == _SKIP:
            skipped = True
            pos = end
            continue
        skipped = False
        if action <= _CONTROL:  # a text piece, added to the pending text
            if action == _CONTROL and not inference_mode and missing & _EMPHASIS_STARTS and pos >= said_until:
                line_end = _LINE_END.search(text, pos)
                said_until = line_end.end() if line_end else size
                diagnostics.append(_unclosed_emphasis(text, pos, *lines(pos), missing))
            if run_start < 0:
                if held is None:
                    run_start = pos
                else:
                    run_start, held = held[1], None
                    run.append("\n")
            if kind == "FREESTYLE_RUN" and text[end:end + 1] in _SPACE_OR_BREAK:  # and the line break after it
                follows = line_break.match(text, end)
                if follows is not None:
                    end = follows.end()
            piece = text[pos + (action == _ESCAPED):end]
            line_state = _MID_LINE
            if action == _TEXT and ("\n" in piece or "\r" in piece):  # a run over several lines
                piece = _RUN_LINE_BREAK.sub("\n", piece)
                if piece[-1] == "\n":  # and the line break after it (with the indentation, skipped)
                    line_state, skipped = _AFTER_NEWLINE, text[end - 1] in _SPACE
            run.append(piece)
            run_end = pos = end
            continue
        after = end  # past the line break after a token that a line break may follow without being emitted
        if kind in _BREAK_FOLLOWS and not inference_mode and text[end:end + 1] in _SPACE_OR_BREAK:
            follows = line_break.match(text, end)
            if follows is not None:
                after = follows.end()
        image = text[pos:end]
        if action == _NEWLINE_INDENTED:  # a NEWLINE, then SPACES, which are skipped
            kind, action, skipped, image = "NEWLINE", _NEWLINE, True, image.rstrip(" \t")
        if action == _NEWLINE:
            line_state = _AFTER_NEWLINE
            if not inference_mode:
                if run_start >= 0:  # inside statement content: kept in its text
                    run.append("\n")
                    run_end = pos = end
                    continue
                previous = tokens[-1][0] if held is None and tokens else None
                if previous in _INLINE:  # may still fold into the text that follows
                    held = (image, pos, end)
                    pos = end
                    continue
                if previous in _DROPS_NEXT_NEWLINE:  # the optional line break
                    pos = end
                    continue
        if held is not None or run_start >= 0:
            append(_pending(held, run, run_start, run_end, lines))
            held, run_start = None, -1
            run.clear()
        if action == _EMPTYLINE:
            if end < size:
                tokens += _dedents(indents, -1, pos, lines)
        elif action == _RESET:
            tokens += _dedents(indents, -1, pos, lines)
            inference_mode = inference_mode or kind == "INFERENCE_START"
        elif action == _INDENTING:
            width = len(image) - len(image.lstrip(" \t")) + (kind in _LIST_ITEMS)
            if width > indents[-1]:
                indents.append(width)
                append(lexeme("_INDENT", "", pos, pos, lines))
            tokens += _dedents(indents, width, pos, lines)
        elif action == _INFERENCE_END:
            inference_mode = False
        elif action == _EMPHASIS_START:
            emphasis.append(kind[:-6])
            open_emphasis = emphasis[-1]
        elif action == _EMPHASIS_END:
            emphasis.pop()
            open_emphasis = emphasis[-1] if emphasis else None
        if action != _PLAIN:  # a number, a relation, a marker, a line break: a few texts, kept once
            image = repeated.setdefault(image, image)
        append(new(Lexeme, (kind, image, pos, end, lines)))
        if after > end:  # the line break that follows: held (it may fold into the text after it) or dropped
            if kind in _INLINE:
                held = (text[end:after].rstrip(" \t"), end, after)
            line_state, skipped, pos = _AFTER_NEWLINE, text[after - 1] in _SPACE, after
            continue
        if action == _EMPTYLINE:
            line_state = _AFTER_EMPTYLINE
        elif action != _NEWLINE:
            line_state = _MID_LINE
            if text[end:end + 1] in _SPACE:
                gap = _MID_LINE_SPACES.match(text, end)
                if gap is not None:  # what SPACES would match next, skipped here in one step
                    end, skipped = gap.end(), True
        pos = end
    if held is not None or run_start >= 0:
        append(_pending(held, run, run_start, run_end, lines))
    if tokens and tokens[-1][0] == "EMPTYLINE":
        tokens.pop()
    tokens += _dedents(indents, -1, size, lines)
    return tokens, diagnostics


def _pending(held: tuple | None, run: list[str], start: int, end: int, lines: _Lines) -> Lexeme:
    """The token that the held line break, or else the pending text, becomes."""
    if held is not None:
        return lexeme("NEWLINE", *held, lines)
    return lexeme("FREESTYLE", "".join(run), start, end, lines)


def _dedents(indents: list[int], width: int, at: int, lines: _Lines) -> list[Lexeme]:
    """A _DEDENT for each indentation level deeper than ``width`` (-1: all of them), which ends there."""
    closed = []
    while len(indents) > 1 and width < indents[-1]:
        indents.pop()
        closed.append(lexeme("_DEDENT", "", at, at, lines))
    return closed


def _unclosed_emphasis(text: str, pos: int, line: int, column: int, missing: frozenset) -> Diagnostic:
    """An emphasis marker that no end marker of its kind follows: kept as text, which the
    reference does not do (it rejects the file)."""
    bold = text.startswith(text[pos] * 2, pos) and ("ASTERISK_BOLD_START" in missing or "UNDERSCORE_BOLD_START" in missing)
    marker = text[pos] * (1 + bold)
    escaped = "\\" + "\\".join(marker)
    style = "bold" if bold else "italic"
    return Diagnostic(
        severity=Severity.ERROR, line=line, column=column, code="syntax",
        span=Span(line, column, line, column + len(marker) - 1, pos, pos + len(marker)),
        message=f"'{marker}' starts {style} text, but no '{marker}' after it in its block ends it; it was kept as text. "
                f"Put '{marker}' where the {style} text ends, or write {escaped} if it is not meant as emphasis",
        fixes=(Fix(f"Write {escaped}", pos, pos + len(marker), escaped),))


@cache
def _terminals() -> _Terminals:
    return _Terminals(_table()["terminals"])


# --- syntax tree -------------------------------------------------------------------------------
# Plain slotted classes: the model builder walks them once, and they cost little to create.

@dataclass(slots=True)
class Emphasis:
    """Bold or italic text; ``content`` is None when nothing stands between the markers."""

    kind: str
    content: "Inline | None"
    first: Lexeme
    last: Lexeme


@dataclass(slots=True)
class Inline:
    """Inline content: FREESTYLE, LINK, TAG, mention and NEWLINE tokens, Emphasis nodes, and
    lists of FREESTYLE and SPECIAL_CHAR tokens (text with shortcodes)."""

    parts: list
    first: Lexeme
    last: Lexeme


@dataclass(slots=True)
class RelationNode:
    kind: str  # the grammar's rule name, e.g. "outgoing_support"
    symbol: Lexeme
    member: "StatementNode | ArgumentNode"
    first: Lexeme
    last: Lexeme


@dataclass(slots=True)
class StatementNode:
    title: Lexeme | None  # STATEMENT_DEFINITION or STATEMENT_REFERENCE
    content: Inline | None
    tags: list  # TAG tokens after a reference
    data: Lexeme | None
    relations: list
    first: Lexeme
    last: Lexeme


@dataclass(slots=True)
class ArgumentNode:
    title: Lexeme  # ARGUMENT_DEFINITION or ARGUMENT_REFERENCE
    content: Inline | None
    tags: list
    data: Lexeme | None
    relations: list
    first: Lexeme
    last: Lexeme


@dataclass(slots=True)
class InferenceNode:
    rules: list  # FREESTYLE tokens, one per rule name
    data: Lexeme | None
    relations: list
    first: Lexeme
    last: Lexeme


@dataclass(slots=True)
class PcsMemberNode:
    number: Lexeme
    statement: StatementNode
    first: Lexeme
    last: Lexeme


@dataclass(slots=True)
class PcsNode:
    """A premise-conclusion structure: PcsMemberNode and InferenceNode in document order."""

    steps: list
    first: Lexeme
    last: Lexeme


@dataclass(slots=True)
class HeadingNode:
    content: Inline
    data: Lexeme | None
    first: Lexeme
    last: Lexeme

    @property
    def level(self) -> int:
        return len(self.first.value) - 1


@dataclass(slots=True)
class ListNode:
    ordered: bool
    items: list  # (marker token, StatementNode | ArgumentNode)
    first: Lexeme
    last: Lexeme


@dataclass(slots=True)
class SyntaxTree:
    """What the parser made of a file: front matter, top-level blocks, diagnostics."""

    text: str
    front_matter: Lexeme | None
    blocks: list
    diagnostics: list


def _last(node):
    return node if isinstance(node, Lexeme) else node[-1] if isinstance(node, list) else node.last


def _first(node):
    return node if isinstance(node, Lexeme) else node[0] if isinstance(node, list) else node.first


class _Builder:
    """Each method runs when the parser reduces the rule of its name (for Lark, an inline
    transformer)."""

    def statement_content(self, children):
        return Inline(children, _first(children[0]), _last(children[-1]))

    def freestyle_text(self, children):
        """One FREESTYLE token, or a list of FREESTYLE and SPECIAL_CHAR tokens."""
        return children[0] if len(children) == 1 else children

    def _emphasis(self, kind, children):
        content = children[1] if len(children) == 3 else None
        return Emphasis(kind, content, children[0], children[-1])

    def bold(self, children):
        return self._emphasis("bold", children)

    def italic(self, children):
        return self._emphasis("italic", children)

    @staticmethod
    def _element(children, node_class):
        head = children[0]
        title, content, tags, data, relations = None, None, [], None, []
        for child in children:
            if isinstance(child, Lexeme):
                kind = child.type
                if kind == "TAG":
                    tags.append(child)
                elif kind == "DATA":
                    data = child
                elif kind != "NEWLINE":
                    title = child
            elif isinstance(child, Inline):
                content = child
            else:
                relations = child
        last = _last(relations[-1]) if relations else _last(children[-1])
        return node_class(title, content, tags, data, relations, _first(head), last)

    def statement(self, children):
        return self._element(children, StatementNode)

    def argument(self, children):
        return self._element(children, ArgumentNode)

    def relations(self, children):
        return children

    inference_relations = relations

    def _relation(kind):  # noqa: N805 - a factory used while the class body runs
        def make(self, children):
            symbol, member = children
            return RelationNode(kind, symbol, member, symbol, member.last)
        make.__name__ = kind
        return make

    incoming_support = _relation("incoming_support")
    incoming_attack = _relation("incoming_attack")
    outgoing_support = _relation("outgoing_support")
    outgoing_attack = _relation("outgoing_attack")
    contradiction = _relation("contradiction")
    incoming_undercut = _relation("incoming_undercut")
    outgoing_undercut = _relation("outgoing_undercut")
    del _relation

    def pcs(self, children):
        return PcsNode(children, children[0].first, children[-1].last)

    def pcs_statement(self, children):
        number, statement = children
        if isinstance(statement, Lexeme):  # `(n)` and the end of its line: an empty statement
            statement = StatementNode(None, None, [], None, [], statement, statement)
        return PcsMemberNode(number, statement, number, statement.last)

    def inference(self, children):
        rules, data, relations = [], None, []
        for child in children[1:]:
            if isinstance(child, Lexeme):
                if child.type == "DATA":
                    data = child
            elif child and isinstance(child[0], RelationNode):
                relations = child
            else:
                rules = child
        return InferenceNode(rules, data, relations, children[0], _last(relations[-1]) if relations else children[-1])

    def inference_rules(self, children):
        return [child for child in children if isinstance(child, list) or child.type != "LIST_DELIMITER"]

    def heading(self, children):
        data = next((c for c in children[2:] if isinstance(c, Lexeme) and c.type == "DATA"), None)
        return HeadingNode(children[1], data, children[0], _last(children[-1]))

    def _list(ordered):  # noqa: N805
        def make(self, children):
            return ListNode(ordered, children, children[0][0], children[-1][1].last)
        return make

    ordered_list = _list(True)
    unordered_list = _list(False)
    del _list

    def ordered_list_item(self, children):
        return tuple(children)

    unordered_list_item = ordered_list_item

    def front_matter(self, children):
        return children[0]

    def start(self, children):
        front_matter = None
        blocks = []
        for child in children:
            if isinstance(child, Lexeme):
                if child.type == "FRONT_MATTER":
                    front_matter = child
            else:
                blocks.append(child)
        return front_matter, blocks


# --- parser and recovery -------------------------------------------------------------------------

@cache
def _table() -> dict:
    """``grammar/lalr.json``: the grammar's LALR(1) table, made by Lark (see :func:`table_source`).
    JSON rather than a Python module: it loads fifty times faster than Python compiles it."""
    import json

    return json.loads((files("argmap.grammar") / "lalr.json").read_text(encoding="utf-8"))


@cache
def _tables() -> tuple:
    """The table's start state, end state and states, and for each of its rules: its name, its
    length and what reducing it does to the stack of values (None: nothing)."""
    table, builder = _table(), _Builder()
    rules = tuple((origin, size, _reduction(size, shape, getattr(builder, method) if method else None))
                  for origin, size, shape, method in table["rules"])
    return table["start"], table["end"], table["states"], rules


def _reduction(size: int, shape: str | None, make):
    """What reducing a rule does to the stack of values: its ``size`` values become what
    ``make`` (the builder's method) makes of the children kept (``k``) and spliced (``s``, a
    `_` rule's list), not dropped (``d``), as Lark does; without ``make``, that list (the rule
    is itself spliced). A list spliced first is extended in place: a repetition (``item+``)
    grows one list instead of copying it each time. The commonest reductions are done on the
    stack itself, without the list of children: a large map has hundreds of thousands."""
    if shape == "s":  # one spliced rule's list: passed on as it is, or made into a node
        if make is None:
            return None

        def made(values):
            values[-1] = make(values[-1])
        return made
    if make is None and shape == "sk":
        def append(values):
            item = values.pop()
            values[-1].append(item)
        return append
    if size == 1 and shape is None:
        def one(values):
            values[-1] = make([values[-1]]) if make else [values[-1]]
        return one
    head = shape is not None and shape[0] == "s"
    tail = shape[1:] if head else shape

    def reduce(values):
        popped = values[-size:] if size else []
        del values[len(values) - size:]
        if shape is None:
            children = popped
        else:
            children = popped[0] if head else []
            for code, value in zip(tail, popped[1:] if head else popped):
                if code == "k":
                    children.append(value)
                elif code == "s":
                    children += value
        values.append(make(children) if make else children)
    return reduce


def _parse_valid(tokens: list[Lexeme]):
    """What the builder makes of a file without syntax errors, by a plain loop over the LALR
    table; None at the first token the grammar does not allow (recovery takes over)."""
    start, end, states, rules = _tables()
    stack, values, state = [start], [], start
    for token in (*tokens, None):
        kind = token[0] if token is not None else "$END"
        while True:
            action = states[state].get(kind)
            if action is None:
                return None
            if action >= 0:  # shift
                stack.append(action)
                values.append(token)
                state = action
                break
            origin, size, reduce = rules[~action]
            if reduce is not None:
                reduce(values)
            if size:
                del stack[len(stack) - size:]
            state = states[stack[-1]][origin]
            stack.append(state)
            if token is None and state == end:
                return values[-1]


def _grammar_text() -> str:
    return (files("argmap.grammar") / "argdown.lark").read_text(encoding="utf-8")


@cache
def _lark():
    """Lark's parser of the grammar, for recovering from errors and for making ``lalr.json``."""
    import lark

    from argmap.grammar.passthrough import PassThrough

    return lark.Lark(_grammar_text(), parser="lalr", lexer=PassThrough, transformer=_Builder(),
                     maybe_placeholders=False, cache=True)


def table_source() -> str:
    """The text of ``grammar/lalr.json``, Lark's LALR(1) table for the grammar: ``states[s][symbol]``
    is the state to shift to (or to go to, after reducing to a rule), or ``~r`` to reduce by
    ``rules[r]``, which is its name, its length, how its children are shaped (see
    :func:`_reduction`; null when all are kept) and the builder method that makes it (null for a
    rule spliced into its parent); ``terminals`` are the patterns, highest priority first.
    Regenerate it with ``python -m argmap.grammar`` after changing the grammar."""
    import json

    from lark.parsers.lalr_analysis import Shift

    parser = _lark()
    table = parser.parser.parser.parser.parse_table
    rules = list(parser.rules)
    index = {id(rule): number for number, rule in enumerate(rules)}

    def shape(rule) -> str | None:
        codes = "".join("d" if symbol.is_term and symbol.filter_out
                        else "s" if not symbol.is_term and symbol.name.startswith("_") else "k"
                        for symbol in rule.expansion)
        return None if set(codes) <= {"k"} else codes

    def method(rule) -> str | None:
        name = str(rule.alias or rule.origin.name)
        return None if name.startswith("_") else name

    # Lark numbers states differently from run to run: number them in the order a walk from
    # the start finds them, so that the same grammar always gives the same file.
    numbers, walk = {table.start_states["start"]: 0}, [table.start_states["start"]]
    for state in walk:  # grows while it is walked
        for kind in sorted(table.states[state]):
            action, arg = table.states[state][kind]
            if action is Shift and arg not in numbers:
                numbers[arg] = len(numbers)
                walk.append(arg)
    states = [{str(kind): numbers[arg] if action is Shift else ~index[id(arg)]
               for kind, (action, arg) in sorted(table.states[state].items())} for state in walk]
    terminals = [(str(t.name), t.pattern.to_regexp()) for t in sorted(parser.terminals, key=lambda t: -t.priority)]
    lines = ['{"start": 0,', f'"end": {numbers[table.end_states["start"]]},', '"rules": [']
    lines += [",\n".join(json.dumps([str(r.origin.name), len(r.expansion), shape(r), method(r)]) for r in rules)]
    lines += ["],", '"terminals": [', ",\n".join(json.dumps(terminal) for terminal in terminals), "],"]
    lines += ['"states": [', ",\n".join(json.dumps(state) for state in states), "]}", ""]
    return "\n".join(lines)


_DESCRIPTIONS = {
    "NEWLINE": "line break", "EMPTYLINE": "blank line", "$END": "end of file",
    "_INDENT": "deeper indentation", "_DEDENT": "shallower indentation",
    "FRONT_MATTER": "front matter === ... ===", "DATA": "data block {...}",
    "INFERENCE_START": "inference line --", "INFERENCE_END": "end of the inference line --",
    "STATEMENT_NUMBER": "statement number (n)", "HEADING_START": "heading #",
    "STATEMENT_DEFINITION": "statement title [Title]:", "STATEMENT_REFERENCE": "statement reference [Title]",
    "ARGUMENT_DEFINITION": "argument title <Title>:", "ARGUMENT_REFERENCE": "argument reference <Title>",
    "STATEMENT_MENTION": "mention @[Title]", "ARGUMENT_MENTION": "mention @<Title>",
    "LINK": "link [text](url)", "TAG": "tag #tag", "FREESTYLE": "text", "SPECIAL_CHAR": "text",
    "UNUSED_CONTROL_CHAR": "text", "ESCAPED_CHAR": "text", "LIST_DELIMITER": "comma",
    "ORDERED_LIST_ITEM": "list item 1.", "UNORDERED_LIST_ITEM": "list item *",
    "INCOMING_SUPPORT": "relation +>", "INCOMING_ATTACK": "relation ->", "OUTGOING_SUPPORT": "relation +",
    "OUTGOING_ATTACK": "relation -", "CONTRADICTION": "relation ><", "INCOMING_UNDERCUT": "relation _>",
    "OUTGOING_UNDERCUT": "relation _",
}
for _kind in _EMPHASIS:
    _marker = ("**" if "BOLD" in _kind else "*") if _kind.startswith("ASTERISK") else ("__" if "BOLD" in _kind else "_")
    _style = "bold" if "BOLD" in _kind else "italic"
    _DESCRIPTIONS[_kind + "_START"] = f"start of {_style} text {_marker}"
    _DESCRIPTIONS[_kind + "_END"] = f"end of {_style} text {_marker}"

# Tokens that close something open; recovery inserts one when it lets the parse go on.
_CLOSERS = ("_DEDENT", "ASTERISK_BOLD_END", "UNDERSCORE_BOLD_END", "ASTERISK_ITALIC_END",
            "UNDERSCORE_ITALIC_END", "INFERENCE_END", "NEWLINE")
_MAX_ERRORS_PER_BLOCK = 10


def _describe(token: Lexeme) -> str:
    name = _DESCRIPTIONS.get(token.type, token.type.lower())
    if token.type in ("NEWLINE", "EMPTYLINE", "_INDENT", "_DEDENT", "$END"):
        return name
    shown = " ".join(token.value.split())
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return f"{name.split(' ')[0] if name == 'text' else name.rsplit(' ', 1)[0]} '{shown}'" if shown else name


# Terminals that start inline text; an error message lists them as "text".
_TEXT_LIKE = frozenset(("FREESTYLE", "UNUSED_CONTROL_CHAR", "ESCAPED_CHAR", "SPECIAL_CHAR", "LINK", "TAG",
                        "STATEMENT_MENTION", "ARGUMENT_MENTION") + tuple(e + "_START" for e in _EMPHASIS))


def _hint(token: Lexeme, expected: set[str]) -> str:
    """What the author probably meant, for the common mistakes."""
    if token.type == "STATEMENT_NUMBER" and "INFERENCE_START" not in expected:
        return "; a premise-conclusion structure starts after a blank line"
    if token.type in _RELATIONS and not expected & set(_RELATIONS):
        return ("; a relation goes on the lines right below the statement or argument it belongs to, "
                "indented, with no blank line between")
    if "STATEMENT_REFERENCE" in expected and "ARGUMENT_REFERENCE" in expected:
        return "; a relation symbol needs a statement or an argument after it"
    if token.type.endswith("_START") and token.type[:-6] in _EMPHASIS:
        return "; put a backslash before the marker if it is not meant as emphasis"
    return ""


def _indentation_hint(block: list[Lexeme], token: Lexeme) -> str:
    """For a relation indented unlike any open level above it in its block (a tab, one
    space): the indentations that would have fit."""
    if token.type not in _RELATIONS:
        return ""
    levels = [("", 0)]  # the indentation as written, and its width
    for earlier in (t for t in block if t.start_pos < token.start_pos):
        if earlier.type in _RESETS_INDENTATION:
            levels = [("", 0)]
        elif earlier.type in _RELATIONS:
            indent = earlier.value[:len(earlier.value) - len(earlier.value.lstrip(" \t"))]
            while len(levels) > 1 and len(indent) < levels[-1][1]:
                levels.pop()
            if len(indent) > levels[-1][1]:
                levels.append((indent, len(indent)))
    indent = token.value[:len(token.value) - len(token.value.lstrip(" \t"))]
    if len(levels) == 1 or any(width == len(indent) for _, width in levels):
        return ""
    shown = " or ".join(_indent_name(written) for written, _ in levels[1:])
    return (f"; it is indented by {_indent_name(indent)} and the relations above it by {shown}: indent it like "
            "one of them to relate it to the same element, or deeper than the last to relate it to that one")


def _indent_name(indent: str) -> str:
    if not indent:
        return "nothing"
    if indent == " " * len(indent):
        return f"{len(indent)} space{'s' * (len(indent) > 1)}"
    if indent == "\t" * len(indent):
        return f"{len(indent)} tab{'s' * (len(indent) > 1)}"
    return "a mix of " + " and ".join(f"{indent.count(c)} {n}{'s' * (indent.count(c) > 1)}"
                                      for c, n in ((" ", "space"), ("\t", "tab")))


_SHORT_INFERENCE_LINE = re.compile(r"^[ \t]*(-{2,3})[ \t]*\r?$", re.MULTILINE)


def _short_inference_line(token: Lexeme, expected: set[str]) -> Diagnostic | None:
    """`---` for `----`: it opens an inference line (`--`) that nothing closes, and the parser
    notices only on a later line; the error belongs on the dashes."""
    offset = max(0, token.start_pos - 400)
    found = list(_SHORT_INFERENCE_LINE.finditer(token[4].text[offset:token.start_pos]))
    if not found:
        return None
    start, end = offset + found[-1].start(1), offset + found[-1].end(1)
    line, column = token.position_of(start)
    return Diagnostic(severity=Severity.ERROR, code="syntax", line=line, column=column,
                      span=Span(line, column, line, column + end - start - 1, start, end),
                      message=f"an inference line needs four dashes or more: '{found[-1].group(1)}' opens one that "
                              "is never closed, so what follows it is not read; write ----",
                      fixes=(Fix("Write ----", start, end, "----"),))


def _syntax_error(error: UnexpectedInput, hint: str = "") -> Diagnostic:
    """The message for a token the grammar does not allow here; a ``hint`` that says what
    would fit replaces the grammar's list of what it expected."""
    token = getattr(error, "token", None)
    expected = set(getattr(error, "expected", ()) or ())
    short = _short_inference_line(token, expected) if token is not None and "INFERENCE_END" in expected else None
    if short is not None:
        return short
    if token is None or token.type == "$END":
        what = "the block ends too early"
        line, column = (token.line, token.column) if token is not None else (1, 1)
    else:
        what, line, column = f"unexpected {_describe(token)}", token.line, token.column
    wanted = sorted({"text" if k in _TEXT_LIKE else _DESCRIPTIONS.get(k, k.lower())
                     for k in expected if k.isupper() and k != "$END"})
    detail = ("; expected " + ", ".join(wanted[:5]) + (" or more" if len(wanted) > 5 else "")) if wanted and not hint else ""
    hint = hint or (_hint(token, expected) if token is not None else "")
    return Diagnostic(severity=Severity.ERROR, line=line or 1, column=column or 1, code="syntax",
                      message=what + hint + detail)


class _States:
    """What an LALR state stack becomes as tokens are taken, simulated without copying it: a
    view of the states kept from ``base`` and the few pushed since (a long block's stack is
    deep, and recovery asks about many tokens)."""

    __slots__ = ("base", "depth", "pushed")

    def __init__(self, base) -> None:
        self.base, self.depth, self.pushed = base, len(base), []

    def __len__(self) -> int:
        return self.depth + len(self.pushed)

    def __getitem__(self, index: int):
        return self.base[index] if index < self.depth else self.pushed[index - self.depth]

    def take(self, kind: str) -> bool:
        """Take a token of this kind, running the reductions it implies; False (and no change)
        if the parser could not take it."""
        from lark.parsers.lalr_analysis import Shift

        states = _lark().parser.parser.parser.parse_table.states
        depth, pushed = self.depth, list(self.pushed)
        while True:
            action = states[pushed[-1] if pushed else self.base[depth - 1]].get(kind)
            if action is None:
                return False
            step, rule = action
            if step is Shift:
                pushed.append(rule)
                break
            popped = min(len(rule.expansion), len(pushed))
            del pushed[len(pushed) - popped:]
            depth -= len(rule.expansion) - popped
            if rule.origin.name == "start" and kind == "$END":
                break
            pushed.append(states[pushed[-1] if pushed else self.base[depth - 1]][rule.origin.name][1])
        self.depth, self.pushed = depth, pushed
        return True


def _takes(stack, *kinds: str) -> bool:
    """Whether a parser in this state stack can take tokens of these kinds, one after another.

    A simulation on states alone: trying a token on the real parser would run the reductions
    it implies, and those may change values in place.
    """
    states = _States(stack)
    return all(states.take(kind) for kind in kinds)


def _parse_block(tokens: list[Lexeme], diagnostics: list[Diagnostic], ends: list[int] | None = None):
    """Parse one blank-line separated block, repairing what it can; None if it cannot.

    ``ends`` (when given) collects the index of each token that starts a line where the
    block, cut just before it, would parse: what :func:`_salvage` keeps.
    """
    parser = _lark().parse_interactive(iter(()))
    last = tokens[-1]
    end = lexeme("$END", "", last.end_pos, last.end_pos, last[4])
    cuts = _line_starts(tokens) if ends is not None else {}

    def could_end(index: int, stack, errors: int) -> None:
        if index not in cuts:
            return
        dedent = lexeme("_DEDENT", "", tokens[index - 1].end_pos, tokens[index - 1].end_pos, last[4])
        states = _States(stack)
        done = lexeme("$END", "", dedent.end_pos, dedent.end_pos, last[4])
        take = lambda token: states.take(token.type)  # noqa: E731
        if _repaired([dedent] * cuts[index], done, states, take, take, [], errors) is not None:
            ends.append(index)

    return _repaired(tokens, end, parser.parser_state.state_stack, parser.feed_token, parser.feed_eof,
                     diagnostics, 0, could_end if cuts else None)


def _line_starts(tokens: list[Lexeme]) -> dict[int, int]:
    """For each line of a block but its first, the index of its first token (an indentation
    token counts): the block cut there is its lines above; and how many indentations are open."""
    lines = [token.line for token in tokens]
    written = sorted({line for line, token in zip(lines, tokens) if token.type not in _LAYOUT})
    starts, depth, wanted = {}, 0, iter(written[1:])
    cut = next(wanted, None)
    for index, (line, token) in enumerate(zip(lines, tokens)):
        while cut is not None and line >= cut:
            starts[index] = depth
            cut = next(wanted, None)
        depth += {"_INDENT": 1, "_DEDENT": -1}.get(token.type, 0)
    return starts


def _repaired(tokens: list[Lexeme], end: Lexeme, stack, feed, finish, diagnostics: list[Diagnostic],
              errors: int = 0, at_token=None):
    """Feed tokens to a parser whose state stack is ``stack`` (``feed``, then ``finish`` with the
    end), repairing what it can; what ``finish`` returns, or None if the block cannot be repaired.

    A token the grammar does not allow is let through by inserting a closing token (the end
    of an emphasis or of an indentation) where that works, kept as text where text may stand
    (a citation `[13]` inside a statement), and dropped otherwise. ``at_token(index, stack,
    errors)`` is called before each token of ``tokens`` is first tried.
    """
    pending: list[Lexeme] = []  # tokens inserted before the next one
    dropped: list[int] = []  # lines of what could not be placed anywhere
    index = 0
    while True:
        if pending:
            token = pending.pop()
        elif index < len(tokens):
            if at_token is not None:
                at_token(index, stack, errors)
            token, index = tokens[index], index + 1
        else:
            token = end
        if _takes(stack, token.type):
            if token is end:
                if dropped:  # said, so that no line goes missing without a word
                    diagnostics.append(_left_out(min(dropped), max(dropped)))
                return finish(token)
            feed(token)
            continue
        errors += 1
        if errors == 1:
            # LALR merges states, so the table offers more than fits here: ask each candidate.
            from lark.exceptions import UnexpectedToken

            candidates = _lark().parser.parser.parser.parse_table.states[stack[len(stack) - 1]]
            expected = {kind for kind in candidates if kind.isupper() and _takes(stack, kind)}
            diagnostics.append(_syntax_error(UnexpectedToken(token, expected), _indentation_hint(tokens, token)))
        if errors > _MAX_ERRORS_PER_BLOCK:
            return None
        closer = next((c for c in _CLOSERS if _takes(stack, c, token.type)), None)
        if closer is not None:
            pending.append(token)
            pending.append(lexeme(closer, "", token.start_pos, token.start_pos, token[4]))
        elif token.value.strip() and token.type != "FREESTYLE" and _takes(stack, "FREESTYLE"):
            source = token[4].text
            gap = " " if source[token.end_pos:token.end_pos + 1] in (" ", "\t") else ""
            pending.append(lexeme("FREESTYLE", token.value + gap, token.start_pos, token.end_pos, token[4]))
        elif token is end:
            return None
        elif token.value.strip():
            dropped.append(token.line)


_LAYOUT = frozenset(("_INDENT", "_DEDENT"))


def _left_out(first: int, last: int) -> Diagnostic:
    where = f"line {first} was" if first == last else f"lines {first}-{last} were"
    return Diagnostic(severity=Severity.WARNING, line=first, column=1, code="skipped",
                      message=f"{where} left out of the model")


def _misplaced_front_matter(token: Lexeme) -> Diagnostic:
    """Front matter is read only at the start of the file, as the reference reads it."""
    line, column = token.position()
    return Diagnostic(severity=Severity.ERROR, line=line, column=column, code="front-matter",
                      message="front matter (=== ... ===) is allowed only at the start of the file; it was ignored")


def _salvage(tokens: list[Lexeme], diagnostics: list[Diagnostic]):
    """Parse a block; when it cannot be repaired, keep its longest prefix of whole lines that
    parses, and say which lines were left out. The one pass that fails finds that prefix, so
    a block costs at most two parses."""
    ends: list[int] = []
    parsed = _parse_block(tokens, diagnostics, ends)
    if parsed is not None:
        return parsed
    last = max(t.line for t in tokens if t.type not in _LAYOUT)
    if ends:
        cut = ends[-1]
        prefix = tokens[:cut]
        depth = sum(1 if t.type == "_INDENT" else -1 for t in prefix if t.type in _LAYOUT)
        end = prefix[-1]
        parsed = _parse_block(prefix + [lexeme("_DEDENT", "", end.end_pos, end.end_pos, end[4])] * depth, [])
        if parsed is not None:
            diagnostics.append(_left_out(tokens[cut].line, last))
            return parsed
    diagnostics.append(_left_out(min(t.line for t in tokens if t.type not in _LAYOUT), last))
    return None


def _rejected_layout(text: str, tokens: list[Lexeme]) -> list[Diagnostic]:
    """What the reference rejects and argmap reads anyway: a file with nothing to read, and
    front matter that content follows without a blank line. At the reference's positions."""
    content = [t for t in tokens if t.type not in ("NEWLINE", "EMPTYLINE", "_INDENT", "_DEDENT")]
    front_matter = content[0] if content and content[0].type == "FRONT_MATTER" else None
    if len(content) == (front_matter is not None):
        after = tokens[tokens.index(front_matter) + 1:] if front_matter else tokens
        line, column = after[0].position() if after else front_matter.end_position() if front_matter else (1, 1)
        what = ("holds only front matter" if front_matter else "holds only comments" if text.strip()
                else "is empty")
        return [Diagnostic(severity=Severity.WARNING, line=line, column=column, code="empty",
                           message=f"the file {what}: there is no statement or argument to read")]
    if front_matter is not None:
        after = tokens[tokens.index(front_matter) + 1:]
        if after and after[0].type != "EMPTYLINE" and not (after[0].type == "NEWLINE" and after[1:2]
                                                           and after[1].type == "EMPTYLINE"):
            first = next(t for t in after if t.type != "NEWLINE")
            line, column = first.position()
            return [Diagnostic(severity=Severity.WARNING, line=line, column=column, code="front-matter",
                               message="front matter (=== ... ===) must be followed by a blank line; "
                                       "argmap reads on, other Argdown tools reject the file")]
    return []


def parse(text: str) -> SyntaxTree:
    """Parse Argdown text; never raises on bad input, reporting diagnostics instead."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return parse_tokens(text, *tokenize(text))


def parse_tokens(text: str, tokens: list[Lexeme], diagnostics: list[Diagnostic]) -> SyntaxTree:
    """:func:`parse` for text that :func:`tokenize` has split (``diagnostics`` are its own)."""
    diagnostics += _rejected_layout(text, tokens)
    if not tokens:
        return SyntaxTree(text, None, [], diagnostics)
    parsed = _parse_valid(tokens)
    if parsed is not None:
        return SyntaxTree(text, *parsed, diagnostics)
    front_matter, blocks = None, []
    segment: list[Lexeme] = []
    at_start = True
    for token in tokens + [None]:
        if token is not None and token.type != "EMPTYLINE":
            segment.append(token)
            continue
        if segment:
            parsed = _salvage(segment, diagnostics)
            if parsed is not None and parsed[0] is not None:
                if at_start:
                    front_matter = parsed[0]
                else:
                    diagnostics.append(_misplaced_front_matter(parsed[0]))
            if parsed is not None:
                blocks += parsed[1]
            at_start = False
        segment = []
    return SyntaxTree(text, front_matter, blocks, diagnostics)
