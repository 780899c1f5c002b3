"""The builder makes its models without validating them (argmap computes every value): they
must be what validation would make, and its indexes must find what the reference's scans find."""
from __future__ import annotations

import pytest
from pydantic import BaseModel

import argmap
from argmap.model import ArgumentMap

EVERY_ELEMENT = """===
model:
    explodeArguments: true
===

# Section *one* #tagged {kind: top}

[A]: A claim with **bold**, _italic_, a [link](https://example.org), @[B] and #tag. {credence: 0.6}
  + <Arg>: An argument. {prior: 0.3}
  - [B]: Another claim.
  >< [C]: A third.

## Below

<Arg>

(1) [P]: A premise. {reason: "seen", credence: 0.7}
-- modus ponens {inference: 0.9} --
(2) [I]: An intermediary conclusion.
----
(3) [A]
  _> [C]

* [D]: A list item
"""


def models(value):
    """Every model in a value, once each."""
    seen, stack = {}, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, BaseModel):
            if id(item) not in seen:
                seen[id(item)] = item
                stack += [getattr(item, name) for name in type(item).model_fields]
        elif isinstance(item, (list, tuple)):
            stack += item
        elif isinstance(item, dict):
            stack += item.values()
    return list(seen.values())


def test_a_built_map_is_what_validation_makes_of_it(thesis):
    for model in (argmap.loads(EVERY_ELEMENT), thesis):
        built = models(model)
        assert {type(m).__name__ for m in built} >= {
            "ArgumentMap", "Statement", "StatementOccurrence", "Argument", "ArgumentDescription", "Relation",
            "Section", "Range", "Inference"}
        for item in built:  # every field, in the model's order, as validation leaves them
            assert list(vars(item)) == list(type(item).model_fields), type(item).__name__
        assert ArgumentMap.model_validate(model.model_dump()) == model


def test_the_built_map_takes_assignments_like_a_validated_one():
    model = argmap.loads("[A]: a\n")
    model.path = "map.argdown"
    model.statements["A"].members[0].text = "changed"
    assert model.path == "map.argdown" and model.statements["A"].text == "changed"


def test_exploded_steps_do_not_share_their_lists():
    model = argmap.loads(EVERY_ELEMENT)
    first, second = model.arguments["Arg - 1"], model.arguments["Arg - 2"]
    assert first.tags == second.tags and first.tags is not second.tags
    assert first.members is not second.members and first.data is not second.data


def test_a_relation_written_twice_is_one_relation_with_both_places():
    model = argmap.loads("[A]: a\n  +> [B]: b\n\n[A]\n  +> [B]\n")
    [relation] = model.relations
    assert (relation.source, relation.target, relation.type.value) == ("A", "B", "support")
    assert [span.line for span in relation.spans] == [2, 5]


def test_a_contradiction_written_both_ways_is_one_relation():
    model = argmap.loads("[A]: a\n  >< [B]: b\n\n[B]\n  >< [A]\n")
    [relation] = model.relations
    assert (relation.source, relation.target, relation.type.value) == ("A", "B", "contradictory")
    assert [span.line for span in relation.spans] == [2, 5]


def test_a_claim_supporting_itself_joins_the_first_support_it_has():
    # The reference looks for a repeat among all relations of the source; for a claim that
    # targets itself, that is any support of it: here the support of [S] by [X].
    model = argmap.loads("[S]: s\n  <+ [X]: x\n  +> [S]\n")
    [relation] = model.relations
    assert (relation.source, relation.target) == ("X", "S") and [s.line for s in relation.spans] == [2, 3]


def test_a_claim_with_thousands_of_relations_keeps_each_once():
    body = "[T]: t\n" + "".join(f"  +> [C{i}]: c\n" for i in range(3000)) + "".join(
        f"  +> [C{i}]\n" for i in range(0, 3000, 2))
    model = argmap.loads(body)
    assert len(model.relations) == 3000
    assert {len(r.spans) for r in model.relations if int(r.target[1:]) % 2 == 0} == {2}
    assert {len(r.spans) for r in model.relations if int(r.target[1:]) % 2 == 1} == {1}


def test_an_attack_on_an_argument_and_on_its_premise_is_one_relation_among_many():
    body = "[S]: s\n" + "".join(f"  -> <A{i}>: a\n" for i in range(300)) + "  -> [P7]\n" + "".join(
        f"\n<A{i}>\n\n(1) [P{i}]: p\n----\n(2) [C{i}]: c\n" for i in range(300))
    model = argmap.loads(body)
    on_premise = [r for r in model.relations if r.target == "P7"]
    assert len(model.relations) == 300 and len(on_premise) == 1
    assert [span.line for span in on_premise[0].spans] == [302, 9]


def test_a_constructed_model_takes_the_defaults_of_fields_left_out_and_refuses_a_missing_required_one():
    from argmap.model import Span, StatementOccurrence, constructed

    first, second = constructed(ArgumentMap, {}), constructed(ArgumentMap, {"strict": True})
    assert first == ArgumentMap() and second.strict and second.statements == {}
    first.relations.append("x")  # each default from its factory, not one list shared by every map
    assert second.relations == [] and ArgumentMap().relations == []
    with pytest.raises(TypeError, match="StatementOccurrence.span is required"):
        constructed(StatementOccurrence, {"title": "A"})
    assert constructed(StatementOccurrence, {"title": "A", "span": Span(1, 1, 1, 3, 0, 3)}).title == "A"


def test_constructed_models_share_their_fields_set_without_one_change_reaching_another():
    from argmap.model import Role

    model = argmap.loads("(1) [P]: p\n(2) [Q]: q\n----\n(3) [C]: c\n")
    first, second = model.arguments["Untitled 1"].pcs[:2]
    assert first.model_fields_set == second.model_fields_set == set(type(first).model_fields)
    first.role = Role.MAIN_CONCLUSION  # pydantic marks the field set: it was already
    copy = second.model_copy(update={"role": Role.MAIN_CONCLUSION})
    copy.model_fields_set.discard("role")  # a copy has a set of its own
    assert second.role is Role.PREMISE and first.role is Role.MAIN_CONCLUSION
    assert second.model_fields_set == set(type(second).model_fields)
    assert second.model_dump(exclude_unset=True) == second.model_dump()


def test_spans_end_past_the_line_break_unless_a_blank_line_follows_and_titles_are_within_their_brackets():
    # Lines start at 0, 7, 8, 15, 24, 25, 32, 36, 37, 51, 58 and 63; the text ends at 73.
    model = argmap.loads("[A]: a\n\n[B]: b\n  +> [C]\n\n<D>: d\n   \n\n(1) [P]: p #t\n  more\n----\n(2) [Q]: q")
    spans = {title: (s.members[0].span, s.members[0].title_span) for title, s in model.statements.items()}
    assert spans["A"] == ((1, 1, 1, 6, 0, 6), (1, 2, 1, 2, 1, 2))  # an empty line follows
    assert spans["B"] == ((3, 1, 4, 8, 8, 23), (3, 2, 3, 2, 9, 10))  # its relation is part of it
    assert spans["C"] == ((4, 6, 4, 8, 20, 23), (4, 7, 4, 7, 21, 22))
    assert spans["P"] == ((9, 5, 10, 7, 41, 58), (9, 6, 9, 6, 42, 43))  # its text ends with its line break
    assert spans["Q"] == ((12, 5, 12, 10, 67, 73), (12, 6, 12, 6, 68, 69))  # the end of the text
    [tag] = model.statements["P"].members[0].ranges
    assert tag.span == (9, 12, 9, 14, 48, 50)  # an indented line of text follows
    description = model.arguments["D"].members[0]
    assert (description.span, description.title_span) == ((6, 1, 6, 6, 25, 31), (6, 2, 6, 2, 26, 27))  # spaces


def test_plain_texts_and_missing_ones_read_as_assembled_texts_do():
    model = argmap.loads("[A]:   one plain line   \n\n[A]\n\n<B>\n\n<C>: its text\n\n[D]: two\n  lines\n")
    assert [m.text for m in model.statements["A"].members] == ["one plain line", None]
    assert model.arguments["B"].members[0].text == "" and model.arguments["C"].members[0].text == "its text"
    assert model.statements["D"].members[0].text == "two lines"
    assert all(not m.ranges and not m.tags for s in model.statements.values() for m in s.members)


def test_spans_asked_in_any_order_are_where_their_tokens_are():
    """The builder finds a span's line from the last one it found: spans asked back and forth,
    and at the text's first and last characters, must still be where their tokens are."""
    import random

    from argmap.build import _Spans
    from argmap.parse import tokenize

    text = "[A]: a #t\n  + [B]: b\n\n\n(1) [P]: p\n  more [l](u)\n----\n(2) [Q]: q {x: 1}"
    tokens = tokenize(text)[0]
    tokens = [token for token in tokens if token[3] > token[2]]
    pairs = [(first, last) for i, first in enumerate(tokens) for last in tokens[i:]]
    in_order, spans = _Spans(), _Spans()
    expected = [in_order.between(first, last) for first, last in pairs]
    for index in random.Random(7).sample(range(len(pairs)), len(pairs)):
        first, last = pairs[index]
        span = spans.between(first, last)
        assert span == expected[index]
        start = first[2]
        assert span.line == text.count("\n", 0, start) + 1
        assert span.column == start - text.rfind("\n", 0, start)
        assert (span.start, span.end) == (start, last[3])
    assert spans.between(tokens[-1], tokens[-1])[:4] == (8, 12, 8, 17)  # `{x: 1}` ends the text


def test_texts_are_assembled_with_their_ranges_whatever_their_shape():
    model = argmap.loads("(1) [P]: a premise   \n(2) [R]: second\n  line\n----\n(3) [Q]: the end\n\n"
                         "[E]: a **bold** #tag\n  [l](u) and _it_\n")
    assert [model.statements[t].members[0].text for t in "PRQ"] == ["a premise", "second line", "the end"]
    [occurrence] = model.statements["E"].members
    assert occurrence.text == "a bold #tag l and it"
    assert [(r.type.value, r.start, r.stop, occurrence.text[r.start:r.stop + 1]) for r in occurrence.ranges] == [
        ("bold", 2, 5, "bold"), ("tag", 7, 10, "#tag"), ("link", 12, 12, "l"), ("italic", 18, 19, "it")]
    assert occurrence.tags == ["tag"] and occurrence.ranges[2].url == "u"
