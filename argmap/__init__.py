"""argmap: read Argdown argument maps, weigh their claims, explain, render and edit them.

    >>> import argmap
    >>> model = argmap.load("maps/natural_manifold.argdown")
    >>> model.statements["Natural Manifold"].text[:22]
    "The model's own geomet"
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from argmap.files import read_source

if TYPE_CHECKING:
    from argmap.model import ArgumentMap

__all__ = ["ArgumentMap", "credence", "cruxes", "diff", "explain", "history", "load", "loads", "read_source", "sample"]
__version__ = "0.1.0"


@contextmanager
def no_gc():
    """Parsing and propagation allocate many small objects and no cycles: the collector only
    costs time (half of it on a large map). Also a decorator: ``@no_gc()``."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def loads(text: str, path: str | None = None) -> ArgumentMap:
    """The model of Argdown text. Never raises on bad input: problems are in ``.diagnostics``."""
    from argmap.build import build
    from argmap.parse import parse

    with no_gc():
        model = build(parse(text))
    model.path = path
    return model


def load(path: str | Path, *more: str | Path) -> ArgumentMap:
    """The model of an Argdown file (see :func:`loads`), with the files its front matter's
    ``include:`` lists and any ``more`` files as one map (see :mod:`argmap.sources`; the
    model's ``sources`` then says which file each offset is in). Raises OSError when a file
    cannot be read, and :class:`argmap.sources.IncludeError` when the files make no map."""
    from argmap.sources import read

    sources = read([path, *more])
    model = loads(sources.text, path=str(path))
    model.sources = sources if sources.several else None
    return model


def __getattr__(name: str):
    """``ArgumentMap``, ``credence``, ``explain``, ``cruxes``, ``diff``, ``history`` and
    ``sample``, imported on first use so that importing argmap (and starting its command line)
    stays quick."""
    if name == "ArgumentMap":
        from argmap.model import ArgumentMap

        return ArgumentMap
    if name == "credence":
        from argmap.propagate import credence

        return credence
    if name in ("explain", "cruxes"):
        from argmap import explanation

        return getattr(explanation, name)
    if name in ("diff", "history"):
        from argmap import versions

        return getattr(versions, name)
    if name == "sample":
        from argmap.sampling import sample

        return sample
    raise AttributeError(f"module 'argmap' has no attribute {name!r}")
