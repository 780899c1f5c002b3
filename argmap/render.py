"""Stage: the argument map as a Graphviz diagram, coloured by credence.

:func:`diagram` builds the DOT source with the ``graphviz`` package (no Graphviz binary
needed, and linear in the map's size); :func:`render` writes it in the format the output's
suffix names, laying it out with the system ``dot`` for .svg, .png and .pdf.

What is drawn (``docs/render.md`` shows it): every statement with its title, a short text and
its credence, every argument as a rounded box with its strength, each filled on a perceptually
even red-to-green scale; a stated credence has a plain border, a computed one a double border,
an assumed one (a prior) a dashed border. Premises that are only premises appear with
``premises=True``. Edges: support and entails green, attack and contrary red, undercut dashed
purple, premise and conclusion links grey, each as wide as the contribution the credence
engine records for it. Headings become clusters.

Map text reaches DOT only through :func:`html` and :func:`tooltip`, which escape it for
Graphviz and for the SVG it writes; node and cluster names are generated, never titles.
"""
from __future__ import annotations

import math
import re
from collections import deque
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from argmap.model import ArgumentMap, RangeType, Role, StatementOccurrence

if TYPE_CHECKING:
    import graphviz

    from argmap.propagate import CredenceResult

__all__ = ["DIRECTIONS", "FORMATS", "RenderError", "claim_and_quote", "clean", "credence_colour", "diagram",
           "format_of", "layout", "render", "short_text"]

FORMATS = ("dot", "svg", "png", "pdf")
DIRECTIONS = ("LR", "BT", "TB")
INSTALL_GRAPHVIZ = ("install Graphviz ('sudo apt-get install graphviz' on Debian or Ubuntu, 'brew install graphviz' "
                    "on macOS, or from https://graphviz.org/download/), or write .dot, which needs no Graphviz")

Node = tuple  # ("statement", title) | ("argument", title), as in the claim graph

FONT = "Helvetica"
GREEN, RED, PURPLE = "#1b7f3b", "#c62828", "#7b3fa0"
EDGE_STYLES = {  # kind -> attributes beyond the defaults (a normal arrowhead, a solid line)
    "support": {"color": GREEN},
    "entails": {"color": GREEN},
    "attack": {"color": RED, "arrowhead": "tee"},
    "contrary": {"color": RED, "arrowhead": "dot"},
    "contradictory": {"color": RED, "arrowhead": "dot", "arrowtail": "dot", "dir": "both"},
    "undercut": {"color": PURPLE, "arrowhead": "tee", "style": "dashed"},
    "conclusion": {"color": "#555555"},
    "premise": {"color": "#999999", "arrowsize": "0.5"},
}
BORDERS = {"stated": {}, "computed": {"peripheries": "2"}, "prior": {"style": "filled,dashed"}}  # by origin
TEXT_WIDTH = 34  # characters a line of a node's text
TEXT_LIMIT = 110  # characters of a statement's text shown in its node
# Characters of map text in one label or tooltip: Graphviz rejects a string longer than 16,384
# bytes, and escaping may make the text several times longer.
STRING_LIMIT = 2000


class RenderError(Exception):
    """A diagram that cannot be written as asked; the message is one line for users."""


# --- what to draw -------------------------------------------------------------------------------

def diagram(model: ArgumentMap, result: CredenceResult, *, premises: bool = False, depth: int | None = None,
            focus: str | None = None, direction: str = "LR", links: dict[Node, str] | None = None) -> graphviz.Digraph:
    """The map as a Graphviz graph (its ``.source`` is the DOT text, the same for the same map).

    ``premises`` also draws statements that are only premises; ``focus`` (``[Statement]``,
    ``<Argument>`` or a bare title) draws that claim and what lies within ``depth`` edges of
    it (default 1), and ``depth`` alone what lies within that many edges of a thesis, in
    either direction. ``links`` gives nodes a link target (the report's anchors). ValueError
    for an unknown focus, a negative depth, a depth without a thesis or an unknown direction.
    """
    import graphviz

    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}; choose {', '.join(DIRECTIONS)}")
    if depth is not None and depth < 0:
        raise ValueError(f"--depth {depth}: give a number of steps, 0 or more")
    edges = _edges(model)
    shown = {node for node in _nodes(model) if premises or not _only_premise(model, node)}
    if focus is not None:
        start = [_find(model, focus)]
        shown.add(start[0])
        depth = 1 if depth is None else depth
    else:
        start = [("statement", title) for title in result.theses]
        if depth is not None and not start:
            raise ValueError("--depth counts from the thesis, and the map has none; give --focus TITLE too")
    if depth is not None:
        shown = _within(start, depth, shown, edges)
    ids = {node: f"{'s' if node[0] == 'statement' else 'a'}{i}" for i, node in enumerate(_nodes(model))}
    contributions = _contributions(result)

    graph = graphviz.Digraph("argmap", graph_attr={
        "rankdir": direction, "newrank": "true", "nodesep": "0.25", "ranksep": "1.0", "splines": "polyline",
        "fontname": FONT,
        "labelloc": "b", "labeljust": "l", "label": _legend(), "bgcolor": "white", "tooltip": " "})
    graph.attr("node", fontname=FONT, fontsize="11", shape="box", style="filled", margin="0.08,0.05")
    graph.attr("edge", fontname=FONT, fontsize="9", arrowsize="0.7")
    theses = set(result.theses)
    sections = {section.id for section in model.sections}
    members: dict[str | None, list[Node]] = {}
    for node in ids:
        if node in shown:
            section = _element(model, node).section
            members.setdefault(section if section in sections else None, []).append(node)
    children: dict[str | None, list] = {}
    for section in model.sections:
        children.setdefault(section.parent, []).append(section)

    def fill(target: graphviz.Digraph, section: str | None) -> None:
        for node in members.get(section, ()):
            attributes = _statement_node(model, result, node[1], node[1] in theses) if node[0] == "statement" \
                else _argument_node(model, result, node[1])
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
    for (source, target, kind) in edges:
        if source in shown and target in shown:
            graph.edge(ids[source], ids[target], **_edge(kind, source, target, contributions))
    return graph


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


def _find(model: ArgumentMap, name: str) -> Node:
    """The node a focus names: ``[Statement]``, ``<Argument>`` or a bare title (a statement first)."""
    from argmap.propagate import did_you_mean

    bracket = name[:1] + name[-1:]
    title = name[1:-1] if bracket in ("[]", "<>") else name
    if bracket != "<>" and title in model.statements:
        return ("statement", title)
    if bracket != "[]" and title in model.arguments:
        return ("argument", title)
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


# --- how it looks -------------------------------------------------------------------------------

def _statement_node(model: ArgumentMap, result: CredenceResult, title: str, thesis: bool) -> dict[str, str]:
    statement = model.statements[title]
    record = result.statements[title]
    claim = claim_and_quote(statement.canonical)[0]
    label = _label(title, record.credence, short_text(claim, 400 if thesis else TEXT_LIMIT) if claim else None,
                   14 if thesis else 11, 32 if thesis else TEXT_WIDTH)
    reason = statement.data.get("reason")
    details = [statement.text or "(no text)", "",
               f"credence {record.credence:.4g} ({record.origin.value}): {record.formula}"]
    if reason:
        details.append(f"reason: {reason}")
    return {"label": label, "fillcolor": credence_colour(record.credence), **BORDERS[record.origin.value],
            **({"penwidth": "2"} if thesis else {}), "tooltip": tooltip("\n".join(details))}


def _argument_node(model: ArgumentMap, result: CredenceResult, title: str) -> dict[str, str]:
    argument = model.arguments[title]
    record = result.arguments[title]
    label = _label(title, record.strength, short_text(argument.text) if argument.text else "", 11, TEXT_WIDTH)
    details = [argument.text or "", f"strength {record.strength:.4g}: {record.formula}"]
    for step in argument.pcs:
        reason = step.data.get("reason") if step.role is not Role.PREMISE else None
        if reason:
            details.append(f"inference to [{step.title}]: {reason}")
    return {"label": label, "fillcolor": credence_colour(record.strength), "style": "filled,rounded",
            "tooltip": tooltip("\n".join(line for line in details if line))}


def _label(title: str, value: float, text: str | None, size: int, width: int) -> str:
    """A node's label: the title (wrapped) and its number on top, the text beneath, wrapped to
    about the title's width; ``None`` for a statement without text (shown as such)."""
    heading = _wrap(_capped(title, STRING_LIMIT // 8), 30)
    width = max(width, round((max(map(len, heading), default=0) + 5) * 1.3))  # the title is larger and bold
    head = "<BR/>".join(_escape(part) for part in heading) or "&nbsp;"
    rows = [f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{size + 1}"><B>{head}</B></FONT></TD>'
            f'<TD WIDTH="8"></TD><TD ALIGN="RIGHT" VALIGN="TOP"><FONT POINT-SIZE="{size + 1}"><B>{value:.2f}</B>'
            '</FONT></TD></TR>']
    body = '<I>no text of its own</I>' if text is None else "<BR/>".join(_escape(line) for line in _wrap(text, width))
    if body:
        rows.append(f'<TR><TD COLSPAN="3" ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{size - 1}">{body}</FONT>'
                    '</TD></TR>')
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>>'


def _edge(kind: str, source: Node, target: Node, contributions: dict) -> dict[str, str]:
    value = contributions.get((source, target, kind), 0.0)
    words = f"{kind}: {value:+.4f}"
    if kind == "contradictory":  # one edge for both ways
        back = contributions.get((target, source, kind), 0.0)
        words = f"{kind}: {value:+.4f} this way, {back:+.4f} the other"
        value = max(value, back, key=abs)
    return {**EDGE_STYLES.get(kind, {}), "penwidth": f"{pen_width(value):.2f}", "tooltip": tooltip(words)}


def pen_width(contribution: float) -> float:
    """An edge's width from what it accounts for in its target: the square root, so that
    small contributions still differ (0.01 -> 1.2, 0.1 -> 2.1, 1 -> 4.8)."""
    return 0.8 + 4.0 * math.sqrt(min(abs(contribution), 1.0))


def _legend() -> str:
    """The diagram's key, as the graph's label (drawn beneath the diagram, outside the layout)."""
    ramp = "".join(f'<TD BGCOLOR="{credence_colour(v / 10)}" WIDTH="22">'
                   + (f'<FONT POINT-SIZE="9">{v / 10:g}</FONT>' if v % 5 == 0 else "") + "</TD>"
                   for v in range(11))
    edges = "   ".join(f'<FONT COLOR="{EDGE_STYLES[kind]["color"]}">{sign}</FONT> {words}' for kind, sign, words in (
        ("support", "──▶", "supports, entails"), ("attack", "──┤", "attacks"),
        ("contrary", "──●", "contrary (both ends: contradictory)"), ("undercut", "╌╌┤", "undercuts an inference"),
        ("conclusion", "──▶", "concludes"), ("premise", "──▶", "is a premise of")))
    return ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="2" CELLPADDING="1"><TR>'
            '<TD ALIGN="LEFT"><FONT POINT-SIZE="10">credence, strength</FONT></TD>'
            f'<TD><TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="2"><TR>{ramp}</TR></TABLE></TD>'
            '<TD ALIGN="LEFT"><FONT POINT-SIZE="10">   box: statement (single border: stated, double: computed, '
            'dashed: assumed); rounded: argument</FONT></TD></TR>'
            f'<TR><TD></TD><TD COLSPAN="2" ALIGN="LEFT"><FONT POINT-SIZE="10">{edges}; '
            'edge width: the contribution to its target</FONT></TD></TR></TABLE>>')


def credence_colour(value: float) -> str:
    """The fill for a credence: red (0) through a pale yellow (0.5) to green (1).

    The scale runs in OKLab, where equal distances look about equally different: the two ends
    have the same lightness and chroma, and the middle is their average, lightened, so equal
    steps of credence are equal steps of colour on either side of 0.5.
    """
    return _colour(round(min(max(value, 0.0), 1.0), 3))


@lru_cache(maxsize=None)  # at most 1001 values
def _colour(value: float) -> str:
    low, high = _RED, _GREEN
    middle = (0.93, (low[1] + high[1]) / 2, (low[2] + high[2]) / 2)
    start, end, t = (low, middle, value * 2) if value <= 0.5 else (middle, high, value * 2 - 1)
    lab = [a + (b - a) * t for a, b in zip(start, end)]
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in _oklab_to_srgb(*lab))


def _oklch(lightness: float, chroma: float, hue: float) -> tuple[float, float, float]:
    return lightness, chroma * math.cos(math.radians(hue)), chroma * math.sin(math.radians(hue))


_RED, _GREEN = _oklch(0.72, 0.14, 25), _oklch(0.72, 0.14, 145)


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

def render(model: ArgumentMap, result: CredenceResult, path: str | Path, **options) -> None:
    """Draw the map to ``path``, in the format its suffix names (.svg, .png, .pdf or .dot);
    ``options`` are :func:`diagram`'s. ValueError for an unknown suffix (or option), RenderError
    when ``dot`` is needed and missing or fails; the file is replaced in one step."""
    from argmap.files import write_atomically

    format = format_of(path)
    graph = diagram(model, result, **options)
    data = graph.source.encode("utf-8") if format == "dot" else layout(graph, format)
    write_atomically(path, data)


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
