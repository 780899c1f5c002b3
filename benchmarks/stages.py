#!/usr/bin/env python3
"""Where `argmap export FILE --format argdown-json` spends its time, stage by stage (the stage
tables in docs/performance.md).

    .venv/bin/python benchmarks/stages.py maps/natural_manifold.argdown
    .venv/bin/python benchmarks/stages.py benchmarks/.cache/maps/genmap_5000.argdown --runs 5
    .venv/bin/python benchmarks/stages.py MAP... --baseline ../main/.venv/bin/python --write-docs

Each run is a fresh process that does what the command does, in the command's order, timing
each stage: importing what the command imports (and loading the parser's tables), tokenizing
(its regular expressions are compiled on first use, as in the command), the LALR parse, the
model build, the checks the command prints (they compute credences) and the Argdown JSON
export (into memory). The table gives each stage's median over the runs for each map, with
the whole `argmap --help` process for the start-up; the garbage collector is off, as in the
command. `--baseline PYTHON` (another checkout's Python, say main's before a change) times that
checkout's stages too, this script running in both, the two builds alternating in every round,
and adds the speed-up of this build over it: the stage table before and after a change.
`--write-docs` writes the table with the conditions of the run between
`<!-- stages.py: begin -->` and `<!-- stages.py: end -->` in docs/performance.md (see
docs_section.py), leaving the rest of the file as it is.
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

from docs_section import check_section, conditions, done, load_average, write_section

DOCS_SECTION = "stages.py"
DOCS_PLACE = 'after the run.py section, where the stage table goes'


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


def child(python: str, path: str) -> dict[str, float]:
    """One run's stages in a fresh process of ``python`` (this checkout's or the baseline's)."""
    done = subprocess.run([python, __file__, "--child", path], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{python} could not time the stages of {path}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def measure(paths: list[str], runs: int, pythons: dict[str, str]) -> tuple[dict, dict, list[float]]:
    """Stage medians per (map, build) with their sum, `argmap --help` medians per build, and the
    load averages seen; in each round every build runs once, so both see the same machine."""
    samples: dict = {(path, build): [] for path in paths for build in pythons}
    helps: dict = {build: [] for build in pythons}
    loads = [load_average()]
    for _ in range(runs):
        for path in paths:
            for build, python in pythons.items():
                samples[path, build].append(child(python, path))
        for build, python in pythons.items():
            helps[build].append(whole([str(Path(python).with_name("argmap")), "--help"]))
        loads.append(load_average())
    medians = {key: {**{name: statistics.median(run[name] for run in got) for name in got[0]},
                     "all stages": statistics.median(sum(run.values()) for run in got)}
               for key, got in samples.items()}
    return medians, {build: statistics.median(times) for build, times in helps.items()}, loads


def table(paths: list[str], builds: list[str], medians: dict, helps: dict) -> str:
    """One column per map and build, and the speed-up of this build over the baseline when there is one."""
    header, rows = ["stage"], {name: [name] for name in medians[paths[0], builds[-1]]}
    for path in paths:
        label = Path(path).stem
        header += [f"{label}: {build}" for build in builds] + ([f"{label}: speed-up"] if len(builds) > 1 else [])
        for name, row in rows.items():
            times = [medians[path, build].get(name) for build in builds]
            row += ["-" if t is None else f"{t:.3f} s" for t in times]
            if len(builds) > 1:
                before, after = times
                row.append(f"{before / after:.2f}x" if before and after else "-")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows.values()]
    starts = ", ".join(f"{build} {seconds:.3f} s" for build, seconds in helps.items())
    return "\n".join(lines) + f"\n\n`argmap --help`, whole process: {starts}"


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("maps", nargs="+", metavar="map")
    options.add_argument("--runs", type=int, default=5, help="processes to take the medians of (default 5)")
    options.add_argument("--baseline", metavar="PYTHON",
                         help="another checkout's Python (say main's): its stages are timed in the same rounds")
    options.add_argument("--write-docs", action="store_true",
                         help="write the table into docs/performance.md between its stages.py markers")
    options.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    chosen = options.parse_args()
    if chosen.child:
        print(json.dumps(stages(chosen.maps[0])))
        return 0
    absent = [path for path in chosen.maps if not Path(path).is_file()]
    if absent:
        print(f"no such map: {', '.join(absent)}", file=sys.stderr)
        return 2
    if chosen.write_docs and not done(check_section, DOCS_SECTION, DOCS_PLACE):  # before a long run
        return 2
    pythons = {"baseline": chosen.baseline} if chosen.baseline else {}
    pythons["this build"] = sys.executable
    medians, helps, loads = measure(chosen.maps, chosen.runs, pythons)
    conditions_line = conditions(loads, chosen.runs) + " Each run is a fresh process" + (
        f"; the baseline is {chosen.baseline}, timed in the same rounds." if chosen.baseline else ".")
    result = table(chosen.maps, list(pythons), medians, helps)
    print(f"{conditions_line}\n\n{result}")
    if chosen.write_docs:
        if not done(write_section, DOCS_SECTION, f"{conditions_line}\n\n{result}", DOCS_PLACE):  # removed meanwhile
            return 2
        print(f"(the table written into {DOCS_SECTION}'s section of docs/performance.md)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
