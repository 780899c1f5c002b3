"""Live recomputation: re-read a map on every save and show how its bottom line moved.

The file is polled (its size, modification time and inode, every ``interval`` seconds) rather
than watched with operating-system events: one file needs no more, polling sees an editor's
save-by-rename as well as an in-place write, and works on network and container file systems
alike. A change is read once the file has stopped changing, so a half-written save is not read.
"""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Iterator

from argmap.model import ArgumentMap, Severity

__all__ = ["Session", "bottom_line", "changes", "moves"]


def bottom_line(model: ArgumentMap):
    """The credence result and each thesis's credence (title -> credence), in the engine's order."""
    from argmap.propagate import credence

    result = credence(model)
    return result, {title: result.statements[title].credence for title in result.theses}


def moves(before: dict[str, float] | None, after: dict[str, float]) -> list[str]:
    """One line per thesis: its credence, and how far it moved since ``before``."""
    from argmap.semantics import signed

    lines = []
    for title, value in after.items():
        if before is None or title not in before:
            lines.append(f"[{title}]: {value:.4f}")
        else:
            lines.append(f"[{title}]: {before[title]:.4f} -> {value:.4f} ({signed(value - before[title])})")
    return lines or ["the map has no thesis"]


def changes(path: str | Path, interval: float = 0.25) -> Iterator[bytes]:
    """The file's bytes now, then again each time its content changes (runs until stopped)."""
    path = Path(path)
    seen_stat, seen_digest = object(), None
    while True:
        stat = _stat(path)
        if stat != seen_stat:
            time.sleep(interval)
            settled = _stat(path)
            if settled == stat and stat is not None:
                seen_stat = stat
                try:
                    data = path.read_bytes()
                except OSError:
                    continue
                digest = hashlib.sha256(data).digest()
                if digest != seen_digest:
                    seen_digest = digest
                    yield data
            continue
        time.sleep(interval)


def _stat(path: Path):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


class Session:
    """What `argmap watch` shows for each version of a file; it remembers the last good one."""

    def __init__(self, path: str | Path, output: str | Path | None = None) -> None:
        self.path = Path(path)
        self.output = Path(output) if output is not None else None
        self.last_good: dict[str, float] | None = None

    def update(self, data: bytes) -> str:
        """The report for one version of the file's bytes."""
        import argmap
        from argmap.check import brief, check_map, format_diagnostic, plural
        from argmap.files import decode_source, source_lines

        text = decode_source(data)
        model = argmap.loads(text, path=str(self.path))
        lines = source_lines(text)
        diagnostics = check_map(model)
        shown, summary = brief(diagnostics, str(self.path))
        report = [format_diagnostic(d, str(self.path), lines) for d in shown] + ([summary] if summary else [])
        stamp = time.strftime("%H:%M:%S")
        errors = sum(d.severity is Severity.ERROR for d in diagnostics)
        if errors:  # an error anywhere (a credence of 1.7, say) makes the numbers untrustworthy
            kept = "; ".join(moves(None, self.last_good)) if self.last_good else "nothing yet"
            return "\n".join(report + [f"[{stamp}] {self.path}: {plural(errors, 'error')}; "
                                       f"kept the last good result ({kept})"])
        result, theses = bottom_line(model)
        if self.output is not None:
            report.append(self.render(model, result))
        report += [f"[{stamp}] {self.path}:"] + ["  " + line for line in moves(self.last_good, theses)]
        self.last_good = theses
        return "\n".join(report)

    def render(self, model: ArgumentMap, result) -> str:
        """The one place where watch draws the diagram; a drawing that fails is one line."""
        from argmap.render import RenderError, render

        try:
            render(model, result, self.output)
        except (RenderError, ValueError, OSError) as error:
            return f"{self.output}: not drawn: {error}"
        return f"{self.output}: drawn"
