"""The report's three charts, drawn on the server with matplotlib (Agg).

The page shows them as SVG; the PDF shows the same figures (same code, same data)
as PNG at 150 dpi, because WeasyPrint draws SVG in Python, node by node: the three
SVGs cost it about 0.35 s per PDF, the PNGs under 0.1 s (docs/performance.md,
"Report PDF"). Both are data: URIs, which the strict CSP allows for images. Output
is deterministic: a fixed hash salt for the SVG ids, no date in the metadata and
text drawn as paths, so the same exercise gives the same bytes. Meaning is carried
by markers and line styles, not only by colour, so the charts read in black and
white. With nothing to plot, a chart says so in its middle and draws no legend.
"""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from exercises.reports import lesson  # noqa: E402

MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p")
LINESTYLES = ("-", "--", "-.", ":")
# Okabe-Ito: distinguishable with colour-blindness; markers still carry the meaning.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
RC = {
    "svg.hashsalt": "tabletop-report",
    "svg.fonttype": "path",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
# Outcome of an offer -> (marker, filled, label)
OUTCOME_STYLE = {
    "kept": ("o", True, "Agreement, all kept"),
    "broken": ("X", True, "Agreement, some broken"),
    "agreed": ("s", False, "Agreement, not yet due"),
    "not agreed": ("^", False, "Not agreed"),
}


PNG_DPI = 150


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    with rc_context(RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return buffer.getvalue()


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    with rc_context(RC):
        fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata={"Software": None}, bbox_inches="tight")
    return buffer.getvalue()


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=10, color="#555555")


def _figure(width: float = 6.4, height: float = 3.0) -> Figure:
    with rc_context(RC):
        return Figure(figsize=(width, height), dpi=100)


def tension_figure(report) -> Figure:
    points = _tension_points(report)
    with rc_context(RC):
        fig = _figure()
        ax = fig.add_subplot()
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, marker="o", linestyle="-", color="#000000", label="Tension")
            for x, y in points:
                ax.annotate(f"{y:.0f}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
        else:
            _empty(ax, "No round has been played yet.")
        ax.set_xlabel("After round (0 = start)")
        ax.set_ylabel("Tension (0-100)")
        # Headroom above 100 for the value labels, which would otherwise run into the title.
        ax.set_ylim(0, 112)
        ax.set_yticks(range(0, 101, 20))
        ax.set_xticks(range(0, len(report.rounds) + 1))
        ax.grid(axis="y", linestyle=":", linewidth=0.5)
        ax.set_title("Regional tension over the rounds")
    return fig


def _tension_points(report) -> list[tuple[int, float]]:
    points = []
    for r in report.rounds:
        if not points and r.tension_before is not None:
            points.append((r.number - 1, r.tension_before))
        if r.tension_after is not None:
            points.append((r.number, r.tension_after))
    return points


def scores_chart(report) -> str:
    return _svg(scores_figure(report))


def scores_figure(report) -> Figure:
    with rc_context(RC):
        fig = _figure(height=3.4)
        ax = fig.add_subplot()
        plotted = 0
        for i, team in enumerate(report.teams):
            points = [(r.number, r.total) for r in team.rounds if r.total is not None]
            if not points:
                continue
            xs, ys = zip(*points, strict=True)
            ax.plot(
                xs,
                ys,
                marker=MARKERS[i % len(MARKERS)],
                linestyle=LINESTYLES[i % len(LINESTYLES)],
                color=COLOURS[i % len(COLOURS)],
                label=team.key,
                markersize=5,
            )
            plotted += 1
        ax.set_xlabel("Round")
        ax.set_ylabel("Score after the round")
        ax.set_xticks([r.number for r in report.rounds] or [1])
        ax.grid(axis="y", linestyle=":", linewidth=0.5)
        ax.set_title("Team scores")
        if plotted:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, ncols=1 + plotted // 9)
        else:
            _empty(ax, "No round has been scored yet.")
    return fig


def offers_scatter(report) -> str:
    return _svg(offers_figure(report))


def offers_figure(report) -> Figure:
    with rc_context(RC):
        fig = _figure(width=5.6, height=4.2)
        ax = fig.add_subplot()
        ax.axvline(lesson.SPECIFIC_MIN, color="#777777", linestyle="--", linewidth=0.8)
        ax.axhline(lesson.RECIPROCAL_MIN, color="#777777", linestyle="--", linewidth=0.8)
        handles = []
        for outcome, (marker, filled, label) in OUTCOME_STYLE.items():
            rows = [o for o in report.offers if o.outcome == outcome and o.specificity is not None]
            colour = {"kept": "#009E73", "broken": "#D55E00", "agreed": "#0072B2", "not agreed": "#555555"}[outcome]
            if rows:
                ax.scatter(
                    [o.specificity for o in rows],
                    [o.reciprocity or 0 for o in rows],
                    marker=marker,
                    s=36,
                    facecolors=colour if filled else "none",
                    edgecolors=colour,
                    linewidths=1.0,
                )
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=marker,
                    markerfacecolor=colour if filled else "none",
                    markeredgecolor=colour,
                    color=colour,
                    label=f"{label} ({len(rows)})",
                )
            )
        ax.set_xlim(0, 100)
        ax.set_ylim(0, 100)
        ax.set_xlabel("Specificity (S)")
        ax.set_ylabel("Reciprocity (R)")
        ax.text(99, 99, "specific and\nreciprocal", ha="right", va="top", fontsize=8, color="#444444")
        ax.set_title("Every offer by specificity and reciprocity")
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        if not any(o.specificity is not None for o in report.offers):
            _empty(ax, "No offer has been sent.")
    return fig


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


FIGURES = {"tension": tension_figure, "scores": scores_figure, "offers": offers_figure}


def all_charts(report, *, fmt: str = "svg") -> dict[str, str]:
    """name -> data: URI for <img src>: SVG for the page, fmt="png" for the PDF (same figures)."""
    if fmt == "png":
        return {name: png_data_uri(_png(build(report))) for name, build in FIGURES.items()}
    return {name: data_uri(_svg(build(report))) for name, build in FIGURES.items()}
