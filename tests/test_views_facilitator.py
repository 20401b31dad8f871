"""Facilitator pages: works for the owner; 404 for another facilitator; login for anonymous; 405 for wrong methods."""

import pytest

from exercises import services
from exercises.models import Exercise, Round
from tests import factories


def test_it_lists_only_my_exercises(facilitator_client, exercise, other_facilitator):
    factories.make_exercise(other_facilitator, title="Bob's secret summit")
    response = facilitator_client.get("/exercises/")
    assert response.status_code == 200
    assert b"Summit" in response.content and b"Bob&#x27;s secret summit" not in response.content


def test_it_shows_an_empty_state(client, other_facilitator):
    client.force_login(other_facilitator)
    assert b"No exercises yet" in client.get("/exercises/").content


def test_anonymous_is_sent_to_login(client, exercise):
    for url in ["/exercises/", "/exercises/new/", f"/exercises/{exercise.pk}/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_creates_an_exercise(facilitator_client, facilitator):
    response = facilitator_client.post(
        "/exercises/new/",
        {
            "title": "IR 210",
            "scenario": "second-summit-2019",
            "teams": ["USA", "DPRK", "ROK"],
            "num_rounds": 3,
            "round_minutes": 12,
        },
    )
    exercise = Exercise.objects.get(title="IR 210")
    assert response.status_code == 302 and response["Location"] == f"/exercises/{exercise.pk}/"
    assert exercise.facilitator == facilitator and exercise.teams.count() == 3
    assert exercise.round_minutes == 12


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"title": "", "teams": ["USA", "DPRK"], "num_rounds": 3, "round_minutes": 10},
            "title",
            "This field is required",
        ),
        ({"title": "x", "teams": ["USA"], "num_rounds": 3, "round_minutes": 10}, "teams", "at least two teams"),
        (
            {"title": "x", "teams": ["USA", "XXX"], "num_rounds": 3, "round_minutes": 10},
            "teams",
            "not one of the available",
        ),
        (
            {"title": "x", "teams": ["USA", "DPRK"], "num_rounds": 0, "round_minutes": 10},
            "num_rounds",
            "whole number from 1 to 20",
        ),
        (
            {"title": "x", "teams": ["USA", "DPRK"], "num_rounds": 3, "round_minutes": "ten"},
            "round_minutes",
            "whole number",
        ),
    ],
)
def test_it_shows_create_errors_inline(facilitator_client, data, field, message):
    response = facilitator_client.post("/exercises/new/", {"scenario": "second-summit-2019", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert not Exercise.objects.filter(title="x").exists()


def test_it_shows_the_status_page_with_join_codes(facilitator_client, exercise, usa):
    response = facilitator_client.get(f"/exercises/{exercise.pk}/")
    assert response.status_code == 200
    for team in exercise.teams.all():
        assert team.join_code.encode() in response.content
    assert b"Ann" in response.content


def test_another_facilitator_gets_404_everywhere(other_facilitator_client, exercise):
    pk = exercise.pk
    assert other_facilitator_client.get(f"/exercises/{pk}/").status_code == 404
    assert other_facilitator_client.post(f"/exercises/{pk}/rounds/start/").status_code == 404
    assert other_facilitator_client.post(f"/exercises/{pk}/end/").status_code == 404
    assert not exercise.rounds.exists()


def test_it_starts_and_closes_rounds(facilitator_client, exercise):
    response = facilitator_client.post(f"/exercises/{exercise.pk}/rounds/start/")
    assert response.status_code == 302
    round_ = exercise.rounds.get()
    assert round_.status == Round.Status.OPEN
    facilitator_client.post(f"/exercises/{exercise.pk}/rounds/1/close/")
    round_.refresh_from_db()
    assert round_.is_closed
    response = facilitator_client.post(f"/exercises/{exercise.pk}/rounds/1/close/", follow=True)
    assert b"already closed" in response.content


def test_starting_twice_shows_a_message_not_an_error(facilitator_client, exercise):
    facilitator_client.post(f"/exercises/{exercise.pk}/rounds/start/")
    response = facilitator_client.post(f"/exercises/{exercise.pk}/rounds/start/", follow=True)
    assert response.status_code == 200 and b"still running" in response.content
    assert exercise.rounds.count() == 1


def test_it_ends_the_exercise(facilitator_client, exercise):
    facilitator_client.post(f"/exercises/{exercise.pk}/end/")
    exercise.refresh_from_db()
    assert exercise.is_ended


def test_round_results_page(facilitator_client, exercise, usa, dprk):
    round_ = services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    services.respond(offer=offer, participant=usa, accept=True)
    services.close_round(round=round_, actor="t")
    response = facilitator_client.get(f"/exercises/{exercise.pk}/rounds/1/")
    assert response.status_code == 200
    assert b"1 agreement" in response.content and b"Yongbyon" in response.content


@pytest.mark.parametrize(
    "url", ["/exercises/{pk}/rounds/start/", "/exercises/{pk}/end/", "/exercises/{pk}/rounds/1/close/"]
)
def test_actions_refuse_get(facilitator_client, exercise, url):
    assert facilitator_client.get(url.format(pk=exercise.pk)).status_code == 405


def test_healthz_touches_no_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_login_page_works(client, facilitator):
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "alice", "password": factories.PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/exercises/"
