#!/usr/bin/env python3
"""Check that a change left `argmap export --format argdown-json` byte for byte as it was.

    # before the change, from an untouched build:
    .venv/bin/python benchmarks/identical.py save /tmp/baseline
    # after it (or after a merge):
    .venv/bin/python benchmarks/identical.py check /tmp/baseline

The maps are every conformance case (../shared/conformance/cases), the thesis and
`genmap.py 5000`. Each runs as a whole process with the `argmap` next to this Python, so
what is compared is what a user gets: the JSON file, the messages on stderr and the exit
status. `check` lists every difference and exits 1 if there is one.
"""
from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ARGMAP = Path(sys.executable).with_name("argmap")


def sources(folder: Path) -> list[Path]:
    """The maps to export; `genmap.py 5000` is written into ``folder`` (it is deterministic)."""
    folder.mkdir(parents=True, exist_ok=True)
    generated = folder / "genmap_5000.argdown"
    if not generated.exists():
        with open(generated, "w", encoding="utf-8") as out:
            subprocess.run([sys.executable, str(SHARED / "bench" / "genmap.py"), "5000"], stdout=out, check=True)
    cases = sorted((SHARED / "conformance" / "cases").glob("*.argdown"))
    return [*cases, ROOT / "maps" / "natural_manifold.argdown", generated]


def export(source: Path, into: Path) -> None:
    """The export of ``source`` as three files in ``into``: .json, .stderr and .status."""
    out = into.resolve() / source.stem
    result = subprocess.run([str(ARGMAP), "export", source.name, "--format", "argdown-json", "-o", f"{out}.json"],
                            capture_output=True, cwd=source.parent)  # messages name the file as in any checkout
    Path(f"{out}.stderr").write_bytes(result.stderr)
    Path(f"{out}.status").write_text(str(result.returncode))


def run(into: Path, maps: list[Path]) -> None:
    into.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda source: export(source, into), maps))


def main(command: str, baseline: Path) -> int:
    maps = sources(baseline)
    if command == "save":
        run(baseline / "exports", maps)
        print(f"saved the exports of {len(maps)} maps in {baseline / 'exports'}")
        return 0
    current = baseline / "current"
    run(current, maps)
    differing = [f"{source.stem}{suffix}" for source in maps for suffix in (".json", ".stderr", ".status")
                 if not (current / f"{source.stem}{suffix}").exists()
                 or (current / f"{source.stem}{suffix}").read_bytes()
                 != (baseline / "exports" / f"{source.stem}{suffix}").read_bytes()]
    for name in differing:
        print(f"differs: {name} (compare {current / name} with {baseline / 'exports' / name})")
    print(f"{len(maps) - len({name.rsplit('.', 1)[0] for name in differing})}/{len(maps)} maps identical")
    return 1 if differing else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("save", "check"):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
