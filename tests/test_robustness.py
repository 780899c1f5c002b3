"""No input, however malformed, makes argmap raise: it yields a model and diagnostics, and
every later stage (export, credence, edits) takes that model without raising either."""
from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import argmap
from argmap.edit import Document, EditError
from argmap.export import dumps
from argmap.propagate import credence
from argmap.render import diagram

from conftest import SHARED, THESIS
from randommaps import chain_of_arguments, direct_supporters, document

SIGNIFICANT = "[]<>(){}@#*_+-:.,;/\\=!\"' \t\n\r\u2028\ufeff0123456789abcXYZäß💣"
CASES = sorted((SHARED / "conformance" / "cases").glob("*.argdown")) + [THESIS]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEMANTICS = ("df-quad", "quadratic-energy", "vargdown")


def assert_sound(model: argmap.ArgumentMap, text: str | None = None) -> None:
    """A model came back, its diagnostics point into the file, it exports, every semantics
    weighs it with credences in [0, 1], it draws (as DOT), and edits either work or are refused
    with EditError."""
    for diagnostic in model.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1 and diagnostic.message
    json.loads(dumps(model))
    for semantics in SEMANTICS:
        result = credence(model, semantics)
        assert all(0 <= s.credence <= 1 for s in result.statements.values())
        assert all(0 <= a.strength <= 1 for a in result.arguments.values())
    assert diagram(model, result).source.startswith("digraph")
    if text is not None and model.statements:
        title = sorted(model.statements)[0]
        for edit in (lambda d: d.set_credence(title, 0.25), lambda d: d.rename(title, title + " 2"), Document.format):
            try:
                edit(Document(text))
            except EditError:
                pass


@FAST
@given(st.text(alphabet=SIGNIFICANT, max_size=400))
def test_random_text_never_raises(text):
    assert_sound(argmap.loads(text), text)


@FAST
@given(st.binary(max_size=400))
def test_random_bytes_never_raise(data):
    text = data.decode("utf-8", errors="surrogateescape")
    assert_sound(argmap.loads(text), text)


@FAST
@given(st.integers(min_value=0, max_value=10**9))
def test_generated_argdown_never_raises(seed):
    text = document(random.Random(seed))
    assert_sound(argmap.loads(text), text)


MUTATION = st.tuples(st.sampled_from("dix"), st.floats(0, 1), st.floats(0, 1),
                     st.sampled_from(["\n", "  ", "----", "(1)", "+ ", "**", "{", "}", "[", "]:", "<", ">", "#", "\\"]))


@FAST
@given(st.sampled_from(CASES), st.lists(MUTATION, min_size=1, max_size=6))
def test_mutated_real_files_never_raise(path, mutations):
    text = path.read_text(encoding="utf-8")
    for kind, where, length, piece in mutations:
        at = int(where * len(text))
        if kind == "d":
            text = text[:at] + text[at + int(length * 200):]
        elif kind == "i":
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at] + text[at:at + int(length * 300)] * 2 + text[at:]
    assert_sound(argmap.loads(text), text)


EXTREMES = {
    "empty": "",
    "only blank lines": "\n\n \n\t\n",
    "binary junk": bytes(random.Random(7).randrange(256) for _ in range(20000)).decode("utf-8", "surrogateescape"),
    "unbalanced brackets": "[A: <B ]] [[ (1 ((( {{{ }}} **x _y\n" * 200,
    "10,000 levels of indentation": "[A]: a\n" + "".join(" " * i + "+ [S]\n" for i in range(0, 10000, 50))
                                    + " " * 10000 + "+ [B]\n",
    "a 1 MB single line": "[A]: " + "word, " * 170000,
    "a BOM and Windows line endings": "\ufeff[A]: a\r\n  + [B]: b\r\n\r\n(1) x\r\n----\r\n(2) y\r\n",
    "200 levels of relation nesting": "[T]\n" + "".join("  " * (i + 1) + f"+ [S{i}]\n" for i in range(200)),
    "unclosed emphasis everywhere": "[A]: " + "*_" * 2000 + "x\n",
    "unclosed comment": "[A]: a /* never closed\n\n[B]: b\n",
    "front matter only": "===\ntitle: x\n===\n",
    "broken front matter": "===\ntitle: [unclosed\n===\n\n[A]: a\n",
    # Past the recursion limit (1000); benchmarks/extremes.py runs 10,000 and 20,000.
    "a chain of 1,500 arguments": chain_of_arguments(1500),
    "2,000 direct supporters": direct_supporters(2000),
    "cycles of every relation type": "\n\n".join(
        f"[X{n}]: x\n  {symbol} [Y{n}]: y\n    {symbol} [Z{n}]: z\n      {symbol} [X{n}]"
        for n, symbol in enumerate(["+", "-", "+>", "->", "><", "_", "_>", "<+", "<-", "<_"])) + "\n",
}


@pytest.mark.parametrize("name", list(EXTREMES))
def test_extremes(name):
    assert_sound(argmap.loads(EXTREMES[name]))


def test_relation_nesting_deeper_than_the_recursion_limit():
    text = "[T]\n" + "".join("  " * (i + 1) + f"+ [S{i}]\n" for i in range(1500))
    model = argmap.loads(text)
    assert model.diagnostics == [] and len(model.relations) == 1500
