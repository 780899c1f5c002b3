"""tasks.py, the setup script: the installer's progress is shown, not swallowed."""
from __future__ import annotations

import importlib.util

from conftest import ROOT


def test_installing_shows_pip_progress(tmp_path, monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    commands = []
    monkeypatch.setattr(tasks, "VENV", tmp_path)
    monkeypatch.setattr(tasks, "run", lambda *command: commands.append([str(c) for c in command]) or 0)
    tasks.ensure_installed("test")
    (pip,) = commands
    assert pip[1:4] == ["-m", "pip", "install"] and "--quiet" not in pip and "-q" not in pip
    assert pip[pip.index("--progress-bar") + 1] == "on"
    assert "pip shows each step" in capsys.readouterr().out
    tasks.ensure_installed("test")  # installed already: nothing to do
    assert len(commands) == 1
