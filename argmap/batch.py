"""The propagation for many sets of numbers at once: what Monte Carlo, Shapley values and
``diff`` evaluate thousands of times.

:func:`argmap.propagate.credence` builds a full record (contributions, formulas) for one set
of numbers; here each node's value is a numpy array with one entry per set, computed in the
same dependency order with the same arithmetic, so an entry equals what ``credence`` gives for
its numbers (the tests hold the two to 1e-9 on the thesis and on random maps). This covers
the gradual semantics on maps without cycles; elsewhere (a cycle, ``vargdown``) each set goes
through ``credence`` in turn.

Numbers are keyed as :class:`argmap.propagate.Network` keys its inputs; NaN in an array means
"not stated" for that set (an inference is then 0.5, a credence what the statement's
arguments give it, else its prior, else 0.5).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from argmap.propagate import UNKNOWN, InputKey, Network, Node, credence
from argmap.semantics import get

if TYPE_CHECKING:
    import numpy as np

__all__ = ["evaluate", "override_name", "vectorised"]


def vectorised(network: Network, semantics: str) -> bool:
    """Whether :func:`evaluate` computes this map in arrays (else it loops over ``credence``)."""
    return semantics in _COMBINE and not any(cyclic for _, cyclic in network.components)


def evaluate(network: Network, semantics: str, columns: dict[InputKey, "np.ndarray"], size: int,
             targets: list[Node], overrides: dict[str, float] | None = None,
             edges: dict[tuple, "np.ndarray"] | None = None) -> dict[Node, "np.ndarray"]:
    """The values of ``targets`` for ``size`` sets of numbers: the map's own numbers (with
    ``overrides`` as ``--set`` gives them), replaced by ``columns`` where they have a key.
    ``edges`` switches supporters and attackers off (0) or on (1) per set, keyed as
    ``network.edges`` keys them (an edge switched off is one the map does not have: a
    supporter or attacker of strength 0 moves nothing in either semantics); only a map
    computed in arrays (:func:`vectorised`) takes them."""
    import numpy as np

    get(semantics)  # ValueError for an unknown name
    fixed = {**network.numbers, **network.changes(overrides)}
    if vectorised(network, semantics):
        numbers = {key: np.full(size, value) for key, value in fixed.items()}
        numbers.update({key: np.asarray(values, dtype=float) for key, values in columns.items()})
        values = _arrays(network, _COMBINE[semantics], numbers, size, edges or {})
        return {target: values[target] for target in targets}
    if edges:
        raise ValueError("edges can be switched only where the propagation runs in arrays")
    return _loop(network, semantics, fixed, columns, size, targets, overrides or {})


def _arrays(network: Network, combine, numbers: dict[InputKey, "np.ndarray"], size: int,
            edges: dict[tuple, "np.ndarray"]) -> dict[Node, "np.ndarray"]:
    import numpy as np

    values: dict[Node, np.ndarray] = {}
    for (key,), _ in network.components:
        node = network.nodes[key]
        if node.premises is not None:  # a step: the PCS rule
            base = np.ones(size)
            for premise in node.premises:
                base = base * values[premise]
            base = base * _stated(numbers, ("inference", key), UNKNOWN)
        else:
            if node.concluded_by:
                rest = np.ones(size)
                for step in node.concluded_by:
                    rest = rest * (1.0 - values[step])
                fallback = 1.0 - rest
            else:
                fallback = node.prior
            base = _stated(numbers, ("credence", key), fallback)
        if node.supports or node.attacks:
            supports = [values[s] * edges[(s, key, "+")] if (s, key, "+") in edges else values[s]
                        for s in node.supports]
            attacks = [values[a] * edges[(a, key, "-")] if (a, key, "-") in edges else values[a]
                       for a in node.attacks]
            base = combine(base, supports, attacks)
        values[key] = np.broadcast_to(base, (size,)).astype(float)
    return values


def _stated(numbers: dict, key: InputKey, fallback):
    """The stated number where it is stated, else ``fallback``."""
    import numpy as np

    if key not in numbers:
        return fallback
    value = numbers[key]
    return np.where(np.isnan(value), fallback, value)


def _dfquad(base, supports, attacks):
    import numpy as np

    support, attack = _probabilistic_sum(supports, base), _probabilistic_sum(attacks, base)
    return np.where(attack >= support, base - base * (attack - support), base + (1.0 - base) * (support - attack))


def _probabilistic_sum(values, like):
    import numpy as np

    rest = np.ones_like(like)
    for value in values:
        rest = rest * (1.0 - value)
    return 1.0 - rest


def _quadratic_energy(base, supports, attacks):
    import numpy as np

    energy = np.zeros_like(base)  # summed in order, as Python's sum() does
    for value in supports:
        energy = energy + value
    attack = np.zeros_like(base)
    for value in attacks:
        attack = attack + value
    energy = energy - attack

    def influence(x):
        x = np.maximum(x, 0.0)
        return x * x / (1.0 + x * x)

    return base - base * influence(-energy) + (1.0 - base) * influence(energy)


_COMBINE = {"df-quad": _dfquad, "quadratic-energy": _quadratic_energy}


def override_name(network: Network, key: InputKey) -> str | None:
    """The ``--set`` name that reaches exactly this input, or None when none does (a step's
    inference whose conclusion has a credence of its own or ends another step too)."""
    kind, node = key
    if node[0] == "step":
        name = f"[{network.model.arguments[node[1]].pcs[node[2]].title}]"
    else:
        name = f"[{node[1]}]" if node[0] == "statement" else f"<{node[1]}>"
    try:
        return name if network.changes({name: 0.5}) == {key: 0.5} else None
    except ValueError:
        return None


def _loop(network: Network, semantics: str, fixed: dict, columns: dict, size: int, targets: list[Node],
          overrides: dict[str, float]) -> dict[Node, "np.ndarray"]:
    """One ``credence`` run per set of numbers, each column as a ``--set``; an input that no
    ``--set`` name reaches alone is held at its value. NaN (not stated) becomes the number
    argmap assumes for a missing one: 0.5, or the statement's prior."""
    import math

    import numpy as np

    names = {key: override_name(network, key) for key in columns}
    out = {target: np.empty(size) for target in targets}
    for i in range(size):
        chosen = dict(overrides)
        for key, values in columns.items():
            if names[key] is None:
                continue
            value = float(values[i])
            chosen[names[key]] = _assumed(network, key) if math.isnan(value) else value
        result = credence(network.model, semantics, chosen)
        for target in targets:
            kind, title = target[0], target[1]
            out[target][i] = (result.statements[title].credence if kind == "statement"
                              else result.arguments[title].strength)
    return out


def _assumed(network: Network, key: InputKey) -> float:
    return network.nodes[key[1]].prior if key[0] == "credence" else UNKNOWN
