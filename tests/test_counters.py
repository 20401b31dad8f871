"""Counter-offers: the composer says what it counters, everyone involved sees who countered and what changed."""

import pytest
from django.utils.html import escape

from exercises import services
from exercises.models import Observer, Offer
from tests import factories
from tests.conftest import player_client
from tests.test_views_team import offer_post


@pytest.fixture
def china(exercise):
    return factories.make_player(exercise, "China", "Li")


@pytest.fixture
def multi(exercise, usa, dprk, rok):
    """DPRK offers to the USA and ROK; ROK counters with a firmer deadline, to DPRK and the USA."""
    services.start_round(exercise=exercise, actor="t")
    original = factories.send_offer(dprk, [usa.team, rok.team], factories.specific_rows("DPRK", "USA"))
    rows = factories.specific_rows("DPRK", "USA")
    rows[0]["deadline"] = "within 7 days"
    counter = factories.send_offer(rok, [dprk.team, usa.team], rows, parent=original)
    return original, counter


def _room(participant) -> str:
    return player_client(participant).get(f"/play/{participant.team_id}/").content.decode()


def _card(page: str, number: int) -> str:
    return page.split(f'id="offer-{number}"')[1].split("</article>")[0]


# --- the counter composer (defect 13) -------------------------------------------------------------


def test_the_counter_composer_names_the_offer_it_counters_and_can_be_cancelled(exercise, usa, dprk, usa_client):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    room = f"/play/{usa.team_id}/"
    page = usa_client.get(f"{room}?counter={offer.number}").content.decode()
    heading = page.split('id="composer-heading"')[1].split("</h2>")[0]
    assert f"Counter-offer to #{offer.number} from {escape(dprk.team.name)}" in heading
    assert f'<a class="btn btn-sm btn-outline-secondary" href="{room}" hx-get="{room}"' in page
    # Adding a row keeps saying what it counters.
    data = offer_post(factories.specific_rows("DPRK", "USA"), recipients=["DPRK"], parent=str(offer.pk), add_row="1")
    refreshed = usa_client.post(f"{room}composer/", data, HTTP_HX_REQUEST="true").content.decode()
    assert f"Counter-offer to #{offer.number}" in refreshed and "Cancel the counter" in refreshed
    # Cancelling is a plain room: a new offer again.
    assert "New offer" in usa_client.get(room).content.decode()


def test_counter_and_its_cancel_swap_the_composer_in_place(
    exercise, usa, dprk, usa_client, django_assert_max_num_queries
):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    room = f"/play/{usa.team_id}/"
    card = _card(usa_client.get(room).content.decode(), offer.number)
    assert f'hx-get="{room}?counter={offer.number}" hx-target="#composer-wrap" hx-select="#composer-wrap"' in card
    assert 'hx-push-url="true"' in card  # back and reload keep working: the address says "counter"
    with django_assert_max_num_queries(20):
        response = usa_client.get(f"{room}?counter={offer.number}", HTTP_HX_REQUEST="true")
    composer = response.content.decode()
    assert response.status_code == 200
    assert composer.lstrip().startswith('<section id="composer-wrap"')
    assert 'id="team-live"' not in composer and "<html" not in composer  # the composer, nothing else
    assert f"Counter-offer to #{offer.number} from {escape(dprk.team.name)}" in composer
    assert 'tabindex="-1" data-fresh>' in composer  # focus moves to the heading (static/app/app.js)
    assert f'name="parent" value="{offer.pk}"' in composer
    cancelled = usa_client.get(room, HTTP_HX_REQUEST="true").content.decode()
    assert cancelled.lstrip().startswith('<section id="composer-wrap"') and "New offer" in cancelled
    assert f'name="parent" value="{offer.pk}"' not in cancelled


def test_a_page_htmx_restores_from_history_is_the_whole_room(exercise, usa, dprk, usa_client):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    page = usa_client.get(
        f"/play/{usa.team_id}/?counter={offer.number}", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    ).content.decode()
    assert 'id="team-live"' in page and f"Counter-offer to #{offer.number}" in page and "data-fresh>" not in page


def test_a_counter_swap_requires_the_seat_and_a_visible_offer(exercise, usa, dprk, rok, client):
    services.start_round(exercise=exercise, actor="t")
    private = factories.send_offer(dprk, [rok.team], factories.specific_rows("DPRK", "ROK"))
    room = f"/play/{usa.team_id}/"
    outsider = client.get(f"{room}?counter={private.number}", HTTP_HX_REQUEST="true")
    assert outsider.status_code in (302, 403) and b"Counter-offer" not in outsider.content
    unseen = player_client(usa).get(f"{room}?counter={private.number}", HTTP_HX_REQUEST="true")
    assert unseen.status_code == 404 and b"Counter-offer" not in unseen.content


def test_the_counter_composer_cannot_name_an_offer_the_team_cannot_see(exercise, usa, dprk, rok, usa_client):
    services.start_round(exercise=exercise, actor="t")
    private = factories.send_offer(dprk, [rok.team], factories.specific_rows("DPRK", "ROK"))
    data = offer_post(factories.specific_rows("USA", "DPRK"), recipients=["DPRK"], parent=str(private.pk))
    page = usa_client.post(f"/play/{usa.team_id}/composer/", data, HTTP_HX_REQUEST="true").content.decode()
    assert f"Counter-offer to #{private.number}" not in page


# --- counters to multi-party offers (defect 7) ---------------------------------------------------


def test_the_other_recipient_is_told_who_countered_and_what_it_can_still_do(multi, usa):
    original, counter = multi
    card = _card(_room(usa), original.number)
    assert "Countered" in card
    assert "<strong>Republic of Korea</strong> countered this offer with" in card
    assert f'<a href="#offer-{counter.number}">offer #{counter.number}</a>' in card
    assert (
        f"This offer can no longer be accepted: answer #{counter.number} instead, or send an offer of your own." in card
    )
    assert "Accept" not in card  # nothing to press on the countered offer ...
    assert "Accept<span" in _card(_room(usa), counter.number)  # ... the counter is the one to answer


def test_the_original_sender_is_told_who_countered(multi, dprk):
    original, counter = multi
    card = _card(_room(dprk), original.number)
    assert "<strong>Republic of Korea</strong> countered your offer with" in card
    assert f"Your offer can no longer be accepted: answer #{counter.number}." in card
    services.respond(offer=counter, participant=dprk, accept=True)
    card = _card(_room(dprk), original.number)
    assert "Your offer can no longer be accepted." in card and "answer #" not in card  # nothing left to answer


def test_a_counter_not_sent_to_a_recipient_is_named_without_a_link(exercise, usa, dprk, rok):
    services.start_round(exercise=exercise, actor="t")
    original = factories.send_offer(dprk, [usa.team, rok.team])
    factories.send_offer(rok, [dprk.team], factories.specific_rows("DPRK", "ROK"), parent=original)
    card = _card(_room(usa), original.number)
    assert "countered this offer with an offer your team did not receive" in card
    assert "This offer can no longer be accepted; you can still send an offer of your own." in card


def test_the_countering_team_sees_its_own_counter_once(multi, rok):
    original, counter = multi
    card = _card(_room(rok), original.number)
    assert "Your team countered this offer with" in card and "Your team countered this offer." not in card


# --- counters shown as a diff --------------------------------------------------------------------

CHANGE = 'By when: <span class="visually-hidden">was</span><del>within 30 days</del>'


@pytest.mark.parametrize("who", ["dprk", "rok", "usa"])
def test_both_sides_see_what_the_counter_changed(multi, who, request):
    _, counter = multi
    card = _card(_room(request.getfixturevalue(who)), counter.number)
    assert "What changed from offer #1" in card
    assert CHANGE in card and "<ins>within 7 days</ins>" in card
    assert "1 commitment kept as it was" in card


def test_a_team_that_never_saw_the_original_sees_no_diff(exercise, usa, dprk, rok, china):
    services.start_round(exercise=exercise, actor="t")
    rows = factories.specific_rows("DPRK", "ROK")
    rows[0]["site"] = "Site Zulu"
    original = factories.send_offer(dprk, [rok.team], rows)
    counter = factories.send_offer(rok, [dprk.team, china.team], factories.vague_rows("ROK", "DPRK"), parent=original)
    page = _room(china)
    card = _card(page, counter.number)
    assert "What changed" not in card and "Site Zulu" not in page  # the original's terms stay private
    assert f"counter to #{original.number}" in card
    detail = player_client(china).get(f"/play/{china.team_id}/offers/{counter.number}/").content.decode()
    assert "What changed" not in detail and "Site Zulu" not in detail


def test_the_offer_page_console_observer_and_report_show_the_diff(multi, exercise, dprk, facilitator_client):
    _, counter = multi
    pages = {
        "team": player_client(dprk).get(f"/play/{dprk.team_id}/offers/{counter.number}/"),
        "console": facilitator_client.get(f"/exercises/{exercise.pk}/offers/{counter.number}/"),
        "modal": facilitator_client.get(f"/exercises/{exercise.pk}/offers/{counter.number}/", HTTP_HX_REQUEST="true"),
        "report": facilitator_client.get(f"/exercises/{exercise.pk}/report/"),
    }
    observer = Observer.objects.create(exercise=exercise, name="Eve")
    pages["observer"] = facilitator_client.get(f"/observe/{observer.token}/offers/{counter.number}/")
    for name, response in pages.items():
        text = response.content.decode()
        assert response.status_code == 200, name
        assert "What changed from offer #1" in text and CHANGE in text, name
        assert "specificity" in text.split("What changed from offer #1")[1], name


def test_the_counter_changes_reach_the_csv(multi, exercise, facilitator_client):
    csv = facilitator_client.get(f"/exercises/{exercise.pk}/report/offers.csv").content.decode()
    assert "1 by when: “within 30 days” → “within 7 days”" in csv
    assert Offer.objects.count() == 2


@pytest.mark.parametrize("parent", ["²", "-3", "9" * 5000, "x", ""])
def test_a_malformed_parent_in_a_composer_refresh_is_a_new_offer_not_an_error(exercise, usa, usa_client, parent):
    data = offer_post(factories.specific_rows("USA", "DPRK"), recipients=["DPRK"], parent=parent, add_row="1")
    response = usa_client.post(f"/play/{usa.team_id}/composer/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "New offer" in response.content.decode()
