"""How sure the bottom line is: Monte Carlo over the numbers the author only guessed.

A stated credence or inference may carry a range, ``{credence: 0.7, credence_range: [0.6,
0.8]}`` or ``{inference: 0.85, inference_range: [0.75, 0.95]}``: the author's 90% interval
around the value. Each such number is drawn from a Beta distribution with the stated value
as its mean and the range's width as 3.29 standard deviations (the 5-95% span of a normal
distribution); numbers without a range stay fixed, or get ``default_spread`` on either side.
The thesis is computed for every draw at once (:mod:`argmap.batch`), and each input's share
of the thesis's variance is its first-order Sobol index, estimated from the same draws.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from argmap.model import ArgumentMap, Diagnostic, Severity
from argmap.propagate import Input, InputKey, Network, did_you_mean, stages
from argmap.semantics import DEFAULT

if TYPE_CHECKING:
    import numpy as np

__all__ = ["InputSpread", "SampleReport", "ThesisSample", "beta_parameters", "ranges", "sample"]

Z90 = 1.6448536269514722  # the 95% quantile of the standard normal: a 90% interval is ±Z90 sd
BINS = 20  # of the histogram, over [0, 1]
SOBOL_BINS = 20  # equal-count slices of each input for its first-order Sobol index


class InputSpread(BaseModel):
    """One number drawn at random: its stated value, its range and Beta parameters, and its
    first-order Sobol index for each thesis (its share of the thesis's variance)."""

    input: Input
    low: float
    high: float
    alpha: float
    beta: float
    sobol: dict[str, float] = Field(default_factory=dict)


class ThesisSample(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    thesis: str
    credence: float  # with the numbers as stated
    mean: float
    median: float
    low: float  # 5% quantile
    high: float  # 95% quantile
    histogram: list[int]  # counts in BINS equal bins over [0, 1]
    draws: Any = Field(default=None, exclude=True)  # the numpy array of every draw's credence


class SampleReport(BaseModel):
    semantics: str
    samples: int
    seed: int
    theses: list[ThesisSample]
    inputs: list[InputSpread]  # the numbers drawn, the largest Sobol index first
    held: list[str] = Field(default_factory=list)  # ranged numbers a map with cycles cannot vary alone

    def to_json(self) -> dict[str, Any]:
        return {"semantics": self.semantics, "samples": self.samples, "seed": self.seed,
                "theses": {t.thesis: t.model_dump(exclude={"thesis"}) for t in self.theses},
                "inputs": [{"input": s.input.label, "line": s.input.line, "column": s.input.column,
                            "value": s.input.value, "range": [s.low, s.high], "beta": [s.alpha, s.beta],
                            "sobol": s.sobol} for s in self.inputs],
                "held": self.held}

    def text(self) -> str:
        if not self.theses:
            return "no thesis: name one with `thesis: Title` in the front matter"
        lines = []
        for thesis in self.theses:
            lines.append(f"[{thesis.thesis}] = {thesis.credence:.4f} as stated; over {self.samples} draws "
                         f"({self.semantics}, seed {self.seed}): mean {thesis.mean:.4f}, median {thesis.median:.4f}, "
                         f"90% between {thesis.low:.4f} and {thesis.high:.4f}")
        if not self.inputs:
            lines.append("no number has a range: write {credence: 0.7, credence_range: [0.6, 0.8]} or give "
                         "--default-spread")
            return "\n".join(lines)
        lines.append("  share of variance (first-order Sobol)  value  range          input")
        for spread in self.inputs:
            shares = "  ".join(f"{spread.sobol[t.thesis]:6.3f}" for t in self.theses)
            lines.append(f"  {shares:>37}  {spread.input.value:5.3g}  [{spread.low:.3g}, {spread.high:.3g}]"
                         f"{'':{max(0, 12 - len(f'[{spread.low:.3g}, {spread.high:.3g}]'))}}  {spread.input.label}")
        if self.held:
            lines.append("held at their values (a map with cycles varies a number through --set, and no title "
                         "reaches these alone): " + ", ".join(self.held))
        return "\n".join(lines)


def beta_parameters(value: float, low: float, high: float) -> tuple[float, float]:
    """The Beta distribution with mean ``value`` whose standard deviation makes [low, high] a
    90% interval (by the normal approximation); at most as spread as Beta(m, 1 - m)."""
    mean = min(max(value, 1e-6), 1 - 1e-6)
    sd = (high - low) / (2 * Z90)
    concentration = max(mean * (1 - mean) / (sd * sd) - 1.0, 1.0)
    return mean * concentration, (1 - mean) * concentration


def ranges(model: ArgumentMap, network: Network) -> tuple[dict[InputKey, tuple[float, float]], list[Diagnostic]]:
    """Every stated range, keyed by its input, and an error for each one that is not two
    numbers in [0, 1] around the number it belongs to."""
    found: dict[InputKey, tuple[float, float]] = {}
    errors: list[Diagnostic] = []

    def take(key: InputKey, what: str, label: str, data: dict, holders: list) -> None:
        if f"{what}_range" not in data:
            return
        span = next((h.data_span or h.span for h in reversed(holders) if f"{what}_range" in h.data), None)
        bounds = data[f"{what}_range"]
        value = network.numbers.get(key)
        problem = None
        if not (isinstance(bounds, list) and len(bounds) == 2
                and all(isinstance(b, (int, float)) and not isinstance(b, bool) and math.isfinite(b) for b in bounds)):
            problem = f"{{{what}_range: {bounds!r}}} is not two numbers; write e.g. {{{what}_range: [0.6, 0.8]}}"
        elif not 0.0 <= bounds[0] < bounds[1] <= 1.0:
            problem = f"{{{what}_range: {bounds!r}}} is not a range within [0, 1] (low below high)"
        elif value is None:
            problem = f"{{{what}_range: {bounds!r}}} has no {{{what}}} to be around; state one"
        elif not bounds[0] <= value <= bounds[1]:
            problem = f"{{{what}_range: {bounds!r}}} is not around its value {value:g}"
        if problem is None:
            found[key] = (float(bounds[0]), float(bounds[1]))
        else:
            errors.append(Diagnostic(severity=Severity.ERROR, code="range", message=f"{label}: {problem}",
                                     line=span.line if span else 1, column=span.column if span else 1,
                                     span=span))

    for title, statement in model.statements.items():
        take(("credence", ("statement", title)), "credence", f"[{title}]", statement.data, statement.members)
    for title, argument in model.arguments.items():
        if not argument.pcs:
            take(("credence", ("argument", title)), "credence", f"<{title}>", argument.data, argument.members)
        steps = stages(argument)
        for step in steps:
            node = ("argument", title) if step is steps[-1] else ("step", title, step.index)
            conclusion = step.conclusion
            holders = [conclusion] + ([conclusion.inference] if conclusion.inference is not None else [])
            data = next((h.data for h in holders if "inference_range" in h.data), {})
            take(("inference", node), "inference", f"the inference to [{conclusion.title}] in <{title}>", data,
                 holders)
    return found, errors


def sample(model: ArgumentMap, samples: int = 10_000, seed: int = 0, semantics: str = DEFAULT,
           default_spread: float | None = None, overrides: dict[str, float] | None = None,
           theses: list[str] | None = None) -> SampleReport:
    """Each thesis's credence over ``samples`` random draws of the ranged numbers: mean,
    median, 5-95% interval and histogram, and each number's first-order Sobol index. The
    same seed gives the same numbers. ValueError for a bad range (see :func:`ranges`), an
    unknown semantics or title, or a spread outside (0, 1)."""
    import numpy as np

    from argmap.batch import evaluate, override_name, vectorised

    if samples < 2:
        raise ValueError(f"--samples {samples}: draw at least 2")
    if default_spread is not None and not 0.0 < default_spread < 1.0:
        raise ValueError(f"--default-spread {default_spread}: give a number between 0 and 1")
    network = Network(model)
    chosen = network.theses if theses is None else theses
    for title in chosen:
        if title not in model.statements:
            raise ValueError(f"no statement is titled {title!r}" + did_you_mean(title, list(model.statements)))
    found, errors = ranges(model, network)
    if errors:
        where = model.path or "<text>"
        raise ValueError("\n".join(f"{where}:{e.line}:{e.column}: {e.message}" for e in errors))
    changes = network.changes(overrides)
    numbers = {**network.numbers, **changes}
    if default_spread is not None:
        for key, value in numbers.items():
            if key not in found and key not in changes:
                found[key] = (max(0.0, value - default_spread), min(1.0, value + default_spread))
    held = []
    if not vectorised(network, semantics):
        held = [network.inputs[key].label for key in found if override_name(network, key) is None]
        found = {key: bounds for key, bounds in found.items() if override_name(network, key) is not None}
    rng = np.random.default_rng(seed)
    spreads, columns = [], {}
    for key, (low, high) in found.items():
        alpha, beta = beta_parameters(numbers[key], low, high)
        columns[key] = rng.beta(alpha, beta, samples)
        spreads.append(InputSpread.model_construct(input=network.inputs[key].model_copy(update={"value": numbers[key]}),
                                                   low=low, high=high, alpha=alpha, beta=beta, sobol={}))
    targets = [("statement", title) for title in chosen]
    draws = evaluate(network, semantics, columns, samples, targets, overrides)
    point = evaluate(network, semantics, {}, 1, targets, overrides)
    reports = []
    for title, target in zip(chosen, targets):
        values = draws[target]
        counts, _ = np.histogram(np.clip(values, 0.0, 1.0), bins=BINS, range=(0.0, 1.0))
        low, median, high = np.quantile(values, [0.05, 0.5, 0.95])
        reports.append(ThesisSample.model_construct(
            thesis=title, credence=float(point[target][0]), mean=float(values.mean()), median=float(median),
            low=float(low), high=float(high), histogram=[int(c) for c in counts], draws=values))
        for spread, key in zip(spreads, found):
            spread.sobol[title] = first_order_sobol(columns[key], values)
    if chosen:
        spreads.sort(key=lambda s: -s.sobol[chosen[0]])
    return SampleReport.model_construct(semantics=semantics, samples=samples, seed=seed, theses=reports,
                                        inputs=spreads, held=held)


def first_order_sobol(x: "np.ndarray", y: "np.ndarray") -> float:
    """Var(E[y | x]) / Var(y), with E[y | x] the mean of y over equal-count slices of x: the
    share of y's variance that x explains on its own. Slices of noise add about
    SOBOL_BINS / len(x) (0.002 for 10,000 draws)."""
    import numpy as np

    total = float(np.var(y))
    if total <= 0.0:
        return 0.0
    order = np.argsort(x)
    slices = np.array_split(y[order], min(SOBOL_BINS, len(y)))
    mean = y.mean()
    between = sum(len(part) * (part.mean() - mean) ** 2 for part in slices) / len(y)
    return float(min(max(between / total, 0.0), 1.0))
