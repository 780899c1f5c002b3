#!/usr/bin/env python3
"""Differential test against the reference implementation on documents it has never seen.

    .venv/bin/python benchmarks/differential.py --random 500          # random valid Argdown
    .venv/bin/python benchmarks/differential.py --folder some/maps    # any .argdown files

Runs `argdown json` (@argdown/cli, installed into benchmarks/.cache by benchmarks/run.py's
helper) on each document, argmap's export in-process, and scores both with
../shared/conformance/compare.py. Documents the reference rejects are reported separately:
for them argmap must give at least one diagnostic. Failing inputs are kept in
benchmarks/.cache/differential/ for a look.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests")]

from run import CACHE, reference_cli  # noqa: E402

import argmap  # noqa: E402
from argmap.export import dumps  # noqa: E402
from randommaps import document  # noqa: E402


def load_compare():
    path = ROOT.parent / "shared" / "conformance" / "compare.py"
    spec = importlib.util.spec_from_file_location("compare", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference_model(reference: list[str], source: Path) -> dict | None:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(reference + ["json", str(source), out], capture_output=True, timeout=120)
        produced = list(Path(out).glob("*.json"))
        return json.loads(produced[0].read_text(encoding="utf-8")) if produced else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--random", type=int, default=0, help="how many random documents")
    parser.add_argument("--seed", type=int, default=0, help="first seed")
    parser.add_argument("--folder", type=Path, help="also every .argdown file below this folder")
    args = parser.parse_args()
    if not args.random and not args.folder:
        parser.error("nothing to compare: give --random N and/or --folder DIR")
    reference = reference_cli()
    if reference is None:
        return 2
    compare = load_compare()
    keep = CACHE / "differential"
    keep.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        sources = sorted(args.folder.rglob("*.argdown")) if args.folder else []
        for seed in range(args.seed, args.seed + args.random):
            path = Path(scratch) / f"random_{seed}.argdown"
            path.write_text(document(random.Random(seed)), encoding="utf-8", newline="")
            sources.append(path)
        with ThreadPoolExecutor(max_workers=4) as pool:
            references = list(pool.map(lambda s: reference_model(reference, s), sources))
        matched = rejected = silent = 0
        for source, expected in zip(sources, references):
            model = argmap.load(source)
            if expected is None:
                rejected += 1
                if not model.diagnostics:
                    silent += 1
                    print(f"{source.name}: the reference rejects it, argmap says nothing")
                continue
            structure, content = compare.compare(expected, json.loads(dumps(model)))
            if structure or content:
                (keep / source.name).write_bytes(source.read_bytes())
                print(f"{source.name}: " + "; ".join((structure + content)[:3]))
            else:
                matched += 1
    accepted = len(sources) - rejected
    print(f"differential: {matched}/{accepted} match the reference; {rejected - silent}/{rejected} rejected "
          "documents have a diagnostic")
    return 0 if matched == accepted and silent == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
