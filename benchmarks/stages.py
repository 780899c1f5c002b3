#!/usr/bin/env python3
"""Where `argmap export FILE --format argdown-json` spends its time, stage by stage (the stage
tables in docs/performance.md).

    .venv/bin/python benchmarks/stages.py maps/natural_manifold.argdown
    .venv/bin/python benchmarks/stages.py benchmarks/.cache/maps/genmap_5000.argdown --runs 5

Each run is a fresh process that does what the command does, in the command's order, timing
each stage: importing what the command imports (and loading the parser's tables), tokenizing
(its regular expressions are compiled on first use, as in the command), the LALR parse, the
model build, the checks the command prints (they compute credences) and the Argdown JSON
export (into memory). Run by another checkout's Python (say main's, before a change), it
times that checkout. The table gives each stage's median over the runs, with the whole
`argmap --help` process for the start-up; the garbage collector is off, as in the command.
"""
from __future__ import annotations

import argparse
import gc
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HELP = [str(Path(sys.executable).with_name("argmap")), "--help"]


def stages(path: str) -> dict[str, float]:
    """One run's seconds per stage, in this process (which must not have imported argmap)."""
    gc.disable()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")  # as the command does
    timings: dict[str, float] = {}
    started = time.perf_counter()
    import argmap.cli  # noqa: F401 - what the command line imports, then what `export` does
    from argmap import build, check, formats, parse
    from argmap.formats import argdown_json  # noqa: F401
    tables = getattr(parse, "_tables", None) or parse._lark
    tables()
    timings["imports and the parser's tables"] = time.perf_counter() - started

    def timed(name, step, *args):
        begun = time.perf_counter()
        result = step(*args)
        timings[name] = time.perf_counter() - begun
        return result

    text = timed("read", lambda: open(path, encoding="utf-8").read())
    tokens, diagnostics = timed("tokenize", parse.tokenize, text)
    if hasattr(parse, "parse_tokens"):
        tree = timed("LALR parse", parse.parse_tokens, text, tokens, diagnostics)
    else:  # before issue 17 parse() tokenized again: that is taken off
        tree = timed("LALR parse", parse.parse, text)
        timed("tokenize again", parse.tokenize, text)
        timings["LALR parse"] -= timings.pop("tokenize again")
    model = timed("build and validate", build.build, tree)
    timed("check (computes credences)", check.check_map, model)
    timed("export Argdown JSON (in memory)", formats.export, model, "argdown-json", io.StringIO())
    return timings


def whole(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("map")
    options.add_argument("--runs", type=int, default=5, help="processes to take the medians of (default 5)")
    options.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    chosen = options.parse_args()
    if chosen.child:
        print(json.dumps(stages(chosen.map)))
        return
    runs = [json.loads(subprocess.run([sys.executable, __file__, "--child", chosen.map], capture_output=True,
                                      text=True, check=True).stdout) for _ in range(chosen.runs)]
    helps = [whole(HELP) for _ in range(chosen.runs)]
    with open("/proc/loadavg") as load:
        print(f"{chosen.map}: medians of {chosen.runs} runs; load average {load.read().split()[0]}")
    for name in runs[0]:
        print(f"{name:36} {statistics.median(run[name] for run in runs):7.3f} s")
    print(f"{'all stages':36} {statistics.median(sum(run.values()) for run in runs):7.3f} s")
    print(f"{'`argmap --help`, whole process':36} {statistics.median(helps):7.3f} s")


if __name__ == "__main__":
    main()
