"""The facilitator's console: the page, its polls, and queries that do not grow with the room.

Its controls (round, injects, umpire, leaderboard, roster) and who may use them:
tests/test_console_controls.py.
"""

import re
import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from exercises import rooms, roster, services
from exercises.models import Participant, Team
from tests import factories
from tests.conftest import player_client
from tests.test_views_team import offer_post


def console(client, exercise):
    return client.get(f"/exercises/{exercise.pk}/")


def poll_params(html: str) -> dict:
    """What the page's poller would send: its revision, render time and fragment stamps."""
    rev, at = re.search(r"\?rev=(\d+)&amp;at=(\d+)", html).groups()
    params = {"rev": rev, "at": at}
    params.update(dict(re.findall(r'class="live-stamp" name="(s-[a-z]+)" value="([0-9a-f]+)"', html)))
    return params


def play_a_round(exercise, usa, dprk):
    round_ = services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    services.respond(offer=offer, participant=usa, accept=True)
    services.close_round(round=round_, actor="t")
    return offer


# --- the page ------------------------------------------------------------------------------------


def test_it_shows_teams_join_codes_and_qr_codes(facilitator_client, exercise, usa):
    page = console(facilitator_client, exercise).content.decode()
    for team in exercise.teams.all():
        assert team.join_code in page
    assert "Ann" in page and 'class="qr"' in page
    assert "Projector view" in page and f"/exercises/{exercise.pk}/report/" in page


def test_it_shows_presence_drafting_and_submitted(facilitator_client, exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    Participant.objects.filter(pk=usa.pk).update(last_seen_at=timezone.now() - timedelta(minutes=5))
    Participant.objects.filter(pk=dprk.pk).update(last_seen_at=timezone.now(), drafting_at=timezone.now())
    factories.send_offer(dprk, [usa.team])
    page = console(facilitator_client, exercise).content.decode()
    dprk_row = re.search(r'<tr data-team="DPRK">(.*?)</tr>', page, re.S).group(1)
    usa_row = re.search(r'<tr data-team="USA">(.*?)</tr>', page, re.S).group(1)
    assert "● Kim" in dprk_row and "drafting" in dprk_row and "submitted" in dprk_row
    assert "○ Ann" in usa_row and "drafting" not in usa_row and "no offer yet" in usa_row


def _team_row(page: str, key: str) -> str:
    return re.search(rf'<tr data-team="{key}">(.*?)</tr>', page, re.S).group(1)


def test_drafting_means_typing_in_the_last_half_minute_and_never_after_the_end(facilitator_client, exercise, usa, dprk):
    Participant.objects.filter(pk=usa.pk).update(drafting_at=timezone.now() - timedelta(seconds=45))
    Participant.objects.filter(pk=dprk.pk).update(drafting_at=timezone.now() - timedelta(seconds=5))
    page = console(facilitator_client, exercise).content.decode()
    assert "drafting" not in _team_row(page, "USA") and "drafting" in _team_row(page, "DPRK")
    services.end_exercise(exercise=exercise, actor="t")
    assert "drafting" not in _team_row(console(facilitator_client, exercise).content.decode(), "DPRK")


def test_a_room_load_and_its_first_preview_are_not_drafting(exercise, usa, usa_client):
    """What the page's own load-time preview sends (hx-vals on_load) does not mark the team."""
    page = usa_client.get(f"/play/{usa.team_id}/").content.decode()
    assert 'hx-vals=\'{"on_load": "1"}\'' in page
    usa_client.post(f"/play/{usa.team_id}/preview/", offer_post([{"by": "USA"}], on_load="1"), HTTP_HX_REQUEST="true")
    usa.refresh_from_db()
    assert usa.drafting_at is None
    usa_client.post(
        f"/play/{usa.team_id}/preview/", offer_post([{"by": "USA", "action": "lift"}]), HTTP_HX_REQUEST="true"
    )
    usa.refresh_from_db()
    assert usa.drafting_at is not None


def test_each_team_shows_when_it_was_last_active(facilitator_client, exercise, usa, dprk, rok):
    services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team])
    Participant.objects.filter(pk=rok.pk).update(drafting_at=timezone.now() - timedelta(minutes=7))
    page = console(facilitator_client, exercise).content.decode()
    assert '<th scope="col">Last active</th>' in page
    assert "just now" in _team_row(page, "DPRK")  # sent an offer
    assert "7 min ago" in _team_row(page, "ROK")  # typed, sent nothing
    assert "not yet" in _team_row(page, "USA") and "not yet" in _team_row(page, "China")
    services.respond(offer=offer, participant=usa, accept=False)
    assert "just now" in _team_row(console(facilitator_client, exercise).content.decode(), "USA")  # answered


def test_it_shows_the_offer_matrix_with_links(facilitator_client, exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    factories.send_offer(dprk, [usa.team])
    page = console(facilitator_client, exercise).content.decode()
    assert f'href="/exercises/{exercise.pk}/offers/1/"' in page and "#1 · Awaiting answers" in page


def team_row(page: str, key: str) -> tuple[list[str], str]:
    """The teams table's row of one team: its sent, received and answered cells, and the whole row."""
    row = re.search(rf'<tr data-team="{key}">(.*?)</tr>', page, re.S).group(1)
    return re.findall(r'<td class="text-end">(\d+)', row), row


def test_the_teams_table_counts_offers_sent_received_and_answered(facilitator_client, exercise, usa, dprk, rok):
    services.start_round(exercise=exercise, actor="t")
    to_both = factories.send_offer(dprk, [usa.team, rok.team])
    factories.send_offer(usa, [dprk.team], factories.vague_rows("USA", "DPRK"))
    services.respond(offer=to_both, participant=usa, accept=True)  # ROK has not answered: still pending
    page = console(facilitator_client, exercise).content.decode()
    assert team_row(page, "DPRK")[0] == ["1", "1", "0"]
    usa_counts, usa_row = team_row(page, "USA")
    assert usa_counts == ["1", "1", "1"] and "waiting" not in usa_row
    rok_counts, rok_row = team_row(page, "ROK")
    assert rok_counts == ["0", "1", "0"] and "(1 waiting)" in rok_row and "no offer yet" in rok_row
    assert team_row(page, "China")[0] == ["0", "0", "0"]


def test_the_matrix_shows_an_offer_to_two_teams_in_both_cells(facilitator_client, exercise, usa, dprk, rok):
    services.start_round(exercise=exercise, actor="t")
    factories.send_offer(dprk, [usa.team, rok.team])
    factories.send_offer(dprk, [usa.team], factories.vague_rows("DPRK", "USA"))
    page = console(facilitator_client, exercise).content.decode()
    matrix = re.search(r'<table class="table table-bordered table-sm offer-matrix.*?</table>', page, re.S).group(0)
    rows = {
        key: re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)
        for key, cells in re.findall(r'<tr><th scope="row">(\w+)</th>(.*?)</tr>', matrix, re.S)
    }
    order = ["USA", "DPRK", "ROK", "China"]
    assert list(rows) == order
    dprk_to = dict(zip(order, rows["DPRK"], strict=True))
    assert re.findall(r"#(\d+) ·", dprk_to["USA"]) == ["1", "2"] and re.findall(r"#(\d+) ·", dprk_to["ROK"]) == ["1"]
    assert dprk_to["DPRK"] == "" and dprk_to["China"] == ""
    assert f'hx-get="/exercises/{exercise.pk}/offers/2/"' in dprk_to["USA"]
    assert all(cell == "" for key in ("USA", "ROK", "China") for cell in rows[key])


def test_it_opens_an_offer_as_a_modal_body_or_a_page(facilitator_client, exercise, usa, dprk):
    services.start_round(exercise=exercise, actor="t")
    factories.send_offer(dprk, [usa.team])
    page = facilitator_client.get(f"/exercises/{exercise.pk}/offers/1/")
    assert page.status_code == 200 and b"<html" in page.content and b"Yongbyon" in page.content
    modal = facilitator_client.get(f"/exercises/{exercise.pk}/offers/1/", HTTP_HX_REQUEST="true")
    assert b"<html" not in modal.content and b"Specificity" in modal.content and b"Why" in modal.content


def test_it_shows_leaderboard_and_charts_after_a_round(facilitator_client, exercise, usa, dprk):
    play_a_round(exercise, usa, dprk)
    page = console(facilitator_client, exercise).content.decode()
    assert "Leaderboard after round 1" in page
    assert page.count('<svg class="chart"') == 4 and "Regional tension" in page


# --- what the tables show: typed rows from rooms.py, every text escaped -----------------------------

SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def _table(page: str, marker: str, end: str = "</table>") -> str:
    return page.split(marker, 1)[1].split(end, 1)[0]


def test_every_console_table_renders_typed_rows_and_escapes_a_hostile_team_name(
    facilitator_client, exercise, usa, dprk
):
    rows = factories.specific_rows("DPRK", "USA")
    rows[0]["object"] = SCRIPT
    round_ = services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(dprk, [usa.team], rows)
    services.respond(offer=offer, participant=usa, accept=True)
    services.close_round(round=round_, actor="t")
    services.close_round(round=services.start_round(exercise=exercise, actor="t"), actor="t")
    step = offer.commitments.filter(outcome__in=["kept", "broken"]).first()
    services.override_resolution(commitment=step, kept=step.outcome != "kept", reason=SCRIPT, actor="t")
    services.start_round(exercise=exercise, actor="t")
    factories.send_offer(usa, [dprk.team])
    roster.remove_participant(participant=factories.make_player(exercise, "DPRK", SCRIPT), actor="t")
    Team.objects.filter(pk=dprk.team_id).update(name=SCRIPT, key='<i>"K"')  # as no form would allow

    response = console(facilitator_client, exercise)
    page = response.content.decode()
    assert "<script>alert" not in page and '<i>"K"' not in page

    # The roster and the umpire's table: templates rendering rooms' dataclass rows.
    roster_rows, umpire_rows = list(response.context["roster"]), list(response.context["resolved"])
    assert roster_rows and all(isinstance(r, rooms.RosterTeam) for r in roster_rows)
    assert all(isinstance(p, rooms.RosterPlayer) for r in roster_rows for p in (*r.players, *r.removed))
    assert umpire_rows and all(isinstance(r, rooms.UmpireRow) for r in umpire_rows)
    dprk_row = next(r for r in roster_rows if r.pk == dprk.team_id)
    assert dprk_row.name == SCRIPT and [p.name for p in dprk_row.removed] == [SCRIPT]
    roster_html = _table(page, '<ul class="list-unstyled roster">', "</ul>")
    assert roster_html.count(ESCAPED) >= 4  # the team's and the removed player's names, the other team's select
    umpire_html = _table(page, "align-middle umpire")
    assert ESCAPED in umpire_html and "&lt;i&gt;&quot;K&quot;" in umpire_html  # a summary, a ruling, a key
    assert f'title="{ESCAPED}"' in umpire_html
    # The teams table and the matrix: markup written in Python with format_html; the teams' rows typed too.
    team_rows = response.context["team_rows"]
    assert [type(r) for r in team_rows] == [rooms.TeamRow] * exercise.teams.count()
    assert next(r for r in team_rows if r.pk == dprk.team_id).name == SCRIPT
    assert ESCAPED in _table(page, "console-teams") and "&lt;i&gt;&quot;K&quot;" in _table(page, "console-teams")
    assert "&lt;i&gt;&quot;K&quot;" in _table(page, "offer-matrix")


# --- polling ------------------------------------------------------------------------------------


def test_poll_answers_204_without_a_query_when_nothing_changed(facilitator_client, exercise, django_assert_num_queries):
    params = poll_params(console(facilitator_client, exercise).content.decode())
    with django_assert_num_queries(0):
        response = facilitator_client.get(f"/exercises/{exercise.pk}/poll/", params)
    assert response.status_code == 204


def test_poll_swaps_only_the_changed_fragments(facilitator_client, exercise, usa):
    params = poll_params(console(facilitator_client, exercise).content.decode())
    services.start_round(exercise=exercise, actor="t")
    response = facilitator_client.get(f"/exercises/{exercise.pk}/poll/", params)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="live-round" class="live-fragment" hx-swap-oob="true"' in html and "Round 1 of 3" in html
    assert 'id="live-poll"' in html
    # The roster did not change: it is not sent, so a half-chosen select is never wiped.
    assert 'id="live-roster"' not in html


def test_a_poll_after_an_offer_does_not_resend_fragments_only_exercise_wide_changes_alter(
    facilitator_client, exercise, usa, dprk, dprk_client
):
    services.start_round(exercise=exercise, actor="t")
    params = poll_params(console(facilitator_client, exercise).content.decode())
    params["s-roster"] = "stale"  # only a poll that looked at the roster again would send it
    dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows()))
    html = facilitator_client.get(f"/exercises/{exercise.pk}/poll/", params).content.decode()
    assert 'id="live-matrix"' in html and 'id="live-roster"' not in html
    factories.make_player(exercise, "ROK", "Min")  # exercise-wide: the roster may have changed
    html = facilitator_client.get(f"/exercises/{exercise.pk}/poll/", params).content.decode()
    assert 'id="live-roster"' in html and "Min" in html


def test_poll_rereads_presence_every_few_seconds(facilitator_client, exercise):
    params = poll_params(console(facilitator_client, exercise).content.decode())
    params["at"] = str(int(time.time()) - 60)
    response = facilitator_client.get(f"/exercises/{exercise.pk}/poll/", params)
    assert response.status_code == 200 and 'id="live-poll"' in response.content.decode()


def test_poll_without_a_console_session_checks_ownership(other_facilitator_client, exercise):
    response = other_facilitator_client.get(f"/exercises/{exercise.pk}/poll/", {"rev": exercise.revision})
    assert response.status_code == 404


def test_poll_stops_when_the_exercise_has_ended(facilitator_client, exercise):
    params = poll_params(console(facilitator_client, exercise).content.decode())
    services.end_exercise(exercise=exercise, actor="t")
    response = facilitator_client.get(f"/exercises/{exercise.pk}/poll/", params)
    assert response.status_code == 286 and b"The exercise has ended" in response.content


def test_a_teams_offer_reaches_the_console_poll(facilitator_client, exercise, usa, dprk, dprk_client):
    services.start_round(exercise=exercise, actor="t")
    params = poll_params(console(facilitator_client, exercise).content.decode())
    dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows()))
    html = facilitator_client.get(f"/exercises/{exercise.pk}/poll/", params).content.decode()
    assert 'id="live-matrix"' in html and "#1 · Awaiting answers" in html


# --- queries do not grow with the room ----------------------------------------------------------


def _room(facilitator, n_teams: int, offers_per_team: int):
    from exercises.management.commands.seed_demo import demo_scenario

    scenario = demo_scenario(n_teams)
    exercise = services.create_exercise(
        facilitator=facilitator,
        scenario=scenario,
        title=f"{n_teams} teams",
        team_keys=[t["key"] for t in scenario["teams"][:n_teams]],
        num_rounds=3,
        round_minutes=10,
    )
    teams = list(exercise.teams.all())
    players = [factories.make_player(exercise, t.key, f"{t.key} one") for t in teams]
    for t in teams:
        factories.make_player(exercise, t.key, f"{t.key} two")
    first = services.start_round(exercise=exercise, actor="t")
    offer = factories.send_offer(players[0], [teams[1]])
    services.respond(offer=offer, participant=players[1], accept=True)
    services.close_round(round=first, actor="t")
    services.start_round(exercise=exercise, actor="t")
    services.push_inject(exercise=exercise, actor="t", inject_data={"title": "News", "text": "x"}, audience=teams[:2])
    for i, player in enumerate(players):
        for k in range(offers_per_team):
            partner = teams[(i + 1 + k) % len(teams)]
            offer = factories.send_offer(player, [partner], factories.vague_rows(player.team.key, partner.key))
            if k % 3 == 0:
                services.respond(offer=offer, participant=players[teams.index(partner)], accept=False)
    return exercise, players


def _count(client, url, **extra) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_console_queries_do_not_grow_with_teams_or_offers(client, facilitator):
    client.force_login(facilitator)
    small, _ = _room(facilitator, 4, 1)
    large, _ = _room(facilitator, 12, 10)
    counts = {}
    for name, ex in (("small", small), ("large", large)):
        # Time stands still while counting: the results fragment is cached per 10-second bucket,
        # and a bucket rolling over between the page and its poll would add its queries to one count.
        with time_machine.travel(timezone.now(), tick=False):
            counts[name] = (
                _count(client, f"/exercises/{ex.pk}/"),
                _count(client, f"/exercises/{ex.pk}/poll/?rev=0"),
                _count(client, f"/exercises/{ex.pk}/projector/"),
            )
    print("console, console poll, projector queries (4 teams vs 12 teams x10 offers):", counts)
    assert counts["small"] == counts["large"]


@pytest.mark.django_db
def test_team_room_queries_do_not_grow_with_teams_or_offers(facilitator):
    counts = {}
    for name, teams, offers in (("small", 4, 1), ("large", 12, 10)):
        exercise, players = _room(facilitator, teams, offers)
        c = player_client(players[1])
        # Seen just now, and time stands still while counting: the presence write (one per 10 s)
        # and the 10-second fragment buckets must not add queries to one count only.
        with time_machine.travel(timezone.now(), tick=False):
            Participant.objects.filter(pk=players[1].pk).update(last_seen_at=timezone.now())
            counts[name] = (
                _count(c, f"/play/{players[1].team_id}/"),
                _count(c, f"/play/{players[1].team_id}/poll/?rev=0"),
            )
    print("team room, team poll queries (4 teams vs 12 teams x10 offers):", counts)
    assert counts["small"] == counts["large"]


# --- seed_demo ---------------------------------------------------------------------------------


def test_seed_demo_json_lists_the_live_pages(db, client):
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("seed_demo", "--json", stdout=out)
    payload = json.loads(out.getvalue())["exercise"]
    exercise_id = payload["id"]
    assert payload["projector_url"] == f"/exercises/{exercise_id}/projector/"
    assert payload["console_poll_url"] == f"/exercises/{exercise_id}/poll/"
    assert payload["observers"] == []
    assert client.login(username="demo", password="tabletop-demo")
    for key in ("dashboard_url", "projector_url", "join_cards_url"):
        assert client.get(payload[key]).status_code == 200
    assert client.get(payload["console_poll_url"] + "?rev=0").status_code == 200


def test_console_polls_do_not_make_team_polls_render(facilitator_client, exercise, usa, dprk, rok, usa_client):
    services.start_round(exercise=exercise, actor="t")
    dprk_client = player_client(dprk)  # joining is a change: seat before USA's revision is taken
    first = usa_client.get(f"/play/{usa.team_id}/poll/?rev=0").content.decode()
    revision = re.search(r"rev=(\d+)", first).group(1)
    # An offer between two other teams: USA's room did not change.
    dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows("DPRK", "ROK"), ["ROK"]))
    # The console reads the database and re-syncs the cache; that is not a change either.
    facilitator_client.get(f"/exercises/{exercise.pk}/poll/", {"rev": "0"})
    assert usa_client.get(f"/play/{usa.team_id}/poll/?rev={revision}").status_code == 204
