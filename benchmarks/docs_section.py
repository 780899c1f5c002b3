"""The measured tables in docs/performance.md, written by the benchmarks that measure them
(`run.py --write-docs`, `stages.py --write-docs`), so that no one copies them by hand.

Each script owns a section between two HTML comments, `<!-- NAME: begin -->` and
`<!-- NAME: end -->`, each a line of its own (invisible in the rendered page), and replaces
only what lies between them: the prose around the tables stays byte for byte as written, and
the file is replaced in one step. Missing, repeated or misordered markers are an error that says which lines to add
and where; the scripts check for them before they measure, so a long run is not lost.
"""
from __future__ import annotations

import datetime
import os
import platform
import re
import sys
from pathlib import Path

PERFORMANCE = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


class MarkersMissing(Exception):
    """The document has no well-formed section for a script."""


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}: begin -->", f"<!-- {name}: end -->"


def section_bounds(text: str, name: str, where: str) -> tuple[int, int]:
    """Where the section's content starts and stops in ``text``: between the two markers, each
    a line of its own (so that prose may name them); ``where`` says in the error where they belong."""
    begin, end = markers(name)
    starts, stops = ([found.start() for found in re.finditer(f"^{re.escape(marker)}$", text, re.MULTILINE)]
                     for marker in (begin, end))
    if len(starts) == len(stops) == 1 and starts[0] < stops[0]:
        return starts[0] + len(begin), stops[0]
    if not starts and not stops:
        problem = "has no section for it"
    elif len(starts) != 1 or len(stops) != 1:
        problem = f"has {begin} {len(starts)} times and {end} {len(stops)} times, where each belongs once"
    else:
        problem = f"has {end} before {begin}"
    raise MarkersMissing(f"{problem}: put the two lines\n\n    {begin}\n    {end}\n\n{where}, each on a line "
                         f"of its own; what lies between them is replaced and the rest of the file kept")


def replace_section(text: str, name: str, body: str, where: str = "where the table goes") -> str:
    """``text`` with the content of ``name``'s section replaced by ``body`` on lines of its own."""
    start, stop = section_bounds(text, name, where)
    return text[:start] + "\n" + body.strip("\n") + "\n" + text[stop:]


def check_section(name: str, where: str, path: Path = PERFORMANCE) -> None:
    """Raise :class:`MarkersMissing`, naming ``path``, unless ``path`` has a section for ``name``."""
    try:
        section_bounds(path.read_text(encoding="utf-8"), name, where)
    except MarkersMissing as missing:
        raise MarkersMissing(f"{path} {missing}") from None


def done(step, *args) -> bool:
    """``step(*args)`` (:func:`check_section` or :func:`write_section`); False, with what is
    wrong on stderr, where the markers are missing, for the script to exit with status 2."""
    try:
        step(*args)
    except MarkersMissing as missing:
        print(missing, file=sys.stderr)
        return False
    return True


def write_section(name: str, body: str, where: str, path: Path = PERFORMANCE) -> None:
    """Replace ``name``'s section of ``path`` with ``body``, in one step (a crash leaves the old file)."""
    from argmap.files import write_atomically  # here: stages.py's timed processes must start without argmap

    text = path.read_bytes().decode("utf-8")
    try:
        updated = replace_section(text, name, body, where)
    except MarkersMissing as missing:
        raise MarkersMissing(f"{path} {missing}") from None
    write_atomically(path, updated.encode("utf-8"))


def load_average() -> float:
    """The one-minute load average: sampled during a run, since the machine may be shared."""
    return os.getloadavg()[0]


def conditions(loads: list[float], runs: int) -> str:
    """The sentence that says when and where a table was measured."""
    low, high = f"{min(loads):.1f}", f"{max(loads):.1f}"
    load = low if low == high else f"{low} to {high}"
    return (f"Measured on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC: Python "
            f"{platform.python_version()}, {os.cpu_count()} cores ({platform.machine()}), load average "
            f"{load} during the run; medians of {runs} run{'s' * (runs != 1)}.")
