"""Argdown JSON, the model as the reference implementation exports it.

Export is :mod:`argmap.export`'s (the reference's shape, positions included). Import: every statement, argument, premise-conclusion structure, relation, heading, text (with its
emphasis, links, tags and mentions) and data block comes back as Argdown text; positions,
colours and the reference's derived flags are left to the parser to recompute.
"""
from __future__ import annotations

import json
from typing import Any, TextIO

from argmap.export import write_argdown_json
from argmap.formats import FormatError
from argmap.formats.writer import (Draft, DraftArgument, DraftMember, DraftRelation, DraftStatement, Markup,
                                   write)
from argmap.model import ArgumentMap

__all__ = ["export", "to_argdown"]

def export(model: ArgumentMap, stream: TextIO, semantics: str) -> None:
    """The model as Argdown JSON (it carries no credences, so ``semantics`` is not used)."""
    write_argdown_json(model, stream)


_KIND = {"equivalence-class": "statement", "argument": "argument", "inference": "argument"}


def to_argdown(text: str, path: str | None = None) -> str:
    """Argdown text for an Argdown-JSON document; FormatError with the position of what it
    cannot read."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(f"not JSON: {error.msg}", error.lineno, error.colno) from None
    if not isinstance(document, dict) or not isinstance(document.get("statements", {}), dict) \
            or not isinstance(document.get("arguments", {}), dict):
        raise FormatError("not an Argdown-JSON model: expected an object with \"statements\" and \"arguments\" objects")
    try:
        return write(_draft(document))
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise FormatError(f"not an Argdown-JSON model as argmap and the reference write it ({error!r})") from None


def _markup(member: dict) -> tuple[str, list[Markup]]:
    """A member's text and markup, with its tags written after the text where the text does
    not hold them (the map said ``removeTagsFromText``)."""
    text, ranges = (member.get("text") or "").rstrip(), member.get("ranges") or []
    markup = [Markup(r["type"], r["start"], r["stop"], r.get("url")) for r in ranges]
    written = {r.get("tag") for r in ranges if r["type"] == "tag"}
    for tag in member.get("tags") or []:
        if tag not in written:
            written.add(tag)
            mark = f"#{tag}" if all(c.isalnum() or c in "-_" for c in tag) else f"#({tag})"
            markup.append(Markup("tag", len(text) + 1, len(text) + len(mark)))
            text += " " + mark
    return text, markup


def _draft(document: dict[str, Any]) -> Draft:
    draft = Draft()
    _sections(document.get("sections") or [], draft)
    relations = document.get("relations") or []
    draft.strict = any(r.get("relationType") in ("entails", "contrary") for r in relations)
    draft.tags_apart = any(m.get("tags") and not any(r["type"] == "tag" for r in m.get("ranges") or [])
                           for element in (*document["statements"].values(), *document["arguments"].values())
                           for m in element.get("members") or [])
    for title, statement in document["statements"].items():
        members = statement.get("members") or []
        texts = [_markup(m) for m in members if m.get("text") and m.get("role") != "premise"
                 and m.get("role") not in ("intermediary-conclusion", "main-conclusion")]
        draft.statements[title] = DraftStatement(
            title=title, texts=texts, data=statement.get("data") or {},
            top_level=bool(statement.get("isUsedAsTopLevelStatement")),
            listed=bool(members) and all(not m.get("role") for m in members),
            section=next((m.get("section") for m in members if m.get("role") == "top-level-statement"), None))
    for title, argument in document["arguments"].items():
        draft.arguments[title] = DraftArgument(
            title=title, data=argument.get("data") or {}, section=argument.get("section"),
            descriptions=[_markup(m) for m in argument.get("members") or [] if m.get("text")],
            pcs=[DraftMember(title=m.get("title"), text=_markup(m) if m.get("text") else None,
                             data=m.get("data") or {}, conclusion=m.get("role") != "premise",
                             inference=(m["inference"].get("inferenceRules") or [], m["inference"].get("data") or {})
                             if m.get("inference") else None)
                 for m in argument.get("pcs") or []])
    for relation in relations:
        draft.relations.append(DraftRelation(_KIND[relation["fromType"]], relation["from"], relation["relationType"],
                                             _KIND[relation["toType"]], relation["to"]))
    return draft


def _sections(sections: list[dict], draft: Draft) -> None:
    for section in sections:
        draft.sections.append((section["id"], section["level"], section["title"]))
        _sections(section.get("children") or [], draft)
