"""Observers: invited by share link, see everything read-only, write observations."""

import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from exercises import rooms, services
from exercises.models import Event, Observation, Observer, Team
from tests import factories


@pytest.fixture
def observer(exercise):
    return services.invite_observer(exercise=exercise, name="Dr Lee", actor="t")


@pytest.fixture
def observer_client(observer):
    c = Client()
    assert c.get(f"/observe/{observer.token}/").status_code == 200
    return c


def test_the_facilitator_invites_an_observer(facilitator_client, exercise):
    response = facilitator_client.post(f"/exercises/{exercise.pk}/observers/", {"name": "Dr Lee"}, follow=True)
    observer = Observer.objects.get()
    assert observer.name == "Dr Lee" and f"/observe/{observer.token}/" in response.content.decode()
    assert Event.objects.filter(kind=Event.Kind.OBSERVER_INVITED).exists()


def test_an_observer_needs_a_name(facilitator_client, exercise):
    response = facilitator_client.post(f"/exercises/{exercise.pk}/observers/", {"name": ""})
    assert response.status_code == 400 and 'id="error_1_id_name"' in response.content.decode()
    assert not Observer.objects.exists()


def test_the_observer_sees_everything_without_controls(exercise, usa, dprk, observer, observer_client):
    services.start_round(exercise=exercise, actor="t")
    factories.send_offer(dprk, [usa.team])
    page = observer_client.get(f"/observe/{observer.token}/").content.decode()
    assert "Round 1 of 3" in page and "#1 · Awaiting answers" in page and "Kim" in page
    assert f"/observe/{observer.token}/offers/1/" in page and f"/observe/{observer.token}/report/" in page
    for control in ("/pause/", "/close/", "/end/", "/injects/", "/override/", "/move/", "/remove/", "/leaderboard/"):
        assert control not in page
    offer = observer_client.get(f"/observe/{observer.token}/offers/1/", HTTP_HX_REQUEST="true")
    assert offer.status_code == 200 and b"Specificity" in offer.content


def test_the_observer_sees_the_umpires_rows_read_only_and_escaped(exercise, usa, dprk, observer, observer_client):
    script = '<script>alert("x")</script>'
    rows = factories.specific_rows("DPRK", "USA")
    rows[0]["object"] = script
    round_ = services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team], rows)
    services.respond(offer=offer, participant=usa, accept=True)
    services.close_round(round=round_, actor="t")
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    Team.objects.filter(pk=dprk.team_id).update(name=script)
    response = observer_client.get(f"/observe/{observer.token}/")
    page = response.content.decode()
    assert all(isinstance(r, rooms.UmpireRow) for r in response.context["resolved"]) and response.context["resolved"]
    umpire = page.split("align-middle umpire")[1].split("</table>")[0]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in umpire and "<script>alert" not in page
    assert "<form" not in umpire and "Rule or value" not in umpire


def test_the_observer_records_an_observation(exercise, usa, observer, observer_client):
    round_ = services.start_round(exercise=exercise, actor="t")
    response = observer_client.post(
        f"/observe/{observer.token}/observations/",
        {"round": round_.pk, "team": usa.team_id, "text": "USA never named a verifier."},
    )
    assert response.status_code == 302
    observation = Observation.objects.get()
    assert (observation.round, observation.team, observation.author) == (round_, usa.team, "Dr Lee")
    event = Event.objects.get(kind=Event.Kind.OBSERVATION_RECORDED)
    assert event.team == usa.team and event.details["text"] == "USA never named a verifier."


def test_an_empty_observation_shows_an_inline_error(observer, observer_client):
    response = observer_client.post(f"/observe/{observer.token}/observations/", {"text": " "})
    assert response.status_code == 400 and 'id="error_1_id_text"' in response.content.decode()
    assert not Observation.objects.exists()


def test_a_team_of_another_exercise_is_refused(facilitator, observer, observer_client):
    other = factories.make_exercise(facilitator, title="Other")
    response = observer_client.post(
        f"/observe/{observer.token}/observations/", {"team": factories.team(other, "USA").pk, "text": "x"}
    )
    assert response.status_code == 400 and not Observation.objects.exists()


def test_observations_show_on_the_console(facilitator_client, exercise, observer):
    services.record_observation(observer=observer, text="A tense opening.")
    assert "A tense opening." in facilitator_client.get(f"/exercises/{exercise.pk}/").content.decode()


def test_a_wrong_token_gets_404(client, observer):
    assert client.get("/observe/not-a-token/").status_code == 404
    assert client.get("/observe/not-a-token/poll/?rev=0").status_code == 404
    assert client.post("/observe/not-a-token/observations/", {"text": "x"}).status_code == 404


@pytest.mark.parametrize(
    "path", ["rounds/start/", "end/", "injects/", "leaderboard/", "observers/", "projector/", "poll/?rev=0"]
)
def test_an_observer_cannot_act(exercise, observer, observer_client, path):
    response = observer_client.post(f"/exercises/{exercise.pk}/{path}", {"reveal": "1", "name": "x"})
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
    exercise.refresh_from_db()
    assert exercise.status == "setup" and not exercise.leaderboard_revealed


def test_poll_answers_204_without_a_query(observer, observer_client, django_assert_num_queries):
    page = observer_client.get(f"/observe/{observer.token}/").content.decode()
    rev, at = re.search(r"\?rev=(\d+)&amp;at=(\d+)", page).groups()
    with django_assert_num_queries(0):
        response = observer_client.get(f"/observe/{observer.token}/poll/", {"rev": rev, "at": at})
    assert response.status_code == 204


def test_poll_sends_changes(exercise, observer, observer_client):
    page = observer_client.get(f"/observe/{observer.token}/").content.decode()
    rev, at = re.search(r"\?rev=(\d+)&amp;at=(\d+)", page).groups()
    services.start_round(exercise=exercise, actor="t")
    response = observer_client.get(f"/observe/{observer.token}/poll/", {"rev": rev, "at": at})
    assert response.status_code == 200 and b"Round 1 of 3" in response.content and b"/pause/" not in response.content


def test_a_poll_after_an_offer_leaves_out_what_only_exercise_wide_changes_alter(
    exercise, observer, observer_client, usa, dprk, rok, dprk_client, rok_client
):
    from tests.test_views_team import offer_post

    services.start_round(exercise=exercise, actor="t")
    page = observer_client.get(f"/observe/{observer.token}/").content.decode()
    rev, at = re.search(r"\?rev=(\d+)&amp;at=(\d+)", page).groups()
    stale = {"rev": rev, "at": at, "s-umpire": "stale", "s-matrix": "stale"}
    assert dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows())).status_code == 302
    # A third team's poll finds the offer was not for it: the revision is recorded as team-scoped.
    assert rok_client.get(f"/play/{rok.team_id}/poll/", {"rev": rev}).status_code == 204
    html = observer_client.get(f"/observe/{observer.token}/poll/", stale).content.decode()
    assert 'id="live-matrix"' in html and 'id="live-umpire"' not in html
    factories.make_player(exercise, "ROK", "Jun")  # a join: exercise-wide
    html = observer_client.get(f"/observe/{observer.token}/poll/", stale).content.decode()
    assert 'id="live-umpire"' in html


def test_wrong_methods_get_405(observer, observer_client):
    assert observer_client.post(f"/observe/{observer.token}/").status_code == 405
    assert observer_client.get(f"/observe/{observer.token}/observations/").status_code == 405


@pytest.mark.django_db
def test_observer_queries_do_not_grow_with_teams_offers_or_settled_steps(facilitator):
    """The observer's page and poll render the teams table, matrix and umpire's table uncached."""
    from tests.test_console import _count, _room

    counts = {}
    for name, teams, offers in (("small", 4, 1), ("large", 12, 10)):
        exercise, _ = _room(facilitator, teams, offers)
        observer = services.invite_observer(exercise=exercise, name="Dr Lee", actor="t")
        c = Client()
        with time_machine.travel(timezone.now(), tick=False):
            counts[name] = (
                _count(c, f"/observe/{observer.token}/"),
                _count(c, f"/observe/{observer.token}/poll/?rev=0"),
            )
    print("observer page, observer poll queries (4 teams vs 12 teams x10 offers):", counts)
    assert counts["small"] == counts["large"]
