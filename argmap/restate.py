"""An edit that only changes stated numbers, applied to a model without reading the text again.

Typing a new credence into a large map changes one data block and nothing else about the map:
re-reading the whole text for it costs seconds. :func:`restate` recognises such an edit and
patches the model in place: the block's data and the merged data of its statement or argument.
:func:`shift` then moves every place after the edit by the difference in length; a caller may
put that off until something reads the places (hover and the credences do not). It recognises
only what it can patch exactly (the result equals a fresh read of the new text); anything else
is left to a fresh read.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from argmap.data import DataError, merge, read_block
from argmap.model import ArgumentMap, Diagnostic, Span

__all__ = ["Restated", "restate", "shift"]

NUMBERS = ("credence", "inference", "prior")  # the keys whose values an edit may change here
_DECIMAL = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_NUMBER_CHARS = "0123456789."


class Restated(NamedTuple):
    """What a restating edit changed: the new text, and whose numbers it restated (statement
    and argument titles)."""

    text: str
    statements: set[str]
    arguments: set[str]
    at: int  # offsets from here on (in the old text) moved by ``delta``
    delta: int
    line: int  # where ``at`` is
    column: int

    def before(self, offset: int) -> int:
        """An offset into the new text as an offset into the old (inside the number: its end)."""
        return offset - self.delta if offset >= self.at + self.delta else min(offset, self.at)

    def after(self, offset: int) -> int:
        """An offset into the old text as an offset into the new."""
        return offset + self.delta if offset >= self.at else offset

    def moved(self, diagnostic: Diagnostic) -> Diagnostic:
        """A diagnostic of the old text, with its places moved as the edit moved them."""
        return _moved_by(diagnostic, [self])


def restate(model: ArgumentMap, text: str, start: int, end: int, replacement: str,
            pending: list[Restated] = ()) -> Restated | None:
    """If replacing characters ``start`` to ``end`` of ``text`` with ``replacement`` changes
    only the value of a credence, inference or prior in one data block, from a number from 0 to
    1 to another, and the block's line holds nothing after the block: patch the data of
    ``model`` (the model of ``text``, but for the places of the ``pending`` edits, which
    :func:`shift` has not yet moved) and say what changed; :func:`shift` moves the places.
    Else None, with the model untouched."""
    from argmap.propagate import number

    def back(offset: int) -> int:  # from the text to the model's places
        for edit in reversed(pending):
            offset = edit.before(offset)
        return offset

    def forth(offset: int) -> int:  # from the model's places to the text
        for edit in pending:
            offset = edit.after(offset)
        return offset

    new_text = text[:start] + replacement + text[end:]
    token_start, token_end = start, end  # the whole number the edit falls in, in the old text
    while token_start > 0 and text[token_start - 1] in _NUMBER_CHARS:
        token_start -= 1
    while token_end < len(text) and text[token_end] in _NUMBER_CHARS:
        token_end += 1
    delta = len(replacement) - (end - start)
    old_token, new_token = text[token_start:token_end], new_text[token_start:token_end + delta]
    if not (_DECIMAL.fullmatch(old_token) and _DECIMAL.fullmatch(new_token)) or old_token == new_token:
        return None
    holder = _holder(model, back(token_start), back(token_end))
    if holder is None:
        return None
    element, owner = holder
    block = element.data_span
    block_start, block_end = forth(block.start), forth(block.end)
    line_end = text.find("\n", block_end)
    if text[block_end:len(text) if line_end < 0 else line_end].strip():
        return None  # something after the block on its line: its column would move
    after = new_text[token_end + delta:token_end + delta + 2]
    if after[:1] == "," and after[1:2].isdigit():
        return None  # `0,6`: a decimal comma, which the reader warns about
    if any(_touches(d, block) for d in model.diagnostics):
        return None  # a diagnostic about this block may say something else now
    try:
        old_data = read_block(text[block_start:block_end])
        new_data = read_block(new_text[block_start:block_end + delta])
    except DataError:
        return None
    if old_data != element.data or not isinstance(new_data, dict) or list(new_data) != list(old_data):
        return None
    changed = [key for key in old_data if old_data[key] != new_data[key]]
    if not changed or any(key not in NUMBERS or number(old_data, key) is None or number(new_data, key) is None
                          for key in changed):
        return None
    kind, title = owner
    entity = model.statements[title] if kind == "statement" else model.arguments[title]
    if kind != "inference" and _merged(entity.members) != entity.data:
        return None  # the merged data holds more than its blocks: read afresh
    before = text[block_start:token_end]
    if "\r" in before:
        return None  # lines broken by a lone CR: counting them is not worth it here
    line_start = before.rfind("\n")
    line = block.line + before.count("\n")
    column = block.column + len(before) if line_start < 0 else len(before) - line_start
    # Every check passed: patch.
    for key in changed:
        element.data[key] = new_data[key]
    if kind != "inference":
        entity.data = _merged(entity.members)
    statements = {title} if kind == "statement" else set()
    arguments = {title} if kind != "statement" else set()
    argument = getattr(element, "argument", None)
    if kind == "statement" and argument is not None:
        arguments.add(argument)  # a conclusion's own data may hold its step's inference
    return Restated(new_text, statements, arguments, token_end, delta, line, column)


def _holder(model: ArgumentMap, start: int, end: int):
    """The element whose data block holds characters ``start`` to ``end``, and whose it is:
    ("statement", title), ("argument", title) or ("inference", argument title)."""
    def inside(span: Span | None) -> bool:
        return span is not None and span.start < start and end < span.end

    for title, statement in model.statements.items():
        for member in statement.members:
            if inside(member.data_span):
                return member, ("statement", title)
            if member.inference is not None and inside(member.inference.data_span) and member.argument:
                return member.inference, ("inference", member.argument)
    for title, argument in model.arguments.items():
        for description in argument.members:
            if inside(description.data_span):
                return description, ("argument", title)
    return None


def _merged(members) -> dict:
    """The data of a statement or argument as the builder makes it: its blocks merged in order."""
    data: dict = {}
    for member in members:
        if member.data:
            merge(data, member.data)
    return data


def _touches(diagnostic: Diagnostic, block: Span) -> bool:
    spans = [diagnostic.span] if diagnostic.span is not None else []
    spans += [related.span for related in diagnostic.related]
    if any(span.start < block.end and block.start < span.end for span in spans):
        return True
    if any(fix.start < block.end and block.start < fix.end for fix in diagnostic.fixes):
        return True
    return diagnostic.span is None and block.line <= diagnostic.line <= block.end_line


def shift(model: ArgumentMap, edits: list[Restated]) -> None:
    """Move the places of the model as these edits, one after the other, moved them."""
    movers = [_mover(edit.at, edit.delta, edit.line, edit.column) for edit in edits]

    def moved(span: Span | None) -> Span | None:
        for mover in movers:
            span = mover(span)
        return span

    at = min(edit.at for edit in edits)  # what ends before this stays where it is
    seen: set[int] = set()  # exploded arguments share ranges and inferences between occurrences

    def element(item) -> None:
        fields = item.__dict__  # set directly: pydantic's assignment costs more than the walk
        fields["span"] = moved(fields["span"])
        fields["title_span"] = moved(fields["title_span"])
        fields["data_span"] = moved(fields["data_span"])
        for rng in item.ranges:
            if rng.span is not None and rng.span.end >= at and id(rng) not in seen:
                seen.add(id(rng))
                rng.__dict__["span"] = moved(rng.span)
        inference = fields.get("inference")
        if inference is not None and inference.span is not None and inference.span.end >= at \
                and id(inference) not in seen:
            seen.add(id(inference))
            inference.__dict__["span"] = moved(inference.span)
            inference.__dict__["data_span"] = moved(inference.data_span)

    for statement in model.statements.values():
        for member in statement.members:
            if id(member) not in seen and member.span.end >= at:
                seen.add(id(member))
                element(member)
    for argument in model.arguments.values():
        argument.__dict__["span"] = moved(argument.span)
        for member in (*argument.members, *argument.pcs):
            if id(member) not in seen and member.span.end >= at:
                seen.add(id(member))
                element(member)
    for relation in model.relations:
        if any(span.end >= at for span in relation.spans):
            relation.__dict__["spans"] = [moved(span) for span in relation.spans]
    for section in model.sections:
        section.__dict__["span"] = moved(section.span)
    model.diagnostics[:] = [_moved_by(d, edits) for d in model.diagnostics]


def _mover(at: int, delta: int, line: int, column: int):
    """A function that moves a span as an edit moved every offset from ``at`` (at ``line``,
    ``column``) by ``delta``."""
    make = tuple.__new__  # Span(...) without the named tuple's own constructor, which costs twice as much

    def moved(span: Span | None) -> Span | None:
        if span is None or span[5] < at:
            return span
        first, start_column, last, end_column, start, end = span
        if first > line:
            return make(Span, (first, start_column, last, end_column, start + delta, end + delta))
        if first == line and start_column >= column:
            start_column += delta
        if last == line and end_column >= column:
            end_column += delta
        return make(Span, (first, start_column, last, end_column, start + delta if start >= at else start,
                           end + delta))

    return moved


def _moved_by(diagnostic: Diagnostic, edits: list[Restated]) -> Diagnostic:
    for edit in edits:
        diagnostic = _moved_diagnostic(diagnostic, _mover(edit.at, edit.delta, edit.line, edit.column), edit.at,
                                       edit.delta)
    return diagnostic


def _moved_diagnostic(diagnostic: Diagnostic, moved, at: int, delta: int) -> Diagnostic:
    """A diagnostic of the model with its places moved (its line and column come before the
    edit or on a later line: :func:`restate` declines edits with anything after them on their line)."""
    span = moved(diagnostic.span)
    related = tuple(r._replace(span=moved(r.span)) for r in diagnostic.related)
    fixes = tuple(f._replace(start=f.start + delta if f.start >= at else f.start,
                             end=f.end + delta if f.end >= at else f.end) for f in diagnostic.fixes)
    if span == diagnostic.span and related == diagnostic.related and fixes == diagnostic.fixes:
        return diagnostic
    return diagnostic.model_copy(update={"span": span, "related": related, "fixes": fixes})
