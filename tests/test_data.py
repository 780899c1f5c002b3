"""Data blocks: YAML as the reference reads it, and the fast path that must agree with it."""
from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import argmap
from argmap.data import DataError, _read_flat, _plain, _read_block_mapping, _yaml12_loader, merge, read_block, read_data
from argmap.export import dumps

KEYS = st.one_of(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True),
                 st.sampled_from(["true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL"]))
VALUES = st.one_of(
    st.from_regex(r'"[^"\\\n]{0,12}"', fullmatch=True),
    st.from_regex(r"[-+]?(\.[0-9]{1,3}|[0-9]{1,4}(\.[0-9]{0,3})?)([eE][-+]?[0-9]{1,2})?", fullmatch=True),
    st.sampled_from(["true", "False", "TRUE", "null", "~", "Null", "yes", "no", "on", "1:30", "0x1F", "0o17",
                     ".5", "+3", "007", "-1.0", "word", "two words", "'single'", "[1, 2]", "{a: 1}", '"a\\"b"']),
)
SPACES = st.sampled_from(["", " ", "  ", "\t", "\n ", "\u00a0"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(KEYS, VALUES, SPACES), max_size=5), SPACES)
def test_fast_path_agrees_with_yaml(entries, space):
    source = "{" + space + ", ".join(f"{key}:{gap or ' '}{value}" for key, value, gap in entries) + space + "}"
    try:
        expected = _plain(yaml.load(source, Loader=_yaml12_loader()))  # noqa: S506
    except yaml.YAMLError:
        assert _read_flat(source) is None
        with pytest.raises(DataError):
            read_data(source)
        return
    fast = _read_flat(source)
    if fast is not None:
        assert fast == expected and [type(v) for v in fast.values()] == [type(v) for v in expected.values()]
    assert read_data(source) == expected


BLOCK_KEYS = st.one_of(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True), st.sampled_from(["true", "Null", "y"]))
BLOCK_TEXTS = st.one_of(st.none(), st.from_regex(r"[A-Za-z][ -~]{0,14}", fullmatch=True),
                        st.sampled_from(["yes", "no", "on", "off", "true", "False", "NULL", "x: y", "x #c", "a:", "a#b",
                                         "[1, 2]", "{a: 1}", "'q'", "- a", "1:30", "2020-01-02", "3", ".5", "~", "it's",
                                         "Inf", "nan", "é", "a\tb"]))
BLOCK_LINES = st.tuples(st.sampled_from([0, 0, 1, 2, 2, 4]), BLOCK_KEYS, BLOCK_TEXTS, st.sampled_from(["", " ", "  "]))


@settings(max_examples=400, deadline=None)
@given(st.lists(BLOCK_LINES, min_size=1, max_size=6), st.booleans())
def test_block_subset_agrees_with_yaml(lines, blank):
    """Front matter as YAML's block mappings: what the subset reader reads, PyYAML reads the
    same; what PyYAML refuses, the subset reader leaves to it."""
    source = ("\n" if blank else "") + "".join(f"{' ' * indent}{key}:{' ' + text if text is not None else ''}{end}\n"
                                               for indent, key, text, end in lines)
    read = _read_block_mapping(source)
    if read is None:
        return
    assert read == _plain(yaml.load(source, Loader=_yaml12_loader()))  # noqa: S506


def test_block_subset_reads_the_front_matter_of_most_maps():
    assert read_data("\ntitle: A map -- why? (2021--2025)\nmodel:\n    mode: strict\n  \nauthor: Me\n") == {
        "title": "A map -- why? (2021--2025)", "model": {"mode": "strict"}, "author": "Me"}
    assert _read_block_mapping("a:\n  b:\n    c: x\n  d: y\ne:\n") == {"a": {"b": {"c": "x"}, "d": "y"}, "e": None}
    for outside in ("a: 1", "a: x # c", "a: b: c", "a: yes\na: no", "a: x\n  b: y", "a:\n  b: x\n c: y", "- a",
                    "a: 'q'", "a: café", "true: x", "a:\tx"):
        assert _read_block_mapping(outside) is None, outside


def test_yaml_1_2_scalars_and_dates():
    assert read_data("{a: yes, b: on, c: 1:30, d: 0x10, e: 0o17, f: 1e3, g: 2020-01-02, h: true}") == {
        "a": "yes", "b": "on", "c": "1:30", "d": 16, "e": 15, "f": 1000, "g": "2020-01-02T00:00:00.000Z", "h": True}


def test_block_style_and_errors_with_positions():
    assert read_block("{\n  reason: because\n  credence: 0.5\n}") == {"reason": "because", "credence": 0.5}
    with pytest.raises(DataError) as error:
        read_block("{a: 1, a: 2}")
    assert "duplicate key 'a'" in error.value.problem and error.value.line == 0
    with pytest.raises(DataError) as error:
        read_block("{\n  a: [1, 2\n}")
    assert error.value.line >= 1


def test_merge_is_lodash_merge():
    # As `argdown json` merges `[A]: a {...}` and a second `[A]: b {...}` (checked by hand).
    first = {"k": 1, "d": {"x": 1}, "l": [[1, 2], 3], "n": [1, 2, 3], "o": {"x": 1}, "a": {"x": 1}}
    second = {"k": None, "d": None, "l": [[9]], "n": [9], "o": [5], "a": {"y": 2}}
    assert merge(first, second) == {
        "k": None, "d": None, "l": [[9, 2], 3], "n": [9, 2, 3], "o": [5], "a": {"x": 1, "y": 2}}


def test_merge_copies_the_containers_it_takes_and_shares_nothing_with_its_source():
    source = {"l": [1, {"x": 1}], "d": {"y": [2]}, "s": "text", "n": 0.5}
    target = merge({}, source)
    assert target == source
    source["l"][1]["x"] = source["d"]["y"][0] = 9
    source["l"].append(3)
    assert target == {"l": [1, {"x": 1}], "d": {"y": [2]}, "s": "text", "n": 0.5}


def test_keys_are_told_apart_by_their_text():
    assert read_data("{1: a, true: b, TRUE_: c}") == {"1": "a", "true": "b", "TRUE_": "c"}
    assert read_data("{True: 1, NULL: 2, FALSE: 3}") == {"true": 1, "null": 2, "false": 3}
    for source in ("{1.0: a, 1: b}", "{Null: a, ~: b}"):
        with pytest.raises(DataError, match="duplicate key"):
            read_data(source)


@pytest.mark.parametrize("value", ["!!timestamp foo", "0001-01-01T00:00:00+01:00"])
def test_values_pyyaml_cannot_convert_are_diagnostics(value):
    with pytest.raises(DataError, match="a value cannot be read"):
        read_data(f"{{x: {value}}}")
    model = argmap.loads(f"===\nx: {value}\n===\n\n[A]: a {{x: {value}}}\n")
    assert [(d.line, d.column) for d in model.diagnostics] == [(1, 1), (5, 8)]
    assert all("a value cannot be read" in d.message for d in model.diagnostics)


def test_binary_sets_and_non_finite_numbers_export_as_the_reference_does():
    model = argmap.loads("[A]: a {b: !!binary aGk=, s: !!set {y, x}, n: .nan, i: [-.inf, 1.5]}\n")
    assert model.statements["A"].data == {"b": {"0": 104, "1": 105}, "s": {"y": None, "x": None},
                                          "n": pytest.approx(float("nan"), nan_ok=True), "i": [float("-inf"), 1.5]}

    def no_nan(word):
        raise AssertionError(f"{word} is not JSON")

    exported = json.loads(dumps(model), parse_constant=no_nan)
    assert exported["statements"]["A"]["data"] == {
        "b": {"0": 104, "1": 105}, "s": {"y": None, "x": None}, "n": None, "i": [None, 1.5]}
