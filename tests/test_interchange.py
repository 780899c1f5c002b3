"""Other formats: what argmap exports reads back in other tools (networkx, formal-argumentation,
AIF's own structure), and what it imports is the map that was meant."""
from __future__ import annotations

import importlib.util
import io
import json
import random
import re

import networkx as nx
import pytest
from typer.testing import CliRunner

import argmap
from argmap import formats
from argmap.cli import app
from argmap.export import dumps
from argmap.formats import FormatError, aif, kialo
from argmap.formats.argdown_json import to_argdown
from argmap.formats.qbaf import weighted_graph

from conftest import ROOT, THESIS, shared
from randommaps import document

FIXTURES = ROOT / "tests" / "fixtures" / "interchange"


def _structure(model: argmap.ArgumentMap) -> tuple:
    return (set(model.statements), {t: [(m.title, m.role) for m in a.pcs] for t, a in model.arguments.items()},
            sorted((r.source_kind, r.source, r.type.value, r.target_kind, r.target) for r in model.relations))


def _compare_module():
    spec = importlib.util.spec_from_file_location("compare", shared("conformance", "compare.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- qbaf-json: an independent library computes the same credences -------------------------------

def _recomputed(graph: dict, semantics: str) -> dict[str, float]:
    """The strengths formal-argumentation computes from the exported graph alone."""
    gradual = pytest.importorskip("argumentation.gradual.gradual", reason="formal-argumentation needs Python 3.11+")
    from argumentation.gradual.dfquad import dfquad_strengths

    bag = gradual.WeightedBipolarGraph(
        arguments=frozenset(n["id"] for n in graph["nodes"]),
        initial_weights={n["id"]: n["base"] for n in graph["nodes"]},
        supports=frozenset((e["source"], e["target"]) for e in graph["edges"] if e["type"] == "support"),
        attacks=frozenset((e["source"], e["target"]) for e in graph["edges"] if e["type"] == "attack"))
    if semantics == "df-quad":
        return dfquad_strengths(bag).strengths
    return gradual.quadratic_energy_strengths_discrete(bag, tolerance=1e-15).strengths


def _acyclic_maps(count: int):
    """Generated maps whose claim graph has no cycle and no claim both supporting and attacking
    another (a weighted bipolar graph keeps the two relations disjoint)."""
    found = 0
    for seed in range(1000):
        model = argmap.loads(document(random.Random(seed)))
        graph = weighted_graph(model, "df-quad")
        pairs = [(e["source"], e["target"]) for e in graph["edges"]]
        directed = nx.DiGraph(pairs)
        if model.errors or len(pairs) < 2 or len(set(pairs)) < len(pairs) or not nx.is_directed_acyclic_graph(directed):
            continue
        found += 1
        yield seed, model
        if found == count:
            return


@pytest.mark.parametrize("semantics", ["df-quad", "quadratic-energy"])
def test_an_independent_library_recomputes_every_credence_from_the_qbaf_export(semantics):
    for name, model in [("thesis", argmap.load(THESIS)), *_acyclic_maps(12)]:
        graph = json.loads(_exported(model, "qbaf-json", semantics))
        strengths = _recomputed(graph, semantics)
        result = argmap.credence(model, semantics)
        for node in graph["nodes"]:
            assert strengths[node["id"]] == pytest.approx(node["value"], abs=1e-9), (name, node["id"])
            if node["kind"] == "statement":
                assert node["value"] == pytest.approx(result.statements[node["title"]].credence, abs=1e-12)
            elif node["kind"] == "argument":
                assert node["value"] == pytest.approx(result.arguments[node["title"]].strength, abs=1e-12)


def test_the_qbaf_export_of_the_thesis_has_its_credence_and_its_edges():
    graph = weighted_graph(argmap.load(THESIS), "df-quad")
    assert graph["theses"] == ["statement:Natural Manifold"]
    thesis = next(n for n in graph["nodes"] if n["id"] == "statement:Natural Manifold")
    assert round(thesis["value"], 4) == 0.7212 and thesis["base"] == 0.5  # nothing stated, nothing concludes it
    into = [e for e in graph["edges"] if e["target"] == "statement:Natural Manifold"]
    assert len(into) == 15  # the 15 contributions `argmap credence` lists
    assert {e["type"] for e in into} == {"support", "attack"}
    with pytest.raises(ValueError, match="gradual"):
        weighted_graph(argmap.load(THESIS), "vargdown")


def _exported(model: argmap.ArgumentMap, name: str, semantics: str = "df-quad") -> str:
    stream = io.StringIO()
    formats.export(model, name, stream, semantics)
    return stream.getvalue()


# --- graphml ------------------------------------------------------------------------------------

def test_graphml_loads_in_networkx_with_the_numbers(tmp_path):
    model = argmap.load(THESIS)
    path = tmp_path / "thesis.graphml"
    path.write_text(_exported(model, "graphml"), encoding="utf-8")
    graph = nx.read_graphml(path, force_multigraph=True)
    claims = model.graph()
    assert graph.number_of_nodes() == claims.number_of_nodes() == 67
    assert graph.number_of_edges() == claims.number_of_edges()
    thesis = graph.nodes["statement:Natural Manifold"]
    assert thesis["kind"] == "statement" and thesis["thesis"] is True and round(thesis["value"], 4) == 0.7212
    premise = graph.nodes["statement:SVD Init Wins"]
    assert premise["stated"] == 0.88 and premise["section"] == "SVD Basis"
    argument = graph.nodes["argument:SVD Basis Cluster"]
    assert argument["stated"] == 0.85 and round(argument["value"], 4) == 0.4428  # 0.88 × 0.74 × 0.80 × 0.85
    kinds = {data["kind"] for *_, data in graph.edges(data=True)}
    assert {"premise", "conclusion", "entails"} <= kinds
    contributions = [data["contribution"] for u, v, data in graph.edges(data=True)
                     if v == "statement:Natural Manifold"]
    assert len(contributions) == 15 and sum(contributions) == pytest.approx(0.7212 - 0.5, abs=1e-4)


def test_graphml_is_well_formed_xml_whatever_the_text_holds(tmp_path):
    from xml.dom import minidom

    model = argmap.loads("[T\x01]: a \x1b[31mred\x1b[0m claim, caf\udce9\n  + [S]: s {credence: 0.6}\n")
    path = tmp_path / "odd.graphml"
    path.write_text(_exported(model, "graphml"), encoding="utf-8", errors="surrogateescape")
    minidom.parse(str(path))  # raises on a character XML 1.0 cannot hold
    assert nx.read_graphml(path).nodes["statement:T\ufffd"]["text"].startswith("a \ufffd[31mred")


# --- AIF ----------------------------------------------------------------------------------------

def test_aif_export_is_well_formed_and_reads_back_to_the_same_map():
    model = argmap.load(THESIS)
    document_ = aif.to_aif(model, argmap.credence(model))
    ids = {n["nodeID"] for n in document_["nodes"]}
    assert len(ids) == len(document_["nodes"])
    assert all(e["fromID"] in ids and e["toID"] in ids for e in document_["edges"])
    kinds = [n["type"] for n in document_["nodes"]]
    assert kinds.count("I") == 50  # one I-node per statement; every argument is reconstructed
    assert kinds.count("RA") == 17 + 13  # a step per argument, and the 13 entailments
    assert kinds.count("CA") == 4  # the 4 contrarieties (3 of them into the thesis)
    back = argmap.loads(aif.to_argdown(json.dumps(document_)))
    assert back.errors == []
    assert _structure(back) == _structure(model)
    assert argmap.credence(back).statements["Natural Manifold"].credence == \
        pytest.approx(argmap.credence(model).statements["Natural Manifold"].credence, abs=1e-12)


def test_aif_keeps_each_arguments_inference_where_two_conclude_one_claim():
    """Each step's own numbers travel on its RA-node: two arguments with inferences 0.7 and 0.5
    for one conclusion come back with theirs (the statement's merged data would give both the
    last one). Tags in a text stay tags."""
    model = argmap.loads("[T]: thesis.\n\n<A>\n\n(1) [P]: p #observation {reason: \"r\", credence: 0.8}\n----\n"
                         "(2) [T] {reason: \"a\", inference: 0.7}\n\n<B>\n\n(1) [Q]: q {reason: \"r\", credence: 0.9}\n"
                         "----\n(2) [T] {reason: \"b\", inference: 0.5}\n")
    back = argmap.loads(aif.to_argdown(_exported(model, "aif")))
    assert [a.pcs[-1].data["inference"] for a in back.arguments.values()] == [0.7, 0.5]
    assert argmap.credence(back).statements["T"].credence == pytest.approx(argmap.credence(model).statements["T"].credence)
    assert back.statements["P"].tags == ["observation"]


def test_exported_numbers_carry_no_float_noise():
    model = argmap.loads("[T]: t\n  + [A]: a {credence: 0.1}\n  + [B]: b {credence: 0.2}\n")
    assert 0.1 + 0.2 != 0.3  # the noise there is to remove
    for name in ("aif", "graphml", "qbaf-json"):
        assert not re.search(r"\d\.\d*0000000|\d\.\d*9999999", _exported(model, name)), name


def test_aif_round_trip_keeps_the_structure_of_every_conformance_case():
    for source in sorted(shared("conformance", "cases").glob("*.argdown")):
        model = argmap.load(source)
        if model.errors:
            continue
        back = argmap.loads(aif.to_argdown(json.dumps(aif.to_aif(model, argmap.credence(model)))))
        assert _structure(back) == _structure(model), source.name


def test_an_aif_file_as_aifdb_writes_it_becomes_the_map_it_describes():
    """The fixture was written by hand from AIFdb's documentation: I, RA and CA nodes with
    timestamps and a scheme, an undercut (a CA-node on an RA-node), a claim in two I-nodes, and
    a locution with its illocution (dialogue nodes, which carry no claim)."""
    text = aif.to_argdown((FIXTURES / "aifdb.json").read_text(encoding="utf-8"))
    model = argmap.loads(text)
    assert model.errors == []
    thesis, deliveries = "Cities should ban cars from their centres", "Deliveries become slower and dearer"
    assert set(model.statements) == {thesis, deliveries, "Air quality improves where cars are banned",
                                     "Clean air lowers hospital admissions", "Pollution only moves to the ring roads",
                                     "Cargo bikes deliver faster in dense centres",
                                     "Vans idle for longer in congested centres"}
    [argument] = model.arguments.values()  # RA 104 has two premises
    assert [(m.title, m.role.value) for m in argument.pcs] == [
        ("Air quality improves where cars are banned", "premise"), ("Clean air lowers hospital admissions", "premise"),
        (thesis, "main-conclusion")]
    relations = {(r.source, r.type.value, r.target) for r in model.relations}
    assert relations == {(deliveries, "attack", thesis), ("Pollution only moves to the ring roads", "undercut",
                                                          argument.title),
                         ("Vans idle for longer in congested centres", "support", deliveries),
                         ("Cargo bikes deliver faster in dense centres", "attack", deliveries)}
    assert model.statements[thesis].is_used_as_top_level  # bears on nothing: the thesis
    assert not model.statements[deliveries].is_used_as_top_level  # written under what it attacks


@pytest.mark.parametrize("text, message, line", [
    ('{"nodes": [', "not JSON", 1),
    ('{"nodes": {}}', "not AIF-JSON", 1),
    ('{"nodes": [\n  {"nodeID": "1", "type": "I", "text": "a"},\n  {"nodeID": "2", "type": "XA", "text": "b"}],\n'
     ' "edges": []}', "unknown type 'XA'", 3),
    ('{"nodes": [{"nodeID": "1", "type": "I", "text": "a"}],\n "edges": [\n {"edgeID": "7", "fromID": "1", "toID": "9"}]}',
     "edge 7 joins a node", 3),
])
def test_bad_aif_is_one_error_with_its_place(text, message, line):
    with pytest.raises(FormatError, match=message) as error:
        aif.to_argdown(text)
    assert error.value.line == line


# --- Argdown JSON -------------------------------------------------------------------------------

def test_argdown_json_export_then_import_gives_the_same_model_on_every_conformance_case():
    compare = _compare_module()
    cases = [c for c in sorted(shared("conformance", "cases").glob("*.argdown")) if c.with_suffix(".json").exists()]
    for source in [*cases, THESIS]:
        exported = dumps(argmap.load(source))
        back = argmap.loads(to_argdown(exported))
        assert back.diagnostics == [] or source == THESIS, (source.name, back.diagnostics[:2])
        assert compare.compare(json.loads(exported), json.loads(dumps(back))) == ([], []), source.name
    for source in cases:  # and from what the reference itself exported
        reference = compare.load(source.with_suffix(".json"))
        assert compare.compare(reference, json.loads(dumps(argmap.loads(to_argdown(json.dumps(reference)))))) \
            == ([], []), source.name


def test_imported_text_escapes_syntax_and_keeps_markup():
    model = argmap.loads("[A]: a **bold** claim with \\[brackets\\], a #tag, 50\\% and @[B] {credence: 0.5}\n"
                         "  + <C>: an _italic_ [link](https://example.org)\n\n[B]: b\n")
    text = to_argdown(dumps(model))
    back = argmap.loads(text)
    assert back.statements["A"].text == model.statements["A"].text
    assert back.statements["A"].tags == ["tag"] and back.statements["A"].data == {"credence": 0.5}
    assert "**bold**" in text and "_italic_" in text and "[link](https://example.org)" in text and "\\[" in text


# --- Kialo --------------------------------------------------------------------------------------

def test_a_kialo_discussion_becomes_a_map_with_its_structure():
    model = argmap.loads(kialo.to_argdown((FIXTURES / "cars.kialo.txt").read_text(encoding="utf-8")))
    assert model.errors == []
    assert [s.title for s in model.sections] == ["Should cities ban cars from their centres?"]
    pollution = "Pollution only moves to the ring roads, where more people live than in the centre"
    assert len(pollution.split()) > 8  # a long claim is titled by its first six words
    title = "Pollution only moves to the ring"
    assert model.statements[title].text == pollution + "."  # its two lines joined
    relations = {(r.source, r.type.value, r.target) for r in model.relations}
    thesis, deliveries = "Cities should ban cars from their centres", "Deliveries become slower and dearer"
    assert relations == {("Air quality improves where cars are banned", "support", thesis),
                         (title, "attack", "Air quality improves where cars are banned"),
                         (deliveries, "attack", thesis),
                         ("Cargo bikes deliver faster in dense centres", "attack", deliveries),
                         (title, "support", deliveries)}  # 1.2.2 links to 1.1.1
    assert model.statements[thesis].is_used_as_top_level and not model.statements[deliveries].is_used_as_top_level


@pytest.mark.parametrize("text, message, line", [
    ("1. A\n1.1 Pro: B\n", "needs a full stop", 2),
    ("Some notes\n1. A\n", "expected a numbered claim", 1),
    ("1. A\n1.1. B\n", "neither Pro nor Con", 2),
    ("1. A\n1.2.1. Pro: B\n", "before its parent 1.2", 2),
    ("1. A\n1.1. Pro: B\n1.1. Con: C\n", "numbered twice", 3),
    ("1. A\n1.1. Pro: -> See 1.9.\n", "links to 1.9", 2),
    ("\n\n", "no claims", 1),
])
def test_bad_kialo_is_one_error_with_its_line(text, message, line):
    with pytest.raises(FormatError, match=message) as error:
        kialo.to_argdown(text)
    assert error.value.line == line


# --- the command line ---------------------------------------------------------------------------

def test_export_and_import_on_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where a file named `-` would land
    runner = CliRunner()
    out = tmp_path / "thesis.aif.json"
    result = runner.invoke(app, ["export", str(THESIS), "--format", "aif", "-o", str(out)])
    assert result.exit_code == 0 and json.loads(out.read_text())["nodes"]
    back = tmp_path / "back.argdown"
    result = runner.invoke(app, ["import", str(out), "--from", "aif", "-o", str(back)])
    assert result.exit_code == 0, result.output
    assert _structure(argmap.load(back)) == _structure(argmap.load(THESIS))

    refused = tmp_path / "never.json"
    result = runner.invoke(app, ["export", str(THESIS), "--format", "qbaf-json", "-s", "vargdown", "-o", str(refused)])
    assert result.exit_code == 2 and "gradual" in result.output and not refused.exists()
    result = runner.invoke(app, ["export", str(THESIS), "-s", "bogus"])
    assert result.exit_code == 2 and "unknown semantics 'bogus'" in result.output
    result = runner.invoke(app, ["export", str(THESIS), "--format", "xml"])
    assert result.exit_code == 2 and "argdown-json, aif, graphml, qbaf-json" in result.output

    result = runner.invoke(app, ["import", str(out), "--from", "aif", "-o", str(out)])
    assert result.exit_code == 2 and "this is the file being read" in result.output
    assert json.loads(out.read_text())["nodes"]  # still the AIF
    result = runner.invoke(app, ["import", str(out), "--from", "aif", "-o", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("===") and not (tmp_path / "-").exists()

    bad = tmp_path / "bad.json"
    bad.write_text('{"nodes": [{"nodeID": "1", "type": "Q"}], "edges": []}')
    result = runner.invoke(app, ["import", str(bad), "--from", "aif", "-o", str(back)])
    assert result.exit_code == 1 and result.output.startswith(f"{bad}:1:13: error: AIF node 1 has the unknown type")
    assert "Traceback" not in result.output


def test_argdown_json_numbers_and_text_are_written_as_the_standard_library_writes_them():
    """The export is written by orjson, which writes some numbers (1e-05, 1e+20) and refuses some
    values (integers past 64 bits, undecodable bytes) differently: those come out as before."""
    model = argmap.loads('[A]: a \udcff {x: 0.00001, y: 1.0e+20, z: 0.5, w: .nan, big: 123456789012345678901234567890, '
                         's: "3e5 0.0000"}\n')
    exported = dumps(model)
    assert '"data":{"x":1e-05,"y":1e+20,"z":0.5,"w":null,"big":123456789012345678901234567890,"s":"3e5 0.0000"}' \
        in exported
    assert '"text":"a \udcff"' in exported


@pytest.mark.parametrize("text", [
    "# Heading {x: 0.00001}\n\n[A]: a\n",  # a section's data
    "<A>: an argument {x: 1.0e+20}\n",  # an argument's
    "<A>\n\n(1) [P]: p\n-- rule {x: 0.00001} --\n(2) [C]: c\n",  # an inference's
    "[A]: a\n\n[A]: again {x: [1, {y: 1.0e+20}]}\n",  # deep in one occurrence's
    "[A]: 3e5 and 0.0000 and 1e+20 in the text only {x: 0.5}\n",
])
def test_argdown_json_numbers_anywhere_in_the_data_come_out_as_the_standard_library_writes_them(text):
    """A number that orjson writes otherwise is found in any kind of data block (and text
    that only looks like one changes nothing)."""
    from argmap.export import to_argdown_json

    model = argmap.loads(text)
    assert json.dumps(to_argdown_json(model), ensure_ascii=False, separators=(",", ":")) + "\n" == dumps(model)


def test_argdown_json_written_in_batches_is_the_standard_librarys_json_of_the_document():
    """Entries are written a few dozen at a time; a batch with one entry that orjson would write
    differently is written by the standard library. Either way the text is the standard
    library's compact JSON of the whole document."""
    from argmap.export import to_argdown_json

    odd = {7: "0.00001", 150: "1.0e+20", 299: "123456789012345678901234567890"}  # in some batches only
    text = "".join(f"[S{i}]: statement {i} #t{i % 90}\n  + <A{i}>: {{x: {odd.get(i, '0.5')}}}\n\n"
                   for i in range(300)) + "[U]: caf\udce9\n"
    model = argmap.loads(text)
    assert len(model.statements) == 301 and len(model.tags) == 90
    standard = json.dumps(to_argdown_json(model), ensure_ascii=False, separators=(",", ":"))
    assert dumps(model) == standard + "\n"
