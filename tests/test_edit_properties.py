"""Property tests: random maps (tests/randommaps.py) and random edits.

For every edit: the parsed result has the new value, the text differs from the original only
inside the spans the edit was about, and undoing the edit restores the file byte for byte.
"""
from __future__ import annotations

import difflib
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from argmap.edit import Document, EditError, model_fingerprint, without_quote_marks
from argmap.model import Role
from argmap.propagate import inference_of

from randommaps import document

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALUES = ["0", "0.1", "0.25", "0.5", "0.8", "1", "0.333"]


def changed_ranges(before: str, after: str) -> list[tuple[int, int]]:
    """The ranges of ``before`` that differ in ``after`` (an insertion is an empty range)."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return [(i1, i2) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"]


def titled_statements(doc: Document) -> list[str]:
    return sorted(t for t, s in doc.model.statements.items() if any(m.title_span for m in s.members))


@EXAMPLES
@given(seed=st.integers(0, 10**9), pick=st.integers(0, 10**6), value=st.sampled_from(VALUES),
       key=st.sampled_from(["credence", "inference"]))
def test_set_changes_only_the_value_and_setting_back_restores_the_bytes(seed, pick, value, key):
    doc = Document(document(random.Random(seed)))
    titles = titled_statements(doc)
    if not titles:
        return
    title = titles[pick % len(titles)]
    statement = doc.model.statements[title]
    old_data = dict(statement.data)
    errors = len(doc.model.errors)
    try:
        # --force: a credence on a conclusion is refused otherwise; the bytes are what is tested here
        doc.set_credence(title, value, force=True) if key == "credence" else doc.set_inference(title, value)
    except EditError as error:
        # refusals are allowed only for what argmap says it does not do
        assert any(said in str(error) for said in ("not the conclusion", "edit it by hand",
                                                   "name the argument instead")), str(error)
        assert not doc.changed
        return
    if key == "credence":
        assert doc.model.statements[title].data[key] == float(value)
    else:  # what counts is the conclusion's own inference (another occurrence may state one too)
        concluding = [m for m in doc.model.statements[title].members
                      if m.role in (Role.MAIN_CONCLUSION, Role.INTERMEDIARY_CONCLUSION)]
        assert inference_of(concluding[0])[0] == float(value)
    assert len(doc.model.errors) == errors
    # every change lies in an occurrence of this statement: inside its data block when it
    # already had one, else within it or the line after it (a diff may align an inserted line
    # with the next line's indentation)
    text = doc.original
    places = [(m.data_span.start, m.data_span.end) if m.data_span
              else (m.span.start, text.find("\n", text.find("\n", m.span.end - 1) + 1) % (len(text) + 1))
              for m in statement.members]
    for start, end in changed_ranges(doc.original, doc.text):
        assert any(low <= start and end <= high for low, high in places), (title, start, end)
    holders = [m for m in statement.members if key in m.data]
    written = {m.data[key] for m in holders}
    # an inference counts (and is written) on a conclusion; one written elsewhere is not undone
    counted = key == "credence" or all(m.role in (Role.MAIN_CONCLUSION, Role.INTERMEDIARY_CONCLUSION) for m in holders)
    if len(written) == 1 and counted:  # (where occurrences disagree, setting one value makes them agree)
        undo = Document(doc.text)
        undo.set_credence(title, old_data[key], force=True) if key == "credence" else \
            undo.set_inference(title, old_data[key])
        assert undo.text == doc.original


@EXAMPLES
@given(seed=st.integers(0, 10**9), pick=st.integers(0, 10**6))
def test_rename_changes_only_titles_and_renaming_back_restores_the_bytes(seed, pick):
    doc = Document(document(random.Random(seed)))
    if doc.model.front_matter.get("model", {}).get("explodeArguments"):
        return  # its arguments' titles are made, not written: argmap refuses to rename them
    names = [f"[{t}]" for t in titled_statements(doc)] + \
            [f"<{t}>" for t, a in doc.model.arguments.items() if any(m.title_span for m in a.members)]
    if not names:
        return
    name = names[pick % len(names)]
    kind = "statement" if name.startswith("[") else "argument"
    table = doc.model.statements if kind == "statement" else doc.model.arguments
    count = len(table)
    doc.rename(name, "Fresh Name")
    table = doc.model.statements if kind == "statement" else doc.model.arguments
    assert name[1:-1] not in table and "Fresh Name" in table and len(table) == count
    for start, end in changed_ranges(doc.original, doc.text):
        assert set(doc.original[start:end]) <= set(name[1:-1]), doc.original[start:end]
    back = Document(doc.text)
    back.rename(name[0] + "Fresh Name" + name[-1], name[1:-1])
    assert back.text == doc.original


@EXAMPLES
@given(seed=st.integers(0, 10**9), width=st.sampled_from([40, 80, 100]))
def test_fmt_keeps_the_model_and_is_idempotent(seed, width):
    doc = Document(document(random.Random(seed)))
    before = without_quote_marks(model_fingerprint(doc.model))
    assert doc.format(width) == []
    assert without_quote_marks(model_fingerprint(doc.model)) == before
    again = Document(doc.text)
    again.format(width)
    assert again.text == doc.text
