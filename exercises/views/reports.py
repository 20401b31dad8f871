"""The after-action report: the page, its PDF and data files, the debrief, and the edits.

Who sees what (docs/report.md): the exercise's facilitator everything, and edits
the improvement plan and narrative; observers, through their share link, the full
report read-only; players only the debrief, once the exercise has ended.
"""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exercises import access, services
from exercises.models import ImprovementItem, ReportNarrative
from exercises.reports import edits, export, tables
from exercises.reports import render as report_render
from exercises.reports.data import build_report
from exercises.reports.forms import ImprovementItemForm, NarrativeForm
from exercises.text import render_markdown

CSV_TABLES = tuple(tables.TABLES)


def _download(content, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _pdf(exercise, *, debrief: bool) -> HttpResponse:
    pdf = report_render.cached_pdf(exercise, debrief=debrief)
    return _download(pdf, "application/pdf", report_render.filename(exercise, ".pdf", debrief=debrief))


def _facilitator_downloads(exercise) -> list[tuple[str, str]]:
    base = reverse("report", args=[exercise.pk])
    return [
        ("PDF", f"{base}report.pdf"),
        ("Debrief for players", f"{base}debrief/"),
        ("Debrief PDF", f"{base}debrief.pdf"),
        ("Spreadsheet (XLSX)", f"{base}report.xlsx"),
        *((f"{name.capitalize()} CSV", f"{base}{name}.csv") for name in CSV_TABLES),
        ("Complete export (JSON)", f"{base}export.json"),
    ]


# --- facilitator ------------------------------------------------------------------------------------


@login_required
@require_GET
def report(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    context = report_render.report_context(exercise)
    base = reverse("report", args=[exercise.pk])
    context.update(
        downloads=_facilitator_downloads(exercise),
        back_url=reverse("exercise_detail", args=[exercise.pk]),
        back_label="Console",
        can_edit=True,
        edit_urls={"narrative": f"{base}narrative/", "item_add": f"{base}plan/new/", "item_base": f"{base}plan/"},
    )
    return render(request, "exercises/report.html", context)


@login_required
@require_GET
def report_pdf(request, exercise_id: int):
    return _pdf(access.exercise_for_facilitator(request, exercise_id), debrief=False)


@login_required
@require_GET
def report_debrief(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    context = report_render.report_context(exercise, debrief=True)
    context.update(
        downloads=[("Debrief PDF", reverse("report_debrief_pdf", args=[exercise.pk]))],
        back_url=reverse("report", args=[exercise.pk]),
        back_label="Full report",
    )
    return render(request, "exercises/report.html", context)


@login_required
@require_GET
def report_debrief_pdf(request, exercise_id: int):
    return _pdf(access.exercise_for_facilitator(request, exercise_id), debrief=True)


@login_required
@require_GET
def report_csv(request, exercise_id: int, table: str):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    content = tables.to_csv(build_report(exercise), table)
    return _download(content, "text/csv; charset=utf-8", report_render.filename(exercise, f"-{table}.csv"))


@login_required
@require_GET
def report_xlsx(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    content = tables.to_xlsx(build_report(exercise))
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(content, kind, report_render.filename(exercise, ".xlsx"))


@login_required
@require_GET
def export_json(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    content = json.dumps(export.export_exercise(exercise), indent=1, ensure_ascii=False)
    return _download(content, "application/json", report_render.filename(exercise, "-export.json"))


# --- the facilitator's edits ------------------------------------------------------------------------


def _edit_page(request, exercise, form, heading: str, *, delete_url=None, preview=None, status=200):
    context = {"exercise": exercise, "form": form, "heading": heading, "delete_url": delete_url, "preview": preview}
    return render(request, "exercises/report_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def narrative_edit(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    saved = ReportNarrative.objects.filter(exercise=exercise).first()
    form = NarrativeForm(request.POST or None, initial={"text": saved.text if saved else ""})
    if request.method == "POST" and form.is_valid():
        actor = services.facilitator_label(request.user)
        edits.save_narrative(exercise=exercise, text=form.cleaned_data["text"], actor=actor)
        return redirect(reverse("report", args=[exercise.pk]) + "#plan")
    status = 400 if form.errors else 200
    preview = render_markdown(saved.text) if saved else ""
    return _edit_page(request, exercise, form, "Facilitator narrative", preview=preview, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def improvement_add(request, exercise_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    form = ImprovementItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = services.facilitator_label(request.user)
        edits.add_improvement_item(exercise=exercise, actor=actor, **form.cleaned_data)
        return redirect(reverse("report", args=[exercise.pk]) + "#plan")
    return _edit_page(request, exercise, form, "New improvement item", status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def improvement_edit(request, exercise_id: int, item_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    item = get_object_or_404(ImprovementItem, pk=item_id, exercise=exercise)
    # Bound to a copy: a failed save must not leave half-changed fields on the item.
    form = ImprovementItemForm(request.POST or None, instance=ImprovementItem.objects.get(pk=item.pk))
    if request.method == "POST" and form.is_valid():
        actor = services.facilitator_label(request.user)
        edits.update_improvement_item(item=item, actor=actor, **form.cleaned_data)
        return redirect(reverse("report", args=[exercise.pk]) + "#plan")
    delete_url = reverse("improvement_delete", args=[exercise.pk, item.pk])
    status = 400 if form.errors else 200
    return _edit_page(request, exercise, form, "Improvement item", delete_url=delete_url, status=status)


@login_required
@require_POST
def improvement_delete(request, exercise_id: int, item_id: int):
    exercise = access.exercise_for_facilitator(request, exercise_id)
    item = get_object_or_404(ImprovementItem, pk=item_id, exercise=exercise)
    edits.delete_improvement_item(item=item, actor=services.facilitator_label(request.user))
    return redirect(reverse("report", args=[exercise.pk]) + "#plan")


# --- observers (share link) -------------------------------------------------------------------------


@require_GET
def observer_report(request, token: str):
    observer = access.observer_for_token(request, token)
    context = report_render.report_context(observer.exercise)
    context.update(
        downloads=[("PDF", reverse("observer_report_pdf", args=[token]))],
        back_url=reverse("observe", args=[token]),
        back_label="Observer view",
    )
    return render(request, "exercises/report.html", context)


@require_GET
def observer_report_pdf(request, token: str):
    return _pdf(access.observer_for_token(request, token).exercise, debrief=False)


# --- players: the debrief, once the exercise has ended ------------------------------------------------


def _debrief_open(participant) -> bool:
    return participant.team.exercise.is_ended


@require_GET
@access.team_seat
def team_debrief(request, participant):
    exercise = participant.team.exercise
    if not _debrief_open(participant):
        context = {"exercise": exercise, "team": participant.team}
        return render(request, "exercises/report_waiting.html", context, status=403)
    context = report_render.report_context(exercise, debrief=True)
    context.update(
        downloads=[("Debrief PDF", reverse("team_debrief_pdf", args=[participant.team_id]))],
        back_url=reverse("team_room", args=[participant.team_id]),
        back_label="Team room",
    )
    return render(request, "exercises/report.html", context)


@require_GET
@access.team_seat
def team_debrief_pdf(request, participant):
    exercise = participant.team.exercise
    if not _debrief_open(participant):
        context = {"exercise": exercise, "team": participant.team}
        return render(request, "exercises/report_waiting.html", context, status=403)
    return _pdf(exercise, debrief=True)
