"""argmap check: vargdown's rules for numbers and what vargdown misses, each at file:line:col."""
from __future__ import annotations

import argmap
from argmap.check import check_map

RULES = '''===
model:
    mode: strict
===

[Thesis]: The thesis. {reason: "why", credence: 0.9}

[Lonely]: Nobody relates to me.

[E1]: First.
  +> [E2]: Second.
    +> [E1]

<Arg>

(1) [Obs]: An observation without a source. #observation
    {credence: 0.8}
(2) [Late]: The reason comes last. {credence: 0.7, reason: "late"}
(3) [Bare]: No number at all.
(4) [Wrong]: A premise with an inference. {reason: "r", credence: 1.5, inference: 0.3}
----
(5) [Concl]: A conclusion with a credence. {reason: "r", credence: 0.4}
  +> [Thesis]
  +> [Other]

<Other>

(1) [Good]: Fine. #observation [Source](https://example.org) > "a quote" {reason: "r", credence: 0.6}
----
(2) [Other Conclusion]: Also fine. {reason: "r", inference: 0.2}
  +> [Thesis]
'''


def found(semantics=None):
    return {(d.code, d.line, d.column, d.severity.value) for d in check_map(argmap.loads(RULES), semantics)}


def test_each_vargdown_rule_at_its_place():
    # Lines and columns read off the text above: the data block, the statement, or the relation.
    assert found() == {
        ("thesis-credence", 6, 23, "warning"),  # a hardcoded credence on the thesis
        ("isolated", 8, 1, "warning"),  # a top-level statement on its own
        ("entailment-cycle", 11, 1, "warning"),  # [E1] +> [E2] +> [E1]
        ("observation", 16, 5, "warning"),  # #observation without a link and a quote
        ("reason", 17, 5, "warning"),  # {credence} without {reason}
        ("reason-order", 18, 36, "warning"),  # {reason} after the number
        ("missing-credence", 19, 5, "warning"),  # [Bare]: stated nowhere
        ("number", 20, 43, "error"),  # credence 1.5
        ("premise-inference", 20, 43, "warning"),  # {inference} on a premise
        ("conclusion-credence", 22, 44, "warning"),  # {credence} on a conclusion
        ("missing-inference", 22, 44, "warning"),  # ... and no {inference}
        ("undefined-title", 24, 7, "warning"),  # +> [Other], a textless namesake of <Other>
    }


def test_vargdown_sign_warnings():
    # [Concl] is 0.4 and [Other Conclusion] 0.6 * 0.2 = 0.12: both support [Thesis], and both
    # lower it under vargdown's log-odds rule.
    flips = {d for d in found("vargdown") if d[0] == "vargdown-sign"}
    assert flips == {("vargdown-sign", 23, 1, "warning"), ("vargdown-sign", 31, 1, "warning")}
    messages = [d.message for d in check_map(argmap.loads(RULES), "vargdown") if d.code == "vargdown-sign"]
    assert "[Other Conclusion] (0.12), the conclusion of <Other>, supports [Thesis] but lowers it" in messages[1]


def test_the_thesis_has_warnings_only(thesis):
    diagnostics = check_map(thesis)
    assert [(d.code, d.line) for d in diagnostics] == [
        ("missing-inference", 117), ("undefined-title", 210), ("undefined-title", 258)]
    assert "did you mean <Orthogonal Preservation>?" in diagnostics[1].message
    flips = [d for d in check_map(thesis, "vargdown") if d.code == "vargdown-sign"]
    # 6 supporting conclusions below 0.5 (0.4428, 0.3575, 0.3276, 0.216, 0.1875, 0.3575) and
    # all 4 contrary ones (0.243, 0.1958, 0.0853, 0.2025)
    assert len(flips) == 10 and all(d.severity.value == "warning" for d in flips)


def test_an_invalid_last_credence_is_reported_not_a_crash():
    # The last written credence wins, and here it is not a number: argmap states none, so the
    # earlier valid ones are ignored too (no thesis-credence: nothing stated is used).
    text = "[T]: t\n  + [S]: s {credence: 0.6}\n\n[S]\n  {credence: 0.7}\n\n[S]\n  {credence: high}\n"
    diagnostics = [d for d in check_map(argmap.loads(text)) if d.code != "reason"]
    assert [(d.code, d.line) for d in diagnostics] == [
        ("no-numbers", 1), ("conflicting-credence", 2), ("conflicting-credence", 5), ("number", 8)]
    assert "[S] has {credence: 0.7} here, but the last written, at line 8, is not a number" in diagnostics[2].message
    thesis = "[T]: thesis {credence: 0.4}\n  + [S]: s {credence: 0.6}\n\n[T]\n  {credence: 1.5}\n"
    assert [(d.code, d.line) for d in check_map(argmap.loads(thesis)) if d.code != "reason"] == [
        ("conflicting-credence", 1), ("number", 5)]


def test_an_observation_quote_is_what_follows_its_links():
    def complaint(text):
        return [d.message for d in check_map(argmap.loads(text)) if d.code == "observation"]

    # the same rule `argmap evidence` and the diagrams use: a `>` after the last link or tag
    assert complaint("[S]: c #observation\n  [p](docs/p.md)\n  >quote\n") == []
    assert complaint("[S]: gain is > 5 #observation [p](docs/p.md)\n") == [
        "[S] is an #observation without a `>` quote from the source"]


def test_check_reports_what_only_computing_finds():
    """Mutual attack at credence 1 has two limits; `check` says so, as `credence` does."""
    model = argmap.loads("[A]: a {reason: r, credence: 1}\n  - [B]: b {reason: r, credence: 1}\n\n[B]\n  - [A]\n")
    assert [d.code for d in check_map(model)] == ["no-unique-limit"]
