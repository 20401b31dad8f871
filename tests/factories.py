"""Plain factory functions: a facilitator, an exercise, players, offers."""

import itertools

from django.contrib.auth import get_user_model

from exercises import roster, services
from exercises.scenarios import DEFAULT_SCENARIO_KEY, load_scenario

_tokens = itertools.count(1)
PASSWORD = "a-long-test-password"


def make_facilitator(username: str = "alice"):
    return get_user_model().objects.create_user(username=username, password=PASSWORD)


def make_exercise(
    facilitator,
    *,
    teams=("USA", "DPRK", "ROK", "China"),
    rounds: int = 3,
    minutes: int = 10,
    title="Summit",
    seed: str = "tabletop-tests",
):
    exercise = services.create_exercise(
        facilitator=facilitator,
        scenario=load_scenario(DEFAULT_SCENARIO_KEY),
        title=title,
        team_keys=list(teams),
        num_rounds=rounds,
        round_minutes=minutes,
    )
    # One seed for the suite: the dice fall the same way on every run, so no test passes or
    # fails by luck. Tests of the dice themselves set their own seeds.
    exercise.seed = seed
    exercise.save(update_fields=["seed"])
    return exercise


def team(exercise, key: str):
    return exercise.teams.get(key=key)


def make_player(exercise, key: str, name: str | None = None):
    return roster.join_team(team=team(exercise, key), display_name=name or f"{key} player").participant


def specific_rows(giver: str = "DPRK", receiver: str = "USA") -> list[dict]:
    """A base hit: a verified freeze in return for sector relief, each conditional on the other."""
    return [
        {
            "by": giver,
            "to": [receiver],
            "kind": "",
            "action": "freeze",
            "object": "plutonium reprocessing and uranium enrichment",
            "site": "Yongbyon",
            "deadline": "within 30 days",
            "verification": "IAEA inspectors with continuous access",
            "conditional_on": [2],
        },
        {
            "by": receiver,
            "to": [giver],
            "action": "suspend",
            "object": "UN sanctions on coal and textile exports",
            "quantity": "1",
            "unit": "year",
            "deadline": "within 30 days",
            "verification": "UN Panel of Experts",
            "conditional_on": [1],
        },
    ]


def vague_rows(giver: str = "DPRK", receiver: str = "USA") -> list[dict]:
    return [{"by": giver, "to": [receiver], "text": "work toward complete denuclearization as soon as possible"}]


def send_offer(player, recipients, rows=None, *, token=None, parent=None):
    return services.submit_offer(
        participant=player,
        recipients=list(recipients),
        commitments=rows if rows is not None else specific_rows(player.team.key, recipients[0].key),
        client_token=token or f"t{next(_tokens)}",
        parent=parent,
    ).offer


def seat(client, participant) -> None:
    """Seat a test client as this player, the way a browser does: through the join form."""
    response = client.post("/join/", {"code": participant.team.join_code, "display_name": participant.display_name})
    assert response.status_code == 302, response.content[:500]


def settings_limits() -> dict:
    from django.conf import settings

    return dict(settings.TABLETOP_LIMITS)
