"""Credence propagation: the PCS rule, the three semantics, cycles, what-ifs, the record.

Expected numbers are worked out by hand (the arithmetic is in each test's comments) or, for
vargdown, come from the verifier's own output in ../shared/semantics.
"""
from __future__ import annotations

import itertools
import json
import math
import random
import re

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import argmap
from argmap.explanation import bottom_line
from argmap.propagate import Network, Origin, credence, dependency_order
from conftest import SHARED, THESIS, shared

VARGDOWN_MAPS = sorted((SHARED / "semantics" / "vargdown").glob("*.argdown")) or [None]


def small(name: str):
    return argmap.load(shared("semantics", "vargdown", f"vargmark__{name}.argdown"))


@pytest.mark.parametrize("path", VARGDOWN_MAPS, ids=lambda p: p.stem if p else "absent")
def test_vargdown_reproduces_the_verifier_on_every_shared_map(path):
    if path is None:
        shared("semantics", "vargdown", "*.argdown")  # skips, saying the folder is absent
    expected = json.loads(path.with_suffix(".vargdown.json").read_text())
    result = credence(argmap.load(path), "vargdown")
    for title, value in expected["implied"].items():
        assert result.statements[title].credence == pytest.approx(value, abs=1e-9), title
    for title, value in expected["pcs"].items():  # what a conclusion passes on is its base
        assert result.statements[title].base == pytest.approx(value, abs=1e-9), title
        if title not in expected["implied"]:
            assert result.statements[title].credence == pytest.approx(value, abs=1e-9)
    computed = {t for t, s in result.statements.items() if s.origin is Origin.COMPUTED}
    assert computed == set(expected["implied"]) | set(expected["pcs"])


def test_the_thesis_under_vargdown_is_0_9225(thesis):
    # By hand: the 15 conclusions' PCS products (0.88*0.74*0.80*0.85 = 0.4428, ..., each
    # rounded to 4 places); logit summed over the 11 entailing minus the 4 contrary ones is
    # 2.4768; sigmoid(2.4768) = 0.92250 (a separate 10-line script gave 0.9225017).
    result = credence(thesis, "vargdown")
    assert result.theses == ["Natural Manifold"]
    assert round(result.statements["Natural Manifold"].credence, 4) == 0.9225


def test_the_thesis_under_df_quad_follows_the_formula(thesis):
    # Independent of the engine: the strengths of the conclusions from the stated numbers,
    # then DF-QuAD's rule with base 0.5 (the thesis states no credence).
    supporters = [.88 * .74 * .80 * .85, .72 * .72, .82 * .75, .55 * .65, .80 * .70, .82 * .80 * .78,
                  .70 * .72 * .65, .85 * .82 * .80, .72 * .50 * .60, .70 * .72 * .62 * .60, .65 * .55]
    attackers = [.72 * .75 * .45, .72 * .68 * .40, .62 * .55 * .50 * .50, .75 * .60 * .45]
    support = 1 - math.prod(1 - s for s in supporters)  # 0.99826
    attack = 1 - math.prod(1 - a for a in attackers)  # 0.55591
    result = credence(thesis)
    assert result.semantics == "df-quad"
    assert result.statements["Natural Manifold"].credence == pytest.approx(0.5 + 0.5 * (support - attack), abs=1e-12)
    assert round(result.statements["Natural Manifold"].credence, 4) == 0.7212
    assert result.statements["Natural Manifold"].origin is Origin.COMPUTED


def test_each_semantics_by_hand_on_the_undercut_pattern():
    # [Synthetic Data Works] states nothing (base 0.5). Its supporter [Filtered Scaling] is
    # 0.60 * 0.50 = 0.30; its attacker [Naive Degrades] is 0.85 * 0.80 = 0.68.
    model = small("pattern_3_undercut")
    # DF-QuAD: attack 0.68 >= support 0.30, so 0.5 - 0.5 * (0.68 - 0.30) = 0.31.
    assert credence(model).statements["Synthetic Data Works"].credence == pytest.approx(0.31, abs=1e-12)
    # Quadratic energy: E = 0.30 - 0.68 = -0.38; h(0.38) = 0.1444 / 1.1444 = 0.126180;
    # 0.5 - 0.5 * 0.126180 = 0.436910.
    value = credence(model, "quadratic-energy").statements["Synthetic Data Works"].credence
    assert value == pytest.approx(0.5 - 0.5 * 0.1444 / 1.1444, abs=1e-12) and round(value, 6) == 0.43691
    # vargdown: sigmoid(logit(0.30) - logit(0.68)) = (3/7) / (3/7 + 0.68/0.32) = 0.167832.
    assert credence(model, "vargdown").statements["Synthetic Data Works"].credence == pytest.approx(
        (3 / 7) / (3 / 7 + 0.68 / 0.32), abs=1e-12)


def test_multi_step_and_reference_premises():
    # <Recursive Takeoff>: step 1 is 0.85 * 0.50 * 0.40 = 0.17 -> [Rapid Gain]; step 2 is
    # 0.17 * 0.35 * 0.30 = 0.01785; the thesis moves from 0.5 by half of that: 0.508925.
    result = credence(small("pattern_5_multistep"))
    assert result.statements["Rapid Gain"].credence == pytest.approx(0.17, abs=1e-12)
    assert result.arguments["Recursive Takeoff"].strength == pytest.approx(0.01785, abs=1e-12)
    assert [s.conclusion for s in result.arguments["Recursive Takeoff"].steps] == ["Rapid Gain", "Pause Buys Time"]
    assert result.statements["Fast Takeoff"].credence == pytest.approx(0.508925, abs=1e-12)
    # `(1) [Base Rate]` is only a reference: it takes the 0.80 stated elsewhere, so
    # [Default Slow] = 0.80 * 0.85 = 0.68 (vargdown leaves it out and computes nothing); then
    # [Slow Transition] = 0.5 + 0.5 * (1 - 0.2 * 0.32) = 0.968.
    model = small("pattern_10_baserate")
    result = credence(model)
    assert result.statements["Default Slow"].credence == pytest.approx(0.68, abs=1e-12)
    assert result.statements["Slow Transition"].credence == pytest.approx(0.968, abs=1e-12)
    assert result.arguments["Historical Evidence"].strength == pytest.approx(0.68, abs=1e-12)
    assert credence(model, "vargdown").arguments["Historical Evidence"].strength == 0.0
    assert any(d.code == "vargdown-skip" and "[Base Rate]" in d.message
               for d in credence(model, "vargdown").diagnostics)


def test_propagation_reaches_full_depth():
    # [Deep] is stated 0.9 and supports [Middle] (base 0.5): 0.5 + 0.5 * 0.9 = 0.95; [Middle]
    # is the premise of <Arg>: 0.95 * 0.8 = 0.76; its conclusion supports [Top]: 0.88.
    model = argmap.loads("===\nmodel:\n    mode: strict\n===\n\n[Top]: top\n\n[Deep]: deep {reason: r, credence: 0.9}\n"
                         "  +> [Middle]\n\n<Arg>\n\n(1) [Middle]: middle\n----\n(2) [Mid Conclusion]: c\n"
                         "    {reason: r, inference: 0.8}\n  +> [Top]\n")
    result = credence(model)
    assert result.statements["Middle"].credence == pytest.approx(0.95, abs=1e-12)
    assert result.statements["Top"].credence == pytest.approx(0.88, abs=1e-12)
    assert credence(model, "vargdown").statements["Top"].credence == pytest.approx(0.5, abs=1e-12)  # one level


def test_an_argument_written_twice_counts_once():
    # With transformArgumentRelations off the model keeps both `+ <A>` and `+> [T]` from A's
    # conclusion; the thesis must still count A once: 0.5 + 0.5 * 0.4 = 0.7.
    body = ("[T]: thesis\n  + <A>\n\n<A>\n\n(1) [P]: p {reason: r, credence: 0.8}\n----\n(2) [C]: c\n"
            "    {reason: r, inference: 0.5}\n  +> [T]\n")
    twice = argmap.loads("===\nmodel:\n    transformArgumentRelations: false\n===\n\n" + body)
    assert len(twice.relations) == 2
    result = credence(twice)
    assert result.statements["T"].credence == pytest.approx(0.7, abs=1e-12)
    values = {(c.source, c.kind): c.value for c in result.into(("statement", "T"))}
    # each drawn edge carries the one supporter's whole share; the bottom line lists it once
    assert values[(("argument", "A"), "support")] == values[(("statement", "C"), "support")] == pytest.approx(0.2)
    lines = bottom_line(result).splitlines()
    assert "1 for, 0 against" in lines[0] and lines[2:] == ["          +0.2       0.4  <A> through [C] (supports)"]


def test_an_undercut_weakens_the_argument_it_targets():
    # <A> has base strength 0.8 * 0.5 = 0.4; [U] (0.5) undercuts it: 0.4 - 0.4 * 0.5 = 0.2;
    # the thesis: 0.5 + 0.5 * 0.2 = 0.6.
    model = argmap.loads("[T]: thesis\n\n<A>\n\n(1) [P]: p {reason: r, credence: 0.8}\n----\n(2) [C]: c\n"
                         "    {reason: r, inference: 0.5}\n  +> [T]\n\n[U]: u {reason: r, credence: 0.5}\n  _> <A>\n")
    assert [r.type.value for r in model.relations] == ["support", "undercut"]
    result = credence(model)
    assert result.arguments["A"].strength == pytest.approx(0.2, abs=1e-12)
    assert result.statements["T"].credence == pytest.approx(0.6, abs=1e-12)


MUTUAL = "[A]: a {reason: r, credence: 0.7}\n  - [B]\n\n[B]: b {reason: r, credence: 0.3}\n  - [A]\n"
ODD = "".join(f"[{x}]: {x} {{reason: r, credence: 1}}\n  - [{y}]\n\n" for x, y in (("A", "C"), ("B", "A"), ("C", "B")))


def orders(blocks: list[str], semantics: str = "df-quad"):
    """The result for every order of the blocks (argmap reads each block list as one map)."""
    return [credence(argmap.loads("\n".join(order)), semantics) for order in itertools.permutations(blocks)]


def cycle_warnings(result) -> list:
    return [d for d in result.diagnostics if d.code in ("not-converged", "no-unique-limit")]


def test_cycles_settle_at_the_fixed_point():
    # Mutual attack (loose mode keeps both): A = 0.7 - 0.7 B, B = 0.3 - 0.3 A, so
    # A = 0.49 / 0.79 = 0.620253 and B = 0.3 - 0.3 A = 0.113924.
    result = credence(argmap.loads(MUTUAL))
    assert result.converged and result.iterations > 1 and cycle_warnings(result) == []
    assert result.statements["A"].credence == pytest.approx(0.49 / 0.79, abs=1e-9)
    assert result.statements["B"].credence == pytest.approx(0.3 - 0.3 * 0.49 / 0.79, abs=1e-9)
    # Three statements at 1, each attacking the next: quadratic energy settles where
    # x = 1 - x²/(1 + x²), the root of x³ + x - 1 = 0, 0.6823278; DF-QuAD where x = 1 - x,
    # at 0.5 (iterated as written, discrete DF-QuAD would flip between 1 and 0 for ever).
    for semantics, expected in (("quadratic-energy", 0.6823278), ("df-quad", 0.5)):
        result = credence(argmap.loads(ODD), semantics)
        assert result.converged and cycle_warnings(result) == []
        assert all(s.credence == pytest.approx(expected, abs=1e-6) for s in result.statements.values())


# A 3-cycle of mixed support and attack that document order used to settle in 2 of its 6
# orders: [B] states nothing, [A] and [C] state 1.
MIXED = ["[A]: a {reason: r, credence: 1}\n  +> [B]\n", "[B]: b\n  -> [C]\n  -> [A]\n",
         "[C]: c {reason: r, credence: 1}\n  -> [A]\n  -> [B]\n"]


def test_a_cycle_that_does_not_settle_says_so_in_every_order():
    # DF-QuAD creeps toward A = B = 0, C = 1 (where A = (1 - B)(1 - C), C = 1 - (A + B - AB),
    # B = 0.5 - 0.5 (C - A) all hold), ever more slowly: no step settles it.
    results = orders(MIXED)
    first = results[0]
    assert not first.converged and first.iterations == 1000
    (warning,) = cycle_warnings(first)
    assert warning.code == "not-converged" and "the cycle through [A], [B], [C] did not settle" in warning.message
    assert (warning.line, warning.column) == (2, 1)  # the first relation written: [A] supports [B]
    assert len(warning.related) == 4  # the cycle's other relations
    assert first.statements["A"].credence < 0.05 and first.statements["C"].credence > 0.95
    for result in results[1:]:
        assert not result.converged
        assert [w.message for w in cycle_warnings(result)] == [warning.message]
        for title, statement in first.statements.items():
            assert result.statements[title].credence == pytest.approx(statement.credence, abs=1e-9)


def test_mutual_attack_at_credence_1_has_no_unique_limit():
    # A = 1 - B and B = 1 - A hold on a whole line: every pair summing to 1 is a fixed point.
    # Read in document order, this gave A = 0, B = 1 or A = 1, B = 0 by the order of the blocks.
    blocks = ["[A]: a {reason: r, credence: 1}\n  - [B]\n", "[B]: b {reason: r, credence: 1}\n  - [A]\n"]
    for result in orders(blocks):
        # from the base scores (1, 1) both move alike and meet at the middle of the line
        assert result.statements["A"].credence == pytest.approx(0.5, abs=1e-9)
        assert result.statements["B"].credence == pytest.approx(0.5, abs=1e-9)
        (warning,) = cycle_warnings(result)
        assert warning.code == "no-unique-limit" and warning.severity.value == "warning"
        assert warning.message.startswith("the cycle through [A], [B] has no unique limit: from the base scores it "
                                          "settles at [A] = 0.5, [B] = 0.5 (shown), but from other starting values")
        assert (warning.line, warning.column) == (2, 1) and warning.span.start < warning.span.end
    # quadratic energy has one fixed point there, x = 1 - x²/(1 + x²) for both
    for result in orders(blocks, "quadratic-energy"):
        assert cycle_warnings(result) == [] and result.statements["A"].credence == pytest.approx(0.6823278, abs=1e-6)


def test_a_map_with_more_than_one_fixed_point_is_warned_about_in_every_order():
    # A (base 1) is supported by B and attacked by C; B (base 0.5) supported by A, attacked by
    # C; C (base 1) supported by B, attacked by A. Where A, C >= B, DF-QuAD's rule reads
    # A = 1 - (C - B), C = 1 - (A - B), B = 0.5 + 0.5 (A - C): a line of fixed points, among
    # them (1, 2/3, 2/3) and (0.5, 1/3, 5/6), the two that document order used to report,
    # each "converged". From the base scores (1, 0.5, 1) the rule gives (0.5, 0.5, 0.5); half a
    # step there is (0.75, 0.5, 0.75), already on the line.
    blocks = ["[A]: a {reason: r, credence: 1}\n  +> [B]\n  -> [C]\n", "[B]: b\n  +> [C]\n  +> [A]\n",
              "[C]: c {reason: r, credence: 1}\n  -> [A]\n  -> [B]\n"]
    for result in orders(blocks):
        assert result.converged
        assert [result.statements[t].credence for t in "ABC"] == pytest.approx([0.75, 0.5, 0.75], abs=1e-9)
        (warning,) = cycle_warnings(result)
        assert warning.code == "no-unique-limit" and "the cycle through [A], [B], [C] has no unique" in warning.message


# A directed graph on nodes 0..n-1, as a list of edges (self-loops and repeats allowed).
GRAPHS = st.integers(1, 9).flatmap(lambda n: st.tuples(st.just(n), st.lists(st.tuples(
    st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n)))


@settings(max_examples=60)
@given(GRAPHS)
def test_the_dependency_order_has_networkx_components_and_every_edge_forward(graph):
    size, edges = graph
    successors = {node: {} for node in range(size)}
    for source, target in edges:
        successors[source][target] = None
    order = dependency_order(successors)
    oracle = nx.DiGraph()
    oracle.add_nodes_from(range(size))
    oracle.add_edges_from(edges)
    assert sorted(map(sorted, order)) == sorted(map(sorted, nx.strongly_connected_components(oracle)))
    place = {node: index for index, component in enumerate(order) for node in component}
    assert all(place[source] <= place[target] for source, target in edges)
    # In generations: a component comes after every component with a longer path into it.
    condensed = nx.condensation(oracle)
    depth: dict = {}
    for component in nx.topological_sort(condensed):
        depth[component] = max((depth[p] + 1 for p in condensed.predecessors(component)), default=0)
    generations = [depth[condensed.graph["mapping"][component[0]]] for component in order]
    assert generations == sorted(generations)


@settings(max_examples=60)
@given(GRAPHS, st.randoms(use_true_random=False))
def test_without_cycles_the_dependency_order_comes_in_generations(graph, random):
    """Edges only go from a smaller number to a larger one (or a node to itself), so there is
    no cycle; the graph lists its nodes shuffled. A node's generation is 0 when no other node
    feeds it, else one more than its feeders' latest (worked out here by memo, not by how
    dependency_order walks)."""
    size, edges = graph
    edges = [(min(pair), max(pair)) for pair in edges]
    nodes = list(range(size))
    random.shuffle(nodes)
    successors = {node: {} for node in nodes}
    for source, target in edges:
        successors[source][target] = None
    feeders = {node: {s for s, t in edges if t == node and s != node} for node in nodes}
    generation = {}
    for node in range(size):  # feeders have smaller numbers, so theirs are known
        generation[node] = 1 + max((generation[f] for f in feeders[node]), default=-1)
    order = dependency_order(successors)
    assert all(len(component) == 1 for component in order)
    flat = [component[0] for component in order]
    assert sorted(flat) == list(range(size)) and [generation[n] for n in flat] == sorted(generation[n] for n in flat)
    assert [n for n in flat if generation[n] == 0] == [n for n in nodes if generation[n] == 0]  # in the graph's order


def test_upstream_and_downstream_are_what_networkx_finds(thesis):
    network = Network(argmap.loads(CYCLES))  # a cycle [A] [B] [C] and one beside it, with a premise-conclusion step
    for model_network in (network, Network(thesis)):
        oracle = nx.DiGraph()
        oracle.add_nodes_from(model_network.nodes)
        oracle.add_edges_from((source, key) for key in model_network.nodes for source in model_network.sources(key))
        for key in model_network.nodes:
            assert model_network.upstream(key) == nx.ancestors(oracle, key) | {key}, key
            assert model_network.downstream(key) == nx.descendants(oracle, key) | {key}, key
    cyclic = {tuple(sorted(k[1] for k in members)) for members, is_cycle in network.components if is_cycle}
    assert cyclic == {("A", "B", "C"), ("D",)}  # [D] supports itself
    assert network.downstream(("statement", "P")) == {("statement", "P"), ("argument", "Arg"), ("statement", "E"),
                                                       ("statement", "A"), ("statement", "B"), ("statement", "C")}


CYCLES = ("[A]: a\n  +> [B]: b\n    -> [C]: c\n      -> [A]\n\n[D]: d\n  + [D]\n\n"
          "<Arg>\n\n(1) [P]: p\n----\n(2) [E]: e\n  +> [A]\n")


def test_a_run_without_records_gives_the_same_warnings():
    """What `check` reads of a run (credence(records=False)): the warnings, not every node's record."""
    mutual = "[D]: d {reason: r, credence: 1}\n  - [E]\n\n[E]: e {reason: r, credence: 1}\n  - [D]\n"
    model = argmap.loads("\n".join(MIXED) + "\n" + mutual)
    full, bare = credence(model), credence(model, records=False)
    assert [d.code for d in full.diagnostics if d.code in ("not-converged", "no-unique-limit")] == \
        ["not-converged", "no-unique-limit"]  # the cycle of MIXED, and [D] and [E] at 1 attacking each other
    assert bare.diagnostics == full.diagnostics and bare.theses == full.theses and not bare.converged
    assert bare.statements == {} and bare.contributions == []


def random_blocks(rng: random.Random) -> list[str]:
    """Three statements that support and attack one another (cycles likely), some with a
    credence, and an argument from one of them to another, one block each."""
    blocks = []
    for i in range(3):
        value = rng.choice([None, 0.2, 0.6, 1])
        lines = [f"[S{i}]: s{i}" + (f" {{reason: r, credence: {value}}}" if value is not None else "")]
        for target in rng.sample([j for j in range(3) if j != i], rng.randint(1, 2)):
            lines.append(f"  {rng.choice(['+>', '->'])} [S{target}]")
        blocks.append("\n".join(lines) + "\n")
    premise, conclusion, target = rng.sample(range(3), 3)
    blocks.append(f"<Arg>\n\n(1) [S{premise}]\n----\n(2) [C]: c {{reason: r, inference: {rng.choice([0.3, 0.9])}}}\n"
                  f"  {rng.choice(['+>', '->'])} [S{target}]\n")
    return blocks


@pytest.mark.parametrize("seed", range(1, 5))
def test_the_credences_do_not_depend_on_the_order_of_the_blocks(seed):
    blocks = random_blocks(random.Random(seed))
    for semantics in ("df-quad", "quadratic-energy"):
        first, *rest = orders(blocks, semantics)
        for result in rest:
            assert result.converged == first.converged, blocks
            assert [w.code for w in cycle_warnings(result)] == [w.code for w in cycle_warnings(first)], blocks
            for title, statement in first.statements.items():
                assert result.statements[title].credence == pytest.approx(statement.credence, abs=1e-9), blocks
            assert result.arguments["Arg"].strength == pytest.approx(first.arguments["Arg"].strength, abs=1e-9)


def test_strict_mode_keeps_the_first_of_two_opposite_attacks_and_says_so():
    # As the reference does, strict mode turns attacks between statements into one contrary
    # relation per pair: the first written counts, so the order decides which one falls.
    blocks = ["[A]: a {reason: r, credence: 1}\n  -> [B]\n", "[B]: b {reason: r, credence: 1}\n  -> [A]\n"]
    front = "===\nmodel:\n    mode: strict\n===\n\n"
    for first, second in (("A", "B"), ("B", "A")):
        model = argmap.loads(front + "\n".join(blocks if first == "A" else blocks[::-1]))
        ((source, target),) = [(r.source, r.target) for r in model.relations]
        assert (source, target) == (first, second) and model.relations[0].type.value == "contrary"
        (warning,) = [d for d in model.diagnostics if d.code == "strict-mutual-attack"]
        assert (warning.line, warning.column) == (10, 1)  # the second attack, left out
        assert warning.message.startswith(f"[{second}] attacks [{first}], and [{first}] attacks [{second}] at 7:1;")
        assert f"only [{first}] lowers [{second}]" in warning.message
        assert [r.span.line for r in warning.related] == [7]
        result = credence(model)  # 1 - 1 × 1 = 0 for the one attacked
        assert (result.statements[first].credence, result.statements[second].credence) == (1.0, 0.0)


def test_an_intermediary_conclusion_records_its_share():
    # <R>: step 1 gives [I] = 0.85 × 0.5 × 0.4 = 0.17, which is then all of [I]'s base score.
    text = ("[T]: t\n\n<R>\n\n(1) [A]: a {reason: r, credence: 0.85}\n(2) [B]: b {reason: r, credence: 0.5}\n"
            "----\n(3) [I]: i {reason: r, inference: 0.4}\n(4) [C]: c {reason: r, credence: 0.35}\n----\n"
            "(5) [D]: d {reason: r, inference: 0.3}\n  +> [T]\n")
    model = argmap.loads(text)
    for semantics in ("df-quad", "quadratic-energy", "vargdown"):
        result = credence(model, semantics)
        (share,) = [c for c in result.into(("statement", "I"))]
        assert (share.source, share.kind, share.value) == (("step", "R", 0), "conclusion", pytest.approx(0.17))
        assert result.arguments["R"].steps[0].conclusion == "I"
        assert "step: <R> step to [I] = 0.17 (share of the line above: +0.17)" in argmap.explain(model, "I", semantics).text()


def test_vargdown_contributions_add_up_to_the_log_odds_shown(thesis):
    # The thesis's bottom line is sigmoid(2.4768); its 15 relations are the 15 terms of 2.4768,
    # the largest -logit(0.0853) = log(0.9147 / 0.0853) = +2.3724.
    result = credence(thesis, "vargdown")
    terms = {c.source[1]: c.value for c in result.into(("statement", "Natural Manifold"))}
    assert len(terms) == 15 and terms["Multiple Structures Work"] == pytest.approx(math.log(0.9147 / 0.0853))
    log_odds = float(re.search(r"= (-?[\d.]+)\) = 0\.9225", result.statements["Natural Manifold"].formula).group(1))
    assert log_odds == 2.4768 and sum(terms.values()) == pytest.approx(log_odds, abs=5e-5)
    assert 1 / (1 + math.exp(-sum(terms.values()))) == pytest.approx(result.statements["Natural Manifold"].credence)
    # the text: the log-odds in the first line, each line's term beneath it
    lines = bottom_line(result).splitlines()
    assert "sigmoid of the log-odds 2.4768" in lines[0] and lines[1].split()[0] == "log-odds"
    shown = [float(line.split()[0]) for line in lines[2:]]
    assert len(shown) == 15 and sum(shown) == pytest.approx(2.4768, abs=15 * 5e-5)
    # and explain's tree under the thesis
    tree = argmap.explain(thesis, "Natural Manifold", "vargdown")
    assert sum(child.contribution for child in tree.children) == pytest.approx(log_odds, abs=5e-5)


def test_vargdown_keeps_the_verifiers_order_rule_and_says_so():
    # Two arguments conclude [C]: 0.9 × 0.8 = 0.72 and 0.3 × 0.5 = 0.15; the verifier keeps the
    # last one written, and [T] (entailed by [C] alone) shows sigmoid(logit(c)) = c.
    arguments = ["<A1>\n\n(1) [P]: p {reason: r, credence: 0.9}\n----\n(2) [C]: c {reason: r, inference: 0.8}\n",
                 "<A2>\n\n(1) [Q]: q {reason: r, credence: 0.3}\n----\n(2) [C] {reason: r, inference: 0.5}\n"]
    head = "===\nmodel:\n    mode: strict\n===\n\n[T]: t\n  <+ [C]\n\n"
    for order, (last, value, other, before) in ((arguments, ("A2", 0.15, "A1", 0.72)),
                                                 (arguments[::-1], ("A1", 0.72, "A2", 0.15))):
        result = credence(argmap.loads(head + "\n".join(order)), "vargdown")
        assert result.statements["T"].credence == pytest.approx(value, abs=1e-12)
        (warning,) = [d for d in result.diagnostics if d.code == "vargdown-order"]
        assert f"<{last}> ({value}) replaces <{other}> ({before}), so the order of the text decides" in warning.message
        assert credence(argmap.loads(head + "\n".join(order))).statements["C"].credence == pytest.approx(
            1 - 0.28 * 0.85, abs=1e-12)  # df-quad: 1 - (1 - 0.72)(1 - 0.15), either way


def test_a_thesis_that_is_an_intermediary_conclusion_is_shown_with_its_step():
    from argmap.report import report

    model = argmap.loads("===\nthesis: I\n===\n\n<R>\n\n(1) [A]: a {reason: r, credence: 0.5}\n----\n"
                         "(2) [I]: i {reason: r, inference: 0.4}\n(3) [B]: b {reason: r, credence: 0.5}\n----\n"
                         "(4) [D]: d {reason: r, inference: 0.5}\n")
    result = credence(model)
    assert bottom_line(result).splitlines()[2].split() == ["+0.2", "0.2", "<R>", "(concludes)"]  # 0.5 × 0.4
    assert "<td>" in report(model, result)


def test_the_thesis_under_quadratic_energy_is_0_9695(thesis):
    # The same 11 supporting and 4 attacking strengths as for df-quad; E = 4.6516 - 0.7266.
    supporters = [.88 * .74 * .80 * .85, .72 * .72, .82 * .75, .55 * .65, .80 * .70, .82 * .80 * .78,
                  .70 * .72 * .65, .85 * .82 * .80, .72 * .50 * .60, .70 * .72 * .62 * .60, .65 * .55]
    attackers = [.72 * .75 * .45, .72 * .68 * .40, .62 * .55 * .50 * .50, .75 * .60 * .45]
    energy = sum(supporters) - sum(attackers)
    value = credence(thesis, "quadratic-energy").statements["Natural Manifold"].credence
    assert value == pytest.approx(0.5 + 0.5 * energy ** 2 / (1 + energy ** 2), abs=1e-12) and round(value, 4) == 0.9695


def test_what_if_overrides(thesis):
    base = credence(thesis)
    # A premise's credence: [SVD Is Natural Basis] = 0.5 * 0.74 * 0.80 * 0.85 = 0.2516.
    result = credence(thesis, overrides={"SVD Init Wins": 0.5})
    assert result.statements["SVD Is Natural Basis"].credence == pytest.approx(0.2516, abs=1e-12)
    # An inference, named by its conclusion or its argument: 0.4428 / 0.85 * 0.5 = 0.26048.
    for name in ("SVD Is Natural Basis", "<SVD Basis Cluster>", "SVD Basis Cluster"):
        result = credence(thesis, overrides={name: 0.5})
        assert result.arguments["SVD Basis Cluster"].strength == pytest.approx(0.88 * 0.74 * 0.8 * 0.5, abs=1e-12)
    assert result.statements["Natural Manifold"].credence < base.statements["Natural Manifold"].credence
    # A statement with no number of its own gets one: [Orthogonal Preservation] (textless).
    pinned = credence(thesis, overrides={"[Orthogonal Preservation]": 0.1}).statements["Orthogonal Preservation"]
    assert pinned.base == 0.1 and "set to 0.1" in pinned.formula
    assert credence(thesis).statements["SVD Init Wins"].credence == 0.88  # the model is untouched
    with pytest.raises(ValueError, match="did you mean 'SVD Init Wins'"):
        credence(thesis, overrides={"SVD Init Win": 0.5})
    with pytest.raises(ValueError, match="from 0 to 1"):
        credence(thesis, overrides={"SVD Init Wins": 1.5})
    with pytest.raises(ValueError, match="unknown semantics 'bayes'"):
        credence(thesis, "bayes")
    vargdown = credence(thesis, "vargdown", {"SVD Init Wins": 0.5})
    assert vargdown.statements["SVD Is Natural Basis"].base == pytest.approx(0.2516, abs=1e-12)


def test_missing_numbers_are_diagnostics_not_silent_skips():
    model = argmap.loads("[T]: thesis\n\n<A>\n\n(1) [P]: no number\n(2) [Q]: q {reason: r, credence: 0.5}\n----\n"
                         "(3) [C]: c\n  +> [T]\n")
    result = credence(model)
    found = {d.code: d for d in result.diagnostics}
    assert (found["missing-credence"].line, found["missing-credence"].column) == (5, 5)
    assert "[P]" in found["missing-credence"].message and "assumes 0.5" in found["missing-credence"].message
    assert found["missing-inference"].line == 8 and "assumes 0.5" in found["missing-inference"].message
    # 0.5 (assumed) * 0.5 * 0.5 (assumed) = 0.125
    assert result.arguments["A"].strength == pytest.approx(0.125, abs=1e-12)
    assert "(assumed)" in result.arguments["A"].formula
    bare = credence(argmap.loads("[T]: t\n  + [S]: s\n"))
    assert [d.code for d in bare.diagnostics] == ["no-numbers"]
    priors = credence(argmap.loads("[T]: t {prior: 0.2}\n  + [S]: s {prior: 0.9}\n"))
    assert priors.diagnostics == []  # not every claim starts at 0.5
    assert priors.statements["T"].credence == pytest.approx(0.2 + 0.8 * 0.9, abs=1e-12)


def test_extreme_numbers_give_results_not_exceptions():
    # 1e-200 * 1e-200 * 0.5 underflows to 0, yet each premise's share of the fall from 1 is
    # still in proportion to its log: log(1e-200) / (2 log(1e-200) + log(0.5)), times -1.
    tiny = argmap.loads("[T]: t\n\n<A>\n\n(1) [P]: p {reason: r, credence: 1.0e-200}\n"
                        "(2) [Q]: q {reason: r, credence: 1.0e-200}\n----\n"
                        "(3) [C]: c {reason: r, inference: 0.5}\n  +> [T]\n")
    share = -math.log(1e-200) / (2 * math.log(1e-200) + math.log(0.5))
    for semantics in ("df-quad", "quadratic-energy", "vargdown"):
        result = credence(tiny, semantics)
        assert result.arguments["A"].strength == 0.0 and result.statements["T"].credence == 0.5
        premises = {c.source[1]: c.value for c in result.into(("argument", "A")) if c.kind == "premise"}
        assert premises == pytest.approx({"P": share, "Q": share}, abs=1e-12)
    # 110 contrary sources at 0.999 take vargdown's log-odds to -110 logit(0.999) = -759.8:
    # JavaScript's 1 / (1 + Math.exp(759.8)) is 1 / (1 + Infinity) = 0.
    contrary = "===\nmodel:\n    mode: strict\n===\n\n[T]: t\n\n" + "".join(
        f"[S{i}]: s {{reason: r, credence: 0.999}}\n  -> [T]\n\n" for i in range(110))
    assert credence(argmap.loads(contrary), "vargdown").statements["T"].credence == 0.0


def test_theses_come_from_the_structure_or_the_front_matter(thesis):
    assert credence(thesis).theses == ["Natural Manifold"]
    named = argmap.loads("===\nthesis: B\n===\n\n[A]: a\n  + [B]: b\n")
    assert credence(named).theses == ["B"]
    wrong = argmap.loads("===\nthesis: Betta\n===\n\n[Alpha]: a\n  + [Beta]: b\n")
    assert credence(wrong).theses == [] and "did you mean [Beta]?" in wrong.errors[0].message


def test_the_record_covers_every_edge_of_the_claim_graph(thesis):
    """The renderer sets each edge's pen width from its contribution: every edge has one."""
    for semantics in ("df-quad", "quadratic-energy", "vargdown"):
        result = credence(thesis, semantics)
        recorded = {(c.source, c.target, c.kind) for c in result.contributions}
        drawn = {(u, v, data["kind"]) for u, v, data in thesis.graph().edges(data=True)}
        assert drawn <= recorded, semantics
    stated = argmap.loads("[T]: t\n\n<A>\n\n(1) [P]: p {reason: r, credence: 0.8}\n----\n"
                          "(2) [C]: c {reason: r, credence: 0.3}\n  +> [T]\n")
    recorded = {(c.source, c.target, c.kind): c.value for c in credence(stated).contributions}
    assert recorded[(("argument", "A"), ("statement", "C"), "conclusion")] == 0.0  # the stated 0.3 wins
    result = credence(thesis)
    # A node's contributions add up to how far it moved from its base score.
    for title, statement in result.statements.items():
        moved = sum(c.value for c in result.into(("statement", title)) if c.kind != "conclusion")
        assert moved == pytest.approx(statement.credence - statement.base, abs=1e-12), title
        concluded = [c.value for c in result.into(("statement", title)) if c.kind == "conclusion"]
        if concluded:
            assert sum(concluded) == pytest.approx(statement.base, abs=1e-12)
    # Into an argument, each step's premises and inference share how far its product falls
    # short of 1, in proportion to -log: step (3) 0.85 × 0.5 × 0.4 = 0.17, step (5) 0.17 × 0.35
    # × 0.3 = 0.01785 (so all four premises add up to neither strength - 1 nor anything else).
    steps = argmap.loads("[T]: t\n\n<R>\n\n(1) [A]: a {reason: r, credence: 0.85}\n"
                         "(2) [B]: b {reason: r, credence: 0.5}\n----\n(3) [I]: i {reason: r, inference: 0.4}\n"
                         "(4) [C]: c {reason: r, credence: 0.35}\n----\n(5) [D]: d {reason: r, inference: 0.3}\n"
                         "  +> [T]\n")
    premises = {c.source[1]: c.value for c in credence(steps).into(("argument", "R")) if c.kind == "premise"}
    log = math.log
    first = (0.17 - 1) * (log(0.85) + log(0.5)) / (log(0.85) + log(0.5) + log(0.4))
    second = (0.01785 - 1) * (log(0.17) + log(0.35)) / (log(0.17) + log(0.35) + log(0.3))
    assert premises["A"] + premises["B"] == pytest.approx(first, abs=1e-12)
    assert premises["I"] + premises["C"] == pytest.approx(second, abs=1e-12)


def test_json_shape_of_the_result(thesis):
    data = credence(thesis).to_json()
    assert set(data) == {"semantics", "theses", "statements", "arguments"}
    assert data["statements"]["SVD Init Wins"] == {"credence": 0.88, "origin": "stated"}
    assert data["statements"]["Natural Manifold"]["origin"] == "computed"
    assert data["statements"]["Orthogonal Preservation"]["origin"] == "computed"
    assert data["arguments"]["SVD Basis Cluster"]["conclusion"] == "SVD Is Natural Basis"
    assert re.fullmatch(r"0\.4428\d*", str(data["arguments"]["SVD Basis Cluster"]["strength"]))


def test_the_package_exports_credence_lazily():
    import subprocess
    import sys

    code = ("import sys, argmap; assert 'argmap.propagate' not in sys.modules and 'networkx' not in sys.modules; "
            f"model = argmap.load({str(THESIS)!r}); "
            "print(round(argmap.credence(model).statements['Natural Manifold'].credence, 4)); "
            "from argmap.check import check_map; print(len(check_map(model)), 'networkx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    # the credences and the checks every command runs need no networkx (only the graph view does)
    assert out.stdout.split() == ["0.7212", "3", "False"], out.stderr


def test_the_networks_input_records_hold_a_restated_value_whether_made_before_or_after():
    """A network makes its records of the stated numbers when first asked; a number restated
    in place reaches them either way, with the label and place they had."""
    records = {}
    for made_first in (True, False):
        model = argmap.loads("[B]: b\n  + [A]: a {credence: 0.3}\n")
        network = Network(model)
        if made_first:
            network.inputs
        for data in (model.statements["A"].data, model.statements["A"].members[0].data):
            data["credence"] = 0.7
        assert network.restate({"A"}, set()) == {("statement", "A")}
        record = network.inputs[("credence", ("statement", "A"))]
        records[made_first] = (record.value, record.label, record.line, record.column)
        assert network.numbers[("credence", ("statement", "A"))] == 0.7
    assert records[True] == records[False] == (0.7, "[A]", 2, 12)  # the `{` of line 2
