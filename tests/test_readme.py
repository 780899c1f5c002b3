"""Every command the README shows runs as written, in order, from a copy of the repository's
map: exit 0, or the exit its comment states (`# ... exit 1 ...`). In-process, with typer's runner."""
from __future__ import annotations

import glob
import re
import shlex
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from argmap.cli import app
from conftest import ROOT, THESIS

README = ROOT / "README.md"
NEEDS_GRAPHVIZ = (".svg", ".png", ".pdf")


def examples() -> list[tuple[int, str]]:
    """(line number, command) for each `argmap` or `cp` line of the README's indented code blocks."""
    return [(number, line.strip()) for number, line in enumerate(README.read_text().splitlines(), 1)
            if re.match(r" {4}(argmap|cp) ", line)]


def test_every_command_example_in_the_readme_runs(tmp_path, monkeypatch):
    repository = tmp_path / "argmap"
    (repository / "maps").mkdir(parents=True)
    shutil.copy(THESIS, repository / "maps")
    (tmp_path / "adapters_as_hypotheses").mkdir()  # the thesis's papers are not there: evidence says so
    monkeypatch.chdir(repository)
    _history(repository / "maps" / THESIS.name)
    found = examples()
    assert len(found) >= 20 and any("relate" in command for _, command in found)
    for number, command in found:
        words = shlex.split(command, comments=True)
        words = [match for word in words for match in (sorted(glob.glob(word)) if "*" in word else [word])]
        if words[0] == "cp":
            shutil.copy(*words[1:])
            continue
        if shutil.which("dot") is None and any(word.endswith(NEEDS_GRAPHVIZ) for word in words):
            continue  # documented as needing Graphviz
        stated = re.search(r"#.*\bexit (\d)", command)
        result = CliRunner().invoke(app, words[1:], prog_name="argmap")
        assert result.exit_code == (int(stated.group(1)) if stated else 0), \
            f"README.md:{number}: {command}\n{result.stdout}{result.stderr}"
        assert "internal error" not in result.stderr and result.exception is None or \
            isinstance(result.exception, SystemExit), f"README.md:{number}: {result.exception!r}"
    assert (repository / "map.argdown").read_bytes() != THESIS.read_bytes()  # the edits were made
    assert (repository / "maps" / THESIS.name).read_bytes() == THESIS.read_bytes()  # on the copy


def _history(path):
    """The map's git history the `diff` and `log` examples read: three earlier values of one
    credence (the first tagged v1.0), then the map as it is."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed, and the README's diff and log examples read a git history")
    text = path.read_text(encoding="utf-8")
    assert "credence: 0.88" in text
    git = ["git", "-c", "user.name=Author", "-c", "user.email=author@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    for number, value in enumerate(["0.6", "0.7", "0.8", None]):
        path.write_text(text.replace("credence: 0.88", f"credence: {value}", 1) if value else text, encoding="utf-8")
        subprocess.run([*git, "add", str(path)], check=True)
        subprocess.run([*git, "commit", "-q", "-m", f"version {number + 1}"], check=True)
        if number == 0:
            subprocess.run([*git, "tag", "v1.0"], check=True)


@pytest.mark.parametrize("flawed", ['argmap relate map.argdown --from "<New Argument>" --to "Thesis" --kind support',
                                    "argmap fmt --check maps/*.argdown"])
def test_the_examples_that_failed_before_would_be_caught(tmp_path, monkeypatch, flawed):
    # the two README examples of issue 11: the test above fails on such a line
    (tmp_path / "maps").mkdir()
    shutil.copy(THESIS, tmp_path / "maps")
    shutil.copy(THESIS, tmp_path / "map.argdown")
    monkeypatch.chdir(tmp_path)
    words = [match for word in shlex.split(flawed) for match in (sorted(glob.glob(word)) if "*" in word else [word])]
    assert CliRunner().invoke(app, words[1:]).exit_code == 1
