"""Argdown-JSON: the model in the shape of the reference implementation's JSON export.

Field names, nesting and values follow ``argdown json`` (@argdown/cli 1.7): top-level
``statements`` and ``arguments`` keyed by title, ``relations`` with ``from``, ``to`` and
``relationType``, nested ``sections`` and the ``tags`` registry. Positions are 1-based lines
and columns with inclusive ends, as there. Colours and map nodes, which the reference adds for
its own renderer, are left out.
"""
from __future__ import annotations

import io
import json
import math
import re
from itertools import islice
from typing import Any, Iterable, Iterator, TextIO

from argmap.model import (Argument, ArgumentDescription, ArgumentMap, Inference, Range, Relation, Role, Span,
                          Statement, StatementOccurrence)

__all__ = ["dumps", "to_argdown_json", "write_argdown_json"]


def _position(fields: dict, span: Span | None) -> dict:
    if span is not None:
        fields["startLine"], fields["startColumn"] = span.line, span.column
        fields["endLine"], fields["endColumn"] = span.end_line, span.end_column
    return fields


def _range(rng: Range) -> dict:
    fields = rng.__dict__  # read once: attribute access on a model costs more, 60,000 times a large map
    out: dict[str, Any] = {"type": fields["type"]._value_, "start": fields["start"], "stop": fields["stop"]}
    if (url := fields["url"]) is not None:
        out["url"] = url
    if (tag := fields["tag"]) is not None:
        out["tag"] = tag
    if (title := fields["title"]) is not None:
        out["title"] = title
    return out


def _relation(relation: Relation) -> dict:
    out = {"type": "relation", "relationType": relation.type._value_, "from": relation.source,
           "fromType": "equivalence-class" if relation.source_kind == "statement" else relation.source_kind,
           "to": relation.target,
           "toType": "equivalence-class" if relation.target_kind == "statement" else relation.target_kind}
    if relation.conclusion_index is not None:
        out["conclusionIndex"] = relation.conclusion_index
    return out


def _inference(inference: Inference, argument: str, index: int) -> dict:
    out: dict[str, Any] = {"type": "inference", "inferenceRules": inference.rules,
                           "conclusionIndex": index, "argumentTitle": argument}
    if inference.data:
        out["data"] = inference.data
    return _position(out, inference.span)


_TOP_LEVEL = Role.TOP_LEVEL  # looked up once: a member of an enumeration is slow to look up


def _member(member: StatementOccurrence, index: int | None = None) -> dict:
    """A statement's occurrence (``index``: its place in a premise-conclusion structure, for
    its inference). Its fields are read from its ``__dict__``, as in :func:`_range`."""
    fields = member.__dict__
    out: dict[str, Any] = {"type": "statement", "title": fields["title"]}
    role = fields["role"]
    if role is not None:
        out["role"] = role._value_
    if (text := fields["text"]) is not None:
        out["text"] = text
    if fields["is_reference"]:
        out["isReference"] = True
    if role is _TOP_LEVEL:
        out["isTopLevel"] = True
    if (argument := fields["argument"]) is not None:
        out["argumentTitle"] = argument
    if (inference := fields["inference"]) is not None and index is not None:
        out["inference"] = _inference(inference, argument or "", index)
    _annotations(out, fields)
    if (span := fields["span"]) is not None:
        out["startLine"], out["startColumn"], out["endLine"], out["endColumn"], _, _ = span
    return out


def _annotations(out: dict[str, Any], fields: dict[str, Any]) -> None:
    """An occurrence's or an argument description's tags, data, ranges and section, those it has."""
    if tags := fields["tags"]:
        out["tags"] = tags
    if data := fields["data"]:
        out["data"] = data
    if ranges := fields["ranges"]:
        out["ranges"] = [_range(r) for r in ranges]
    if (section := fields["section"]) is not None:
        out["section"] = section


def _description(member: ArgumentDescription) -> dict:
    fields = member.__dict__  # read once, as in _member
    out: dict[str, Any] = {"type": "statement", "title": fields["title"], "role": "argument-description"}
    if (text := fields["text"]) is not None:
        out["text"] = text
    if fields["is_reference"]:
        out["isReference"] = True
    _annotations(out, fields)
    return _position(out, fields["span"])


def _argument(argument: Argument, relations: list[dict], made: dict[int, dict]) -> dict:
    """An argument; each of its premise-conclusion structure's occurrences is kept in ``made``
    (by ``id``) for :func:`_statement`, which writes it again."""
    fields = argument.__dict__  # read once, as in _member
    pcs = [_member(m, i) for i, m in enumerate(fields["pcs"])]
    for member, out in zip(fields["pcs"], pcs):
        made[id(member)] = out
    out: dict[str, Any] = {"type": "argument", "title": fields["title"], "relations": relations,
                           "members": [_description(m) for m in fields["members"]], "pcs": pcs}
    if tags := fields["tags"]:
        out["tags"] = tags
    if data := fields["data"]:
        out["data"] = data
    if (section := fields["section"]) is not None:
        out["section"] = section
    return _position(out, fields["span"])


def _document(model: ArgumentMap) -> Iterator[tuple[str, type, Iterable]]:
    """The top-level keys, each with its kind (dict or list) and its entries, made one at a time."""
    relations = [_relation(r) for r in model.relations]
    embedded: dict[tuple[str, str], list[dict]] = {}
    for relation, out in zip(model.relations, relations):
        for kind, title in ((relation.source_kind, relation.source), (relation.target_kind, relation.target)):
            embedded.setdefault(("argument" if kind == "inference" else kind, title), []).append(out)
    made: dict[int, dict] = {}  # the occurrences the arguments wrote, for the statements
    yield "arguments", dict, ((title, _argument(a, embedded.get(("argument", title), []), made))
                              for title, a in model.arguments.items())
    yield "statements", dict, ((title, _statement(s, embedded.get(("statement", title), []), made))
                               for title, s in model.statements.items())
    yield "relations", list, relations
    yield "sections", list, _sections(model)
    yield "tags", dict, ((tag, {"tag": tag, "occurrenceIndex": i}) for i, tag in enumerate(model.tags))


def _statement(statement: Statement, relations: list[dict], made: dict[int, dict]) -> dict:
    """A statement; an occurrence an argument wrote already (in ``made``) is taken from
    there, without its inference."""
    fields = statement.__dict__  # read once, as in _member
    out: dict[str, Any] = {"type": "equivalence-class", "title": fields["title"], "relations": relations,
                           "members": [_again(made.pop(id(m), None)) or _member(m) for m in fields["members"]]}
    if tags := fields["tags"]:
        out["tags"] = tags
    if data := fields["data"]:
        out["data"] = data
    if fields["is_used_as_top_level"]:
        out["isUsedAsTopLevelStatement"] = True
    if (section := fields["section"]) is not None:
        out["section"] = section
    return out


def _again(written: dict | None) -> dict | None:
    """An occurrence as a statement's member, from what its argument wrote (None: nothing)."""
    if written is None or "inference" not in written:
        return written
    written = dict(written)
    del written["inference"]
    return written


def _sections(model: ArgumentMap) -> list[dict]:
    """Sections nested as the reference nests them: children under their parent."""
    roots: list[dict] = []
    by_id: dict[str, dict] = {}
    for section in model.sections:
        node: dict[str, Any] = {"type": "section", "id": section.id, "level": section.level,
                                "title": section.title, "children": []}
        if section.tags:
            node["tags"] = section.tags
        if section.data:
            node["data"] = section.data
        if section.parent is not None:
            node["parent"] = section.parent
        _position(node, section.span)
        by_id[section.id] = node
        (by_id[section.parent]["children"] if section.parent in by_id else roots).append(node)
    return roots


def to_argdown_json(model: ArgumentMap) -> dict:
    """The model as a JSON-ready dict in the reference implementation's shape."""
    return {key: kind(entries) for key, kind, entries in _document(model)}


# Where orjson's JSON may differ from the standard library's: a number below 0.0001 (orjson
# writes 1e-05 as 0.00001) or in exponent form (1e+16 as 1e16). Text that looks so is rare and
# only costs time. The pattern starts with `e`, which the regex engine looks for fastest.
_EXPONENT = re.compile(rb"e(?<=[0-9]e)[-0-9]")


_BATCH = 64  # entries encoded at once: fewer calls, and still never the whole map as one string


def write_argdown_json(model: ArgumentMap, stream: TextIO) -> None:
    """Write Argdown-JSON (compact) a few entries at a time, so a large map never exists as
    one string (the keys of an object's entries are a dict's, so no two are equal).

    orjson writes it (twice as fast); where its bytes could differ from what the standard
    library writes (some numbers, text with undecodable bytes, integers past 64 bits, data
    keys that are not text), the standard library writes those entries."""
    import orjson

    strict = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode

    def standard(value: Any) -> str:
        try:
            return strict(value)
        except ValueError:  # NaN or infinity, from data such as `{credence: .nan}`
            return strict(_finite(value))

    def encode(value: Any) -> str:
        try:
            made = orjson.dumps(value)
        except TypeError:
            return standard(value)
        return standard(value) if b"0.0000" in made or _EXPONENT.search(made) else made.decode()

    stream.write("{")
    for number, (key, kind, entries) in enumerate(_document(model)):
        stream.write(("," if number else "") + encode(key) + (":{" if kind is dict else ":["))
        entries, comma = iter(entries), ""
        while batch := list(islice(entries, _BATCH)):  # the batch's JSON without its brackets
            stream.write(comma + encode(dict(batch) if kind is dict else batch)[1:-1])
            comma = ","
        stream.write("}" if kind is dict else "]")
    stream.write("}\n")


def _finite(value: Any) -> Any:
    """``value`` with NaN and infinities as null, as JSON.stringify writes them."""
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(model: ArgumentMap) -> str:
    """Argdown-JSON text."""
    out = io.StringIO()
    write_argdown_json(model, out)
    return out.getvalue()
