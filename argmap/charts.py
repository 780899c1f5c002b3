"""Charts for papers: the thesis over a file's history (``argmap log -o``) and the spread of
its credence under uncertainty (``argmap credence --samples -o``).

matplotlib draws them with its non-interactive backend, in a small serif style that sits in
a one-column figure; SVGs carry no date or random ids, so the same data gives the same file.
Writes are atomic.
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from argmap.files import write_atomically

if TYPE_CHECKING:
    from argmap.versions import Point
    from argmap.sampling import SampleReport

__all__ = ["chart_format", "history_chart", "histogram_chart"]

FORMATS = ("svg", "png")
WIDTH, HEIGHT = 6.0, 3.0  # inches: a column of a paper
COLOURS = ("#1f4e79", "#b5472b", "#4d7f3a", "#7a5195", "#8c6d1f")  # dark and distinct in greyscale too


def chart_format(path: str | Path) -> str:
    """``svg`` or ``png`` from the suffix; ValueError otherwise."""
    format = Path(path).suffix.lower().lstrip(".")
    if format not in FORMATS:
        raise ValueError(f"{path}: a chart is written as .svg or .png, not {Path(path).suffix or 'no suffix'!r}")
    return format


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.family": "serif", "font.size": 9, "axes.titlesize": 9, "axes.labelsize": 9,
                         "legend.fontsize": 8, "xtick.labelsize": 8, "ytick.labelsize": 8,
                         "svg.hashsalt": "argmap", "axes.spines.top": False, "axes.spines.right": False})
    figure, axes = plt.subplots(figsize=(WIDTH, HEIGHT))
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    return plt, figure, axes


def _save(plt, figure, path: str | Path) -> None:
    format = chart_format(path)
    buffer = io.BytesIO()
    metadata = {"Date": None} if format == "svg" else {"Software": "argmap"}
    figure.savefig(buffer, format=format, dpi=300, bbox_inches="tight", metadata=metadata)
    plt.close(figure)
    write_atomically(path, buffer.getvalue())


def history_chart(points: list["Point"], path: str | Path) -> None:
    """Each thesis's credence at each commit, in commit order, labelled by date and commit."""
    plt, figure, axes = _figure()
    theses = list(dict.fromkeys(t for point in points for t in point.credences))
    positions = list(range(len(points)))
    for colour, thesis in zip(COLOURS * (len(theses) // len(COLOURS) + 1), theses):
        xs = [x for x, point in zip(positions, points) if point.credences.get(thesis) is not None]
        ys = [points[x].credences[thesis] for x in xs]
        axes.plot(xs, ys, marker="o", markersize=3.5, linewidth=1.4, color=colour, label=f"[{thesis}]")
        if len(points) <= 15:  # few enough to label each value
            for x, y in zip(xs, ys):
                axes.annotate(f"{y:.3f}", (x, y), textcoords="offset points", xytext=(0, 5), ha="center",
                              fontsize=7, color=colour)
    values = [v for point in points for v in point.credences.values() if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    margin = max(0.05, (high - low) * 0.15)
    axes.set_ylim(max(0.0, low - margin), min(1.0, high + margin))
    axes.set_xlim(-0.5, len(points) - 0.5)
    axes.set_xticks(positions)
    step = max(1, len(points) // 12)  # at most about twelve labels
    axes.set_xticklabels([f"{p.date[:10]}\n{p.commit[:7]}" if i % step == 0 else "" for i, p in enumerate(points)],
                         rotation=0 if len(points) <= 6 else 45, ha="center" if len(points) <= 6 else "right")
    axes.set_ylabel("credence")
    axes.set_xlabel("commit")
    if len(theses) > 1:
        axes.legend(frameon=False)
    else:
        axes.set_title(f"[{theses[0]}]" if theses else "", loc="left")
    _save(plt, figure, path)


def histogram_chart(report: "SampleReport", path: str | Path) -> None:
    """The distribution of each thesis's credence over the draws: a histogram, the 5-95%
    interval shaded, the mean dashed and the value as stated dotted."""
    plt, figure, axes = _figure()
    single = len(report.theses) == 1
    for colour, thesis in zip(COLOURS * (len(report.theses) // len(COLOURS) + 1), report.theses):
        name = "" if single else f"[{thesis.thesis}] "
        axes.axvspan(thesis.low, thesis.high, color=colour, alpha=0.10, linewidth=0,
                     label=f"{name}5-95%: {thesis.low:.3f} to {thesis.high:.3f}")
        axes.hist(thesis.draws, bins=50, color=colour, alpha=0.8 if single else 0.45, label=f"[{thesis.thesis}]")
        axes.axvline(thesis.mean, color=COLOURS[1] if single else colour, linestyle="--", linewidth=1.2,
                     label=f"{name}mean {thesis.mean:.3f}")
        axes.axvline(thesis.credence, color="black", linestyle=":", linewidth=1.2,
                     label=f"{name}as stated {thesis.credence:.3f}")
    axes.set_xlabel(f"credence ({report.samples:,} draws of the uncertain numbers, {report.semantics})")
    axes.set_ylabel("draws")
    axes.legend(frameon=False, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=4 if single else 2,
                borderaxespad=0.2, handlelength=1.6, columnspacing=1.2)
    _save(plt, figure, path)
