"""Maps across files: the text of several files read as one, and where each piece came from.

A map may be split over several files: the main file's front matter lists others under
``include:`` (paths relative to the including file; an included file's own ``include:`` nests),
and a command may name several files. :func:`read` joins their texts into one (each file
without its front matter but the main file's, a blank line between two files so that no
Argdown block runs from one into the next), which the parser and builder read as any other
text: titles are shared across the files. A :class:`Sources` remembers which stretch of that
text (a :class:`Segment`) is which file, so that a diagnostic, a navigation or an edit at an
offset of the joined text is turned back into a file, a line and a column.

Includes stay in the folder tree of the file named on the command line (symbolic links
resolved), are each read once, and may not form a cycle; what breaks these rules is an
:class:`IncludeError`, since no map can be made of the files.
"""
from __future__ import annotations

import bisect
import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple, Sequence

from argmap.files import LINE_BREAK, decode_source
from argmap.model import Diagnostic, Fix, Related, Severity, Span

__all__ = ["IncludeError", "SEPARATOR", "Segment", "SourceFile", "Sources", "read"]

SEPARATOR = "\n\n"  # between two files' texts: a blank line ends every Argdown block
_FRONT_MATTER = re.compile(r"\A(?:[ \t]*(?:\r\n?|\n))*[ \t]*(===+)([\s\S]*?)===+")  # as the grammar reads it


class IncludeError(ValueError):
    """Files that cannot make one map: an include cycle, one outside the map's folder tree, a
    missing one, an ``include:`` that is not a list. Says where, as ``file:line:col``."""

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        super().__init__(f"{path}:{line}:{column}: error: {message}")
        self.path, self.line, self.column, self.message = path, line, column, message


class Segment(NamedTuple):
    """A stretch of the joined text that is one file's: ``length`` characters from ``start``,
    which are the file's from ``file_start`` (after an included file's front matter) to its end."""

    start: int
    length: int
    path: str
    file_start: int

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class SourceFile:
    """One file of a map as read: its front matter when it is not the main file (left out of
    the joined text and written back as it was), and what saving needs to write its bytes back
    (the byte-order mark, the digest of what was read)."""

    head: str
    bom: bool
    digest: str


@dataclass(frozen=True)
class Sources:
    """The joined text of a map's files and where each of its stretches comes from. A value:
    an edit makes a new one (:meth:`edited`)."""

    text: str
    segments: tuple[Segment, ...]
    files: dict[str, SourceFile]
    notes: tuple[tuple[str, Diagnostic], ...] = ()  # about included files' front matter, in their coordinates
    _lines: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def several(self) -> bool:
        """Whether the map has more than one file (or something to say about one)."""
        return len(self.segments) > 1 or bool(self.notes)

    def file_text(self, path: str) -> str:
        """The file's whole text as it stands in the joined text (its front matter back)."""
        segment = next((s for s in self.segments if s.path == path), None)
        if segment is None:
            raise KeyError(f"{path} is not one of the map's files")
        return self.files[path].head + self.text[segment.start:segment.end]

    def segment_at(self, offset: int) -> Segment:
        """The file's stretch at an offset of the joined text; one in the blank line between
        two files is the earlier file's (its end)."""
        index = bisect.bisect_right([s.start for s in self.segments], offset) - 1
        return self.segments[max(index, 0)]

    def position(self, offset: int) -> tuple[str, int, int, int]:
        """The file, line, column and offset in the file of an offset of the joined text."""
        segment = self.segment_at(offset)
        local = min(offset, segment.end) - segment.start + segment.file_start
        line, column = _line_column(self._file_lines(segment.path), local)
        return segment.path, line, column, local

    def where(self, offset: int) -> str:
        """``file:line:col`` of an offset of the joined text."""
        path, line, column, _ = self.position(offset)
        return f"{path}:{line}:{column}"

    def at(self, line: int, column: int) -> str:
        """``file:line:col`` of a line and column of the joined text."""
        return self.where(self._offset(line, column))

    def within(self, start: int, end: int) -> Segment | None:
        """The file's stretch that holds all of ``start``..``end``, if one does."""
        segment = self.segment_at(start)
        return segment if segment.start <= start and end <= segment.end else None

    def edited(self, text: str, replacements: Sequence[tuple[int, int, str]]) -> "Sources":
        """The sources after ``replacements`` (offsets of this text) made ``text``; a
        ValueError when one reaches across two files or into the blank line between them."""
        grown = [0] * len(self.segments)
        for start, end, new in replacements:
            segment = self.within(start, end)
            if segment is None:
                raise ValueError(f"{self.where(start)}: the change would reach across two files")
            grown[self.segments.index(segment)] += len(new) - (end - start)
        moved, shift = [], 0
        for segment, growth in zip(self.segments, grown):
            moved.append(segment._replace(start=segment.start + shift, length=segment.length + growth))
            shift += growth
        return replace(self, text=text, segments=tuple(moved), _lines={})

    def localize(self, diagnostic: Diagnostic) -> tuple[str, Diagnostic]:
        """The file a diagnostic of the joined text is in, and the diagnostic with that file's
        lines, columns and offsets (a fix that would reach into another file is left out; a
        related place in another file names it in its message)."""
        offset = diagnostic.span.start if diagnostic.span is not None else self._offset(diagnostic.line, diagnostic.column)
        segment = self.segment_at(offset)
        line, column = self._moved(segment, diagnostic.line, diagnostic.column)
        related = []
        for item in diagnostic.related:
            other = self.segment_at(item.span.start)
            span = self._span(other, item.span)
            where = f"{other.path}:{span.line}:{span.column}: " if other.path != segment.path else ""
            related.append(Related(where + item.message, span))
        fixes = tuple(Fix(fix.title, *(at - segment.start + segment.file_start for at in (fix.start, fix.end)), fix.text)
                      for fix in diagnostic.fixes if self.within(fix.start, fix.end) == segment)
        span = self._span(segment, diagnostic.span) if diagnostic.span is not None else None
        return segment.path, diagnostic.model_copy(update=dict(line=line, column=column, span=span, fixes=fixes,
                                                               related=tuple(related)))

    def located(self, diagnostics: Sequence[Diagnostic]) -> list[tuple[str, Diagnostic]]:
        """Each diagnostic of the joined text in its file (see :meth:`localize`), after what
        reading the files found to say about them."""
        return [*self.notes, *map(self.localize, diagnostics)]

    def lines(self, path: str) -> list[str]:
        """A file's lines, as diagnostics number them."""
        return LINE_BREAK.split(self.file_text(path))

    # -- helpers

    def _span(self, segment: Segment, span: Span) -> Span:
        line, column = self._moved(segment, span.line, span.column)
        end_line, end_column = self._moved(segment, span.end_line, span.end_column)
        local = segment.file_start - segment.start
        return Span(line, column, end_line, end_column, span.start + local, span.end + local)

    def _moved(self, segment: Segment, line: int, column: int) -> tuple[int, int]:
        """A line and column of the joined text as the segment's file numbers them."""
        first_line, first_column = _line_column(self._joined_lines(), segment.start)
        file_line, file_column = _line_column(self._file_lines(segment.path), segment.file_start)
        return line - first_line + file_line, column + (file_column - first_column if line == first_line else 0)

    def _offset(self, line: int, column: int) -> int:
        starts = self._joined_lines()
        return starts[min(max(line, 1), len(starts)) - 1] + max(column, 1) - 1

    def _joined_lines(self) -> list[int]:
        if None not in self._lines:
            self._lines[None] = _line_starts(self.text)
        return self._lines[None]

    def _file_lines(self, path: str) -> list[int]:
        if path not in self._lines:
            self._lines[path] = _line_starts(self.file_text(path))
        return self._lines[path]


def _line_starts(text: str) -> list[int]:
    return [0] + [match.end() for match in LINE_BREAK.finditer(text)]


def _line_column(starts: list[int], offset: int) -> tuple[int, int]:
    line = bisect.bisect_right(starts, offset)
    return line, offset - starts[line - 1] + 1


# --- reading ----------------------------------------------------------------------------------

def read(paths: Sequence[str | Path], main_text: str | None = None, includes: bool = True) -> Sources:
    """The files of a map: each path in turn and, after each, the files it includes (and
    theirs; none unless ``includes``), each file once. ``main_text`` stands for the first
    file's text (an editor's unsaved buffer). Raises OSError when a file named here cannot be
    read, and :class:`IncludeError` when the includes cannot make a map."""
    reader = _Reader(includes)
    for index, path in enumerate(paths):
        root = os.path.dirname(os.path.realpath(path))
        reader.add(str(path), root, (), main_text if index == 0 else None, main=index == 0)
    return Sources(text=SEPARATOR.join(reader.texts), segments=tuple(reader.segments), files=reader.files,
                   notes=tuple(reader.notes))


class _Reader:
    def __init__(self, includes: bool) -> None:
        self.includes = includes
        self.texts: list[str] = []
        self.segments: list[Segment] = []
        self.files: dict[str, SourceFile] = {}
        self.notes: list[tuple[str, Diagnostic]] = []
        self.seen: set[str] = set()
        self.start = 0

    def add(self, path: str, root: str, chain: tuple[tuple[str, str], ...], text: str | None, main: bool) -> None:
        """Read one file and, depth first, the files it includes."""
        real = os.path.realpath(path)
        if real in self.seen:
            return
        self.seen.add(real)
        data = Path(path).read_bytes() if text is None else text.encode("utf-8", errors="surrogateescape")
        if text is None:
            text = decode_source(data)
        front = _FRONT_MATTER.match(text)
        head = "" if main or front is None else text[:front.end()]
        self.files[path] = SourceFile(head, data.startswith(b"\xef\xbb\xbf"), hashlib.sha256(data).hexdigest())
        if self.segments:
            self.start += len(SEPARATOR)
        self.segments.append(Segment(self.start, len(text) - len(head), path, len(head)))
        self.texts.append(text[len(head):])
        self.start += len(text) - len(head)
        chain = (*chain, (real, path))
        for included, line, column in _includes(path, text, front, main, self.notes) if self.includes else ():
            target = os.path.normpath(os.path.join(os.path.dirname(path), included))
            real_target = os.path.realpath(target)
            if real_target in (earlier for earlier, _ in chain):
                cycle = " -> ".join([*(shown for _, shown in chain), target])
                raise IncludeError(path, line, column, f"including {included} makes an include cycle ({cycle})")
            if os.path.commonpath([root, real_target]) != root:
                link = f" (it resolves to {real_target})" if real_target != os.path.abspath(target) else ""
                raise IncludeError(path, line, column, f"{included} is outside the map's folder tree {root}{link}; "
                                   "a map includes only files in its main file's folder and below")
            if not os.path.isfile(target):
                what = "is a folder, not a file" if os.path.isdir(target) else "does not exist"
                raise IncludeError(path, line, column, f"the included file {included} {what}")
            try:
                self.add(target, root, chain, None, main=False)
            except OSError as error:
                raise IncludeError(path, line, column, f"cannot read the included file {included}: "
                                   f"{error.strerror or error}") from None


def _includes(path: str, text: str, front: re.Match | None, main: bool,
              notes: list[tuple[str, Diagnostic]]) -> list[tuple[str, int, int]]:
    """The paths a file's front matter lists under ``include:``, each with its line and column.
    Other keys of an included file's front matter are noted: only the main file's count."""
    if front is None or (main and "include" not in front.group(2)):
        return []
    import yaml

    starts = _line_starts(text)
    offset = front.start(2)

    def place(mark) -> tuple[int, int]:
        return _line_column(starts, offset + mark.index)

    try:
        node = yaml.compose(front.group(2), Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        if main:
            return []  # the builder reports it
        mark = getattr(error, "problem_mark", None)
        line, column = place(mark) if mark is not None else _line_column(starts, front.start(1))
        raise IncludeError(path, line, column, "front matter is not valid YAML; an included file's front matter "
                           "may only list the files it includes") from None
    if not isinstance(node, yaml.MappingNode):
        return []
    found = []
    for key, value in node.value:
        if key.value != "include":
            if not main:
                line, column = place(key.start_mark)
                notes.append((path, Diagnostic(
                    severity=Severity.WARNING, code="include", line=line, column=column,
                    message=f"`{key.value}:` in an included file's front matter is ignored; only the main file's "
                            "front matter sets the map's options (an included file's may list `include:`)")))
            continue
        if not isinstance(value, yaml.SequenceNode):
            line, column = place(value.start_mark)
            raise IncludeError(path, line, column, "`include:` must be a list of file paths, "
                               "e.g. `include: [part.argdown]` or one `- part.argdown` a line")
        for item in value.value:
            line, column = place(item.start_mark)
            if not isinstance(item, yaml.ScalarNode) or not item.value.strip():
                raise IncludeError(path, line, column, "each entry of `include:` must be a file path")
            found.append((item.value, line, column))
    return found
