"""Argdown text from a map's parts, as a person would write it: what the importers produce.

The importers (Argdown JSON, AIF, Kialo) describe a map as :class:`Draft` parts; the writer
lays them out: headings in order, each top-level statement with its text and data and, nested
under it, what supports and attacks it (a statement written only there is defined there),
each argument with its description and premise-conclusion structure, and relations whose ends
are written nowhere else under the argument or statement they concern. Text is escaped so that
it reads back as the same text; tags, links, mentions and emphasis are written as markup.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

__all__ = ["Draft", "DraftArgument", "DraftMember", "DraftRelation", "DraftStatement", "Markup", "claim_title",
           "tagged", "write"]

INDENT = "  "


@dataclass
class Markup:
    """A piece of text with emphasis, links, tags and mentions: ``kind`` is one of bold,
    italic, link, tag, statement-mention, argument-mention, over characters ``start`` to
    ``stop`` (inclusive) of the text; ``url`` for a link."""

    kind: str
    start: int
    stop: int
    url: str | None = None


@dataclass
class DraftStatement:
    title: str
    texts: list[tuple[str, list[Markup]]] = field(default_factory=list)  # each place it is written with text
    data: dict = field(default_factory=dict)
    top_level: bool = True
    listed: bool = False  # written as a list item (`* text`), with no role in the map
    section: str | None = None  # a heading's id


@dataclass
class DraftMember:
    """One line of a premise-conclusion structure; a conclusion has an inference line above it,
    with ``inference`` (rules, data) where those are stated."""

    title: str | None
    text: tuple[str, list[Markup]] | None = None
    data: dict = field(default_factory=dict)
    conclusion: bool = False
    inference: tuple[list[str], dict] | None = None


@dataclass
class DraftArgument:
    title: str
    descriptions: list[tuple[str, list[Markup]]] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    pcs: list[DraftMember] = field(default_factory=list)
    section: str | None = None


@dataclass
class DraftRelation:
    source_kind: str  # "statement" | "argument"
    source: str
    type: str  # a RelationType value
    target_kind: str  # "statement" | "argument"
    target: str


@dataclass
class Draft:
    statements: dict[str, DraftStatement] = field(default_factory=dict)
    arguments: dict[str, DraftArgument] = field(default_factory=dict)
    relations: list[DraftRelation] = field(default_factory=list)
    sections: list[tuple[str, int, str]] = field(default_factory=list)  # (id, level, title) in order
    strict: bool = False  # statement-to-statement relations are entailment and contrariety
    tags_apart: bool = False  # tags are not part of the texts (the reference's removeTagsFromText)


# Under a target, the line that says "source <relation> target" (contradictory is written under its source).
_INCOMING = {"support": "+", "entails": "+", "attack": "-", "contrary": "-", "undercut": "_", "contradictory": "><"}
_OUTGOING = {"support": "+>", "entails": "+>", "attack": "->", "contrary": "->", "undercut": "_>", "contradictory": "><"}
_SPECIAL = re.compile(r"[\\\[\]<{}#*_@/]")  # what could open or close markup; `/` only before `/` or `*`


def write(draft: Draft) -> str:
    """The Argdown text of a draft, in ``argmap fmt``'s layout (text wrapped at 100 columns)."""
    from argmap.edit import Document

    document = Document(_Writer(draft).text())
    document.format()
    return document.text


def claim_title(text: str, taken: set[str]) -> str:
    """A title for a claim that has none: the claim itself when it is short, else its first six
    words (without markup characters or trailing punctuation), numbered where ``taken`` has it
    already; added to ``taken``."""
    words = re.sub(r"[\[\]<>{}#*_@\\]", " ", text).split()
    words = words if len(words) <= 8 else words[:6]
    base = " ".join(words).rstrip(".,;:!?") or "Claim"
    title, number = base, 2
    while title in taken:
        title, number = f"{base} {number}", number + 1
    taken.add(title)
    return title


def tagged(text: str) -> tuple[str, list[Markup]]:
    """Plain text whose `#tags` (a `#` that starts a word) stay tags, as a text written by
    argmap or a person carries them."""
    return text, [Markup("tag", m.start(), m.end() - 1) for m in re.finditer(r"(?<!\S)#[\w-]+", text)]


def _escape(text: str) -> str:
    """Plain text that reads back as itself: line breaks become spaces, syntax is escaped."""
    text = " ".join(text.split())
    return "".join(_escape_char(text, at) for at in range(len(text)))


def _text(text: str, markup: list[Markup]) -> str:
    """Text with its markup written back: emphasis around, links as [text](url), tags and
    mentions as they read."""
    opening: dict[int, list[str]] = {}
    closing: dict[int, list[str]] = {}
    raw = [False] * len(text)
    for piece in sorted(markup, key=lambda m: (m.start, -m.stop)):
        if piece.kind in ("tag", "statement-mention", "argument-mention"):
            for index in range(piece.start, min(piece.stop + 1, len(text))):
                raw[index] = True
        elif piece.kind == "link":
            opening.setdefault(piece.start, []).append("[")
            closing.setdefault(piece.stop + 1, []).insert(0, f"]({piece.url or ''})")
        elif piece.kind in ("bold", "italic"):
            mark = "**" if piece.kind == "bold" else "_"
            opening.setdefault(piece.start, []).append(mark)
            closing.setdefault(piece.stop + 1, []).insert(0, mark)
    out = []
    for index, char in enumerate(text):
        out.extend(closing.get(index, ()))
        out.extend(opening.get(index, ()))
        if char in "\n\r\t":
            char = " "
        out.append(char if raw[index] else _escape_char(text, index))
    out.extend(closing.get(len(text), ()))
    return "".join(out).strip()


def _escape_char(text: str, at: int) -> str:
    char = text[at]
    if char == "/" and text[at + 1:at + 2] not in ("/", "*") and text[at - 1:at] != "*":
        return char  # a slash opens or closes a comment only next to another slash or a star
    return "\\" + char if _SPECIAL.fullmatch(char) else char


def _data(data: dict) -> str:
    """A data block on one line; JSON is YAML, so every value reads back as written."""
    if not data:
        return ""
    return " {" + ", ".join(f"{_key(key)}: {json.dumps(value, ensure_ascii=False, default=str)}"
                            for key, value in data.items()) + "}"


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z_][\w-]*", key) else json.dumps(key, ensure_ascii=False)


def _title(title: str) -> str:
    return title.replace("\\", "\\\\").replace("]", "\\]").replace(">", "\\>")


class _Writer:
    def __init__(self, draft: Draft) -> None:
        self.draft = draft
        self.lines: list[str] = []
        self.written: set[int] = set()  # relations written, by index
        self.around: dict[tuple[str, str], list[int]] = {}  # the relations each node is an end of
        for index, relation in enumerate(draft.relations):
            for end in ((relation.source_kind, relation.source), (relation.target_kind, relation.target)):
                self.around.setdefault(end, []).append(index)
        self.sections = {section[0] for section in draft.sections}
        self.in_pcs = {m.title for a in draft.arguments.values() for m in a.pcs if m.title and m.text}  # defined there
        self.homes = self._homes()

    def text(self) -> str:
        settings = (["    mode: strict"] if self.draft.strict else []) + \
            (["    removeTagsFromText: true"] if self.draft.tags_apart else [])
        if settings:
            self.lines += ["===", "model:", *settings, "===", ""]
        for section in [None, *(s[0] for s in self.draft.sections)]:
            self._section(section)
        for index, relation in enumerate(self.draft.relations):  # both ends written nowhere else
            if index not in self.written:
                anchor = self._anchor_of(relation)
                self._block([self._reference(*anchor)] + self._relations(anchor, 1, {anchor}))
        return "\n".join(self.lines).rstrip("\n") + "\n"

    def _section(self, section: str | None) -> None:
        if section is not None:
            _, level, title = next(s for s in self.draft.sections if s[0] == section)
            self._block(["#" * level + " " + _escape(title)])
        listed = []
        for title, statement in self.draft.statements.items():
            if self._section_of(statement) != section:
                continue
            if statement.top_level:
                self._top_statement(title, statement)
            elif statement.listed:
                key = ("statement", title)
                for text in statement.texts:
                    listed += [f"{INDENT}* [{_title(title)}]: {_text(*text)}", *self._relations(key, 2, {key})]
        if listed:
            self._block(listed)
        for title, argument in self.draft.arguments.items():
            if self._section_of(argument) == section:
                self._argument(title, argument)

    def _section_of(self, element: DraftStatement | DraftArgument) -> str | None:
        """The heading an element is written under; none where its heading is unknown."""
        return element.section if element.section in self.sections else None

    def _top_statement(self, title: str, statement: DraftStatement) -> None:
        key = ("statement", title)
        texts = self._texts_left(statement)
        first = f"[{_title(title)}]" + (f": {_text(*texts[0])}" if texts else "") + _data(statement.data)
        self._block([first] + self._relations(key, 1, {key}))
        for text in texts[1:]:
            self._block([f"[{_title(title)}]: {_text(*text)}"])

    def _texts_left(self, statement: DraftStatement) -> list[tuple[str, list[Markup]]]:
        """The statement's texts not written in a premise-conclusion structure, each once."""
        in_pcs = {m.text[0] for a in self.draft.arguments.values() for m in a.pcs
                  if m.title == statement.title and m.text}
        seen, left = set(in_pcs), []
        for text in statement.texts:
            if text[0].strip() and text[0] not in seen:
                seen.add(text[0])
                left.append(text)
        return left

    def _argument(self, title: str, argument: DraftArgument) -> None:
        key = ("argument", title)
        descriptions = argument.descriptions or [None]
        for number, description in enumerate(descriptions):
            head = f"<{_title(title)}>" + (f": {_text(*description)}" if description and description[0].strip() else "")
            if number == 0:
                head += _data(argument.data)
            self._block([head] + (self._relations(key, 1, {key}) if number == 0 else []))
        if argument.pcs:
            self._block(self._pcs(argument))

    def _pcs(self, argument: DraftArgument) -> list[str]:
        lines = []
        for number, member in enumerate(argument.pcs, 1):
            if member.conclusion and number > 1:
                rules, data = member.inference or ([], {})
                lines.append(f"-- {' '.join([', '.join(rules), _data(data).strip()]).strip()} --" if rules or data
                             else "----")
            title = f"[{_title(member.title)}]" if member.title else ""
            text = _text(*member.text) if member.text else ""
            head = f"{title}: {text}" if title and text else title or text
            lines.append(f"({number}) {head}{_data(member.data)}")
            if member.title:  # what bears on a statement written only here is written under it
                statement = self.draft.statements.get(member.title)
                if statement is not None and not statement.top_level:
                    key = ("statement", member.title)
                    lines += self._relations(key, 1, {key})
        return lines

    def _homes(self) -> dict[str, int]:
        """For each statement written only inside relations, the relation line that defines
        it: the first one reached going outwards from what is written on its own (top-level
        statements, list items, arguments and their premises), breadth first, so that a claim
        is written nearest the thesis, where it is what bears on something."""
        def placed(title: str) -> bool:
            statement = self.draft.statements[title]
            return statement.top_level or statement.listed or title in self.in_pcs

        in_any_pcs = {m.title for a in self.draft.arguments.values() for m in a.pcs if m.title}
        frontier = [("statement", t) for t in self.draft.statements if placed(t) or t in in_any_pcs] + \
            [("argument", t) for t in self.draft.arguments]
        homes: dict[str, int] = {}
        for node in frontier:  # grows while it is walked
            around = self.around.get(node, [])
            for incoming_first in (True, False):
                for index in around:
                    other, incoming = self._other_end(index, node)
                    if incoming is incoming_first and other[0] == "statement" and other[1] in self.draft.statements \
                            and not placed(other[1]) and other[1] not in homes:
                        homes[other[1]] = index
                        frontier.append(other)
        return homes

    def _other_end(self, index: int, anchor: tuple[str, str]) -> tuple[tuple[str, str], bool]:
        """The end of a relation that is not ``anchor``, and whether the relation is written
        under ``anchor`` as incoming (contradictory is written under its source)."""
        relation = self.draft.relations[index]
        source = (relation.source_kind, relation.source)
        target = (relation.target_kind, relation.target)
        if relation.type == "contradictory":
            source, target = target, source
        return (source, True) if target == anchor else (target, False)

    def _relations(self, anchor: tuple[str, str], depth: int, path: set) -> list[str]:
        """The relation lines under ``anchor``: what bears on it, and what it bears on where that
        is defined here (see :meth:`_homes`); each statement defined at a line gets its own
        relations nested below."""
        lines = []
        for index in self.around.get(anchor, []):
            other, incoming = self._other_end(index, anchor)
            home = other[0] == "statement" and self.homes.get(other[1]) == index
            if index in self.written or not incoming and not home:
                continue
            self.written.add(index)
            symbol = _INCOMING if incoming else _OUTGOING
            line = f"{INDENT * depth}{symbol[self.draft.relations[index].type]} {self._reference(*other)}"
            if home:
                statement = self.draft.statements[other[1]]
                texts = self._texts_left(statement)
                line += (f": {_text(*texts[0])}" if texts else "") + _data(statement.data)
            lines.append(line)
            if home and other not in path:
                lines += self._relations(other, depth + 1, path | {other})
        return lines

    def _anchor_of(self, relation: DraftRelation) -> tuple[str, str]:
        if relation.type == "contradictory":
            return (relation.source_kind, relation.source)
        return (relation.target_kind, relation.target)

    def _reference(self, kind: str, title: str) -> str:
        return f"[{_title(title)}]" if kind == "statement" else f"<{_title(title)}>"

    def _block(self, lines: list[str]) -> None:
        self.lines += lines + [""]
