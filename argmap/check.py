"""Stage: checks. The parser's and builder's diagnostics, the vargdown conventions for
numbers, and how diagnostics are shown.

The vargdown rules (each a diagnostic at the place it concerns): credence and inference are
numbers in [0, 1]; every number has a ``{reason}``, written before it; conclusions get
``{inference}``, premises ``{credence}``; a thesis's credence is computed, not stated; an
``#observation`` has a source link and a ``>`` quote; no top-level statement stands alone; no
statement entails itself through others. And what vargdown misses: a relation to a textless
statement that shares its title with an argument (almost certainly meant as the argument), a
premise whose credence is stated nowhere, a step without an inference, conflicting credences,
and, under ``--semantics vargdown``, supporters that lower a thesis and attackers that raise it.
"""
from __future__ import annotations

from typing import Iterator

from argmap.model import ArgumentMap, Diagnostic, RangeType, RelationType, Role, Severity, Span
from argmap.semantics import fmt

__all__ = ["check_map", "format_diagnostic"]

def check_map(model: ArgumentMap, semantics: str | None = None) -> list[Diagnostic]:
    """Every diagnostic for a map, in document order. With ``semantics="vargdown"``, also a
    warning for each relation whose sign vargdown's rule turns around."""
    from argmap.propagate import Network

    network = Network(model)
    found = [*model.diagnostics, *_reasons(model), *_role_rules(model, network), *_observations(model),
             *_structure(model, network), *network.diagnostics]
    if semantics == "vargdown":
        found += _sign_flips(model)
    return sorted(found, key=lambda d: (d.line, d.column))


def _diagnostic(span: Span | None, code: str, message: str, subject: str | None = None) -> Diagnostic:
    line, column = (span.line, span.column) if span is not None else (1, 1)
    return Diagnostic(severity=Severity.WARNING, code=code, message=message, line=line, column=column, subject=subject,
                      span=span)


def _reasons(model: ArgumentMap) -> Iterator[Diagnostic]:
    """Each number with a reason, written before it."""
    from argmap.propagate import data_blocks

    for owner, data, where in data_blocks(model):
        stated = [key for key in ("credence", "inference") if key in data]
        if not stated:
            continue
        keys = list(data)
        if not data.get("reason"):
            yield _diagnostic(where, "reason", f"{owner}: {{{stated[0]}}} without a {{reason}}: say why, "
                              f"before the number ({{reason: \"...\", {stated[0]}: {data[stated[0]]}}})")
        elif keys.index("reason") > keys.index(stated[0]):
            yield _diagnostic(where, "reason-order", f"{owner}: {{reason}} is written after {{{stated[0]}}}; "
                              "write the reason first, then the number")


def _role_rules(model: ArgumentMap, network) -> Iterator[Diagnostic]:
    """Premises get credences, conclusions inferences, theses neither; one credence a statement."""
    from argmap.propagate import number

    for title, argument in model.arguments.items():
        for member in argument.pcs:
            if member.role is Role.PREMISE and "inference" in member.data:
                yield _diagnostic(member.data_span, "premise-inference", f"[{member.title}] is a premise of "
                                  f"<{title}>: only conclusions get {{inference}}; argmap ignores it", title)
    for title, statement in model.statements.items():
        holders = [m for m in statement.members if "credence" in m.data]
        if not holders:
            continue
        chosen = number(statement.data, "credence")
        if chosen is None:  # the last written is not a number (an error already): argmap states none
            last = holders[-1].data_span
            for member in holders[:-1]:
                if number(member.data, "credence") is not None:
                    yield _diagnostic(member.data_span, "conflicting-credence",
                                      f"[{title}] has {{credence: {fmt(number(member.data, 'credence'))}}} here, "
                                      f"but the last written, at line {last.line if last else '?'}, is not a number "
                                      "from 0 to 1: argmap goes by the last written, so it ignores this one too",
                                      title)
            continue
        holders = [m for m in holders if number(m.data, "credence") is not None]
        node = network.nodes[("statement", title)]
        if node.concluded_by:
            argument = node.concluded_by[0][1]
            yield _diagnostic(holders[-1].data_span, "conclusion-credence",
                              f"[{title}] is a conclusion of <{argument}> but has {{credence: {fmt(chosen)}}}: a "
                              "conclusion gets {inference} and its credence is computed; argmap uses the stated "
                              f"{fmt(chosen)} and not what <{argument}> gives it", title)
        elif title in network.theses:
            yield _diagnostic(holders[-1].data_span, "thesis-credence",
                              f"[{title}] is a thesis but has {{credence: {fmt(chosen)}}}: a thesis's credence should "
                              "be computed from what bears on it; argmap starts from the stated "
                              f"{fmt(chosen)}", title)
        for member in holders[:-1]:
            if number(member.data, "credence") != chosen:
                last = holders[-1].data_span
                yield _diagnostic(member.data_span, "conflicting-credence",
                                  f"[{title}] has {{credence: {fmt(number(member.data, 'credence'))}}} here and "
                                  f"{fmt(chosen)} at line {last.line if last else '?'}; argmap uses the last written, "
                                  f"{fmt(chosen)}", title)


def _observations(model: ArgumentMap) -> Iterator[Diagnostic]:
    """An #observation names its source with a link and quotes it with `>`."""
    from argmap.render import claim_and_quote

    for title, statement in model.statements.items():
        for member in statement.members:
            if member.is_reference or "observation" not in member.tags or not member.text:
                continue
            missing = []
            if not any(r.type is RangeType.LINK and r.url for r in member.ranges):
                missing.append("a source link ([Author Year](url))")
            if not claim_and_quote(member)[1]:  # the quote `argmap evidence` and the diagrams read
                missing.append("a `>` quote from the source")
            if missing:
                yield _diagnostic(member.span, "observation", f"[{title}] is an #observation without "
                                  + " and without ".join(missing), title)


def _structure(model: ArgumentMap, network) -> Iterator[Diagnostic]:
    """Isolated top-level statements, entailment cycles, relations to a textless namesake of
    an argument."""
    import networkx as nx

    for title, statement in model.statements.items():
        if statement.is_used_as_top_level and network.graph.degree(("statement", title)) == 0:
            top = next(m for m in statement.members if m.role is Role.TOP_LEVEL)
            yield _diagnostic(top.span, "isolated", f"[{title}] is a top-level statement that nothing supports or "
                              "attacks and that bears on nothing", title)
    entails = nx.DiGraph()
    spans = {}
    for relation in model.relations:
        if relation.type is RelationType.ENTAILS and relation.source_kind == relation.target_kind == "statement":
            entails.add_edge(relation.source, relation.target)
            spans.setdefault((relation.source, relation.target), relation.spans[0])
    position = {title: i for i, title in enumerate(model.statements)}
    for component in nx.strongly_connected_components(entails):
        first = min(component, key=position.__getitem__)
        if len(component) > 1 or entails.has_edge(first, first):
            cycle = nx.find_cycle(entails.subgraph(component), first)
            path = " → ".join(f"[{source}]" for source, _ in cycle) + f" → [{cycle[0][0]}]"
            yield _diagnostic(spans[cycle[0]], "entailment-cycle", f"entailment cycle: {path}: each of these "
                              "statements is taken to follow from itself", first)
    for relation in model.relations:
        for kind, title in ((relation.source_kind, relation.source), (relation.target_kind, relation.target)):
            if kind == "statement" and title in model.arguments and model.statements[title].text is None:
                yield _diagnostic(relation.spans[0], "argument-title", f"[{title}] has no text of its own and "
                                  f"shares its title with the argument <{title}>: did you mean <{title}>?", title)


def _sign_flips(model: ArgumentMap) -> Iterator[Diagnostic]:
    """Under vargdown's log-odds rule a supporter below 0.5 lowers its target and an attacker
    below 0.5 raises it."""
    from argmap.propagate import credence

    result = credence(model, "vargdown")
    relations = {((r.source_kind, r.source), (r.target_kind, r.target), r.type.value): r for r in model.relations}
    for item in result.contributions:
        relation = relations.get((item.source, item.target, item.kind))
        if relation is None or item.target[0] != "statement" or item.target[1] not in result.theses:
            continue
        supports = item.kind in ("support", "entails")
        if (item.value < 0) if supports else (item.value > 0):
            source = result.statements.get(item.source[1]) if item.source[0] == "statement" else None
            shown = f" ({fmt(source.credence)})" if source is not None else ""
            argument = next((a.title for a in result.arguments.values() if a.conclusion == item.source[1]), None)
            via = f", the conclusion of <{argument}>," if argument else ""
            yield _diagnostic(relation.spans[0], "vargdown-sign",
                              f"under vargdown's rule [{item.source[1]}]{shown}{via} "
                              f"{'supports' if supports else 'attacks'} [{item.target[1]}] but "
                              f"{'lowers' if supports else 'raises'} its log-odds by {fmt(abs(item.value))}: they "
                              f"{'add' if supports else 'subtract'} logit(c), which is negative below 0.5",
                              item.source[1])


def format_diagnostic(diagnostic: Diagnostic, path: str, lines: list[str]) -> str:
    """`file:line:col: severity: message`, then the source line and a caret under the column."""
    head = f"{path}:{diagnostic.line}:{diagnostic.column}: {diagnostic.severity.value}: {diagnostic.message}"
    if not 0 < diagnostic.line <= len(lines):
        return head
    source = lines[diagnostic.line - 1].replace("\t", " ")
    if len(source) > 160:
        start = max(0, diagnostic.column - 80)
        source, column = source[start:start + 160], diagnostic.column - start
    else:
        column = diagnostic.column
    return f"{head}\n    {source}\n    {' ' * max(column - 1, 0)}^"
