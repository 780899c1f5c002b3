"""Data blocks: YAML as the reference reads it, and the fast path that must agree with it."""
from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.data import DataError, _read_flat, _Yaml12Loader, _plain, merge, read_block, read_data

KEYS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
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
        expected = _plain(yaml.load(source, Loader=_Yaml12Loader))  # noqa: S506
    except yaml.YAMLError:
        assert _read_flat(source) is None
        with pytest.raises(DataError):
            read_data(source)
        return
    fast = _read_flat(source)
    if fast is not None:
        assert fast == expected and [type(v) for v in fast.values()] == [type(v) for v in expected.values()]
    assert read_data(source) == expected


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
    assert merge({"a": {"x": 1}, "l": [1, 2, 3], "k": 1}, {"a": {"y": 2}, "l": [9], "k": None}) == {
        "a": {"x": 1, "y": 2}, "l": [9, 2, 3], "k": 1}
