"""Properties of the default semantics on random vargdown-style maps (hypothesis).

Each map has a thesis [T], premises [P0]... with credences (some left out), and arguments
<A0>... whose conclusions [C0]... support or attack the thesis, an earlier conclusion, or
undercut an earlier argument. Pointing only backwards keeps a map acyclic; ``cyclic=True``
lets a conclusion point anywhere. The properties are checked by adding one more argument,
with a premise of its own, at the end of the text.
"""
from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import argmap
from argmap.explanation import cruxes, explain
from argmap.propagate import credence
from randommaps import document

EXAMPLES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
numbers = st.integers(0, 100).map(lambda x: x / 100)


@st.composite
def maps(draw, cyclic: bool = False) -> str:
    premises = draw(st.lists(st.one_of(st.none(), numbers), min_size=1, max_size=5))
    lines = ["===", "model:", "    mode: strict", "===", "", "[T]: the thesis", ""]
    for i, value in enumerate(premises):
        data = f" {{reason: r, credence: {value}}}" if value is not None else ""
        lines += [f"[P{i}]: premise {i}{data}", ""]
    count = draw(st.integers(1, 5))
    for i in range(count):
        used = draw(st.lists(st.integers(0, len(premises) - 1), min_size=1, max_size=3, unique=True))
        lines += [f"<A{i}>", ""] + [f"({n}) [P{p}]" for n, p in enumerate(used, 1)]
        lines += ["----", f"({len(used) + 1}) [C{i}]: conclusion {i} {{reason: r, inference: {draw(numbers)}}}"]
        earlier = range(count) if cyclic else range(i)
        for _ in range(draw(st.integers(1, 2))):
            symbol = draw(st.sampled_from(["+>", "->", "_>"] if earlier else ["+>", "->"]))
            if symbol == "_>":
                lines.append(f"  _> <A{draw(st.sampled_from(earlier))}>")
            else:
                target = draw(st.sampled_from(["T", *(f"C{j}" for j in earlier)]))
                lines.append(f"  {symbol} [{target}]")
        lines.append("")
    return "\n".join(lines)


def with_argument(text: str, target: str, symbol: str, premise: float, inference: float) -> str:
    return text + (f"\n<New>\n\n(1) [New Premise]: fresh {{reason: r, credence: {premise}}}\n----\n"
                   f"(2) [New Conclusion]: new {{reason: r, inference: {inference}}}\n  {symbol} [{target}]\n")



@EXAMPLES
@given(maps(cyclic=True), st.sampled_from(["df-quad", "quadratic-energy"]))
def test_every_credence_stays_in_0_1(text, semantics):
    result = credence(argmap.loads(text), semantics)
    assert all(0.0 <= s.credence <= 1.0 and 0.0 <= s.base <= 1.0 for s in result.statements.values())
    assert all(0.0 <= a.strength <= 1.0 for a in result.arguments.values())


@settings(EXAMPLES, max_examples=200)
@given(maps(), st.data(), st.sampled_from(["+>", "->"]), numbers, numbers)
def test_a_supporter_never_lowers_its_target_and_an_attacker_never_raises_it(text, data, symbol, premise, inference):
    before = credence(argmap.loads(text))
    target = data.draw(st.sampled_from(sorted(before.statements)))
    after = credence(argmap.loads(with_argument(text, target, symbol, premise, inference)))
    change = after.statements[target].credence - before.statements[target].credence
    assert change >= -1e-12 if symbol == "+>" else change <= 1e-12


@EXAMPLES
@given(maps(cyclic=True), st.data(), st.sampled_from(["+>", "->"]), numbers)
def test_an_argument_of_strength_0_changes_nothing(text, data, symbol, premise):
    before = credence(argmap.loads(text))
    target = data.draw(st.sampled_from(sorted(before.statements)))
    after = credence(argmap.loads(with_argument(text, target, symbol, premise, 0)))
    assert after.arguments["New"].strength == 0.0
    for title, statement in before.statements.items():
        assert after.statements[title].credence == statement.credence, title
    for title, argument in before.arguments.items():
        assert after.arguments[title].strength == argument.strength, title


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["df-quad", "quadratic-energy", "vargdown"]))
def test_any_argdown_gets_credences_explanations_and_cruxes(seed, semantics):
    """Random documents using the whole syntax (odd data included) never make the engine raise."""
    model = argmap.loads(document(random.Random(seed)))
    result = credence(model, semantics)
    assert all(0.0 <= s.credence <= 1.0 for s in result.statements.values())
    for title in list(result.statements)[:3]:
        assert explain(model, f"[{title}]", semantics).text()
    cruxes(model, semantics)
