"""Diagrams: what is drawn, how it looks, escaping, golden DOT, Graphviz present or not.

Golden files live in tests/golden/. Regenerate them only on purpose, and read the diff:

    ARGMAP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_render.py -k golden
    git diff tests/golden/
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

import argmap
from argmap.propagate import credence
from argmap.render import DETAILS, PALETTES, credence_colour, diagram, fit, layout, page, pen_width, render, short_text
from conftest import ROOT, THESIS

GOLDEN = ROOT / "tests" / "golden"
SMALL = GOLDEN / "small.argdown"
HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed (apt-get install graphviz)")
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "argmap", *map(str, args)], capture_output=True, text=True,
                          timeout=120, env=env)


def dot_of(path: Path, **options) -> str:
    model = argmap.load(path)
    return diagram(model, credence(model), **options).source


def nodes_of(source: str) -> dict[str, str]:
    """Node id -> its attribute text, from DOT source."""
    return dict(re.findall(r"^\t+([sa]\d+) \[(.*)\]$", source, re.M))


def titles_of(source: str) -> set[str]:
    """The titles drawn (the first bold text of each node label)."""
    return {re.search(r"<B>(?:⚠ )?(.*?)</B>", attributes).group(1).replace("<BR/>", " ")
            for attributes in nodes_of(source).values()}


def edges_of(source: str) -> list[tuple[str, str, str]]:
    return re.findall(r"^\t+([sa]\d+) -> ([sa]\d+) \[(.*)\]$", source, re.M)


# --- golden DOT ---------------------------------------------------------------------------------

def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("ARGMAP_UPDATE_GOLDEN") == "1":
        path.write_bytes(text.encode("utf-8"))
        pytest.skip(f"rewrote {path}: read `git diff {path}` before committing it")
    assert text == path.read_bytes().decode("utf-8"), (
        f"the DOT differs from {path}; if the change is meant, regenerate with ARGMAP_UPDATE_GOLDEN=1 "
        ".venv/bin/python -m pytest tests/test_render.py -k golden and check the diff by hand")


def test_golden_small_map():
    # Checked by hand, line by line, when written: small.argdown has a stated, a computed and an
    # assumed (prior) statement, both argument shapes and every edge kind but entails/contrary
    # (the thesis has those). Fills are the violet scale's steps (0.9 #a27dca, 0.5 #c7b1e1);
    # strengths 0.9 x 0.8 = 0.72 undercut by 0.6 to 0.288 and 0.4 x 0.9 x 0.5 = 0.18; [Claim]
    # 0.5 + 0.5 x (0.288 - (1 - 0.8758 x 0.82)) = 0.5031; relation widths 1 + 5 |c| / 0.432 (the
    # undercut, the largest: 6.00; support 0.144 -> 2.67, contradictory the larger way, 0.1887 ->
    # 3.18, attack 0.0845 -> 1.98), premise and conclusion links 1.00; [Claim]'s three inputs at
    # ports in0..in2, the supporter first, then the attackers by contribution; clusters For > Rival
    # and Against with the nodes first written under them, [Claim] outside.
    check_golden("small.dot", dot_of(SMALL, premises=True))


def test_golden_thesis():
    # Checked by hand when written: rendered to PNG and looked at; every node's number compared
    # with `argmap credence --format json`; 39 nodes (the thesis, 17 arguments, their 17
    # conclusions, the two textless statements the map relates to by mistake, marked with a ⚠,
    # and the two premises among the top five cruxes), 36 edges (17 conclusions, 17 relations,
    # 2 premise links), the 8 headings as clusters, the thesis's 15 inputs at ports in0..in14.
    check_golden("thesis.dot", dot_of(THESIS))


def test_the_same_map_gives_the_same_bytes(tmp_path):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"thesis{seed}.dot"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        assert cli("render", THESIS, "-o", out, env=env).returncode == 0
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == dot_of(THESIS).encode("utf-8")


# --- what is drawn ------------------------------------------------------------------------------

def test_thesis_nodes_edges_and_clusters(thesis):
    source = dot_of(THESIS)
    titles = titles_of(source)
    # 37 claims, and the two premises among the thesis's top five cruxes (`argmap cruxes --top 5`:
    # three inferences, then [Scaling Vectors Competitive] and [Random Projections Plus Scaling])
    assert len(nodes_of(source)) == 39
    assert {"Natural Manifold", "SVD Basis Cluster", "SVD Is Natural Basis", "Rescaling Gets 60-80%",
            "Scaling Vectors Competitive", "Random Projections Plus Scaling"} <= titles
    assert "SVD Init Wins" not in titles  # a premise only: drawn with --premises
    clusters = re.findall(r"subgraph cluster_\w+ \{\n\t+.*label=<<B>(.*?)</B>>", source)
    assert clusters == ["SVD Basis", "Orthogonality", "Decoupling", "Gain Control", "Rank Debate",
                        "Functional Architecture", "Compression", "Boundary Cases"]
    edges = edges_of(source)
    assert len(edges) == len(thesis.relations) + len(thesis.arguments) + 2 == 36  # and the two premises' links
    kinds = [re.search(r'tooltip="(\w+):', attributes).group(1) for _, _, attributes in edges]
    assert kinds.count("premise") == 2 and kinds.count("conclusion") == 17 and kinds.count("entails") == 13 and kinds.count("contrary") == 4


def test_premises_adds_every_premise_with_its_link(thesis):
    source = dot_of(THESIS, premises=True)
    premises = {m.title for a in thesis.arguments.values() for m in a.pcs if m.role.value == "premise"}
    assert premises <= titles_of(source)
    assert len(nodes_of(source)) == 37 + len(premises)  # the two crux premises among them
    links = sum(1 for a in thesis.arguments.values() for m in a.pcs if m.role.value == "premise")
    assert sum('tooltip="premise:' in attributes for _, _, attributes in edges_of(source)) == links


def test_depth_counts_edges_from_the_thesis():
    assert titles_of(dot_of(THESIS, depth=0)) == {"Natural Manifold"}
    one = titles_of(dot_of(THESIS, depth=1))
    assert len(one) == 16 and "SVD Is Natural Basis" in one and "SVD Basis Cluster" not in one
    # the thesis, the 15 conclusions bearing on it and the 15 arguments behind them (the chains of
    # <ETHER Bounded Deviation> and <ROAD Explicit Decoupling> end at the textless statements)
    two = nodes_of(dot_of(THESIS, depth=2))
    assert len(two) == 31 and sum(node.startswith("a") for node in two) == 15


def test_focus_draws_one_claims_neighbourhood():
    assert titles_of(dot_of(THESIS, focus="SVD Is Natural Basis")) == {
        "SVD Is Natural Basis", "SVD Basis Cluster", "Natural Manifold"}
    around_argument = titles_of(dot_of(THESIS, focus="<Orthogonal Preservation>", depth=2))
    assert around_argument == {"Orthogonal Preservation", "Orthogonality Prevents Catastrophic Forgetting",
                               "Natural Manifold"}
    # a premise is drawn when focused on, with the argument it serves
    assert titles_of(dot_of(THESIS, focus="[SVD Init Wins]")) == {"SVD Init Wins", "SVD Basis Cluster"}
    with pytest.raises(ValueError, match="did you mean 'SVD Is Natural Basis'"):
        dot_of(THESIS, focus="SVD Is Natural Basi")


def test_stated_computed_and_assumed_credences_look_different():
    nodes = {re.search(r"<B>(.*?)</B>", a).group(1): a for a in nodes_of(dot_of(SMALL, premises=True)).values()}
    assert "peripheries" not in nodes["Fact"] and "style" not in nodes["Fact"]  # stated: a plain box
    assert "peripheries=2" in nodes["Good Conclusion"] and "style" not in nodes["Good Conclusion"]  # computed
    assert 'style="filled,dashed"' in nodes["Hunch"] and "peripheries" not in nodes["Hunch"]  # its prior
    assert 'style="filled,rounded"' in nodes["Good Argument"]
    assert f'fillcolor="{credence_colour(0.9)}"' in nodes["Fact"]


def test_edge_styles_follow_the_relation():
    styles = {attributes.split('tooltip="')[1].split(":")[0]: attributes for _, _, attributes in
              edges_of(dot_of(SMALL, premises=True))}
    blue, orange = PALETTES["default"].support, PALETTES["default"].attack
    # support: blue, solid, the default arrow; attack: orange, dashed, a tee; undercut: dotted
    assert f'color="{blue}"' in styles["support"] and "arrowhead" not in styles["support"]
    assert "style" not in styles["support"]
    assert "arrowhead=tee" in styles["attack"] and f'color="{orange}"' in styles["attack"]
    assert "style=dashed" in styles["attack"]
    assert f'color="{orange}"' in styles["undercut"] and "style=dotted" in styles["undercut"]
    assert "dir=both" in styles["contradictory"] and "arrowtail=dot" in styles["contradictory"]
    thesis_styles = [a for _, _, a in edges_of(dot_of(THESIS)) if 'tooltip="contrary' in a]
    assert thesis_styles and all("arrowhead=dot" in a and f'color="{orange}"' in a for a in thesis_styles)


def test_pen_width_follows_the_contribution_against_the_largest(thesis):
    relations, links = [], []
    for _, _, attributes in edges_of(dot_of(THESIS)):
        kind, value = re.search(r'tooltip="(\w+): ([-+][\d.]+)', attributes).groups()
        width = float(re.search(r"penwidth=([\d.]+)", attributes).group(1))
        (links if kind in ("premise", "conclusion") else relations).append((abs(float(value)), width))
    relations.sort()
    assert all(a[1] <= b[1] for a, b in zip(relations, relations[1:]))
    assert relations[-1][1] == 6.0  # the largest contribution (0.25, into a textless statement)
    # the thesis's inputs, 0.016 to 0.095 of 0.25: from 1 + 5 x 0.063 = 1.3 to 1 + 5 x 0.38 = 2.9 points
    assert min(w for _, w in relations) == pytest.approx(1.32, abs=0.02)
    # an argument's link to its conclusion says least: thin, never the thickest
    assert {w for _, w in links} == {1.0} and max(w for _, w in relations) > 1.0
    assert pen_width(0, 0.2) == 1.0 and pen_width(-0.1, 0.2) == 3.5 and pen_width(0.3, 0.2) == 6.0
    assert pen_width(0.1, 0) == 1.0


def _oklab(hex_colour: str) -> tuple[float, float, float]:
    """sRGB to OKLab (Ottosson), written here from the published matrices to check the scale."""
    def linear(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(int(hex_colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    lms = [0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b,
           0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b,
           0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b]
    l_, m_, s_ = (v ** (1 / 3) for v in lms)
    return (0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_,
            1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_,
            0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_)


def _srgb_to_linear(hex_colour: str) -> list[float]:
    return [(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
            for c in (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))]


def _linear_to_hex(rgb) -> str:
    encoded = (12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055 for c in rgb)
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in encoded)


# Machado, Oliveira and Fernandes (2009), severity 1.0, applied to linear RGB
DICHROMACY = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
}


def _seen(hex_colour: str, vision: str) -> tuple[float, float, float]:
    """A colour in OKLab as a reader with ``vision`` (normal, or one in DICHROMACY) sees it."""
    if vision == "normal":
        return _oklab(hex_colour)
    rgb = _srgb_to_linear(hex_colour)
    return _oklab(_linear_to_hex([sum(m * c for m, c in zip(row, rgb)) for row in DICHROMACY[vision]]))


def test_the_simulation_removes_the_red_green_axis():
    # the check of the check: the old scale's red and green ends lie far apart on OKLab's a
    # (red-green) axis for normal vision, and near 0 on it for a protanope or deuteranope
    red, green = "#f07f77", "#89c47a"
    assert _seen(red, "normal")[1] > 0.08 and _seen(green, "normal")[1] < -0.08
    for vision in DICHROMACY:
        assert abs(_seen(red, vision)[1]) < 0.03 and abs(_seen(green, vision)[1]) < 0.03, vision


@pytest.mark.parametrize("vision", ["normal", *DICHROMACY])
def test_the_credence_scale_stays_readable_without_red_green_vision(vision):
    palette = PALETTES["default"]
    steps = [_seen(credence_colour(i / 10), vision) for i in range(11)]
    lightness = [lab[0] for lab in steps]
    assert all(a - b > 0.02 for a, b in zip(lightness, lightness[1:])), lightness  # darker as credence grows
    assert math.dist(steps[0], steps[10]) > 0.3  # 0 and 1 far apart
    assert min(math.dist(a, b) for a, b in zip(steps, steps[1:])) > 0.03  # each 0.1 a visible step
    # no fill looks like an edge: the nearest is well apart (lightness and chroma both differ)
    for edge in (palette.support, palette.attack):
        seen = _seen(edge, vision)
        assert min(math.dist(seen, step) for step in steps) > 0.1, edge
    # and support and attack edges stay apart from each other
    assert math.dist(_seen(palette.support, vision), _seen(palette.attack, vision)) > 0.15


def test_the_fill_hue_is_none_of_the_edge_hues():
    palette = PALETTES["default"]

    def hue(hex_colour):
        _, a, b = _oklab(hex_colour)
        return math.degrees(math.atan2(b, a)) % 360

    fill = hue(credence_colour(1))
    for edge in (palette.support, palette.attack):
        assert min(abs(fill - hue(edge)), 360 - abs(fill - hue(edge))) > 45
    steps = [math.dist(_oklab(credence_colour(i / 10)), _oklab(credence_colour((i + 1) / 10))) for i in range(10)]
    assert max(steps) / min(steps) < 1.15, steps  # even steps in OKLab, up to rounding to 8 bits
    assert credence_colour(-1) == credence_colour(0) and credence_colour(2) == credence_colour(1)


def test_greyscale_fills_have_no_chroma():
    greys = {credence_colour(i / 1000, "greyscale") for i in range(1001)}
    assert all(c[1:3] == c[3:5] == c[5:7] for c in greys)
    assert len(greys) > 60  # still a scale


# --- escaping ------------------------------------------------------------------------------------

HOSTILE = r'''[T <script>alert(1)</script> "q" &amp; \N]: The thesis & "quotes" \N \\ ]]> --> x
  + <A & "q" \N {x} | y>: An argument.
  - [B \N {x} | y \"z\" \G \L]: Attacker. {credence: 0.3, reason: "why <i>not</i> \" quote \\N"}

<A & "q" \N {x} | y>

(1) [P1 & <P> </text> </svg> ]]> <!-- x -->]: Premise. {credence: 0.8, reason: "r&d <b>"}
----
(2) [C \\ end\]: Conclusion. {inference: 0.7, reason: "because </script><script>x()</script>"}
'''


def hostile_model(tmp_path):
    path = tmp_path / "hostile.argdown"
    path.write_text(HOSTILE)
    model = argmap.load(path)
    assert not model.errors
    assert any("<script>" in t for t in model.statements) and any("\\" in t for t in model.statements)
    return model


@pytest.mark.parametrize("detail", DETAILS)
def test_hostile_titles_keep_the_dot_well_formed(tmp_path, detail):
    model = hostile_model(tmp_path)
    source = diagram(model, credence(model), premises=True, detail=detail).source
    for attributes in nodes_of(source).values():
        assert "<script" not in attributes and "</text>" not in attributes  # only escaped forms
    assert len(nodes_of(source)) == 5 and len(edges_of(source)) == 4  # nothing broke a line


@needs_dot
@pytest.mark.parametrize("detail", ["all", "line"])  # "line": titles unwrapped, in the packed levels' labels
def test_hostile_titles_show_exactly_in_the_svg(tmp_path, detail):
    model = hostile_model(tmp_path)
    root = ET.fromstring(layout(diagram(model, credence(model), premises=True, detail=detail), "svg"))  # well-formed
    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", "script", f"{SVG}foreignObject")]
    assert not [k for e in root.iter() for k in e.attrib if k.lower().startswith("on")]
    drawn = [" ".join("".join(t.itertext()) for t in g.iter(f"{SVG}text"))  # a node's lines, rejoined
             for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    for title in [*model.statements, *model.arguments]:
        assert any(title in node for node in drawn), title
    assert any('B \\N {x} | y \\"z\\" \\G \\L' in node for node in drawn)  # no \N, \G, \L expansion
    tips = [a.get(f"{XLINK}title") for a in root.iter(f"{SVG}a")]
    assert any(tip and 'why <i>not</i> " quote \\N' in tip for tip in tips)  # the reason, as text
    assert any(tip and "because </script><script>x()</script>" in tip for tip in tips)


# --- output --------------------------------------------------------------------------------------

@needs_dot
def test_render_writes_svg_png_and_pdf(tmp_path):
    for suffix, magic in ((".svg", b"<?xml"), (".png", b"\x89PNG"), (".pdf", b"%PDF")):
        out = tmp_path / f"thesis{suffix}"
        result = cli("render", THESIS, "-o", out)
        assert result.returncode == 0, result.stderr
        assert out.read_bytes().startswith(magic)
        assert f"{out}: drawn" in result.stderr and "Traceback" not in result.stderr
    assert "Natural Manifold" in (tmp_path / "thesis.svg").read_text()


def test_render_without_graphviz_fails_in_one_line_but_dot_works(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))  # no `dot` on it
    result = cli("render", THESIS, "-o", tmp_path / "thesis.svg", env=env)
    assert result.returncode == 1 and not (tmp_path / "thesis.svg").exists()
    message = [line for line in result.stderr.splitlines() if line.startswith("argmap render:")]
    assert len(message) == 1 and "apt-get install graphviz" in message[0] and "Traceback" not in result.stderr
    assert cli("render", THESIS, "-o", tmp_path / "thesis.dot", env=env).returncode == 0
    assert (tmp_path / "thesis.dot").read_text() == dot_of(THESIS)


def test_render_usage_errors(tmp_path):
    for args, words in (((THESIS, "-o", tmp_path / "x.jpeg"), "use .svg, .png, .pdf or .dot"),
                        ((THESIS, "--focus", "Natural Manfold"), "did you mean 'Natural Manifold'"),
                        ((THESIS, "--direction", "RL"), "choose LR, BT, TB"),
                        ((SMALL, "--depth", "-1"), "--depth")):
        result = cli("render", *args)
        assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr, args
    assert cli("render", THESIS, "--direction", "bt").returncode == 0  # any case
    bare = tmp_path / "cycle.argdown"
    bare.write_text("[A]: a\n  + [B]: b\n    + [A]\n")
    result = cli("render", bare, "--depth", "1")
    assert result.returncode == 2 and "give --focus" in result.stderr


def test_render_says_a_palette_or_focus_slip_first_and_alone(tmp_path):
    from typer.testing import CliRunner

    from argmap.cli import app

    def run(*args):  # in-process: the output's order and the exit status are the point
        result = CliRunner().invoke(app, ["render", *map(str, args)])
        return result.exit_code, result.stderr.splitlines()

    # a palette slip is said before the map is read: the file need not exist
    assert run(tmp_path / "nowhere.argdown", "--palette", "grayscale") == (
        2, ["unknown palette 'grayscale'; choose default, greyscale"])
    # the thesis has 3 warnings; a focus it lacks is said instead of them, with the title meant
    assert run(THESIS, "--focus", "Natural Manfold") == (
        2, ["no statement or argument is titled 'Natural Manfold'; did you mean 'Natural Manifold'?"])
    assert run(THESIS, "--focus", "<Natural Manifold>") == (  # a statement, in an argument's brackets
        2, ["no argument is titled 'Natural Manifold'; did you mean [Natural Manifold]?"])
    assert run(THESIS, "--focus", "Nothing Like It") == (2, ["no statement or argument is titled 'Nothing Like It'"])
    status, lines = run(THESIS, "--focus", "[Natural Manifold]")  # found: the warnings, then the diagram
    assert status == 0 and lines[-1].endswith(": 3 warnings; see `argmap check " + str(THESIS) + "`")


def test_render_to_stdout_is_the_dot():
    result = cli("render", THESIS)
    assert result.returncode == 0 and result.stdout == dot_of(THESIS)


# --- legibility of the thesis (by eye too: docs/thesis.png) --------------------------------------

@needs_dot
def test_thesis_layout_has_no_overlaps_and_no_edge_through_a_node(thesis):
    """Boxes from `dot -Tjson`: no two nodes overlap, and no edge's path passes through a node
    that is not one of its ends (the control polygon of each spline, sampled)."""
    for premises in (False, True):
        laid = json.loads(diagram(thesis, credence(thesis), premises=premises).pipe(format="json"))
        boxes = {}
        for node in laid["objects"]:
            if "pos" in node and "width" in node:
                x, y = map(float, node["pos"].split(","))
                w, h = float(node["width"]) * 36, float(node["height"]) * 36  # half, in points
                boxes[node["_gvid"]] = (x - w, y - h, x + w, y + h)
        items = list(boxes.values())
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
        for edge in laid["edges"]:
            points = [tuple(map(float, p.split(",")[-2:])) for p in edge["pos"].split() if not p.startswith("e,")]
            for node, (x0, y0, x1, y1) in boxes.items():
                if node in (edge["tail"], edge["head"]):
                    continue
                for (ax, ay), (bx, by) in zip(points, points[1:]):
                    for t in (i / 20 for i in range(21)):
                        x, y = ax + (bx - ax) * t, ay + (by - ay) * t
                        assert not (x0 + 2 < x < x1 - 2 and y0 + 2 < y < y1 - 2), (edge["tail"], edge["head"], node)


# --- watch redraws --------------------------------------------------------------------------------

@needs_dot
def test_watch_session_redraws_the_diagram(tmp_path):
    from argmap.watch import Session

    out = tmp_path / "map.svg"
    session = Session(tmp_path / "map.argdown", out)
    first = session.update(b"[T]: thesis\n  + [A]: a {credence: 0.9}\n")
    assert f"{out}: drawn" in first and ">0.90<" in out.read_text()
    session.update(b"[T]: thesis\n  + [A]: a {credence: 0.1}\n")
    assert ">0.10<" in out.read_text()
    wrong = Session(tmp_path / "map.argdown", tmp_path / "missing" / "map.svg")
    assert "not drawn" in wrong.update(b"[T]: thesis\n  + [A]: a {credence: 0.5}\n")


@needs_dot
def test_watch_redraws_on_real_saves(tmp_path):
    import queue
    import threading
    import time

    path, out = tmp_path / "map.argdown", tmp_path / "map.svg"
    path.write_text("[T]: thesis\n  + [A]: a {credence: 0.9}\n")
    process = subprocess.Popen([sys.executable, "-m", "argmap", "watch", str(path), "-o", str(out),
                                "--interval", "0.05"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout], daemon=True).start()

    def wait_for(fragment: str) -> None:
        deadline, seen = time.monotonic() + 120, []  # a hang guard, not a speed limit
        while time.monotonic() < deadline:
            try:
                seen.append(lines.get(timeout=0.5))
            except queue.Empty:
                continue
            if fragment in seen[-1]:
                return
        raise AssertionError(f"no {fragment!r} in {''.join(seen)!r}")

    try:
        wait_for(f"{out}: drawn")
        assert ">0.90<" in out.read_text()
        time.sleep(0.1)
        path.write_text("[T]: thesis\n  + [A]: a {credence: 0.2}\n")
        wait_for(f"{out}: drawn")
        assert ">0.20<" in out.read_text()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_watch_refuses_an_output_it_cannot_write(tmp_path):
    path = tmp_path / "map.argdown"
    path.write_text("[T]: thesis\n")
    result = cli("watch", path, "-o", tmp_path / "map.gif")
    assert result.returncode == 2 and "use .svg, .png, .pdf or .dot" in result.stderr


def test_short_text_cuts_at_a_word_within_the_limit():
    assert short_text("aaaa bbbb", 9) == "aaaa bbbb"  # fits exactly: nothing cut
    assert short_text("aaaa bbbb cc", 9) == "aaaa…"  # the ellipsis counts
    assert short_text("aa, bbbbbbbbbb", 9) == "aa…"  # no dangling comma
    assert short_text("x" * 20, 9) == "x" * 8 + "…"  # one long word is cut, not dropped


# --- the figure: what the laid-out SVG shows ------------------------------------------------------

def _svg_nodes(root) -> dict[str, tuple[str, str, ET.Element]]:
    """Node id -> (its text, its tooltip, its group), from an SVG Graphviz wrote."""
    found = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "node":
            anchor = next(g.iter(f"{SVG}a"), None)
            found[g.find(f"{SVG}title").text] = (" ".join("".join(t.itertext()) for t in g.iter(f"{SVG}text")),
                                                 anchor.get(f"{XLINK}title") if anchor is not None else "", g)
    return found


@pytest.fixture(scope="module")
def thesis_svg(tmp_path_factory):
    model = argmap.load(THESIS)
    out = tmp_path_factory.mktemp("svg") / "thesis.svg"
    render(model, credence(model), out)
    return model, ET.parse(out).getroot()


@needs_dot
def test_the_thesis_figure_marks_warnings_and_shows_inferences(thesis_svg):
    model, root = thesis_svg
    nodes = _svg_nodes(root)
    marked = {node: text for node, (text, tip, _) in nodes.items() if "⚠" in text}
    # `argmap check` warns about the two textless statements and about <AntiPaSTO OOD Transfer>
    statements = {node: text for node, text in marked.items() if node.startswith("s")}
    assert len(statements) == 2 and len(marked) == 3
    for title in ("Orthogonal Preservation", "Direction Magnitude Decoupling"):
        node = next(n for n in statements if title in statements[n])
        assert "is defined nowhere" in nodes[node][1]  # the message, in the tooltip
    assert any("AntiPaSTO OOD Transfer" in text for node, text in marked.items() if node.startswith("a"))
    for node, (text, _, _) in nodes.items():
        if node.startswith("a"):  # every argument box says its inference and strength
            assert re.search(r"inference 0\.\d\d, strength 0\.\d\d", text), text
    assert any("inference 0.85, strength 0.44" in text for text, _, _ in nodes.values())  # <SVD Basis Cluster>


@needs_dot
def test_edges_into_the_thesis_are_apart_and_as_wide_as_their_contributions(thesis_svg):
    _, root = thesis_svg
    into = []
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "edge" and re.fullmatch(r"\w+->s0:w", g.find(f"{SVG}title").text):
            tooltip = next(g.iter(f"{SVG}a")).get(f"{XLINK}title")
            path = g.find(f".//{SVG}path")
            head = g.find(f".//{SVG}polygon")  # an arrow: its tip is its second point
            tip = tuple(map(float, head.get("points").split()[1].split(","))) if "entails" in tooltip else None
            into.append((abs(float(re.search(r": ([-+][\d.]+)", tooltip).group(1))), float(path.get("stroke-width", 1)),
                         tip))
    thesis = into  # the thesis is s0; each edge into it meets its west side
    assert len(thesis) == 15
    thesis.sort()
    assert all(a[1] <= b[1] for a, b in zip(thesis, thesis[1:])) and thesis[0][1] < thesis[-1][1] - 1
    tips = sorted(tip[1] for _, _, tip in thesis if tip)  # where each entailment meets the thesis: its own port
    assert len(tips) == 11 and min(b - a for a, b in zip(tips, tips[1:])) > 6


@needs_dot
def test_greyscale_has_no_chroma_and_focus_is_marked(tmp_path):
    model = argmap.load(THESIS)
    out = tmp_path / "grey.svg"
    render(model, credence(model), out, palette="greyscale", focus="SVD Is Natural Basis")
    text = out.read_text()
    colours = set(re.findall(r'(?:fill|stroke)="(#[0-9a-fA-F]{6})"', text))
    assert colours and all(c[1:3] == c[3:5] == c[5:7] for c in colours), colours
    named = set(re.findall(r'(?:fill|stroke)="([a-z]+)"', text)) - {"none", "transparent"}
    assert named <= {"black", "white"}, named
    root = ET.parse(out).getroot()
    focused = [g for _, (label, _, g) in _svg_nodes(root).items() if label.startswith("SVD Is Natural Basis")]
    widths = {float(p.get("stroke-width", 1)) for p in focused[0].iter(f"{SVG}polygon")}
    assert widths == {5.0}


@needs_dot
@pytest.mark.parametrize("size, points", [("a4", (595, 842)), ("slide", (960, 540))])
def test_the_whole_thesis_fits_a4_and_a_slide_with_type_of_8_points_or_more(tmp_path, size, points):
    model = argmap.load(THESIS)
    result = credence(model)
    out = tmp_path / f"{size}.svg"
    assert render(model, result, out, size=size) == []
    text = out.read_text()
    width, height = (float(v) for v in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', text).groups())
    assert width <= points[0] and height <= points[1]  # A4 is 595 x 842 points, a 16:9 slide 960 x 540
    scale = float(re.search(r"scale\(([\d.]+) ", text).group(1))
    smallest = min(float(v) for v in re.findall(r'font-size="([\d.]+)"', text))
    assert smallest * scale >= 8  # no type below 8 pt as printed
    assert "The model's own geometric" not in text  # the claim text went first
    labels = [label for label, _, _ in _svg_nodes(ET.parse(out).getroot()).values()]
    assert len(labels) == 39  # every statement and argument drawn, each with its numbers
    assert any(label.startswith("SVD Basis Cluster") and "0.44" in label and "inf. 0.85" in label for label in labels)
    assert any(label.startswith("Natural Manifold") and "0.72" in label for label in labels)
    # a PNG of the same figure is drawn for print: 300 pixels an inch of the page
    render(model, result, tmp_path / f"{size}.png", size=size)
    pixels = Image.open(tmp_path / f"{size}.png").size
    assert pixels == pytest.approx((width / 72 * 300, height / 72 * 300), abs=3)


@needs_dot
def test_a_page_too_small_for_8_points_shrinks_the_type_and_says_so():
    model = argmap.load(THESIS)
    graph, notes = fit(model, credence(model), "3x2")
    assert len(notes) == 1 and "pt" in notes[0] and "--depth" in notes[0]
    assert graph.graph_attr["size"] == "3,2"


def test_page_sizes():
    assert page("A4") == (7.27, 10.69) and page("7x5") == (7.0, 5.0) and page("7x5in") == (7.0, 5.0)
    assert page("18x12cm") == pytest.approx((18 / 2.54, 12 / 2.54)) and page("180x120MM") == pytest.approx(page("18x12cm"))
    for wrong in ("a5", "7x", "0x5", "7x5pt"):
        with pytest.raises(ValueError, match="give a4, slide"):
            page(wrong)
    from typer.testing import CliRunner

    from argmap.cli import app

    result = CliRunner().invoke(app, ["render", str(SMALL), "--size", "7by5"])  # in-process: the CLI is not the point
    assert result.exit_code == 2 and "give a4, slide" in result.stderr and "Traceback" not in result.stderr


def test_premises_something_bears_on_are_drawn_by_default():
    model = argmap.loads("[T]: thesis\n  + <A>\n\n<A>\n\n(1) [P]: premise {credence: 0.8}\n(2) [Q]: other {credence: 0.9}\n"
                         "----\n(3) [C]: conclusion {inference: 0.9}\n  +> [T]\n\n[X]: objection {credence: 0.7}\n"
                         "  -> [P]\n")
    titles = titles_of(diagram(model, credence(model)).source)
    assert {"P", "X"} <= titles  # the attacked premise, so its attacker has an edge
    # [Q] is among the top five cruxes (there are only four numbers), so it is drawn too
    assert "Q" in titles


def test_fit_finds_the_crux_premises_and_checks_the_map_once_for_every_level(monkeypatch):
    import argmap.check
    import argmap.explanation
    import argmap.render

    calls: dict[str, int] = {}

    def counted(name, function):
        def call(*args, **kwargs):
            calls[name] = calls.get(name, 0) + 1
            return function(*args, **kwargs)
        return call

    monkeypatch.setattr(argmap.explanation, "cruxes", counted("cruxes", argmap.explanation.cruxes))
    monkeypatch.setattr(argmap.check, "check_map", counted("check", argmap.check.check_map))
    # every level laid out far larger than a page at 8 pt, so that fit tries them all (and needs no dot)
    monkeypatch.setattr(argmap.render, "layout", counted("layout", lambda graph, format:
                                                         b'<svg width="9000pt" height="9000pt"><text font-size="8"/>'))
    model = argmap.load(THESIS)
    result = credence(model)
    graph, notes = fit(model, result, "a4")
    assert calls == {"layout": len(DETAILS), "cruxes": 1, "check": 1} and notes  # nothing fitted
    assert "⚠" in graph.source  # the check's marks are drawn at the level kept
    calls.clear()
    fit(model, result, "slide", premises=True, diagnostics=[])  # nothing to find: every premise, the marks given
    assert calls == {"layout": len(DETAILS)}


def _attack_heads(svg: bytes, axis: int) -> dict[str, list[tuple[float, float]]]:
    """Each ported claim's attack heads (tees and dots at the claim's end), as the span each
    covers along the claim's side, its pen included: x (``axis`` 0) or y (1) in the SVG."""
    found: dict[str, list[tuple[float, float]]] = {}
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        if g.get("class") != "edge":
            continue
        target = g.find(f"{SVG}title").text.split("->")[1]  # `s0:w`: with its port's side
        kind = next(g.iter(f"{SVG}a")).get(f"{XLINK}title").split(":")[0]
        if ":" not in target or kind not in ("attack", "contrary", "contradictory", "undercut"):
            continue
        end = [float(v) for v in re.findall(r"-?[\d.]+", g.find(f".//{SVG}path").get("d"))[-2:]]
        spans = []  # (distance from the line's end, low, high)
        for shape in g.iter():
            pen = float(shape.get("stroke-width", 1)) / 2
            if shape.tag == f"{SVG}polygon":
                points = [tuple(map(float, point.split(","))) for point in shape.get("points").split()]
            elif shape.tag == f"{SVG}ellipse":
                x, y, rx, ry = (float(shape.get(name)) for name in ("cx", "cy", "rx", "ry"))
                points = [(x - rx, y - ry), (x + rx, y + ry)]
            else:
                continue
            near = min(math.dist(point, end) for point in points)
            spans.append((near, min(p[axis] for p in points) - pen, max(p[axis] for p in points) + pen))
        found.setdefault(target, []).append(min(spans)[1:])
    return found


@needs_dot
def test_the_heads_of_attacks_into_one_claim_stay_apart():
    """Tees and dots lie across their edge, so at a claim's side they ran into one bar where the
    ports were closer than a head and its pen are wide (three equal attackers: 6-point pens)."""
    three = argmap.loads("[C]: The claim.\n" + "".join(f"  - [A{i}]: Objection {i}. {{credence: 0.8}}\n"
                                                       for i in range(1, 4)))
    thesis = argmap.load(THESIS)
    drawings = [(three, diagram(three, credence(three)), 1),
                (three, diagram(three, credence(three), detail="compact"), 1),
                (three, diagram(three, credence(three), detail="compact", direction="BT"), 0),
                (thesis, fit(thesis, credence(thesis), "a4")[0], 1)]  # the four contrary dots into the thesis
    for model, graph, axis in drawings:
        heads = _attack_heads(layout(graph, "svg"), axis)
        spans = sorted(heads["s0:" + ("w" if axis else "s")])
        assert len(spans) == (3 if model is three else 4), heads
        gaps = [after[0] - before[1] for before, after in zip(spans, spans[1:])]
        assert min(gaps) > 1, (graph.graph_attr, gaps)  # white between every two heads
