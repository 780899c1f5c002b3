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
        f"{THESIS}: 50 statements, 17 arguments, 17 relations, 8 sections; 0 errors, 3 warnings")
    assert f"{THESIS}:210:7: warning: [Orthogonal Preservation] is defined nowhere" in result.stdout
    vargdown = argmap("check", "--semantics", "vargdown", THESIS)
    assert vargdown.returncode == 0 and vargdown.stdout.count("under vargdown's rule") == 10


def test_check_exits_1_on_errors_and_names_each_place(tmp_path):
    bad = tmp_path / "bad.argdown"
    bad.write_text("[A]: fine\n\n[B]: text\n(3) stray\n\n[C]: {broken: [}\n")
    result = argmap("check", bad, THESIS)
    assert result.returncode == 1
    assert f"{bad}:4:1: error: unexpected statement number '(3)'" in result.stdout
    assert f"{bad}:6:" in result.stdout and "YAML" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert "17 arguments" in result.stdout  # the second file is still checked


def test_check_quotes_the_line_it_names_whatever_the_line_endings(tmp_path):
    # A lone \r ends a line; a Unicode line separator or a form feed inside a text does not.
    odd = tmp_path / "odd.argdown"
    odd.write_bytes("[A]: one\u2028two\x0cthree\r[B]: needs a blank line above\r".encode())
    result = argmap("check", odd)
    assert f"{odd}:2:1: error: unexpected statement title '[B]:'" in result.stdout
    assert "\n    [B]: needs a blank line above\n    ^" in result.stdout


def test_a_number_the_engine_cannot_use_is_an_error_in_every_command(tmp_path):
    bad = tmp_path / "bad.argdown"
    bad.write_text("[T]: t\n  + [S]: s {credence: high}\n")
    for command in (["credence"], ["explain", "--", "T"], ["cruxes"], ["render"], ["report"]):
        result = argmap(command[0], bad, *command[1:])
        assert result.returncode == 1, (command, result.stderr)
        assert f"{bad}:2:" in result.stderr and "error" in result.stderr, command


def test_an_output_that_cannot_be_written_is_one_line_and_exit_1(tmp_path):
    (tmp_path / "taken.svg").mkdir()
    for command in (["export", THESIS, "-o", tmp_path / "missing" / "out.json"],
                    ["render", THESIS, "-o", tmp_path / "taken.svg"],
                    ["report", THESIS, "-o", tmp_path / "taken.svg"]):
        result = argmap(*command)
        assert result.returncode == 1, (command, result.stderr)
        assert result.stderr.strip().splitlines()[-1].endswith(("cannot write: No such file or directory",
                                                                "cannot write: Is a directory")), command
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr


def test_usage_errors_exit_2(tmp_path):
    assert argmap("check").returncode == 2
    result = argmap("check", tmp_path / "missing.argdown")
    assert result.returncode == 2 and "cannot read" in result.stderr and "Traceback" not in result.stderr
    assert argmap("export", THESIS, "--format", "yaml").returncode == 2


def test_export_writes_reference_shaped_json(tmp_path):
    out = tmp_path / "thesis.json"
    result = argmap("export", THESIS, "--format", "argdown-json", "-o", out)
    assert result.returncode == 0 and result.stderr == f"{THESIS}: 3 warnings; see `argmap check {THESIS}`\n"
    data = json.loads(out.read_text())
    assert set(data) >= {"statements", "arguments", "relations", "sections"}
    assert data["arguments"]["SVD Basis Cluster"]["pcs"][-1]["role"] == "main-conclusion"
    assert {"from": "SVD Is Natural Basis", "to": "Natural Manifold", "relationType": "entails"}.items() <= \
        next(r for r in data["relations"] if r["from"] == "SVD Is Natural Basis").items()
    assert [s["title"] for s in data["sections"]][:2] == ["SVD Basis", "Orthogonality"]


def test_help_lists_the_commands():
    result = argmap("--help")
    assert result.returncode == 0 and "check" in result.stdout and "export" in result.stdout


def test_credence_prints_the_bottom_line_and_its_contributions():
    result = argmap("credence", THESIS)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("[Natural Manifold] = 0.7212   (df-quad, computed: 11 for, 4 against")
    assert lines[2].split() == ["-0.0953", "0.243", "<Gain", "Control", "Sufficiency>", "through", "[Rescaling",
                                "Gets", "60-80%]", "(contrary)"]
    assert len(lines) == 2 + 15 and result.stderr == f"{THESIS}: 3 warnings; see `argmap check {THESIS}`\n"
    vargdown = argmap("credence", THESIS, "--semantics", "vargdown")
    assert vargdown.stdout.startswith("[Natural Manifold] = 0.9225 ")


def test_credence_json_and_what_ifs():
    data = json.loads(argmap("credence", THESIS, "--format", "json").stdout)
    assert set(data) == {"semantics", "theses", "statements", "arguments", "contributions"}
    assert data["theses"] == ["Natural Manifold"]
    assert data["statements"]["SVD Init Wins"] == {"credence": 0.88, "origin": "stated"}
    assert data["arguments"]["PSOFT Synthesis"] == {"conclusion": "SVD Plus Orthogonal Synergy", "strength": 0.615}
    # --set: [SVD Plus Orthogonal Synergy] = 0.82 * 0.5 = 0.41 instead of 0.615
    what_if = json.loads(argmap("credence", THESIS, "-f", "json", "--set", "PSOFT Synthesis=0.5",
                                "--set", "[OFT in SVD Coords]=1").stdout)
    assert what_if["arguments"]["PSOFT Synthesis"]["strength"] == 0.5
    assert what_if["statements"]["Natural Manifold"]["credence"] < data["statements"]["Natural Manifold"]["credence"]
    for bad, message in ((["--set", "Nope=0.5"], "no statement or argument is titled 'Nope'"),
                         (["--set", "SVD Init Wins"], "write TITLE=NUMBER"),
                         (["--set", "SVD Init Wins=2"], "from 0 to 1"),
                         (["--semantics", "bayes"], "unknown semantics 'bayes'"), (["-f", "yaml"], "text or json")):
        result = argmap("credence", THESIS, *bad)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr, bad


def test_explain_and_cruxes_on_the_thesis():
    result = argmap("explain", THESIS, "Natural Manifold")
    assert result.returncode == 0 and result.stdout.startswith("[Natural Manifold] = 0.7212   base prior 0.5")
    assert "      premise: [Scaling Vectors Competitive] = 0.72 (share of the line above: -0.1758)   stated 0.72" \
        in result.stdout
    missing = argmap("explain", THESIS, "Natural Manifolds")
    assert missing.returncode == 2 and "did you mean 'Natural Manifold'?" in missing.stderr
    result = argmap("cruxes", THESIS, "--top", "5")
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 2 + 5
    assert f"[Rescaling Gets 60-80%] inference in <Gain Control Sufficiency>  ({THESIS}:291:5)" in result.stdout
    data = json.loads(argmap("cruxes", THESIS, "-n", "3", "-f", "json", "-s", "vargdown").stdout)
    assert data[0]["thesis"] == "Natural Manifold" and len(data[0]["cruxes"]) == 3
    assert data[0]["cruxes"][0]["input"]["label"] == "[SVD Plus Orthogonal Synergy] inference in <PSOFT Synthesis>"


def test_a_command_ends_with_its_whole_output_its_status_and_the_exit_functions_run(tmp_path):
    """`main` leaves what the command made to the operating system at its end (see its
    docstring): the output is still whole, in a pipe and in a file, the exit status is the
    command's and an exit function registered before it still runs."""
    import argmap
    from argmap.export import dumps

    bad = tmp_path / "bad.argdown"  # an error (exit 1), and JSON of a few hundred kilobytes
    bad.write_text("".join(f"[S{i}]: statement {i} with some text #tag{i % 7}\n  + [R{i}]: reason {i}\n\n"
                           for i in range(400)) + "[B]: text\n(3) stray\n")
    expected = dumps(argmap.load(bad))
    script = ("import atexit, sys; atexit.register(print, 'exit function ran', file=sys.stderr); "
              "from argmap.cli import main; sys.argv = ['argmap', *sys.argv[1:]]; main()")
    out = tmp_path / "out.json"
    for into in (["-o", out], []):
        result = subprocess.run([sys.executable, "-c", script, "export", bad, *into], capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 1
        assert (out.read_text() if into else result.stdout) == expected and len(expected) > 200_000
        assert f"{bad}:" in result.stderr and "error: unexpected statement number '(3)'" in result.stderr
        assert result.stderr.endswith("exit function ran\n")
