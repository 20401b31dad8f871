"""The facilitator's pages: exercises, creating one, a round's results. Console: console.py; controls: rounds.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from exercises import access, rules, services
from exercises.forms import ExerciseCreateForm
from exercises.models import Commitment, Exercise, Offer, Round
from exercises.scenarios import DEFAULT_SCENARIO_KEY
from exercises.studio import library


@login_required
@require_GET
def exercise_list(request):
    """The facilitator's exercises, newest first, with status and dates; archived ones on request."""
    show_archived = request.GET.get("archived") == "1"
    mine = Exercise.objects.for_facilitator(request.user)
    exercises = (
        mine.filter(archived_at__isnull=not show_archived)
        .annotate(
            team_count=Count("teams", distinct=True),
            rounds_played=Count("rounds", filter=Q(rounds__status=Round.Status.CLOSED), distinct=True),
        )
        .order_by("-created_at")
    )
    context = {
        "exercises": exercises,
        "show_archived": show_archived,
        "archived_count": 0 if show_archived else mine.filter(archived_at__isnull=False).count(),
    }
    return render(request, "exercises/exercise_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def exercise_create(request):
    key = request.POST.get("scenario") or request.GET.get("scenario") or DEFAULT_SCENARIO_KEY
    if key not in dict(library.choices(request.user)):
        key = DEFAULT_SCENARIO_KEY
    form = ExerciseCreateForm(request.POST or None, scenario_key=key, user=request.user)
    if request.method == "POST" and form.is_valid():
        exercise = services.create_exercise(
            facilitator=request.user,
            scenario=form.scenario_data,
            title=form.cleaned_data["title"],
            team_keys=form.cleaned_data["teams"],
            num_rounds=form.cleaned_data["num_rounds"],
            round_minutes=form.cleaned_data["round_minutes"],
            scenario_version=form.scenario_version,
        )
        messages.success(request, "Exercise created. Hand out the team codes, then start round 1.")
        return redirect("exercise_detail", exercise_id=exercise.pk)
    return render(request, "exercises/exercise_create.html", {"form": form})


@login_required
@require_GET
def round_results(request, exercise_id: int, number: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    round_ = get_object_or_404(exercise.rounds, number=number)
    return render(request, "exercises/round_results.html", results_context(exercise, round_))


def results_context(exercise, round_: Round) -> dict:
    offers = (
        round_.offers.select_related("from_team")
        .prefetch_related("recipients", "commitments", "responses__team")
        .order_by("number")
    )
    resolved = (
        Commitment.objects.filter(Q(resolved_in=round_) | Q(withdrawn_in=round_))
        .select_related("offer", "offer__from_team")
        .order_by("offer__number", "position")
    )
    return {
        "exercise": exercise,
        "round": round_,
        "offers": offers,
        "agreements": [o for o in offers if o.status == Offer.Status.ACCEPTED],
        "resolved": resolved,
        "scores": rules.standings(
            round_.scores.select_related("team").order_by("team__order"), score=lambda s: s.total
        ),
    }
