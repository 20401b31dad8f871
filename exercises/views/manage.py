"""Exercise management: settings, a copy for the next section, archive and delete (lifecycle.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from exercises import access, lifecycle
from exercises.forms import DeleteForm, DuplicateForm, ExerciseSettingsForm
from exercises.services import GameError

TEMPLATE = "exercises/exercise_settings.html"


def settings_page(request, exercise, *, settings_form=None, duplicate_form=None, delete_form=None, status=200):
    context = {
        "exercise": exercise,
        "settings_form": settings_form or ExerciseSettingsForm(exercise=exercise),
        "duplicate_form": duplicate_form or DuplicateForm(exercise=exercise),
        "delete_form": delete_form or DeleteForm(exercise=exercise),
        "rounds_started": exercise.rounds.count(),
    }
    return render(request, TEMPLATE, context, status=status)


def _settings_url(exercise) -> str:
    return reverse("exercise_settings", args=[exercise.pk])


@login_required
@require_http_methods(["GET", "POST"])
def exercise_settings(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    if request.method == "GET":
        return settings_page(request, exercise)
    form = ExerciseSettingsForm(request.POST, exercise=exercise)
    if form.is_valid():
        try:
            changed = lifecycle.change_settings(exercise=exercise, user=request.user, **form.cleaned_data)
        except GameError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Settings saved." if changed else "Nothing to change.")
            return redirect(_settings_url(exercise))
    return settings_page(request, exercise, settings_form=form, status=400)


@login_required
@require_POST
def exercise_duplicate(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    form = DuplicateForm(request.POST, exercise=exercise)
    if not form.is_valid():
        return settings_page(request, exercise, duplicate_form=form, status=400)
    copy = lifecycle.duplicate(exercise=exercise, user=request.user, title=form.cleaned_data["title"])
    messages.success(request, f"“{copy.title}” is ready, with new join codes. Hand them out, then start round 1.")
    return redirect("exercise_detail", exercise_id=copy.pk)


@login_required
@require_POST
def exercise_archive(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    archived = request.POST.get("archived") != "0"
    try:
        lifecycle.archive(exercise=exercise, user=request.user, archived=archived)
    except GameError as exc:
        messages.error(request, str(exc))
        return redirect(_settings_url(exercise))
    if archived:
        messages.success(request, f"“{exercise.title}” archived. “Show archived” on this list finds it again.")
        return redirect("exercise_list")
    messages.success(request, f"“{exercise.title}” is back on your list.")
    return redirect(_settings_url(exercise))


@login_required
@require_POST
def exercise_delete(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    form = DeleteForm(request.POST, exercise=exercise)
    if not form.is_valid():
        return settings_page(request, exercise, delete_form=form, status=400)
    try:
        lifecycle.delete(exercise=exercise, user=request.user)
    except GameError as exc:
        messages.error(request, str(exc))
        return redirect(_settings_url(exercise))
    messages.success(request, f"“{exercise.title}” and everything in it were deleted.")
    return redirect("exercise_list")
