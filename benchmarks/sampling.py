#!/usr/bin/env python3
"""Timings of the uncertainty and history tools on the thesis (the figures in
docs/performance.md), in-process, median of ``--runs``:

    .venv/bin/python benchmarks/sampling.py --runs 5

- ``argmap credence --samples 10000`` on the thesis with every number varied (its 47 stated
  numbers with ``--default-spread 0.1``): the draws, the vectorised propagation and the Sobol
  indices, after the map is loaded; its target is under 2 s;
- the same 10,000 sets of numbers through ``credence()`` one at a time, on a tenth of them,
  for the speed-up of the vectorised propagation;
- ``argmap diff`` with 12 changes (exact Shapley values over 4096 coalitions): stated numbers,
  relations (both columns of one batch), and whole arguments added (which rebuild the map
  for each of the 512 sets of added statements and arguments); and
  ``argmap cruxes --method shapley`` (sampled over 200 orders of the 47 numbers);
- ``argmap credence --samples 10000`` and ``argmap --help`` as whole processes (the latter's
  target is under 0.1 s).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THESIS = ROOT / "maps" / "natural_manifold.argdown"


def timed(step, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def twelve_changes(text: str) -> str:
    """The thesis with six credences and six inferences changed."""
    import re

    count = {"credence": 0, "inference": 0}

    def change(match: re.Match) -> str:
        key = match.group(1)
        count[key] += 1
        return f"{key}: 0.3}}" if count[key] <= 6 else match.group(0)

    return re.sub(r"(credence|inference): [0-9.]+\}", change, text)


def three_objections(text: str) -> str:
    """The thesis with three new arguments against it: twelve changes (each argument, its
    premise, its conclusion and its relation)."""
    return text + "".join(f"\n<Objection {i}>\n\n(1) [Doubt {i}]: a doubt {{credence: 0.6}}\n----\n"
                          f"(2) [Objection {i} Holds]: it holds {{inference: 0.7}}\n  -> [Natural Manifold]\n"
                          for i in range(3))


def relations_flipped(text: str) -> str:
    """The thesis with six supporting relations turned into attacks: twelve changes."""
    lines, flipped = [], 0
    for line in text.split("\n"):
        if line == "  +> [Natural Manifold]" and flipped < 6:
            line, flipped = "  -> [Natural Manifold]", flipped + 1
        lines.append(line)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs

    import argmap
    from argmap.batch import override_name
    from argmap.explanation import cruxes
    from argmap.propagate import Network, credence
    from argmap.sampling import sample
    from argmap.versions import diff

    model = argmap.load(THESIS)
    sample(model, 100, default_spread=0.1)  # imports numpy once
    rows = [("credence --samples 10000 (47 numbers varied), after loading",
             timed(lambda: sample(model, 10_000, seed=1, default_spread=0.1), runs))]
    network = Network(model)
    names = {key: override_name(network, key) for key in network.inputs}

    def one_at_a_time() -> None:
        for _ in range(1000):
            credence(model, "df-quad", {name: 0.5 for name in names.values()})

    per_thousand = timed(one_at_a_time, 1)
    rows.append(("the same through credence() one set at a time, per 10,000 (from 1000)", per_thousand * 10))
    text = THESIS.read_text()
    for name, edit in (("12 stated numbers", twelve_changes), ("6 relations flipped", relations_flipped),
                       ("3 arguments added", three_objections)):
        changed = argmap.loads(edit(text))
        count = len(diff(model, changed).changes)
        rows.append((f"diff, {name} ({count} changes, exact)", timed(lambda: diff(model, changed), runs)))
    rows.append(("cruxes --method shapley (47 numbers, 200 orders)",
                 timed(lambda: cruxes(model, method="shapley"), runs)))
    rows.append(("argmap credence --samples 10000 --default-spread 0.1 (whole process)",
                 timed(lambda: subprocess.run([sys.executable, "-m", "argmap", "credence", str(THESIS), "--samples",
                                               "10000", "--default-spread", "0.1"], capture_output=True), runs)))
    rows.append(("argmap --help (whole process)",
                 timed(lambda: subprocess.run([sys.executable, "-m", "argmap", "--help"], capture_output=True,
                                              check=True), runs)))
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:8.3f} s")


if __name__ == "__main__":
    main()
