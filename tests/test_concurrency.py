"""Races a classroom produces: many submissions while the round closes, double answers,
two facilitators closing at once. Each ends with exactly one outcome and one event each.
Runs on SQLite (IMMEDIATE transactions) and PostgreSQL (row locks) alike."""

import threading

import pytest
from django.db import connection

from exercises import services
from exercises.models import Event, Offer, Response, Round
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def race(*jobs):
    """Run the jobs in threads released at the same instant; return their results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:  # collected and checked by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


@pytest.fixture
def game(facilitator):
    exercise = factories.make_exercise(facilitator)
    players = {key: factories.make_player(exercise, key) for key in ("USA", "DPRK", "ROK", "China")}
    round_ = services.start_round(exercise=exercise, actor="t")
    return exercise, players, round_


def test_submissions_racing_the_close_are_stored_or_refused(game):
    exercise, players, round_ = game
    writers = 24

    def submit(i):
        sender = players[["DPRK", "ROK", "China"][i % 3]]
        return lambda: factories.send_offer(sender, [players["USA"].team], token=f"race-{i}")

    jobs = [submit(i) for i in range(writers)]
    jobs.insert(writers // 2, lambda: services.close_round(round=round_, actor="facilitator"))
    results = race(*jobs)

    closed = results.pop(writers // 2)
    assert closed is True
    acknowledged = [r for r in results if isinstance(r, Offer)]
    refused = [r for r in results if isinstance(r, services.GameError)]
    assert len(acknowledged) + len(refused) == writers, [
        r for r in results if not isinstance(r, Offer | services.GameError)
    ]
    assert all("has closed" in str(r) for r in refused)
    assert Offer.objects.filter(exercise=exercise).count() == len(acknowledged)
    assert Event.objects.filter(exercise=exercise, kind=Event.Kind.OFFER_SUBMITTED).count() == len(acknowledged)
    # Whatever got in before the close was expired by it: nothing is left pending in a closed round.
    assert not Offer.objects.filter(exercise=exercise, status=Offer.Status.PENDING).exists()
    assert Event.objects.filter(exercise=exercise, kind=Event.Kind.ROUND_CLOSED).count() == 1


def test_two_facilitators_closing_the_same_round(game):
    exercise, _, round_ = game
    results = race(*[lambda: services.close_round(round=round_, actor="f")] * 4)
    assert sorted(results) == [False, False, False, True]
    assert Event.objects.filter(exercise=exercise, kind=Event.Kind.ROUND_CLOSED).count() == 1
    assert Round.objects.get(pk=round_.pk).is_closed


def test_two_accepts_of_the_same_offer(game):
    exercise, players, _ = game
    offer = factories.send_offer(players["DPRK"], [players["USA"].team])
    teammate = factories.make_player(exercise, "USA", "Second USA player")
    results = race(
        lambda: services.respond(offer=offer, participant=players["USA"], accept=True),
        lambda: services.respond(offer=offer, participant=teammate, accept=True),
    )
    assert sum(isinstance(r, Offer) for r in results) == 1
    assert sum(isinstance(r, services.GameError) for r in results) == 1
    assert Response.objects.filter(offer=offer).count() == 1
    assert Event.objects.filter(exercise=exercise, kind=Event.Kind.OFFER_ACCEPTED).count() == 1
    assert Event.objects.filter(exercise=exercise, kind=Event.Kind.AGREEMENT_REACHED).count() == 1


def test_accept_against_reject(game):
    exercise, players, _ = game
    offer = factories.send_offer(players["DPRK"], [players["USA"].team])
    teammate = factories.make_player(exercise, "USA", "Second USA player")
    results = race(
        lambda: services.respond(offer=offer, participant=players["USA"], accept=True),
        lambda: services.respond(offer=offer, participant=teammate, accept=False),
    )
    assert sum(isinstance(r, services.GameError) for r in results) == 1
    offer.refresh_from_db()
    answer = Response.objects.get(offer=offer)
    assert offer.status == (Offer.Status.ACCEPTED if answer.kind == "accept" else Offer.Status.REJECTED)
    answered = Event.objects.filter(exercise=exercise, kind__in=[Event.Kind.OFFER_ACCEPTED, Event.Kind.OFFER_REJECTED])
    assert answered.count() == 1


def test_the_same_form_posted_twice_at_once_stores_one_offer(game):
    exercise, players, _ = game
    rows = factories.specific_rows()
    submit = lambda: services.submit_offer(  # noqa: E731
        participant=players["DPRK"], recipients=[players["USA"].team], commitments=rows, client_token="double-click"
    )
    results = race(submit, submit, submit)
    assert all(not isinstance(r, Exception) for r in results), results
    assert len({r.offer.pk for r in results}) == 1
    assert sorted(r.duplicate for r in results) == [False, True, True]
    assert Offer.objects.filter(exercise=exercise).count() == 1
    assert Event.objects.filter(exercise=exercise, kind=Event.Kind.OFFER_SUBMITTED).count() == 1
