"""explain (a derivation down to the stated numbers) and cruxes (the numbers that matter most)."""
from __future__ import annotations

import math
import re

import pytest

import argmap
from argmap.explanation import bottom_line, cruxes, cruxes_text, explain
from argmap.propagate import credence
from conftest import THESIS


def test_explain_walks_the_thesis_down_to_stated_numbers(thesis):
    tree = explain(thesis, "Natural Manifold")
    assert tree.label == "[Natural Manifold]" and round(tree.value, 4) == 0.7212
    assert "0.5 + (1 - 0.5) × (0.9983 - 0.5559) = 0.7212" in tree.formula
    assert len(tree.children) == 15  # 11 supporting and 4 contrary conclusions
    first = tree.children[0]  # the most influential
    assert (first.label, first.kind) == ("[Rescaling Gets 60-80%]", "contrary") and first.contribution < 0
    (argument,) = first.children
    assert argument.label == "<Gain Control Sufficiency>" and argument.kind == "conclusion"
    assert argument.formula == "0.72 × 0.75 × inference 0.45 = 0.243"
    assert [(p.label, p.formula) for p in argument.children] == [
        ("[Scaling Vectors Competitive]", "stated 0.72"), ("[Random Projections Plus Scaling]", "stated 0.75")]
    text = tree.text()
    # each line says how it bears on the line above and what share of that line's value it is
    assert text.splitlines()[1].startswith("  contrary: [Rescaling Gets 60-80%] = 0.243 (share of the line above: -0.0953)")
    assert "      premise: [Scaling Vectors Competitive] = 0.72 (share of the line above: -0.1758)   stated 0.72" in text
    leaves = re.findall(r"premise: \[[^]]+\] = [\d.]+ \(share of the line above: [-+.\d]+\)   stated", text)
    assert len(leaves) == 28  # the map's 30 stated premises but ETHER's and ROAD's, which do not reach it


def test_explain_shows_each_step_of_a_multi_step_argument():
    model = argmap.loads("[T]: t\n\n<R>\n\n(1) [A]: a {reason: r, credence: 0.85}\n"
                         "(2) [B]: b {reason: r, credence: 0.5}\n"
                         "----\n(3) [I]: i {reason: r, inference: 0.4}\n(4) [C]: c {reason: r, credence: 0.35}\n----\n"
                         "(5) [D]: d {reason: r, inference: 0.3}\n  +> [T]\n")
    text = explain(model, "<R>").text()
    # 0.17 * 0.35 * 0.3 = 0.01785; 0.85 * 0.5 * 0.4 = 0.17
    assert text.splitlines()[0] == "<R> = 0.0179   0.17 × 0.35 × inference 0.3 = 0.0179"
    assert "step: <R> step to [I] = 0.17 (share of the line above: +0.17)   0.85 × 0.5 × inference 0.4 = 0.17" in text
    assert text.index("premise: [A]") > text.index("step: <R> step to [I]")


def test_explain_shows_an_undercut_step_as_computed():
    model = argmap.loads("[T]: t\n\n<A>\n\n(1) [P]: p {reason: r, credence: 0.5}\n----\n"
                         "  <_ [U]: u {reason: r, credence: 0.9}\n(2) [I]: i {reason: r, inference: 0.5}\n----\n"
                         "(3) [C]: c {reason: r, inference: 0.5}\n  +> [T]\n")
    # df-quad: 0.5 × 0.5 = 0.25, and the undercut 0.9 takes 0.25 × 0.9 off it: 0.025
    assert "step: <A> step to [I] = 0.025 (share of the line above: +0.025)   base 0.5 × inference 0.5 = 0.25; " \
           "support 0 (none), attack 0.9 (0.9): 0.25 - 0.25 × (0.9 - 0) = 0.025" in explain(model, "T").text()
    # vargdown leaves the step alone (an undercut is contrary to the main conclusion)
    assert "step: <A> step to [I] = 0.25 (share of the line above: +0.25)   0.5 × inference 0.5 = 0.25 " \
           "(rounded to 4 places)" in \
           explain(model, "T", "vargdown").text()


def test_explain_marks_repeats_and_rejects_unknown_titles(thesis):
    model = argmap.loads("[T]: t\n\n<X>\n\n(1) [P]: p {reason: r, credence: 0.9}\n----\n"
                         "(2) [C1]: c {reason: r, inference: 0.5}\n"
                         "  +> [T]\n\n<Y>\n\n(1) [P]\n----\n(2) [C2]: c {reason: r, inference: 0.5}\n  +> [T]\n")
    text = explain(model, "T").text()
    assert text.count("stated 0.9") == 1 and text.count("[P] = 0.9 (share of the line above: ") == 2
    assert text.count(") (derived above)") == 1
    with pytest.raises(ValueError, match="did you mean 'Natural Manifold'"):
        explain(thesis, "Natural Manifolds")


def test_cruxes_rank_the_stated_numbers_of_the_thesis(thesis):
    (report,) = cruxes(thesis)
    assert report.thesis == "Natural Manifold" and round(report.credence, 4) == 0.7212
    source = THESIS.read_text()
    assert len(report.cruxes) == source.count("credence:") + source.count("inference:") == 47
    top = [c.input.label for c in report.cruxes[:5]]
    assert top == ["[Rescaling Gets 60-80%] inference in <Gain Control Sufficiency>",
                   "[Basis Matters More Than Rank] inference in <Rank Is Secondary>",
                   "[Linearity Might Not Matter] inference in <SVD Is Linear Decomposition>",
                   "[Scaling Vectors Competitive]", "[Random Projections Plus Scaling]"]
    # By hand: the thesis is 0.5 + 0.5 (S - A) with A = 1 - prod(1 - a); A is linear in each
    # attacker, dA/da = (1 - A) / (1 - a) = 0.44409 / 0.757 = 0.58665, and
    # a = 0.72 * 0.75 * inference, so d(thesis)/d(inference) = -0.5 * 0.58665 * 0.54 = -0.15840.
    first = report.cruxes[0]
    attackers = [.72 * .75 * .45, .72 * .68 * .40, .62 * .55 * .50 * .50, .75 * .60 * .45]
    slope = -0.5 * math.prod(1 - a for a in attackers[1:]) * 0.72 * 0.75
    assert first.derivative == pytest.approx(slope, rel=1e-6) and round(slope, 4) == -0.1584
    assert first.up == pytest.approx(0.1 * slope, rel=1e-6) and first.down == pytest.approx(-0.1 * slope, rel=1e-6)
    assert (first.input.line, first.input.value) == (291, 0.45)
    # The ETHER and ROAD arguments end at textless statements and cannot move the thesis.
    idle = [c for c in report.cruxes if c.up == c.down == c.derivative == 0]
    assert {c.input.label for c in idle} == {
        "[Fixed-Strength Rotations Work]",
        "[Minimal Intervention Often Suffices] inference in <ETHER Bounded Deviation>",
        "[Angle Plus Magnitude Per Pair]", "[Continuous Steering Knob] inference in <ROAD Explicit Decoupling>"}


def test_cruxes_agree_with_full_recomputation(thesis):
    """The incremental what-if (only what lies between the input and the thesis) matches a
    whole new run with --set."""
    for semantics in ("df-quad", "quadratic-energy", "vargdown"):
        (report,) = cruxes(thesis, semantics)
        for crux in report.cruxes[:3]:
            name = crux.input.label.split(" inference in ")[0]
            moved = credence(thesis, semantics, {name: min(crux.input.value + 0.1, 1.0)})
            assert moved.statements["Natural Manifold"].credence - report.credence == pytest.approx(crux.up, abs=1e-12)
    (vargdown,) = cruxes(thesis, "vargdown")
    assert vargdown.cruxes[0].derivative > 0  # of the rule without its rounding, which is flat
    for values in ((0.9, 1, 1), (1, 1, 1)):  # a ring of three attacks: the what-if starts it afresh too
        ring = "".join(f"[{x}]: {x} {{reason: r, credence: {v}}}\n  - [{y}]\n\n"
                       for (x, y), v in zip((("A", "C"), ("B", "A"), ("C", "B")), values))
        model = argmap.loads("===\nthesis: T\n===\n\n[T]: t\n\n" + ring + "[A]\n  +> [T]\n\n"
                             "[S]: s {reason: r, credence: 0.6}\n  +> [T]\n")
        (report,) = cruxes(model)
        for crux in report.cruxes:
            for change, found in ((-0.1, crux.down), (0.1, crux.up)):
                moved = credence(model, "df-quad", {crux.input.label: min(max(crux.input.value + change, 0.0), 1.0)})
                assert moved.statements["T"].credence - report.credence == pytest.approx(found, abs=1e-12)


def test_texts(thesis):
    text = bottom_line(credence(thesis))
    assert text.splitlines()[0].startswith("[Natural Manifold] = 0.7212   (df-quad, computed: 11 for, 4 against")
    assert "-0.0953     0.243  <Gain Control Sufficiency> through [Rescaling Gets 60-80%] (contrary)" in text
    table = cruxes_text(cruxes(thesis), "map.argdown", top=2)
    assert table.splitlines()[2] == ("     1  +0.0158  -0.0158  -0.1584   0.45  [Rescaling Gets 60-80%] inference in "
                                     "<Gain Control Sufficiency>  (map.argdown:291:5)")
    assert len(table.splitlines()) == 4


def test_explain_goes_deeper_than_the_recursion_limit():
    # [S0] (stated 0.9) entails [S1], which entails [S2], ... 2000 deep; DF-QuAD with base 0.5
    # gives each the next value 0.5 + 0.5 * previous, so the last is close to 1.
    text = "".join(f"[S{i}]: s{i}" + (" {reason: r, credence: 0.9}" if i == 0 else "") + f"\n  +> [S{i + 1}]\n\n"
                   for i in range(2000))
    model = argmap.loads("===\nmodel:\n    mode: strict\n===\n\n" + text)
    tree = explain(model, "S2000")
    lines = tree.text().splitlines()
    assert len(lines) == 2001 and lines[-1] == " " * 4000 + "entails: [S0] = 0.9 (share of the line above: +0.45)   stated 0.9"  # 0.5 -> 0.95
    assert tree.value == pytest.approx(1 - 0.1 * 0.5 ** 2000, abs=1e-12)


def test_the_readme_python_api_runs_as_written():
    """The README's Python API section, run line by line in a fresh interpreter: the lazy names
    ``argmap.explain`` and ``argmap.cruxes`` must work before and after the module holding them
    has been imported."""
    import subprocess
    import sys

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    code = [line[4:] for line in section.splitlines() if line.startswith("    ")]
    assert any("argmap.explain(" in line for line in code) and any("argmap.cruxes(" in line for line in code)
    script = "\n".join(code) + "\nprint(argmap.cruxes(model)[0].cruxes[0].input.label)\n"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "[Natural Manifold]" in result.stdout and "0.7212" in result.stdout
    assert "Rescaling Gets 60-80%" in result.stdout.splitlines()[-1]
