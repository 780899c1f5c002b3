"""What the command line prints: help, version, warnings once, labelled and rounded numbers,
the edit commands' refusals, and watch's last good result. In-process, with typer's runner."""
from __future__ import annotations

import json
import re

import argmap
import pytest
from typer.main import get_command
from typer.testing import CliRunner

from argmap.cli import app
from conftest import THESIS

SUMMARY = f"{THESIS}: 3 warnings; see `argmap check {THESIS}`\n"  # the thesis has three warnings

# [A] = 0.1 x 0.2 x inference 0.3: 0.006000000000000001 in floating point
SMALL = """===
thesis: T
===

[T]: the thesis
  + <A>

<A>: a

(1) [P]: p {reason: "r", credence: 0.1}
(2) [Q]: q {reason: "r", credence: 0.2}
----
(3) [C]: c {reason: "r", inference: 0.3}
"""


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="argmap")


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.stdout == f"argmap {argmap.__version__}\n"


def test_help_names_values_not_python_types_and_explains_every_option():
    commands = get_command(app).commands
    assert {"check", "credence", "explain", "set", "unset", "relate", "unrelate", "fmt", "watch"} <= set(commands)
    for name, command in commands.items():
        text = run(name, "--help").stdout
        usage = text.splitlines()[0]
        assert re.search(r"<(?:str|int|float|bool|Path|file|path|list\[.*?\]|[\w ]+ range)>|\{\w+\}", text) is None, \
            (name, text)
        assert re.fullmatch(r"Usage: argmap [\w-]+ \[OPTIONS\]( [A-Z]+(\.\.\.)?)*", usage), usage
        for param in command.params:
            assert param.help, (name, param.name)
    fmt = run("fmt", "--help").stdout
    assert "Usage: argmap fmt [OPTIONS] FILE...\n" in fmt and "  --width N " in fmt
    unrelate = run("unrelate", "--help").stdout
    assert "--from TITLE  the supporting or attacking side" in unrelate and "--to TITLE    what it supports" in unrelate


def test_commands_count_the_warnings_once_and_point_to_check():
    for command in (["credence"], ["explain", THESIS, "Natural Manifold"], ["cruxes"], ["render"], ["export"]):
        args = command if len(command) > 1 else [command[0], THESIS]
        result = run(*args)
        assert result.exit_code == 0 and result.stderr == SUMMARY, command
    one = run("credence", "-")  # nothing to read: exit 2 and one line, before any count
    assert one.exit_code == 2


def test_credence_shows_the_warnings_that_change_numbers_in_full(tmp_path):
    path = tmp_path / "map.argdown"
    path.write_text('[T]: t\n  + [S]: s {reason: "a", credence: 0.9}\n\n[S] {reason: "b", credence: 0.2}\n')
    result = run("credence", path)
    # [S] is stated twice: the last written counts, so the bottom line is 0.5 + 0.5 x 0.2
    assert result.stdout.startswith("[T] = 0.6 ")
    assert f"{path}:2:12: warning: [S] has {{credence: 0.9}} here" in result.stderr
    assert result.stderr.count("warning:") == 1 and "see `argmap check" not in result.stderr
    check = run("check", path)
    # check prints everything, and in the singular where there is one
    assert check.stdout.endswith(f"{path}: 2 statements, 0 arguments, 1 relation, 0 sections; 0 errors, 1 warning\n")


def test_credence_json_has_the_contributions_the_text_shows_without_float_noise(tmp_path):
    data = json.loads(run("credence", THESIS, "--format", "json").stdout)
    text = run("credence", THESIS).stdout.splitlines()
    rows = data["contributions"]["Natural Manifold"]
    assert len(rows) == len(text) - 2 == 15
    first = rows[0]  # the text's first row: -0.0953  0.243  <Gain Control Sufficiency> through [Rescaling ...]
    assert (first["from"], first["concluded_by"], first["kind"]) == \
        ("[Rescaling Gets 60-80%]", ["Gain Control Sufficiency"], "contrary")
    assert round(first["contribution"], 4) == -0.0953 and first["strength"] == 0.243
    path = tmp_path / "small.argdown"
    path.write_text(SMALL)
    assert argmap.credence(argmap.load(path)).arguments["A"].strength != 0.006  # the noise is there to remove
    small = run("credence", path, "-f", "json").stdout
    assert '"strength": 0.006\n' in small and "0000000" not in small
    cruxes = run("cruxes", path, "-f", "json").stdout
    assert "0000000" not in cruxes and "9999999" not in cruxes
    # d[T]/d[Q] = 0.5 x 0.1 x 0.3 = 0.015, which the central difference gives as 0.0150000000198
    assert json.loads(cruxes)[0]["cruxes"][1]["derivative"] == 0.015


def test_explain_labels_each_share():
    text = run("explain", THESIS, "<SVD Basis Cluster>").stdout
    assert text.splitlines()[1] == "  premise: [SVD Init Wins] = 0.88 (share of the line above: -0.0874)   stated 0.88"


def test_plurals(tmp_path):
    path = tmp_path / "small.argdown"
    path.write_text(SMALL.replace('{reason: "r", credence: 0.2}', "{credence: 0.2}"))  # a number without a reason
    result = run("credence", path)
    assert result.stderr == f"{path}: 1 warning; see `argmap check {path}`\n"
    path.write_text("[T]: t\n  + [S]: s {reason: r, credence: 0.4}\n")
    assert "its 1 stated number, by how far" in run("cruxes", path).stdout


def test_set_credence_on_a_conclusion_is_refused_and_unset_removes_a_value(tmp_path):
    path = tmp_path / "small.argdown"
    path.write_text(SMALL)
    refused = run("set", path, "C", "--credence", "0.9")
    assert refused.exit_code == 1 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1 and "--inference" in refused.stderr and "--force" in refused.stderr
    assert path.read_text() == SMALL
    assert run("set", path, "C", "--credence", "0.9", "--force").exit_code == 0
    assert '{reason: "r", credence: 0.9, inference: 0.3}' in path.read_text()
    result = run("unset", path, "C", "credence")
    assert result.exit_code == 0 and path.read_text() == SMALL
    assert "[T]: 0.9500 -> 0.5030 (-0.4470)" in result.stdout  # 0.5 + 0.5 x 0.9, then 0.5 + 0.5 x 0.006
    assert run("unset", path, "P", "reason").exit_code == 0
    assert "(1) [P]: p {credence: 0.1}\n" in path.read_text()


def test_rename_keeps_the_thesis(tmp_path):
    path = tmp_path / "small.argdown"
    path.write_text(SMALL)
    assert run("rename", path, "T", "The Thesis").exit_code == 0
    assert path.read_text() == SMALL.replace("thesis: T", "thesis: The Thesis").replace("[T]:", "[The Thesis]:")
    assert run("credence", path).stdout.startswith("[The Thesis] = 0.503 ")


@pytest.mark.parametrize("bad", [b"1.7", b"high"])
def test_watch_keeps_the_last_good_result_on_any_error(tmp_path, bad):
    from argmap.watch import Session

    session = Session(tmp_path / "map.argdown")
    good = b'===\nthesis: T\n===\n\n[T]: t\n  + [S]: s {reason: "r", credence: 0.5}\n'
    assert session.update(good).endswith("\n  [T]: 0.7500")  # 0.5 + 0.5 x 0.5
    report = session.update(good.replace(b"0.5", bad))
    assert f"{tmp_path / 'map.argdown'}:6:12: error: [S]: {{credence: " in report
    assert report.endswith("1 error; kept the last good result ([T]: 0.7500)")
    assert session.update(good.replace(b"0.5", b"0.25")).endswith("[T]: 0.7500 -> 0.6250 (-0.1250)")


def test_fmt_says_why_it_leaves_a_file_with_errors_and_exits_1(tmp_path):
    path = tmp_path / "broken.argdown"
    text = SMALL.replace("  + <A>", "  + <A>\n\t- [X]: x  ")  # a syntax error; the trailing spaces are no layout
    path.write_text(text)
    for args in (["fmt", path], ["fmt", "--check", path]):
        result = run(*args)
        assert result.exit_code == 1, args
        assert result.stdout == "" and result.stderr.count("\n") == 1
        assert result.stderr.startswith(f"{path}:7:") and "not formatted: unexpected relation" in result.stderr and "argmap check" in result.stderr
        assert path.read_text() == text


@pytest.mark.parametrize("args, said", [
    (["unset", "T", "foo"], "unknown key 'foo' (one of credence, inference, reason)"),
    (["relate", "--from", "P", "--to", "T", "--kind", "atack"], "unknown relation kind 'atack'; did you mean attack?"),
    (["unrelate", "--from", "P", "--to", "T", "--kind", "suport"], "did you mean support?"),
])
def test_an_unknown_key_or_relation_kind_is_a_usage_error(tmp_path, args, said):
    path = tmp_path / "small.argdown"
    path.write_text(SMALL)
    result = run(args[0], path, *args[1:])
    assert result.exit_code == 2 and said in result.stderr and result.stderr.count("\n") == 1
    assert path.read_text() == SMALL


def test_a_move_that_rounds_to_nothing_has_no_sign():
    from argmap.watch import moves

    assert moves({"T": 0.3}, {"T": 0.1 + 0.2}) == ["[T]: 0.3000 -> 0.3000 (±0.0000)"]  # 0.30000000000000004
    assert moves({"T": 0.1 + 0.2}, {"T": 0.3}) == ["[T]: 0.3000 -> 0.3000 (±0.0000)"]
    assert moves({"T": 0.3}, {"T": 0.29994}) == ["[T]: 0.3000 -> 0.2999 (-0.0001)"]


def test_the_command_list_gives_each_description_whole():
    listed = "".join(run("--help").stdout.split("Commands:")[1].split())  # wrapped anywhere, `AIF-` included
    assert "..." not in listed
    for name, command in get_command(app).commands.items():
        first = " ".join(command.help.split("\n\n")[0].split()).split(". ")[0]
        assert "".join(f"{name} {first}".split()) in listed, name


def test_evidence_names_the_folder_a_missing_file_was_looked_for_in(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "map.argdown").write_text('[T]: t\n  + [S]: A claim. [Smith 2020](papers/smith.md) #observation\n'
                                          '    > "a quote"\n    {reason: "r", credence: 0.5}\n')
    result = run("evidence", "map.argdown")
    assert result.exit_code == 1
    assert f"evidence file papers/smith.md does not exist under {tmp_path.resolve()}\n" in result.stdout


def test_the_front_matter_chooses_the_semantics_unless_the_command_line_does(tmp_path):
    path = tmp_path / "m.argdown"
    path.write_text("===\nsemantics: quadratic-energy\n===\n\n[T]: t\n  + [A]: a {reason: r, credence: 1}\n")
    # quadratic energy: E = 1, h(E) = 1/2, 0.5 + 0.5 × 0.5 = 0.75; df-quad: 0.5 + 0.5 × 1 = 1
    assert "[T] = 0.75   (quadratic-energy" in CliRunner().invoke(app, ["credence", str(path)]).stdout
    assert "[T] = 1   (df-quad" in CliRunner().invoke(app, ["credence", str(path), "-s", "df-quad"]).stdout
    path.write_text("===\nsemantics: quadratik\n===\n\n[T]: t\n")
    result = CliRunner().invoke(app, ["credence", str(path)])
    assert result.exit_code == 2 and "the front matter names an unknown semantics 'quadratik'" in result.stderr
