"""The claim graph as a networkx view, derived from the model on demand.

Nodes are ``("statement", title)`` and ``("argument", title)``: a statement and an argument
may share a title. Each node carries ``kind``, ``title`` and ``element`` (the model object).
Edges carry ``kind``:

- ``premise``: a statement that is a premise (or intermediary conclusion) of an argument,
  to the argument;
- ``conclusion``: an argument to its main conclusion;
- a relation type (``support``, ``attack``, ``undercut``, ``entails``, ``contrary``,
  ``contradictory``) from a relation's source to its target, with ``relation`` (the model
  object). An undercut points at the argument whose inference it attacks; one whose argument
  is gone (split by ``explodeArguments``) has no edge, so every node is an element of the model.

Nothing here is stored: change the model and ask for the graph again.
"""
from __future__ import annotations

import networkx as nx

from argmap.model import ArgumentMap, Role

__all__ = ["claim_graph", "argument_node", "statement_node"]


def statement_node(title: str) -> tuple[str, str]:
    return ("statement", title)


def argument_node(title: str) -> tuple[str, str]:
    return ("argument", title)


def claim_graph(model: ArgumentMap) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for title, statement in model.statements.items():
        graph.add_node(statement_node(title), kind="statement", title=title, element=statement)
    for title, argument in model.arguments.items():
        node = argument_node(title)
        graph.add_node(node, kind="argument", title=title, element=argument)
        for member in argument.pcs:
            if member.role is Role.MAIN_CONCLUSION:
                graph.add_edge(node, statement_node(member.title), kind="conclusion")
            else:
                graph.add_edge(statement_node(member.title), node, kind="premise")
    for relation in model.relations:
        source = (relation.source_kind, relation.source)
        target = ("argument" if relation.target_kind == "inference" else relation.target_kind, relation.target)
        if source in graph and target in graph:
            graph.add_edge(source, target, kind=relation.type.value, relation=relation)
    return graph
