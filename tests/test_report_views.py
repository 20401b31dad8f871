"""Who may open the report and its downloads; the facilitator's edits."""

import pytest
from django.test import Client

from exercises import services
from exercises.models import Event, ImprovementItem, Observer, ReportNarrative
from tests import factories
from tests.conftest import player_client

FACILITATOR_GETS = (
    "",
    "report.pdf",
    "debrief/",
    "debrief.pdf",
    "report.xlsx",
    "export.json",
    "offers.csv",
    "commitments.csv",
    "events.csv",
    "narrative/",
    "plan/new/",
)


@pytest.fixture
def played(exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    services.respond(offer=offer, participant=usa, accept=True)
    services.close_round(round=exercise.current_round(), actor="t")
    return exercise


def url(exercise, tail: str = "") -> str:
    return f"/exercises/{exercise.pk}/report/{tail}"


@pytest.mark.parametrize("tail", FACILITATOR_GETS)
def test_it_works_for_the_owner(facilitator_client, played, tail):
    response = facilitator_client.get(url(played, tail))
    assert response.status_code == 200
    if tail.endswith(".pdf"):
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("tail", FACILITATOR_GETS)
def test_other_facilitators_get_404(other_facilitator_client, played, tail):
    assert other_facilitator_client.get(url(played, tail)).status_code == 404


@pytest.mark.parametrize("tail", FACILITATOR_GETS)
def test_anonymous_goes_to_login(client, played, tail):
    response = client.get(url(played, tail))
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize("tail", FACILITATOR_GETS)
def test_players_get_404_on_the_facilitator_report(usa_client, played, tail):
    # A player has no account: login_required sends them to the login page, never to the report.
    response = usa_client.get(url(played, tail))
    assert response.status_code in (302, 404)
    assert b"Analysis by team" not in response.content


@pytest.mark.parametrize("tail", ["", "report.pdf", "export.json", "offers.csv", "debrief/"])
def test_wrong_method_is_405(facilitator_client, played, tail):
    assert facilitator_client.post(url(played, tail)).status_code == 405


def test_observers_read_the_full_report_by_their_link(client, played):
    observer = Observer.objects.create(exercise=played, name="Dr Evans")
    page = client.get(f"/observe/{observer.token}/report/")
    assert page.status_code == 200
    assert b"Analysis by team" in page.content and b"Appendix: team values" in page.content
    assert b"Edit the narrative" not in page.content
    pdf = client.get(f"/observe/{observer.token}/report/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/observe/not-a-token/report/").status_code == 404
    assert client.post(f"/observe/{observer.token}/report/").status_code == 405


def test_the_debrief_opens_to_players_when_the_exercise_ends(played, usa, usa_client):
    waiting = usa_client.get(f"/play/{usa.team_id}/debrief/")
    assert waiting.status_code == 403
    assert b"opens here when the facilitator ends" in waiting.content
    services.end_exercise(exercise=played, actor="t")
    page = usa_client.get(f"/play/{usa.team_id}/debrief/")
    assert page.status_code == 200
    assert b"Debrief" in page.content and b"Appendix: team values" not in page.content
    pdf = usa_client.get(f"/play/{usa.team_id}/debrief/debrief.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert usa_client.post(f"/play/{usa.team_id}/debrief/").status_code == 405


def test_players_of_other_teams_or_exercises_get_404(played, usa, facilitator):
    services.end_exercise(exercise=played, actor="t")
    elsewhere = factories.make_exercise(facilitator, title="Other")
    stranger = player_client(factories.make_player(elsewhere, "USA", "Zed"))
    assert stranger.get(f"/play/{usa.team_id}/debrief/").status_code == 404
    assert Client().get(f"/play/{usa.team_id}/debrief/").status_code == 302  # no seat at all: to the join page


def test_the_narrative_is_saved_and_logged(facilitator_client, played):
    response = facilitator_client.post(
        url(played, "narrative/"), {"text": "## What went well\n\nMost teams *linked* steps."}
    )
    assert response.status_code == 302
    assert ReportNarrative.objects.get(exercise=played).text.startswith("## What went well")
    event = played.events.filter(kind=Event.Kind.REPORT_EDITED).last()
    assert event.details["part"] == "narrative" and event.actor == "facilitator alice"
    page = facilitator_client.get(url(played)).content.decode()
    assert "<h2>What went well</h2>" in page and "<em>linked</em>" in page


def test_a_too_long_narrative_is_refused_inline(facilitator_client, played):
    response = facilitator_client.post(url(played, "narrative/"), {"text": "x" * 20_001})
    assert response.status_code == 400
    assert b"Ensure this value has at most 20000 characters" in response.content
    assert not ReportNarrative.objects.filter(exercise=played).exists()


def test_improvement_items_are_added_edited_and_deleted(facilitator_client, played):
    data = {"issue": "Vague deadlines", "recommendation": "Drill 'within N days'.", "owner": "TA", "due_date": ""}
    assert facilitator_client.post(url(played, "plan/new/"), data).status_code == 302
    item = ImprovementItem.objects.get(exercise=played)
    assert facilitator_client.get(url(played)).content.count(b"Vague deadlines") == 1
    data.update(owner="Instructor", due_date="2027-01-15")
    assert facilitator_client.post(url(played, f"plan/{item.pk}/"), data).status_code == 302
    item.refresh_from_db()
    assert item.owner == "Instructor" and str(item.due_date) == "2027-01-15"
    assert facilitator_client.get(url(played, f"plan/{item.pk}/delete/")).status_code == 405
    assert facilitator_client.post(url(played, f"plan/{item.pk}/delete/")).status_code == 302
    assert not ImprovementItem.objects.filter(pk=item.pk).exists()
    actions = [e.details.get("action") for e in played.events.filter(kind=Event.Kind.REPORT_EDITED)]
    assert actions == ["added", "changed", "deleted"]


def test_bad_improvement_items_show_inline_errors(facilitator_client, played):
    response = facilitator_client.post(
        url(played, "plan/new/"), {"issue": "   ", "recommendation": "", "owner": "", "due_date": "next week"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say what the issue is." in body or "This field is required." in body
    assert "Enter a valid date." in body
    assert not ImprovementItem.objects.exists()


def test_other_facilitators_cannot_edit(other_facilitator_client, played):
    item = ImprovementItem.objects.create(exercise=played, issue="I", recommendation="R")
    data = {"issue": "Hacked", "recommendation": "R", "owner": "", "due_date": ""}
    assert other_facilitator_client.post(url(played, f"plan/{item.pk}/"), data).status_code == 404
    assert other_facilitator_client.post(url(played, f"plan/{item.pk}/delete/")).status_code == 404
    assert other_facilitator_client.post(url(played, "narrative/"), {"text": "x"}).status_code == 404
    item.refresh_from_db()
    assert item.issue == "I"


def test_an_item_of_another_exercise_is_404(facilitator_client, played, facilitator):
    other = factories.make_exercise(facilitator, title="Other")
    item = ImprovementItem.objects.create(exercise=other, issue="I", recommendation="R")
    assert facilitator_client.get(url(played, f"plan/{item.pk}/")).status_code == 404
