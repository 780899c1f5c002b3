"""argmap's canonical layout of an Argdown file, for `argmap fmt`.

Only whitespace moves, and data blocks are reordered, so comments, wording and line breaks
the author chose stay. The layout:

- relations indented two spaces per level under the line they belong to; statement numbers
  `(n)` and inference lines `----` at the start of their lines (lists are left as written);
- a statement's continuation lines four spaces past its first line;
- a line of statement text longer than ``width`` wrapped at spaces where the next word cannot
  be mistaken for syntax at the start of a line; a quote's new lines start with `> ` as its
  first does;
- data blocks on one line, `{reason: ..., credence: ..., inference: ..., other: ...}`, each
  value written as it was;
- no trailing spaces, at most two blank lines in a row, one line break at the end.

:func:`layout` is a pure function of the text; :meth:`argmap.edit.Document.format` checks that
the result parses to the same model before it keeps it (the same but for those `>` marks).
"""
from __future__ import annotations

import bisect
import re


from argmap.parse import (ArgumentNode, Emphasis, HeadingNode, Inline, InferenceNode, Lexeme, ListNode, PcsNode,
                          StatementNode, parse, tokenize)

__all__ = ["PASSES", "layout", "splice"]

PASSES = ("indent", "data", "wrap", "spacing")
_DATA_ORDER = ("reason", "credence", "inference")
_UNSAFE_LINE_START = re.compile(r"\d+[.)](?:\s|$)")
_COMMENT_START = ("/*", "//", "<!--")
_PROTECTED = frozenset(("FRONT_MATTER", "DATA", "LINK"))  # tokens whose inside whitespace is content
_LAYOUT_TOKENS = frozenset(("NEWLINE", "EMPTYLINE", "_INDENT", "_DEDENT"))


def layout(text: str, newline: str = "\n", width: int = 100, passes: tuple[str, ...] = PASSES) -> str:
    """The text in canonical layout (see the module's docstring), using ``passes`` only."""
    tree = parse(text)
    if tree.diagnostics:  # a file with syntax errors: only the whitespace at line ends is safe to touch
        passes = tuple(p for p in passes if p == "spacing")
    formatter = _Layout(text, newline, width, passes)
    for block in tree.blocks:
        formatter.block(block)
    result = splice(text, formatter.edits)
    if "spacing" in passes:
        result = _spacing(result, newline)
    return result


class _Layout:
    def __init__(self, text: str, newline: str, width: int, passes: tuple[str, ...]) -> None:
        self.text, self.newline, self.width, self.passes = text, newline, width, passes
        self.edits: list[tuple[int, int, str]] = []

    # -- the tree

    def block(self, block) -> None:
        if isinstance(block, (StatementNode, ArgumentNode)):
            self.element(block, self.indent_of(block.first.start_pos), None)
        elif isinstance(block, PcsNode):
            for step in block.steps:
                if isinstance(step, InferenceNode):
                    self.reindent(step.first, "")
                    self.data(step.data)
                    self.relations(step.relations, "")
                else:
                    self.reindent(step.number, "")
                    self.element(step.statement, "", step.number)
        elif isinstance(block, HeadingNode):
            self.data(block.data)
        elif isinstance(block, ListNode):
            for _, item in block.items:
                self.data(item.data)

    def element(self, node: StatementNode | ArgumentNode, indent: str, line_token: Lexeme | None) -> None:
        """A statement or argument whose first line is (or will be) indented by ``indent``."""
        self.data(node.data)
        if node.content is not None:
            self.content(node.content, indent, line_token or node.first)
        self.relations(node.relations, indent)

    def relations(self, relations: list, indent: str) -> None:
        for relation in relations:
            child = indent + "  "
            self.reindent(relation.symbol, child)
            self.element(relation.member, child, relation.symbol)

    # -- indentation

    def reindent(self, token: Lexeme, indent: str) -> None:
        """Give a line-start token (its pattern includes the leading spaces) an indentation."""
        if "indent" not in self.passes:
            return
        value = token.value
        leading = len(value) - len(value.lstrip(" \t"))
        if value[:leading] != indent:
            self.edits.append((token.start_pos, token.start_pos + leading, indent))

    def indent_of(self, at: int) -> str:
        line = self.text[self.text.rfind("\n", 0, at) + 1:at]
        return line[:len(line) - len(line.lstrip(" \t"))] if not line.strip() else ""

    # -- statement text: continuation lines and wrapping

    def content(self, content: Inline, indent: str, line_token: Lexeme) -> None:
        text = self.text
        start = content.first.start_pos
        end = content.last.end_pos
        while end > start and text[end - 1] in " \t\r\n":
            end -= 1
        continuation = indent + "    "
        protected = self.protected_ranges(content)
        # (start of the line's text, the indentation it will have)
        first_text = line_token.start_pos + len(line_token.value) - len(line_token.value.lstrip(" \t"))
        lines = [(first_text, indent)]
        at = text.find("\n", start, end)
        while at >= 0:
            line_start = at + 1
            text_start = line_start
            while text_start < end and text[text_start] in " \t":
                text_start += 1
            if not any(s < text_start <= e for s, e in protected):
                if "indent" in self.passes and text[line_start:text_start] != continuation:
                    self.edits.append((line_start, text_start, continuation))
                lines.append((text_start, continuation))
            at = text.find("\n", text_start, end)
        if "wrap" in self.passes:
            breaks = sorted(self.break_points(content))
            for index, (text_start, line_indent) in enumerate(lines):
                line_end = text.find("\n", text_start)
                line_end = len(text) if line_end < 0 else line_end - (text[line_end - 1] == "\r")
                quote = index > 0 and text.startswith(">", text_start)  # its new lines start with `>` too
                self.wrap(text_start, line_end, line_indent, continuation + "> " * quote, breaks)

    def wrap(self, text_start: int, line_end: int, indent: str, continuation: str, breaks: list[int]) -> None:
        origin = text_start - len(indent)  # column 0 of the line as it will be
        while line_end - origin > self.width:
            first = bisect.bisect_right(breaks, text_start)  # the first break after the line's start
            if first == len(breaks) or breaks[first] >= line_end:
                return
            last_fitting = bisect.bisect_right(breaks, min(origin + self.width, line_end - 1)) - 1
            at = breaks[last_fitting] if last_fitting >= first else breaks[first]
            self.edits.append((at, at + 1, self.newline + continuation))
            text_start = at + 1
            origin = text_start - len(continuation)

    def break_points(self, content: Inline) -> list[int]:
        """Single spaces inside plain text where a line break changes nothing but layout."""
        text, points = self.text, []
        stack = list(content.parts)
        while stack:
            part = stack.pop()
            if isinstance(part, Emphasis):
                stack += part.content.parts if part.content else []
                continue
            for token in part if isinstance(part, list) else [part]:
                if not isinstance(token, Lexeme) or token.type != "FREESTYLE":
                    continue
                source = text[token.start_pos:token.end_pos]
                if "\\" in source or any(marker in source for marker in _COMMENT_START):
                    continue
                for offset in range(1, len(source) - 1):
                    if source[offset] != " " or source[offset - 1].isspace() or source[offset + 1].isspace():
                        continue
                    if source[offset + 1].isalnum() and not _UNSAFE_LINE_START.match(source, offset + 1):
                        points.append(token.start_pos + offset)
        return points

    def protected_ranges(self, content: Inline) -> list[tuple[int, int]]:
        ranges = []
        stack = list(content.parts)
        while stack:
            part = stack.pop()
            if isinstance(part, Emphasis):
                stack += part.content.parts if part.content else []
            elif isinstance(part, list):
                stack += part
            elif isinstance(part, Lexeme) and part.type in _PROTECTED:
                ranges.append((part.start_pos, part.end_pos))
        return ranges

    # -- data blocks

    def data(self, token: Lexeme | None) -> None:
        from argmap.edit import data_entries

        if token is None or "data" not in self.passes:
            return
        block = token.value
        try:
            entries = data_entries(block)
        except ValueError:
            return
        pieces = [block[e.start:e.end] for e in entries]
        if any("\n" in piece or "\r" in piece for piece in pieces):
            return
        order = {key: index for index, key in enumerate(_DATA_ORDER)}
        ranked = sorted(range(len(entries)), key=lambda i: (order.get(entries[i].key, len(order)), i))
        canonical = "{" + ", ".join(pieces[i] for i in ranked) + "}"
        if canonical != block:
            self.edits.append((token.start_pos, token.end_pos, canonical))


def _spacing(text: str, newline: str) -> str:
    """No trailing spaces, at most two blank lines in a row, one line break at the end. Spaces
    and blank lines that belong to a token (text before a line break, a mention's trailing
    space, the front matter, a data block) stay: the model keeps them."""
    tokens = [t for t in tokenize(text)[0] if t.type not in _LAYOUT_TOKENS and t.end_pos > t.start_pos]
    starts = [t.start_pos for t in tokens]

    def in_token(at: int) -> bool:
        index = bisect.bisect_right(starts, at) - 1
        return index >= 0 and tokens[index].end_pos > at

    out, blank, at = [], 0, 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        stripped = body.rstrip(" \t")
        if stripped != body and in_token(at + len(stripped)):
            stripped = body
        if not stripped and ending and not in_token(at):
            blank += 1
            if blank > 2:
                at += len(line)
                continue
        else:
            blank = 0
        out.append(stripped + ending)
        at += len(line)
    result = "".join(out)
    trimmed = result.rstrip(" \t\r\n")
    if trimmed and not in_token(len(text.rstrip(" \t\r\n"))):
        return trimmed + newline
    return result


def splice(text: str, replacements: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, new) applied; ranges must not overlap (ValueError), and
    the same replacement twice (a statement copied by explodeArguments) counts once."""
    out, at = [], 0
    for start, end, new in sorted(set(replacements)):
        if start < at:
            raise ValueError(f"replacements overlap at offset {start}")
        out += [text[at:start], new]
        at = end
    return "".join(out) + text[at:]
