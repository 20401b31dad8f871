"""Team pages: a player sees their own team only; strangers go to the join page."""

import re
from datetime import timedelta

import pytest
import time_machine

from exercises import roster, services
from exercises.models import Event, Offer, Participant
from exercises.text import render_markdown
from tests import factories
from tests.conftest import player_client


def formset_data(rows, **extra):
    data = {"c-TOTAL_FORMS": str(len(rows)), "c-INITIAL_FORMS": "0", "c-MIN_NUM_FORMS": "1", "c-MAX_NUM_FORMS": "12"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            if key == "conditional_on":
                value = ", ".join(str(v) for v in value)
            data[f"c-{i}-{key}"] = value
    data.update(extra)
    return data


def offer_post(rows, recipients=("USA",), token="tok-1", **extra):
    return formset_data(rows, recipients=list(recipients), client_token=token, message="", **extra)


# --- joining -------------------------------------------------------------------------------


def test_it_joins_with_a_code_and_remembers_the_seat(client, exercise):
    usa = factories.team(exercise, "USA")
    response = client.post("/join/", {"code": usa.join_code.lower(), "display_name": "Ann"})
    assert response.status_code == 302 and response["Location"] == f"/play/{usa.pk}/"
    assert client.get(f"/play/{usa.pk}/").status_code == 200
    # Coming back through the join link goes straight to the team.
    response = client.get(f"/join/{usa.join_code}/")
    assert response.status_code == 302 and response["Location"] == f"/play/{usa.pk}/"
    assert exercise.events.filter(kind=Event.Kind.PLAYER_JOINED).count() == 1


def test_a_mistyped_code_gets_a_clear_message(client, exercise):
    response = client.post("/join/", {"code": "NOPE-NOPE", "display_name": "Ann"})
    assert response.status_code == 200
    assert b"No team has that code" in response.content
    assert not Participant.objects.exists()


def test_join_requires_a_name(client, exercise):
    usa = factories.team(exercise, "USA")
    response = client.post("/join/", {"code": usa.join_code, "display_name": "   "})
    assert response.status_code == 200 and b"This field is required" in response.content


def test_several_players_join_one_team(exercise):
    usa = factories.team(exercise, "USA")
    for name in ["Ann", "Ben", "Cy"]:
        player_client(roster.join_team(team=usa, display_name=name).participant)
    assert usa.participants.count() == 3


def test_the_join_link_prefills_the_code(client, exercise):
    usa = factories.team(exercise, "USA")
    response = client.get(f"/join/{usa.join_code}/")
    assert response.status_code == 200 and usa.join_code.encode() in response.content


# --- who sees what -------------------------------------------------------------------------


def test_team_room_shows_own_brief_only(usa_client, usa, exercise):
    response = usa_client.get(f"/play/{usa.team_id}/")
    assert response.status_code == 200
    text = response.content.decode()
    briefs = {t["key"]: t["brief"] for t in exercise.scenario["teams"]}
    assert render_markdown(briefs["USA"])[:80] in text
    for key in ["DPRK", "ROK", "China"]:
        assert render_markdown(briefs[key])[:80] not in text


def test_another_teams_player_gets_404(usa_client, dprk, exercise):
    team_id = dprk.team_id
    assert usa_client.get(f"/play/{team_id}/").status_code == 404
    assert usa_client.get(f"/play/{team_id}/poll/?rev=1").status_code == 404
    assert usa_client.post(f"/play/{team_id}/offers/", {}).status_code == 404


def test_anonymous_is_sent_to_the_join_page(client, usa):
    response = client.get(f"/play/{usa.team_id}/")
    assert response.status_code == 302 and response["Location"].startswith("/join/")


def test_a_player_of_another_exercise_gets_404(facilitator, usa):
    other = factories.make_exercise(facilitator, title="Other")
    stranger = player_client(factories.make_player(other, "USA", "Zed"))
    assert stranger.get(f"/play/{usa.team_id}/").status_code == 404


def test_offers_between_other_teams_are_invisible(exercise, usa, dprk, rok, usa_client):
    services.start_round(exercise=exercise, actor="t")
    private = factories.send_offer(dprk, [rok.team], factories.specific_rows("DPRK", "ROK"))
    response = usa_client.get(f"/play/{usa.team_id}/")
    assert f"Offer #{private.number}".encode() not in response.content
    assert usa_client.get(f"/play/{usa.team_id}/offers/{private.number}/").status_code == 404


def test_wrong_methods_get_405(usa_client, usa):
    tid = usa.team_id
    assert usa_client.post(f"/play/{tid}/").status_code == 405
    assert usa_client.get(f"/play/{tid}/offers/").status_code == 405
    assert usa_client.get(f"/play/{tid}/preview/").status_code == 405


# --- sending and answering -------------------------------------------------------------------


def test_it_sends_an_offer(exercise, usa, dprk, dprk_client):
    services.start_round(exercise=exercise, actor="t")
    response = dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows()))
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.from_team == dprk.team and list(offer.recipients.all()) == [usa.team]
    assert offer.commitments.count() == 2 and offer.submitted_by == dprk
    page = dprk_client.get(f"/play/{dprk.team_id}/").content.decode()
    assert "Offer #1 sent" in page


def test_a_double_click_stores_one_offer(exercise, usa, dprk, dprk_client):
    services.start_round(exercise=exercise, actor="t")
    data = offer_post(factories.specific_rows())
    dprk_client.post(f"/play/{dprk.team_id}/offers/", data)
    response = dprk_client.post(f"/play/{dprk.team_id}/offers/", data, follow=True)
    assert Offer.objects.count() == 1
    assert b"was not sent twice" in response.content


def test_a_late_offer_is_refused_and_the_draft_kept(exercise, usa, dprk, dprk_client):
    with time_machine.travel("2026-03-01 10:00:00Z", tick=False) as clock:
        services.start_round(exercise=exercise, actor="t")
        clock.shift(timedelta(minutes=11))
        response = dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows()))
        assert response.status_code == 302 and response["Location"] == f"/play/{dprk.team_id}/#composer-heading"
        text = dprk_client.get(f"/play/{dprk.team_id}/").content.decode()
    assert "has closed" in text and 'value="Yongbyon"' in text  # the draft is still in the form
    assert not Offer.objects.exists()


def test_a_reload_after_a_refused_send_sends_nothing_and_keeps_the_draft(exercise, usa, dprk, dprk_client):
    """Defect 6: refused before round 1, then a reload once round 1 is open must not send it."""
    room = f"/play/{dprk.team_id}/"
    response = dprk_client.post(f"{room}offers/", offer_post(factories.specific_rows(), token="refused-1"))
    # Post/redirect/get: the browser ends on the room, a GET, so a reload cannot post again.
    assert response.status_code == 302 and response["Location"].startswith(room)
    first = dprk_client.get(room).content.decode()
    assert "No round is open yet" in first and 'value="Yongbyon"' in first and 'value="refused-1"' in first
    services.start_round(exercise=exercise, actor="t")
    reloaded = dprk_client.get(room).content.decode()
    assert not Offer.objects.exists()
    assert 'value="Yongbyon"' in reloaded and "has not been sent" in reloaded  # kept, not lost
    assert "No round is open yet" not in reloaded  # the old reason is not repeated once the round opened
    # Sending the kept draft now works once; the room then forgets it.
    dprk_client.post(f"{room}offers/", offer_post(factories.specific_rows(), token="refused-1"))
    assert Offer.objects.count() == 1
    assert 'value="Yongbyon"' not in dprk_client.get(room).content.decode()


def test_a_kept_draft_can_be_discarded(exercise, usa, dprk, dprk_client):
    room = f"/play/{dprk.team_id}/"
    dprk_client.post(f"{room}offers/", offer_post(factories.specific_rows()))
    assert dprk_client.get(f"{room}?discard=draft").status_code == 302
    assert 'value="Yongbyon"' not in dprk_client.get(room).content.decode()


@pytest.mark.parametrize(
    "rows, extra, message",
    [
        ([{"by": "DPRK"}], {}, "Describe the commitment"),
        ([{"by": "DPRK", "action": "freeze", "conditional_on": [5]}], {}, "There is no commitment no. 5"),
        ([{"by": "DPRK", "action": "freeze", "conditional_on": [1]}], {}, "cannot be conditional on itself"),
        ([{"by": "DPRK", "to": ["DPRK"], "action": "freeze"}], {}, "cannot commit to itself"),
        ([{"by": "MARS", "action": "freeze"}], {}, "MARS is not a team in this exercise"),
        ([{"by": "DPRK", "action": "freeze", "phase": "-3"}], {}, "whole number from 1 to 10"),
        ([{"by": "DPRK", "action": "x" * 300}], {}, "at most 200 characters"),
    ],
)
def test_composer_errors_are_inline(exercise, usa, dprk, dprk_client, rows, extra, message):
    services.start_round(exercise=exercise, actor="t")
    response = dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(rows, **extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Offer.objects.exists()


def test_offer_needs_a_recipient(exercise, dprk, dprk_client):
    services.start_round(exercise=exercise, actor="t")
    response = dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows(), recipients=()))
    assert response.status_code == 400 and b"This field is required" in response.content


def test_too_many_commitments_are_refused_with_a_message(exercise, usa, dprk, dprk_client):
    services.start_round(exercise=exercise, actor="t")
    rows = [{"by": "DPRK", "action": "freeze"}] * 13
    response = dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(rows))
    assert response.status_code == 400 and b"at most 12" in response.content


def test_it_accepts_and_rejects(exercise, usa, dprk, rok, usa_client, rok_client):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team, rok.team])
    usa_client.post(f"/play/{usa.team_id}/offers/{offer.number}/respond/", {"answer": "accept"})
    response = rok_client.post(f"/play/{rok.team_id}/offers/{offer.number}/respond/", {"answer": "accept"}, follow=True)
    assert b"now an agreement" in response.content
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED


def test_answering_twice_shows_a_message(exercise, usa, dprk, usa_client):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    usa_client.post(f"/play/{usa.team_id}/offers/{offer.number}/respond/", {"answer": "reject"})
    response = usa_client.post(f"/play/{usa.team_id}/offers/{offer.number}/respond/", {"answer": "accept"}, follow=True)
    assert response.status_code == 200 and b"already been answered" in response.content


def test_a_sender_cannot_answer_via_http(exercise, usa, dprk, dprk_client):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    response = dprk_client.post(
        f"/play/{dprk.team_id}/offers/{offer.number}/respond/", {"answer": "accept"}, follow=True
    )
    assert b"Only a recipient" in response.content


def test_counter_prefills_the_composer(exercise, usa, dprk, usa_client):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    response = usa_client.get(f"/play/{usa.team_id}/?counter={offer.number}")
    text = response.content.decode()
    assert "Counter-offer" in text and "Yongbyon" in text
    assert f'name="parent" value="{offer.pk}"' in text


def test_it_counters_over_http(exercise, usa, dprk, usa_client):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    rows = factories.specific_rows("DPRK", "USA")
    usa_client.post(f"/play/{usa.team_id}/offers/", offer_post(rows, recipients=["DPRK"], parent=str(offer.pk)))
    counter = Offer.objects.get(parent=offer)
    assert counter.from_team == usa.team
    offer.refresh_from_db()
    assert offer.status == Offer.Status.COUNTERED


# --- live pieces -----------------------------------------------------------------------------


def test_preview_returns_only_the_score_fragment(exercise, dprk, dprk_client):
    response = dprk_client.post(
        f"/play/{dprk.team_id}/preview/", offer_post(factories.specific_rows()), HTTP_HX_REQUEST="true"
    )
    text = response.content.decode()
    assert response.status_code == 200 and "<html" not in text
    assert 'data-testid="preview-specificity"' in text


def test_composer_refresh_adds_a_row_and_keeps_what_was_typed(exercise, dprk, dprk_client):
    data = offer_post([{"by": "DPRK", "action": "freeze", "site": "Yongbyon"}], add_row="1")
    response = dprk_client.post(f"/play/{dprk.team_id}/composer/", data, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "Commitment 2" in text and 'value="Yongbyon"' in text and "<html" not in text


def test_choosing_a_catalogue_item_prefills_its_fields(exercise, dprk, dprk_client):
    item = next(i for i in exercise.scenario["catalogue"] if i["fields"].get("site"))
    data = offer_post([{"by": "DPRK", "kind": item["key"]}])
    response = dprk_client.post(f"/play/{dprk.team_id}/composer/", data, HTTP_HX_REQUEST="true")
    assert f'value="{item["fields"]["site"]}"' in response.content.decode()


def test_poll_answers_204_when_nothing_changed(exercise, usa, usa_client, django_assert_num_queries):
    response = usa_client.get(f"/play/{usa.team_id}/poll/?rev=0")
    assert response.status_code == 200
    revision = re.search(r"rev=(\d+)", response.content.decode()).group(1)
    with django_assert_num_queries(0):
        response = usa_client.get(f"/play/{usa.team_id}/poll/?rev={revision}")
    assert response.status_code == 204


def test_poll_returns_the_fragment_after_a_change(exercise, usa, usa_client):
    first = usa_client.get(f"/play/{usa.team_id}/poll/?rev=0")
    revision = re.search(r"rev=(\d+)", first.content.decode()).group(1)
    services.start_round(exercise=exercise, actor="t")
    response = usa_client.get(f"/play/{usa.team_id}/poll/?rev={revision}")
    assert response.status_code == 200 and b"Round 1 of 3" in response.content
    assert b"<html" not in response.content


def test_poll_stops_when_the_exercise_has_ended(exercise, usa, usa_client):
    services.end_exercise(exercise=exercise, actor="t")
    response = usa_client.get(f"/play/{usa.team_id}/poll/?rev=0")
    assert response.status_code == 286


def test_a_removed_player_loses_the_seat(exercise, usa, usa_client):
    Participant.objects.filter(pk=usa.pk).delete()
    assert usa_client.get(f"/play/{usa.team_id}/").status_code == 404


def test_the_room_warns_a_team_of_its_conflicting_promises(exercise, usa, dprk):
    china = factories.make_player(exercise, "China", "Li")
    services.start_round(exercise=exercise, actor="t")
    factories.send_offer(china, [usa.team], [{"by": "China", "to": ["USA"], "kind": "china-customs-enforcement"}])
    factories.send_offer(china, [dprk.team], [{"by": "China", "to": ["DPRK"], "kind": "sectoral-relief"}])
    assert b"Conflicting promises" in player_client(china).get(f"/play/{china.team_id}/").content
    assert b"Conflicting promises" not in player_client(usa).get(f"/play/{usa.team_id}/").content


# --- only the exercise's teams (defect 2) -----------------------------------------------------


def test_who_commits_and_for_whom_list_only_the_exercises_teams(exercise, dprk, dprk_client):
    """The default exercise plays USA, DPRK, ROK and China: Russia and Japan are not offered."""
    page = dprk_client.get(f"/play/{dprk.team_id}/").content.decode()
    by_options = re.findall(r'<option value="([^"]*)"', page.split('name="c-0-by"')[1].split("</select>")[0])
    to_boxes = re.findall(r'name="c-0-to" value="([^"]*)"', page)
    assert by_options == ["USA", "DPRK", "ROK", "China"]
    assert to_boxes == ["USA", "DPRK", "ROK", "China"]


def test_an_offer_naming_a_team_not_in_the_exercise_is_refused_inline(exercise, usa, dprk, dprk_client):
    services.start_round(exercise=exercise, actor="t")
    rows = [{"by": "Russia", "to": ["DPRK"], "action": "ship", "quantity": "50,000", "unit": "t", "object": "fuel oil"}]
    response = dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(rows))
    assert response.status_code == 400
    assert "Russia is not a team in this exercise" in response.content.decode()
    rows = [{"by": "DPRK", "to": ["Japan"], "action": "freeze", "object": "enrichment"}]
    response = dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(rows, token="tok-2"))
    assert response.status_code == 400 and "Japan is not a team in this exercise" in response.content.decode()
    assert not Offer.objects.exists()


def test_a_catalogue_pick_fills_only_playing_teams(facilitator):
    """An item the USA or ROK may give, picked in a game without the USA: ROK is the giver."""
    exercise = factories.make_exercise(facilitator, teams=("DPRK", "ROK", "China"))
    dprk = factories.make_player(exercise, "DPRK", "Kim")
    item = next(i for i in exercise.scenario["catalogue"] if i.get("by") == ["USA", "ROK"])
    data = offer_post([{"by": "DPRK", "kind": item["key"]}], recipients=["ROK"])
    page = player_client(dprk).post(f"/play/{dprk.team_id}/composer/", data, HTTP_HX_REQUEST="true").content.decode()
    by_select = page.split('name="c-0-by"')[1].split("</select>")[0]
    assert '<option value="ROK" selected>' in by_select
    usa_only = [i for i in exercise.scenario["catalogue"] if i.get("by") == ["USA"]]
    assert usa_only and f'value="{usa_only[0]["key"]}"' not in page  # nobody playing could give it


# --- a removed player is told (defect 4) -------------------------------------------------------


def test_a_removed_player_is_told_on_reload_poll_and_click(exercise, usa, usa_client):
    room = f"/play/{usa.team_id}/"
    roster.remove_participant(participant=usa, actor="facilitator alice")
    page = usa_client.get(room)
    assert page.status_code == 403
    text = page.content.decode()
    assert "You were removed from the team" in text and "United States" in text and exercise.title in text
    assert 'hx-trigger="every' not in text  # the page does not poll
    poll = usa_client.get(f"{room}poll/?rev=1")
    assert poll.status_code == 200 and poll["HX-Redirect"] == room  # the open page goes to the notice
    preview = usa_client.post(f"{room}preview/", offer_post([]), HTTP_HX_REQUEST="true")
    assert preview["HX-Redirect"] == room
    send = usa_client.post(f"{room}offers/", offer_post(factories.specific_rows("USA", "DPRK"), recipients=["DPRK"]))
    assert send.status_code == 403 and not Offer.objects.exists()


def test_a_player_never_seated_here_still_gets_404(exercise, usa, dprk, usa_client):
    roster.remove_participant(participant=dprk, actor="facilitator alice")
    assert usa_client.get(f"/play/{dprk.team_id}/").status_code == 404


# --- a team sees its own values only ---------------------------------------------------------

_FIGURES = re.compile(r"\b(?P<party>USA|DPRK|ROK|China|Japan|Russia) (?:gives|gets) \d")


def _figures_of(text: str) -> set[str]:
    return {m["party"] for m in _FIGURES.finditer(text)}


def test_the_preview_shows_only_the_drafting_teams_values(exercise, usa, usa_client):
    # The USA drafts relief for the DPRK and sends it to the DPRK and China: before this
    # was fixed the balance reason read "(USA gives 0, gets 8; DPRK gives 6, gets 0; China ...)".
    rows = [{"by": "DPRK", "to": ["USA"], "kind": "yongbyon-freeze", "action": "freeze", "object": "plutonium"}]
    response = usa_client.post(
        f"/play/{usa.team_id}/preview/", offer_post(rows, recipients=("DPRK", "China")), HTTP_HX_REQUEST="true"
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "USA gives 0 and gets 8" in text  # its own figures stay
    assert _figures_of(text) == {"USA"}
    assert "DPRK gives more than it gets" in text  # the others only in words


def test_looping_over_the_catalogue_reveals_no_other_teams_value_table(exercise, usa, usa_client):
    for item in exercise.scenario["catalogue"]:
        giver = item["by"][0] if item["by"] else "USA"
        rows = [{"by": giver, "to": [k for k in ("DPRK", "China") if k != giver] or ["ROK"], "kind": item["key"]}]
        response = usa_client.post(
            f"/play/{usa.team_id}/preview/", offer_post(rows, recipients=("DPRK", "China")), HTTP_HX_REQUEST="true"
        )
        assert _figures_of(response.content.decode()) <= {"USA"}, item["key"]


def test_an_offers_page_shows_only_the_viewing_teams_values(exercise, usa, dprk, usa_client):
    services.start_round(exercise=exercise, actor="test")
    offer = factories.send_offer(dprk, [usa.team])
    assert "DPRK gives" in str(offer.score_detail)  # the stored detail keeps every figure...
    response = usa_client.get(f"/play/{usa.team_id}/offers/{offer.number}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert _figures_of(text) == {"USA"}  # ...the USA reads its own only


def test_the_preview_warns_when_a_catalogue_item_is_not_delivered_as_listed(exercise, usa, usa_client):
    rows = [{"by": "USA", "to": ["DPRK"], "kind": "yongbyon-freeze", "action": "freeze", "object": "our paperwork"}]
    response = usa_client.post(f"/play/{usa.team_id}/preview/", offer_post(rows, recipients=("DPRK",)),
                               HTTP_HX_REQUEST="true")  # fmt: skip
    text = response.content.decode()
    assert 'data-testid="value-note"' in text
    assert "Not counted as no. 2" in text and "DPRK delivers it, not USA" in text


def test_the_preview_lists_hints_largest_gain_first(exercise, dprk, dprk_client):
    response = dprk_client.post(
        f"/play/{dprk.team_id}/preview/", offer_post(factories.vague_rows()), HTTP_HX_REQUEST="true"
    )
    text = response.content.decode()
    gains = [int(s) + int(r or 0) for s, r in re.findall(r"S \+(\d+)</span>\s*(?:<span[^>]*>R \+(\d+))?", text)]
    assert gains and gains == sorted(gains, reverse=True)
