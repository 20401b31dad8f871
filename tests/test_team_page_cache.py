"""The kept team room (exercises/live/pages.py): as cheap as a poll, and never out of date.

The page is kept per team: its live fragment per team revision, its shell per exercise-wide
revision, with the CSRF token, the player's name, the client token and the messages filled
per request. Whatever changes what a team sees must show on its next reload; nothing of
another team's (brief, offers) ever does.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from exercises import bots, live, roster, services
from exercises.models import Offer
from exercises.text import render_markdown
from tests import factories
from tests.conftest import player_client
from tests.test_views_team import offer_post

# The kept room's one query: the seat (participant id, name, presence), without the scenario.
KEPT_QUERIES = 1
# The room built from the database (after a change), with a round open and offers in the inbox.
BUILT_QUERIES = 12


def _room(client, player) -> str:
    response = client.get(f"/play/{player.team_id}/")
    assert response.status_code == 200
    return response.content.decode()


def _kept(client, player, django_assert_num_queries) -> str:
    """The page served from the kept copy (it costs only the seat check)."""
    with django_assert_num_queries(KEPT_QUERIES):
        return _room(client, player)


def _without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'name="client_token" value="[^"]*"', "", html)


@pytest.fixture
def played(exercise, usa, dprk, rok):
    """Round 1 open, an offer from DPRK to USA."""
    services.start_round(exercise=exercise, actor="t")
    factories.send_offer(dprk, [usa.team], factories.specific_rows("DPRK", "USA"))
    return exercise


# --- as cheap as a poll ---------------------------------------------------------------------


def test_the_kept_room_costs_one_query_and_reads_the_same_as_the_built_one(
    played, usa, usa_client, django_assert_num_queries
):
    built = _room(usa_client, usa)
    kept = _kept(usa_client, usa, django_assert_num_queries)
    assert _without_tokens(kept) == _without_tokens(built)
    assert "Offer #1" in kept and "\x00" not in kept


def test_the_kept_rooms_query_count_does_not_grow_with_the_exercise(facilitator, django_assert_num_queries):
    keys = ("USA", "DPRK", "ROK", "China", "Japan", "Russia")
    big = factories.make_exercise(facilitator, teams=keys, title="Big")
    players = {key: factories.make_player(big, key) for key in keys}
    services.start_round(exercise=big, actor="t")
    for giver in keys[1:]:
        for _ in range(5):
            factories.send_offer(players[giver], [players["USA"].team], factories.specific_rows(giver, "USA"))
    client = player_client(players["USA"])
    _room(client, players["USA"])
    page = _kept(client, players["USA"], django_assert_num_queries)
    assert page.count('class="card offer-card') == 25


def _built_queries(exercise, player) -> int:
    """Queries of the room built (nothing kept for the team yet)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = player_client(player)
    client.get(f"/play/{player.team_id}/")  # warm: presence, the cached state
    cache.delete(live.pages._shell_key(exercise.pk, player.team_id))
    with CaptureQueriesContext(connection) as ctx:
        _room(client, player)
    return len(ctx.captured_queries)


def test_the_built_rooms_query_count_does_not_grow_with_the_exercise(played, usa, facilitator):
    keys = ("USA", "DPRK", "ROK", "China", "Japan", "Russia")
    big = factories.make_exercise(facilitator, teams=keys, title="Big")
    players = {key: factories.make_player(big, key) for key in keys}
    services.start_round(exercise=big, actor="t")
    for giver in keys[1:]:
        for _ in range(5):
            factories.send_offer(players[giver], [players["USA"].team], factories.specific_rows(giver, "USA"))
    small = _built_queries(played, usa)
    assert small == _built_queries(big, players["USA"]) == BUILT_QUERIES


def test_teammates_get_their_own_name_csrf_and_client_tokens(played, usa, django_assert_num_queries):
    bob = factories.make_player(played, "USA", "Bob")
    ann_client, bob_client = player_client(usa), player_client(bob)
    ann_page = _room(ann_client, usa)
    bob_page = _kept(bob_client, bob, django_assert_num_queries)
    assert "United States · Bob" in bob_page and "United States · Ann" in ann_page
    tokens = [re.search(r'name="client_token" value="([^"]+)"', p).group(1) for p in (ann_page, bob_page)]
    assert tokens[0] != tokens[1], "two teammates sending at once must not look like one double click"
    csrf = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', p).group(1) for p in (ann_page, bob_page)]
    assert csrf[0] != csrf[1]
    # Each token works for its own browser.
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = bob_client.cookies
    page = _kept(strict, bob, django_assert_num_queries)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert strict.post(f"/play/{bob.team_id}/offers/1/respond/", {"answer": "reject", "csrfmiddlewaretoken": token})[
        "Location"
    ] == (f"/play/{bob.team_id}/")


def test_a_player_names_html_is_escaped(played, django_assert_num_queries):
    odd = factories.make_player(played, "USA", "<b>Eve</b>")
    client = player_client(odd)
    _room(client, odd)
    page = _kept(client, odd, django_assert_num_queries)
    assert "&lt;b&gt;Eve&lt;/b&gt;" in page and "<b>Eve</b>" not in page


# --- never out of date ------------------------------------------------------------------------


def test_an_offer_to_the_team_shows_on_the_next_reload(played, usa, dprk, rok, usa_client, rok_client):
    _room(usa_client, usa), _room(rok_client, rok)
    second = factories.send_offer(rok, [usa.team], factories.specific_rows("ROK", "USA"))
    assert f"Offer #{second.number}" in _room(usa_client, usa)


def test_an_offer_between_others_leaves_a_third_teams_kept_room(
    played, usa, dprk, rok, usa_client, rok_client, dprk_client, django_assert_num_queries
):
    _room(rok_client, rok)
    response = dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows(), token="x2"))
    assert response.status_code == 302
    page = _kept(rok_client, rok, django_assert_num_queries)
    assert "Offer #2" not in page and "Offer #1" not in page


def test_an_answer_reaches_the_senders_room(played, usa, dprk, usa_client, dprk_client):
    assert "No answers yet" in _room(dprk_client, dprk)
    usa_client.post(f"/play/{usa.team_id}/offers/1/respond/", {"answer": "accept"})
    page = _room(dprk_client, dprk)
    assert "USA: accepted" in page and "No answers yet" not in page


def test_a_round_closing_and_opening_shows(played, usa, usa_client):
    assert "Round 1 of 3 · Open" in _room(usa_client, usa)
    services.close_round(round=played.current_round(), actor="t")
    page = _room(usa_client, usa)
    assert "Round 1 of 3 · Closed" in page and 'data-testid="round-result"' in page
    services.start_round(exercise=played, actor="t")
    assert "Round 2 of 3 · Open" in _room(usa_client, usa)


def test_a_pause_and_an_extension_move_the_clock(played, usa, usa_client):
    _room(usa_client, usa)
    services.pause_round(round=played.current_round(), actor="t")
    page = _room(usa_client, usa)
    assert "The facilitator has paused the round" in page and 'data-status="paused"' in page
    services.resume_round(round=played.current_round(), actor="t")
    assert 'data-status="open"' in _room(usa_client, usa)


def test_a_deadline_passing_closes_the_round_on_reload(exercise, usa, usa_client):
    with time_machine.travel("2026-03-01 10:00:00Z", tick=False) as clock:
        services.start_round(exercise=exercise, actor="t")
        assert "Round 1 of 3 · Open" in _room(usa_client, usa)
        clock.shift(timedelta(minutes=11))
        assert "Round 1 of 3 · Closed" in _room(usa_client, usa)


def test_news_shows_for_its_audience_only(played, usa, dprk, usa_client, dprk_client):
    _room(usa_client, usa), _room(dprk_client, dprk)
    services.push_inject(exercise=played, actor="t", inject_data={"title": "Everyone hears", "text": "a"})
    services.push_inject(
        exercise=played, actor="t", inject_data={"title": "Only USA hears", "text": "b"}, audience=[usa.team]
    )
    assert "Only USA hears" in _room(usa_client, usa)
    page = _room(dprk_client, dprk)
    assert "Everyone hears" in page and "Only USA hears" not in page


def test_the_final_results_and_the_closed_composer_show_at_the_end(played, usa, usa_client):
    _room(usa_client, usa)
    services.end_exercise(exercise=played, actor="t")
    page = _room(usa_client, usa)
    assert 'data-testid="final-results"' in page and "no more offers can be sent" in page
    assert 'id="composer"' not in page


def test_a_teammate_joining_and_a_stand_in_show(played, usa, dprk, usa_client):
    _room(usa_client, usa)
    factories.make_player(played, "USA", "Newcomer")
    bots.hand_over(team=dprk.team, persona=next(iter(bots.CLASSROOM_PERSONAS)), actor="t")
    page = _room(usa_client, usa)
    assert "Ann, Newcomer" in page and "bot-badge" in page


def test_a_team_never_sees_another_teams_brief_or_offers(played, usa, dprk, rok, usa_client, rok_client):
    briefs = {t["key"]: render_markdown(t["brief"])[:80] for t in played.scenario["teams"]}
    usa_page, rok_page = _room(usa_client, usa), _room(rok_client, rok)
    usa_kept, rok_kept = _room(usa_client, usa), _room(rok_client, rok)
    for page in (usa_page, usa_kept):
        assert briefs["USA"] in page and briefs["ROK"] not in page and "Offer #1" in page
    for page in (rok_page, rok_kept):
        assert briefs["ROK"] in page and briefs["USA"] not in page and "Offer #1" not in page
    # A seat on one team opens no other team's kept room.
    assert usa_client.get(f"/play/{rok.team_id}/").status_code == 404


def test_a_removed_or_moved_player_is_never_served_the_kept_room(played, usa, usa_client):
    _room(usa_client, usa)
    bob = factories.make_player(played, "USA", "Bob")
    bob_client = player_client(bob)
    _room(bob_client, bob)
    roster.remove_participant(participant=usa, actor="t")
    assert usa_client.get(f"/play/{usa.team_id}/").status_code == 403
    roster.move_participant(participant=bob, team=factories.team(played, "China"), actor="t")
    moved = bob_client.get(f"/play/{usa.team_id}/")
    bob.refresh_from_db()
    assert moved.status_code == 302 and moved["Location"] == f"/play/{bob.team_id}/"


def test_a_signed_in_facilitator_neither_gets_nor_leaves_a_kept_copy(played, usa, facilitator, usa_client):
    own = Client()
    own.force_login(facilitator)
    factories.seat(own, factories.make_player(played, "USA", "Alice"))
    assert "alice" in _room(own, usa)  # their own navigation
    assert "alice" not in _room(usa_client, usa)
    assert "alice" in _room(own, usa)


def test_a_refused_draft_is_shown_instead_of_the_kept_room(played, usa, dprk, dprk_client):
    _room(dprk_client, dprk)
    services.close_round(round=played.current_round(), actor="t")
    dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows(), token="late"))
    page = _room(dprk_client, dprk)
    assert 'value="Yongbyon"' in page and "has not been sent" in page


def test_messages_are_shown_once_on_the_kept_room(played, usa, usa_client):
    _room(usa_client, usa)
    usa_client.post(f"/play/{usa.team_id}/offers/1/respond/", {"answer": "reject"})
    assert "You rejected offer #1." in _room(usa_client, usa)
    assert "You rejected offer #1." not in _room(usa_client, usa)


# --- sending and answering swap fragments --------------------------------------------------------


def test_sending_with_htmx_swaps_the_composer_and_the_live_part(played, usa, dprk, dprk_client):
    response = dprk_client.post(
        f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows(), token="hx-1"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    text = response.content.decode().strip()
    assert text.startswith('<section id="composer-wrap"') and 'value="Yongbyon"' not in text.split("</section>")[0]
    assert '<section id="team-live" hx-swap-oob="true"' in text and "Offer #2" in text
    assert '<div id="room-flash" tabindex="-1" data-fresh hx-swap-oob="true">' in text and "Offer #2 sent." in text
    # Nothing waits for the next full page: the message was said once, in place.
    assert "Offer #2 sent." not in _room(dprk_client, dprk)
    assert Offer.objects.filter(client_token="hx-1").count() == 1


def test_a_refused_send_with_htmx_keeps_the_draft_in_place(played, usa, dprk, dprk_client):
    services.close_round(round=played.current_round(), actor="t")
    response = dprk_client.post(
        f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows(), token="late"), HTTP_HX_REQUEST="true"
    )
    text = response.content.decode().strip()
    assert response.status_code == 200 and text.startswith('<section id="composer-wrap"')
    assert 'value="Yongbyon"' in text and "has not been sent" in text and "has closed" in text
    # A reload still shows it (kept until sent or discarded), and sends nothing.
    assert 'value="Yongbyon"' in _room(dprk_client, dprk)
    assert not Offer.objects.filter(client_token="late").exists()


def test_an_invalid_send_with_htmx_answers_the_composer_with_its_errors(played, dprk, dprk_client):
    response = dprk_client.post(
        f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows(), recipients=()), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and response.content.decode().strip().startswith('<section id="composer-wrap"')
    assert b"is-invalid" in response.content or b"invalid-feedback" in response.content


def test_answering_with_htmx_swaps_the_live_part(played, usa, usa_client):
    response = usa_client.post(f"/play/{usa.team_id}/offers/1/respond/", {"answer": "accept"}, HTTP_HX_REQUEST="true")
    text = response.content.decode().strip()
    assert response.status_code == 200 and text.startswith('<section id="team-live"')
    assert "Your team accepted this offer." in text and "accepted by everyone" in text
    assert 'hx-swap-oob="true"' not in text.split("</section>")[0][:200]


def test_without_javascript_sending_and_answering_redirect_to_the_room(played, usa, dprk, usa_client, dprk_client):
    sent = dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows(), token="nojs"))
    assert sent.status_code == 302 and sent["Location"] == f"/play/{dprk.team_id}/"
    assert "Offer #2 sent." in _room(dprk_client, dprk)
    answered = usa_client.post(f"/play/{usa.team_id}/offers/2/respond/", {"answer": "reject"})
    assert answered.status_code == 302 and "You rejected offer #2." in _room(usa_client, usa)
