"""AIF-JSON, the Argument Interchange Format as AIFdb and OVA read and write it.

Export: each statement is an I-node; each inferential step of an argument is an RA-node with
edges from its premises' I-nodes and to its conclusion's; a support (or entailment) between
claims is an RA-node of its own, an attack (contrariety, contradiction: one each way) a CA-node,
and an undercut a CA-node pointing at the RA-node of the step it undercuts. An argument without
a premise-conclusion structure is an I-node holding its description. argmap's titles and
numbers travel in an ``argmap`` field on each node, which AIF tools ignore.

Import: I-nodes become statements, titled from the ``argmap`` field or from their first words;
an RA-node with one premise becomes a support relation, one with several premises (or one that
something undercuts) an argument; a CA-node an attack, or an undercut where it points at an
RA-node. Locutions, transitions and other dialogue nodes (L, TA, YA) and MA/PA nodes carry no
claim and are left out. ``docs/interchange.md`` lists what each direction keeps and loses.
"""
from __future__ import annotations

import json
import re
from typing import Any, TextIO

from argmap.formats import FormatError
from argmap.formats.writer import (Draft, DraftArgument, DraftMember, DraftRelation, DraftStatement, claim_title,
                                   tagged, write)
from argmap.model import ArgumentMap, RelationType, Role
from argmap.propagate import CredenceResult, credence, stages
from argmap.semantics import rounded

__all__ = ["export", "to_aif", "to_argdown"]

SUPPORTING = (RelationType.SUPPORT, RelationType.ENTAILS)
DIALOGUE = frozenset(("L", "TA", "YA", "MA", "PA"))


# --- export -------------------------------------------------------------------------------------

def to_aif(model: ArgumentMap, result: CredenceResult) -> dict[str, Any]:
    """The AIF-JSON document of a map, with argmap's numbers in each node's ``argmap`` field."""
    nodes: list[dict] = []
    edges: list[dict] = []
    ids: dict[tuple, str] = {}

    def node(kind: str, text: str, extension: dict, key: tuple | None = None) -> str:
        node_id = str(len(nodes) + 1)
        nodes.append({"nodeID": node_id, "text": text, "type": kind, "argmap": extension})
        if key is not None:
            ids[key] = node_id
        return node_id

    def edge(source: str, target: str) -> None:
        edges.append({"edgeID": str(len(edges) + 1), "fromID": source, "toID": target, "formEdgeID": None})

    for title, statement in model.statements.items():
        computed = result.statements[title]
        node("I", statement.text or title, {"kind": "statement", "title": title, "data": _own_data(statement),
                                            "credence": computed.credence, "origin": computed.origin.value},
             ("statement", title))
    for title, argument in model.arguments.items():
        computed = result.arguments[title]
        if not argument.pcs:
            node("I", argument.text or title, {"kind": "argument", "title": title, "data": argument.data,
                                               "strength": computed.strength}, ("argument", title))
            continue
        for number, (stage, step) in enumerate(zip(stages(argument), computed.steps), 1):
            inference = stage.conclusion.inference
            ra = node("RA", "Default Inference", {
                "kind": "step", "argument": title, "step": number, "strength": step.strength,
                "premises": [m.title for m in stage.premises], "conclusion": stage.conclusion.title,
                "data": stage.conclusion.data, "inference": inference.data if inference else {}},
                ("step", title, number))
            for premise in stage.premises:
                edge(ids[("statement", premise.title)], ra)
            edge(ra, ids[("statement", stage.conclusion.title)])
        ids[("argument", title)] = ids[("statement", argument.pcs[-1].title)]  # it speaks through its conclusion
    for relation in model.relations:
        source = ids.get((relation.source_kind, relation.source))
        if relation.target_kind == "inference" or (relation.type is RelationType.UNDERCUT
                                                   and relation.target_kind == "argument"):
            argument = model.arguments.get(relation.target)
            steps = len(stages(argument)) if argument is not None else 0
            target = ids.get(("step", relation.target, steps)) or ids.get(("argument", relation.target))
        elif relation.target_kind == "argument" and model.arguments.get(relation.target) \
                and model.arguments[relation.target].pcs:
            target = ids.get(("step", relation.target, len(stages(model.arguments[relation.target]))))
        else:
            target = ids.get((relation.target_kind, relation.target))
        if source is None or target is None:
            continue
        extension = {"kind": "relation", "type": relation.type.value, "source": [relation.source_kind, relation.source],
                     "target": [relation.target_kind, relation.target]}
        if relation.type in SUPPORTING:
            middle = node("RA", "Default Inference", extension)
        else:
            middle = node("CA", "Default Conflict", extension)
        edge(source, middle)
        edge(middle, target)
        if relation.type is RelationType.CONTRADICTORY:
            back = node("CA", "Default Conflict", {**extension, "reverse": True})
            edge(target, back)
            edge(back, source)
    return {"nodes": nodes, "edges": edges, "locutions": [], "participants": [],
            "argmap": {"semantics": result.semantics, "theses": result.theses, "strict": model.strict}}


def _own_data(statement) -> dict:
    """A statement's data but what its places as a conclusion say: that (its {inference},
    chiefly) belongs to each argument's step, and travels on the step's RA-node."""
    data: dict = {}
    for member in statement.members:
        if member.role not in (Role.INTERMEDIARY_CONCLUSION, Role.MAIN_CONCLUSION):
            data.update(member.data)
    return data


def export(model: ArgumentMap, stream: TextIO, semantics: str) -> None:
    json.dump(rounded(to_aif(model, credence(model, semantics))), stream, ensure_ascii=False, indent=1, allow_nan=False)
    stream.write("\n")


# --- import -------------------------------------------------------------------------------------

def to_argdown(text: str, path: str | None = None) -> str:
    """Argdown text for an AIF-JSON document; FormatError with the position of what it cannot read."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(f"not JSON: {error.msg}", error.lineno, error.colno) from None
    if not isinstance(document, dict) or not isinstance(document.get("nodes"), list) \
            or not isinstance(document.get("edges"), list):
        raise FormatError("not AIF-JSON: expected an object with \"nodes\" and \"edges\" lists")
    return write(_Reader(text, document).draft())


class _Reader:
    def __init__(self, text: str, document: dict) -> None:
        self.text = text
        self.nodes: dict[str, dict] = {}
        for node in document["nodes"]:
            if not isinstance(node, dict) or "nodeID" not in node:
                raise FormatError("an AIF node without a nodeID", *self._position(json.dumps(node)[:40]))
            kind = node.get("type")
            if kind not in ("I", "RA", "CA") and kind not in DIALOGUE:
                raise FormatError(f"AIF node {node['nodeID']} has the unknown type {kind!r}; AIF has I, RA, CA, "
                                  "MA, PA and the dialogue types L, TA, YA", *self._node_position(node["nodeID"]))
            self.nodes[str(node["nodeID"])] = node
        self.into: dict[str, list[str]] = {key: [] for key in self.nodes}
        self.out_of: dict[str, list[str]] = {key: [] for key in self.nodes}
        for edge in document["edges"]:
            if not isinstance(edge, dict) or str(edge.get("fromID")) not in self.nodes \
                    or str(edge.get("toID")) not in self.nodes:
                where = edge.get("edgeID") if isinstance(edge, dict) else None
                raise FormatError(f"AIF edge {where} joins a node the document does not have",
                                  *self._position(f'"edgeID": {json.dumps(where)}'))
            self.out_of[str(edge["fromID"])].append(str(edge["toID"]))
            self.into[str(edge["toID"])].append(str(edge["fromID"]))
        self.strict = bool((document.get("argmap") or {}).get("strict"))

    def _node_position(self, node_id: Any) -> tuple[int, int]:
        return self._position(f'"nodeID": {json.dumps(node_id)}', rf'"nodeID"\s*:\s*"?{re.escape(str(node_id))}"?')

    def _position(self, literal: str, pattern: str | None = None) -> tuple[int, int]:
        found = re.search(pattern or re.escape(literal), self.text)
        if found is None:
            return 1, 1
        before = self.text[:found.start()]
        return before.count("\n") + 1, found.start() - (before.rfind("\n") + 1) + 1

    def draft(self) -> Draft:
        draft = Draft(strict=self.strict)
        self.titles: dict[str, tuple[str, str]] = {}  # I-node -> (kind, title)
        taken: dict[str, set[str]] = {"statement": set(), "argument": set()}
        by_text: dict[tuple[str, str], tuple[str, str]] = {}
        for key, node in self.nodes.items():
            if node["type"] != "I":
                continue
            extension = node.get("argmap") or {}
            kind = "argument" if extension.get("kind") == "argument" else "statement"
            text = str(node.get("text") or "")
            if not extension.get("title") and (kind, text) in by_text:  # the same claim, in another node
                self.titles[key] = by_text[(kind, text)]
                continue
            title = str(extension["title"]) if extension.get("title") else claim_title(text, taken[kind])
            taken[kind].add(title)
            by_text[(kind, text)] = (kind, title)
            self.titles[key] = (kind, title)
            data = extension.get("data") if isinstance(extension.get("data"), dict) else {}
            if kind == "statement":
                draft.statements[title] = DraftStatement(title, [tagged(text)], data=data)
            else:
                draft.arguments[title] = DraftArgument(title, [tagged(text)], data=data)
        steps = self._steps(draft)
        for key, node in self.nodes.items():
            if node["type"] == "RA" and key not in steps:
                self._support(key, draft)
            elif node["type"] == "CA" and not (node.get("argmap") or {}).get("reverse"):
                self._conflict(key, steps, draft)
        _place(draft)
        return draft

    def _claim(self, key: str) -> tuple[str, str] | None:
        """The claim an I-node stands for; an RA-node's conclusion stands for its argument."""
        return self.titles.get(key)

    def _steps(self, draft: Draft) -> dict[str, str]:
        """RA-nodes that are steps of arguments: argmap's own steps, and RA-nodes with several
        premises or an undercutter. Returns each one's argument title."""
        steps: dict[str, tuple[str, int]] = {}
        taken = set(draft.arguments)
        for key, node in self.nodes.items():
            if node["type"] != "RA":
                continue
            extension = node.get("argmap") or {}
            premises = [p for p in self.into[key] if p in self.titles]
            undercut = any(self.nodes[p]["type"] == "CA" for p in self.into[key])
            conclusions = [c for c in self.out_of[key] if c in self.titles]
            if extension.get("kind") == "step":
                steps[key] = (str(extension.get("argument")), int(extension.get("step") or 1))
            elif conclusions and (len(premises) > 1 or undercut) and extension.get("kind") != "relation":
                conclusion = self.titles[conclusions[0]][1]
                steps[key] = (claim_title(f"Why {conclusion}", taken), 1)
        for key, (title, number) in sorted(steps.items(), key=lambda item: item[1][1]):
            argument = draft.arguments.setdefault(title, DraftArgument(title))
            premises = [self.titles[p][1] for p in self.into[key] if p in self.titles]
            conclusion = next((self.titles[c][1] for c in self.out_of[key] if c in self.titles), None)
            extension = self.nodes[key].get("argmap") or {}
            order = extension.get("premises")
            if isinstance(order, list):
                premises.sort(key=lambda t: order.index(t) if t in order else len(order))
            known = {m.title for m in argument.pcs}
            argument.pcs += [DraftMember(title) for title in premises if title not in known]
            if conclusion is not None:
                line = extension.get("inference") if isinstance(extension.get("inference"), dict) else {}
                data = extension.get("data") if isinstance(extension.get("data"), dict) else {}
                argument.pcs.append(DraftMember(conclusion, data=data, conclusion=True,
                                                inference=([], line) if line else None))
        return {key: title for key, (title, _) in steps.items()}

    def _support(self, key: str, draft: Draft) -> None:
        extension = self.nodes[key].get("argmap") or {}
        kind = extension.get("type") if extension.get("type") in ("support", "entails") else "support"
        for source in self.into[key]:
            for target in self.out_of[key]:
                self._relate(source, kind, target, draft, extension)

    def _conflict(self, key: str, steps: dict[str, str], draft: Draft) -> None:
        extension = self.nodes[key].get("argmap") or {}
        kind = extension.get("type") if extension.get("type") in ("attack", "contrary", "contradictory",
                                                                 "undercut") else "attack"
        for source in self.into[key]:
            for target in self.out_of[key]:
                if target in steps and "target" not in extension:  # a CA-node on an inference
                    origin = self._claim(source)
                    if origin is not None:
                        draft.relations.append(DraftRelation(*origin, "undercut", "argument", steps[target]))
                else:
                    self._relate(source, kind, target, draft, extension)

    def _relate(self, source: str, kind: str, target: str, draft: Draft, extension: dict) -> None:
        """A relation between the claims two nodes stand for, or the ends argmap wrote down."""
        origin, goal = _end(extension.get("source"), draft), _end(extension.get("target"), draft)
        origin, goal = origin or self._claim(source), goal or self._claim(target)
        if origin is not None and goal is not None:
            draft.relations.append(DraftRelation(*origin, kind, *goal))


def _place(draft: Draft) -> None:
    """Write what bears on nothing (the theses) at the top level, and every other claim where
    it is used: a premise in its argument, a reason under what it supports or attacks."""
    sources = {r.source for r in draft.relations if r.source_kind == "statement"}
    premises = {m.title for a in draft.arguments.values() for m in a.pcs if not m.conclusion}
    for title, statement in draft.statements.items():
        statement.top_level = title not in sources and title not in premises
        if statement.top_level or not statement.texts:
            continue
        member = next((m for a in draft.arguments.values() for m in a.pcs if m.title == title), None)
        if member is not None:
            member.text, member.data = statement.texts[0], {**statement.data, **member.data}


def _end(written: Any, draft: Draft) -> tuple[str, str] | None:
    """A relation's end as argmap's field names it, where the draft has it."""
    if not (isinstance(written, list) and len(written) == 2):
        return None
    kind = "argument" if written[0] in ("argument", "inference") else "statement"
    title = str(written[1])
    return (kind, title) if title in (draft.arguments if kind == "argument" else draft.statements) else None
