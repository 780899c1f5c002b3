"""The model builder: Argdown's rules on small maps, and the thesis as its author wrote it.

Expected values follow the Argdown syntax guide; where the reference implementation has a
rule of its own (numbering of untitled statements, strict-mode relation types), the
expectation was checked against its JSON export of the same text."""
from __future__ import annotations

import argmap
from argmap.files import write_atomically
from argmap.model import RelationType, Role, Severity

from conftest import THESIS


def relations(model):
    return sorted((r.source, r.target, r.type.value) for r in model.relations)


def test_statements_with_one_title_form_one_equivalence_class():
    model = argmap.loads("[A]: first text #x\n\n[A]: second text #y {k: 1}\n\n[A]\n")
    statement = model.statements["A"]
    assert [m.text for m in statement.members] == ["first text #x", "second text #y", None]
    assert statement.tags == ["x", "y"] and statement.data == {"k": 1}
    assert statement.text == "second text #y" and statement.is_used_as_top_level


def test_relation_types_in_loose_and_strict_mode():
    body = "[A]: a\n  + [B]: b\n  - [C]: c\n  >< [D]: d\n  - <E>: e\n"
    assert relations(argmap.loads(body)) == [
        ("A", "D", "contradictory"), ("B", "A", "support"), ("C", "A", "attack"), ("E", "A", "attack")]
    strict = argmap.loads("===\nmodel:\n    mode: strict\n===\n\n" + body)
    assert strict.strict
    assert relations(strict) == [
        ("A", "D", "contradictory"), ("B", "A", "entails"), ("C", "A", "contrary"), ("E", "A", "attack")]


def test_direction_of_incoming_and_outgoing_symbols():
    model = argmap.loads("[A]\n  +> [B]\n  -> [C]\n  <+ [D]\n  <- [E]\n  _> <F>\n")
    assert relations(model) == [("A", "B", "support"), ("A", "C", "attack"), ("A", "F", "undercut"),
                                ("D", "A", "support"), ("E", "A", "attack")]


def test_a_reconstructed_argument_speaks_through_its_conclusion():
    model = argmap.loads("[T]: thesis\n  + <A>\n\n<A>: desc\n\n(1) p\n----\n(2) [C]: c\n  +> [T]\n")
    assert relations(model) == [("C", "T", "support")]  # written twice, counted once
    argument = model.arguments["A"]
    assert [(m.title, m.role) for m in argument.pcs] == [("Untitled 1", Role.PREMISE), ("C", Role.MAIN_CONCLUSION)]
    assert argument.text == "desc" and argument.conclusion.title == "C"


def test_undercut_targets_the_inference():
    model = argmap.loads("<A>\n\n(1) p\n----\n  _ [U]: not so fast\n(2) c\n")
    [relation] = model.relations
    assert (relation.source, relation.target, relation.target_kind, relation.type, relation.conclusion_index) == (
        "U", "A", "inference", RelationType.UNDERCUT, 1)


def test_untitled_statements_are_numbered_in_the_reference_order():
    model = argmap.loads("first\n  + second\n    - third\n\n(1) p\n----\n(2) q\n")
    # a statement with relations is numbered before them; an untitled argument before its PCS
    assert list(model.statements) == ["Untitled 1", "Untitled 2", "Untitled 3", "Untitled 5", "Untitled 6"]
    assert list(model.arguments) == ["Untitled 4"]


def test_inference_rules_data_and_intermediary_conclusions():
    model = argmap.loads("<A>\n\n(1) a\n-- modus ponens, reductio {uses: [1]} --\n(2) b\n(3) c\n----\n(4) d\n")
    pcs = model.arguments["A"].pcs
    assert [m.role for m in pcs] == [Role.PREMISE, Role.INTERMEDIARY_CONCLUSION, Role.PREMISE, Role.MAIN_CONCLUSION]
    assert pcs[1].inference.rules == ["modus ponens", "reductio"] and pcs[1].inference.data == {"uses": [1]}
    assert [m.number for m in pcs] == [1, 2, 3, 4]


def test_sections_nest_by_heading_level():
    model = argmap.loads("# One\n\n## Two\n\n[A]: a\n\n# Three\n\n<B>: b\n")
    assert [(s.id, s.title, s.level, s.parent) for s in model.sections] == [
        ("s1", "One", 1, None), ("s2", "Two", 2, "s1"), ("s3", "Three", 1, None)]
    assert model.statements["A"].section == "s2" and model.arguments["B"].section == "s3"


def test_text_formatting_becomes_ranges():
    model = argmap.loads("[A]: **bold** then [a link](http://x) #tag and @[B] .->.\n")
    member = model.statements["A"].members[0]
    assert member.text == "bold then a link #tag and @[B] →"
    assert [(r.type.value, r.url or r.tag or r.title) for r in member.ranges] == [
        ("bold", None), ("link", "http://x"), ("tag", "tag"), ("statement-mention", "B")]
    assert member.text[member.ranges[1].start:member.ranges[1].stop + 1] == "a link"


def test_remove_tags_from_text_setting():
    model = argmap.loads("===\nmodel:\n    removeTagsFromText: true\n===\n\n[A]: a #tag b\n")
    assert model.statements["A"].members[0].text == "a b" and model.statements["A"].tags == ["tag"]


def test_yaml_data_follows_yaml_1_2_like_the_reference():
    model = argmap.loads("[A]: a {answer: no, when: 1:30, n: 0x10, f: 2.5, date: 2020-01-02}\n")
    assert model.statements["A"].data == {"answer": "no", "when": "1:30", "n": 16, "f": 2.5,
                                          "date": "2020-01-02T00:00:00.000Z"}


def test_bad_data_is_an_error_at_its_line_and_the_rest_survives():
    model = argmap.loads("[A]: a\n\n[B]: b\n  {x: [1, 2}\n")
    [error] = model.errors
    assert error.code == "data" and error.line == 4 and "YAML" in error.message
    assert set(model.statements) == {"A", "B"} and model.statements["B"].data == {}


def test_positions_locate_titles_and_data():
    text = "[Alpha]: text {credence: 0.5}\n"
    occurrence = argmap.loads(text).statements["Alpha"].members[0]
    assert text[occurrence.title_span.start:occurrence.title_span.end] == "Alpha"
    assert text[occurrence.data_span.start:occurrence.data_span.end] == "{credence: 0.5}"
    assert (occurrence.span.line, occurrence.span.column) == (1, 1)


def test_the_thesis_as_written():
    model = argmap.load(THESIS)
    assert (len(model.statements), len(model.arguments), len(model.relations)) == (50, 17, 17)
    assert [s.title for s in model.sections] == ["SVD Basis", "Orthogonality", "Decoupling", "Gain Control",
                                                 "Rank Debate", "Functional Architecture", "Compression",
                                                 "Boundary Cases"]
    [warning] = model.diagnostics
    assert (warning.severity, warning.code, warning.line, warning.column) == (
        Severity.WARNING, "missing-inference", 117, 1)
    assert "<AntiPaSTO OOD Transfer>" in warning.message and "(2)" in warning.message
    kinds = sorted(r.type.value for r in model.relations)
    assert kinds.count("entails") == 13 and kinds.count("contrary") == 4
    conclusion = model.arguments["SVD Basis Cluster"].conclusion
    assert conclusion.title == "SVD Is Natural Basis" and conclusion.data["inference"] == 0.85
    premise = model.arguments["SVD Basis Cluster"].premises[0]
    assert premise.data["credence"] == 0.88 and "observation" in premise.tags


def test_the_missing_inference_is_read_as_the_author_meant_it():
    text = THESIS.read_text(encoding="utf-8")
    anchor = "    {reason: \"single-author, one trait (honesty)"
    line_end = text.index("\n", text.index(anchor)) + 1
    fixed = argmap.loads(text[:line_end] + "----\n" + text[line_end:])
    written = argmap.load(THESIS)
    assert fixed.diagnostics == []
    assert relations(fixed) == relations(written)
    for title, argument in fixed.arguments.items():
        assert [(m.title, m.role) for m in argument.pcs] == [(m.title, m.role) for m in written.arguments[title].pcs]


def test_the_graph_view_is_derived_from_the_model(thesis):
    graph = thesis.graph()
    assert graph.number_of_nodes() == 50 + 17
    assert graph.has_edge(("argument", "SVD Basis Cluster"), ("statement", "SVD Is Natural Basis"))
    assert graph.has_edge(("statement", "SVD Init Wins"), ("argument", "SVD Basis Cluster"))
    edge_kinds = [d["kind"] for _, _, d in graph.in_edges(("statement", "Natural Manifold"), data=True)]
    assert sorted(edge_kinds).count("contrary") == 4


def test_a_statement_number_too_long_to_convert_is_taken_as_the_position():
    model = argmap.loads("(" + "1" * 5000 + ") a\n----\n(2) b\n")
    [argument] = model.arguments.values()
    assert [(m.number, m.role) for m in argument.pcs] == [(1, Role.PREMISE), (2, Role.MAIN_CONCLUSION)]
    [diagnostic] = model.diagnostics
    assert (diagnostic.line, diagnostic.column, diagnostic.code) == (1, 1, "statement-number")
    assert "5000 digits is too long; it was taken as (1)" in diagnostic.message


def test_regroup_settings_of_the_wrong_type_are_ignored_with_a_warning():
    def regrouped(entry):
        model = argmap.loads(f"===\ngroup:\n  regroup:\n    - {entry}\n===\n\n[A]: a\n")
        return [(s.title, s.tags) for s in model.sections], [(d.line, d.code, d.message) for d in model.diagnostics]

    assert regrouped("{title: t, statements: 5}") == (
        [("t", [])], [(1, "regroup", "group: regroup: statements should be a list of titles; 5 was ignored")])
    assert regrouped("{title: t, children: 5}")[1] == [
        (1, "regroup", "group: regroup: children should be a list of sections; 5 was ignored")]
    assert regrouped("{title: t, tags: 5}")[1] == [
        (1, "regroup", "group: regroup: tags should be a list of tags; 5 was ignored")]
    assert regrouped("{title: 5, statements: [[1], A], tags: [x]}") == ([("", ["x"])], [
        (1, "regroup", "group: regroup: a title should be text; 5 was ignored"),
        (1, "regroup", "group: regroup: statements should list titles only; [[1]] was ignored")])
    model = argmap.loads("===\ngroup:\n  regroup:\n    - {title: t, statements: [[1], A]}\n===\n\n[A]: a\n")
    assert model.sections[0].id == model.statements["A"].section


def test_an_undercut_of_an_exploded_argument_adds_no_bare_node():
    model = argmap.loads("===\nmodel:\n  explodeArguments: true\n===\n\n"
                         "<A>\n\n(1) a\n----\n  <_ [U]: u\n(2) b\n----\n(3) c\n")
    assert [(r.source, r.target, r.target_kind) for r in model.relations] == [("U", "A", "inference")]
    graph = model.graph()
    assert sorted(node for node, kind in graph.nodes(data="kind") if kind == "argument") == [
        ("argument", "A - 1"), ("argument", "A - 2")]
    assert all(kind is not None for _, kind in graph.nodes(data="kind"))


def test_writing_through_a_symbolic_link_keeps_the_link(tmp_path):
    target, link = tmp_path / "map.argdown", tmp_path / "link.argdown"
    target.write_bytes(b"old")
    link.symlink_to(target)
    write_atomically(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"


def test_models_made_through_the_python_api_are_validated():
    """The models make their validators on first use (not at import): it still runs."""
    import pytest
    from pydantic import ValidationError

    from argmap.model import ArgumentMap, Span, Statement, StatementOccurrence

    span = Span(1, 1, 1, 5, 0, 4)
    occurrence = StatementOccurrence(title="A", text="text", span=span, data={"credence": 0.5})
    made = ArgumentMap(statements={"A": {"title": "A", "members": [occurrence]}}, strict="true")
    assert isinstance(made.statements["A"], Statement) and made.strict is True
    with pytest.raises(ValidationError, match="title"):
        ArgumentMap(statements={"A": {"title": ["not", "text"]}})
    with pytest.raises(ValidationError, match="span"):
        StatementOccurrence(title="A")
