"""Exact compatibility with the vargdown verifier (``verify.mjs`` in wassname's ``vargmark``),
flaws included.

The verifier reads the reference implementation's JSON export; argmap's export gives the same
JSON, and this module reads it the way the verifier does:

1. A statement's credence is the ``credence`` in its equivalence class's data.
2. Each argument's PCS is walked in order. A premise joins the current step only if its own
   PCS data has a ``credence``; a premise that is only a reference is left out. At a
   conclusion with an ``inference`` and at least one premise in the step, the product of
   their credences times the inference, rounded to 4 places, becomes the conclusion's
   credence, and an intermediary conclusion becomes the step's only premise. Any other
   conclusion computes nothing and leaves the step as it was. Of two arguments concluding
   one statement, the last written sets its credence (argmap warns: the order decides).
3. Relations count once per (from, to, type), those of statements first. An undercut on an
   argument counts as contrary to its main conclusion. Every target of a relation from a
   statement with a credence gets a bottom line, one level deep: sigmoid of the sum of
   logit(c) over its entailing sources minus the sum over its contrary ones, each c clamped to
   [0.001, 0.999], starting from 0.5. Other relation types add nothing. What a bottom line
   passes on is the target's own (stated or PCS) credence, never the bottom line itself.

Numbers that are not numbers (text, true/false) are left out here; the verifier would
coerce some of them the way JavaScript does.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from argmap.model import Diagnostic, Severity
from argmap.semantics import fmt, product_shares

if TYPE_CHECKING:
    from argmap.propagate import CredenceResult, Network

CLAMP = (0.001, 0.999)
UNSTATED = 0.5  # what argmap shows for a statement vargdown gives no credence
PREMISE, MAIN, INTERMEDIARY = "premise", "main-conclusion", "intermediary-conclusion"


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def round4(value: float) -> float:
    """JavaScript's ``Math.round(value * 10000) / 10000``: halves round up."""
    scaled = value * 10000
    whole = math.floor(scaled)
    return (whole + 1 if scaled - whole >= 0.5 else whole) / 10000


def logit(credence: float) -> float:
    clamped = max(CLAMP[0], min(CLAMP[1], credence))
    return math.log(clamped / (1 - clamped))


def evaluate(network: "Network", changes: dict, rounded: bool = True) -> "CredenceResult":
    """The verifier's numbers for a map, as a :class:`~argmap.propagate.CredenceResult`;
    ``changes`` (inputs keyed as :class:`~argmap.propagate.Network` keys them) replace the
    numbers where the verifier reads them. ``rounded=False`` skips the rounding of PCS
    credences to 4 places (for derivatives, which the rounding makes 0)."""
    from argmap.export import to_argdown_json
    from argmap.propagate import ArgumentCredence, CredenceResult, Origin, StatementCredence, Step

    model = network.model
    doc = to_argdown_json(model)
    _apply(doc, changes)
    credences = {title: _number(ec.get("data", {}).get("credence")) for title, ec in doc["statements"].items()}
    stated = {title for title, value in credences.items() if value is not None}
    contributions: dict[tuple, float] = {}
    diagnostics: list[Diagnostic] = []
    computed: dict[str, tuple[str, str]] = {}  # conclusion title -> (argument, arithmetic)
    arguments = {}
    for title, argument in doc["arguments"].items():
        steps, strength, formula = _walk(title, argument, credences, computed, contributions, diagnostics, model,
                                         round4 if rounded else float)
        main = next((m["title"] for m in argument.get("pcs", []) if m.get("role") == MAIN), None)
        arguments[title] = ArgumentCredence.model_construct(title=title, conclusion=main, strength=strength,
                                                            formula=formula,
                                                            steps=[Step.model_construct(**step) for step in steps])
    implied = _bottom_lines(doc, model, credences, contributions)
    statements = {}
    for title in model.statements:
        own = credences[title]
        if title in implied:
            value, terms = implied[title]
            credence, origin, base = value, Origin.COMPUTED, UNSTATED if own is None else own
            formula = f"sigmoid({terms}) = {fmt(value)}, one level deep"
        elif title in computed:
            credence, origin, base = own, Origin.COMPUTED, own
            formula = "from <{}>: {}".format(*computed[title])
        elif title in stated:
            credence, origin, base, formula = own, Origin.STATED, own, f"stated {fmt(own)}"
        else:
            credence, origin, base = UNSTATED, Origin.PRIOR, UNSTATED
            formula = "no credence: vargdown passes nothing on"
        statements[title] = StatementCredence.model_construct(title=title, credence=credence, origin=origin, base=base,
                                                              formula=formula)
    return CredenceResult.of("vargdown", network.theses, statements, arguments, contributions, diagnostics)


def _apply(doc: dict, changes: dict) -> None:
    """Put what-if numbers where the verifier reads them (copying, since the export shares
    its data dicts with the model)."""
    for (kind, node), value in changes.items():
        if kind == "credence" and node[0] == "statement":
            statement = doc["statements"][node[1]]
            statement["data"] = {**statement.get("data", {}), "credence": value}
            for argument in doc["arguments"].values():
                for member in argument["pcs"]:
                    if member["title"] == node[1] and "credence" in member.get("data", {}):
                        member["data"] = {**member["data"], "credence": value}
        elif kind == "inference":
            pcs = doc["arguments"][node[1]]["pcs"]
            member = pcs[-1] if node[0] == "argument" else pcs[node[2]]
            member["data"] = {**member.get("data", {}), "inference": value}


def _walk(title: str, argument: dict, credences: dict, computed: dict, contributions: dict,
          diagnostics: list, model, rounding) -> tuple[list[dict], float, str]:
    """One argument's PCS as the verifier walks it: its steps, strength and arithmetic."""
    node = ("argument", title)
    step: list[tuple[str, float | None]] = []  # the premises of the current step, None where left out
    steps, strength, formula = [], 0.0, "not computed: " + (
        "no premise-conclusion structure" if not argument.get("pcs") else "its last step computes nothing")
    for index, member in enumerate(argument.get("pcs", [])):
        data, role = member.get("data", {}), member.get("role")
        if role == PREMISE:
            step.append((member["title"], _number(data.get("credence"))))
            if step[-1][1] is None:
                occurrence = model.arguments[title].pcs[index]
                diagnostics.append(Diagnostic(
                    severity=Severity.INFO, code="vargdown-skip", line=occurrence.span.line,
                    column=occurrence.span.column, subject=title,
                    message=f"vargdown leaves [{member['title']}] out of <{title}>: no {{credence}} in the PCS itself"))
            continue
        if role not in (MAIN, INTERMEDIARY):
            continue
        inference = _number(data.get("inference"))
        used = [c for _, c in step if c is not None]
        value, arithmetic = None, "not computed"
        if used and inference is not None:
            value = rounding(math.prod(used) * inference)
            arithmetic = " × ".join([fmt(c) for c in used] + [f"inference {fmt(inference)}"]) + \
                f" = {fmt(value)} (rounded to 4 places)"
            if member["title"] in computed and computed[member["title"]][0] != title:
                occurrence = model.arguments[title].pcs[index]
                diagnostics.append(Diagnostic(
                    severity=Severity.WARNING, code="vargdown-order", line=occurrence.span.line,
                    column=occurrence.span.column, span=occurrence.span, subject=member["title"],
                    message=f"under vargdown's rule [{member['title']}] takes its credence from the last argument "
                            f"written that concludes it: <{title}> ({fmt(value)}) replaces "
                            f"<{computed[member['title']][0]}> ({fmt(credences[member['title']])}), so the order "
                            "of the text decides"))
            credences[member["title"]] = value
            computed[member["title"]] = (title, arithmetic)
            for (premise, credence), share in zip([p for p in step if p[1] is not None],
                                                  product_shares(used + [inference])):
                edge = (("statement", premise), node, "premise")
                contributions[edge] = contributions.get(edge, 0.0) + share
            if role == MAIN:
                strength, formula = value, arithmetic
            contributions[(node if role == MAIN else ("step", title, len(steps)), ("statement", member["title"]),
                           "conclusion")] = value
        steps.append({"conclusion": member["title"], "premises": list(step), "inference": inference, "strength": value,
                      "formula": arithmetic})
        if value is not None and role == INTERMEDIARY:
            step = [(member["title"], value)]
    for position, step in enumerate(steps):  # a step that computes nothing accounts for nothing
        source = node if position == len(steps) - 1 else ("step", title, position)
        contributions.setdefault((source, ("statement", step["conclusion"]), "conclusion"), 0.0)
    for member in argument.get("pcs", []):
        if member.get("role") == PREMISE:
            contributions.setdefault((("statement", member["title"]), node, "premise"), 0.0)
    return steps, strength, formula


def _bottom_lines(doc: dict, model, credences: dict, contributions: dict) -> dict[str, tuple[float, str]]:
    """Each target's bottom line and its log-odds sum, one level deep; a relation's
    contribution is its term in that sum, so that they add up to the log-odds shown."""
    index = {id(relation): i for i, relation in enumerate(doc["relations"])}
    seen, ordered = set(), []
    for table in (doc["statements"], doc["arguments"]):
        for element in table.values():
            for relation in element.get("relations", []):
                key = (relation["from"], relation["to"], relation["relationType"])
                if key not in seen:
                    seen.add(key)
                    ordered.append(model.relations[index[id(relation)]])
    targets: dict[str, tuple[list, list]] = {}
    for relation in ordered:
        kind, target = relation.type.value, relation.target
        if kind == "undercut" and relation.target in model.arguments and model.arguments[relation.target].pcs:
            kind, target = "contrary", model.arguments[relation.target].pcs[-1].title
        drawn = (("argument" if relation.target_kind == "inference" else relation.target_kind), relation.target)
        edge = ((relation.source_kind, relation.source), drawn, relation.type.value)
        contributions.setdefault(edge, 0.0)
        source = credences.get(relation.source)
        if source is None:
            continue
        entails, contrary = targets.setdefault(target, ([], []))
        if kind == "entails":
            entails.append((edge, source))
        elif kind == "contrary":
            contrary.append((edge, source))
    implied = {}
    for target, (entails, contrary) in targets.items():
        log_odds = 0.0
        for _, credence in entails:
            log_odds += logit(credence)
        for _, credence in contrary:
            log_odds -= logit(credence)
        try:
            value = 1.0 / (1.0 + math.exp(-log_odds))
        except OverflowError:  # JavaScript's Math.exp gives Infinity there, and the bottom line 0
            value = 0.0
        for edge, credence in entails:
            contributions[edge] = logit(credence)
        for edge, credence in contrary:
            contributions[edge] = -logit(credence)
        text = " ".join([f"+ logit({fmt(c)})" for _, c in entails] + [f"- logit({fmt(c)})" for _, c in contrary])
        implied[target] = (value, f"{text.removeprefix('+ ') or '0'} = {fmt(log_odds)}")
    return implied
