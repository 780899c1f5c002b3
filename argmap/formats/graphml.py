"""GraphML: the claim graph with argmap's numbers, for graph tools (yEd, Gephi, networkx).

Nodes are statements and arguments (ids ``statement:Title`` and ``argument:Title``), with their
title, kind, text, section, the value the author stated, the base score and the computed
credence (a statement) or strength (an argument). Edges are the claim graph's: premise,
conclusion and each relation type, with the contribution the propagation recorded for them.
networkx writes the file, so the attribute declarations are GraphML's own.
"""
from __future__ import annotations

import re
from typing import TextIO

import networkx as nx

from argmap.formats.qbaf import node_id
from argmap.model import ArgumentMap
from argmap.propagate import CredenceResult, credence, number
from argmap.semantics import rounded

__all__ = ["export", "graph_with_numbers"]


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text XML 1.0 can hold: control characters and undecodable bytes become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def graph_with_numbers(model: ArgumentMap, result: CredenceResult) -> nx.MultiDiGraph:
    """The claim graph, nodes and edges carrying only GraphML-writable attributes."""
    sections = {section.id: section.title for section in model.sections}
    contributions = {(c.source, c.target, c.kind): c.value for c in result.contributions}
    graph = nx.MultiDiGraph(semantics=result.semantics, theses=_xml(", ".join(result.theses)))
    claims = model.graph()
    for key, attributes in claims.nodes(data=True):
        element = attributes["element"]
        if key[0] == "statement":
            computed = result.statements[key[1]]
            stated, value, base = number(element.data, "credence"), computed.credence, computed.base
        else:
            computed = result.arguments[key[1]]
            conclusion = element.conclusion
            stated = number(conclusion.data, "inference") if conclusion is not None else number(element.data, "credence")
            value, base = computed.strength, None
        fields = {"title": _xml(key[1]), "kind": key[0], "text": _xml(element.text or ""), "value": rounded(value),
                  "section": _xml(sections.get(element.section, "")), "thesis": key[0] == "statement"
                  and key[1] in result.theses}
        if stated is not None:
            fields["stated"] = rounded(stated)
        if base is not None:
            fields["base"] = rounded(base)
        graph.add_node(_xml(node_id(key)), **fields)
    for source, target, attributes in claims.edges(data=True):
        contribution = contributions.get((source, target, attributes["kind"]))
        fields = {"kind": attributes["kind"]}
        if contribution is not None:
            fields["contribution"] = rounded(contribution)
        graph.add_edge(_xml(node_id(source)), _xml(node_id(target)), **fields)
    return graph


def export(model: ArgumentMap, stream: TextIO, semantics: str) -> None:
    stream.write("\n".join(nx.generate_graphml(graph_with_numbers(model, credence(model, semantics)), prettyprint=True)))
    stream.write("\n")
