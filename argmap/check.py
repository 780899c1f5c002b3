"""Stage: checks. The parser's and builder's diagnostics, and how they are shown."""
from __future__ import annotations

from argmap.model import ArgumentMap, Diagnostic

__all__ = ["check_map", "format_diagnostic"]


def check_map(model: ArgumentMap) -> list[Diagnostic]:
    """Every diagnostic for a map, in document order."""
    return sorted(model.diagnostics, key=lambda d: (d.line, d.column))


def format_diagnostic(diagnostic: Diagnostic, path: str, lines: list[str]) -> str:
    """`file:line:col: severity: message`, then the source line and a caret under the column."""
    head = f"{path}:{diagnostic.line}:{diagnostic.column}: {diagnostic.severity.value}: {diagnostic.message}"
    if not 0 < diagnostic.line <= len(lines):
        return head
    source = lines[diagnostic.line - 1].replace("\t", " ")
    if len(source) > 160:
        start = max(0, diagnostic.column - 80)
        source, column = source[start:start + 160], diagnostic.column - start
    else:
        column = diagnostic.column
    return f"{head}\n    {source}\n    {' ' * max(column - 1, 0)}^"
