"""Formats other than Argdown's own: one module each, for export and import.

An exporter is ``export(model, stream, semantics)``, writing the model (with its credences
under ``semantics`` where the format carries numbers); an importer is ``to_argdown(text, path) -> str``, Argdown text a person would write
(laid out by :mod:`argmap.formats.writer`), raising :class:`FormatError` with a position for
input it cannot read. ``docs/interchange.md`` documents each mapping and what it loses.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from argmap.model import ArgumentMap

__all__ = ["EXPORTS", "IMPORTS", "FormatError", "export", "exporter", "import_text", "importer"]

EXPORTS = {"argdown-json": "argdown_json", "aif": "aif", "graphml": "graphml", "qbaf-json": "qbaf"}
IMPORTS = {"argdown-json": "argdown_json", "aif": "aif", "kialo": "kialo"}


class FormatError(ValueError):
    """Input in another format that argmap cannot read: ``line``, ``column`` and what is wrong."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def _module(table: dict[str, str], name: str, verb: str) -> ModuleType:
    if name not in table:
        raise ValueError(f"argmap cannot {verb} {name!r}; choose one of {', '.join(table)}")
    return importlib.import_module(f"argmap.formats.{table[name]}")


def exporter(name: str) -> ModuleType:
    """The module that writes format ``name``; ValueError naming the choices otherwise."""
    return _module(EXPORTS, name, "export")


def importer(name: str) -> ModuleType:
    """The module that reads format ``name``; ValueError naming the choices otherwise."""
    return _module(IMPORTS, name, "import")


def export(model: "ArgumentMap", name: str, stream: TextIO, semantics: str = "df-quad") -> None:
    """Write ``model`` in format ``name`` with its credences under ``semantics``; ValueError for
    an unknown format or a semantics the format cannot carry."""
    exporter(name).export(model, stream, semantics)


def import_text(text: str, name: str, path: str | None = None) -> str:
    """Argdown text for ``text`` written in format ``name``; FormatError where it cannot be read."""
    return importer(name).to_argdown(text, path)
