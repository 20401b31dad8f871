"""The console's SVG charts: every line's name readable at its end."""

import re

from exercises.charts import Chart, Series, line_chart


def name_heights(svg: str) -> dict[str, float]:
    return {
        name: float(y)
        for y, name in re.findall(r'<text x="[\d.]+" y="([\d.]+)" fill="#111" font-weight="600">(\w+)</text>', svg)
    }


def test_names_of_lines_ending_together_are_nudged_apart():
    ending_together = [Series(f"T{i}", [10, 50], i) for i in range(4)]
    alone = Series("Far", [10, 95], 4)
    heights = name_heights(line_chart(Chart("Scores", ["R1", "R2"], [*ending_together, alone])))
    together = [heights[f"T{i}"] for i in range(4)]
    assert [round(b - a, 1) for a, b in zip(together, together[1:], strict=False)] == [13.0, 13.0, 13.0]
    assert heights["Far"] < together[0] - 13  # at its own line's end, not pushed
