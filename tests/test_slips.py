"""The slips a new user makes are caught, each at its place, with what was probably meant and,
where one edit resolves it, the fix; and Argdown as people write it is read as the reference
reads it, or with a diagnostic where the reference rejects it.

Positions were read off the texts by hand; where the reference (@argdown/cli 1.7.5) reports a
position, the expected one is the reference's.
"""
from __future__ import annotations

import pytest

import argmap
import argmap.edit
from argmap.check import check_map
from argmap.edit import EditError

SLEEP = """[Rested]: People who sleep enough decide better.
  + <Sleep Debt>
  + <Sleep Dept>
  - [Placbo]
  - [rested]
  - [Unrelated Claim]

<Sleep Debt>: Sleep debt impairs judgement.

[Placebo]: The effect is a placebo. @[Placbo] says so too.
"""


def diagnostics(text: str, code: str) -> list:
    return [d for d in check_map(argmap.loads(text)) if d.code == code]


def fixed(text: str, diagnostic) -> str:
    (fix,) = diagnostic.fixes
    return text[:fix.start] + fix.text + text[fix.end:]


# --- titles nothing defines ----------------------------------------------------------------------

def test_a_title_nothing_defines_is_a_warning_with_the_close_title_and_a_fix():
    found = diagnostics(SLEEP, "undefined-title")
    assert [(d.line, d.column, d.severity.value) for d in found] == [
        (3, 6, "warning"),  # <Sleep Dept>: one letter from <Sleep Debt>
        (4, 6, "warning"),  # [Placbo]: one letter from [Placebo]
        (5, 6, "warning"),  # [rested]: [Rested] but for case
        (6, 6, "info"),  # [Unrelated Claim]: nothing is close
        (10, 39, "warning"),  # @[Placbo], a mention
    ]
    dept, placbo, rested, unrelated, mention = found
    assert "<Sleep Dept> is defined nowhere" in dept.message and "did you mean <Sleep Debt>?" in dept.message
    assert "empty argument worth 0.5" in dept.message
    assert "did you mean [Placebo]?" in placbo.message and "did you mean [Rested]?" in rested.message
    assert "counts as an empty claim worth 0.5" in unrelated.message and not unrelated.fixes
    assert "@[Placbo] mentions a title that nothing defines: did you mean [Placebo]?" in mention.message
    assert fixed(SLEEP, dept).splitlines()[2] == "  + <Sleep Debt>"
    assert fixed(SLEEP, placbo).splitlines()[3] == "  - [Placebo]"
    assert fixed(SLEEP, mention).splitlines()[9].endswith("@[Placebo] says so too.")
    # Once each fix is applied, only the note about the unrelated claim is left.
    text = SLEEP
    for place in (mention, rested, placbo, dept):  # from the end, so earlier offsets still hold
        text = fixed(text, place)
    assert [d.severity.value for d in diagnostics(text, "undefined-title")] == ["info"]


def test_a_statement_named_like_an_argument_is_fixed_into_the_argument():
    text = "[T]: thesis\n  + [Sleep Debt]\n\n<Sleep Debt>: debt\n\n(1) [P]: p\n----\n(2) [C]: c\n"
    (found,) = diagnostics(text, "undefined-title")
    assert (found.line, found.column) == (2, 6) and "did you mean <Sleep Debt>?" in found.message
    assert fixed(text, found).splitlines()[1] == "  + <Sleep Debt>"


def test_no_slip_where_titles_differ_by_a_number_or_a_letter_name():
    text = "[T]: t\n  + <Argument 2>\n  + [c]\n\n<Argument 1>: one\n\n[d]: d\n  - [T]\n"
    assert [d.severity.value for d in diagnostics(text, "undefined-title")] == ["info", "info"]


def test_the_thesis_keeps_one_warning_per_textless_namesake(thesis):
    found = [d for d in check_map(thesis) if d.code == "undefined-title"]
    assert [(d.line, d.column) for d in found] == [(210, 7), (258, 7)]
    assert "did you mean <Orthogonal Preservation>?" in found[0].message
    assert found[0].fixes[0].text == "<Orthogonal Preservation>"


# --- data keys -----------------------------------------------------------------------------------

def test_a_misspelt_data_key_is_named_with_the_key_meant():
    text = ('<A>: a\n\n(1) [P]: p {reason: "r", credance: 0.7}\n----\n'
            '(2) [C]: c {resaon: "r", Infrence: 0.8, priority: 2, mykey: 3}\n')
    found = diagnostics(text, "data-key")
    assert [(d.line, d.column) for d in found] == [(3, 26), (5, 13), (5, 26)]
    assert [d.message.split(":")[0] for d in found] == ["{credance} is not a key argmap reads"] + [
        "{resaon} is not a key argmap reads", "{Infrence} is not a key argmap reads"]
    assert "did you mean {inference}?" in found[2].message
    repaired = text
    for place in reversed(found):
        repaired = fixed(repaired, place)
    assert repaired.splitlines()[2] == '(1) [P]: p {reason: "r", credence: 0.7}'
    assert argmap.loads(repaired).statements["C"].data == {
        "reason": "r", "inference": 0.8, "priority": 2, "mykey": 3}


# --- front matter --------------------------------------------------------------------------------

FRONT = ("===\ntitle: Sleep\nsemantcs: vargdown\nmodel:\n    mode: strikt\n    removeTagsFromTxt: true\n"
         "thesis: Rested\n===\n\n[Rested]: r\n  + [Debt]: d {reason: \"r\", credence: 0.7}\n")


def test_a_misspelt_front_matter_setting_is_named_with_the_one_meant():
    """`semantcs:` would leave the map to df-quad without a word: the numbers change."""
    found = diagnostics(FRONT, "front-matter-key")
    assert [(d.line, d.column, d.severity.value) for d in found] == [(3, 1, "warning"), (6, 5, "warning")]
    assert found[0].message == ("`semantcs:` is not a setting argmap reads: did you mean `semantics:`? "
                                "As written, it is ignored")
    assert "did you mean `removeTagsFromText:`?" in found[1].message
    assert fixed(FRONT, found[0]).splitlines()[2] == "semantics: vargdown"
    # a key of the author's own is not a slip: only the model's misspelt setting is left
    assert [d.line for d in diagnostics(FRONT.replace("semantcs", "author"), "front-matter-key")] == [6]


def test_a_mode_that_is_neither_loose_nor_strict_is_named():
    [found] = diagnostics(FRONT, "front-matter-mode")
    assert (found.line, found.column) == (5, 11)
    assert found.message == "`mode: strikt` is neither loose nor strict: did you mean `mode: strict`? argmap reads the map as loose"
    assert fixed(FRONT, found).splitlines()[4] == "    mode: strict"
    assert not diagnostics(FRONT.replace("strikt", "strict"), "front-matter-mode")


def test_an_unknown_semantics_in_the_front_matter_is_reported_where_it_is_written(tmp_path):
    from typer.testing import CliRunner

    from argmap.cli import app

    text = FRONT.replace("semantcs: vargdown", "semantics: vargdwn")
    [found] = diagnostics(text, "front-matter-semantics")
    assert (found.line, found.column) == (3, 12)
    assert "unknown semantics 'vargdwn'; choose one of df-quad, quadratic-energy, vargdown (did you mean vargdown?)" \
        in found.message
    assert fixed(text, found).splitlines()[2] == "semantics: vargdown"
    (tmp_path / "m.argdown").write_text(text)
    result = CliRunner().invoke(app, ["credence", str(tmp_path / "m.argdown")])
    assert result.exit_code == 2 and result.stderr.startswith(f"{tmp_path / 'm.argdown'}:3:12: the front matter names")


# --- claims that bear on themselves --------------------------------------------------------------

LOOPS = """[C]: c
  + [C]

<A>: a

(1) [P]: p
----
(2) [C]

<A>
  + [C]

[T]: t
  - [P]
"""


def test_a_claim_that_supports_itself_is_a_warning():
    found = diagnostics(LOOPS, "self-relation")
    assert [(d.line, d.column) for d in found] == [(2, 1), (11, 1)]
    assert found[0].message.startswith("[C] supports itself: ")
    assert found[1].message.startswith("[C] supports itself through <A>, which concludes it")


def test_relate_refuses_a_relation_of_a_claim_to_itself_without_force(tmp_path):
    path = tmp_path / "map.argdown"
    path.write_text("<A>: a\n\n(1) [P]: p\n----\n(2) [C]: c\n\n[T]: t\n  + [C]\n")
    doc = argmap.edit.open(path)
    with pytest.raises(EditError, match=r"\[C\] would bear on itself through <A>, which concludes it"):
        doc.relate("[C]", "<A>", "support")
    with pytest.raises(EditError, match=r"\[T\] would bear on itself"):
        doc.relate("[T]", "[T]", "attack")
    doc.relate("[P]", "[T]", "attack")  # no loop: written
    doc.relate("[C]", "<A>", "support", force=True)
    assert doc.text == "<A>: a\n  + [C]\n\n(1) [P]: p\n----\n(2) [C]: c\n\n[T]: t\n  + [C]\n  - [P]\n"


# --- front matter, positions ---------------------------------------------------------------------

def test_a_thesis_the_front_matter_names_must_exist():
    text = "===\ntitle: sleep\nthesis: Sleep Matter\n===\n\n[Sleep Matters]: s\n  + [B]: b\n"
    (found,) = diagnostics(text, "thesis")
    assert (found.severity.value, found.line, found.column) == ("error", 3, 1)
    assert found.message.endswith("did you mean [Sleep Matters]?")


def test_an_unclosed_brace_is_reported_on_its_own_line_with_a_fix():
    text = '[A]: a {reason: "x", credence: 0.5\n  + [B]: b\n\n[C]: c {reason: "y", credence: 0.3}\n'
    (found,) = [d for d in argmap.loads(text).diagnostics if d.severity.value == "error"]
    assert (found.code, found.line, found.column) == ("data-unclosed", 1, 8)
    assert "runs on to the } at line 4" in found.message
    repaired = argmap.loads(fixed(text, found))
    assert not repaired.errors and repaired.statements["A"].data == {"reason": "x", "credence": 0.5}


@pytest.mark.parametrize("indent, said", [("\t", "1 tab"), (" ", "1 space")])
def test_a_relation_indented_unlike_those_above_says_what_fits(indent, said):
    text = f"[A]: a\n  + [B]: b\n{indent}+ [C]: c\n"
    (found,) = argmap.loads(text).errors
    assert (found.line, found.column) == (3, 1)  # the reference's position
    assert f"it is indented by {said} and the relations above it by 2 spaces" in found.message


# --- Argdown as people write it ------------------------------------------------------------------

def test_a_numbered_statement_without_text_is_an_empty_premise():
    model = argmap.loads("<A>\n\n(1)\n(2) // a comment\n-----\n(3) [C]: conc\n")
    assert not model.errors
    pcs = model.arguments["A"].pcs
    assert [(m.title, m.text, m.role.value) for m in pcs] == [
        ("Untitled 1", None, "premise"), ("Untitled 2", None, "premise"), ("C", "conc", "main-conclusion")]
    assert [(m.span.line, m.span.column) for m in pcs[:2]] == [(3, 4), (4, 17)]  # as the reference has them


@pytest.mark.parametrize("text, place, what", [
    ("// only\n// comments\n", (1, 8), "the file holds only comments"),
    ("/* a\nb */\n", (2, 5), "the file holds only comments"),
    ("===\ntitle: x\n===\n[A]: a\n", (4, 1), "front matter (=== ... ===) must be followed by a blank line"),
    ("=== title: x ===\n[A]: a\n", (2, 1), "front matter (=== ... ===) must be followed by a blank line"),
    ("[A]: see [the\nlink](https://example.org) here\n", (1, 10), "a link [text](url) must be written on one line"),
])
def test_what_the_reference_rejects_gets_a_diagnostic_at_its_position(text, place, what):
    model = argmap.loads(text)
    found = [d for d in model.diagnostics if what in d.message]
    assert [(d.line, d.column) for d in found] == [place]
    assert not model.errors


def test_the_relate_command_takes_force(tmp_path):
    from typer.testing import CliRunner

    from argmap.cli import app

    path = tmp_path / "map.argdown"
    path.write_text("[T]: t\n  + [S]: s\n")
    refused = CliRunner().invoke(app, ["relate", str(path), "--from", "T", "--to", "T", "--kind", "attack"])
    assert refused.exit_code == 1 and "[T] would bear on itself (--force writes it anyway)" in refused.output
    forced = CliRunner().invoke(app, ["relate", str(path), "--from", "T", "--to", "T", "--kind", "attack", "--force"])
    assert forced.exit_code == 0 and path.read_text() == "[T]: t\n  + [S]: s\n  - [T]\n"


# --- slips that YAML and Argdown read without complaint -------------------------------------------

PCS = "<A>: a\n\n(1) [P]: p\n    {reason: \"r\", credence: %s}\n----\n(2) [C]: c\n    {reason: \"s\", inference: 0.8}\n"


def test_a_decimal_comma_is_a_warning_with_the_point_meant():
    text = PCS % "0,6"
    (found,) = diagnostics(text, "data-comma")
    assert (found.line, found.column) == (4, 29)  # at the 0
    assert "{credence: 0,6} reads as credence 0 and a key 6" in found.message and "did you mean 0.6?" in found.message
    assert argmap.loads(fixed(text, found)).statements["P"].data == {"reason": "r", "credence": 0.6}


def test_a_colon_without_a_space_is_a_warning_with_the_fix():
    text = PCS.replace("credence: %s", "credence:0.6")
    (found,) = diagnostics(text, "data-colon")
    assert (found.line, found.column) == (4, 19)
    assert "{credence:0.6} is read as one key with no value: YAML needs a space after the colon" in found.message
    assert argmap.loads(fixed(text, found)).statements["P"].data == {"reason": "r", "credence": 0.6}


def test_no_slip_in_well_formed_data():
    assert not [d for d in check_map(argmap.loads(PCS % "0.6")) if d.code in ("data-comma", "data-colon")]
    text = '[A]: a {reason: "1,2 and x:y", url: "http://x.org", n: 3}\n  + [B]: b\n'
    assert not [d for d in check_map(argmap.loads(text)) if d.code in ("data-comma", "data-colon")]


@pytest.mark.parametrize("line, place, said, repaired", [
    ("  + <Sleep Debt", (2, 5), "<Sleep Debt looks like a title without its closing '>'", "  + <Sleep Debt>"),
    ("  + [Debt: sleep debt hurts", (2, 5), "[Debt: looks like a title without its closing ']'",
     "  + [Debt]: sleep debt hurts"),
])
def test_a_title_without_its_closing_bracket_is_a_warning(line, place, said, repaired):
    text = f"[T]: t\n{line}\n\n<Sleep Debt>: debt\n"
    model = argmap.loads(text)
    assert "Untitled 1" in model.statements  # read as the reference reads it: an untitled statement
    (found,) = diagnostics(text, "unclosed-title")
    assert (found.line, found.column) == place and said in found.message
    assert fixed(text, found).splitlines()[1] == repaired


def test_text_that_starts_with_a_link_or_a_closed_title_is_no_unclosed_title():
    text = "[T]: t\n  + [the site](https://example.org) says so\n  >< <A4>: a contradiction with text\n"
    assert not diagnostics(text, "unclosed-title")


def test_swapped_letters_are_one_typo():
    text = "[T]: t\n  + <Sleep Dbet>\n\n<Sleep Debt>: debt\n"
    (found,) = diagnostics(text, "undefined-title")
    assert found.severity.value == "warning" and "did you mean <Sleep Debt>?" in found.message


@pytest.mark.parametrize("member, place", [("(1) [Base Rat]\n(2) [Q]: q\n----\n(3) [T]", (9, 6)),
                                           ("(1) [Q]: q\n----\n(2) [Base Rat]", (11, 6))])
def test_a_textless_premise_or_conclusion_a_typo_from_a_statement_is_named(member, place):
    text = f"[T]: t\n  + <M>\n\n[Base Rate]: the base rate is high\n  - [U]: u\n\n<M>\n\n{member}\n"
    (found,) = diagnostics(text, "undefined-title")
    assert (found.line, found.column) == place
    assert "[Base Rat] in <M> has no text anywhere: did you mean [Base Rate]?" in found.message
    assert "[Base Rate]" in fixed(text, found).splitlines()[place[0] - 1]


def test_a_relation_a_space_too_deep_is_a_warning_naming_where_it_went():
    text = "[T]: t\n  + <A>: a\n   - <B>: b\n  + <C>: c\n    - <D>: d\n"
    (found,) = argmap.loads(text).diagnostics
    assert (found.code, found.line, found.column) == ("indentation", 3, 4)
    assert "indented by 3 spaces, the relation above it by 2 spaces: it was read as a relation of <A>" in found.message
    assert "indent it by 2 spaces to relate it to [T]" in found.message
    assert [(r.source, r.target) for r in argmap.loads(fixed(text, found.model_copy(
        update={"fixes": found.fixes[:1]}))).relations if r.source == "B"] == [("B", "T")]


def test_a_claim_that_supports_and_attacks_the_same_target_is_a_warning():
    text = "[T]: t\n  + <A>: a\n  + [B]: b\n  - <A>\n"
    (found,) = diagnostics(text, "opposite-relations")
    assert (found.line, found.related[0].span.line) == (4, 2)
    assert found.message.startswith("<A> both supports [T] (line 2) and attacks it (line 4)")


def test_a_credence_on_an_argument_with_premises_is_a_warning():
    text = '[T]: t\n  - <A> {reason: "x", credence: 0.9}\n\n<A>\n\n(1) [P]: p\n----\n(2) [C]: c\n'
    (found,) = diagnostics(text, "argument-credence")
    assert (found.line, found.column) == (2, 9) and "<A> has a premise-conclusion structure" in found.message
    assert not diagnostics('[T]: t\n  - <A>: a {reason: "x", credence: 0.9}\n', "argument-credence")


def test_a_brace_never_closed_is_a_warning_at_the_brace():
    text = '<A>: a\n\n(1) [P]: p\n    {reason: "r", credence: 0.7}\n----\n(2) [C]: c\n    {reason: "s", inference: 0.6\n'
    model = argmap.loads(text)
    assert not model.errors and "inference: 0.6" in model.statements["C"].text  # text, as the reference reads it
    (found,) = diagnostics(text, "data-unclosed")
    assert (found.severity.value, found.line, found.column) == ("warning", 7, 5)
    assert argmap.loads(fixed(text, found)).statements["C"].data == {"reason": "s", "inference": 0.6}


@pytest.mark.parametrize("dashes", ["---", "--"])
def test_an_inference_line_with_too_few_dashes_is_an_error_on_its_line(dashes):
    text = f"<A>: a\n\n(1) [P]: p\n{dashes}\n(2) [C]: c\n"
    (found,) = argmap.loads(text).errors
    assert (found.line, found.column) == (4, 1)
    assert f"an inference line needs four dashes or more: '{dashes}'" in found.message
    repaired = argmap.loads(fixed(text, found))
    assert not repaired.errors and [m.role.value for m in repaired.arguments["A"].pcs] == ["premise", "main-conclusion"]


@pytest.mark.parametrize("text, said", [
    ("", "the map has no statements"),
    ("// only a comment\n", "the map has no statements"),
    ("===\nthesis: Sleep Matter\n===\n\n[Sleep Matters]: s\n  + [B]: b\n", "the front matter's `thesis:` names no "
     "statement of this map"),
    ("[A]: a\n  + [B]: b\n  - [A]\n", "every statement bears on another"),
])
def test_no_thesis_says_why(text, said):
    from argmap.explanation import bottom_line
    from argmap.propagate import credence

    assert bottom_line(credence(argmap.loads(text))).startswith(f"no thesis: {said}")


def test_an_attack_on_the_claim_an_argument_concludes_is_not_dropped_silently():
    text = "[C]: c\n  {sign} <A>\n\n<A>\n\n(1) [P]: p\n----\n(2) [C]\n"
    attack = [d for d in argmap.loads(text.format(sign="-")).diagnostics if d.code == "self-relation"]
    assert [(d.line, d.column) for d in attack] == [(2, 1)]
    assert "<A> concludes [C], so this line says that [C] attacks itself" in attack[0].message
    assert not argmap.loads(text.format(sign="+")).diagnostics  # the usual way to list an argument under its conclusion


def test_what_recovery_cannot_place_is_said_to_be_left_out():
    """After a tab-indented relation the parser cannot place it, nor the valid line after it;
    both are named, so no relation goes missing without a word."""
    model = argmap.loads("[S]: s\n  + <A>\n  + <B>\n\t- <C>\n  - <D>\n\n[X]: x\n")
    assert [(r.source, r.target) for r in model.relations] == [("A", "S"), ("B", "S")]
    assert [(d.line, d.code) for d in model.diagnostics] == [(4, "syntax"), (4, "skipped")]
    assert model.diagnostics[1].message == "lines 4-5 were left out of the model"
