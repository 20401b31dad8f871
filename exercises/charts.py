"""Server-rendered SVG charts for the console, the projector and the observer view.

Hand-written SVG: no JavaScript, no network, prints well. Every series differs by
marker shape and dash pattern as well as colour (the Okabe-Ito palette, safe for
the common colour-blindnesses), and carries its name at the end of its line, so a
chart reads in black and white too.
"""

import bisect
import math
from dataclasses import dataclass, field

from django.db.models import Avg
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from exercises.models import Offer, Round, TeamScore

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 2 1 2", "12 2"]
MARKERS = ["circle", "square", "triangle", "diamond", "cross", "triangle-down", "plus", "star"]

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 70, 30, 34


@dataclass
class Series:
    name: str
    values: list[float | None]  # one per x label; None where there is no data
    style: int = 0


@dataclass
class Chart:
    title: str
    x_labels: list[str]
    series: list[Series] = field(default_factory=list)
    y_max: float = 100.0
    y_label: str = ""


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    s = 4.5
    common = f'fill="{colour}" stroke="{colour}" stroke-width="1.5"'
    if kind == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s}" {common}/>'
    if kind == "square":
        return f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s}" height="{2 * s}" {common}/>'
    if kind in ("triangle", "triangle-down"):
        d = -1 if kind == "triangle" else 1
        pts = f"{x:.1f},{y + d * s * 1.2:.1f} {x - s * 1.1:.1f},{y - d * s * 0.8:.1f} {x + s * 1.1:.1f},{y - d * s * 0.8:.1f}"
        return f'<polygon points="{pts}" {common}/>'
    if kind == "diamond":
        pts = f"{x:.1f},{y - s * 1.3:.1f} {x + s:.1f},{y:.1f} {x:.1f},{y + s * 1.3:.1f} {x - s:.1f},{y:.1f}"
        return f'<polygon points="{pts}" {common}/>'
    if kind == "cross":
        return (
            f'<path d="M{x - s:.1f},{y - s:.1f}L{x + s:.1f},{y + s:.1f}M{x - s:.1f},{y + s:.1f}L{x + s:.1f},{y - s:.1f}" '
            f'stroke="{colour}" stroke-width="2.5" fill="none"/>'
        )
    if kind == "plus":
        return (
            f'<path d="M{x - s:.1f},{y:.1f}H{x + s:.1f}M{x:.1f},{y - s:.1f}V{y + s:.1f}" '
            f'stroke="{colour}" stroke-width="2.5" fill="none"/>'
        )
    # star: an open circle with a dot, distinct from the filled circle
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s}" fill="#fff" stroke="{colour}" stroke-width="2"/>'


def line_chart(chart: Chart) -> SafeString:
    """A line chart with labelled axes, one styled line per series and its name at its end."""
    n = len(chart.x_labels)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    y_max = chart.y_max or 1.0

    def px(i: int) -> float:
        return LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def py(v: float) -> float:
        return TOP + plot_h * (1 - min(max(v, 0), y_max) / y_max)

    summary = "; ".join(
        f"{s.name}: "
        + ", ".join(f"{lab} {v:.0f}" for lab, v in zip(chart.x_labels, s.values, strict=False) if v is not None)
        for s in chart.series
    )
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(chart.title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">',
        f"<title>{escape(chart.title)}</title><desc>{escape(summary or 'No data yet.')}</desc>",
        f'<text x="{LEFT}" y="16" font-weight="600" font-size="13">{escape(chart.title)}</text>',
    ]
    for k in range(5):
        v = y_max * k / 4
        y = py(v)
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333">{v:.0f}</text>')
    for i, label in enumerate(chart.x_labels):
        out.append(f'<text x="{px(i):.1f}" y="{HEIGHT - 12}" text-anchor="middle" fill="#333">{escape(label)}</text>')
    if chart.y_label:
        out.append(
            f'<text x="12" y="{TOP + plot_h / 2:.1f}" transform="rotate(-90 12 {TOP + plot_h / 2:.1f})" '
            f'text-anchor="middle" fill="#333">{escape(chart.y_label)}</text>'
        )
    if not any(v is not None for s in chart.series for v in s.values):
        out.append(
            f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" fill="#555">'
            "No data yet: it appears as rounds are played.</text>"
        )
    # Sorted, so a nudge looks only at the names near it: with 60 teams, most names start
    # at the same height and scanning every placed name at every step cost 40 % of the charts.
    label_slots: list[float] = []
    for s in chart.series:
        colour, dash, marker = (
            PALETTE[s.style % len(PALETTE)],
            DASHES[s.style % len(DASHES)],
            MARKERS[s.style % len(MARKERS)],
        )
        points = [(px(i), py(v)) for i, v in enumerate(s.values) if v is not None]
        if not points:
            continue
        if len(points) > 1:
            d = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(f'<polyline points="{d}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        out.extend(_marker(marker, x, y, colour) for x, y in points)
        # The name at the line's end, nudged apart from names already placed.
        lx, ly = points[-1]
        while _too_close(ly, label_slots):
            ly += 13
        bisect.insort(label_slots, ly)
        out.append(f'<text x="{lx + 9:.1f}" y="{ly + 4:.1f}" fill="#111" font-weight="600">{escape(s.name)}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))


def _too_close(y: float, slots: list[float]) -> bool:
    """A name placed less than 13 px from y; only the sorted slots near y can be."""
    nearby = slots[bisect.bisect_left(slots, y - 14) : bisect.bisect_right(slots, y + 14)]
    return any(abs(y - other) < 13 for other in nearby)


# --- the data behind the charts: a fixed number of queries, whatever the size of the room ------


def exercise_charts(exercise, teams: list, rounds: list[Round]) -> dict:
    """Tension over rounds, and each team's mean specificity, reciprocity and score per round."""
    played = [r for r in rounds]
    labels = [f"R{r.number}" for r in played]
    style = {team.pk: i for i, team in enumerate(teams)}

    tension_labels = ["Start"] + [f"R{r.number}" for r in rounds if r.is_closed]
    tension_values = [rounds[0].tension_before if rounds else exercise.tension] + [
        r.tension_after for r in rounds if r.is_closed
    ]
    if rounds and not rounds[-1].is_closed:
        tension_labels.append("Now")
        tension_values.append(exercise.tension)
    tension = Chart("Regional tension (0–100)", tension_labels, [Series("Tension", tension_values)], y_label="tension")

    means = (
        Offer.objects.filter(exercise=exercise)
        .values("round__number", "from_team_id")
        .annotate(s=Avg("specificity"), r=Avg("reciprocity"))
    )
    by_key = {(row["from_team_id"], row["round__number"]): row for row in means}

    def per_team(metric: str) -> list[Series]:
        return [
            Series(
                team.key,
                [by_key.get((team.pk, r.number), {}).get(metric) for r in played],
                style[team.pk],
            )
            for team in teams
        ]

    scores = TeamScore.objects.filter(round__exercise=exercise).values_list("team_id", "round__number", "total")
    score_by = {(team_id, number): total for team_id, number, total in scores}
    score_series = [
        Series(team.key, [score_by.get((team.pk, r.number)) for r in played], style[team.pk]) for team in teams
    ]
    top = max([v for s in score_series for v in s.values if v is not None] + [10.0])
    return {
        "tension": line_chart(tension),
        "specificity": line_chart(
            Chart("Mean specificity of offers sent", labels, per_team("s"), y_label="specificity")
        ),
        "reciprocity": line_chart(
            Chart("Mean reciprocity of offers sent", labels, per_team("r"), y_label="reciprocity")
        ),
        "scores": line_chart(
            Chart("Team scores after each round", labels, score_series, y_max=math.ceil(top / 10) * 10, y_label="score")
        ),
    }
