"""The after-action report's content, checked against an exercise played by the demo bots."""

import io
import re
from html import unescape

import pytest
from django.core.management import call_command
from django.utils.html import escape
from pypdf import PdfReader

from exercises import services
from exercises.models import Commitment, Exercise, ImprovementItem, Observation, Observer, Offer, Response
from exercises.reports import charts, lesson
from exercises.reports.data import build_report
from exercises.reports.render import render_pdf, report_context
from tests import factories

SECTION_TITLES = (
    "Exercise overview",
    "Timeline",
    "Offers and agreements",
    "Analysis by team",
    "The brief's lesson, tested",
    "Observations",
    "Improvement plan",
)


def played_exercise(rounds: int = 3, seed: str = "report-test") -> Exercise:
    out = io.StringIO()
    call_command("seed_demo", "--new", "--played-rounds", str(rounds), "--seed", seed, "--json", stdout=out)
    return Exercise.objects.order_by("-pk").first()


@pytest.fixture
def played(db):
    exercise = played_exercise()
    observer = Observer.objects.create(exercise=exercise, name="Dr Evans")
    Observation.objects.create(
        exercise=exercise,
        observer=observer,
        author="Dr Evans",
        round=exercise.rounds.get(number=2),
        team=exercise.teams.get(key="DPRK"),
        text="DPRK linked every step to a matching one.",
    )
    ImprovementItem.objects.create(
        exercise=exercise, issue="Vague deadlines", recommendation="Drill 'within N days'.", owner="instructor"
    )
    return exercise


def page_text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def facilitator_page(client, played):
    client.force_login(played.facilitator)
    response = client.get(f"/exercises/{played.pk}/report/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_every_team_round_and_agreement_with_its_numbers(played, facilitator_page):
    text = page_text(facilitator_page)
    for team in played.teams.all():
        assert team.name in text
    for number in (1, 2, 3):
        assert f"Round {number}" in text
    agreements = list(played.offers.filter(status=Offer.Status.ACCEPTED).prefetch_related("commitments"))
    assert agreements, "the bots reach agreements"
    for offer in agreements:
        kept = sum(c.outcome == Commitment.Outcome.KEPT for c in offer.commitments.all())
        broken = sum(c.outcome == Commitment.Outcome.BROKEN for c in offer.commitments.all())
        due = sum(c.outcome == Commitment.Outcome.DUE for c in offer.commitments.all())
        not_delivered = sum(c.outcome in ("voided", "withdrawn") for c in offer.commitments.all())
        row = re.search(
            rf'<tr><td class="num"><a href="#offer-{offer.number}">{offer.number}</a></td>(.*?)</tr>',
            facilitator_page,
            re.S,
        )
        assert row, f"agreement #{offer.number} in the ledger table"
        cells = re.findall(r'<td class="num">([^<]*)</td>', row.group(1))
        assert cells == [
            str(offer.round.number),
            str(offer.specificity),
            str(offer.reciprocity),
            str(kept),
            str(broken),
            str(not_delivered),
            str(due),
        ]


def test_it_shows_each_offer_with_its_scores(played, facilitator_page):
    for offer in played.offers.all():
        block = re.search(rf'<tr id="offer-{offer.number}".*?</tr>', facilitator_page, re.S).group(0)
        nums = re.findall(r'<td class="num">([^<]*)</td>', block)
        assert nums[:3] == [str(offer.number), str(offer.specificity), str(offer.reciprocity)]


def test_team_analysis_matches_the_scores_and_offers(played):
    report = build_report(played)
    for team in played.teams.all():
        analysis = next(t for t in report.teams if t.key == team.key)
        final = team.scores.order_by("-round__number").first()
        assert analysis.final_score == final.total
        assert [r.total for r in analysis.rounds] == [s.total for s in team.scores.order_by("round__number")]
        sent = played.offers.filter(from_team=team)
        assert analysis.offers_sent == sent.count()
        for row in analysis.rounds:
            in_round = [o.specificity for o in sent.filter(round__number=row.number)]
            expected = round(sum(in_round) / len(in_round), 1) if in_round else None
            assert row.mean_s == expected


def test_the_lesson_counts_resolved_commitments_by_the_thresholds(played):
    report = build_report(played)
    resolved = list(
        Commitment.objects.filter(offer__exercise=played, outcome__in=["kept", "broken"]).select_related("offer")
    )
    tested = [
        c for c in resolved if c.specificity >= lesson.SPECIFIC_MIN and c.offer.reciprocity >= lesson.RECIPROCAL_MIN
    ]
    assert report.lesson.tested.resolved == len(tested)
    assert report.lesson.tested.kept == sum(c.outcome == "kept" for c in tested)
    assert report.lesson.others.resolved == len(resolved) - len(tested)
    assert report.lesson.others.kept == sum(c.outcome == "kept" for c in resolved if c not in tested)
    assert sum(g.resolved for g in report.lesson.groups) == len(resolved)
    assert f"({report.lesson.tested.kept} of {report.lesson.tested.resolved})" in report.lesson.verdict


def test_strengths_and_improvements_quote_the_data(db, facilitator):
    exercise = factories.make_exercise(facilitator)
    usa = factories.make_player(exercise, "USA")
    dprk = factories.make_player(exercise, "DPRK")
    from exercises import services

    services.start_round(exercise=exercise, actor="t")
    vague = factories.send_offer(dprk, [usa.team], factories.vague_rows("DPRK", "USA"))
    services.respond(offer=vague, participant=usa, accept=True)
    report = build_report(exercise)
    usa_row = next(t for t in report.teams if t.key == "USA")
    dprk_row = next(t for t in report.teams if t.key == "DPRK")
    assert "USA accepted one one-sided agreement" in " ".join(usa_row.improvements)
    assert "1 of 1 DPRK commitments had no deadline." in dprk_row.improvements


def test_counters_are_shown_as_what_changed(db, facilitator):
    exercise = factories.make_exercise(facilitator)
    usa = factories.make_player(exercise, "USA")
    dprk = factories.make_player(exercise, "DPRK")
    from exercises import services

    services.start_round(exercise=exercise, actor="t")
    parent = factories.send_offer(dprk, [usa.team], factories.specific_rows("DPRK", "USA"))
    rows = factories.specific_rows("DPRK", "USA")
    rows[0]["deadline"] = "within 90 days"
    counter = factories.send_offer(usa, [dprk.team], rows, parent=parent)
    report = build_report(exercise)
    row = next(o for o in report.offers if o.number == counter.number)
    assert row.parent_number == parent.number
    assert "1 by when: “within 30 days” → “within 90 days”" in row.changes
    assert row.changes[-1].startswith("specificity ")
    (changed,) = row.diff.changed
    assert [(t.label, t.before, t.after) for t in changed.terms] == [("by when", "within 30 days", "within 90 days")]
    assert row.diff.unchanged == 1


def test_observations_appear_by_round_and_team(played, facilitator_page):
    assert "DPRK linked every step to a matching one." in facilitator_page
    assert "Dr Evans" in facilitator_page


def test_charts_are_deterministic_svg_readable_without_colour(played):
    report = build_report(played)
    first, second = charts.offers_scatter(report), charts.offers_scatter(report)
    assert first == second
    assert first.startswith("<?xml") and "<svg" in first
    assert "<dc:date>" not in first
    scores = charts.scores_chart(report)
    assert scores == charts.scores_chart(report)
    # Line styles differ between teams (not only colours): dashed lines carry a dasharray.
    assert "stroke-dasharray" in scores


def test_the_page_and_the_pdf_show_the_same_charts(played):
    """The same figures: SVG in the page, PNG of the same figure in the PDF (cheaper for WeasyPrint)."""
    from django.template.loader import render_to_string

    page_context, pdf_context = report_context(played), report_context(played, pdf=True)
    assert set(page_context["charts"]) == set(pdf_context["charts"]) == set(charts.FIGURES)
    page = render_to_string("exercises/_report_body.html", page_context)
    pdf_html = render_to_string("exercises/report_pdf.html", {**pdf_context, "pdf": True})
    for name, uri in page_context["charts"].items():
        assert uri.startswith("data:image/svg+xml;base64,") and uri in page
        png = pdf_context["charts"][name]
        assert png.startswith("data:image/png;base64,") and png in pdf_html
        assert png == charts.all_charts(report_context(played)["report"], fmt="png")[name]  # deterministic


def test_charts_of_an_exercise_without_offers_warn_nothing(db, facilitator):
    import warnings

    # Teams but no round played: no line to put in the legend (matplotlib used to warn).
    report = build_report(factories.make_exercise(facilitator))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svgs = charts.all_charts(report)
        pngs = charts.all_charts(report, fmt="png")
    assert set(svgs) == set(pngs) == {"tension", "scores", "offers"}


def test_the_pdf_is_cached_until_the_exercise_changes(played, client):
    from django.core.cache import cache

    from exercises.reports import render as report_render

    key = report_render.pdf_cache_key(played, debrief=False)
    cache.delete(key)
    client.force_login(played.facilitator)
    first = client.get(f"/exercises/{played.pk}/report/report.pdf").content
    assert cache.get(key) == first
    assert client.get(f"/exercises/{played.pk}/report/report.pdf").content == first
    # A report edit records an event, which changes the key: the next download is built again.
    from exercises.reports.edits import save_narrative

    save_narrative(exercise=played, text="Changed.", actor="t")
    played.refresh_from_db()
    assert report_render.pdf_cache_key(played, debrief=False) != key
    assert report_render.pdf_cache_key(played, debrief=True) != report_render.pdf_cache_key(played, debrief=False)


def test_the_pdf_holds_the_team_names_and_section_titles(played):
    pdf = render_pdf(report_context(played))
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert len(reader.pages) >= 8
    for team in played.teams.all():
        assert team.name in text
    for title in SECTION_TITLES:
        assert title.replace("'", "’") in text or title in text, title
    assert "Contents" in text
    assert f"Page 2 of {len(reader.pages)}" in text


def test_the_narrative_is_rendered_markdown_without_scripts(played, client):
    from exercises.reports.edits import save_narrative

    save_narrative(
        exercise=played,
        text="## Summary\n\n**Good** work.\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        '[click](javascript:alert(3)) <a href="JAVASCRIPT:alert(4)">x</a> <b onclick="alert(5)">b</b>',
        actor="t",
    )
    client.force_login(played.facilitator)
    html = client.get(f"/exercises/{played.pk}/report/").content.decode()
    narrative = re.search(r'<div class="aar-narrative">(.*?)</div>', html, re.S).group(1)
    assert "<strong>Good</strong>" in narrative
    lowered = narrative.lower()
    for bad in ("<script", "alert(1)", "onerror", "javascript:", "onclick", "<img"):
        assert bad not in lowered, bad


def test_the_debrief_leaves_out_private_text(played, client):
    client.force_login(played.facilitator)
    full = client.get(f"/exercises/{played.pk}/report/").content.decode()
    debrief = client.get(f"/exercises/{played.pk}/report/debrief/").content.decode()
    pdf = client.get(f"/exercises/{played.pk}/report/debrief.pdf").content
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    full_text, debrief_text = page_text(full), page_text(debrief)
    playing = set(played.teams.values_list("key", flat=True))
    for team in [t for t in played.scenario["teams"] if t["key"] in playing]:
        for paragraph in [p for p in team.get("brief", "").split("\n\n") if p.strip()]:
            words = " ".join(paragraph.replace("**", "").split())[:50]
            assert words in full_text, words  # the check below can fail
            assert words not in debrief_text, words
        for objective in team.get("objectives", []):
            assert escape(objective) in full
            assert escape(objective) not in debrief
            assert objective not in pdf_text
    assert "DPRK linked every step" in full and "DPRK linked every step" not in debrief
    assert "Appendix: team values" in full and "Appendix: team values" not in debrief
    assert "gives" not in page_text(debrief).split("Offers and agreements")[1].split("Analysis by team")[0]
    for item in played.scenario["catalogue"][:5]:
        row = "".join(f'<td class="num">{item["values"].get(t.key, 0)}</td>' for t in played.teams.all())
        assert row in full.replace("\n", "")
        assert row not in debrief.replace("\n", "")


def test_query_count_does_not_grow_with_offers(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(exercise) -> int:
        with CaptureQueriesContext(connection) as ctx:
            report_context(exercise)
        return len(ctx.captured_queries)

    small = played_exercise(rounds=1, seed="small")
    large = played_exercise(rounds=3, seed="large")
    # Both with news: the default pack schedules none for round 1 any more, and loading the
    # injects' audiences costs one query only when there are injects at all.
    for exercise in (small, large):
        if not exercise.injects.exists():
            services.push_inject(exercise=exercise, actor="t", inject_data={"title": "News", "text": "x"})
    assert small.injects.exists() and large.injects.exists()
    assert large.offers.count() >= 3 * small.offers.count()
    assert (
        Response.objects.filter(offer__exercise=large).count() > Response.objects.filter(offer__exercise=small).count()
    )
    assert count(small) == count(large) <= 20


def test_the_facilitator_reads_what_really_happened_at_hanoi_but_players_do_not(client, exercise, usa, usa_client):
    services.end_exercise(exercise=exercise, actor="t")
    client.force_login(exercise.facilitator)
    report = page_text(client.get(f"/exercises/{exercise.pk}/report/").content.decode())
    assert "Behind the scenario" in report and "What happened at Hanoi (27-28 February 2019)." in report
    assert "Sources of the scenario" in report and "Cato Institute, 23 January 2019" in report
    for debrief_url in (f"/exercises/{exercise.pk}/report/debrief/", f"/play/{usa.team_id}/debrief/"):
        page = client.get(debrief_url) if "exercises" in debrief_url else usa_client.get(debrief_url)
        assert page.status_code == 200
        assert "What happened at Hanoi" not in page.content.decode()
