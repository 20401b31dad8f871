"""A whole exercise played over HTTP, like an oTree bot: 4 teams, 3 rounds."""

import re

from django.test import Client

from exercises.models import Commitment, Event, Exercise, Offer, Round, TeamScore
from tests import factories
from tests.test_views_team import offer_post

TEAMS = ["USA", "DPRK", "ROK", "China"]


def join_all(exercise) -> dict[str, tuple[Client, int]]:
    players = {}
    for key in TEAMS:
        team = exercise.teams.get(key=key)
        for name in (f"{key} one", f"{key} two"):
            client = Client()
            response = client.post("/join/", {"code": team.join_code, "display_name": name})
            assert response.status_code == 302
            players.setdefault(key, (client, team.pk))
    return players


def test_four_teams_play_three_rounds(client, facilitator):
    client.force_login(facilitator)
    client.post(
        "/exercises/new/",
        {"title": "Bot game", "scenario": "second-summit-2019", "teams": TEAMS, "num_rounds": 3, "round_minutes": 10},
    )
    exercise = Exercise.objects.get(title="Bot game")
    players = join_all(exercise)
    assert exercise.teams.get(key="USA").participants.count() == 2

    for number in (1, 2, 3):
        assert client.post(f"/exercises/{exercise.pk}/rounds/start/").status_code == 302
        # Each team makes one offer to the next team: a base hit, in the giver's catalogue.
        for i, key in enumerate(TEAMS):
            partner = TEAMS[(i + number) % len(TEAMS)]
            player, team_id = players[key]
            data = offer_post(factories.specific_rows(key, partner), recipients=[partner], token=f"r{number}-{key}")
            assert player.post(f"/play/{team_id}/offers/", data).status_code == 302
        # Recipients answer: accept what comes from USA or DPRK, counter China, reject the rest.
        for key in TEAMS:
            player, team_id = players[key]
            page = player.get(f"/play/{team_id}/").content.decode()
            # Counters are left unanswered: they expire at the close.
            originals = Offer.objects.filter(round__number=number, recipients__key=key, status="pending", parent=None)
            for offer in originals:
                assert f"Offer #{offer.number}" in page
                if offer.from_team.key in ("USA", "DPRK"):
                    answer = player.post(f"/play/{team_id}/offers/{offer.number}/respond/", {"answer": "accept"})
                    assert answer.status_code == 302
                elif offer.from_team.key == "China":
                    rows = factories.specific_rows(key, "China")
                    data = offer_post(rows, recipients=["China"], token=f"c{number}-{key}", parent=str(offer.pk))
                    assert player.post(f"/play/{team_id}/offers/", data).status_code == 302
                else:
                    player.post(f"/play/{team_id}/offers/{offer.number}/respond/", {"answer": "reject"})
        status = client.get(f"/exercises/{exercise.pk}/").content.decode()
        assert re.search(rf"Round {number} of 3", status)
        assert client.post(f"/exercises/{exercise.pk}/rounds/{number}/close/").status_code == 302
        results = client.get(f"/exercises/{exercise.pk}/rounds/{number}/")
        assert results.status_code == 200

    assert client.post(f"/exercises/{exercise.pk}/end/").status_code == 302
    exercise.refresh_from_db()
    assert exercise.is_ended
    assert Round.objects.filter(exercise=exercise, status="closed").count() == 3
    agreements = Offer.objects.filter(exercise=exercise, status="accepted")
    assert agreements.count() == 6  # USA's and DPRK's offers, each round
    assert Offer.objects.filter(exercise=exercise, parent__isnull=False).count() == 3
    # Agreements of rounds 1 and 2 were due by round 3's close; round 3's were settled in
    # the final reckoning when the exercise ended: nothing agreed stays on the ledger.
    settled = Commitment.objects.filter(offer__exercise=exercise, outcome__in=["kept", "broken", "voided", "withdrawn"])
    assert settled.count() == 12
    assert settled.filter(settled_at_end=True).count() == 4
    assert Commitment.objects.filter(offer__exercise=exercise, outcome="due").count() == 0
    assert TeamScore.objects.filter(round__exercise=exercise).count() == 12
    kinds = set(exercise.events.values_list("kind", flat=True))
    for kind in [
        Event.Kind.PLAYER_JOINED,
        Event.Kind.ROUND_OPENED,
        Event.Kind.OFFER_SUBMITTED,
        Event.Kind.OFFER_ACCEPTED,
        Event.Kind.OFFER_REJECTED,
        Event.Kind.OFFER_COUNTERED,
        Event.Kind.AGREEMENT_REACHED,
        Event.Kind.COMMITMENT_RESOLVED,
        Event.Kind.ROUND_CLOSED,
        Event.Kind.FINAL_RECKONING,
        Event.Kind.EXERCISE_ENDED,
    ]:
        assert kind in kinds, kind
    # Players of an ended exercise still see their room, and polling stops.
    player, team_id = players["USA"]
    assert player.get(f"/play/{team_id}/").status_code == 200
    assert player.get(f"/play/{team_id}/poll/?rev=0").status_code == 286
