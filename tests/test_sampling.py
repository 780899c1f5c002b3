"""Uncertainty: ranges on numbers, Monte Carlo over them, the vectorised propagation it runs
on, the other contribution methods of cruxes, and the charts."""
from __future__ import annotations

import json
import random
import struct
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from typer.testing import CliRunner

import argmap
from argmap.batch import evaluate, override_name, vectorised
from argmap.cli import app
from argmap.explanation import cruxes
from argmap.propagate import Network, credence
from argmap.sampling import beta_parameters, sample
from test_versions import TWO_SUPPORTERS, random_pair

RANGED = """[T]: the thesis

<A>

(1) [P]: the premise {credence: 0.7, credence_range: [0.6, 0.8]}
----
(2) [C]: the conclusion {inference: 1}
  +> [T]

[Elsewhere]: unrelated {credence: 0.5, credence_range: [0.1, 0.9]}
  +> [Other]
"""


def value(result, node):
    return result.statements[node[1]].credence if node[0] == "statement" else result.arguments[node[1]].strength


def test_the_vectorised_propagation_agrees_with_credence(thesis):
    models = [thesis] + [argmap.loads(text) for seed in range(6) for text in random_pair(seed)]
    rng = random.Random(1)
    for model in models:
        network = Network(model)
        assert vectorised(network, "df-quad")
        nodes = [key for key in network.nodes if key[0] != "step"]
        keys = list(network.inputs)
        draws = [{key: rng.random() for key in keys} for _ in range(3)]
        for semantics in ("df-quad", "quadratic-energy"):
            columns = {key: np.array([draw[key] for draw in draws]) for key in keys}
            values = evaluate(network, semantics, columns, len(draws), nodes)
            for row, draw in enumerate(draws):
                expected = credence(model, semantics, {override_name(network, key): x for key, x in draw.items()})
                for node in nodes:
                    assert values[node][row] == pytest.approx(value(expected, node), abs=1e-9)


def test_a_map_with_a_cycle_goes_through_credence_one_set_at_a_time():
    model = argmap.loads("[A]: a {credence: 0.6}\n  - [B]\n\n[B]: b {credence: 0.7}\n  - [A]\n")
    network = Network(model)
    assert not vectorised(network, "df-quad")
    keys = list(network.inputs)
    columns = {keys[0]: np.array([0.2, 0.9])}
    values = evaluate(network, "df-quad", columns, 2, [("statement", "A"), ("statement", "B")])
    for row, x in enumerate((0.2, 0.9)):
        expected = credence(model, "df-quad", {"[A]": x})
        assert values[("statement", "B")][row] == pytest.approx(expected.statements["B"].credence, abs=1e-12)


def test_a_beta_is_fitted_to_the_range():
    # mean 0.7; sd = 0.2 / (2 * 1.6449) = 0.0608; alpha + beta = 0.7 * 0.3 / 0.0608^2 - 1 = 55.82
    alpha, beta = beta_parameters(0.7, 0.6, 0.8)
    assert alpha / (alpha + beta) == pytest.approx(0.7)
    assert (alpha, beta) == pytest.approx((39.07, 16.75), abs=0.01)
    # [0, 1] is sd 0.304: about 0.5 it fits (0.25 / 0.0924 - 1 = 1.71); about 0.9 no Beta is that wide
    assert beta_parameters(0.5, 0.0, 1.0) == pytest.approx((0.853, 0.853), abs=0.001)
    assert beta_parameters(0.9, 0.0, 1.0) == pytest.approx((0.9, 0.1))


def test_monte_carlo_reports_the_spread_and_each_inputs_share():
    report = sample(argmap.loads(RANGED), 4000, seed=7)
    (thesis,) = report.theses
    # T = 0.5 + 0.5 P with P ~ Beta of mean 0.7: mean 0.85, 5-95% near 0.5 + 0.5 * [0.6, 0.8]
    assert thesis.credence == pytest.approx(0.85)
    assert thesis.mean == pytest.approx(0.85, abs=0.003)
    assert thesis.low == pytest.approx(0.80, abs=0.01) and thesis.high == pytest.approx(0.90, abs=0.01)
    assert sum(thesis.histogram) == 4000 and thesis.histogram[17] > thesis.histogram[15] > 0  # bins of 0.05
    shares = {s.input.label: s.sobol["T"] for s in report.inputs}
    assert shares["[P]"] > 0.97 and shares["[Elsewhere]"] < 0.02
    assert [s.input.label for s in report.inputs] == ["[P]", "[Elsewhere]"]


def test_monte_carlo_is_reproducible_by_seed(thesis):
    first = sample(thesis, 500, seed=3, default_spread=0.1)
    again = sample(thesis, 500, seed=3, default_spread=0.1)
    other = sample(thesis, 500, seed=4, default_spread=0.1)
    assert first.to_json() == again.to_json()
    assert np.array_equal(first.theses[0].draws, again.theses[0].draws)
    assert first.theses[0].mean != other.theses[0].mean
    assert len(first.inputs) == 47  # every stated number varies with --default-spread


def test_numbers_without_a_range_stay_fixed(thesis):
    report = sample(thesis, 100, seed=0)
    assert report.inputs == [] and report.theses[0].low == report.theses[0].high == report.theses[0].credence
    assert "no number has a range" in report.text()


@pytest.mark.parametrize("data, problem", [
    ("{credence: 0.7, credence_range: [0.8, 0.9]}", "not around its value 0.7"),
    ("{credence: 0.7, credence_range: [0.5, 1.2]}", "not a range within [0, 1]"),
    ("{credence: 0.7, credence_range: 0.1}", "is not two numbers"),
    ("{credence_range: [0.1, 0.2]}", "has no {credence} to be around"),
])
def test_a_bad_range_is_one_clear_line(tmp_path, data, problem):
    path = tmp_path / "map.argdown"
    path.write_text(f"[T]: thesis\n  + [P]: premise {data}\n")
    with pytest.raises(ValueError, match="line|:") as error:
        sample(argmap.load(path), 10)
    assert problem in str(error.value) and str(error.value).startswith(f"{path}:2:")
    result = CliRunner().invoke(app, ["credence", str(path), "--samples", "10"])
    assert result.exit_code == 2
    assert [line for line in result.output.splitlines() if problem in line] == [str(error.value)]


def test_cruxes_by_removal_and_shapley():
    model = argmap.loads(TWO_SUPPORTERS.format(p1=0.8, p2=0.6))
    # without P1's credence it is 0.5: 0.5 + 0.5 * (1 - 0.75 * 0.7) = 0.7375, 0.0525 below 0.79
    (removal,) = cruxes(model, method="removal")
    assert removal.method == "removal" and removal.cruxes[0].input.label == "[P1]"
    assert removal.cruxes[0].contribution == pytest.approx(0.0525)
    # with no number stated both strengths are 0.25: 0.5 + 0.5 * (1 - 0.75^2) = 0.71875
    (exact,) = cruxes(model, method="shapley")
    assert sum(c.contribution for c in exact.cruxes) == pytest.approx(0.79 - 0.71875)
    assert all(c.error is None for c in exact.cruxes)
    (by_slope,) = cruxes(model, method="derivative")
    slopes = [abs(c.derivative) for c in by_slope.cruxes]
    assert slopes == sorted(slopes, reverse=True)


REDUNDANT = """[T]: the thesis

<A1>

(1) [P1]: first {{credence: {p}}}
----
(2) [C1]: first conclusion {{inference: 1}}
  +> [T]

<A2>

(1) [P2]: second {{credence: 1}}
----
(2) [C2]: second conclusion {{inference: 1}}
  +> [T]
"""


def test_only_shapley_sees_two_certain_supporters_that_make_each_other_redundant():
    # T = 1 with both; removing any one number leaves the other supporter at 1, so T stays 1
    # (removal 0), and every derivative is 0 (the other factor 1 - x is 0). With no number
    # stated both strengths are 0.25: T = 0.71875, and by symmetry each of the four numbers
    # gets a quarter of 0.28125.
    model = argmap.loads(REDUNDANT.format(p=1))
    assert {c.contribution for c in cruxes(model, method="removal")[0].cruxes} == {0.0}
    assert {c.derivative for c in cruxes(model, method="derivative")[0].cruxes} == {0.0}
    shapley = [c.contribution for c in cruxes(model, method="shapley")[0].cruxes]
    assert shapley == pytest.approx([0.0703125] * 4)


def test_removal_and_shapley_can_disagree_with_the_derivative_in_sign():
    # only A1, with P1 = 0.3 and inference 1: T = 0.5 + 0.5 * 0.3 = 0.65; with P1 unstated (0.5) 0.75
    model = argmap.loads(REDUNDANT.format(p=0.3).split("<A2>")[0])
    (report,) = cruxes(model, method="removal")
    premise = next(c for c in report.cruxes if c.input.label == "[P1]")
    assert premise.derivative == pytest.approx(0.5)  # raising P1 raises T
    assert premise.contribution == pytest.approx(0.65 - 0.75)  # yet T is lower with 0.3 stated than with 0.5 assumed
    # Shapley: v(all) 0.65, v(none) 0.625, v(P1 only) 0.575, v(inference only) 0.75
    (report,) = cruxes(model, method="shapley")
    premise = next(c for c in report.cruxes if c.input.label == "[P1]")
    assert premise.contribution == pytest.approx(((0.575 - 0.625) + (0.65 - 0.75)) / 2)


def test_sampled_shapley_cruxes_add_up_and_state_their_error(monkeypatch):
    import argmap.contribution

    monkeypatch.setattr(argmap.contribution, "EXACT_UP_TO", 2)
    (sampled,) = cruxes(argmap.loads(TWO_SUPPORTERS.format(p1=0.8, p2=0.6)), method="shapley", seed=5)
    assert sum(c.contribution for c in sampled.cruxes) == pytest.approx(0.79 - 0.71875)
    assert all(c.error is not None for c in sampled.cruxes)
    with pytest.raises(ValueError, match="unknown method"):
        cruxes(argmap.loads("[T]: t"), method="wiggle")


# --- charts ---------------------------------------------------------------------------------------

def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_charts_are_real_pictures(tmp_path, thesis):
    from argmap.charts import histogram_chart, history_chart
    from argmap.versions import Point

    report = sample(thesis, 300, seed=1, default_spread=0.1)
    points = [Point(commit=f"{i:040x}", date=f"2026-01-0{i + 1}T00:00:00+00:00", subject="s",
                    credences={"Natural Manifold": x}) for i, x in enumerate((0.6, 0.72, 0.7))]
    png, svg = tmp_path / "log.png", tmp_path / "hist.svg"
    history_chart(points, png)
    width, height = png_size(png.read_bytes())
    assert width > 1200 and 0.3 < height / width < 0.8  # 300 dpi, wider than high
    histogram_chart(report, svg)
    root = ElementTree.parse(svg).getroot()
    assert root.tag.endswith("svg") and len(list(root.iter("{http://www.w3.org/2000/svg}path"))) > 10
    first = svg.read_bytes()
    histogram_chart(report, svg)
    assert svg.read_bytes() == first  # no date, no random ids
    with pytest.raises(ValueError, match=".svg or .png"):
        from argmap.charts import chart_format

        chart_format("chart.jpg")


def test_command_line_samples_and_writes_the_histogram(tmp_path):
    path = tmp_path / "map.argdown"
    path.write_text(RANGED)
    runner = CliRunner()
    out = tmp_path / "hist.png"
    command = ["credence", str(path), "--samples", "1000", "--seed", "2", "-f", "json"]
    result = runner.invoke(app, [*command, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["samples"] == 1000 and data["theses"]["T"]["mean"] == pytest.approx(0.85, abs=0.005)
    assert png_size(out.read_bytes())[0] > 1000
    again = runner.invoke(app, command)
    assert json.loads(again.stdout) == data
    assert runner.invoke(app, ["credence", str(path), "-o", str(out)]).exit_code == 2
    assert runner.invoke(app, ["credence", str(path), "--seed", "3"]).exit_code == 2  # a seed for no draws
    assert runner.invoke(app, ["credence", str(path), "--samples", "10", "--default-spread", "2"]).exit_code == 2
    crux = runner.invoke(app, ["cruxes", str(path), "--method", "removal"])
    assert crux.exit_code == 0 and "removal" in crux.stdout


def test_the_command_line_starts_without_numpy_or_matplotlib():
    code = "import sys, argmap.cli; print(sorted({'numpy', 'matplotlib'} & set(sys.modules)))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


def test_the_python_api_offers_diff_history_and_sample():
    import argmap.sampling
    import argmap.versions

    assert argmap.sample is sample  # importing the modules does not hide the functions
    assert argmap.diff is argmap.versions.diff and argmap.history is argmap.versions.history
