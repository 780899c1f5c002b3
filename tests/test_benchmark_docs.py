"""The benchmarks write their tables into docs/performance.md between markers
(benchmarks/docs_section.py): only the marked section changes, in one step. Nothing is timed
here; the scripts' table makers are given figures."""
from __future__ import annotations

import importlib.util
import os

import pytest

from conftest import ROOT

BENCHMARKS = ROOT / "benchmarks"


@pytest.fixture
def load(monkeypatch):
    """A benchmark script as a module, its folder on the path as when it runs."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))

    def loaded(name: str):
        spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    return loaded


BEFORE = ("# Performance\r\n\nThe prose names `<!-- t: begin -->` in passing, é ü.\n"
          "<!-- t: begin -->\nan old table\n\nwith two lines\n<!-- t: end -->\n"
          "trailing spaces  \n<!-- u: begin -->\nanother script's\n<!-- u: end -->\nno final line break")


def test_a_section_is_replaced_and_every_byte_around_it_kept(load):
    docs = load("docs_section")
    after = docs.replace_section(BEFORE, "t", "| a |\n|---|\n| 1 |\n")
    assert after == ("# Performance\r\n\nThe prose names `<!-- t: begin -->` in passing, é ü.\n"
                     "<!-- t: begin -->\n| a |\n|---|\n| 1 |\n<!-- t: end -->\n"
                     "trailing spaces  \n<!-- u: begin -->\nanother script's\n<!-- u: end -->\nno final line break")
    again = docs.replace_section(after, "t", "new")  # the old table goes, nothing piles up
    assert again == BEFORE.replace("an old table\n\nwith two lines", "new")
    assert docs.replace_section(again, "t", "new") == again


def test_empty_markers_are_filled(load):
    docs = load("docs_section")
    assert docs.replace_section("x\n<!-- t: begin -->\n<!-- t: end -->\ny\n", "t", "z") == \
        "x\n<!-- t: begin -->\nz\n<!-- t: end -->\ny\n"


@pytest.mark.parametrize("text, problem", [
    ("no markers at all\n", "has no section for it"),
    ("the prose names `<!-- t: begin -->` and `<!-- t: end -->`\n", "has no section for it"),
    ("<!-- t: begin -->\ntable\n", "<!-- t: begin --> 1 times and <!-- t: end --> 0 times"),
    ("<!-- t: begin -->\n<!-- t: end -->\n<!-- t: begin -->\n<!-- t: end -->\n", "2 times and <!-- t: end --> 2"),
    ("<!-- t: end -->\ntable\n<!-- t: begin -->\n", "has <!-- t: end --> before <!-- t: begin -->"),
])
def test_missing_or_misplaced_markers_say_what_to_add_and_where(load, text, problem):
    docs = load("docs_section")
    with pytest.raises(docs.MarkersMissing) as raised:
        docs.replace_section(text, "t", "table", "under the heading")
    message = str(raised.value)
    assert message.startswith(problem) or problem in message
    assert "    <!-- t: begin -->\n    <!-- t: end -->\n\nunder the heading" in message


def test_the_file_is_replaced_in_one_step(load, tmp_path, monkeypatch):
    docs = load("docs_section")
    page = tmp_path / "performance.md"
    page.write_bytes(BEFORE.encode())
    docs.write_section("u", "fresh", "here", path=page)
    assert page.read_bytes() == BEFORE.replace("another script's", "fresh").encode()

    import argmap.files

    def crash(*_):
        raise OSError("disk full")

    monkeypatch.setattr(argmap.files.os, "replace", crash)
    with pytest.raises(OSError):
        docs.write_section("u", "lost", "here", path=page)
    assert page.read_bytes() == BEFORE.replace("another script's", "fresh").encode()
    assert os.listdir(tmp_path) == ["performance.md"]  # no temporary left behind


def test_a_file_without_the_markers_is_named_and_left_alone(load, tmp_path, capsys):
    docs = load("docs_section")
    page = tmp_path / "performance.md"
    page.write_bytes(b"# Performance\n")
    for attempt in (lambda: docs.check_section("t", "here", path=page),
                    lambda: docs.write_section("t", "table", "here", path=page)):
        with pytest.raises(docs.MarkersMissing, match=f"^{page} has no section for it"):
            attempt()
    assert page.read_bytes() == b"# Performance\n"
    # what the scripts do with it: say it on stderr and exit with status 2
    assert not docs.done(docs.write_section, "t", "table", "here", page)
    assert f"{page} has no section for it" in capsys.readouterr().err
    assert page.read_bytes() == b"# Performance\n"


def test_the_performance_page_has_both_sections(load):
    docs = load("docs_section")
    for name in ("run.py", "stages.py"):
        docs.check_section(name, "in docs/performance.md")


def export(seconds, mib, status=0):
    return {"seconds": seconds, "mib": mib, "status": status}


def test_the_targets_are_judged_on_the_run(load):
    run = load("run")
    results = {"runs": 3, "argmap --help": 0.0951, "maps": {
        "thesis": {"argmap export": export(0.25, 40), "argdown json": export(0.75, 100, 1)},
        "N=5000": {"argmap export": export(2.0, 260), "argdown json": export(5.0, 400)},
        "N=50000": {"argmap export": export(21.0, 2000)}}}
    rows = [line.split(" | ") for line in run.targets(results).splitlines()[2:]]
    assert [(row[1], row[2].rstrip(" |")) for row in rows] == [
        ("3.00x", "met"),  # 0.75 / 0.25
        ("2.50x", "not met"),  # 5.0 / 2.0, below 3
        ("0.40 (thesis), 0.65 (N=5000)", "not met"),  # 260 / 400 above a half
        ("10.5", "met"),  # 21.0 / 2.0
        ("0.0951 s", "met"),
    ]
    del results["maps"]["N=50000"], results["maps"]["N=5000"], results["maps"]["thesis"]["argdown json"]
    results["argmap --help"] = 0.1
    verdicts = [line.rsplit(" | ", 1)[1].rstrip(" |") for line in run.targets(results).splitlines()[2:]]
    assert verdicts == ["not measured"] * 4 + ["not met"]


def test_the_stage_table_has_both_builds_and_the_speed_up(load):
    stages = load("stages")
    medians = {("maps/thesis.argdown", "baseline"): {"tokenize": 0.3, "all stages": 0.5},
               ("maps/thesis.argdown", "this build"): {"tokenize": 0.15, "all stages": 0.4}}
    table = stages.table(["maps/thesis.argdown"], ["baseline", "this build"], medians,
                         {"baseline": 0.12, "this build": 0.09})
    assert table.splitlines() == [
        "| stage | thesis: baseline | thesis: this build | thesis: speed-up |",
        "|---|---|---|---|",
        "| tokenize | 0.300 s | 0.150 s | 2.00x |",
        "| all stages | 0.500 s | 0.400 s | 1.25x |",
        "",
        "`argmap --help`, whole process: baseline 0.120 s, this build 0.090 s",
    ]
