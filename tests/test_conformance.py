"""Conformance with the reference implementation, scored by ../shared/conformance/compare.py."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

from conftest import shared


def test_export_matches_the_reference_on_every_case():
    compare = shared("conformance", "compare.py")
    cases = shared("conformance", "cases")
    argmap = shutil.which("argmap") or f"{sys.executable} -m argmap"
    result = subprocess.run(
        [sys.executable, str(compare), "--cases", str(cases),
         "--cmd", f"{argmap} export {{src}} --format argdown-json -o {{out}}"],
        capture_output=True, text=True, timeout=600)
    last = result.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"conformance: (\d+)/(\d+) structure, (\d+)/(\d+) content, (\d+)/(\d+) rejected-handled", last)
    assert match, result.stdout[-2000:]
    structure, total, content, _, handled, rejected = map(int, match.groups())
    assert total > 0
    assert structure == total, result.stdout[-3000:]
    assert content >= 0.95 * total, result.stdout[-3000:]
    assert handled == rejected, result.stdout[-3000:]
