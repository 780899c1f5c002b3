"""qbaf-json: the weighted bipolar graph that a gradual semantics evaluates, so that any
gradual-argumentation library can recompute argmap's credences.

Nodes are the claim graph's statements, arguments and the inner steps of multi-step arguments,
each with the base score the semantics starts from and the value it reached; edges are
supports and attacks. A base score derived by the premise-conclusion rule (an argument's
product of premises and inference, a conclusion's share of its arguments) is written as
evaluated, so the graph is a plain QBAF: DF-QuAD or quadratic energy over these base scores
and edges gives the ``value`` of every node again. ``docs/interchange.md`` has the schema.
"""
from __future__ import annotations

import json
from typing import TextIO

from argmap.model import ArgumentMap
from argmap.propagate import Network
from argmap.semantics import get, rounded

__all__ = ["export", "node_id", "weighted_graph"]

GRADUAL = ("df-quad", "quadratic-energy")


def node_id(key: tuple) -> str:
    """``statement:Title``, ``argument:Title`` or ``step:Title:3`` (the conclusion's index in the PCS)."""
    return ":".join(str(part) for part in key)


def weighted_graph(model: ArgumentMap, semantics: str) -> dict:
    """The QBAF of a map under a gradual semantics, as a JSON-ready dict."""
    if semantics not in GRADUAL:
        raise ValueError(f"qbaf-json is the graph a gradual semantics evaluates: choose {' or '.join(GRADUAL)}, "
                         f"not {semantics!r}")
    network = Network(model)
    numbers = network.numbers
    values = network.evaluate(get(semantics), numbers).values
    nodes, edges = [], []
    for key, node in network.nodes.items():
        nodes.append({"id": node_id(key), "kind": key[0], "title": key[1], "label": node.label,
                      "base": network.base(key, numbers, values), "value": values[key]})
        for sign, sources in (("support", node.supports), ("attack", node.attacks)):
            for source in sources:
                written = sorted({edge[2] for edge in network.edges[(source, key, "+" if sign == "support" else "-")]})
                edges.append({"source": node_id(source), "target": node_id(key), "type": sign, "relations": written})
    return {"format": "argmap-qbaf", "version": 1, "semantics": semantics,
            "theses": [node_id(("statement", title)) for title in network.theses], "nodes": nodes, "edges": edges}


def export(model: ArgumentMap, stream: TextIO, semantics: str) -> None:
    json.dump(rounded(weighted_graph(model, semantics)), stream, ensure_ascii=False, indent=1, allow_nan=False)
    stream.write("\n")
