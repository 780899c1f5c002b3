#!/usr/bin/env python3
"""Time argmap against the reference Argdown implementation, side by side, in one run.

    .venv/bin/python benchmarks/run.py                 # thesis, N = 1000, 5000, 50000
    .venv/bin/python benchmarks/run.py --sizes 1000 --runs 3
    .venv/bin/python benchmarks/run.py --sizes 5000 --baseline ../main/.venv/bin/argmap   # before/after
    .venv/bin/python benchmarks/run.py --runs 5 --write-docs     # the table into docs/performance.md

Each measurement is a whole process (start-up included) timed with its peak memory (the
child's own maximum resident set, from wait4). Commands alternate (argmap, reference,
argmap, ...) so that both see the same machine; times are medians of --runs runs, peak memory
and exit status the maximum.
Maps come from ../shared/bench/genmap.py and are cached in benchmarks/.cache/maps. Where
Node.js and npm are present, @argdown/cli 1.7.5 is installed into benchmarks/.cache/node (not
into the project) and `argdown json` is timed on the same files; the ratios compare it with
`argmap export --format argdown-json`. `--baseline` times another build's `argmap export` (say
main's, before a change) in the same rounds, with its speed-up over that build.
`--write-docs` writes the table, the conditions of the run (date, Python, cores, load average)
and issue 17's targets, met or not, between `<!-- run.py: begin -->` and `<!-- run.py: end -->`
in docs/performance.md (see docs_section.py), leaving the rest of the file as it is.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docs_section import check_section, conditions, done, load_average, write_section

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
GENMAP = ROOT.parent / "shared" / "bench" / "genmap.py"
THESIS = ROOT / "maps" / "natural_manifold.argdown"
REFERENCE_VERSION = "1.7.5"
DOCS_SECTION = "run.py"
DOCS_PLACE = 'under "## Against the reference implementation", where the table goes'


def measure(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak memory in MiB and exit status of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def reference_cli() -> list[str] | None:
    """The reference `argdown` command, installed into the cache on first use; None without Node."""
    binary = CACHE / "node" / "node_modules" / ".bin" / "argdown"
    if binary.exists():
        return [str(binary)]
    if not (shutil.which("node") and shutil.which("npm")):
        print("Node.js or npm is not installed: timing argmap alone", file=sys.stderr)
        return None
    print(f"installing @argdown/cli {REFERENCE_VERSION} into {binary.parent.parent.parent}", file=sys.stderr)
    (CACHE / "node").mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["npm", "install", "--prefix", str(CACHE / "node"), "--no-audit", "--no-fund",
                             f"@argdown/cli@{REFERENCE_VERSION}"], capture_output=True, text=True)
    if result.returncode != 0 or not binary.exists():
        print(f"could not install the reference implementation:\n{result.stderr[-2000:]}", file=sys.stderr)
        return None
    return [str(binary)]


def maps(sizes: list[int]) -> list[tuple[str, Path]]:
    folder = CACHE / "maps"
    folder.mkdir(parents=True, exist_ok=True)
    chosen = [("thesis", THESIS)]
    for size in sizes:
        path = folder / f"genmap_{size}.argdown"
        if not path.exists():
            with open(path, "w", encoding="utf-8") as out:
                subprocess.run([sys.executable, str(GENMAP), str(size)], stdout=out, check=True)
        chosen.append((f"N={size}", path))
    return chosen


def commands(argmap: str, reference: list[str] | None, source: Path, scratch: Path,
             baseline: str | None = None) -> dict[str, list[str]]:
    jobs = {
        "argmap export": [argmap, "export", str(source), "--format", "argdown-json", "-o", str(scratch / "a.json")],
        "argmap credence": [argmap, "credence", str(source)],
        "argmap render .dot": [argmap, "render", str(source), "-o", str(scratch / "a.dot")],
    }
    if reference:
        jobs["argdown json"] = reference + ["json", str(source), str(scratch / "reference")]
    if baseline:
        jobs["baseline export"] = [baseline, "export", str(source), "--format", "argdown-json", "-o",
                                   str(scratch / "b.json")]
    return jobs


def run(sizes: list[int], runs: int, baseline: str | None = None) -> dict:
    argmap = str(Path(sys.executable).parent / "argmap")
    reference = reference_cli()
    results: dict = {"runs": runs, "python": sys.version.split()[0], "maps": {}, "load": [load_average()]}
    startup = [measure([argmap, "--help"])[0] for _ in range(runs)]
    results["argmap --help"] = statistics.median(startup)
    if baseline:
        results["baseline --help"] = statistics.median(measure([baseline, "--help"])[0] for _ in range(runs))
    with tempfile.TemporaryDirectory() as scratch:
        for name, source in maps(sizes):
            jobs = commands(argmap, reference, source, Path(scratch), baseline)
            samples: dict[str, list] = {job: [] for job in jobs}
            for _ in range(runs):
                for job, command in jobs.items():  # alternate: every job once per round
                    samples[job].append(measure(command))
            results["maps"][name] = {
                "bytes": source.stat().st_size,
                **{job: {"seconds": statistics.median(s[0] for s in got), "mib": max(s[1] for s in got),
                         "status": max(s[2] for s in got)} for job, got in samples.items()}}
            results["load"].append(load_average())
            print(f"{name}: " + ", ".join(f"{job} {v['seconds']:.2f} s" for job, v in results["maps"][name].items()
                                          if isinstance(v, dict)), file=sys.stderr)
    return results


def table(results: dict) -> str:
    lines = [f"`argmap --help`: {results['argmap --help']:.3f} s (median of {results['runs']})"
             + (f"; the baseline's {results['baseline --help']:.3f} s" if "baseline --help" in results else ""), "",
             "| map | size | argmap export | argdown json | speed-up | argmap MiB | argdown MiB | memory ratio "
             "| argmap credence | argmap render .dot |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, row in results["maps"].items():
        ours, theirs = row["argmap export"], row.get("argdown json")
        speedup = f"{theirs['seconds'] / ours['seconds']:.2f}x" if theirs else "-"
        memory = f"{ours['mib'] / theirs['mib']:.2f}" if theirs else "-"
        reference = f"{theirs['seconds']:.2f} s" if theirs else "-"
        if theirs and theirs["status"]:
            reference += f" (exit {theirs['status']})"
        reference_mib = f"{theirs['mib']:.0f}" if theirs else "-"
        lines.append(f"| {name} | {row['bytes'] / 1e6:.2f} MB | {ours['seconds']:.2f} s | {reference} | {speedup} "
                     f"| {ours['mib']:.0f} | {reference_mib} | {memory} | {row['argmap credence']['seconds']:.2f} s "
                     f"| {row['argmap render .dot']['seconds']:.2f} s |")
    if "baseline --help" in results:
        lines += ["", "| map | baseline export | argmap export | speed-up over the baseline |", "|---|---|---|---|"]
        lines += [f"| {name} | {row['baseline export']['seconds']:.2f} s | {row['argmap export']['seconds']:.2f} s "
                  f"| {row['baseline export']['seconds'] / row['argmap export']['seconds']:.2f}x |"
                  for name, row in results["maps"].items()]
    if any(row.get("argdown json", {}).get("status") for row in results["maps"].values()):
        lines += ["", "(exit N): the reference failed on that map; its time is how long it took to fail."]
    small, large = results["maps"].get("N=5000"), results["maps"].get("N=50000")
    if small and large:
        lines += ["", f"Scaling, argmap export N=50000 / N=5000: "
                      f"{large['argmap export']['seconds'] / small['argmap export']['seconds']:.1f}"]
    return "\n".join(lines)


def targets(results: dict) -> str:
    """Issue 17's targets as a table, each met, not met or not measured in this run."""
    maps = results["maps"]

    def speedup(name: str) -> float | None:
        row = maps.get(name, {})
        return row["argdown json"]["seconds"] / row["argmap export"]["seconds"] if "argdown json" in row else None

    def verdict(value: float | None, met: bool) -> str:
        return "not measured" if value is None else "met" if met else "not met"

    rows = []  # each verdict is on the figure as shown, rounded
    for name, goal, size in (("thesis", 2, "the thesis"), ("N=5000", 3, "`genmap.py 5000`")):
        value = speedup(name)
        rows.append((f"{size}, whole process, at least {goal}x faster than `argdown json`", "-" if value is None
                     else f"{value:.2f}x", verdict(value, value is not None and round(value, 2) >= goal)))
    memory = {name: row["argmap export"]["mib"] / row["argdown json"]["mib"]
              for name, row in maps.items() if "argdown json" in row}
    rows.append(("peak memory at most half the reference's",
                 ", ".join(f"{ratio:.2f} ({name})" for name, ratio in memory.items()) or "-",
                 verdict(max(memory.values(), default=None), all(round(r, 2) <= 0.5 for r in memory.values()))))
    small, large = maps.get("N=5000"), maps.get("N=50000")
    scaling = large["argmap export"]["seconds"] / small["argmap export"]["seconds"] if small and large else None
    rows.append(("export N=50000 / N=5000 at most 11", "-" if scaling is None else f"{scaling:.1f}",
                 verdict(scaling, scaling is not None and round(scaling, 1) <= 11)))
    start = results["argmap --help"]
    rows.append(("`argmap --help` under 0.1 s", f"{start:.4f} s", verdict(start, round(start, 4) < 0.1)))
    return "\n".join(["| target | measured | |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows])


def docs_section(results: dict) -> str:
    """What `--write-docs` puts between the markers: the conditions, the table and the targets."""
    reference = (f" The reference is `@argdown/cli` {REFERENCE_VERSION}." if any("argdown json" in row
                 for row in results["maps"].values()) else " Node.js was absent: the reference was not timed.")
    return "\n\n".join([f"{conditions(results['load'], results['runs'])} Peak memory and exit status are the "
                         f"maximum.{reference}", table(results), "Issue 17's targets:", targets(results)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000,50000", help="genmap sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (the median is reported)")
    parser.add_argument("--baseline", metavar="ARGMAP", help="another build's argmap command to time export with")
    parser.add_argument("--write-docs", action="store_true",
                        help="write the table and the targets into docs/performance.md between its run.py markers")
    args = parser.parse_args()
    if not GENMAP.exists():
        print(f"{GENMAP} is absent: the benchmark maps come from ../shared/bench", file=sys.stderr)
        return 2
    if args.write_docs and not done(check_section, DOCS_SECTION, DOCS_PLACE):  # before a long run
        return 2
    results = run([int(s) for s in args.sizes.split(",") if s], args.runs, args.baseline)
    out = CACHE / "results.json"
    out.write_text(json.dumps(results, indent=2))
    print(table(results))
    print(f"\n(raw figures in {out.relative_to(ROOT)})", file=sys.stderr)
    if args.write_docs:
        if not done(write_section, DOCS_SECTION, docs_section(results), DOCS_PLACE):  # removed during the run
            return 2
        print(f"(the table and the targets written into {DOCS_SECTION}'s section of docs/performance.md)",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
