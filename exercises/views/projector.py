"""The room's screen and the printable join cards: public information only, never a brief."""

import hashlib

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from exercises import access, live, qr, rules, services
from exercises.models import SUMMARY_TERMS, Commitment, Exercise, Inject, Offer, Round, Team, TeamScore
from exercises.views.console import live_response, recipient_ids

TEMPLATE = "exercises/projector.html"
FRAGMENTS = ["header", "inject", "agreements", "leaderboard", "join"]
# Only exercise-wide changes alter these (news, the revealed leaderboard, the join codes):
# from the cache between them. The header (clock) and the agreements render every time.
CACHED = ("inject", "leaderboard", "join")


def _cache_keys(request, exercise) -> dict[str, str]:
    wide = live.last_wide(exercise.pk, exercise.revision)
    if wide is None:
        return {}
    # The join links name the site as this request reached it.
    site = hashlib.blake2s(qr.site_base(request).encode(), digest_size=4).hexdigest()
    return {name: f"frag:projector:{exercise.pk}:{name}:{wide}:{site}" for name in CACHED}


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
        "fragment_names": FRAGMENTS,
    }


# What the agreements show of an offer and of its commitments (Commitment.summary, outcome).
AGREEMENT_FIELDS = ("number", "specificity", "reciprocity", "from_team", "round")
TERM_FIELDS = ("offer_id", *SUMMARY_TERMS, "outcome")


def _agreements(exercise: Exercise, teams: list[Team], rounds: list[Round]) -> list[Offer]:
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
        terms.setdefault(term.offer_id, []).append(term)
    for offer in offers:
        offer.from_key = keys.get(offer.from_team_id, "")
        offer.recipient_keys = [
            keys[t] for t in sorted((t for t in recipients.get(offer.pk, ()) if t in rank), key=rank.get)
        ]
        offer.round_number = numbers.get(offer.round_id)
        offer.terms = terms.get(offer.pk, [])
    return offers


@login_required
@require_GET
def projector(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    live.grant_console(request, exercise.pk)
    state = projector_state(request, exercise)
    state["live"] = live.page_fragments(
        live.render_fragments(request, TEMPLATE, FRAGMENTS, state, _cache_keys(request, exercise))
    )
    return render(request, TEMPLATE, state)


@require_GET
def projector_poll(request, exercise_id: int):
    """Unchanged: 204 from the session and the cache, no query."""
    if live.has_console(request, exercise_id) and live.unchanged(request, exercise_id):
        return HttpResponse(status=204)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    exercise = access.exercise_for_facilitator(request, exercise_id)
    live.grant_console(request, exercise.pk)
    state = projector_state(request, exercise)
    state["fragment_cache_keys"] = _cache_keys(request, exercise)
    return live_response(request, TEMPLATE, state, state["poll_url"])


@login_required
@require_GET
def join_cards(request, exercise_id: int):
    """One card per team to print and cut: name, code, link and QR code."""
    exercise = access.exercise_for_facilitator(request, exercise_id)
    teams = list(exercise.teams.all())
    return render(
        request,
        "exercises/join_cards.html",
        {"exercise": exercise, "join_kit": qr.join_kit(request, teams), "join_base": qr.site_base(request) + "/join/"},
    )
