"""The command line: exit codes, messages with file:line:col, no tracebacks."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import THESIS


def argmap(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "argmap", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_check_reports_the_thesis_warning_and_summary():
    result = argmap("check", THESIS)
    assert result.returncode == 0, result.stderr
    assert f"{THESIS}:117:1: warning: <AntiPaSTO OOD Transfer>" in result.stdout
    assert "    (2) [SVD Causal Not Correlational]" in result.stdout and "\n    ^" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == (
        f"{THESIS}: 50 statements, 17 arguments, 17 relations, 8 sections; 0 errors, 1 warning")


def test_check_exits_1_on_errors_and_names_each_place(tmp_path):
    bad = tmp_path / "bad.argdown"
    bad.write_text("[A]: fine\n\n[B]: text\n(3) stray\n\n[C]: {broken: [}\n")
    result = argmap("check", bad, THESIS)
    assert result.returncode == 1
    assert f"{bad}:4:1: error: unexpected statement number '(3)'" in result.stdout
    assert f"{bad}:6:" in result.stdout and "YAML" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert "17 arguments" in result.stdout  # the second file is still checked


def test_usage_errors_exit_2(tmp_path):
    assert argmap("check").returncode == 2
    result = argmap("check", tmp_path / "missing.argdown")
    assert result.returncode == 2 and "cannot read" in result.stderr and "Traceback" not in result.stderr
    assert argmap("export", THESIS, "--format", "yaml").returncode == 2


def test_export_writes_reference_shaped_json(tmp_path):
    out = tmp_path / "thesis.json"
    result = argmap("export", THESIS, "--format", "argdown-json", "-o", out)
    assert result.returncode == 0 and "117:1: warning" in result.stderr
    data = json.loads(out.read_text())
    assert set(data) >= {"statements", "arguments", "relations", "sections"}
    assert data["arguments"]["SVD Basis Cluster"]["pcs"][-1]["role"] == "main-conclusion"
    assert {"from": "SVD Is Natural Basis", "to": "Natural Manifold", "relationType": "entails"}.items() <= \
        next(r for r in data["relations"] if r["from"] == "SVD Is Natural Basis").items()
    assert [s["title"] for s in data["sections"]][:2] == ["SVD Basis", "Orthogonality"]


def test_help_is_quick_to_reach():
    result = argmap("--help")
    assert result.returncode == 0 and "check" in result.stdout and "export" in result.stdout
