#!/usr/bin/env python3
"""Benchmark `argmap evidence` on large saved sources: time and peak memory by file size.

    .venv/bin/python benchmarks/evidence.py [SIZE_MB ...]      (default: 1 10 100)

For each size it writes a synthetic paper (words, hyphenation across lines, page furniture,
citations) into a temporary folder with a map of three observations: a quote near the end,
one the file has only across line breaks and an invented one (which costs a second pass for
the closest passage). Each run is a fresh process, measured as benchmarks/run.py measures
(wall time, the child's own peak resident set). Memory should stay flat as the file grows:
evidence files are read a window at a time.
"""
from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

from run import measure  # benchmarks/run.py: wall time and the child's own peak memory

WORDS = ("adapter rank matrix singular vector weight basis model layer update frozen residual principal "
         "orthogonal rotation scaling sparse spectral energy gradient task transfer prompt").split()


def write_paper(path: Path, megabytes: int) -> str:
    """A paper of about ``megabytes``; returns a sentence from its last page."""
    rng = random.Random(0)
    target = megabytes * 1_000_000
    written = 0
    with path.open("w", encoding="utf-8") as out:
        while written < target:
            words = [rng.choice(WORDS) for _ in range(rng.randint(60, 160))]
            line = " ".join(words) + f" [{rng.randint(1, 60)}] compo-\n\nnents of the (Smith et al., 2021) matrix.\n\n"
            if rng.random() < 0.05:
                line += "> arXiv:0000.00000v1 [cs.LG] page furniture\n\n"
            out.write(line)
            written += len(line)
        ending = "The spectral basis of each weight matrix is the natural coordinate system for adaptation."
        out.write(ending + "\n")
    return ending


def run(megabytes: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "docs").mkdir()
        ending = write_paper(root / "docs" / "paper.md", megabytes)
        (root / "map.argdown").write_text(
            f"[A]: a. #observation\n    [evidence](docs/paper.md#L1-L2)\n    > {ending}\n\n"
            "[B]: b. #observation\n    [evidence](docs/paper.md)\n    > components of the matrix.\n\n"
            "[C]: c. #observation\n    [evidence](docs/paper.md)\n    > An invented sentence that no paper holds.\n",
            encoding="utf-8")
        wall, peak, status = measure([sys.executable, "-m", "argmap", "evidence", str(root / "map.argdown")])
        assert status == 1, f"argmap evidence exited {status}; expected 1 for the invented quote"
    return wall, peak


def main() -> None:
    sizes = [int(size) for size in sys.argv[1:]] or [1, 10, 100]
    print("| evidence file | wall | MB/s | peak memory |")
    print("|---|---|---|---|")
    for megabytes in sizes:
        wall, peak = run(megabytes)
        print(f"| {megabytes} MB | {wall:.1f} s | {megabytes / wall:.1f} | {peak:.0f} MiB |", flush=True)


if __name__ == "__main__":
    main()
