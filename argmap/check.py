"""Stage: checks. The parser's and builder's diagnostics, the vargdown conventions for
numbers, and how diagnostics are shown.

The vargdown rules (each a diagnostic at the place it concerns): credence and inference are
numbers in [0, 1]; every number has a ``{reason}``, written before it; conclusions get
``{inference}``, premises ``{credence}``; a thesis's credence is computed, not stated; an
``#observation`` has a source link and a ``>`` quote; no top-level statement stands alone; no
statement entails itself through others. And what vargdown misses: a reference or mention of
a title that nothing defines (most often a typo of a defined title, which it names, with the
fix), a textless premise or conclusion misspelt, a claim that supports or attacks itself or
both supports and attacks another, a credence on an argument that has premises (not read), a
premise whose credence is stated nowhere, a step without an inference, conflicting credences,
and, under ``--semantics vargdown``,
supporters that lower a thesis and attackers that raise it.
"""
from __future__ import annotations

from typing import Iterator

from argmap.model import (ArgumentMap, Diagnostic, Fix, Range, RangeType, Related, Relation, RelationType, Role, Severity,
                          Span, StatementOccurrence)
from argmap.semantics import DEFAULT, fmt

__all__ = ["bracketed", "check_map", "format_diagnostic", "in_order", "numeric_checks", "self_relations",
           "structural_checks"]

_COMPUTED = frozenset(("not-converged", "no-unique-limit", "vargdown-order"))  # what only computing finds


def check_map(model: ArgumentMap, semantics: str | None = None, result=None, network=None) -> list[Diagnostic]:
    """Every diagnostic for a map, in document order: with the warnings that computing its
    credences under ``semantics`` (df-quad by default) gives (a cycle that does not settle or
    has no unique limit), from ``result`` when the caller has it, and the map's
    :class:`~argmap.propagate.Network` likewise. With ``semantics="vargdown"``, also a warning
    for each relation whose sign vargdown's rule turns around."""
    from argmap.propagate import Network, credence

    network = network if network is not None else Network(model)
    if result is None:  # only its warnings are read (and, under vargdown, its contributions)
        result = credence(model, semantics or DEFAULT, network=network, records=False)
    return in_order(structural_checks(model, network), numeric_checks(model, semantics, network, result))


def structural_checks(model: ArgumentMap, network) -> list[tuple[int, Diagnostic]]:
    """What a change in the value of a stated number cannot change (the language server keeps
    them through such an edit), each with the rank of its check (see :func:`in_order`)."""
    survey = _Survey(model)
    pieces = {0: model.diagnostics, 3: survey.observations, 4: _structure(model, network),
              5: _undefined_titles(model, survey), 6: _textless_members(model, survey),
              7: _opposite_relations(model), 8: _argument_credences(model)}
    return [(rank, d) for rank, piece in pieces.items() for d in piece]


class _Survey:
    """What the structural checks read of every occurrence, found in one walk over them (on
    a large map a walk over the occurrences costs more than what a check does with them):
    the statements with a text, those in a premise-conclusion structure, each statement or
    argument mentioned (with the range of the mention), and the warnings about #observations."""

    def __init__(self, model: ArgumentMap) -> None:
        self.texted: dict[str, None] = {}  # in the map's order
        self.argued: dict[str, None] = {}  # in the map's order
        self.mentions: list[tuple[str, Range]] = []
        self.observations: list[Diagnostic] = []
        for title, statement in model.statements.items():
            for member in statement.members:
                fields = member.__dict__  # read once: a model's attribute is slow to read, and a map has many
                if fields["text"] and not fields["is_reference"]:
                    self.texted[title] = None
                    if "observation" in fields["tags"]:
                        self._observation(title, member)
                if fields["argument"]:
                    self.argued[title] = None
                if fields["ranges"]:
                    self._mentions(fields["ranges"])
        for argument in model.arguments.values():
            for description in argument.members:
                if ranges := description.__dict__["ranges"]:
                    self._mentions(ranges)

    def _mentions(self, ranges: list[Range]) -> None:
        for rng in ranges:
            kind = _MENTIONS.get(rng.type)
            if kind and rng.span:
                self.mentions.append((kind, rng))

    def _observation(self, title: str, member: StatementOccurrence) -> None:
        """An #observation names its source with a link and quotes it with `>`."""
        from argmap.render import claim_and_quote

        missing = []
        if not any(r.type is _LINK and r.url for r in member.ranges):
            missing.append("a source link ([Author Year](url))")
        if not claim_and_quote(member)[1]:  # the quote `argmap evidence` and the diagrams read
            missing.append("a `>` quote from the source")
        if missing:
            self.observations.append(_diagnostic(member.span, "observation", f"[{title}] is an #observation without "
                                                 + " and without ".join(missing), title))


def numeric_checks(model: ArgumentMap, semantics: str | None, network, result) -> list[tuple[int, Diagnostic]]:
    """The checks that read the values of stated numbers and credences (see :func:`structural_checks`)."""
    pieces = {1: _reasons(model), 2: _role_rules(model, network), 9: network.diagnostics,
              10: (d for d in result.diagnostics if d.code in _COMPUTED),
              11: _sign_flips(model, result) if semantics == "vargdown" else ()}
    return [(rank, d) for rank, piece in pieces.items() for d in piece]


def in_order(*ranked: list[tuple[int, Diagnostic]]) -> list[Diagnostic]:
    """Diagnostics in document order; at one place, in the order of the checks."""
    found = [pair for pairs in ranked for pair in pairs]
    found.sort(key=lambda pair: (pair[1].line, pair[1].column, pair[0]))
    return [d for _, d in found]


def _diagnostic(span: Span | None, code: str, message: str, subject: str | None = None) -> Diagnostic:
    line, column = (span.line, span.column) if span is not None else (1, 1)
    return Diagnostic(severity=Severity.WARNING, code=code, message=message, line=line, column=column, subject=subject,
                      span=span)


def _reasons(model: ArgumentMap) -> Iterator[Diagnostic]:
    """Each number with a reason, written before it."""
    from argmap.propagate import data_blocks

    for owner, data, where in data_blocks(model):
        stated = "credence" if "credence" in data else "inference" if "inference" in data else None
        if stated is None:
            continue
        if not data.get("reason"):
            yield _diagnostic(where, "reason", f"{owner}: {{{stated}}} without a {{reason}}: say why, "
                              f"before the number ({{reason: \"...\", {stated}: {data[stated]}}})")
        else:
            keys = list(data)
            if keys.index("reason") > keys.index(stated):
                yield _diagnostic(where, "reason-order", f"{owner}: {{reason}} is written after {{{stated}}}; "
                                  "write the reason first, then the number")


def _role_rules(model: ArgumentMap, network) -> Iterator[Diagnostic]:
    """Premises get credences, conclusions inferences, theses neither; one credence a statement."""
    from argmap.propagate import number

    for title, argument in model.arguments.items():
        for member in argument.pcs:
            if "inference" in member.data and member.role is Role.PREMISE:
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
        if len(holders) > 1:  # one holder (most statements): it holds the number chosen
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


def _structure(model: ArgumentMap, network) -> Iterator[Diagnostic]:
    """Isolated top-level statements, entailment cycles, claims that bear on themselves."""
    from argmap.propagate import dependency_order

    for title, statement in model.statements.items():
        if statement.is_used_as_top_level and not network.successors[key := ("statement", title)] \
                and not network.sources(key):
            top = next(m for m in statement.members if m.role is Role.TOP_LEVEL)
            yield _diagnostic(top.span, "isolated", f"[{title}] is a top-level statement that nothing supports or "
                              "attacks and that bears on nothing", title)
    entails: dict[str, dict[str, None]] = {}  # statement -> the statements it entails
    spans = {}
    cyclic = any(is_cycle for _, is_cycle in network.components)  # an entailment cycle is one of the network's
    for relation in model.relations if cyclic else ():
        if relation.type is RelationType.ENTAILS and relation.source_kind == relation.target_kind == "statement":
            entails.setdefault(relation.source, {})[relation.target] = None
            entails.setdefault(relation.target, {})
            spans.setdefault((relation.source, relation.target), relation.spans[0])
    position = {title: i for i, title in enumerate(model.statements)}
    for component in dependency_order(entails):
        first = min(component, key=position.__getitem__)
        if len(component) > 1 or first in entails[first]:
            import networkx as nx  # only for a cycle, which is rare: its path as networkx walks it

            cycle = nx.find_cycle(nx.DiGraph(list(spans)).subgraph(component), first)
            path = " → ".join(f"[{source}]" for source, _ in cycle) + f" → [{cycle[0][0]}]"
            yield _diagnostic(spans[cycle[0]], "entailment-cycle", f"entailment cycle: {path}: each of these "
                              "statements is taken to follow from itself", first)
    for relation, claim, via in self_relations(model):
        verb = {RelationType.SUPPORT: "supports", RelationType.UNDERCUT: "undercuts"}.get(relation.type, "attacks")
        through = f" through <{via}>, which concludes it" if via else ""
        for span in relation.spans:
            yield _diagnostic(span, "self-relation", f"[{claim}] {verb} itself{through}: a claim is no "
                              "reason for or against itself; relate another claim, or remove this line", claim)


def self_relations(model: ArgumentMap) -> Iterator[tuple[Relation, str, str | None]]:
    """Each relation by which a claim bears on itself, directly or through an argument that
    concludes it: the relation, the claim, and that argument (None when direct). Entailment is
    left to the cycle check."""
    def claim(kind: str, title: str, index: int | None = None) -> tuple[tuple[str, str], str | None]:
        """The node an element stands for (an argument, for its conclusion), and that argument."""
        argument = model.arguments.get(title) if kind != "statement" else None
        if argument is None or not argument.pcs:
            return (kind, title), None
        step = argument.pcs[index] if index is not None and 0 <= index < len(argument.pcs) else argument.pcs[-1]
        return ("statement", step.title), title

    for relation in model.relations:
        if relation.type is RelationType.ENTAILS:
            continue
        source, via_source = claim(relation.source_kind, relation.source)
        target, via_target = claim(relation.target_kind, relation.target, relation.conclusion_index)
        if source == target and source[0] == "statement":
            yield relation, source[1], via_source or via_target


def _defined(model: ArgumentMap, survey: _Survey) -> tuple[set[str], set[str]]:
    """The statements and arguments that something defines: a text, data, or a place in a
    premise-conclusion structure. Any other is only a title, read as an empty claim."""
    statements = {title for title, statement in model.statements.items()
                  if statement.data or title in survey.argued or title in survey.texted}
    arguments = {title for title, argument in model.arguments.items()
                 if argument.text or argument.data or argument.pcs}
    return statements, arguments


def _undefined_titles(model: ArgumentMap, survey: _Survey) -> Iterator[Diagnostic]:
    """A reference or mention of a title nothing defines is most often a typo: a warning at
    each place, with the defined title it is probably meant as (and a fix); else, once, a note
    that it counts as an empty claim."""
    from argmap.build import TitleIndex

    statements, arguments = _defined(model, survey)
    defined = {"statement": statements, "argument": arguments}
    places = []  # (kind, title, where the title is, where the brackets start, is a mention)
    for kind, elements in (("statement", model.statements), ("argument", model.arguments)):
        for title, element in elements.items():
            if title not in defined[kind]:
                places += [(kind, title, m.title_span, m.title_span.start - 1, False) for m in element.members
                           if m.title_span]
    for mentioned, rng in survey.mentions:
        if rng.title not in defined[mentioned]:
            start = rng.span.start + 2  # past `@[`
            title_span = Span(rng.span.line, rng.span.column + 2, rng.span.line,
                              rng.span.column + 1 + len(rng.title), start, start + len(rng.title))
            places.append((mentioned, rng.title, title_span, start - 1, True))
    if not places:
        return
    choices = {bracketed(kind, t): t for kind in ("statement", "argument") for t in defined[kind]}
    index, noted = TitleIndex(choices), set()
    for kind, title, where, bracket, is_mention in sorted(places, key=lambda p: p[2].start):
        written = bracketed(kind, title)
        close = index.closest(title, prefer=written[0])
        empty = "" if is_mention else f"an empty {'claim' if kind == 'statement' else 'argument'} worth 0.5"
        if close is not None:
            same_kind = close[0] == written[0]  # the same brackets: only the title changes
            fix = (where.start, where.end, choices[close]) if same_kind else (bracket, where.end + 1, close)
            yield Diagnostic(severity=Severity.WARNING, code="undefined-title", line=where.line, column=where.column,
                             subject=title, span=where, fixes=(Fix(f"Replace with {close}", *fix),),
                             message=(f"@{written} mentions a title that nothing defines" if is_mention else
                                      f"{written} is defined nowhere (no text, data or premise-conclusion structure)")
                                     + f": did you mean {close}?" + (f" As written it counts as {empty}" if empty else ""))
        elif (kind, title) not in noted:
            noted.add((kind, title))
            yield Diagnostic(severity=Severity.INFO, code="undefined-title", line=where.line, column=where.column,
                             subject=title, span=where,
                             message=f"{written} is only a title: nothing gives it a text, data or a "
                                     f"premise-conclusion structure, so it counts as {empty}" if empty else
                                     f"@{written} mentions a title that nothing defines")


def _textless_members(model: ArgumentMap, survey: _Survey) -> Iterator[Diagnostic]:
    """A premise or conclusion that has no text anywhere and whose title is a typo away from
    a statement with a text is most often that statement misspelt: as written it is another
    claim (a premise worth 0.5, or a conclusion that bears on nothing)."""
    from argmap.build import TitleIndex

    textless = [(title, written) for title in survey.argued
                if title not in model.arguments and title not in survey.texted
                and (written := [m for m in model.statements[title].members if m.argument and m.title_span])]
    if not textless:  # the common case: no index of titles to build
        return
    texted = {f"[{title}]": title for title in survey.texted}
    index = TitleIndex(texted)
    for title, written in textless:
        close = index.closest(title)
        for member in written if close else ():
            where = member.title_span
            yield Diagnostic(severity=Severity.WARNING, code="undefined-title", line=where.line,
                             column=where.column, subject=title, span=where,
                             fixes=(Fix(f"Replace with {close}", where.start, where.end, texted[close]),),
                             message=f"[{title}] in <{member.argument}> has no text anywhere: did you mean "
                                     f"{close}? As written it is another claim than {close}")


def _opposite_relations(model: ArgumentMap) -> Iterator[Diagnostic]:
    """A claim written as both supporting and attacking the same target: most often one sign
    is a slip, and the two relations cancel out."""
    supports = {(r.source_kind, r.source, r.target_kind, r.target): r for r in model.relations
                if r.type in (RelationType.SUPPORT, RelationType.ENTAILS)}  # entails: a support in strict mode
    for relation in model.relations:
        other = supports.get((relation.source_kind, relation.source, relation.target_kind, relation.target))
        if relation.type not in (RelationType.ATTACK, RelationType.CONTRARY) or other is None:
            continue
        first, second = sorted((other.spans[0], relation.spans[0]), key=lambda span: span.start)
        source, target = bracketed(relation.source_kind, relation.source), bracketed(relation.target_kind, relation.target)
        yield Diagnostic(severity=Severity.WARNING, code="opposite-relations", line=second.line,
                         column=second.column, subject=relation.source, span=second,
                         related=(Related(f"{source} {'supports' if first is other.spans[0] else 'attacks'} "
                                          f"{target} here", first),),
                         message=f"{source} both supports {target} (line {other.spans[0].line}) and attacks it "
                                 f"(line {relation.spans[0].line}): one of the two is probably a slip")


def _argument_credences(model: ArgumentMap) -> Iterator[Diagnostic]:
    """A credence on an argument with a premise-conclusion structure is not read: its strength
    comes from its premises and inference."""
    for title, argument in model.arguments.items():
        for member in argument.members if argument.pcs else ():
            if "credence" in member.data:
                yield _diagnostic(member.data_span, "argument-credence",
                                  f"<{title}> has a premise-conclusion structure, so {{credence}} on it is ignored: "
                                  "its strength comes from its premises' credences and its {inference}; "
                                  "state those instead", title)


_MENTIONS = {RangeType.STATEMENT_MENTION: "statement", RangeType.ARGUMENT_MENTION: "argument"}
_LINK = RangeType.LINK  # looked up once: a member of an enumeration is slow to look up


def bracketed(kind: str, title: str) -> str:
    """A statement or argument as Argdown writes it: `[Title]` or `<Title>`."""
    return f"[{title}]" if kind == "statement" else f"<{title}>"



def _sign_flips(model: ArgumentMap, result) -> Iterator[Diagnostic]:
    """Under vargdown's log-odds rule (``result`` is its) a supporter below 0.5 lowers its
    target and an attacker below 0.5 raises it."""
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


def brief(diagnostics: list[Diagnostic], path: str, full: frozenset[str] = frozenset(),
          pointer: bool = True) -> tuple[list[Diagnostic], str]:
    """What commands other than `check` show of a map's diagnostics, so that warnings are not
    repeated by every command: the errors, notes and warnings whose code is in ``full``, and one
    line counting the other warnings that points to `argmap check` where ``pointer`` (a map
    read from a git revision is no file `check` could read) ('' when there are none)."""
    shown = [d for d in diagnostics if d.severity is not Severity.WARNING or d.code in full]
    counted = sum(d.severity is Severity.WARNING and d.code not in full for d in diagnostics)
    if not counted:
        return shown, ""
    other = "other " if any(d.severity is Severity.WARNING for d in shown) else ""
    return shown, f"{path}: {plural(counted, other + 'warning')}" + (f"; see `argmap check {path}`" if pointer else "")


def plural(count: int, noun: str) -> str:
    """``1 warning``, ``3 warnings``."""
    return f"{count} {noun}{'s' * (count != 1)}"
