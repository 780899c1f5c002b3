"""An edit of a stated number, applied to the previous analysis (argmap.restate and
argmap.propagate.Live), gives exactly what a fresh read of the new text gives."""
from __future__ import annotations

import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from argmap.navigation import Analysis
from tests.conftest import THESIS
from tests.randommaps import document

NUMBER = re.compile(r"\b(?:credence|inference|prior)\s*:\s*([0-9.]+)")

CYCLE = """[A]: A. {reason: "r", credence: 0.6}
  + [B]: B. {reason: "r", credence: 0.3}
    + [A]

[C]: C. {reason: "r", credence: 0.7}
  - [D]: D. {reason: "r", prior: 0.4}
"""


def same(edited: Analysis, fresh: Analysis) -> None:
    """Everything an editor is shown, and the model beneath, equal."""
    assert edited.text == fresh.text
    assert edited.model.model_dump() == fresh.model.model_dump()
    assert edited.result.model_dump() == fresh.result.model_dump()
    assert edited.places == fresh.places
    assert edited.hints() == fresh.hints()
    assert [d.model_dump() for d in edited.diagnostics] == [d.model_dump() for d in fresh.diagnostics]


def edit(rng: random.Random, text: str) -> tuple[int, int, str]:
    """Mostly a new value for a stated number (whole, or some of its digits), now and then
    something that is not a plain change of value."""
    numbers = [match.span(1) for match in NUMBER.finditer(text)]
    if not numbers:
        return 0, 0, ""
    start, end = rng.choice(numbers)
    roll = rng.random()
    if roll < 0.6:
        return start, end, rng.choice(["0", "1", "0.5", ".25", "0.333", "0.9", "0.05", "1.0"])
    if roll < 0.8:  # some digits of it
        cut = rng.randint(start, end)
        return cut, rng.randint(cut, end), rng.choice(["", "7", "05", "2.", "9"])
    return start, end, rng.choice(["1.5", "0,6", "x", "0.5}", "0.5, credence: 0.2", " 0.4"])


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), semantics=st.sampled_from(["df-quad", "quadratic-energy", "vargdown"]),
       source=st.sampled_from(["random", "random", "cycle", "thesis"]))
def test_number_edits_give_exactly_a_fresh_read(seed, semantics, source):
    rng = random.Random(seed)
    text = {"random": lambda: document(rng), "cycle": lambda: CYCLE,
            "thesis": lambda: THESIS.read_text(encoding="utf-8")}[source]()
    analysis = Analysis(text, semantics)
    for step in range(rng.randint(1, 5)):
        if rng.random() < 0.8:  # what an editor asks for between edits
            analysis.result, analysis.places
        if rng.random() < 0.2:
            analysis.diagnostics
        start, end, new = edit(rng, analysis.text)
        analysis = analysis.edited(start, end, new)
        fresh = Analysis(analysis.text, semantics)
        for place in rng.sample(fresh.places, min(3, len(fresh.places))):  # before the places are moved
            assert analysis.place_at(place.start + 1) == fresh.place_at(place.start + 1)
            assert analysis.hover(place) == fresh.hover(place)
        assert analysis.hints() == fresh.hints()
        if rng.random() < 0.3:
            same(analysis, fresh)
    same(analysis, Analysis(analysis.text, semantics))


def test_a_new_credence_reuses_the_model_and_moves_what_follows():
    text = THESIS.read_text(encoding="utf-8")
    before = Analysis(text)
    before.result, before.places
    start, end = NUMBER.search(text).span(1)
    model = before.model
    after = before.edited(start, end, "0.12345")
    assert after.model is model  # patched, not read again
    same(after, Analysis(after.text))


def test_edits_that_change_more_than_a_value_are_read_afresh():
    text = CYCLE
    start, end = NUMBER.search(text).span(1)
    for new in ("1.5", "x", "0.6, prior: 0.1", "0,6"):
        before = Analysis(text)
        after = before.edited(start, end, new)
        assert after.model is not before.model
        same(after, Analysis(after.text))
