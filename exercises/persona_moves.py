"""The one way a bot or a simulated team acts: a persona's decisions (exercises/personas.py)
carried out through the services the web views call, so its offers are scored, agreed and
resolved exactly like a human team's.

    send_offers(team, persona_key, rng) -> list[Offer]
    answer_offer(team, offer, persona_key, rng) -> Response

Both raise ``services.GameError`` when the game refuses the move (no open round, the
offer was already answered ...), as it would refuse a student's. The persona plays as a
seated player of the team named after it ("Base hitter (bot)"), who joins like anyone.
"""

from __future__ import annotations

import random
import secrets

from django.db.models import Q

from exercises import personas, roster, rules, scoring, services
from exercises.models import Commitment, Offer, Participant, Response, Team

__all__ = ["answer_offer", "bot_player", "engine_view", "memory_of", "send_offers", "table_for"]


def bot_player(team: Team, persona_key: str) -> Participant:
    """The seat a persona plays from: joined like a student, so every move names it."""
    label = personas.PERSONAS[persona_key].label
    return roster.join_team(team=team, display_name=f"{label} (bot)").participant


def memory_of(team: Team) -> personas.Memory:
    """Who broke a step owed to ``team``, and the catalogue items already agreed or on offer."""
    exercise = team.exercise
    broken = Commitment.objects.filter(offer__exercise=exercise, outcome=Commitment.Outcome.BROKEN)
    broke_to_me = {by for by, to in broken.values_list("by", "to") if team.key in (to or [])}
    live = Q(offer__status=Offer.Status.ACCEPTED) | Q(offer__status=Offer.Status.PENDING)
    taken = set(
        Commitment.objects.filter(live, offer__exercise=exercise).exclude(kind="").values_list("kind", flat=True)
    )
    return personas.Memory(broke_to_me=frozenset(broke_to_me), taken=frozenset(taken))


def table_for(team: Team) -> personas.Table:
    exercise = team.exercise
    current = exercise.current_round()
    keys = [t.key for t in exercise.teams.all()]
    return personas.Table(
        me=team.key,
        others=tuple(k for k in keys if k != team.key),
        catalogue=scoring.catalogue_for(exercise),
        round=current.number if current else 1,
        last_round=exercise.num_rounds,
        memory=memory_of(team),
    )


def _recipients(team: Team, keys) -> list[Team]:
    teams = {t.key: t for t in team.exercise.teams.all()}
    return [teams[k] for k in keys if k in teams and k != team.key]


def _rows(draft: personas.Draft) -> list[dict]:
    return [dict(row) for row in draft.commitments]


def send_offers(team: Team, persona_key: str, rng: random.Random) -> list[Offer]:
    """Draft this round's offers for ``team`` as ``persona_key`` would, and send them."""
    player = bot_player(team, persona_key)
    sent = []
    for draft in personas.draft_offers(persona_key, table_for(team), rng):
        result = services.submit_offer(
            participant=player,
            recipients=_recipients(team, draft.to),
            commitments=_rows(draft),
            client_token=_token(rng),
            message=draft.message,
        )
        sent.append(result.offer)
    return sent


def _token(rng: random.Random) -> str:
    # Seeded, so a replayed simulation sends the same tokens; a live bot's rng is its own.
    return f"persona-{rng.getrandbits(64):016x}-{secrets.token_hex(4)}"


def engine_view(offer: Offer) -> rules.Offer:
    """The stored offer as the rules engine (and so a persona) reads it."""
    parties = [offer.from_team.key, *(t.key for t in offer.recipients.all())]
    return scoring.engine_offer(
        str(offer.number),
        list(offer.commitments.all()),
        parties,
        round_number=offer.round.number,
        proposer=offer.from_team.key,
    )


def answer_offer(team: Team, offer: Offer, persona_key: str, rng: random.Random) -> Response:
    """Accept, reject or counter ``offer`` as ``persona_key`` would; the note says why."""
    player = bot_player(team, persona_key)
    decision = personas.decide(
        persona_key, table_for(team), engine_view(offer), offer.specificity or 0, offer.reciprocity or 0, rng
    )
    if decision.kind == "counter" and decision.counter is not None:
        services.submit_offer(
            participant=player,
            recipients=_recipients(team, decision.counter.to),
            commitments=_rows(decision.counter),
            client_token=_token(rng),
            message=decision.note,
            parent=offer,
        )
    else:
        services.respond(offer=offer, participant=player, accept=decision.kind == "accept", note=decision.note)
    return Response.objects.get(offer=offer, team=team)
