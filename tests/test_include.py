"""Maps across files: `include:` and several files on the command line make one map; each
diagnostic and each edit names (and writes) the file it is in; bad includes are one line."""
from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

import argmap
from argmap.cli import app
from argmap.edit import Document, EditError
from argmap.sources import IncludeError, read

MAIN = """===
thesis: T
include:
  - parts/argument.argdown
  - doubts.argdown
===

[T]: The thesis.
"""
ARGUMENT = """===
include: [premises.argdown]
===

<A>: An argument.

(1) [P]
(2) [Q]
----
(3) [T]: The thesis, as the argument concludes it. {reason: "r", inference: 0.9}
"""
# A byte-order mark and Windows line ends, which an edit must write back as they were.
PREMISES = '\ufeff[P]: A premise. {reason: "r", credence: 0.8}\r\n\r\n[Q]: Another premise. {reason: "r", credence: 0.5}\r\n'
DOUBTS = """[D]: A doubt. {reason: "r", credence: 0.4}
  -> [T]
"""


def write(folder, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())


@pytest.fixture
def split(tmp_path):
    write(tmp_path, {"main.argdown": MAIN, "parts/argument.argdown": ARGUMENT, "parts/premises.argdown": PREMISES,
                     "doubts.argdown": DOUBTS})
    return tmp_path


def run(*args, cwd):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(app, [str(a) for a in args], prog_name="argmap")
    finally:
        os.chdir(old)


def snapshot(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_map_split_over_files_weighs_as_the_same_map_in_one_file(split, tmp_path):
    one = tmp_path / "one.argdown"
    bodies = [MAIN.replace("include:\n  - parts/argument.argdown\n  - doubts.argdown\n", ""),
              ARGUMENT.split("===\n\n", 1)[1], PREMISES.lstrip("\ufeff").replace("\r\n", "\n"), DOUBTS]
    one.write_text("\n".join(bodies))
    whole, alone = argmap.credence(argmap.load(split / "main.argdown")), argmap.credence(argmap.load(one))
    # [T] = 0.36 (<A>: 0.8 × 0.5 × 0.9) attacked by [D] at 0.4: 0.36 - 0.36 × 0.4 = 0.216 (df-quad)
    assert whole.statements["T"].credence == pytest.approx(0.216, abs=1e-12)
    assert {t: s.credence for t, s in whole.statements.items()} == \
        pytest.approx({t: s.credence for t, s in alone.statements.items()}, abs=1e-12)
    assert set(whole.statements) == {"T", "P", "Q", "D"}
    assert run("credence", "main.argdown", cwd=split).stdout.startswith("[T] = 0.216 ")


def test_several_files_on_the_command_line_make_one_map(split):
    (split / "main.argdown").write_text(MAIN.replace("include:\n  - parts/argument.argdown\n  - doubts.argdown\n", ""))
    assert run("credence", "main.argdown", cwd=split).stdout.startswith("[T] = 0.5 ")  # alone: nothing bears on it
    result = run("credence", "main.argdown", "parts/argument.argdown", "doubts.argdown", cwd=split)
    assert result.exit_code == 0 and result.stdout.startswith("[T] = 0.216 ")


def test_a_diagnostic_in_an_included_file_names_that_file_and_its_own_line(split):
    write(split, {"doubts.argdown": DOUBTS + "\n[E]: Another doubt. {reason: \"r\", credance: 0.3}\n  -> [T]\n"})
    result = run("check", "main.argdown", cwd=split)
    # line 4 of doubts.argdown; `credance` starts at column 35 (after 20 characters, `{` and 13 more)
    assert "doubts.argdown:4:35: warning: " in result.stdout and "credance" in result.stdout
    assert '    [E]: Another doubt. {reason: "r", credance: 0.3}\n' in result.stdout
    write(split, {"parts/argument.argdown": ARGUMENT + "  + [D]\n - [Q]\n"})  # indented by 1 space, not 2
    result = run("check", "main.argdown", cwd=split)
    assert result.exit_code == 1
    assert os.path.join("parts", "argument.argdown") + ":12:1: error: unexpected relation '-'" in result.stdout


def test_an_included_files_own_front_matter_only_includes(split):
    write(split, {"doubts.argdown": "===\nthesis: D\n===\n\n" + DOUBTS})
    result = run("check", "main.argdown", cwd=split)
    assert "doubts.argdown:2:1: warning: `thesis:` in an included file's front matter is ignored" in result.stdout
    assert argmap.credence(argmap.load(split / "main.argdown")).theses == ["T"]


def test_set_on_a_claim_of_an_included_file_writes_that_file_alone(split):
    before = snapshot(split)
    result = run("set", "main.argdown", "Q", "--credence", "0.25", cwd=split)
    assert result.exit_code == 0, result.output
    assert os.path.join("parts", "premises.argdown") + ": written" in result.stdout
    after = snapshot(split)
    premises = os.path.join("parts", "premises.argdown")
    assert after.pop(premises) == PREMISES.replace("credence: 0.5", "credence: 0.25").encode()
    del before[premises]
    assert after == before
    # 0.8 × 0.25 × 0.9 = 0.18, attacked at 0.4: 0.18 × 0.6 = 0.108
    assert argmap.credence(argmap.load(split / "main.argdown")).statements["T"].credence == pytest.approx(0.108)


def test_a_read_only_included_file_is_named_in_the_refusal(split):
    premises = split / "parts" / "premises.argdown"
    premises.chmod(0o444)
    before = snapshot(split)
    result = run("set", "main.argdown", "Q", "--credence", "0.25", cwd=split)
    assert result.exit_code == 1
    assert result.output.startswith(os.path.join("parts", "premises.argdown") + " is read-only"), result.output
    assert snapshot(split) == before


def test_rename_and_relate_write_each_file_they_change(split):
    document = Document.open(split / "main.argdown")
    document.rename("T", "Thesis")
    document.relate("P", "D", "attack")
    document.relate("D", "Q", "attack")  # in a file with Windows line ends
    argument, doubts = os.path.join(str(split), "parts", "argument.argdown"), os.path.join(str(split), "doubts.argdown")
    premises = os.path.join(str(split), "parts", "premises.argdown")
    assert sorted(document.changed_files) == sorted([str(split / "main.argdown"), argument, doubts, premises])
    document.save()
    after = snapshot(split)
    assert after["main.argdown"] == MAIN.replace("thesis: T", "thesis: Thesis").replace("[T]", "[Thesis]").encode()
    assert after["doubts.argdown"] == b'[D]: A doubt. {reason: "r", credence: 0.4}\n  -> [Thesis]\n  - [P]\n'
    assert after[os.path.join("parts", "premises.argdown")] == \
        PREMISES.replace('0.5}\r\n', '0.5}\r\n  - [D]\r\n').encode()
    assert argmap.load(split / "main.argdown").statements["Thesis"].text == "The thesis, as the argument concludes it."


def test_an_edit_of_several_files_writes_none_when_one_of_them_changed_on_disk(split):
    document = Document.open(split / "main.argdown")
    document.rename("T", "Thesis")  # in main.argdown, parts/argument.argdown and doubts.argdown
    (split / "doubts.argdown").write_text(DOUBTS + "[E]: Another doubt.\n", encoding="utf-8")
    before = snapshot(split)
    with pytest.raises(EditError, match="doubts.argdown changed on disk"):
        document.save()
    assert snapshot(split) == before


def test_unrelate_on_the_last_line_of_a_file_without_a_line_end_keeps_to_that_file(split):
    write(split, {"doubts.argdown": DOUBTS.rstrip("\n")})
    before = snapshot(split)
    document = Document.open(split / "main.argdown")
    document.unrelate("D", "T", "attack")
    document.save()
    after = snapshot(split)
    assert after.pop("doubts.argdown") == b'[D]: A doubt. {reason: "r", credence: 0.4}\n'
    del before["doubts.argdown"]
    assert after == before


def test_an_edit_may_not_reach_across_two_files(split):
    sources = read([split / "main.argdown"])
    second = sources.segments[1]
    with pytest.raises(ValueError, match="across two files"):
        sources.edited("", [(second.start - 1, second.start + 1, "")])
    moved = sources.edited(sources.text[:second.start] + "xy" + sources.text[second.start:], [(second.start, second.start, "xy")])
    assert moved.file_text(second.path) == ARGUMENT.replace("===\n\n<A>", "===xy\n\n<A>")
    assert moved.segments[2].start == sources.segments[2].start + 2


def bad(folder, files: dict[str, str]):
    write(folder, files)
    before = snapshot(folder)
    result = run("set", "main.argdown", "T", "--credence", "0.3", "--force", cwd=folder)
    assert result.exit_code == 1 and snapshot(folder) == before  # nothing written
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.output
    return result.stderr


def test_output_may_not_replace_an_included_file(split):
    before = snapshot(split)
    for command in (["export", "main.argdown", "-o", "doubts.argdown"],
                    ["report", "main.argdown", "-o", "parts/premises.argdown"]):
        result = run(*command, cwd=split)
        assert result.exit_code == 2, command
        assert "this is the file being read" in result.output
    assert snapshot(split) == before


def test_an_include_cycle_is_one_line(split):
    line = bad(split, {"doubts.argdown": "===\ninclude:\n  - main.argdown\n===\n\n" + DOUBTS})
    assert line == ("doubts.argdown:3:5: error: including main.argdown makes an include cycle "
                    "(main.argdown -> doubts.argdown -> main.argdown)\n")


def test_check_says_which_file_it_could_not_check_and_goes_on_to_the_next(split):
    write(split, {"doubts.argdown": "===\ninclude:\n  - main.argdown\n===\n\n" + DOUBTS, "alone.argdown": "[A]: a.\n"})
    result = run("check", "main.argdown", "alone.argdown", cwd=split)
    assert result.exit_code == 1
    assert "include cycle" in result.stderr
    assert result.stdout.splitlines()[0] == "main.argdown: not checked"
    assert result.stdout.splitlines()[-1].startswith("alone.argdown: 1 statement, 0 arguments")


def test_an_include_outside_the_folder_tree_is_one_line(split, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "x.argdown"
    outside.write_text("[X]: x.\n")
    line = bad(split, {"parts/argument.argdown": ARGUMENT.replace("[premises.argdown]", "[../../x.argdown]")})
    assert line.startswith(os.path.join("parts", "argument.argdown") + ":2:11: error: ../../x.argdown is outside "
                           f"the map's folder tree {os.path.realpath(split)}")
    try:
        (split / "parts" / "link.argdown").symlink_to(outside)
    except OSError:
        pytest.skip("this system does not let a test make symbolic links")
    line = bad(split, {"parts/argument.argdown": ARGUMENT.replace("[premises.argdown]", "[link.argdown]")})
    assert "error: link.argdown is outside the map's folder tree" in line and os.path.realpath(outside) in line


def test_a_missing_included_file_and_an_include_that_is_no_list_are_one_line(split):
    assert bad(split, {"doubts.argdown": "===\ninclude: [gone.argdown]\n===\n\n" + DOUBTS}) == \
        "doubts.argdown:2:11: error: the included file gone.argdown does not exist\n"
    line = bad(split, {"main.argdown": MAIN.replace("include:\n  - parts/argument.argdown\n  - doubts.argdown",
                                                    "include: doubts.argdown")})
    assert line.startswith("main.argdown:3:10: error: `include:` must be a list of file paths")
    with pytest.raises(IncludeError, match="must be a list"):
        argmap.load(split / "main.argdown")


def test_the_language_server_weighs_a_document_with_its_included_files(split):
    from argmap.navigation import Analysis

    path = str(split / "main.argdown")
    analysis = Analysis(MAIN, None, path)
    assert analysis.result.statements["T"].credence == pytest.approx(0.216)
    assert analysis.diagnostics == []  # [T] is concluded in another file: no warning here
    place = analysis.place_at(MAIN.index("[T]") + 1)
    assert "The thesis, as the argument concludes it." in analysis.hover(place)  # its text in another file
    broken = Analysis(MAIN.replace("doubts.argdown", "gone.argdown"), None, path)
    assert [(d.line, d.column, d.message) for d in broken.diagnostics if d.code == "include"] == \
        [(5, 5, "the included file gone.argdown does not exist")]


def offset_of(text: str, line: int, column: int) -> int:
    """The offset of a 1-based line and column, lines ended as argmap ends them."""
    from argmap.files import LINE_BREAK

    starts = [0] + [match.end() for match in LINE_BREAK.finditer(text)]
    return starts[line - 1] + column - 1


def test_random_maps_split_at_blank_lines_read_as_the_same_map_and_each_place_maps_back(tmp_path):
    """A map cut into files between its blocks is the same map (titles, texts, data, relations,
    credences), and each diagnostic, moved into its file, points at the same text."""
    import random

    from argmap.check import check_map
    from argmap.edit import model_fingerprint
    from randommaps import document

    checked = 0
    for seed in range(25):
        rng = random.Random(seed)
        text = document(rng)
        newline = "\r\n" if "\r\n" in text else "\n"
        blocks = text.rstrip(newline).split(newline * 2)
        cuts = sorted(rng.sample(range(1, len(blocks)), min(2, len(blocks) - 1))) if len(blocks) > 1 else []
        paths = []
        for index, (start, end) in enumerate(zip([0, *cuts], [*cuts, len(blocks)])):
            path = tmp_path / f"{seed}-{index}.argdown"
            path.write_bytes((newline * 2).join(blocks[start:end]).encode() + newline.encode())
            paths.append(path)
        whole, alone = argmap.load(*paths), argmap.loads(text)
        assert model_fingerprint(whole) == model_fingerprint(alone), seed
        credences = {t: s.credence for t, s in argmap.credence(whole).statements.items()}
        assert credences == pytest.approx({t: s.credence for t, s in argmap.credence(alone).statements.items()})
        if whole.sources is None:
            continue
        joined = whole.sources.text
        for diagnostic in check_map(whole):
            path, local = whole.sources.localize(diagnostic)
            segment = whole.sources.segment_at(offset_of(joined, diagnostic.line, diagnostic.column))
            written = whole.sources.file_text(path)
            assert path == segment.path
            assert offset_of(written, local.line, local.column) - segment.file_start == \
                offset_of(joined, diagnostic.line, diagnostic.column) - segment.start
            if diagnostic.span is not None:
                assert written[local.span.start:local.span.end] == joined[diagnostic.span.start:diagnostic.span.end]
            checked += path != str(paths[0])
    assert checked > 10  # diagnostics in files other than the first were moved
