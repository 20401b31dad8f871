"""The facilitator's stand-in controls, the "bot" badge on every screen, rehearsals, seed_demo --bots."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from exercises import bots, services
from exercises.models import BotAction, Event, Exercise, Response
from tests import factories


def bot_url(exercise, team):
    return f"/exercises/{exercise.pk}/teams/{team.pk}/bot/"


def test_hand_over_and_take_back_from_the_console(facilitator_client, exercise):
    dprk = factories.team(exercise, "DPRK")
    response = facilitator_client.post(bot_url(exercise, dprk), {"persona": "hardliner"})
    assert response.status_code == 302 and response["Location"].endswith("#stand-ins-heading")
    dprk.refresh_from_db()
    assert dprk.bot_persona == "hardliner"
    page = facilitator_client.get(response["Location"]).content.decode()
    assert "is played by the Hardliner bot" in page
    assert 'class="badge bot-badge" title="Played by a bot: Hardliner"' in page
    assert "Take back" in page
    facilitator_client.post(bot_url(exercise, dprk), {"persona": ""})
    dprk.refresh_from_db()
    assert dprk.bot_persona == "" and Event.objects.filter(kind=Event.Kind.BOT_RELEASED, team=dprk).count() == 1


def test_an_unknown_persona_is_refused_with_a_message(facilitator_client, exercise):
    dprk = factories.team(exercise, "DPRK")
    response = facilitator_client.post(bot_url(exercise, dprk), {"persona": "fake-specific"}, follow=True)
    assert "Choose one of the personas listed." in response.content.decode()
    dprk.refresh_from_db()
    assert dprk.bot_persona == "" and not Event.objects.filter(kind=Event.Kind.BOT_ASSIGNED).exists()


def test_hand_over_requires_access_and_refuses_get(other_facilitator_client, facilitator_client, exercise):
    dprk = factories.team(exercise, "DPRK")
    assert other_facilitator_client.post(bot_url(exercise, dprk), {"persona": "hardliner"}).status_code == 404
    assert facilitator_client.get(bot_url(exercise, dprk)).status_code == 405
    other = factories.make_exercise(factories.make_facilitator("carol"))
    foreign = factories.team(other, "DPRK")
    assert facilitator_client.post(bot_url(exercise, foreign), {"persona": "hardliner"}).status_code == 404
    dprk.refresh_from_db()
    foreign.refresh_from_db()
    assert dprk.bot_persona == "" and foreign.bot_persona == ""


def test_rehearsal_requires_access_and_refuses_get(other_facilitator_client, facilitator_client, exercise):
    url = f"/exercises/{exercise.pk}/rehearsal/"
    assert other_facilitator_client.post(url).status_code == 404
    assert facilitator_client.get(url).status_code == 405
    assert Exercise.objects.count() == 1


def test_rehearsal_from_the_exercise_list(facilitator_client, exercise):
    assert "Rehearse" in facilitator_client.get("/exercises/").content.decode()
    response = facilitator_client.post(f"/exercises/{exercise.pk}/rehearsal/")
    rehearsal = Exercise.objects.exclude(pk=exercise.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/exercises/{rehearsal.pk}/"
    assert rehearsal.rehearsal and rehearsal.current_round().is_open
    page = facilitator_client.get(response["Location"]).content.decode()
    assert "rounds of 30 s · rehearsal: every team a bot" in page
    assert page.count("bot-badge") >= 4
    projector = facilitator_client.get(f"/exercises/{rehearsal.pk}/projector/").content.decode()
    assert "Rehearsal: every team is played by a bot." in projector and "bot-badge" in projector
    events = Event.objects.filter(exercise=rehearsal)
    assert events.filter(kind=Event.Kind.REHEARSAL_STARTED).count() == 1
    assert events.filter(kind=Event.Kind.BOT_ASSIGNED).count() == 4


def test_the_room_shows_the_badge_and_the_bots_reason(exercise, usa, usa_client):
    dprk = factories.team(exercise, "DPRK")
    services.start_round(exercise=exercise, actor="t")
    bots.hand_over(team=dprk, persona="hardliner", actor="f")
    offer = factories.send_offer(usa, [dprk])
    bot_player = bots.persona_moves.bot_player(dprk, "hardliner")
    services.respond(offer=offer, participant=bot_player, accept=False, note="We do not pay first.")
    page = usa_client.get(f"/play/{usa.team_id}/").content.decode()
    assert 'title="Played by a bot: Hardliner"' in page
    assert "DPRK: rejected" in page and "“We do not pay first.”" in page


def test_the_report_names_the_bots(facilitator_client, exercise):
    dprk = factories.team(exercise, "DPRK")
    bots.hand_over(team=dprk, persona="base-hitter", actor="facilitator alice")
    services.start_round(exercise=exercise, actor="t")
    services.end_exercise(exercise=exercise, actor="t")
    page = facilitator_client.get(f"/exercises/{exercise.pk}/report/").content.decode()
    assert '<span class="aar-bot">bot: Base hitter</span>' in page
    assert "North Korea handed to the Base hitter bot." in page or "handed to the Base hitter bot." in page


def seed(*args) -> dict:
    out = StringIO()
    call_command("seed_demo", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_seed_demo_hands_teams_to_bots_and_says_so(db):
    payload = seed("--new", "--bots", "3")
    assert [t["bot"] for t in payload["teams"]] == [None, "base-hitter", "grand-bargainer", "hardliner"]
    again = seed("--bots", "3")
    assert again["exercise"]["id"] == payload["exercise"]["id"]
    assert Event.objects.filter(kind=Event.Kind.BOT_ASSIGNED).count() == 3
    with pytest.raises(CommandError):
        seed("--new", "--bots", "4")


def test_seed_demo_bots_play_once_a_round_opens(db):
    payload = seed("--new", "--bots", "3")
    exercise = Exercise.objects.get(pk=payload["exercise"]["id"])
    Exercise.objects.filter(pk=exercise.pk).update(bot_delay_seconds=0)
    services.start_round(exercise=exercise, actor="t")
    made = bots.tick(exercise.pk)
    assert {a.team.key for a in made if a.key == "open"} == {t["key"] for t in payload["teams"] if t["bot"]}
    assert BotAction.objects.filter(exercise=exercise).count() == len(made)
    assert Response.objects.filter(offer__exercise=exercise).exists()


def test_the_pace_is_set_on_the_console_and_recorded(facilitator_client, other_facilitator_client, exercise):
    url = f"/exercises/{exercise.pk}/bots/pace/"
    assert facilitator_client.get(url).status_code == 405
    assert other_facilitator_client.post(url, {"seconds": "5"}).status_code == 404
    page = facilitator_client.post(url, {"seconds": "ninety"}, follow=True).content.decode()
    assert "The bots&#x27; pace is a whole number of seconds, from 1 to 600." in page
    exercise.refresh_from_db()
    assert exercise.bot_delay_seconds == 40
    page = facilitator_client.post(url, {"seconds": "12"}, follow=True).content.decode()
    assert "Bots now take about 12 seconds over each move." in page
    exercise.refresh_from_db()
    assert exercise.bot_delay_seconds == 12
    event = Event.objects.get(exercise=exercise, kind=Event.Kind.EXERCISE_EDITED)
    assert event.details == {"bot_delay_seconds": [40, 12]}
