"""Import a Kialo discussion from its plain-text export.

Kialo writes one claim a line, numbered by its place in the tree, the children marked Pro or
Con; a claim linked from elsewhere is written as ``-> See 1.2.3.``; a claim may run over
several lines. ``Discussion Title: ...`` heads the file::

    Discussion Title: Should cities ban cars from their centres?

    1. Cities should ban cars from their centres.
    1.1. Pro: Air quality improves where cars are banned.
    1.1.1. Con: Pollution moves to the ring roads.
    1.2. Con: Deliveries become slower and dearer.
    1.2.1. Pro: -> See 1.1.1.

Each claim becomes a statement titled with its first words; a Pro supports its parent and a
Con attacks it; a link relates the linked claim to the parent. The top claims are the theses.
"""
from __future__ import annotations

import re

from argmap.formats import FormatError
from argmap.formats.writer import Draft, DraftRelation, DraftStatement, claim_title, tagged, write

__all__ = ["to_argdown"]

_CLAIM = re.compile(r"^(\d+(?:\.\d+)*)\.\s+(?:(Pro|Con):\s*)?(.*)$")
_LINK = re.compile(r"^->\s*See\s+(\d+(?:\.\d+)*)\.?\s*$")
_TITLE = re.compile(r"^Discussion Title:\s*(.*)$")
_UNDOTTED = re.compile(r"^(\d+(?:\.\d+)+)\s+(?:Pro|Con):")


def to_argdown(text: str, path: str | None = None) -> str:
    """Argdown text for a Kialo export; FormatError with the line of what it cannot read."""
    claims: dict[str, list] = {}  # number -> [line, stance, text lines]
    order: list[str] = []
    heading = None
    current = None
    for line_number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        stripped = line.strip()
        title = _TITLE.match(stripped)
        claim = _CLAIM.match(stripped)
        if title and not order:
            heading = title.group(1).strip()
        elif claim:
            number, stance, words = claim.groups()
            if number in claims:
                raise FormatError(f"claim {number} is numbered twice (first at line {claims[number][0]})", line_number)
            parent = number.rpartition(".")[0]
            if parent and parent not in claims:
                raise FormatError(f"claim {number} comes before its parent {parent}", line_number)
            if parent and stance is None:
                raise FormatError(f"claim {number} is neither Pro nor Con; Kialo writes \"{number}. Pro: ...\" "
                                  f"or \"{number}. Con: ...\"", line_number, len(number) + 3)
            claims[number] = current = [line_number, stance, [words.strip()]]
            order.append(number)
        elif _UNDOTTED.match(stripped):
            number = _UNDOTTED.match(stripped).group(1)
            raise FormatError(f"claim number {number} needs a full stop after it: Kialo writes \"{number}. Pro: ...\"",
                              line_number, len(number) + 1)
        elif stripped and current is not None:
            current[2].append(stripped)  # a claim over several lines
        elif stripped:
            raise FormatError("expected a numbered claim (\"1. ...\", \"1.1. Pro: ...\") or \"Discussion Title: ...\"",
                              line_number)
    if not claims:
        raise FormatError("no claims: a Kialo export numbers its claims \"1. ...\", \"1.1. Pro: ...\"")
    return write(_draft(claims, order, heading))


def _draft(claims: dict[str, list], order: list[str], heading: str | None) -> Draft:
    draft = Draft(sections=[("s1", 1, heading)] if heading else [])
    titles: dict[str, str] = {}
    taken: set[str] = set()
    links = {}
    for number in order:
        line, _, words = claims[number]
        text = " ".join(words)
        link = _LINK.match(text)
        if link:
            if link.group(1) not in claims:
                raise FormatError(f"claim {number} links to {link.group(1)}, which the discussion does not have", line)
            links[number] = link.group(1)
            continue
        title = claim_title(text, taken)
        titles[number] = title
        draft.statements[title] = DraftStatement(title, [tagged(text)], top_level="." not in number,
                                                 section="s1" if heading else None)
    for number in order:
        parent = number.rpartition(".")[0]
        if not parent:
            continue
        source = titles.get(links.get(number, number))
        target = titles.get(links.get(parent, parent))
        if source is None or target is None:
            raise FormatError(f"claim {number} links to another link", claims[number][0])
        kind = "support" if claims[number][1] == "Pro" else "attack"
        draft.relations.append(DraftRelation("statement", source, kind, "statement", target))
    return draft
