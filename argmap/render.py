"""Stage: the argument map as a Graphviz diagram, coloured by credence.

:func:`diagram` builds the DOT source with the ``graphviz`` package (no Graphviz binary
needed, and linear in the map's size); :func:`render` writes it in the format the output's
suffix names, laying it out with the system ``dot`` for .svg, .png and .pdf; :func:`fit`
lays it out to fit a page with type no smaller than 8 pt, dropping text before shrinking it.

What is drawn (``docs/render.md`` shows it): every statement with its title, a short text and
its credence, every argument as a rounded box with its inference and strength, each filled on
a sequential scale safe for colour-blind readers (pale for 0, deep violet for 1; greyscale for
print); a stated credence has a plain border, a computed one a double border, an assumed one
(a prior) a dashed border, and a claim ``argmap check`` warns about a ⚠. Premises are drawn
when something bears on them or they are among a thesis's top cruxes, all of them with
``premises=True``. Edges: support and entails blue with an arrow, attack, contrary and undercut
orange, dashed or dotted with a tee or dot, premise and conclusion links thin and grey; a
relation is as wide as its contribution against the largest drawn. Edges into a claim with
several inputs meet it at their own ports, supporters first, each group by contribution; an
attack's port is long enough that its tee or dot, which lies along the claim's side, stays
apart from the next.
Headings become clusters.

Map text reaches DOT only through :func:`html` and :func:`tooltip`, which escape it for
Graphviz and for the SVG it writes; node and cluster names are generated, never titles.
"""
from __future__ import annotations

import math
import re
from collections import deque
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, NamedTuple

from argmap.model import ArgumentMap, Diagnostic, RangeType, Role, StatementOccurrence

if TYPE_CHECKING:
    import graphviz

    from argmap.propagate import CredenceResult

__all__ = ["DETAILS", "DIRECTIONS", "FORMATS", "PALETTES", "PRINT_DPI", "SIZES", "RenderError", "check_options",
           "claim_and_quote", "clean", "credence_colour", "diagram", "find", "fit", "format_of", "layout", "page",
           "pen_width", "render", "short_text"]

FORMATS = ("dot", "svg", "png", "pdf")
PRINT_DPI = 300  # a PNG fitted to a page (--size); unsized PNGs are Graphviz's 96 dpi, for screens
DIRECTIONS = ("LR", "BT", "TB")
# What boxes show: everything; no statement text; no text but titles and numbers; the same in
# one type size, with a short key and everything packed closer, titles wrapped narrow (for a
# tall page) or on one line (for a wide one). fit() tries them in this order.
DETAILS = ("all", "titles", "bare", "compact", "line")
PACKED = ("compact", "line")  # the levels in one type size
INSTALL_GRAPHVIZ = ("install Graphviz ('sudo apt-get install graphviz' on Debian or Ubuntu, 'brew install graphviz' "
                    "on macOS, or from https://graphviz.org/download/), or write .dot, which needs no Graphviz")

Node = tuple  # ("statement", title) | ("argument", title), as in the claim graph


class Palette(NamedTuple):
    """Fills from credence 0 to 1 (OKLCH: lightness, chroma, hue at each end) and the two edge hues."""
    low: tuple[float, float, float]
    high: tuple[float, float, float]
    support: str
    attack: str


# The fills are one hue (violet, which neither edge hue is near, for any kind of colour vision)
# from near white to a middle violet that black text stays legible on; the edges are the blue
# and orange that colour-blind readers tell apart, each with a second channel (a solid line and
# an arrow for support, dashes and a tee or dot for attack). docs/render.md says why.
PALETTES = {"default": Palette((0.97, 0.012, 305.0), (0.62, 0.13, 305.0), "#00508f", "#d55e00"),
            "greyscale": Palette((0.97, 0.0, 0.0), (0.62, 0.0, 0.0), "#1a1a1a", "#595959")}
SIZES = {"a4": (7.27, 10.69), "slide": (12.33, 6.5)}  # inches drawable: A4 less 0.5 in margins; a 16:9 slide less 0.5 in
MIN_POINTS = 8.0  # the smallest type on the page
FONT = "Helvetica"
STRUCTURE = ("conclusion", "premise")  # the edges that link an argument to its parts; the rest are relations
SUPPORTS = ("support", "entails")
EDGE_SHAPES = {  # kind -> the hue it takes ("support", "attack" or a grey) and its shape
    "support": ("support", {}),
    "entails": ("support", {}),
    "attack": ("attack", {"arrowhead": "tee", "style": "dashed"}),
    "contrary": ("attack", {"arrowhead": "dot", "style": "dashed"}),
    "contradictory": ("attack", {"arrowhead": "dot", "arrowtail": "dot", "dir": "both", "style": "dashed"}),
    "undercut": ("attack", {"arrowhead": "tee", "style": "dotted"}),
    "conclusion": ("#555555", {}),
    "premise": ("#999999", {"arrowsize": "0.5"}),
}
WRAP = {"all": 30, "titles": 20, "bare": 20, "compact": 15, "line": 60}  # characters a line of a title, by detail
PORT_SPACING = {"all": 14, "titles": 14, "bare": 14, "compact": 8, "line": 8}  # points between the ends of edges into one claim
# Points across an edge that a head lying across it covers, at the relations' arrowsize of 0.7 (Graphviz
# 2.43: a tee is a bar 10 x arrowsize long, a dot 8 x arrowsize wide), before its pen's width; and the
# white left between two such heads on one side of a claim.
HEAD_ACROSS = {"tee": 7.0, "dot": 5.6}
HEAD_GAP = 4.0
THIN, WIDEST = 1.0, 6.0  # points: a structural link and a relation that contributes nothing; the largest contribution
BORDERS = {"stated": {}, "computed": {"peripheries": "2"}, "prior": {"style": "filled,dashed"}}  # by origin
WARNING = "⚠"
TEXT_WIDTH = 34  # characters a line of a node's text
TEXT_LIMIT = 110  # characters of a statement's text shown in its node
CRUXES = 5  # a thesis's top cruxes drawn by default when they are premises
CRUX_LIMIT = 500  # statements and arguments: above, finding cruxes (a run per stated number) is not worth its seconds
# Characters of map text in one label or tooltip: Graphviz rejects a string longer than 16,384
# bytes, and escaping may make the text several times longer.
STRING_LIMIT = 2000


class RenderError(Exception):
    """A diagram that cannot be written as asked; the message is one line for users."""


# --- what to draw -------------------------------------------------------------------------------

def diagram(model: ArgumentMap, result: CredenceResult, *, premises: bool = False, depth: int | None = None,
            focus: str | None = None, direction: str = "LR", links: dict[Node, str] | None = None,
            palette: str = "default", diagnostics: list[Diagnostic] | None = None,
            detail: str = "all") -> graphviz.Digraph:
    """The map as a Graphviz graph (its ``.source`` is the DOT text, the same for the same map).

    ``premises`` draws every premise (by default only those something bears on and a thesis's
    top cruxes); ``focus`` (``[Statement]``, ``<Argument>`` or a bare title) draws that claim,
    marked, and what lies within ``depth`` edges of it (default 1), and ``depth`` alone what
    lies within that many edges of a thesis, in either direction. ``links`` gives nodes a link
    target (the report's anchors); ``palette`` is one of :data:`PALETTES`; ``diagnostics``
    (by default ``check_map``'s) mark the claims they concern; ``detail`` is one of
    :data:`DETAILS`. ValueError for an unknown focus, palette, detail or direction, a negative
    depth, or a depth without a thesis.
    """
    return _diagram(model, result, _Marks(model, result, diagnostics), premises=premises, depth=depth, focus=focus,
                    direction=direction, links=links, palette=palette, detail=detail)


def _diagram(model: ArgumentMap, result: CredenceResult, marks: _Marks, *, premises: bool = False,
             depth: int | None = None, focus: str | None = None, direction: str = "LR",
             links: dict[Node, str] | None = None, palette: str = "default", detail: str = "all") -> graphviz.Digraph:
    """:func:`diagram`, with its crux premises and diagnostics in ``marks``."""
    import graphviz

    check_options(direction, palette, detail, depth)
    edges = _edges(model)
    shown = {node for node in _nodes(model) if premises or not _only_premise(model, node)}
    if not premises:
        shown |= {target for (_, target, kind) in edges if kind not in STRUCTURE} | marks.crux_premises
    focused = None
    if focus is not None:
        focused = find(model, focus)
        start = [focused]
        shown.add(focused)
        depth = 1 if depth is None else depth
    else:
        start = [("statement", title) for title in result.theses]
        if depth is not None and not start:
            raise ValueError("--depth counts from the thesis, and the map has none; give --focus TITLE too")
    if depth is not None:
        shown = _within(start, depth, shown, edges)
    ids = {node: f"{'s' if node[0] == 'statement' else 'a'}{i}" for i, node in enumerate(_nodes(model))}
    contributions = _contributions(result)
    drawn = [edge for edge in edges if edge[0] in shown and edge[1] in shown]
    values = {edge: _value(edge, contributions) for edge in drawn}
    largest = max((abs(v) for (_, _, kind), v in values.items() if kind not in STRUCTURE), default=0.0)
    ports = _ports(drawn, values)
    warnings = _warnings(model, marks.diagnostics)
    colours = PALETTES[palette]

    graph = graphviz.Digraph("argmap", graph_attr={
        "rankdir": direction, "newrank": "true", **_SPACING[detail],
        "splines": "polyline",
        "fontname": FONT,
        "labelloc": "b", "labeljust": "l", "label": _legend(colours, largest, focused is not None, detail),
        "bgcolor": "white", "tooltip": " "})
    graph.attr("node", fontname=FONT, fontsize="11", shape="box", style="filled",
               **({"margin": "0.03,0.01", "height": "0.2", "width": "0.3"} if detail in PACKED else {"margin": "0.08,0.05"}))
    graph.attr("edge", fontname=FONT, fontsize="9", arrowsize="0.7")
    theses = set(result.theses)
    sections = {section.id for section in model.sections}
    members: dict[str | None, list[Node]] = {}
    for node in ids:
        if node in shown:
            section = _element(model, node).section
            members.setdefault(section if section in sections and detail in ("all", "titles") else None, []).append(node)
    children: dict[str | None, list] = {}
    for section in model.sections:
        children.setdefault(section.parent, []).append(section)
    inputs: dict[Node, list[int]] = {}  # a busy claim's ports in order, each as long as its edge needs
    for edge in sorted(ports, key=ports.get):
        inputs.setdefault(edge[1], []).append(_port_length(edge[2], pen_width(values[edge], largest), detail))
    look = _Look(colours, detail, _SIDES[direction])

    def fill(target: graphviz.Digraph, section: str | None) -> None:
        for node in members.get(section, ()):
            notes = warnings.get(node, [])
            attributes = look.statement(model, result, node[1], node[1] in theses, notes, inputs.get(node, [])) \
                if node[0] == "statement" else look.argument(model, result, node[1], notes, inputs.get(node, []))
            if inputs.get(node):
                attributes["margin"] = "0"
            if node == focused:
                attributes.update(color="#000000", penwidth="5")
            if links and node in links:
                attributes["href"] = links[node]
            target.node(ids[node], **attributes)
        for child in children.get(section, ()):
            if _occupied(child.id, members, children):
                with target.subgraph(name=f"cluster_{child.id}") as cluster:
                    cluster.attr(label=html(child.title, bold=True), style="rounded", color="#b8b8b8",
                                 fontcolor="#444444", fontsize="14", labeljust="l", labelloc="t", tooltip=" ")
                    fill(cluster, child.id)

    fill(graph, None)
    for edge in drawn:
        source, target, kind = edge
        attributes = _edge(edge, contributions, values[edge], largest, colours)
        if edge in ports:
            attributes["headport"] = f"in{ports[edge]}:{look.side}"
        graph.edge(ids[source], ids[target], **attributes)
    return graph


def check_options(direction: str = "LR", palette: str = "default", detail: str = "all",
                  depth: int | None = None) -> None:
    """ValueError for a ``direction``, ``palette``, ``detail`` or ``depth`` that :func:`diagram`
    does not take: the options a command line can check before it reads the map."""
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}; choose {', '.join(DIRECTIONS)}")
    if palette not in PALETTES:
        raise ValueError(f"unknown palette {palette!r}; choose {', '.join(PALETTES)}")
    if detail not in DETAILS:
        raise ValueError(f"unknown detail {detail!r}; choose {', '.join(DETAILS)}")
    if depth is not None and depth < 0:
        raise ValueError(f"--depth {depth}: give a number of steps, 0 or more")


def _nodes(model: ArgumentMap) -> Iterator[Node]:
    for title in model.statements:
        yield ("statement", title)
    for title in model.arguments:
        yield ("argument", title)


def _element(model: ArgumentMap, node: Node):
    return model.statements[node[1]] if node[0] == "statement" else model.arguments[node[1]]


def _edges(model: ArgumentMap) -> dict[tuple[Node, Node, str], None]:
    """The claim graph's edges, each once, in a fixed order; a contradictory relation once, as
    written (it is drawn with arrowheads at both ends)."""
    found: dict[tuple[Node, Node, str], None] = {}
    for source, target, kind in model.graph().edges(data="kind"):
        if kind == "contradictory" and (target, source, kind) in found:
            continue
        if source[1] in (model.statements if source[0] == "statement" else model.arguments) and \
                target[1] in (model.statements if target[0] == "statement" else model.arguments):
            found[(source, target, kind)] = None  # (a relation to a claim the map lacks is left out)
    return found


def _only_premise(model: ArgumentMap, node: Node) -> bool:
    """A statement written only inside premise-conclusion structures, as a premise or an
    intermediary conclusion (written anywhere else, it is in a relation or stands alone)."""
    if node[0] != "statement":
        return False
    roles = {member.role for member in model.statements[node[1]].members}
    return roles <= {Role.PREMISE, Role.INTERMEDIARY_CONCLUSION} and bool(roles)


def find(model: ArgumentMap, name: str) -> Node:
    """The node a focus names: ``[Statement]``, ``<Argument>`` or a bare title (a statement
    first). ValueError for one the map lacks, with the title it was probably meant as (a
    command line checks it before it prints the map's warnings)."""
    from argmap.propagate import did_you_mean

    bracket = name[:1] + name[-1:]
    title = name[1:-1] if bracket in ("[]", "<>") else name
    if bracket != "<>" and title in model.statements:
        return ("statement", title)
    if bracket != "[]" and title in model.arguments:
        return ("argument", title)
    if title in model.statements or title in model.arguments:  # the other kind's brackets
        wanted, other = ("statement", f"<{title}>") if bracket == "[]" else ("argument", f"[{title}]")
        raise ValueError(f"no {wanted} is titled {title!r}; did you mean {other}?")
    raise ValueError(f"no statement or argument is titled {title!r}"
                     + did_you_mean(title, [*model.statements, *model.arguments]))


def _within(start: list[Node], depth: int, shown: set[Node], edges: dict) -> set[Node]:
    """The shown nodes at most ``depth`` shown edges away from ``start``, either way."""
    neighbours: dict[Node, list[Node]] = {}
    for source, target, _ in edges:
        if source in shown and target in shown:
            neighbours.setdefault(source, []).append(target)
            neighbours.setdefault(target, []).append(source)
    distance = {node: 0 for node in start}
    queue = deque(start)
    while queue:
        node = queue.popleft()
        if distance[node] == depth:
            continue
        for other in neighbours.get(node, ()):
            if other not in distance:
                distance[other] = distance[node] + 1
                queue.append(other)
    return set(distance)


def _occupied(section: str, members: dict, children: dict) -> bool:
    """Whether a section, or one inside it, has a node to draw."""
    return bool(members.get(section)) or any(_occupied(c.id, members, children) for c in children.get(section, ()))


def _contributions(result: CredenceResult) -> dict[tuple, float]:
    """What each edge accounts for in its target, by (source, target, kind)."""
    return {(tuple(c.source), tuple(c.target), c.kind): c.value for c in result.contributions}


def _value(edge: tuple[Node, Node, str], contributions: dict) -> float:
    """What an edge accounts for in its target; for a contradictory relation, drawn once, the
    larger of its two ways."""
    source, target, kind = edge
    value = contributions.get(edge, 0.0)
    if kind == "contradictory":
        value = max(value, contributions.get((target, source, kind), 0.0), key=abs)
    return value


def _ports(drawn: list[tuple[Node, Node, str]], values: dict) -> dict[tuple[Node, Node, str], int]:
    """Where each relation meets a claim that has two or more: its own port, supporters first
    and then attackers, each from the largest contribution down (the map's order on a tie)."""
    into: dict[Node, list] = {}
    for edge in drawn:
        if edge[2] not in STRUCTURE:
            into.setdefault(edge[1], []).append(edge)
    ports = {}
    for edges in into.values():
        if len(edges) > 1:
            edges.sort(key=lambda edge: (edge[2] not in SUPPORTS, -abs(values[edge])))
            ports.update((edge, index) for index, edge in enumerate(edges))
    return ports


def _crux_premises(model: ArgumentMap, result: CredenceResult) -> set[Node]:
    """The premises among each thesis's top :data:`CRUXES` cruxes (ranked by swing), in a map of
    at most :data:`CRUX_LIMIT` statements and arguments."""
    from argmap.explanation import cruxes

    if not result.theses or len(model.statements) + len(model.arguments) > CRUX_LIMIT:
        return set()
    found = set()
    for report in cruxes(model, result.semantics, theses=result.theses):
        for crux in report.cruxes[:CRUXES]:
            node = tuple(crux.input.node)
            if crux.input.kind == "credence" and _only_premise(model, node):
                found.add(node)
    return found


class _Marks:
    """What a diagram marks that takes runs of the semantics to find: a thesis's top crux
    premises and the diagnostics (``check_map``'s unless given); each is found when first
    needed, so once for all the diagrams :func:`fit` draws of one map."""

    def __init__(self, model: ArgumentMap, result: CredenceResult, diagnostics: list[Diagnostic] | None) -> None:
        self.model, self.result, self.given = model, result, diagnostics

    @cached_property
    def crux_premises(self) -> set[Node]:
        return _crux_premises(self.model, self.result)

    @cached_property
    def diagnostics(self) -> list[Diagnostic]:
        if self.given is not None:
            return self.given
        from argmap.check import check_map

        return check_map(self.model, self.result.semantics, self.result)


def _warnings(model: ArgumentMap, diagnostics: list[Diagnostic]) -> dict[Node, list[str]]:
    """Each claim's diagnostics' messages: the claim a diagnostic names (as the message first
    writes it, ``[Title]`` or ``<Title>``), else the one written where it points."""
    blocks = []  # (first line, last line, node) of every place a claim is written
    for title, statement in model.statements.items():
        blocks += [(m.span.line, (m.data_span or m.span).end_line, ("statement", title)) for m in statement.members]
    for title, argument in model.arguments.items():
        blocks += [(m.span.line, (m.data_span or m.span).end_line, ("argument", title)) for m in argument.members]
        if argument.span is not None:
            blocks.append((argument.span.line, argument.span.end_line, ("argument", title)))
    found: dict[Node, list[str]] = {}
    for diagnostic in diagnostics:
        subject, message = diagnostic.subject, diagnostic.message
        named = [node for node in (("statement", subject), ("argument", subject)) if subject is not None
                 and subject in (model.statements if node[0] == "statement" else model.arguments)]
        if len(named) == 2:
            first = {node: message.find(f"[{subject}]" if node[0] == "statement" else f"<{subject}>") for node in named}
            named.sort(key=lambda node: (first[node] < 0, first[node]))
        if not named:
            around = [block for block in blocks if block[0] <= diagnostic.line <= block[1]]
            named = [max(around, key=lambda block: block[0])[2]] if around else []
        if named:
            found.setdefault(named[0], []).append(message)
    return found


# --- how it looks -------------------------------------------------------------------------------

_SIDES = {"LR": "w", "BT": "s", "TB": "n"}  # the side of a claim that faces what bears on it
_SPACING = {"all": {"nodesep": "0.25", "ranksep": "1.0"}, "titles": {"nodesep": "0.25", "ranksep": "0.5"},
            "bare": {"nodesep": "0.1", "ranksep": "0.5"}, "compact": {"nodesep": "0.08", "ranksep": "0.25"},
            "line": {"nodesep": "0.02", "ranksep": "0.2"}}


class _Look:
    """How nodes are drawn: in a palette, with some detail, ports on one side."""

    def __init__(self, palette: Palette, detail: str, side: str) -> None:
        self.palette, self.detail, self.side = palette, detail, side

    def statement(self, model: ArgumentMap, result: CredenceResult, title: str, thesis: bool, notes: list[str],
                  inputs: list[int]) -> dict[str, str]:
        statement = model.statements[title]
        record = result.statements[title]
        claim = claim_and_quote(statement.canonical)[0]
        if self.detail != "all":
            text = ""
        else:
            text = short_text(claim, 400 if thesis else TEXT_LIMIT) if claim else None
        label = self.label(title, record.credence, text, "", 14 if thesis and text else 11, 32 if thesis else TEXT_WIDTH,
                           bool(notes), inputs)
        reason = statement.data.get("reason")
        details = [*(f"{WARNING} {note}" for note in notes), statement.text or "(no text)", "",
                   f"credence {record.credence:.4g} ({record.origin.value}): {record.formula}"]
        if reason:
            details.append(f"reason: {reason}")
        return {"label": label, "fillcolor": credence_colour(record.credence, self.palette), **BORDERS[record.origin.value],
                **({"penwidth": "2"} if thesis else {}), "tooltip": tooltip("\n".join(details))}

    def argument(self, model: ArgumentMap, result: CredenceResult, title: str, notes: list[str],
                 inputs: list[int]) -> dict[str, str]:
        argument = model.arguments[title]
        record = result.arguments[title]
        text = short_text(argument.text) if argument.text and self.detail in ("all", "titles") else ""
        inferences = [f"{step.inference:.2f}" for step in record.steps if step.inference is not None]
        if self.detail in PACKED:  # beside the title, with the strength; the key says what it is
            numbers = f"inf. {', '.join(inferences)}" if inferences else ""
        else:
            numbers = (f"{'inference' if len(inferences) == 1 else 'inferences'} {', '.join(inferences)}, "
                       if inferences else "") + f"strength {record.strength:.2f}"
        label = self.label(title, record.strength, text, numbers, 11, TEXT_WIDTH, bool(notes), inputs)
        details = [*(f"{WARNING} {note}" for note in notes), argument.text or "",
                   f"strength {record.strength:.4g}: {record.formula}"]
        for step in argument.pcs:
            reason = step.data.get("reason") if step.role is not Role.PREMISE else None
            if reason:
                details.append(f"inference to [{step.title}]: {reason}")
        return {"label": label, "fillcolor": credence_colour(record.strength, self.palette), "style": "filled,rounded",
                "tooltip": tooltip("\n".join(line for line in details if line))}

    def label(self, title: str, value: float, text: str | None, numbers: str, size: int, width: int, warn: bool,
              inputs: list[int]) -> str:
        """A node's label: the title (wrapped, after a ⚠ when ``warn``) and its number on top,
        ``numbers`` (an argument's inference and strength) and the text beneath, wrapped to about
        the title's width; ``None`` for a statement without text (shown as such); with
        ports of the lengths in ``inputs`` for the edges into it on the side they come from."""
        heading = _wrap(_capped(title, STRING_LIMIT // 8), WRAP[self.detail])
        mark = f"{WARNING} " if warn else ""
        head = "<BR/>".join(_escape(part) for part in heading) or "&nbsp;"
        if self.detail in PACKED:  # one size, at the smallest a page allows; numbers in a column beside the title
            size = int(MIN_POINTS)
            gap = "<BR/>" if self.detail == "compact" else " "
            side = f"<B>{value:.2f}</B>" + (f"{gap}{numbers}" if numbers else "")
            table = (f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"><TR><TD ALIGN="LEFT" '
                     f'BALIGN="LEFT"><FONT POINT-SIZE="{size}"><B>{mark}{head}</B></FONT></TD><TD WIDTH="4"></TD>'
                     f'<TD ALIGN="RIGHT" BALIGN="RIGHT" VALIGN="TOP"><FONT POINT-SIZE="{size}">{side}</FONT></TD></TR></TABLE>')
            return f"<{_with_ports(table, inputs, self.side, self.detail) if inputs else table}>"
        size = size if self.detail == "all" else 9
        width = max(width, round((max(map(len, heading), default=0) + 5) * 1.3))  # the title is larger and bold
        rows = [f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{size + 1}"><B>{mark}{head}</B></FONT></TD>'
                f'<TD WIDTH="8"></TD><TD ALIGN="RIGHT" VALIGN="TOP"><FONT POINT-SIZE="{size + 1}"><B>{value:.2f}</B>'
                '</FONT></TD></TR>']
        if numbers:
            rows.append(f'<TR><TD COLSPAN="3" ALIGN="LEFT"><FONT POINT-SIZE="{size - 1}">{numbers}</FONT></TD></TR>')
        body = '<I>no text of its own</I>' if text is None else "<BR/>".join(_escape(line) for line in _wrap(text, width))
        if body:
            rows.append(f'<TR><TD COLSPAN="3" ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{size - 1}">{body}</FONT>'
                        '</TD></TR>')
        table = f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>'
        return f"<{_with_ports(table, inputs, self.side, self.detail) if inputs else table}>"


def _port_length(kind: str, width: float, detail: str) -> int:
    """Points of a claim's side given to one edge into it: the detail's spacing, or more where
    the edge's head lies across it (a tee or a dot), so that the heads of neighbouring attacks
    stay apart instead of running into one bar along the border."""
    across = HEAD_ACROSS.get(EDGE_SHAPES[kind][1].get("arrowhead"))
    spacing = PORT_SPACING[detail]
    return spacing if across is None else max(spacing, math.ceil(across + width + HEAD_GAP))


def _with_ports(table: str, lengths: list[int], side: str, detail: str) -> str:
    """``table`` with ports ``in0``, ``in1``, ... of these ``lengths`` in points along one side,
    flush with the border (the node has no margin: the table pads itself)."""
    frame = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
    padding = 3 if detail in PACKED else 5
    if side == "w":
        ports = frame + "".join(f'<TR><TD PORT="in{i}" HEIGHT="{length}"></TD></TR>'
                                for i, length in enumerate(lengths))
        return f'{frame}<TR><TD>{ports}</TABLE></TD><TD CELLPADDING="{padding}">{table}</TD></TR></TABLE>'
    ports = "<TR>" + "".join(f'<TD PORT="in{i}" WIDTH="{length}"></TD>' for i, length in enumerate(lengths)) + "</TR>"
    content = f'<TR><TD CELLPADDING="{padding}">{table}</TD></TR>'
    return f'{frame}{content}<TR><TD>{frame}{ports}</TABLE></TD></TR></TABLE>' if side == "s" else \
        f'{frame}<TR><TD>{frame}{ports}</TABLE></TD></TR>{content}</TABLE>'


def _edge(edge: tuple[Node, Node, str], contributions: dict, value: float, largest: float,
          palette: Palette) -> dict[str, str]:
    source, target, kind = edge
    hue, shape = EDGE_SHAPES[kind]
    words = f"{kind}: {contributions.get(edge, 0.0):+.4f}"
    if kind == "contradictory":  # one edge for both ways
        words = (f"{kind}: {contributions.get(edge, 0.0):+.4f} this way, "
                 f"{contributions.get((target, source, kind), 0.0):+.4f} the other")
    width = THIN if kind in STRUCTURE else pen_width(value, largest)
    return {"color": getattr(palette, hue) if hue in ("support", "attack") else hue, **shape,
            "penwidth": f"{width:.2f}", "tooltip": tooltip(words)}


def pen_width(contribution: float, largest: float) -> float:
    """A relation's width from what it accounts for in its target, in proportion to the
    largest drawn: from :data:`THIN` for nothing to :data:`WIDEST` for the largest."""
    return THIN + (WIDEST - THIN) * min(abs(contribution) / largest, 1.0) if largest > 0 else THIN


def _legend(palette: Palette, largest: float, focus: bool, detail: str) -> str:
    """The diagram's key, as the graph's label (drawn beneath the diagram, outside the layout);
    at the :data:`PACKED` levels, in the smallest type a page allows, each kind of thing on one line."""
    if detail in PACKED:
        return _short_legend(palette, largest, focus, columns=2 if detail == "line" else 1)

    def row(key: str, value: str) -> str:
        return f'<TR><TD ALIGN="RIGHT">{key}</TD><TD ALIGN="LEFT" BALIGN="LEFT">{value}</TD></TR>'

    ramp = "".join(f'<TD BGCOLOR="{credence_colour(v / 10, palette)}" WIDTH="22">'
                   + (f"{v / 10:g}" if v % 5 == 0 else "") + "</TD>" for v in range(11))
    edges = "".join(f'<TR><TD ALIGN="LEFT"><FONT COLOR="{colour}"><B>{line}</B></FONT></TD><TD ALIGN="LEFT">{words}</TD></TR>'
                    for colour, line, words in (
                        (palette.support, "───▶", "supports, entails"), (palette.attack, "- - -┤", "attacks"),
                        (palette.attack, "· · · ┤", "undercuts an inference"),
                        (palette.attack, "- - -●", "contrary (● at both ends: contradictory)"),
                        ("#555555", "───▶", "concludes, is a premise of (thin, grey)")))
    rows = [row("credence, strength", f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="2"><TR>{ramp}'
                '</TR></TABLE>'),
            row("statement", "single border: stated; double: computed; dashed: assumed"),
            row("argument", "rounded, with its inference and strength"),
            row(WARNING, "argmap check warns about it (hover for why)"),
            row("edges", f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{edges}</TABLE>')]
    if largest > 0:
        bars = "".join(f'<TD WIDTH="30" BORDER="{pen_width(v, largest):.0f}" SIDES="B" COLOR="#555555"></TD>'
                       f'<TD ALIGN="LEFT" VALIGN="BOTTOM"> {v:.2g}    </TD>' for v in (largest, largest / 2, 0.0))
        rows.append(row("edge width: the contribution<BR/>to its target",
                        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"><TR>{bars}</TR></TABLE>'))
    if focus:
        rows.append(row("heavy border", "the claim in focus"))
    return f'<<FONT POINT-SIZE="10"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1">{"".join(rows)}</TABLE></FONT>>'


def _short_legend(palette: Palette, largest: float, focus: bool, columns: int) -> str:
    """The key of a packed diagram: what :func:`_legend` says, in a few lines, in ``columns``."""
    ramp = "".join(f'<TD BGCOLOR="{credence_colour(v / 10, palette)}" WIDTH="16">'
                   + (f"{v / 10:g}" if v % 5 == 0 else "") + "</TD>" for v in range(11))
    edges = " ".join(f'<FONT COLOR="{colour}"><B>{line}</B></FONT> {words}' for colour, line, words in (
        (palette.support, "──▶", "supports"), (palette.attack, "- -┤", "attacks"), (palette.attack, "· ·┤", "undercuts"),
        (palette.attack, "- -●", "contrary (● at both ends: contradictory)")))
    lines = [f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="1"><TR><TD BORDER="0">credence, strength '
             f'</TD>{ramp}</TR></TABLE>',
             "statement: single border stated, double computed, dashed assumed",
             "argument: rounded, its strength and inference (inf.)",
             f"{WARNING} argmap check warns about it" + ("; heavy border: the claim in focus" if focus else ""),
             edges, '<FONT COLOR="#555555"><B>──▶</B></FONT> concludes, is a premise of (thin, grey)']
    if largest > 0:
        bars = "".join(f'<TD WIDTH="24" BORDER="{pen_width(v, largest):.0f}" SIDES="B" COLOR="#555555"></TD>'
                       f'<TD ALIGN="LEFT" VALIGN="BOTTOM"> {v:.2g}  </TD>' for v in (largest, largest / 2, 0.0))
        lines.append(f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0"><TR><TD>edge width, the '
                     f'contribution to its target: </TD>{bars}</TR></TABLE>')
    rows = "".join("<TR>" + "".join(f'<TD ALIGN="LEFT">{line}</TD>' for line in lines[i:i + columns]) + "</TR>"
                   for i in range(0, len(lines), columns))
    return (f'<<FONT POINT-SIZE="{MIN_POINTS:g}"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="0">'
            f'{rows}</TABLE></FONT>>')


def credence_colour(value: float, palette: Palette | str = "default") -> str:
    """The fill for a credence: a palette's ``low`` at 0 to its ``high`` at 1.

    The scale runs in OKLab, where equal distances look about equally different, on the
    straight line between its ends (one hue, lightness and chroma in step), so equal steps of
    credence are equal steps of colour.
    """
    return _colour(round(min(max(value, 0.0), 1.0), 3), PALETTES[palette] if isinstance(palette, str) else palette)


@lru_cache(maxsize=None)  # at most 1001 values a palette
def _colour(value: float, palette: Palette) -> str:
    low, high = _oklch(*palette.low), _oklch(*palette.high)
    lab = [a + (b - a) * value for a, b in zip(low, high)]
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in _oklab_to_srgb(*lab))


def _oklch(lightness: float, chroma: float, hue: float) -> tuple[float, float, float]:
    return lightness, chroma * math.cos(math.radians(hue)), chroma * math.sin(math.radians(hue))


def _oklab_to_srgb(lightness: float, a: float, b: float) -> tuple[float, float, float]:
    """Björn Ottosson's OKLab to gamma-encoded sRGB, each channel in 0..1 (unclipped)."""
    l_ = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3
    m_ = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3
    s_ = (lightness - 0.0894841775 * a - 1.2914855480 * b) ** 3
    linear = (4.0767416621 * l_ - 3.3077115913 * m_ + 0.2309699292 * s_,
              -1.2684380046 * l_ + 2.6097574011 * m_ - 0.3413193965 * s_,
              -0.0041960863 * l_ - 0.7034186147 * m_ + 1.7076147010 * s_)
    return tuple(12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055 for c in linear)


# --- text ---------------------------------------------------------------------------------------

def claim_and_quote(occurrence: StatementOccurrence | None) -> tuple[str, str]:
    """A statement's claim (its text before the first tag or link) and its quote (vargdown
    writes a source's words after a ``>`` on the line after the source links, which the text
    keeps as `` > ``; only a ``>`` after the last link or tag starts a quote)."""
    if occurrence is None or not occurrence.text:
        return "", ""
    text = occurrence.text
    marks = [r for r in occurrence.ranges if r.type in (RangeType.LINK, RangeType.TAG)]
    claim = text[:min(r.start for r in marks)] if marks else text
    after = max((r.stop + 1 for r in marks), default=len(text))
    quote = text[after:].strip()
    return " ".join(claim.split()), quote[1:].strip() if quote.startswith(">") else ""


def short_text(text: str, limit: int = TEXT_LIMIT) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, with an ellipsis when cut."""
    words = text.split()
    whole = " ".join(words)
    if len(whole) <= limit:
        return whole
    kept, length = [], 0
    for word in words:
        if length + bool(kept) + len(word) > limit - 1:  # room for the ellipsis
            break
        length += bool(kept) + len(word)
        kept.append(word)
    return " ".join(kept).rstrip(",;:.-–—") + "…" if kept else words[0][:limit - 1] + "…"


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap (textwrap is several times slower, and maps have 100,000 labels)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def clean(text: str) -> str:
    """Text that any XML parser accepts: control characters, the surrogate escapes of
    undecodable bytes and U+FFFE/U+FFFF become U+FFFD; tabs and carriage returns spaces."""
    return _UNSAFE.sub("\ufffd", _BLANK.sub(" ", text))


_BLANK = re.compile("[\t\r]")
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape(text: str) -> str:
    """Map text for inside an HTML-like label: XML-escaped, and each backslash doubled, since
    Graphviz still expands ``\\N`` and friends in HTML labels."""
    return (clean(_capped(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\\", "\\\\").replace("\n", " "))


def html(text: str, bold: bool = False) -> str:
    """An HTML-like label showing ``text`` exactly."""
    escaped = _escape(text) or "&nbsp;"
    return f"<<B>{escaped}</B>>" if bold else f"<{escaped}>"


def tooltip(text: str) -> str:
    """A tooltip attribute showing ``text`` exactly: XML-escaped (Graphviz decodes entities in
    it), no double quotes left for DOT, line breaks as ``\\n``, and each backslash written four
    times: Graphviz 2.43 unescapes a tooltip twice."""
    return (clean(_capped(text)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\\", "\\\\\\\\").replace("\n", "\\n"))


def _capped(text: str, limit: int = STRING_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut: what Graphviz can take."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- output -------------------------------------------------------------------------------------

def render(model: ArgumentMap, result: CredenceResult, path: str | Path, *, size: str | None = None,
           **options) -> list[str]:
    """Draw the map to ``path``, in the format its suffix names (.svg, .png, .pdf or .dot),
    fitted to ``size`` when given (see :func:`fit`); ``options`` are :func:`diagram`'s. Returns
    notes for the user (type that had to shrink). ValueError for an unknown suffix (or option),
    RenderError when ``dot`` is needed and missing or fails; the file is replaced in one step."""
    from argmap.files import write_atomically

    format = format_of(path)
    graph, notes = fit(model, result, size, **options)
    if size is not None and format == "png":
        graph.attr(dpi=str(PRINT_DPI))  # a figure for a page: as sharp printed as the PDF or SVG
    data = graph.source.encode("utf-8") if format == "dot" else layout(graph, format)
    write_atomically(path, data)
    return notes


def fit(model: ArgumentMap, result: CredenceResult, size: str | None = None, **options) -> tuple[graphviz.Digraph, list[str]]:
    """The diagram (``options`` are :func:`diagram`'s), and with a ``size`` (``a4``, ``slide``
    or ``WxH``, see :func:`page`) fitted to it: laid out with less and less detail (each of
    :data:`DETAILS`) until it fits with its smallest type at least :data:`MIN_POINTS` on the
    page, then scaled to the page. When none fits, the one whose type shrinks least is kept and
    the notes say how far. Laying out needs ``dot`` (RenderError)."""
    if size is None:
        return diagram(model, result, **options), []
    width, height = page(size)
    marks = _Marks(model, result, options.pop("diagnostics", None))  # found once, for every level
    best = None  # (smallest type as printed, graph) of the level that keeps the largest
    for detail in DETAILS:
        graph = _diagram(model, result, marks, detail=detail, **options)
        drawn_width, drawn_height, smallest = _measure(layout(graph, "svg"))
        printed = smallest * min(1.0, width * 72 / drawn_width, height * 72 / drawn_height)
        if best is None or printed > best[0]:
            best = (printed, graph)
        if printed >= MIN_POINTS:
            break
    printed, graph = best
    graph.graph_attr["size"] = f"{width:g},{height:g}"
    notes = [] if printed >= MIN_POINTS else [
        f"the diagram fits {size} only with its smallest type at {printed:.1f} pt, even with titles and "
        "numbers alone; --depth N or --focus TITLE draws less of it"]
    return graph, notes


def page(size: str) -> tuple[float, float]:
    """The drawable width and height, in inches, that a ``--size`` names: ``a4`` (portrait,
    less half-inch margins), ``slide`` (16:9, 13.33 x 7.5 in, less the same), or ``WxH`` in
    inches or with a unit (``7x5``, ``7x5in``, ``18x12cm``, ``180x120mm``). ValueError else."""
    if size.lower() in SIZES:
        return SIZES[size.lower()]
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(in|cm|mm)?\s*", size, re.I)
    if not match or not float(match[1]) or not float(match[2]):
        raise ValueError(f"--size {size!r}: give a4, slide, or a width and height such as 7x5 (inches), 7x5in, "
                         "18x12cm or 180x120mm")
    per_inch = {"in": 1.0, "cm": 2.54, "mm": 25.4}[(match[3] or "in").lower()]
    return float(match[1]) / per_inch, float(match[2]) / per_inch


def _measure(svg: bytes) -> tuple[float, float, float]:
    """A laid-out diagram's width and height and its smallest type, in points (unscaled)."""
    text = svg.decode("utf-8")
    width, height = (float(v) for v in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', text).groups())
    return width, height, min(map(float, re.findall(r'font-size="([\d.]+)"', text)), default=MIN_POINTS)


def format_of(path: str | Path) -> str:
    """The format an output path's suffix names; ValueError for one argmap does not write."""
    path = Path(path)
    format = path.suffix.lower().lstrip(".")
    if format not in FORMATS:
        raise ValueError(f"{path}: cannot tell the format from the suffix {path.suffix!r}; "
                          "use .svg, .png, .pdf or .dot")
    return format


def layout(graph: graphviz.Digraph, format: str) -> bytes:
    """The graph laid out by the system ``dot`` in ``format``; RenderError when ``dot`` is
    missing or fails."""
    import subprocess

    import graphviz

    try:
        return graph.pipe(format=format, engine="dot", quiet=True)
    except graphviz.ExecutableNotFound:
        raise RenderError(f"drawing .{format} needs Graphviz's `dot` program, which is not installed: "
                          f"{INSTALL_GRAPHVIZ}") from None
    except subprocess.CalledProcessError as error:
        message = (error.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"Graphviz's `dot` failed: {message[0] if message else error}") from None
    except BrokenPipeError:  # not a broken standard output: say so, instead of exiting in silence
        raise RenderError("Graphviz's `dot` stopped reading the diagram before its end (it rejected it)") from None
