"""The report's files as a class uses them: the ledger in the PDF, the timeline's rounds,
CSV files Excel opens as written, and the sheets an instructor grades from."""

import csv
import io
import re
from datetime import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from exercises import services
from exercises.models import Event, Offer, Participant, TeamScore
from exercises.reports import tables
from exercises.reports.data import build_report
from exercises.reports.render import render_pdf, report_context
from tests import factories
from tests.test_report_content import played_exercise


@pytest.fixture
def played(db):
    return played_exercise(rounds=3, seed="files-test")


def pdf_pages(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_pdf_holds_the_agreements_ledger(played):
    pages = pdf_pages(render_pdf(report_context(played, pdf=True)))
    text = " ".join(pages)
    assert "the ledger is in the page" not in text.lower()
    ledger = next(page for page in pages if "Agreements and the ledger" in page)
    ledger = ledger.split("Agreements and the ledger", 1)[1]
    agreements = list(
        played.offers.filter(status=Offer.Status.ACCEPTED).select_related("from_team", "round").order_by("number")
    )
    assert len(agreements) >= 3
    for offer in agreements:
        outcomes = [c.outcome for c in offer.commitments.all()]
        parties = ", ".join([offer.from_team.key, *offer.recipients.values_list("key", flat=True)])
        row = (
            f"#{offer.number} round {offer.round.number} · {parties} · S {offer.specificity} · R {offer.reciprocity} · "
            f"{outcomes.count('kept')} kept, {outcomes.count('broken')} broken, {outcomes.count('due')} due"
        )
        assert row in ledger, row


@pytest.fixture
def ended(facilitator):
    """Round 1 closes, the leaderboard is shown, round 2 runs and closes, the exercise ends."""
    exercise = factories.make_exercise(facilitator, rounds=2)
    round_1 = services.start_round(exercise=exercise, actor="t")
    services.close_round(round=round_1, actor="t")
    services.reveal_leaderboard(exercise=exercise, revealed=True, actor="t")
    round_2 = services.start_round(exercise=exercise, actor="t")
    services.close_round(round=round_2, actor="t")
    services.end_exercise(exercise=exercise, actor="t")
    return exercise


def labels(items) -> list[str]:
    return [item.label for item in items]


def test_the_timeline_files_the_leaderboard_and_the_end_under_their_rounds(ended):
    report = build_report(ended)
    assert labels(report.before_rounds) == ["Exercise started"]
    round_1, round_2 = report.rounds
    assert "Leaderboard shown" in labels(round_1.timeline)
    assert labels(round_2.timeline)[-1] == "Exercise ended"
    # The events carry their round, so the events file says it too.
    columns, rows = tables.table(report, "events")
    by_kind = {row[columns.index("kind")]: row for row in rows}
    assert by_kind["leaderboard_revealed"][columns.index("round")] == 1
    assert by_kind["exercise_ended"][columns.index("round")] == 2


def test_events_recorded_without_a_round_go_under_the_round_open_before_them(ended):
    # As exercises played before events carried their round recorded them.
    round_2 = ended.rounds.get(number=2)
    services.record(ended, Event.Kind.LEADERBOARD_REVEALED, "t", revealed=False)
    Event.objects.create(
        exercise=ended,
        kind=Event.Kind.ROUND_PAUSED,
        actor="t",
        created_at=round_2.opened_at + (round_2.closed_at - round_2.opened_at) / 2,
    )
    report = build_report(ended)
    assert labels(report.before_rounds) == ["Exercise started"]
    assert labels(report.rounds[1].timeline).count("Leaderboard shown") == 1
    assert "Round paused" in labels(report.rounds[1].timeline)


@override_settings(TIME_ZONE="America/New_York")
def test_csv_times_are_local_to_the_second_and_name_their_zone(played, client):
    client.force_login(played.facilitator)
    content = client.get(f"/exercises/{played.pk}/report/events.csv").content
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][0] == "time (America/New_York)"
    first = played.events.order_by("created_at", "pk").first()
    local = timezone.localtime(first.created_at)
    assert local.utcoffset() != timezone.localtime(first.created_at, timezone.UTC).utcoffset()
    assert rows[1][0] == local.strftime("%Y-%m-%d %H:%M:%S")
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row[0]) for row in rows[1:])
    offers = list(csv.reader(io.StringIO(client.get(f"/exercises/{played.pk}/report/offers.csv").content.decode())))
    assert "created_at (America/New_York)" in offers[0] and "decided_at (America/New_York)" in offers[0]


def sheet(workbook, name) -> list[dict]:
    rows = list(workbook[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_xlsx_has_the_teams_standings_scores_and_participants(played, client):
    client.force_login(played.facilitator)
    content = client.get(f"/exercises/{played.pk}/report/report.xlsx").content
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    assert workbook.sheetnames[:3] == ["Teams", "Participants", "Scores"]

    last = played.rounds.order_by("-number").first()
    final = {s.team.key: s.total for s in TeamScore.objects.filter(round=last).select_related("team")}
    teams = sheet(workbook, "Teams")
    assert [t["team"] for t in teams] == sorted(final, key=lambda k: -final[k])
    assert {t["team"]: t["final_score"] for t in teams} == final
    assert teams[0]["rank"] == 1 and all(t["rank"] >= 1 for t in teams)
    for team in teams:
        sent = played.offers.filter(from_team__key=team["team"]).count()
        assert team["offers_sent"] == sent

    scores = sheet(workbook, "Scores")
    assert len(scores) == played.rounds.count() * played.teams.count()
    stored = {(s.round.number, s.team.key): s for s in TeamScore.objects.filter(round__exercise=played)}
    for row in scores:
        score = stored[(row["round"], row["team"])]
        assert (row["delivered"], row["stability"], row["total"]) == (score.delivered, score.stability, score.total)

    people = sheet(workbook, "Participants")
    players = Participant.objects.filter(team__exercise=played).select_related("team")
    assert sorted(p["participant"] for p in people) == sorted(p.display_name for p in players)
    for row in people:
        player = players.get(display_name=row["participant"])
        assert row["offers_sent"] == Offer.objects.filter(submitted_by=player).count()
        assert row["answers_given"] == player.response_set.count()
        assert row["team_final_score"] == final[row["team"]]
        assert datetime.strptime(row[f"joined_at ({timezone.get_current_timezone_name()})"], "%Y-%m-%d %H:%M:%S")
    assert sum(row["answers_given"] for row in people) > 0


def test_tied_teams_share_a_rank_in_the_files(facilitator):
    exercise = factories.make_exercise(facilitator, teams=("USA", "DPRK", "ROK"))
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    columns, rows = tables.table(build_report(exercise), "teams")
    assert [(row[columns.index("rank")], row[columns.index("tied")]) for row in rows] == [(1, "yes")] * 3
