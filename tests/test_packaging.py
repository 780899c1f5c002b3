"""The wheel carries the grammar and works on its own, outside the source tree."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile

from conftest import ROOT, THESIS


def test_the_wheel_alone_checks_the_thesis(tmp_path):
    """Build the wheel, unpack it, and run argmap from it with this environment's dependencies
    (installing them again would only test pip): the source tree is nowhere on the path."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                    "-w", str(tmp_path), str(ROOT)], check=True, timeout=600)
    [wheel] = tmp_path.glob("argmap-*.whl")
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(unpacked)
    assert {"argmap/grammar/argdown.lark", "argmap/grammar/lalr.json", "argmap/parse.py"} <= set(names)

    environment = {**os.environ, "PYTHONPATH": str(unpacked), "PYTHONSAFEPATH": "1"}
    result = subprocess.run([sys.executable, "-c", "import argmap, sys; print(argmap.__file__); "
                             "from argmap.cli import main; sys.argv = ['argmap', 'check', sys.argv[1]]; main()",
                             str(THESIS)], capture_output=True, text=True, cwd=tmp_path, env=environment,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(str(unpacked)), result.stdout  # the wheel's copy ran, not the tree's
    assert "50 statements, 17 arguments" in result.stdout
