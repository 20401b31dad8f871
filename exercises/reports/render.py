"""From a Report to what people download: the template context, the PDF, file names.

The page and the PDF render the same body template (exercises/_report_body.html)
with the same chart figures (SVG in the page, PNG of the same figures in the PDF:
charts.py); the PDF adds a title page and a table of contents and takes its layout
from its own small stylesheet, static/app/report_pdf.css (print rules, page numbers),
never from Bootstrap or the page's report.css. Built PDFs are cached per exercise
state (cached_pdf), so a second download of an unchanged report is instant.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.text import slugify

from exercises.reports import lesson
from exercises.reports.data import build_report, observations_by_round
from exercises.reports.rows import Report
from exercises.text import render_markdown

CSS_PATH = Path(settings.BASE_DIR) / "static" / "app" / "report_pdf.css"
# Bump when the PDF's templates or stylesheet change, so cached PDFs are built again.
PDF_LAYOUT_VERSION = 3
PDF_CACHE_SECONDS = 60 * 60


def sections(report: Report) -> list[tuple[str, str]]:
    """(anchor, title) in report order; the debrief leaves out the private ones."""
    items = [
        ("overview", "Exercise overview"),
    ]
    if report.debrief_note_html or report.sources:
        items.append(("scenario-notes", "Behind the scenario"))
    items += [
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


def report_context(exercise, *, debrief: bool = False, report: Report | None = None, pdf: bool = False) -> dict:
    """Everything the page (or, with pdf=True, the PDF: charts as PNG) renders."""
    # matplotlib and numpy take some 40 MB: only a worker that draws a report loads them.
    from exercises.reports import charts

    report = report or build_report(exercise, debrief=debrief)
    return {
        "exercise": exercise,
        "report": report,
        "charts": charts.all_charts(report, fmt="png" if pdf else "svg"),
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
    with _no_cyclic_gc():
        document = HTML(string=html, url_fetcher=fetcher, base_url=None)
        return document.write_pdf(stylesheets=[stylesheet], presentational_hints=False, optimize_images=False)


@contextmanager
def _no_cyclic_gc():
    """WeasyPrint allocates hundreds of thousands of objects (boxes, styles) that live until the
    PDF is written; the cyclic collector would walk them again and again (about 15% of the
    build). Pause it for the build, then collect once. Reference counting still frees memory."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()


def pdf_cache_key(exercise, *, debrief: bool) -> str:
    """Changes with anything the report shows: every change bumps the revision or records an event
    (the report's own edits record REPORT_EDITED without a bump). created_at guards against a
    reused id (a test database rolled back)."""
    last_event = exercise.events.order_by("-pk").values_list("pk", flat=True).first() or 0
    created = int(exercise.created_at.timestamp() * 1000) if exercise.created_at else 0
    kind = "debrief" if debrief else "full"
    return f"report-pdf:v{PDF_LAYOUT_VERSION}:{exercise.pk}:{created}:{exercise.revision}:{last_event}:{kind}"


def cached_pdf(exercise, *, debrief: bool = False) -> bytes:
    """The report's PDF, built once per exercise state and kept in the cache for an hour."""
    key = pdf_cache_key(exercise, debrief=debrief)
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf(report_context(exercise, debrief=debrief, pdf=True))
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf


def filename(exercise, suffix: str, *, debrief: bool = False) -> str:
    stem = slugify(exercise.title) or "exercise"
    return f"{stem}-{'debrief' if debrief else 'report'}{suffix}"
