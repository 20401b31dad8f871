"""From a Report to what people download: the template context, the PDF, file names.

The page and the PDF render the same body template (exercises/_report_body.html)
with the same chart images; the PDF adds a title page and a table of contents and
takes its layout from static/app/report.css (print rules, page numbers).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify

from exercises.reports import charts, lesson
from exercises.reports.data import Report, build_report, observations_by_round
from exercises.reports.markdown import render_markdown

CSS_PATH = Path(settings.BASE_DIR) / "static" / "app" / "report.css"


def sections(report: Report) -> list[tuple[str, str]]:
    """(anchor, title) in report order; the debrief leaves out the private ones."""
    items = [
        ("overview", "Exercise overview"),
        ("timeline", "Timeline"),
        ("offers", "Offers and agreements"),
        ("teams", "Analysis by team"),
        ("lesson", "The brief's lesson, tested"),
    ]
    if not report.debrief:
        items.append(("observations", "Observations"))
    items.append(("plan", "Improvement plan"))
    if not report.debrief:
        items.append(("values", "Appendix: team values"))
    return items


def report_context(exercise, *, debrief: bool = False, report: Report | None = None) -> dict:
    report = report or build_report(exercise, debrief=debrief)
    return {
        "exercise": exercise,
        "report": report,
        "charts": charts.all_charts(report),
        "sections": sections(report),
        "observation_groups": observations_by_round(report),
        "team_briefs": {t.key: render_markdown(t.brief) for t in report.teams if t.brief},
        "specific_min": lesson.SPECIFIC_MIN,
        "reciprocal_min": lesson.RECIPROCAL_MIN,
    }


def render_pdf(context: dict) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("exercises/report_pdf.html", {**context, "pdf": True})
    # Only data: URIs (the charts): nothing in a report may make the server fetch a URL.
    fetcher = URLFetcher(allowed_protocols={"data"})
    stylesheet = CSS(string=CSS_PATH.read_text(encoding="utf-8"), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf(stylesheets=[stylesheet])


def filename(exercise, suffix: str, *, debrief: bool = False) -> str:
    stem = slugify(exercise.title) or "exercise"
    return f"{stem}-{'debrief' if debrief else 'report'}{suffix}"
