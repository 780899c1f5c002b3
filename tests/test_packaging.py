"""The wheel carries the grammar and works on its own, outside the source tree."""
from __future__ import annotations

import subprocess
import sys
import venv
import zipfile

from conftest import ROOT, THESIS


def test_wheel_installs_into_a_fresh_environment_and_checks_the_thesis(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
                   check=True, timeout=600)
    [wheel] = tmp_path.glob("argmap-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "argmap/grammar/argdown.lark" in names and "argmap/parse.py" in names

    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    subprocess.run([environment / "bin" / "python", "-m", "pip", "install", "--quiet", str(wheel)],
                   check=True, timeout=600)
    result = subprocess.run([environment / "bin" / "argmap", "check", THESIS], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "50 statements, 17 arguments" in result.stdout
