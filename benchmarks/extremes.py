#!/usr/bin/env python3
"""The extremes that are too slow for the test suite, at full size, timed stage by stage.

    .venv/bin/python benchmarks/extremes.py

The suite (tests/test_robustness.py) runs the same shapes at sizes past the recursion limit;
here they run at the sizes where a quadratic step or a recursion would show: a chain of 10,000
arguments and 20,000 supporters of one claim. Each must load, export, weigh under every
semantics and draw without raising; the table gives the seconds of each stage.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import argmap  # noqa: E402
from argmap.export import dumps  # noqa: E402
from argmap.propagate import credence  # noqa: E402
from argmap.render import diagram  # noqa: E402
from randommaps import chain_of_arguments, direct_supporters  # noqa: E402

EXTREMES = {
    "a chain of 10,000 arguments": lambda: chain_of_arguments(10_000),
    "20,000 direct supporters": lambda: direct_supporters(20_000),
}
SEMANTICS = ("df-quad", "quadratic-energy", "vargdown")


def timed(work):
    started = time.perf_counter()
    value = work()
    return value, time.perf_counter() - started


def main() -> int:
    print(f"| map | load | export | {' | '.join(SEMANTICS)} | DOT |")
    print("|---|---|---|" + "---|" * len(SEMANTICS) + "---|")
    for name, make in EXTREMES.items():
        text = make()
        model, load = timed(lambda: argmap.loads(text))
        _, export = timed(lambda: json.loads(dumps(model)))
        weights = []
        for semantics in SEMANTICS:
            result, seconds = timed(lambda: credence(model, semantics))
            assert all(0 <= s.credence <= 1 for s in result.statements.values())
            weights.append(seconds)
        _, draw = timed(lambda: diagram(model, result).source)
        cells = " | ".join(f"{s:.2f} s" for s in (load, export, *weights, draw))
        print(f"| {name} | {cells} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
