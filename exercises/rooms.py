"""What each live screen shows: the console, the observer view, the projector and the team room.

The read side of the game. Views check access (exercises/access.py), call one of these
builders and render its result; live fragments and their caching are exercises/live/.
Each builder reads the whole room in a fixed number of queries, whatever its size.
"""

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q, prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from exercises import charts, offer_diff, qr, results, rules, services, triggered_news
from exercises.models import (
    SUMMARY_TERMS,
    Commitment,
    Event,
    Exercise,
    Inject,
    Offer,
    Response,
    Round,
    Team,
    TeamScore,
    breach_words,
    commitment_summary,
)

PRESENT_SECONDS = 30
# A player's composer previews the draft 0.6 s after each pause in typing; this long
# after the last one the team no longer counts as drafting.
DRAFTING_SECONDS = 30
# What a team does, as opposed to having a room open (its polls only say it is present).
ACTIVITY_KINDS = (
    Event.Kind.OFFER_SUBMITTED,
    Event.Kind.OFFER_ACCEPTED,
    Event.Kind.OFFER_REJECTED,
    Event.Kind.OFFER_COUNTERED,
)


# --- the console and the observer view ------------------------------------------------------


def room_state(exercise: Exercise) -> dict:
    """The whole room for the console and the observer view, in a fixed number of queries."""
    if services.close_if_expired(exercise):
        exercise.refresh_from_db()
    rounds = list(exercise.rounds.all())
    current = rounds[-1] if rounds else None
    teams = list(exercise.teams.prefetch_related("participants"))
    offers, recipients, answers = [], {}, set()
    if current:
        # Only what the teams table and the matrix show: 300 offers with their score
        # details and messages cost more to load than the whole fragment to render.
        offers = list(current.offers.only(*MATRIX_OFFER_FIELDS).order_by("number"))
        recipients = recipient_ids(current.offers.all())
        answers = set(Response.objects.filter(offer__round=current).values_list("offer_id", "team_id"))
    latest_closed = next((r for r in reversed(rounds) if r.is_closed), None)
    scores = {s.team_id: s for s in TeamScore.objects.filter(round=latest_closed)} if latest_closed else {}
    acted = dict(
        exercise.events.filter(kind__in=ACTIVITY_KINDS, team__isnull=False)
        .values("team_id")
        .annotate(at=Max("created_at"))
        .values_list("team_id", "at")
    )
    team_rows, matrix = _team_rows(teams, offers, recipients, answers, scores, acted, typing=not exercise.is_ended)
    player_count = sum(len(row.players) for row in team_rows)
    # Read only when the news fragment is rendered, not when it comes from the cache.
    injects = SimpleLazyObject(lambda: list(exercise.injects.select_related("round").prefetch_related("audience")))
    return {
        "exercise": exercise,
        "rounds": rounds,
        "current": current,
        "teams": teams,
        "team_rows": team_rows,
        "offers": offers,
        "player_count": player_count,
        "matrix": matrix,
        "injects": SimpleLazyObject(lambda: injects[:8]),
        "scenario_injects": SimpleLazyObject(lambda: _scenario_injects(exercise, injects)),
        "triggers": SimpleLazyObject(lambda: triggered_news.trigger_rows(exercise)),
        "leaderboard": rules.standings((row for row in team_rows if row.score), score=lambda row: row.score.total),
        "latest_closed": latest_closed,
        # Computed only when the results fragment is rendered, not taken from the cache.
        "charts": SimpleLazyObject(lambda: charts.exercise_charts(exercise, teams, rounds)),
        # Both read only when their fragment is rendered, not when it comes from the cache.
        "roster": SimpleLazyObject(lambda: roster_rows(exercise, teams)),
        "resolved": SimpleLazyObject(lambda: umpire_rows(exercise)),
        "text_length": settings.TABLETOP_LIMITS["text_length"],  # an umpire's reason, at most
        "observations": exercise.observations.select_related("round", "team").order_by("-created_at", "-pk")[:20],
        "events": exercise.events.order_by("-created_at", "-pk")[:15],
        "revision": exercise.revision,
        "rendered_at": int(time.time()),
    }


def _scenario_injects(exercise: Exercise, injects: list) -> list[dict]:
    """The scenario's prepared news, each marked when it was already pushed (triggered news is listed apart)."""
    pushed_keys = {i.key for i in injects if i.key}
    return [
        dict(i, pushed=i.get("key") in pushed_keys)
        for i in exercise.scenario.get("injects", [])
        if not i.get("trigger")
    ]


MATRIX_OFFER_FIELDS = ("number", "status", "specificity", "reciprocity", "from_team")

# What the umpire's table shows of a resolved commitment (its summary and the ruling): read
# as value rows, as after ten rounds there are hundreds, each with its offer, team and round.
UMPIRE_FIELDS = (
    *("pk", "position", *SUMMARY_TERMS),
    *("outcome", "kept_probability", "overridden", "override_reason"),
    *("offer__number", "offer__from_team__key", "resolved_in__number"),
    *("to", "breach_position", "settled_at_end", "umpire_value", "withdrawn_in__number"),
)
# What the umpire's table lists: every step the ledger settled, void and withdrawn ones too.
SETTLED_OUTCOMES = (
    Commitment.Outcome.KEPT,
    Commitment.Outcome.BROKEN,
    Commitment.Outcome.VOIDED,
    Commitment.Outcome.WITHDRAWN,
)


# --- the rows the console's tables render (templates/exercises/_roster.html, _umpire_rows.html) --


@dataclass(frozen=True)
class RosterPlayer:
    pk: int
    name: str
    move_url: str  # the facilitator's forms: move to another team, remove (or, once removed, readmit)
    remove_url: str
    readmit_url: str


@dataclass(frozen=True)
class MoveChoice:
    pk: int
    name: str


@dataclass(frozen=True)
class RosterTeam:
    """A team's lines in the roster: its players, the removed ones, and where a player may be moved."""

    pk: int
    name: str
    players: list[RosterPlayer]
    removed: list[RosterPlayer]  # greyed, with the way back for the facilitator
    move_to: list[MoveChoice]  # every other team, in the teams' order


def roster_rows(exercise: Exercise, teams: list[Team]) -> list[RosterTeam]:
    """The roster, team by team, from the teams with their participants prefetched (no query)."""
    move, remove, readmit = (
        numbered_url(name, exercise.pk) for name in ("player_move", "player_remove", "player_readmit")
    )
    choices = [MoveChoice(team.pk, team.name) for team in teams]
    rows = []
    for team in teams:
        lines = [
            (p, RosterPlayer(p.pk, p.display_name, move(p.pk), remove(p.pk), readmit(p.pk)))
            for p in team.participants.all()
        ]
        rows.append(
            RosterTeam(
                pk=team.pk,
                name=team.name,
                players=[line for p, line in lines if not p.is_removed],
                removed=[line for p, line in lines if p.is_removed],
                move_to=[choice for choice in choices if choice.pk != team.pk],
            )
        )
    return rows


@dataclass(frozen=True)
class UmpireRow:
    """A settled commitment in the umpire's table: what was promised, how it ended, the ruling and value."""

    pk: int
    offer_number: int
    position: int
    from_key: str
    summary: str
    settled_at_end: bool  # in the final reckoning rather than at a round's close
    resolved_in: int | None  # the round whose close settled it
    kept_probability: float | None
    outcome: str
    outcome_label: str
    note: str  # why a linked step was not delivered: " (its condition, no. 1, was broken)"
    overridden: bool
    override_reason: str
    values: list[tuple[str, float]]  # the umpire's value of the step, party by party
    by: str
    to: list[str]
    giver_value: float | None
    receiver_value: float | None
    override_url: str  # the facilitator's forms: overrule the dice, value the step
    value_url: str

    @property
    def can_rule(self) -> bool:
        """Only steps the dice decided (kept or broken) can be overruled."""
        return self.outcome in (Commitment.Outcome.KEPT, Commitment.Outcome.BROKEN)

    @property
    def flip(self) -> str:
        return Commitment.Outcome.BROKEN if self.outcome == Commitment.Outcome.KEPT else Commitment.Outcome.KEPT


def umpire_rows(exercise: Exercise) -> list[UmpireRow]:
    """Every step the ledger settled, newest round first, in one query of value rows."""
    settled = (
        Commitment.objects.filter(offer__exercise=exercise, outcome__in=SETTLED_OUTCOMES)
        .order_by("-resolved_in__number", "offer__number", "position")
        .values_list(*UMPIRE_FIELDS, named=True)
    )
    override_url, value_url = (numbered_url(name, exercise.pk) for name in ("commitment_override", "commitment_value"))
    return [_umpire_row(c, override_url, value_url) for c in settled]


def _giver_first(values: dict, by: str, to: list[str]) -> list[tuple[str, float]]:
    """The umpire's values, giver first, then the receivers in the step's order (jsonb keeps its own)."""
    order = [by, *to]
    return sorted(values.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))


def _umpire_row(c, override_url, value_url) -> UmpireRow:
    values = c.umpire_value or {}
    return UmpireRow(
        pk=c.pk,
        offer_number=c.offer__number,
        position=c.position,
        from_key=c.offer__from_team__key,
        summary=commitment_summary(c),
        settled_at_end=c.settled_at_end,
        resolved_in=c.resolved_in__number,
        kept_probability=c.kept_probability,
        outcome=c.outcome,
        outcome_label=str(Commitment.Outcome(c.outcome).label),
        note=ledger_note(c.outcome, c.breach_position, c.withdrawn_in__number),
        overridden=c.overridden,
        override_reason=c.override_reason,
        values=_giver_first(values, c.by, c.to or []),
        by=c.by,
        to=list(c.to or []),
        giver_value=values.get(c.by),
        receiver_value=next((v for party, v in values.items() if party != c.by), None),
        override_url=override_url(c.pk),
        value_url=value_url(c.pk),
    )


def ledger_note(outcome: str, breach: int | None, withdrawn_in: int | None = None) -> str:
    """Why a linked step was not delivered: " (its condition, no. 1, was broken)"."""
    words = breach_words(outcome, breach)
    if not words:
        return ""
    when = f", round {withdrawn_in}" if outcome == Commitment.Outcome.WITHDRAWN and withdrawn_in else ""
    return f" ({words}{when})"


# Any number the int converter accepts; what matters is that it is found in the reversed URL.
_NUMBER_MARK = 987654321


def numbered_url(name: str, *args):
    """``reverse(name, args=[*args, n])`` as a function of n, for URLs whose last part is n.

    reverse() costs tens of microseconds; a matrix of 300 offers needs 300 links, the roster
    three per player.
    """
    head, _, tail = reverse(name, args=[*args, _NUMBER_MARK]).rpartition(str(_NUMBER_MARK))
    return lambda number: f"{head}{number}{tail}"


def recipient_ids(offers) -> dict[int, list[int]]:
    """Offer id -> its recipients' team ids, for the offers of a queryset, in one query without Team rows."""
    found = {}
    for offer_id, team_id in Offer.recipients.through.objects.filter(offer__in=offers).values_list(
        "offer_id", "team_id"
    ):
        found.setdefault(offer_id, []).append(team_id)
    return found


@dataclass(frozen=True)
class PresentPlayer:
    name: str
    is_present: bool  # seen in the last PRESENT_SECONDS


@dataclass(frozen=True)
class TeamRow:
    """A team in the console's teams table and leaderboard: who is here, what it did this round, its score."""

    pk: int
    key: str
    name: str
    bot_persona: str  # "" when people play it
    players: list[PresentPlayer]  # removed players left out
    present_count: int
    drafting: bool  # a player typed in the composer in the last DRAFTING_SECONDS
    last_active: datetime | None  # the last keystroke in the composer, offer sent or answered
    sent: int  # offers this round
    received: int
    answered: int
    waiting: int  # offers to the team still waiting for its answer
    score: TeamScore | None  # after the latest closed round


def _team_rows(teams, offers, recipients, answers, scores, acted, *, typing: bool) -> tuple[list[TeamRow], dict]:
    """Each team's row of the teams table and the matrix's cells, in one pass over the round's offers.

    ``acted`` maps a team to its last offer or answer; with the players' last keystroke
    in the composer it makes the team's "last active". ``typing`` is False once the
    exercise has ended (there is no composer left to type in).
    The cells: (sending team, receiving team) -> offers, by number.
    """
    now = timezone.now()
    present, drafting = timedelta(seconds=PRESENT_SECONDS), timedelta(seconds=DRAFTING_SECONDS)
    known = {t.pk for t in teams}
    sent, received, answered, waiting = Counter(), Counter(), Counter(), Counter()
    cells = {}
    for offer in offers:  # by number, so every cell lists its offers in order
        sent[offer.from_team_id] += 1
        for team_id in recipients.get(offer.pk, ()):
            cells.setdefault((offer.from_team_id, team_id), []).append(offer)
            if team_id not in known:
                continue
            received[team_id] += 1
            if (offer.pk, team_id) in answers:
                answered[team_id] += 1
            elif offer.status == Offer.Status.PENDING:
                waiting[team_id] += 1
    rows = []
    for team in teams:
        players = [p for p in team.participants.all() if not p.is_removed]
        here = [bool(p.last_seen_at and now - p.last_seen_at < present) for p in players]
        moments = [p.drafting_at for p in players if p.drafting_at] + [acted.get(team.pk)]
        rows.append(
            TeamRow(
                pk=team.pk,
                key=team.key,
                name=team.name,
                bot_persona=team.bot_persona,
                players=[PresentPlayer(p.display_name, is_here) for p, is_here in zip(players, here, strict=True)],
                present_count=sum(here),
                drafting=typing and any(p.drafting_at and now - p.drafting_at < drafting for p in players),
                last_active=max((m for m in moments if m), default=None),
                sent=sent[team.pk],
                received=received[team.pk],
                answered=answered[team.pk],
                waiting=waiting[team.pk],
                score=scores.get(team.pk),
            )
        )
    return rows, cells


def offer_page(request, exercise, number: int, *, back_url: str) -> tuple[str, dict]:
    """An offer of the exercise with its scores, answers and, for a counter, what it changed:
    (template, context) for the console's modal or page and the observer's."""
    offer = get_object_or_404(
        exercise.offers.select_related("from_team", "round", "parent__from_team").prefetch_related(
            "recipients", "commitments", "responses__team", "responses__counter_offer"
        ),
        number=number,
    )
    if offer.parent is not None:
        prefetch_related_objects([offer.parent], "recipients", "commitments")
    template = "exercises/console_offer.html#modal_body" if request.htmx else "exercises/console_offer.html"
    context = {"exercise": exercise, "offer": offer, "diff": offer_diff.counter_diff(offer), "back_url": back_url}
    return template, context


# --- the projector ------------------------------------------------------------------------------


def projector_state(request, exercise: Exercise) -> dict:
    """What the whole room may see: the clock, public news, agreements, the revealed leaderboard."""
    if services.close_if_expired(exercise):
        exercise.refresh_from_db()
    rounds = list(exercise.rounds.all())
    current = rounds[-1] if rounds else None
    teams = list(exercise.teams.all())
    # Only news sent to every team: an inject aimed at chosen teams is theirs alone.
    inject = Inject.objects.filter(exercise=exercise, audience=None).select_related("round").first()
    agreements = _agreements(exercise, teams, rounds)
    latest_closed = next((r for r in reversed(rounds) if r.is_closed), None)
    leaderboard = []
    if exercise.leaderboard_revealed and latest_closed:
        scores = TeamScore.objects.filter(round=latest_closed).select_related("team").order_by("team__order")
        leaderboard = rules.standings(scores, score=lambda s: s.total)
    return {
        "exercise": exercise,
        "current": current,
        "teams": teams,
        "inject": inject,
        "agreements": agreements,
        "leaderboard": leaderboard,
        "latest_closed": latest_closed,
        "join_kit": SimpleLazyObject(lambda: qr.join_kit(request, teams)),
        "join_base": qr.site_base(request) + "/join/",
        "revision": exercise.revision,
        "poll_url": reverse("projector_poll", args=[exercise.pk]),
    }


# What the agreements show of an offer and of its commitments (Commitment.summary, outcome).
AGREEMENT_FIELDS = ("number", "specificity", "reciprocity", "from_team", "round")
TERM_FIELDS = ("offer_id", *SUMMARY_TERMS, "outcome")


@dataclass(frozen=True)
class AgreementTerm:
    summary: str  # the commitment in one line (commitment_summary)
    outcome: str


@dataclass(frozen=True)
class AgreementRow:
    """An agreement on the projector: its parties, scores, round and commitments with their outcomes."""

    number: int
    from_key: str
    recipient_keys: list[str]  # in the teams' own order
    specificity: int | None
    reciprocity: int | None
    round_number: int | None
    terms: list[AgreementTerm]


def _agreements(exercise: Exercise, teams: list[Team], rounds: list[Round]) -> list[AgreementRow]:
    """Every agreement, newest first, with its parties' keys, round number and commitments.

    Three narrow queries (commitments as value rows): after ten rounds there are hundreds
    of agreements, and loading them whole (score details, every commitment's reasons) cost
    more than the page.
    """
    accepted = Offer.objects.filter(exercise=exercise, status=Offer.Status.ACCEPTED)
    offers = list(accepted.only(*AGREEMENT_FIELDS).order_by("-number"))
    keys = {team.pk: team.key for team in teams}
    rank = {team.pk: i for i, team in enumerate(teams)}  # the teams' own order, as Team.Meta says
    numbers = {r.pk: r.number for r in rounds}
    recipients, terms = recipient_ids(accepted), {}
    commitments = Commitment.objects.filter(offer__in=accepted).order_by("offer_id", "position")
    for term in commitments.values_list(*TERM_FIELDS, named=True):
        terms.setdefault(term.offer_id, []).append(AgreementTerm(commitment_summary(term), term.outcome))
    return [
        AgreementRow(
            number=offer.number,
            from_key=keys.get(offer.from_team_id, ""),
            recipient_keys=[
                keys[t] for t in sorted((t for t in recipients.get(offer.pk, ()) if t in rank), key=rank.get)
            ],
            specificity=offer.specificity,
            reciprocity=offer.reciprocity,
            round_number=numbers.get(offer.round_id),
            terms=terms.get(offer.pk, []),
        )
        for offer in offers
    ]


# --- the team room ------------------------------------------------------------------------------


def visible_offers(team: Team):
    """Offers sent by or to the team: the only ones it may see."""
    return Offer.objects.filter(exercise_id=team.exercise_id).involving(team)


def team_live_state(participant) -> dict:
    """What the team room's live fragment shows (polls refresh it), in a fixed number of queries."""
    team = participant.team
    exercise = team.exercise
    rounds = list(exercise.rounds.all())
    current = rounds[-1] if rounds else None
    offers = list(
        visible_offers(team)
        .select_related("from_team", "round", "parent")
        .prefetch_related("recipients", "commitments", "responses__team")
        .order_by("-number")
    )
    injects = list(
        Inject.objects.filter(exercise=exercise)
        .filter(Q(audience=None) | Q(audience=team))
        .distinct()
        .select_related("round")
        .order_by("-pushed_at", "-pk")[:5]
    )
    _annotate_team_offers(team, offers)
    conflicts = []
    if current:
        flagged = exercise.events.filter(kind=Event.Kind.CONFLICT_FLAGGED, team=team, round=current)
        conflicts = [event.details.get("text", "") for event in flagged]
    inbox = [o for o in offers if o.from_team_id != team.pk]
    context = {
        "conflicts": conflicts,
        "participant": participant,
        "team": team,
        "team_id": team.pk,
        "exercise": exercise,
        "current": current,
        "injects": injects,
        "inbox": inbox,
        "sent": [o for o in offers if o.from_team_id == team.pk],
        "result": results.latest_result(team, rounds),
        "standings": results.final_standings(exercise, team, rounds) if exercise.is_ended else [],
        "revision": exercise.revision,
    }
    context["announcement"] = _team_announcement(exercise, current, injects, inbox)
    return context


def _annotate_team_offers(team, offers: list[Offer]) -> None:
    """Per offer: this team's answer, the counters it drew, and for a counter what it changed.

    A counter's changes are shown only when this team can see the offer it answers.
    """
    by_pk = {offer.pk: offer for offer in offers}
    for offer in offers:
        offer.my_answer = next((r for r in offer.responses.all() if r.team_id == team.pk), None)
        offer.awaits_us = offer.from_team_id != team.pk and offer.status == Offer.Status.PENDING and not offer.my_answer
    for offer in offers:
        answers = offer.responses.all()
        offer.counter_answers = [
            (r.team, by_pk.get(r.counter_offer_id)) for r in answers if r.kind == Response.Kind.COUNTER
        ]
        parent = by_pk.get(offer.parent_id)
        offer.diff = (
            offer_diff.diff_offers(offer_diff.offer_terms(parent), offer_diff.offer_terms(offer)) if parent else None
        )
        offer.parent_seen = parent


def _team_announcement(exercise, current, injects, inbox) -> str:
    """What a screen reader says when the room changes (never the clock's every second)."""
    if exercise.is_ended:
        words = ["The exercise has ended. Your final results and the debrief link are in the room."]
    elif current is None:
        words = ["Waiting for the facilitator to start round 1."]
    elif current.is_closed:
        words = [f"Round {current.number} has closed. Your results for it are in the room."]
    else:
        words = [f"Round {current.number} of {exercise.num_rounds} is {current.get_status_display().lower()}."]
    if injects:
        words.append(f"News: {injects[0].title}.")
    waiting = sum(1 for o in inbox if o.status == Offer.Status.PENDING and o.my_answer is None)
    if waiting and current and current.status == current.Status.OPEN:
        words.append(f"{waiting} offer{'s' if waiting != 1 else ''} await{'' if waiting != 1 else 's'} your answer.")
    return " ".join(words)
