#!/usr/bin/env python3
"""Coverage-guided fuzzing of argmap with atheris (libFuzzer), for long runs.

    .venv/bin/pip install atheris
    .venv/bin/python benchmarks/fuzz.py -runs=200000          # or -max_total_time=3600

Each input goes through everything a user can do with a file: parse and build, Argdown-JSON
export, credence under every semantics, explain and cruxes, the DOT diagram, and edits (set,
rename, fmt). The only outcomes allowed are a model with diagnostics, or argmap's own
EditError for an edit it refuses; anything else is a crash that libFuzzer saves as
crash-<hash> for replay (`python benchmarks/fuzz.py crash-<hash>`). An input that takes more
than 2 seconds is a bug too: inputs are capped at 10 KB and libFuzzer's -timeout is 2 s.

The corpus starts from ../shared/conformance/cases, the thesis and random documents, and
grows in benchmarks/.cache/fuzz-corpus.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPUS = HERE / ".cache" / "fuzz-corpus"
sys.path.insert(0, str(ROOT / "tests"))

with atheris.instrument_imports():
    import argmap
    from argmap.edit import Document, EditError
    from argmap.explanation import cruxes, explain
    from argmap.export import dumps
    from argmap.propagate import credence
    from argmap.render import diagram

from randommaps import document  # noqa: E402

SEMANTICS = ("df-quad", "quadratic-energy", "vargdown")


def one_input(data: bytes) -> None:
    text = data.decode("utf-8", errors="surrogateescape")
    model = argmap.loads(text)
    dumps(model)
    results = [credence(model, semantics) for semantics in SEMANTICS]
    diagram(model, results[0]).source  # the DOT text, as `argmap render -o X.dot` writes it
    titles = sorted(model.statements)
    if not titles:
        return
    title = titles[len(data) % len(titles)]
    explain(model, f"[{title}]")
    if len(titles) < 30:
        cruxes(model)
    for edit in (lambda d: d.set_credence(title, 0.5), lambda d: d.rename(title, title + " 2"), lambda d: d.format()):
        try:
            edit(Document(text))
        except EditError:
            pass


def seed_corpus() -> None:
    """Start the corpus from real files and random documents, once."""
    if CORPUS.exists():
        return
    CORPUS.mkdir(parents=True)
    sources = sorted((ROOT.parent / "shared" / "conformance" / "cases").glob("*.argdown"))
    for path in sources + [ROOT / "maps" / "natural_manifold.argdown"]:
        (CORPUS / path.name).write_bytes(path.read_bytes()[:10_000])
    for seed in range(200):
        (CORPUS / f"random_{seed}.argdown").write_text(document(random.Random(seed)), encoding="utf-8")


def main() -> None:
    arguments = sys.argv[:]
    if not any(not a.startswith("-") for a in arguments[1:]):  # no corpus or file given
        seed_corpus()
        arguments.append(str(CORPUS))
    arguments += ["-max_len=10000", "-timeout=2", "-rss_limit_mb=4096"]
    atheris.Setup(arguments, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
