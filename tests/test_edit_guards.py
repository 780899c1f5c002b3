"""Edits that would otherwise lose or override something silently: renaming the thesis,
setting a credence on a conclusion, and removing a value with `unset`."""
from __future__ import annotations

import argmap
import pytest

from argmap.edit import Document, EditError

MAP = """===
title: Sleep
thesis: Sleep Debt
===

[Sleep Debt]: Sleep debt harms memory.
  + <Lab Study>

<Lab Study>: A study.

(1) [Recall Drops]: Recall drops after one short night. {reason: "two labs", credence: 0.8}
(2) [Short Night]: Everyone slept four hours.
    {reason: "protocol"}
----
(3) [Lab Finding]: Short sleep lowers recall. {reason: "direct", inference: 0.7}
"""


@pytest.mark.parametrize("written, renamed", [
    ("thesis: Sleep Debt", "thesis: Sleep Loss"),
    ('thesis: "Sleep Debt"', 'thesis: "Sleep Loss"'),
    ("thesis: 'Sleep Debt'", "thesis: 'Sleep Loss'"),
    ("thesis: [Other, Sleep Debt]", "thesis: [Other, Sleep Loss]"),
    ("thesis:\n  - Sleep Debt", "thesis:\n  - Sleep Loss"),
])
def test_rename_renames_the_thesis_the_front_matter_names(written, renamed):
    doc = Document(MAP.replace("thesis: Sleep Debt", written))
    doc.rename("Sleep Debt", "Sleep Loss")
    # the title at its definition and in the front matter; nothing else
    assert doc.text == MAP.replace("thesis: Sleep Debt", renamed).replace("[Sleep Debt]:", "[Sleep Loss]:")
    assert argmap.credence(doc.model).theses == ["Sleep Loss"]


def test_rename_quotes_a_new_thesis_title_that_yaml_would_misread():
    doc = Document(MAP)
    doc.rename("Sleep Debt", "Sleep: a debt")
    assert 'thesis: "Sleep: a debt"\n' in doc.text and doc.model.front_matter["thesis"] == "Sleep: a debt"


def test_rename_leaves_the_front_matter_alone_for_another_title():
    doc = Document(MAP)
    doc.rename("Recall Drops", "Recall Falls")
    assert "thesis: Sleep Debt\n" in doc.text and doc.text.count("Recall Falls") == 1


def test_set_credence_refuses_a_conclusion_unless_forced():
    doc = Document(MAP)
    with pytest.raises(EditError, match=r"<text>:15:5: \[Lab Finding\] is concluded by an argument.*--inference.*--force"):
        doc.set_credence("Lab Finding", 0.9)
    assert not doc.changed
    doc.set_credence("Lab Finding", 0.9, force=True)
    assert '{reason: "direct", credence: 0.9, inference: 0.7}' in doc.text
    doc = Document(MAP)
    doc.set_credence("Short Night", 0.6)  # a premise: no argument gives it a value
    assert '{reason: "protocol", credence: 0.6}' in doc.text


@pytest.mark.parametrize("title, key, before, after", [
    # the first key: it goes with the separator after it
    ("Recall Drops", "reason", '{reason: "two labs", credence: 0.8}', "{credence: 0.8}"),
    # the last key: it goes with the separator before it
    ("Recall Drops", "credence", '{reason: "two labs", credence: 0.8}', '{reason: "two labs"}'),
    ("Lab Finding", "inference", '{reason: "direct", inference: 0.7}', '{reason: "direct"}'),
    # the only key on a line with text: the block and the space before it go
    ("Recall Drops", "credence", 'one short night. {credence: 0.8}', "one short night."),
    # the only key on a line of its own: the whole line goes
    ("Short Night", "reason", 'four hours.\n    {reason: "protocol"}\n----', "four hours.\n----"),
])
def test_unset_removes_the_key_and_keeps_every_other_byte(title, key, before, after):
    doc = Document(MAP.replace('{reason: "two labs", credence: 0.8}', "{credence: 0.8}") if "short night." in before
                   else MAP)
    doc.unset(title, key)
    assert doc.text == doc.original.replace(before, after) and doc.changed
    assert key not in doc.model.statements[title].data


def test_unset_an_emptied_block_goes_with_the_space_before_it_and_keeps_crlf():
    text = MAP.replace("\n", "\r\n")
    doc = Document(text)
    doc.unset("Lab Finding", "inference")
    doc.unset("Lab Finding", "reason")
    assert "(3) [Lab Finding]: Short sleep lowers recall.\r\n" in doc.text
    doc.unset("Short Night", "reason")
    assert doc.text == text.replace(' {reason: "direct", inference: 0.7}', "").replace(
        '\r\n    {reason: "protocol"}', "")


def test_unset_what_is_not_there_changes_nothing_and_a_wrong_key_is_refused():
    doc = Document(MAP)
    doc.unset("Short Night", "credence")
    assert not doc.changed
    with pytest.raises(EditError, match=r"unknown key 'prior' \(one of credence, inference, reason\)"):
        doc.unset("Short Night", "prior")
    with pytest.raises(EditError, match="did you mean"):
        doc.unset("Short Nigth", "reason")


TWO_ARGUMENTS = """[T]: The thesis.
  + <A>
  + <B>

<A>

(1) [P]: p. {credence: 0.8}
----
(2) [T] {reason: "a", inference: 0.7}

<B>

(1) [Q]: q. {credence: 0.9}
----
(2) [T] {inference: 0.5}
"""


def test_set_inference_where_several_arguments_conclude_is_refused_naming_them():
    doc = Document(TWO_ARGUMENTS)
    with pytest.raises(EditError, match=r"<text>:9:5: \[T\] is concluded by <A> and <B>.*<A> or <B>"):
        doc.set_inference("T", 0.9)
    assert not doc.changed


def test_set_inference_of_one_argument_changes_only_its_step():
    doc = Document(TWO_ARGUMENTS)
    doc.set_inference("<B>", 0.9)
    assert doc.text == TWO_ARGUMENTS.replace("{inference: 0.5}", "{inference: 0.9}")
    doc.set_inference("A", "0.6", reason="b")  # a bare title names the argument when no statement has it
    assert doc.text == TWO_ARGUMENTS.replace("{inference: 0.5}", "{inference: 0.9}").replace(
        '{reason: "a", inference: 0.7}', '{reason: "b", inference: 0.6}')
    with pytest.raises(EditError, match=r"\[P\] is not the conclusion of an argument"):
        doc.set_inference("P", 0.5)


@pytest.mark.parametrize("source, target, kind, message", [
    ("T", "T", "support", r"\[T\] would support itself, and the map reads no relation from a claim to itself"),
    ("<A>", "T", "attack", r"<A> concludes \[T\], so \[T\] would attack itself, and the map reads no relation"),
    ("<A>", "T", "support", r"<A> concludes \[T\], so it supports it already, through its premises"),
])
def test_relate_says_why_a_claim_cannot_bear_on_itself_even_when_forced(source, target, kind, message):
    # with an attack on [T] already there, into which the model merges the new line's place
    doc = Document(TWO_ARGUMENTS.replace("  + <B>\n", "  + <B>\n  - [X]: an objection.\n"))
    for force in (False, True):
        with pytest.raises(EditError, match=message):
            doc.relate(source, target, kind, force)
    assert not doc.changed


def test_an_empty_new_title_and_a_misspelt_title_get_plain_messages():
    doc = Document(MAP)
    with pytest.raises(EditError, match=r"^the new title for \[Recall Drops\] is empty$"):
        doc.rename("Recall Drops", " ")
    # the closest title only: [Sleep Debt] is close enough to be listed too, and misleads
    with pytest.raises(EditError, match=r"'Short Debt'; did you mean \[Short Night\]\?$"):
        doc.unset("Short Debt", "reason")


def test_unset_names_one_argument_of_several_concluding_a_statement():
    text = ("[T]: t\n\n<A1>\n\n(1) [P]: p {reason: r, credence: 0.8}\n----\n(2) [T] {reason: a, inference: 0.7}\n\n"
            "<A2>\n\n(1) [Q]: q {reason: r, credence: 0.9}\n----\n(2) [T] {reason: b, inference: 0.5}\n")
    doc = Document(text)
    doc.unset("<A1>", "inference")
    assert doc.text == text.replace("{reason: a, inference: 0.7}", "{reason: a}")
    with pytest.raises(EditError, match="works on statements"):
        Document(text).unset("<A1>", "credence")  # an argument's credence is its premises' business
