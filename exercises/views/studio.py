"""The scenario studio (docs/scenario-studio.md): the library of scenarios, the editor,
a preview of each team's room, YAML download and upload, and a quick simulated class.

Built-in packs are read-only; every view of an own scenario goes through
``access.scenario_for_facilitator`` (another facilitator's answers 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exercises import access
from exercises.scenarios import ScenarioError, UnknownScenarioError
from exercises.scenarios.loader import validate_scenario
from exercises.studio import editor, library, preview, simulate
from exercises.studio.yaml_io import MAX_UPLOAD_BYTES, read_upload, to_yaml

ADD_ROW = {"add-team": ("teams", editor.blank_team), "add-item": ("catalogue", editor.blank_item),
           "add-inject": ("injects", editor.blank_inject)}  # fmt: skip


@login_required
@require_GET
def studio_list(request):
    return render(request, "studio/list.html", _list_context(request))


@login_required
@require_POST
def studio_new(request):
    version = library.create_blank(request.user)
    messages.success(request, "A blank scenario: fill it in and save.")
    return redirect("studio_edit", scenario_id=version.scenario_id)


@login_required
@require_POST
def studio_duplicate(request):
    ref = str(request.POST.get("ref", "")).strip()
    if not ref:
        messages.error(request, "Choose a scenario to duplicate.")
        return render(request, "studio/list.html", _list_context(request), status=400)
    try:
        version = library.duplicate(request.user, ref)
    except UnknownScenarioError:
        raise Http404("No such scenario.") from None
    messages.success(request, f"Your copy of the scenario ({version.origin}). Edit it and save.")
    return redirect("studio_edit", scenario_id=version.scenario_id)


@login_required
@require_POST
def studio_upload(request):
    upload = request.FILES.get("pack")
    if upload is None:
        return _list_with_problems(request, ["Choose a YAML file to upload."])
    try:
        snapshot = read_upload(upload, upload.name, upload.size)
        version = library.import_snapshot(request.user, snapshot, origin=f"upload of {upload.name}"[:200])
    except ScenarioError as exc:
        return _list_with_problems(request, [str(e) for e in exc.errors])
    messages.success(request, f"Uploaded: {version.title}, version {version.number}.")
    return redirect("studio_edit", scenario_id=version.scenario_id)


def _list_context(request, **extra) -> dict:
    return {"entries": library.entries(request.user), "max_upload_kb": MAX_UPLOAD_BYTES // 1000, **extra}


def _list_with_problems(request, problems: list[str]):
    return render(request, "studio/list.html", _list_context(request, upload_problems=problems), status=400)


@login_required
@require_GET
def studio_download(request, ref: str):
    number = request.GET.get("version")
    try:
        if number and ref.startswith(library.OWN_PREFIX):
            data = library.version_of(request.user, ref, number).data
        else:
            data = library.resolve(request.user, ref)[0]
    except UnknownScenarioError:
        raise Http404("No such scenario.") from None
    response = HttpResponse(to_yaml(data), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{data["key"]}.yaml"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def studio_edit(request, scenario_id: int):
    scenario = access.scenario_for_facilitator(request, scenario_id)
    latest = scenario.latest()
    if request.method == "GET":
        return _editor_page(request, scenario, latest.data)
    data, scoring_text, scoring_problem = editor.parse(request.POST, request.POST.getlist)
    action = request.POST.get("action", "save")
    if action in ADD_ROW:
        section, blank = ADD_ROW[action]
        data[section].append(blank(len(data[section]) + 1))
        return _editor_page(request, scenario, data, scoring_text=scoring_text, anchor=f"{section}-end")
    try:
        if scoring_problem:
            problem = ScenarioError("scenario", "scoring", scoring_problem)
            try:
                validate_scenario(data, "scenario")
            except ScenarioError as others:
                problem = ScenarioError(problem.file, problem.place, problem.message, [*others.errors, problem])
            raise problem
        version = library.save_version(scenario, data, origin="studio")
    except ScenarioError as exc:
        return _editor_page(request, scenario, data, error=exc, scoring_text=scoring_text, status=400)
    messages.success(request, f"Saved as version {version.number}. Exercises made from earlier versions keep theirs.")
    return redirect("studio_edit", scenario_id=scenario.pk)


def _editor_page(request, scenario, data, *, error=None, scoring_text=None, status=200, anchor=""):
    context = {
        "scenario": scenario,
        "ref": library.ref_of(scenario),
        "versions": list(scenario.versions.order_by("-number")[:20]),
        "form": editor.build(data, error, scoring_text=scoring_text),
        "triggers": editor.TRIGGERS,
        "anchor": anchor,
        "simulation": simulate.AVAILABLE,
    }
    return render(request, "studio/edit.html", context, status=status)


@login_required
@require_GET
def studio_preview(request, scenario_id: int, team_key: str):
    scenario = access.scenario_for_facilitator(request, scenario_id)
    version = scenario.latest()
    room = preview.team_room(version.data, team_key)
    if room is None:
        raise Http404("No such team in this scenario.")
    return render(request, "studio/preview.html", {"scenario": scenario, "version": version, "room": room})


@login_required
@require_POST
def studio_simulate(request, scenario_id: int):
    scenario = access.scenario_for_facilitator(request, scenario_id)
    version = scenario.latest()
    table = simulate.quick_table(version.data)
    return render(request, "studio/_simulation.html", {"table": table, "version": version})
