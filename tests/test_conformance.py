"""Conformance with the reference implementation, scored by ../shared/conformance/compare.py."""
from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys

import argmap
from argmap.export import dumps

from conftest import shared


def _compare_module():
    """../shared/conformance/compare.py, imported: its scoring, run on argmap's export in this
    process (one `argmap export` process per case would spend a minute starting Python)."""
    spec = importlib.util.spec_from_file_location("compare", shared("conformance", "compare.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_export_matches_the_reference_on_every_case():
    compare = _compare_module()
    cases = shared("conformance", "cases")
    sources = sorted(p for p in cases.glob("*.argdown") if p.with_suffix(".json").exists())
    structure_differs, content_differs = [], []
    for source in sources:
        ours = json.loads(dumps(argmap.load(source)))  # the bytes `argmap export` writes
        structure, content = compare.compare(compare.load(source.with_suffix(".json")), ours)
        if structure:
            structure_differs.append((source.name, structure[:3]))
        elif content:
            content_differs.append((source.name, content[:3]))
    assert len(sources) > 100
    assert structure_differs == []
    assert len(content_differs) <= 0.05 * len(sources), content_differs


def test_every_file_the_reference_rejects_gets_a_diagnostic_with_a_line():
    """compare.py's rule for rejected files, on the command line users run."""
    cases = shared("conformance", "cases")
    rejected = _compare_module().rejected_names(cases)
    assert rejected
    for name in rejected:
        result = subprocess.run([sys.executable, "-m", "argmap", "export", str(cases / name), "--format",
                                 "argdown-json"], capture_output=True, text=True, timeout=120)
        said = result.stdout + result.stderr
        assert "Traceback" not in said, name
        assert re.search(rf"{re.escape(str(cases / name))}:\d+:\d+: ", result.stderr), (name, result.stderr[-500:])


def _positions(node, path: str = "", found: dict | None = None) -> dict:
    """Every start and end position in an Argdown-JSON model, by its place in the model."""
    found = {} if found is None else found
    if isinstance(node, dict):
        if "startLine" in node:
            found[path] = tuple(node.get(k) for k in ("startLine", "startColumn", "endLine", "endColumn"))
        for key, value in node.items():
            _positions(value, f"{path}/{key}", found)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _positions(value, f"{path}[{index}]", found)
    return found


def test_positions_match_the_reference():
    """Where each statement, argument, member, PCS and inference starts and ends, as the
    reference exports it (compare.py does not score positions). Sections are left out: the
    reference ends a section with its content, argmap with its heading."""
    import argmap
    from argmap.export import to_argdown_json

    compared, differing = 0, []
    for source in sorted(shared("conformance", "cases").glob("*.argdown")):
        expected = source.with_suffix(".json")
        if not expected.exists():
            continue
        ours = _positions(to_argdown_json(argmap.load(source)))
        for place, position in _positions(json.loads(expected.read_text(encoding="utf-8"))).items():
            if place.startswith("/sections") or place not in ours:
                continue
            compared += 1
            if ours[place] != position:
                differing.append((source.name, place, ours[place], position))
    assert compared > 1500
    # The one known difference: an element followed by an HTML comment on its own lines.
    assert all(name.endswith("argdown-primer.argdown") for name, *_ in differing), differing[:5]
    assert len(differing) <= 3
