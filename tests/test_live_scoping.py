"""Team-scoped revisions: an offer between two teams re-renders only their rooms' polls."""

import re

from exercises import live, services
from tests import factories
from tests.test_views_team import offer_post


def _rev(response) -> str:
    return re.search(r"rev=(\d+)", response.content.decode()).group(1)


def _seen(client, player) -> str:
    return _rev(client.get(f"/play/{player.team_id}/poll/?rev=0"))


def test_an_offer_between_others_leaves_a_third_teams_poll_unchanged(
    exercise, usa, dprk, rok, usa_client, dprk_client, rok_client, django_assert_num_queries
):
    services.start_round(exercise=exercise, actor="t")
    usa_rev, rok_rev = _seen(usa_client, usa), _seen(rok_client, rok)
    response = dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows()))
    assert response.status_code == 302
    with django_assert_num_queries(0):
        assert rok_client.get(f"/play/{rok.team_id}/poll/?rev={rok_rev}").status_code == 204
    changed = usa_client.get(f"/play/{usa.team_id}/poll/?rev={usa_rev}")
    assert changed.status_code == 200 and b"Offer #1" in changed.content


def test_an_answer_reaches_the_sender_and_a_round_change_reaches_everyone(
    exercise, usa, dprk, rok, usa_client, dprk_client, rok_client
):
    services.start_round(exercise=exercise, actor="t")
    dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows()))
    dprk_rev, rok_rev = _seen(dprk_client, dprk), _seen(rok_client, rok)
    assert usa_client.post(f"/play/{usa.team_id}/offers/1/respond/", {"answer": "accept"}).status_code == 302
    assert dprk_client.get(f"/play/{dprk.team_id}/poll/?rev={dprk_rev}").status_code == 200
    assert rok_client.get(f"/play/{rok.team_id}/poll/?rev={rok_rev}").status_code == 204
    services.close_round(round=exercise.current_round(), actor="t")
    assert rok_client.get(f"/play/{rok.team_id}/poll/?rev={rok_rev}").status_code == 200


def test_a_missing_record_means_render(exercise, usa, usa_client):
    seen = _seen(usa_client, usa)
    live.publish_revision(exercise.pk, int(seen) + 1)  # exercise-wide
    with live.scoped_to([12345]):
        live.publish_revision(exercise.pk, int(seen) + 2)
    # revision seen+1 is exercise-wide, so a page at `seen` must still render
    assert not live.team_unchanged(exercise.pk, usa.team_id, seen)
    assert live.team_unchanged(exercise.pk, usa.team_id, str(int(seen) + 1))


def test_teammates_share_one_render_with_their_own_csrf_tokens(exercise, usa, dprk, dprk_client):
    from django.test import Client

    services.start_round(exercise=exercise, actor="t")
    ann2 = factories.make_player(exercise, "USA", "Bob")
    ann_client, bob_client = Client(), Client()
    factories.seat(ann_client, usa)
    factories.seat(bob_client, ann2)
    bob_client.handler.enforce_csrf_checks = True  # the answer below must carry a valid token
    seen = _seen(ann_client, usa)
    dprk_client.post(f"/play/{dprk.team_id}/offers/", offer_post(factories.specific_rows()))
    first = ann_client.get(f"/play/{usa.team_id}/poll/?rev={seen}")
    second = bob_client.get(f"/play/{usa.team_id}/poll/?rev={seen}")  # served from the team's render
    assert first.status_code == second.status_code == 200 and b"Offer #1" in second.content
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', second.content.decode()).group(1)
    assert "\x00" not in token
    answer = bob_client.post(
        f"/play/{usa.team_id}/offers/1/respond/", {"answer": "accept", "csrfmiddlewaretoken": token}
    )
    assert answer.status_code == 302


# --- this worker's copy of the state ---------------------------------------------------------------


def _published_elsewhere(exercise_id: int, revision: int) -> None:
    """What another worker's change looks like from here: the database and the shared entry move, this copy does not."""
    from django.core.cache import cache

    from exercises.models import Exercise

    Exercise.objects.filter(pk=exercise_id).update(revision=revision)
    cache.set(live.revisions._key(exercise_id), (revision, None), live.TTL_SECONDS)
    cache.set(live.revisions._wide_key(exercise_id, revision), 1, live.TTL_SECONDS)


def test_another_workers_change_reaches_a_poll_within_the_local_copys_lifetime(exercise, usa, usa_client, monkeypatch):
    seen = _seen(usa_client, usa)
    now = [1000.0]
    monkeypatch.setattr(live.revisions, "clock", lambda: now[0])
    live.forget_local()  # copies taken on the real clock
    assert live.team_unchanged(exercise.pk, usa.team_id, seen)  # reads the shared entry once
    _published_elsewhere(exercise.pk, int(seen) + 1)
    now[0] += live.LOCAL_SECONDS / 2
    assert live.team_unchanged(exercise.pk, usa.team_id, seen)  # the copy is still young
    now[0] += live.LOCAL_SECONDS / 2
    assert not live.team_unchanged(exercise.pk, usa.team_id, seen)
    assert usa_client.get(f"/play/{usa.team_id}/poll/?rev={seen}").status_code == 200


def test_a_change_made_in_this_worker_is_seen_at_once(exercise, usa, usa_client, monkeypatch):
    seen = _seen(usa_client, usa)
    monkeypatch.setattr(live.revisions, "clock", lambda: 1000.0)  # the copy never ages
    live.forget_local()
    assert live.team_unchanged(exercise.pk, usa.team_id, seen)
    services.start_round(exercise=exercise, actor="t")
    assert not live.team_unchanged(exercise.pk, usa.team_id, seen)
    assert usa_client.get(f"/play/{usa.team_id}/poll/?rev={seen}").status_code == 200


def test_a_stale_copy_never_moves_the_shared_state_back(exercise, monkeypatch):
    monkeypatch.setattr(live.revisions, "clock", lambda: 1000.0)
    live.refresh_state(exercise.pk, 5)
    _published_elsewhere(exercise.pk, 7)
    assert live.cached_state(exercise.pk) == (5, None)  # this worker has not looked yet
    live.refresh_state(exercise.pk, 6)  # a poll that read revision 6 from the database
    assert live.revisions._read_shared(exercise.pk) == (7, None)
    assert live.cached_state(exercise.pk) == (7, None)
