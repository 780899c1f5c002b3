#!/usr/bin/env python3
"""How `check` scales on hostile inputs: each series at a few sizes, in-process, with the ratio
of times per doubling (about 2 for linear time, 4 for quadratic).

    .venv/bin/python benchmarks/hostile.py              # every series
    .venv/bin/python benchmarks/hostile.py headings     # the series whose name contains this
    .venv/bin/python benchmarks/hostile.py --scale 0.5  # smaller inputs, for a quick look
    .venv/bin/python benchmarks/hostile.py --reference  # whole processes against `argdown json`

The series are the inputs an adversarial sweep found quadratic (see docs/performance.md); two
more time `fmt --check` on one long paragraph and `relate` under a statement with many
children. The garbage collector is off, as it is in the command line.

The sweep also timed a 120 KB stress file from a public Argdown parser's fixtures
(src/parser.fixtures/large-stress.argdown in github.com/kellenff/argdown-2). It is another
project's text, so it is not in this repository: pass it with --stress FILE (or a clone of
that repository); without it, its row is skipped with a message.

--reference runs whole processes instead, `argmap check` (and `argmap export` on the stress
file) against the reference's `argdown json` on the largest input of each series, alternating,
and prints the medians of --runs runs.
"""
from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import measure, reference_cli

STRESS_REPOSITORY = "kellenff/argdown-2"
STRESS_PATH = "src/parser.fixtures/large-stress.argdown"
# Where a clone may already be: this project's cache, and the mirror the project's tools keep.
STRESS_CLONES = (Path(__file__).resolve().parent / ".cache" / "argdown-2",
                 Path("/work/.mirror") / STRESS_REPOSITORY.replace("/", "+") / "repo")


def _statements(n: int) -> str:
    return "".join(f"[S{i}]: statement number {i}.\n" for i in range(n))


def _headings(n: int) -> str:
    return "".join(f"# Heading {i}\n" for i in range(n))


def _malformed_relations(n: int) -> str:
    return "[T]: the thesis.\n" + "".join(f"  + > [R{i} \n" for i in range(n))


def _long_paragraph(n: int) -> str:
    return "[P]: " + " ".join(f"word{i}" for i in range(n)) + "\n"


def _children(n: int) -> str:
    return "[T]: the thesis.\n" + "".join(f"  + [C{i}]: child {i}.\n" for i in range(n)) + "\n[New]: a new one.\n"


# name: (make the input for a size, the sizes)
SERIES = {
    "statements, no blank line": (_statements, (1000, 2000, 4000)),
    "consecutive headings": (_headings, (1000, 2000, 4000)),
    "a line of <": (lambda n: "<" * n, (10_000, 20_000, 40_000)),
    "{{{{ blocks": (lambda n: "{{{{\n" * n, (3000, 6000, 12_000)),
    "a run of [": (lambda n: "[" * n, (25_000, 50_000, 100_000)),
    "unclosed * emphasis": (lambda n: "[A]: " + "*a " * n, (10_000, 20_000, 40_000)),
    "malformed relation lines": (_malformed_relations, (800, 1600, 3200)),
}


def _check(text: str) -> None:
    import argmap
    from argmap.check import check_map

    check_map(argmap.loads(text))


def _fmt_check(text: str) -> None:
    from argmap.edit import Document

    Document(text).format()


def _relate(text: str) -> None:
    from argmap.edit import Document

    Document(text).relate("New", "T", "support")


TASKS = {
    "fmt --check, one long paragraph": (_long_paragraph, (25_000, 50_000, 100_000), _fmt_check),
    "relate under many children": (_children, (1250, 2500, 5000), _relate),
}


def _stress_text(given: Path | None) -> str | None:
    """The stress file's text, from the file or clone given, else from a known clone; None if
    none is at hand (a message says how to get it)."""
    for place in ([given] if given else list(STRESS_CLONES)):
        if place.is_file():
            return place.read_text(encoding="utf-8")
        if (place / STRESS_PATH).is_file():
            return (place / STRESS_PATH).read_text(encoding="utf-8")
        if place.is_dir():  # a bare clone
            shown = subprocess.run(["git", "--git-dir", str(place), "show", f"HEAD:{STRESS_PATH}"],
                                   capture_output=True, text=True)
            if shown.returncode == 0:
                return shown.stdout
    print(f"stress file skipped: clone https://github.com/{STRESS_REPOSITORY} and pass --stress "
          f"CLONE (or --stress FILE for its {STRESS_PATH})", file=sys.stderr)
    return None


def _time(task, text: str) -> float:
    started = time.perf_counter()
    task(text)
    return time.perf_counter() - started


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("name", nargs="?", default="", help="run only the series whose name contains this")
    options.add_argument("--scale", type=float, default=1.0, help="multiply every size by this")
    options.add_argument("--stress", type=Path, help=f"{STRESS_PATH} of {STRESS_REPOSITORY}, or a clone of it")
    options.add_argument("--reference", action="store_true", help="whole processes against the reference")
    options.add_argument("--argdown", help="the reference's `argdown` command (default: installed as run.py does)")
    options.add_argument("--runs", type=int, default=3, help="with --reference: runs per command (median)")
    arguments = options.parse_args()
    stress = _stress_text(arguments.stress) if arguments.name in "stress file" else None
    if arguments.reference:
        _against_reference(arguments, stress)
        return
    gc.disable()
    _check("[A]: warm up.\n")  # imports and the parser's tables
    rows = [(name, make, sizes, _check) for name, (make, sizes) in SERIES.items()]
    rows += [(name, make, sizes, task) for name, (make, sizes, task) in TASKS.items()]
    print("| series | size | input | time | ratio per doubling |")
    print("|---|---|---|---|---|")
    for name, make, sizes, task in rows:
        if arguments.name not in name:
            continue
        previous = None
        for size in sizes:
            size = max(1, int(size * arguments.scale))
            text = make(size)
            seconds = _time(task, text)
            ratio = "" if previous is None else f"{(seconds / previous[1]) ** (1 / _doublings(previous[0], size)):.2f}"
            print(f"| {name} | {size} | {len(text) / 1000:.0f} KB | {seconds:.2f} s | {ratio} |", flush=True)
            previous = (size, seconds)
    if stress is not None:
        print(f"| stress file | 1 | {len(stress) / 1000:.0f} KB | {_time(_check, stress):.2f} s |  |", flush=True)


def _against_reference(arguments, stress: str | None) -> None:
    reference = [arguments.argdown] if arguments.argdown else reference_cli()
    if reference is None:
        return
    argmap = str(Path(sys.executable).parent / "argmap")
    inputs = [(name, make(max(1, int(sizes[-1] * arguments.scale)))) for name, (make, sizes) in SERIES.items()
              if arguments.name in name]
    inputs += [("stress file", stress)] if stress is not None else []
    print(f"load average before: {os.getloadavg()[0]:.1f}; medians of {arguments.runs} runs")
    print("| input | size | `argmap check` | `argmap export` | `argdown json` | reference / argmap check |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as scratch:
        for name, text in inputs:
            source = Path(scratch) / "input.argdown"
            source.write_text(text, encoding="utf-8")
            jobs = {"check": [argmap, "check", str(source)],
                    "reference": reference + ["json", str(source), str(Path(scratch) / "reference")]}
            if name == "stress file":
                jobs["export"] = [argmap, "export", str(source), "-o", str(Path(scratch) / "argmap.json")]
            times: dict[str, list[float]] = {job: [] for job in jobs}
            for _ in range(arguments.runs):
                for job, command in jobs.items():  # alternating, so that both see the same machine
                    times[job].append(measure(command)[0])
            median = {job: statistics.median(got) for job, got in times.items()}
            export = f"{median['export']:.2f} s" if "export" in median else ""
            print(f"| {name} | {len(text) / 1000:.0f} KB | {median['check']:.2f} s | {export} "
                  f"| {median['reference']:.2f} s | {median['reference'] / median['check']:.2f} |", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


def _doublings(small: int, large: int) -> float:
    import math

    return math.log2(large / small)


if __name__ == "__main__":
    main()
