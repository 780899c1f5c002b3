"""Stage: one self-contained HTML page a reviewer can check claim by claim.

A table of contents and the bottom line come first, then the diagram (inline SVG, fitted to
the page or at full size), then each argument as a card that folds (``<details>``): its
premises with their credences, reasons, sources, quotes and evidence status; each inference
with its reason and its arithmetic as a table; the conclusion; what it bears on; and the
diagnostics of ``argmap check`` beside the claims they concern. The thesis and the arguments
that move it most are open, the rest folded. Everything is in the page (CSS inline, no script,
no fetch; a Content-Security-Policy forbids both), and every piece of map text is escaped.

Each statement has one home in the page (its thesis card, the argument that concludes it,
the first argument that uses it as a premise, or the list of other statements), anchored
``s-N``; each argument's card is ``a-N`` (N counts statements and arguments in the map's
order). Everything else links there.
"""
from __future__ import annotations

import bisect
import math
import posixpath
import re
from html import escape
from typing import TYPE_CHECKING, Iterable

from argmap.model import ArgumentMap, Diagnostic, RangeType, Role, StatementOccurrence
from argmap.render import RenderError, claim_and_quote, clean, credence_colour, diagram, layout
from argmap.semantics import fmt

if TYPE_CHECKING:
    from argmap.evidence import EvidenceReport, Observation
    from argmap.propagate import Contribution, CredenceResult

__all__ = ["report"]

Node = tuple

_KIND_WORDS = {"support": "supports", "entails": "entails", "attack": "attacks", "contrary": "is contrary to",
               "contradictory": "contradicts", "undercut": "undercuts", "conclusion": "concludes",
               "premise": "is a premise of"}
_SAFE_URL = re.compile(r"(?i)(https?:|mailto:|[^:/?#]*(?:[/?#]|$))")  # http(s), mail, or relative
_RELATIVE = re.compile(r"[^:/?#]+(?:[/?#]|$)")  # a path below the map's folder: no scheme, not absolute
_CLAUSE_NAME = re.compile(r"([A-Za-z][\w()]*) +(?:= +)?(.*)", re.S)  # "support 0.9983 (...)", "h(E) = ..."
OPEN_CARDS = 3  # per thesis, the cards of the arguments that move it most are open


def report(model: ArgumentMap, result: CredenceResult, diagnostics: list[Diagnostic] | None = None,
           map_folder: str = "", evidence: EvidenceReport | None = None) -> str:
    """The page for a map, its credences and its diagnostics (by default ``check_map``'s).
    ``map_folder`` is the map's folder as seen from the page's, so that the map's relative
    links (saved papers, say) still lead there. With ``evidence``, each observation's quote
    carries its status as a badge, with the diff where there is one.

    Without Graphviz's ``dot`` the page says where the diagram would be and how to get it.
    """
    from argmap.check import check_map

    page = _Page(model, result, check_map(model) if diagnostics is None else diagnostics, map_folder)
    page.observations = {o.at: o for o in evidence.observations} if evidence else {}
    return page.html()


class _Page:
    def __init__(self, model: ArgumentMap, result: CredenceResult, diagnostics: list[Diagnostic],
                 map_folder: str) -> None:
        self.model = model
        self.map_folder = map_folder
        self.result = result
        self.diagnostics = diagnostics
        self.statement_ids = {title: f"s-{i}" for i, title in enumerate(model.statements)}
        self.argument_ids = {title: f"a-{i}" for i, title in enumerate(model.arguments)}
        self.into: dict[Node, list[Contribution]] = {}
        self.out_of: dict[Node, list[Contribution]] = {}
        for item in result.contributions:
            self.into.setdefault(tuple(item.target), []).append(item)
            self.out_of.setdefault(tuple(item.source), []).append(item)
        for items in (*self.into.values(), *self.out_of.values()):
            items.sort(key=lambda c: -abs(c.value))
        self.concluded_by: dict[str, list[str]] = {}
        for title, argument in model.arguments.items():
            if argument.pcs:
                self.concluded_by.setdefault(argument.pcs[-1].title, []).append(title)
        self.homes = self._homes()
        self.placed, self.listed = self._place()
        self.observations: dict[int, Observation] = {}  # by where the observation starts in the map
        self.opened = self._opened()

    def _opened(self) -> set[str]:
        """The arguments whose cards start open: for each thesis, those behind the
        ``OPEN_CARDS`` contributions to it that are largest in size."""
        opened: set[str] = set()
        for thesis in self.result.theses:
            for item in self.into.get(("statement", thesis), [])[:OPEN_CARDS]:
                kind, title = tuple(item.source)[:2]
                opened.update([title] if kind == "argument" else self.concluded_by.get(title, []))
        return opened

    # -- where things go

    def _homes(self) -> dict[str, tuple]:
        """Each statement's one place: ("thesis",), ("member", argument, index) or ("other",)."""
        homes: dict[str, tuple] = {title: ("thesis",) for title in self.result.theses}
        for title, argument in self.model.arguments.items():
            if argument.pcs:
                homes.setdefault(argument.pcs[-1].title, ("member", title, len(argument.pcs) - 1))
        for title, argument in self.model.arguments.items():
            for index, member in enumerate(argument.pcs):
                homes.setdefault(member.title, ("member", title, index))
        for title in self.model.statements:
            homes.setdefault(title, ("other",))
        return homes

    def _place(self) -> tuple[dict[tuple, list[Diagnostic]], list[tuple[Diagnostic, tuple | None]]]:
        """Each diagnostic beside the claim written where it points: the PCS member whose lines
        hold it, else the argument or top-level statement whose block (up to the next one)
        holds it. Also every diagnostic in file order with where it went (None: front matter,
        headings), for the list at the end."""
        starts: list[tuple[int, tuple | None]] = []
        for title, statement in self.model.statements.items():
            for member in statement.members:
                if member.role is Role.TOP_LEVEL and member.span.column == 1:
                    starts.append((member.span.line, ("statement", title)))
        for title, argument in self.model.arguments.items():
            for description in argument.members:
                if description.span.column == 1:
                    starts.append((description.span.line, ("argument", title)))
            if argument.span is not None:
                starts.append((argument.span.line, ("argument", title)))
        starts += [(section.span.line, None) for section in self.model.sections]
        starts.sort(key=lambda item: item[0])
        lines = [line for line, _ in starts]
        placed: dict[tuple, list[Diagnostic]] = {}
        listed = []
        for diagnostic in sorted(self.diagnostics, key=lambda d: (d.line, d.column)):
            at = bisect.bisect_right(lines, diagnostic.line) - 1
            owner = starts[at][1] if at >= 0 else None
            if owner is None:
                listed.append((diagnostic, None))
                continue
            key = ("card", owner)
            if owner[0] == "argument":
                for index, member in enumerate(self.model.arguments[owner[1]].pcs):
                    end = member.data_span.end_line if member.data_span else member.span.end_line
                    if member.span.line <= diagnostic.line <= end:
                        key = ("member", owner[1], index)
                        break
            elif self.homes[owner[1]] != ("thesis",) and self.homes[owner[1]] != ("other",):
                key = ("member", *self.homes[owner[1]][1:])
            placed.setdefault(key, []).append(diagnostic)
            listed.append((diagnostic, owner))
        return placed, listed

    # -- the page

    def html(self) -> str:
        model = self.model
        title = str(model.front_matter.get("title") or model.path or "Argument map")
        counts = (f"{len(model.statements)} statements, {len(model.arguments)} arguments, "
                  f"{len(model.relations)} relations; credences by {self.result.semantics}")
        errors = sum(d.severity.value == "error" for d in self.diagnostics)
        others = len(self.diagnostics) - errors
        summary = f"{errors} error{'s' * (errors != 1)}, {others} warning{'s' * (others != 1)}"
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
            f"<title>{_text(title)}</title>", f"<style>{_CSS}</style></head><body>",
            f'<header><h1>{_text(title)}</h1><p class="meta">{_text(model.path or "")} · {counts} · '
            f'<a href="#diagnostics">{summary}</a></p>', self._contents(), '</header>',
            '<main>', self._bottom_line(), self._diagram(), self._arguments(), self._others(), self._diagnostics_list(),
            '</main><footer>Written by argmap. Each number shows the arithmetic that gives it; '
            '<code>argmap explain</code> follows it down to the stated numbers.</footer></body></html>']
        return "\n".join(parts) + "\n"

    def _bottom_line(self) -> str:
        parts = ['<section id="bottom-line"><h2>Bottom line</h2>']
        if not self.result.theses:
            parts.append("<p>No thesis: every statement bears on another. Name one with <code>thesis: Title</code> "
                         "in the front matter.</p>")
        for thesis in self.result.theses:
            record = self.result.statements[thesis]
            statement = self.model.statements[thesis]
            parts.append(f'<details class="card thesis" id="{self.statement_ids[thesis]}" open>'
                         f'<summary><h3>{_badge(record.credence)} [{_text(thesis)}]</h3></summary>'
                         f'<p>{self._claim(statement.canonical)}</p>'
                         f'{_arithmetic(record.formula, "credence")}')
            inputs = self.into.get(("statement", thesis), [])
            if inputs:
                parts.append('<table class="contributions"><thead><tr><th>contribution</th><th>strength</th>'
                             '<th>from</th></tr></thead><tbody>')
                for item in inputs:
                    parts.append(f'<tr><td class="number {_sign(item.value)}">{_signed(item.value)}</td>'
                                 f'<td>{_badge(self._value(item.source))}</td><td>{self._source(item)}</td></tr>')
                parts.append("</tbody></table>")
            parts += [self._diagnostics(self.placed.get(("card", ("statement", thesis)), [])), "</details>"]
        parts.append("</section>")
        return "\n".join(parts)

    def _diagram(self) -> str:
        links = {("statement", t): f"#{i}" for t, i in self.statement_ids.items()}
        links |= {("argument", t): f"#{i}" for t, i in self.argument_ids.items()}
        try:
            svg = layout(diagram(self.model, self.result, links=links, diagnostics=self.diagnostics), "svg").decode("utf-8")
        except RenderError as error:
            figure = f'<p class="missing">The diagram is missing: {_text(str(error))}.</p>'
        else:
            figure = svg[svg.index("<svg"):]  # without the XML declaration and doctype
        return ('<section id="diagram"><h2>Diagram</h2><p class="hint">Click a box to go to its card; '
                'hover for the full text. <a href="#diagram-full">Full size</a> · '
                '<a href="#diagram">Fit to the page</a></p>'
                f'<div class="figure" id="diagram-full">{figure}</div></section>')

    def _arguments(self) -> str:
        parts = ['<section id="arguments"><h2>Arguments</h2>']
        for title, argument in self.model.arguments.items():
            record = self.result.arguments[title]
            parts.append(f'<details class="card" id="{self.argument_ids[title]}"{" open" * (title in self.opened)}>'
                         f'<summary><h3>{_badge(record.strength)} &lt;{_text(title)}&gt;</h3>{self._tally(title)}'
                         f'</summary>{self._where(argument.section)}')
            if argument.text:
                parts.append(f'<p class="description">{_text(argument.text)}</p>')
            if argument.pcs:
                parts.append(self._pcs(title))
            if not record.steps or record.formula != record.steps[-1].formula:  # no PCS, or the strength moved
                parts.append(_arithmetic(record.formula, "strength"))
            parts.append(self._relations(("argument", title)))
            parts += [self._diagnostics(self.placed.get(("card", ("argument", title)), [])), "</details>"]
        if not self.model.arguments:
            parts.append("<p>The map has no arguments.</p>")
        parts.append("</section>")
        return "\n".join(parts)

    def _pcs(self, title: str) -> str:
        argument = self.model.arguments[title]
        record = self.result.arguments[title]
        steps = iter(record.steps)
        parts = ['<ol class="pcs">']
        for index, member in enumerate(argument.pcs):
            statement = self.result.statements[member.title]
            here = self.homes[member.title] == ("member", title, index)
            anchor = f' id="{self.statement_ids[member.title]}"' if here else ""
            if member.role is not Role.PREMISE:
                parts.append(self._inference(member, next(steps, None)))
            role = {Role.PREMISE: "premise", Role.MAIN_CONCLUSION: "conclusion"}.get(member.role, "intermediary")
            name = f"[{_text(member.title)}]" if here else self._link(("statement", member.title))
            parts.append(f'<li class="{role}" value="{member.number or index + 1}"{anchor}>'
                         f'{_badge(statement.credence)} <b>{name}</b> '
                         f'{self._claim(self._occurrence(member))}{_arithmetic(statement.formula, "credence")}')
            reason = self.model.statements[member.title].data.get("reason") if member.role is Role.PREMISE else None
            if reason:
                parts.append(f'<p class="reason">reason: {_text(str(reason))}</p>')
            if member.role is Role.MAIN_CONCLUSION:
                parts.append(self._relations(("statement", member.title)))
            parts += [self._diagnostics(self.placed.get(("member", title, index), [])), "</li>"]
        parts.append("</ol>")
        return "\n".join(parts)

    def _inference(self, conclusion: StatementOccurrence, step) -> str:
        """The line above a conclusion: the inference, its reason, and the step's arithmetic."""
        data = conclusion.data or (conclusion.inference.data if conclusion.inference else {})
        reason = data.get("reason")
        words = f'<span class="reason">{_text(str(reason))}</span>' if reason else ""
        if step is None:
            return f'<li class="inference">inference {words}</li>'
        factors = [(f"[{_text(title)}]", value) for title, value in step.premises]
        factors.append(("inference" + " (assumed)" * ("(assumed)" in step.formula), step.inference))
        factors = [(name, value) for name, value in factors if value is not None]  # None: left out (vargdown)
        rows = "".join(f'<tr><td class="op">{"×" if index else ""}</td><td class="number">{fmt(value)}</td>'
                       f'<td>{name}</td></tr>' for index, (name, value) in enumerate(factors))
        if step.strength is not None:
            rows += (f'<tr class="result"><td class="op">=</td><td class="number">'
                     f'{fmt(math.prod(value for _, value in factors))}</td><td>strength of the step</td></tr>')
        moved = _arithmetic(step.formula, "strength") if step.formula.startswith("base ") else ""  # undercut
        inference = fmt(step.inference) if step.inference is not None else "(none)"
        return (f'<li class="inference"><span class="rule">inference {inference}</span> {words}'
                f'<table class="arithmetic"><tbody>{rows}</tbody></table>{moved}</li>')

    def _claim(self, occurrence: StatementOccurrence | None) -> str:
        """A statement's text: the claim, its tags, its sources as links and its quote."""
        if occurrence is None:
            return "<i>no text of its own</i>"
        claim, quote = claim_and_quote(occurrence)
        parts = [_text(claim)]
        parts += [f'<span class="tag">#{_text(tag)}</span>' for tag in occurrence.tags]
        text = occurrence.text or ""
        links = [_link_to(text[r.start:r.stop + 1], r.url, self.map_folder) for r in occurrence.ranges
                 if r.type is RangeType.LINK and r.url]
        if links:
            parts.append(f'<span class="sources">sources: {" · ".join(links)}</span>')
        if quote:
            parts.append(f"<blockquote>{_text(quote)}</blockquote>")
        if occurrence.span.start in self.observations:
            parts.append(_evidence(self.observations[occurrence.span.start]))
        return " ".join(parts)

    def _relations(self, node: Node, incoming: bool = False) -> str:
        """The relations from a statement or argument (with ``incoming``, to it), each with the
        change it makes in its target."""
        items = [c for c in (self.into if incoming else self.out_of).get(node, [])
                 if c.kind not in ("conclusion", "premise")]
        rows = "".join(f'<li><span class="number {_sign(c.value)}">{_signed(c.value)}</span> '
                       + (f'from {self._link(tuple(c.source))} ({_KIND_WORDS.get(c.kind, c.kind)})' if incoming
                          else f'{_KIND_WORDS.get(c.kind, c.kind)} {self._link(tuple(c.target))}') + "</li>"
                       for c in items)
        return f'<ul class="bears-on">{rows}</ul>' if rows else ""

    def _others(self) -> str:
        others = [t for t, home in self.homes.items() if home == ("other",)]
        parts = ['<section id="statements"><h2>Other statements</h2>']
        if not others:
            parts.append("<p>Every statement is a thesis or part of an argument.</p>")
        for title in others:
            record = self.result.statements[title]
            statement = self.model.statements[title]
            node = ("statement", title)
            parts.append(f'<details class="card small" id="{self.statement_ids[title]}"><summary><h3>'
                         f'{_badge(record.credence)} [{_text(title)}]</h3></summary>{self._where(statement.section)}'
                         f'<p>{self._claim(statement.canonical)}</p>{_arithmetic(record.formula, "credence")}'
                         f'{self._relations(node, incoming=True)}{self._relations(node)}'
                         f'{self._diagnostics(self.placed.get(("card", node), []))}</details>')
        parts.append("</section>")
        return "\n".join(parts)

    def _diagnostics_list(self) -> str:
        """Every diagnostic in file order, each linking to the claim it is shown beside."""
        rows = []
        for diagnostic, owner in self.listed:
            beside = f" (beside {self._link(owner)})" if owner is not None else ""
            rows.append(f'{self._diagnostic(diagnostic)}{beside}</li>')
        intro = f"{len(rows)} in all, in file order." if rows else "argmap check finds nothing to say."
        body = f'<ul class="diagnostics">{"".join(rows)}</ul>' if rows else ""
        return f'<section id="diagnostics"><h2>Diagnostics</h2><p>{intro}</p>{body}</section>'

    def _diagnostics(self, items: Iterable[Diagnostic]) -> str:
        rows = "".join(f"{self._diagnostic(d)}</li>" for d in items)
        return f'<ul class="diagnostics">{rows}</ul>' if rows else ""

    def _diagnostic(self, diagnostic: Diagnostic) -> str:
        """An open ``<li>`` with ``file:line:col: severity: message`` (in the file it is in, for a
        map of several files)."""
        path, shown = self.model.sources.localize(diagnostic) if self.model.sources else (self.model.path, diagnostic)
        return (f'<li class="{diagnostic.severity.value}"><code>{_text(path or "")}:{shown.line}:'
                f'{shown.column}</code> {diagnostic.severity.value}: {_text(diagnostic.message)}')

    def _contents(self) -> str:
        """Links to each section and to every card in it."""
        def cards(entries: list[tuple[str, float, str]]) -> str:
            rows = "".join(f'<li><a href="#{anchor}">{_badge(value)} {name}</a></li>' for anchor, value, name in entries)
            return f'<ol class="cards">{rows}</ol>' if rows else ""

        theses = [(self.statement_ids[t], self.result.statements[t].credence, f"[{_text(t)}]") for t in self.result.theses]
        arguments = [(self.argument_ids[t], self.result.arguments[t].strength, f"&lt;{_text(t)}&gt;")
                     for t in self.model.arguments]
        others = [(self.statement_ids[t], self.result.statements[t].credence, f"[{_text(t)}]")
                  for t, home in self.homes.items() if home == ("other",)]
        return (f'<nav id="contents"><h2>Contents</h2><ol>'
                f'<li><a href="#bottom-line">Bottom line</a>{cards(theses)}</li><li><a href="#diagram">Diagram</a></li>'
                f'<li><a href="#arguments">Arguments</a>{cards(arguments)}</li>'
                f'<li><a href="#statements">Other statements</a>{cards(others)}</li>'
                f'<li><a href="#diagnostics">Diagnostics</a></li></ol></nav>')

    def _occurrence(self, member: StatementOccurrence) -> StatementOccurrence | None:
        """The text a PCS member shows: its own, else its statement's."""
        return member if member.text else self.model.statements[member.title].canonical

    def _tally(self, title: str) -> str:
        """What a folded argument card says about its insides: its observations' evidence
        statuses and its diagnostics, counted."""
        counts: dict[str, int] = {}
        pcs = self.model.arguments[title].pcs
        for member in pcs:
            occurrence = self._occurrence(member)
            if occurrence is not None and occurrence.span.start in self.observations:
                status = self.observations[occurrence.span.start].status.value
                counts[status] = counts.get(status, 0) + 1
        keys = [("card", ("argument", title))] + [("member", title, index) for index in range(len(pcs))]
        for diagnostic in (d for key in keys for d in self.placed.get(key, [])):
            counts[diagnostic.severity.value] = counts.get(diagnostic.severity.value, 0) + 1
        chips = " ".join(f'<span class="tally {kind}">{count} {kind}{"s" * (count != 1 and kind in _COUNTED)}</span>'
                         for kind, count in counts.items())
        return f' <span class="tallies">{chips}</span>' if chips else ""

    # -- small pieces

    def _where(self, section: str | None) -> str:
        titles = {s.id: s.title for s in self.model.sections}
        return f'<p class="where">{_text(titles[section])}</p>' if section in titles else ""

    def _value(self, node: Node) -> float:
        kind, title = node[:2]
        if kind == "step":  # a step to an intermediary conclusion
            return self.result.arguments[title].steps[node[2]].strength or 0.0
        return self.result.statements[title].credence if kind == "statement" else self.result.arguments[title].strength

    def _link(self, node: Node) -> str:
        kind, title = node[:2]  # a step links to its argument
        if kind == "statement":
            return f'<a href="#{self.statement_ids[title]}">[{_text(title)}]</a>'
        return f'<a href="#{self.argument_ids[title]}">&lt;{_text(title)}&gt;</a>'

    def _source(self, item: Contribution) -> str:
        """``<Argument> through [Its Conclusion] (entails)``, or the statement or argument alone."""
        words = _KIND_WORDS.get(item.kind, item.kind)
        source = tuple(item.source)
        arguments = self.concluded_by.get(source[1], []) if source[0] == "statement" else []
        via = ", ".join(self._link(("argument", a)) for a in arguments)
        return f"{via} through {self._link(source)} ({words})" if via else f"{self._link(source)} ({words})"


def _text(value: str) -> str:
    return escape(clean(value), quote=True)


def _split(text: str, marks: str) -> list[str]:
    """``text`` cut at each mark followed by a space, outside parentheses."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and char in marks and text[index + 1:index + 2] == " ":
            parts.append(text[start:index])
            start = index + 2
    return parts + [text[start:]]


def _arithmetic(formula: str, name: str) -> str:
    """A credence's arithmetic: as it is when it is one thing (``stated 0.8``, ``from <A>:
    0.24``); moved by relations (``base ...; support ..., attack ...: result``), as a table
    with a row for the base, one for each term (its name, then its numbers) and the result."""
    base, *moved = _split(formula, ";")
    if not moved:
        return f'<p class="arithmetic">{name}: {_text(formula)}</p>'
    clauses = [base.removeprefix("base "), *_split("; ".join(moved), ",:")]
    rows = []
    for index, clause in enumerate(clauses):
        last = index == len(clauses) - 1
        named = _CLAUSE_NAME.fullmatch(clause) if 0 < index and not last else None
        head = named[1] if named else "base" if index == 0 else name if last else ""
        rows.append(f'<tr class="{"result" if last else "clause"}"><th>{_text(head)}</th>'
                    f'<td>{_text(named[2] if named else clause)}</td></tr>')
    return f'<table class="arithmetic"><tbody>{"".join(rows)}</tbody></table>'


def _link_to(label: str, url: str, map_folder: str) -> str:
    """A link to one of the map's own URLs, a relative one through ``map_folder``; a URL with
    another scheme (``javascript:``, ...) as text."""
    url = url.strip()
    if not _SAFE_URL.match(url):
        return f'{_text(label)} (<code>{_text(url)}</code>)'
    if _RELATIVE.match(url):
        url = posixpath.join(map_folder, url)
    return f'<a href="{_text(url)}" rel="noreferrer">{_text(label)}</a>'


def _badge(value: float) -> str:
    return f'<span class="badge" style="background:{credence_colour(value)}">{value:.2f}</span>'


def _evidence(observation: Observation) -> str:
    """The quote's status as a badge (what was normalised on hover), where it is, and the
    word-level diff of an altered or reordered quote."""
    status = observation.status.value
    title = f' title="normalised: {_text("; ".join(observation.normalised))}"' if observation.normalised else ""
    where = observation.found_lines or observation.closest_lines
    lines = where and (f"L{where[0]}" if where[0] == where[1] else f"L{where[0]}-L{where[1]}")
    place = f"{observation.found_in or observation.evidence or ''} {lines}" if where else ""
    changes = "".join(f"<li>{_text(c.order)}</li>" if c.order else
                      f"<li>{f'<del>{_text(c.file)}</del>' if c.file else ''} "
                      f"{f'<ins>{_text(c.quote)}</ins>' if c.quote else ''}</li>" for c in observation.changes)
    return (f'<span class="evidence {status}"{title}>{status}</span> <span class="where">{_text(place)}</span>'
            + (f'<ul class="changes">{changes}</ul>' if changes else ""))


_COUNTED = {"error", "warning"}  # tally words that take a plural


def _signed(value: float) -> str:
    return "+0" if not value else f"{value:+.4f}".rstrip("0").rstrip(".")


def _sign(value: float) -> str:
    return "up" if value > 0 else "down" if value < 0 else ""


_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1d1d1f;margin:0;background:#fafafa}
header,main,footer{max-width:70rem;margin:0 auto;padding:0 1.2rem}
header{padding-top:1rem}h1{font-size:1.5rem;margin:.4rem 0}h2{margin:2rem 0 .6rem;border-bottom:1px solid #ddd}
h3{font-size:1.05rem;margin:0 0 .4rem}.meta,.where,.hint{color:#666;font-size:.9rem;margin:.2rem 0}
a{color:#1a5fb4}#contents h2{font-size:1.1rem;margin:1rem 0 .3rem}#contents>ol{margin:0;padding-left:1.4rem}
#contents ol.cards{columns:3 17rem;list-style:none;padding-left:0;margin:.2rem 0 .5rem;font-size:.85rem}
#contents ol.cards li{break-inside:avoid;margin:.1rem 0}#contents .badge{min-width:2.4em;font-size:.8rem}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.8rem 1rem;margin:0 0 1rem}
summary{cursor:pointer}summary h3{display:inline;margin:0}details[open]>summary{margin-bottom:.5rem}
.tally{display:inline-block;font-size:.8rem;border-radius:4px;padding:0 .35em;margin-left:.3rem;background:#eee}
.tally.verified{background:#d4f0d9}.tally.outside-cited-lines,.tally.moved,.tally.warning{background:#fbe7b5}
.tally.altered,.tally.reordered,.tally.not-found,.tally.missing-file,.tally.unreadable,.tally.refused,
.tally.error{background:#f8d0d0}
.card:target,li:target{outline:3px solid #f5c211}
.badge{display:inline-block;min-width:2.6em;text-align:center;border:1px solid #0003;border-radius:4px;
font-weight:600;font-variant-numeric:tabular-nums;padding:0 .25em;color:#000}
.pcs{padding-left:2rem}.pcs li{margin:.5rem 0}.pcs li.inference{list-style:none;margin-left:-1.2rem;
border-top:2px solid #555;padding-top:.3rem;color:#333}.rule{font-weight:600}
.pcs li.conclusion{font-weight:normal}.arithmetic{font-size:.9rem;font-variant-numeric:tabular-nums;color:#444;margin:.2rem 0}
table.arithmetic{border-collapse:collapse;margin:.3rem 0}table.arithmetic th,table.arithmetic td{padding:.1rem .5rem;
text-align:left;vertical-align:top;border-bottom:1px solid #eee;font-weight:normal}table.arithmetic th{color:#666}
table.arithmetic td.number{text-align:right}table.arithmetic .op{color:#888;padding-right:0}
table.arithmetic tr.result td{font-weight:600;border-top:1px solid #999}
.reason{color:#444;font-style:italic;margin:.2rem 0}.tag{color:#666;font-size:.85rem;margin-left:.3rem}
.sources{display:block;font-size:.9rem}blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.6rem;border-left:3px solid #ccc;
color:#444;font-size:.9rem}
table.contributions{border-collapse:collapse;margin:.5rem 0}table.contributions td,table.contributions th{padding:.15rem .6rem;
text-align:left;border-bottom:1px solid #eee}.number{font-variant-numeric:tabular-nums;white-space:nowrap}
.up{color:#1b7f3b}.down{color:#c62828}ul.bears-on{list-style:none;padding-left:0;margin:.3rem 0}
ul.diagnostics{margin:.4rem 0;padding-left:1.2rem;font-size:.9rem}ul.diagnostics li.error{color:#a00}
ul.diagnostics li.warning{color:#8a5a00}.figure{overflow:auto;background:#fff;border:1px solid #ddd;border-radius:8px}
.figure svg{max-width:100%;height:auto}#diagram-full:target{max-height:92vh;width:calc(100vw - 2rem);margin-left:calc(50% - 50vw + 1rem);box-sizing:border-box}
#diagram-full:target svg{max-width:none}
.evidence{display:inline-block;border-radius:4px;padding:0 .35em;font-size:.85rem;font-weight:600;background:#eee}
.evidence.verified{background:#d4f0d9}.evidence.outside-cited-lines,.evidence.moved{background:#fbe7b5}
.evidence.altered,.evidence.reordered,.evidence.not-found,.evidence.missing-file,.evidence.unreadable,
.evidence.refused{background:#f8d0d0}
ul.changes{margin:.2rem 0;font-size:.9rem}del{background:#f8d0d0}ins{background:#d4f0d9;text-decoration:none}
.missing{padding:1rem;color:#a00}footer{color:#888;font-size:.85rem;padding:2rem 1.2rem}
@media print{.figure{overflow:visible}details::details-content{display:block;content-visibility:visible}}
"""
