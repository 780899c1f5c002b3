"""What each stated number contributes to a thesis, measured the ways ``argmap cruxes
--method`` offers beside the default ±0.1 swing: by removal and by Shapley value (the
derivative comes with every crux already).

Both ask what the thesis owes to a number having been *stated*: without it, an inference is
0.5 and a credence is what the statement's arguments give it, else its prior, else 0.5 (what
argmap assumes for a missing number). ``removal`` is the thesis with every number minus the
thesis without this one; ``shapley`` averages that difference over every order in which the
numbers could have been stated, so the contributions add up to the thesis minus the thesis
with no number stated. ``docs/semantics.md`` says which principles of contribution functions
each method satisfies.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from argmap.propagate import InputKey, Network

if TYPE_CHECKING:
    import numpy as np

__all__ = ["EXACT_UP_TO", "METHODS", "PERMUTATIONS", "contributions", "shapley"]

METHODS = ("swing", "derivative", "shapley", "removal")
EXACT_UP_TO = 12  # players; beyond, Shapley values are sampled over random orders
PERMUTATIONS = 200


def shapley(values: "np.ndarray", players: int) -> "np.ndarray":
    """Exact Shapley values from a game's value on every coalition (``values[mask]``, bit i
    set when player i is in)."""
    import math

    import numpy as np

    masks = np.arange(1 << players)
    sizes = np.zeros(1 << players, dtype=int)
    for i in range(players):
        sizes += (masks >> i) & 1
    weights = np.array([math.factorial(s) * math.factorial(players - s - 1) / math.factorial(players)
                        for s in range(players)])
    result = np.empty(players)
    for i in range(players):
        without = masks[((masks >> i) & 1) == 0]
        result[i] = float(np.sum(weights[sizes[without]] * (values[without | (1 << i)] - values[without])))
    return result


def orders(players: int, permutations: int, seed: int) -> list["np.ndarray"]:
    """Random orders of the players, the same for the same seed."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return [rng.permutation(players) for _ in range(permutations)]


def sampled_shapley(value_of, players: int, permutations: int, seed: int) -> tuple["np.ndarray", "np.ndarray"]:
    """Shapley values estimated over random orders, and their standard errors.
    ``value_of(masks)`` gives the game's values (an array, one row a mask) for a list of
    coalitions. In every order the marginal effects add up to the whole, so the estimates do
    too."""
    import numpy as np

    chosen = orders(players, permutations, seed)
    coalitions = {0}
    for order in chosen:
        mask = 0
        for i in order:
            mask |= 1 << int(i)
            coalitions.add(mask)
    masks = sorted(coalitions)
    values = dict(zip(masks, value_of(masks)))
    first = np.asarray(values[0])
    marginals = np.empty((permutations, players, *first.shape))
    for row, order in enumerate(chosen):
        mask = 0
        for i in order:
            previous = values[mask]
            mask |= 1 << int(i)
            marginals[row, int(i)] = np.asarray(values[mask]) - previous
    return marginals.mean(axis=0), marginals.std(axis=0, ddof=1) / np.sqrt(permutations)


def contributions(network: Network, semantics: str, thesis: str, method: str, overrides: dict[str, float] | None,
                  seed: int = 0, permutations: int = PERMUTATIONS
                  ) -> tuple[dict[InputKey, float], dict[InputKey, float]]:
    """Each stated number's contribution to the thesis by ``removal`` or ``shapley``, and for
    sampled Shapley values their standard errors (empty when exact). A number that does not
    reach the thesis contributes 0."""
    import numpy as np

    from argmap.batch import evaluate

    if semantics == "vargdown":
        raise ValueError(f"--method {method} needs a gradual semantics (df-quad or quadratic-energy): vargdown "
                         "reads each number where it is written, one level deep")
    target = ("statement", thesis)
    upstream = network.upstream(target)
    numbers = {**network.numbers, **network.changes(overrides)}
    players = [key for key in network.inputs if key[1] in upstream]
    result = dict.fromkeys(network.inputs, 0.0)

    def thesis_for(masks: list[int]) -> np.ndarray:
        """The thesis with only the players in each mask stated."""
        columns = {key: np.array([numbers[key] if mask >> i & 1 else np.nan for mask in masks])
                   for i, key in enumerate(players)}
        return evaluate(network, semantics, columns, len(masks), [target], overrides)[target]

    if not players:
        return result, {}
    everyone = (1 << len(players)) - 1
    if method == "removal":
        values = thesis_for([everyone] + [everyone & ~(1 << i) for i in range(len(players))])
        result.update({key: float(values[0] - values[i + 1]) for i, key in enumerate(players)})
        return result, {}
    if method != "shapley":
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if len(players) <= EXACT_UP_TO:
        values = thesis_for(list(range(1 << len(players))))
        result.update(zip(players, map(float, shapley(values, len(players)))))
        return result, {}
    means, errors = sampled_shapley(thesis_for, len(players), permutations, seed)
    result.update(zip(players, map(float, means)))
    return result, {key: float(error) for key, error in zip(players, errors)}
