"""The console's controls: pausing, resuming and extending a round, pushing news, the umpire's rulings
and values, the leaderboard, moving and removing players; and who may use them (404, login, 405)."""

import re
from datetime import timedelta

import pytest

from exercises import roster, services
from exercises.models import Commitment, Event, Inject, Participant, Round, TeamScore
from tests import factories
from tests.test_console import console, play_a_round
from tests.test_views_team import offer_post

# --- round control -------------------------------------------------------------------------------


def test_it_pauses_and_resumes_the_round(facilitator_client, exercise, usa, dprk, dprk_client):
    services.start_round(exercise=exercise, actor="t")
    response = facilitator_client.post(f"/exercises/{exercise.pk}/rounds/1/pause/", follow=True)
    assert b"paused" in response.content
    round_ = exercise.rounds.get()
    assert round_.status == Round.Status.PAUSED and round_.deadline is None
    refused = dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows()), follow=True)
    assert refused.redirect_chain[0][1] == 302 and b"paused the round" in refused.content
    room = dprk_client.get(f"/play/{dprk.team_id}/").content.decode()
    assert 'data-status="paused"' in room and "The facilitator has paused the round" in room
    facilitator_client.post(f"/exercises/{exercise.pk}/rounds/1/resume/")
    round_.refresh_from_db()
    assert round_.status == Round.Status.OPEN and round_.deadline is not None
    assert Event.objects.filter(kind=Event.Kind.ROUND_PAUSED).exists()
    assert Event.objects.filter(kind=Event.Kind.ROUND_RESUMED).exists()


@pytest.mark.parametrize("minutes", ["1", "5", "17"])
def test_it_extends_the_round(facilitator_client, exercise, minutes):
    round_ = services.start_round(exercise=exercise, actor="t")
    facilitator_client.post(f"/exercises/{exercise.pk}/rounds/1/extend/", {"minutes": minutes})
    before = round_.deadline
    round_.refresh_from_db()
    assert round_.deadline - before == timedelta(minutes=int(minutes))


@pytest.mark.parametrize("minutes", ["", "ten", "0", "500", "-3"])
def test_a_bad_extension_gets_a_message(facilitator_client, exercise, minutes):
    round_ = services.start_round(exercise=exercise, actor="t")
    response = facilitator_client.post(f"/exercises/{exercise.pk}/rounds/1/extend/", {"minutes": minutes}, follow=True)
    assert response.status_code == 200 and b"1 to 120" in response.content
    before = round_.deadline
    round_.refresh_from_db()
    assert round_.deadline == before


def test_pausing_a_closed_round_gets_a_message(facilitator_client, exercise):
    round_ = services.start_round(exercise=exercise, actor="t")
    services.close_round(round=round_, actor="t")
    response = facilitator_client.post(f"/exercises/{exercise.pk}/rounds/1/pause/", follow=True)
    assert b"Only a running round can be paused" in response.content


def test_destructive_buttons_ask_first(facilitator_client, exercise):
    services.start_round(exercise=exercise, actor="t")
    page = console(facilitator_client, exercise).content.decode()
    assert re.search(r'data-confirm="Close round 1 now\?', page)
    assert re.search(r'data-confirm="End the exercise\?', page)


# --- injects -------------------------------------------------------------------------------------


def test_it_pushes_a_scenario_inject_that_teams_see(facilitator_client, exercise, usa, usa_client):
    item = exercise.scenario["injects"][-1]
    first = usa_client.get(f"/play/{usa.team_id}/poll/?rev=0").content.decode()
    revision = re.search(r"rev=(\d+)", first).group(1)
    facilitator_client.post(f"/exercises/{exercise.pk}/injects/push/", {"key": item["key"]})
    assert Inject.objects.filter(key=item["key"]).exists()
    assert Event.objects.filter(kind=Event.Kind.INJECT_PUSHED, details__key=item["key"]).exists()
    poll = usa_client.get(f"/play/{usa.team_id}/poll/?rev={revision}")
    assert poll.status_code == 200 and item["title"] in poll.content.decode()


def test_it_pushes_written_news_to_chosen_teams_only(facilitator_client, exercise, usa, dprk, usa_client, dprk_client):
    tension = exercise.tension
    response = facilitator_client.post(
        f"/exercises/{exercise.pk}/injects/",
        {"title": "Missile test over Japan", "text": "A launch at dawn.", "tension": "5", "audience": [dprk.team_id]},
    )
    assert response.status_code == 302
    assert "Missile test over Japan" in dprk_client.get(f"/play/{dprk.team_id}/").content.decode()
    assert "Missile test over Japan" not in usa_client.get(f"/play/{usa.team_id}/").content.decode()
    exercise.refresh_from_db()
    assert exercise.tension == tension + 5


def test_bad_inject_input_shows_inline_errors(facilitator_client, exercise):
    response = facilitator_client.post(f"/exercises/{exercise.pk}/injects/", {"title": "", "text": "", "tension": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="error_1_id_title"' in page and "Enter a number" in page
    assert not Inject.objects.exists()


def test_the_blank_news_form_kept_between_visits_never_hides_errors_or_the_end(facilitator_client, exercise):
    def write_news(page: str) -> str:
        return page.split('id="write-inject-heading"')[1].split("</section>")[0]

    console(facilitator_client, exercise)
    page = console(facilitator_client, exercise).content.decode()
    assert 'class="card card-body inject-form"' in write_news(page) and "error_1_id_title" not in page
    bad = facilitator_client.post(f"/exercises/{exercise.pk}/injects/", {"title": "", "text": "", "tension": "x"})
    assert 'id="error_1_id_title"' in write_news(bad.content.decode())
    assert "error_1_id_title" not in console(facilitator_client, exercise).content.decode()
    services.end_exercise(exercise=exercise, actor="t")
    section = write_news(console(facilitator_client, exercise).content.decode())
    assert "The exercise has ended." in section and "inject-form" not in section


def test_an_unknown_scenario_inject_gets_a_message(facilitator_client, exercise):
    response = facilitator_client.post(f"/exercises/{exercise.pk}/injects/push/", {"key": "nope"}, follow=True)
    assert b"not in this scenario" in response.content and not Inject.objects.exists()


# --- umpire and leaderboard ----------------------------------------------------------------------


def test_it_overrides_a_resolution_with_a_reason(facilitator_client, exercise, usa, dprk):
    offer = play_a_round(exercise, usa, dprk)
    round_ = services.start_round(exercise=exercise, actor="t")
    services.close_round(round=round_, actor="t")
    commitment = offer.commitments.order_by("position").first()
    commitment.refresh_from_db()
    assert commitment.outcome in ("kept", "broken")
    flipped = "broken" if commitment.outcome == "kept" else "kept"
    url = f"/exercises/{exercise.pk}/commitments/{commitment.pk}/override/"
    missing = facilitator_client.post(url, {"outcome": flipped, "reason": " "}, follow=True)
    assert b"Give a reason" in missing.content
    facilitator_client.post(url, {"outcome": flipped, "reason": "Inspectors confirmed it"})
    commitment.refresh_from_db()
    assert commitment.outcome == flipped and commitment.overridden
    # One ruling with its reason; the steps linked to it may follow, each recorded as such.
    rulings = Event.objects.filter(kind=Event.Kind.COMMITMENT_OVERRIDDEN)
    assert [e.details["commitment"] for e in rulings if e.details["reason"] == "Inspectors confirmed it"] == [1]
    assert all(e.details["reason"] == "follows the ruling on no. 1" for e in rulings if e.details["commitment"] != 1)


def test_the_umpire_table_offers_the_opposite_ruling_for_each_resolved_commitment(
    facilitator_client, exercise, usa, dprk
):
    offer = play_a_round(exercise, usa, dprk)
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    page = console(facilitator_client, exercise).content.decode()
    umpire = page.split('class="table table-sm align-middle umpire"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>\s*<td>#(.*?)</tr>", umpire, re.S)
    resolved = offer.commitments.exclude(outcome="due").order_by("position")
    assert len(rows) == resolved.count() > 0
    for row, commitment in zip(rows, resolved, strict=True):
        assert row.startswith(f"1.{commitment.position} ") and 'name="csrfmiddlewaretoken"' in row
        assert f'action="/exercises/{exercise.pk}/commitments/{commitment.pk}/value/"' in row
        if commitment.outcome == "voided":  # its condition broke: never drawn, nothing to overrule
            assert "(its condition, no. 1, was broken)" in row and "/override/" not in row
            continue
        flip = "broken" if commitment.outcome == "kept" else "kept"
        assert "p(kept) 0." in row
        assert f'action="/exercises/{exercise.pk}/commitments/{commitment.pk}/override/"' in row
        assert f'name="outcome" value="{flip}"' in row and f"Rule {flip}</button>" in row


def test_an_unresolved_commitment_cannot_be_overridden(facilitator_client, exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    c = offer.commitments.first()
    response = facilitator_client.post(
        f"/exercises/{exercise.pk}/commitments/{c.pk}/override/", {"outcome": "kept", "reason": "x"}, follow=True
    )
    assert b"Only a resolved commitment" in response.content
    assert Commitment.objects.get(pk=c.pk).outcome == "proposed"


def test_the_umpire_values_a_step_and_the_scores_follow(facilitator_client, exercise, usa, dprk):
    offer = play_a_round(exercise, usa, dprk)
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    step = offer.commitments.order_by("position").first()
    step.refresh_from_db()
    step.outcome = "kept"
    step.save(update_fields=["outcome"])
    url = f"/exercises/{exercise.pk}/commitments/{step.pk}/value/"
    assert facilitator_client.get(url).status_code == 405
    bad = facilitator_client.post(url, {"giver": "lots", "receiver": "2"}, follow=True)
    assert b"Values are numbers" in bad.content
    too_big = facilitator_client.post(url, {"giver": "-2", "receiver": "99"}, follow=True)
    assert b"between -20 and 20" in too_big.content
    step.refresh_from_db()
    assert step.umpire_value == {} and not Event.objects.filter(kind=Event.Kind.COMMITMENT_VALUED).exists()
    done = facilitator_client.post(url, {"giver": "-3", "receiver": "7,5"}, follow=True)
    assert b"valued by the umpire. Scores updated." in done.content
    step.refresh_from_db()
    assert step.umpire_value == {step.by: -3.0, **dict.fromkeys(step.to, 7.5)}
    event = Event.objects.get(kind=Event.Kind.COMMITMENT_VALUED)
    assert event.details["after"] == step.umpire_value and event.actor == "facilitator alice"
    receiver = step.to[0]
    score = TeamScore.objects.get(round=step.resolved_in, team__key=receiver)
    assert {"offer": offer.number, "commitment": step.position, "value": 7.5} in score.detail
    umpire = console(facilitator_client, exercise).content.decode().split("align-middle umpire")[1]
    assert f"{step.by} -3, {receiver} 7.5" in umpire and "Value this step</button>" in umpire
    facilitator_client.post(url, {"giver": "", "receiver": ""})
    step.refresh_from_db()
    assert step.umpire_value == {}


def test_a_step_never_agreed_cannot_be_valued(facilitator_client, exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    c = factories.send_offer(dprk, [usa.team]).commitments.first()
    response = facilitator_client.post(
        f"/exercises/{exercise.pk}/commitments/{c.pk}/value/", {"giver": "1", "receiver": "1"}, follow=True
    )
    assert b"Only a step of an agreement can be valued" in response.content
    assert Commitment.objects.get(pk=c.pk).umpire_value == {}


def test_it_reveals_and_hides_the_leaderboard(facilitator_client, exercise):
    facilitator_client.post(f"/exercises/{exercise.pk}/leaderboard/", {"reveal": "1"})
    exercise.refresh_from_db()
    assert exercise.leaderboard_revealed
    facilitator_client.post(f"/exercises/{exercise.pk}/leaderboard/", {"reveal": "0"})
    exercise.refresh_from_db()
    assert not exercise.leaderboard_revealed
    assert Event.objects.filter(kind=Event.Kind.LEADERBOARD_REVEALED).count() == 2


# --- roster --------------------------------------------------------------------------------------


def test_the_roster_offers_every_other_team_to_move_a_player_to(facilitator_client, exercise, usa, dprk):
    page = console(facilitator_client, exercise).content.decode()
    roster = page.split('<ul class="list-unstyled roster">')[1].split("</ul>")[0]
    items = re.findall(r"<li .*?</li>", roster, re.S)
    assert len(items) == 2 and "Ann" in items[0] and "Kim" in items[1]
    options = re.findall(r'<option value="(\d+)">', items[0])
    assert options == [str(t.pk) for t in exercise.teams.exclude(key="USA")]
    assert f'action="/exercises/{exercise.pk}/players/{usa.pk}/move/"' in items[0]
    assert f'action="/exercises/{exercise.pk}/players/{dprk.pk}/remove/"' in items[1]
    assert 'data-confirm="Remove Kim from Democratic People' in items[1]


def test_a_moved_player_lands_on_the_new_team(facilitator_client, exercise, usa, usa_client):
    rok = factories.team(exercise, "ROK")
    facilitator_client.post(f"/exercises/{exercise.pk}/players/{usa.pk}/move/", {"team": rok.pk})
    usa.refresh_from_db()
    assert usa.team == rok and Event.objects.filter(kind=Event.Kind.PLAYER_MOVED).exists()
    poll = usa_client.get(f"/play/{factories.team(exercise, 'USA').pk}/poll/?rev=0")
    assert poll["HX-Redirect"] == f"/play/{rok.pk}/"
    room = usa_client.get(f"/play/{rok.pk}/")
    assert room.status_code == 200 and b"Republic of Korea" in room.content


def test_the_old_room_redirects_a_moved_player(facilitator_client, exercise, usa, usa_client):
    rok = factories.team(exercise, "ROK")
    roster.move_participant(participant=usa, team=rok, actor="t")
    response = usa_client.get(f"/play/{factories.team(exercise, 'USA').pk}/")
    assert response.status_code == 302 and response["Location"] == f"/play/{rok.pk}/"


def test_moving_onto_a_name_already_taken_gets_a_message(facilitator_client, exercise, usa):
    factories.make_player(exercise, "ROK", "Ann")
    rok = factories.team(exercise, "ROK")
    response = facilitator_client.post(
        f"/exercises/{exercise.pk}/players/{usa.pk}/move/", {"team": rok.pk}, follow=True
    )
    assert b"already has a player called Ann" in response.content
    usa.refresh_from_db()
    assert usa.team.key == "USA"


def test_moving_to_another_exercises_team_is_refused(facilitator_client, facilitator, exercise, usa):
    other = factories.make_exercise(facilitator, title="Other")
    response = facilitator_client.post(
        f"/exercises/{exercise.pk}/players/{usa.pk}/move/", {"team": factories.team(other, "ROK").pk}, follow=True
    )
    assert b"Choose the team" in response.content


def test_a_removed_player_loses_the_seat_at_once(facilitator_client, exercise, usa, usa_client):
    facilitator_client.post(f"/exercises/{exercise.pk}/players/{usa.pk}/remove/")
    usa.refresh_from_db()
    assert usa.is_removed  # kept, so that the removal sticks (see test_security.py)
    assert Event.objects.filter(kind=Event.Kind.PLAYER_REMOVED, details__name="Ann").exists()
    room = usa_client.get(f"/play/{usa.team_id}/")
    assert room.status_code == 403 and b"You were removed from the team" in room.content
    assert usa_client.get(f"/play/{usa.team_id}/poll/?rev=0")["HX-Redirect"] == f"/play/{usa.team_id}/"


# --- who may do what -----------------------------------------------------------------------------

POST_ACTIONS = [
    "rounds/1/pause/",
    "rounds/1/resume/",
    "rounds/1/extend/",
    "rounds/start/",
    "rounds/1/close/",
    "end/",
    "injects/push/",
    "injects/",
    "triggers/fire/",
    "triggers/disarm/",
    "leaderboard/",
    "commitments/{commitment}/override/",
    "commitments/{commitment}/value/",
    "players/{player}/move/",
    "players/{player}/remove/",
    "observers/",
]
GET_PAGES = ["", "poll/?rev=0", "offers/1/", "projector/", "projector/poll/?rev=0", "join-cards/"]


@pytest.fixture
def room(exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    return {"commitment": offer.commitments.first().pk, "player": usa.pk}


def _url(exercise, path, room):
    return f"/exercises/{exercise.pk}/" + path.format(**room)


@pytest.mark.parametrize("path", POST_ACTIONS)
def test_another_facilitator_gets_404_for_every_action(other_facilitator_client, exercise, room, path):
    exercise.refresh_from_db()
    revision = exercise.revision
    assert other_facilitator_client.post(_url(exercise, path, room), {"minutes": "5"}).status_code == 404
    exercise.refresh_from_db()
    assert exercise.revision == revision


@pytest.mark.parametrize("path", GET_PAGES)
def test_another_facilitator_gets_404_for_every_page(other_facilitator_client, exercise, room, path):
    assert other_facilitator_client.get(_url(exercise, path, room)).status_code == 404


@pytest.mark.parametrize("path", POST_ACTIONS + GET_PAGES)
def test_anonymous_and_players_are_sent_to_login(client, usa_client, exercise, room, path):
    for c in (client, usa_client):
        url = _url(exercise, path, room)
        response = c.post(url) if path in POST_ACTIONS else c.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Participant.objects.filter(pk=room["player"]).exists()


@pytest.mark.parametrize("path", POST_ACTIONS)
def test_actions_refuse_get(facilitator_client, exercise, room, path):
    assert facilitator_client.get(_url(exercise, path, room)).status_code == 405


@pytest.mark.parametrize("path", ["", "poll/", "offers/1/", "projector/", "join-cards/"])
def test_pages_refuse_post(facilitator_client, exercise, room, path):
    assert facilitator_client.post(_url(exercise, path, room)).status_code == 405
