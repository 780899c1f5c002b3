#!/usr/bin/env python3
"""How `check` scales on hostile inputs: each series at a few sizes, in-process, with the ratio
of times per doubling (about 2 for linear time, 4 for quadratic).

    .venv/bin/python benchmarks/hostile.py              # every series
    .venv/bin/python benchmarks/hostile.py headings     # the series whose name contains this
    .venv/bin/python benchmarks/hostile.py --scale 0.5  # smaller inputs, for a quick look

The series are the inputs an adversarial sweep found quadratic (see docs/performance.md); two
more time `fmt --check` on one long paragraph and `relate` under a statement with many
children. The garbage collector is off, as it is in the command line.
"""
from __future__ import annotations

import argparse
import gc
import time


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


def _time(task, text: str) -> float:
    started = time.perf_counter()
    task(text)
    return time.perf_counter() - started


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("name", nargs="?", default="", help="run only the series whose name contains this")
    options.add_argument("--scale", type=float, default=1.0, help="multiply every size by this")
    arguments = options.parse_args()
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


def _doublings(small: int, large: int) -> float:
    import math

    return math.log2(large / small)


if __name__ == "__main__":
    main()
