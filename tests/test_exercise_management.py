"""Exercise management: settings, duplicate, archive, delete, and the list's status and dates.

Each view: it works for the owner (response, then refresh_from_db and the state, then the
event), another facilitator gets 404 and changes nothing, a wrong method gets 405.
"""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from exercises import lifecycle, services
from exercises.models import Event, Exercise, Participant, Round, Team
from tests import factories


def events(exercise, kind) -> list[Event]:
    return list(exercise.events.filter(kind=kind))


def ended_exercise(facilitator, **kw):
    exercise = factories.make_exercise(facilitator, **kw)
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    services.end_exercise(exercise=exercise, actor="t")
    exercise.refresh_from_db()
    return exercise


# --- settings ------------------------------------------------------------------------------------


def test_the_settings_page_shows_the_current_values(facilitator_client, exercise):
    response = facilitator_client.get(f"/exercises/{exercise.pk}/settings/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="title" value="Summit"' in html and 'name="round_minutes" value="10"' in html
    assert "Not started" in html and "0 of 3 rounds started" in html


def test_it_changes_the_title_and_the_rounds_not_yet_started(facilitator_client, exercise):
    running = services.start_round(exercise=exercise, actor="t")
    deadline = running.deadline
    response = facilitator_client.post(
        f"/exercises/{exercise.pk}/settings/", {"title": " IR 210 —  section A ", "num_rounds": 4, "round_minutes": 20}
    )
    assert response.status_code == 302 and response["Location"] == f"/exercises/{exercise.pk}/settings/"
    exercise.refresh_from_db()
    assert (exercise.title, exercise.num_rounds, exercise.round_minutes) == ("IR 210 — section A", 4, 20)
    running.refresh_from_db()
    assert running.deadline == deadline, "the running round keeps its clock"
    (event,) = events(exercise, Event.Kind.EXERCISE_EDITED)
    assert event.details == {"title": ["Summit", "IR 210 — section A"], "num_rounds": [3, 4], "round_minutes": [10, 20]}
    assert event.round == running and event.actor == "facilitator alice"
    # The next round runs for the new length.
    services.close_round(round=running, actor="t")
    following = services.start_round(exercise=exercise, actor="t")
    assert following.deadline - following.opened_at == timedelta(minutes=20)


def test_saving_unchanged_settings_records_nothing(facilitator_client, exercise):
    data = {"title": exercise.title, "num_rounds": exercise.num_rounds, "round_minutes": exercise.round_minutes}
    response = facilitator_client.post(f"/exercises/{exercise.pk}/settings/", data, follow=True)
    assert b"Nothing to change" in response.content
    assert events(exercise, Event.Kind.EXERCISE_EDITED) == []


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": "   ", "num_rounds": 3, "round_minutes": 10}, "This field is required"),
        ({"title": "x", "num_rounds": 1, "round_minutes": 10}, "2 rounds have started already: plan at least 2"),
        ({"title": "x", "num_rounds": 3, "round_minutes": 0}, "Enter a whole number from 1 to 180"),
        ({"title": "x", "num_rounds": 3, "round_minutes": "ten"}, "Enter a whole number from 1 to 180"),
        ({"title": "x", "num_rounds": 999, "round_minutes": 10}, "Enter a whole number from 1 to"),
    ],
)
def test_bad_settings_are_refused_inline_and_change_nothing(facilitator_client, exercise, data, message):
    for _ in range(2):
        services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    response = facilitator_client.post(f"/exercises/{exercise.pk}/settings/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    exercise.refresh_from_db()
    assert (exercise.title, exercise.num_rounds, exercise.round_minutes) == ("Summit", 3, 10)
    assert events(exercise, Event.Kind.EXERCISE_EDITED) == []


def test_an_ended_exercise_changes_only_its_title(facilitator_client, facilitator):
    exercise = ended_exercise(facilitator)
    page = facilitator_client.get(f"/exercises/{exercise.pk}/settings/").content.decode()
    assert page.count("disabled") >= 2
    facilitator_client.post(
        f"/exercises/{exercise.pk}/settings/", {"title": "Done", "num_rounds": 9, "round_minutes": 1}
    )
    exercise.refresh_from_db()
    assert (exercise.title, exercise.num_rounds, exercise.round_minutes) == ("Done", 3, 10)


def test_the_service_refuses_planning_away_a_started_round(facilitator, exercise):
    services.start_round(exercise=exercise, actor="t")
    with pytest.raises(services.GameError, match="plan at least 1"):
        lifecycle.change_settings(exercise=exercise, user=facilitator, title="x", num_rounds=0, round_minutes=5)


# --- duplicate -----------------------------------------------------------------------------------


def test_duplicating_makes_a_fresh_exercise_for_the_next_section(facilitator_client, facilitator):
    original = ended_exercise(facilitator, teams=("USA", "DPRK", "China"), rounds=2, minutes=12)
    original.scenario["title"] = "An older edition of the scenario"  # the frozen copy travels, not today's file
    Exercise.objects.filter(pk=original.pk).update(scenario=original.scenario)
    response = facilitator_client.post(f"/exercises/{original.pk}/duplicate/", {"title": "IR 210 — section B"})
    copy = Exercise.objects.get(title="IR 210 — section B")
    assert response.status_code == 302 and response["Location"] == f"/exercises/{copy.pk}/"
    assert copy.facilitator == facilitator and copy.status == Exercise.Status.SETUP
    assert copy.scenario == original.scenario and copy.scenario["title"] == "An older edition of the scenario"
    assert (copy.num_rounds, copy.round_minutes) == (2, 12)
    teams = lambda e: list(e.teams.values_list("key", "name", "order"))  # noqa: E731
    assert teams(copy) == teams(original)
    assert not set(copy.teams.values_list("join_code", flat=True)) & set(
        original.teams.values_list("join_code", flat=True)
    )
    assert copy.seed != original.seed and copy.observer_token != original.observer_token
    assert not Participant.objects.filter(team__exercise=copy).exists() and not copy.rounds.exists()
    (created,) = events(copy, Event.Kind.EXERCISE_CREATED)
    assert created.details["copied_from"] == original.pk and created.details["teams"] == ["USA", "DPRK", "China"]
    original.refresh_from_db()
    assert original.status == Exercise.Status.ENDED


def test_a_duplicate_needs_a_title(facilitator_client, exercise):
    response = facilitator_client.post(f"/exercises/{exercise.pk}/duplicate/", {"title": "  "})
    assert response.status_code == 400 and b"This field is required" in response.content
    assert Exercise.objects.count() == 1


# --- archive -------------------------------------------------------------------------------------


def test_archiving_takes_an_exercise_off_the_list_and_restoring_brings_it_back(facilitator_client, facilitator):
    exercise = ended_exercise(facilitator, title="Spring section")
    response = facilitator_client.post(f"/exercises/{exercise.pk}/archive/", {"archived": "1"})
    assert response.status_code == 302 and response["Location"] == "/exercises/"
    exercise.refresh_from_db()
    assert exercise.archived_at is not None
    assert len(events(exercise, Event.Kind.EXERCISE_ARCHIVED)) == 1
    listing = facilitator_client.get("/exercises/").content.decode()
    assert "Show archived (1)" in listing and "<tbody>" not in listing
    assert "No exercises yet" in facilitator_client.get("/exercises/").content.decode()
    assert "Spring section" in facilitator_client.get("/exercises/?archived=1").content.decode()
    assert facilitator_client.get(f"/exercises/{exercise.pk}/report/").status_code == 200  # kept whole

    facilitator_client.post(f"/exercises/{exercise.pk}/archive/", {"archived": "0"})
    exercise.refresh_from_db()
    assert exercise.archived_at is None
    assert len(events(exercise, Event.Kind.EXERCISE_RESTORED)) == 1
    assert "Spring section" in facilitator_client.get("/exercises/").content.decode()


def test_a_running_exercise_cannot_be_archived(facilitator_client, exercise):
    services.start_round(exercise=exercise, actor="t")
    response = facilitator_client.post(f"/exercises/{exercise.pk}/archive/", {"archived": "1"}, follow=True)
    assert "end it before you archive it" in response.content.decode()
    exercise.refresh_from_db()
    assert exercise.archived_at is None and events(exercise, Event.Kind.EXERCISE_ARCHIVED) == []


# --- delete --------------------------------------------------------------------------------------


def test_deleting_needs_the_title_typed(facilitator_client, facilitator):
    exercise = ended_exercise(facilitator)
    response = facilitator_client.post(f"/exercises/{exercise.pk}/delete/", {"confirmation": "summit"})
    assert response.status_code == 400
    assert "That is not the exercise&#x27;s title" in response.content.decode()
    assert Exercise.objects.filter(pk=exercise.pk).exists()


def test_deleting_removes_the_exercise_and_everything_in_it(facilitator_client, facilitator, caplog):
    exercise = ended_exercise(facilitator)
    factories.make_player(exercise, "USA", "Ann")
    team_ids = list(exercise.teams.values_list("pk", flat=True))
    assert exercise.events.count() > 3
    with caplog.at_level(logging.WARNING, logger="tabletop.audit"):
        response = facilitator_client.post(f"/exercises/{exercise.pk}/delete/", {"confirmation": " Summit "})
    assert response.status_code == 302 and response["Location"] == "/exercises/"
    assert not Exercise.objects.filter(pk=exercise.pk).exists()
    assert not Team.objects.filter(pk__in=team_ids).exists() and not Participant.objects.exists()
    assert not Event.objects.filter(exercise_id=exercise.pk).exists() and not Round.objects.exists()
    # The event log went with the exercise: the deletion is in the audit log instead.
    (record,) = [r for r in caplog.records if r.name == "tabletop.audit"]
    assert f"Exercise {exercise.pk} ('Summit') deleted by facilitator alice" in record.getMessage()


def test_a_running_exercise_cannot_be_deleted(facilitator_client, exercise):
    services.start_round(exercise=exercise, actor="t")
    response = facilitator_client.post(f"/exercises/{exercise.pk}/delete/", {"confirmation": "Summit"}, follow=True)
    assert response.redirect_chain == [(f"/exercises/{exercise.pk}/settings/", 302)]
    assert "The exercise is running: end it before you delete it." in response.content.decode()
    assert Exercise.objects.filter(pk=exercise.pk).exists()


# --- access and methods for every management view ------------------------------------------------

POSTS = ["settings/", "duplicate/", "archive/", "delete/"]


@pytest.mark.parametrize("tail", POSTS)
def test_another_facilitator_gets_404_and_changes_nothing(other_facilitator_client, facilitator, tail):
    exercise = ended_exercise(facilitator)
    data = {"title": "Mine now", "num_rounds": 3, "round_minutes": 10, "confirmation": "Summit", "archived": "1"}
    assert other_facilitator_client.post(f"/exercises/{exercise.pk}/{tail}", data).status_code == 404
    assert other_facilitator_client.get(f"/exercises/{exercise.pk}/{tail}").status_code in (404, 405)
    exercise.refresh_from_db()
    assert exercise.title == "Summit" and exercise.archived_at is None
    assert Exercise.objects.count() == 1


@pytest.mark.parametrize("tail", ["duplicate/", "archive/", "delete/"])
def test_the_actions_refuse_get(facilitator_client, exercise, tail):
    assert facilitator_client.get(f"/exercises/{exercise.pk}/{tail}").status_code == 405
    exercise.refresh_from_db()
    assert exercise.archived_at is None and Exercise.objects.count() == 1


def test_the_settings_page_refuses_other_methods(facilitator_client, exercise):
    assert facilitator_client.put(f"/exercises/{exercise.pk}/settings/").status_code == 405


@pytest.mark.parametrize("tail", POSTS)
def test_anonymous_is_sent_to_login(client, exercise, tail):
    response = client.post(f"/exercises/{exercise.pk}/{tail}", {"confirmation": "Summit"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Exercise.objects.filter(pk=exercise.pk, archived_at=None).exists()


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_status_rounds_and_dates(facilitator_client, facilitator):
    ended = ended_exercise(facilitator, title="Autumn")
    waiting = factories.make_exercise(facilitator, title="Winter")
    html = facilitator_client.get("/exercises/").content.decode()
    rows = {title: html.split(title, 1)[1].split("</tr>", 1)[0] for title in ("Autumn", "Winter")}
    assert "Ended" in rows["Autumn"] and "1 of 3" in rows["Autumn"]
    local = timezone.localtime
    for label, when in (("Started", ended.started_at), ("Ended", ended.ended_at), ("Created", ended.created_at)):
        assert f"{label} {local(when):%-d %b %Y, %H:%M}" in rows["Autumn"]
    assert "Not started" in rows["Winter"] and "0 of 3" in rows["Winter"] and "Started" not in rows["Winter"]
    assert f"/exercises/{waiting.pk}/settings/" in rows["Winter"]
