"""What a facilitator may pick, duplicate, save, download and upload.

A facilitator sees the built-in packs (read-only: duplicate one to change it) and their
own scenarios, never another facilitator's. A scenario is referred to by a *ref*: a
built-in pack's key (``second-summit-2019``) or ``mine:<id>`` for an own scenario (a
colon is never part of a pack key, so the two cannot be confused). Every save is a new
``ScenarioVersion``; an exercise keeps the version it was created with.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import Http404

from exercises.scenarios import ScenarioError, UnknownScenarioError, available_scenarios, load_scenario
from exercises.scenarios.loader import validate_scenario
from exercises.studio.models import Scenario, ScenarioVersion

__all__ = [
    "OWN_PREFIX",
    "Entry",
    "blank_snapshot",
    "choices",
    "create",
    "create_blank",
    "duplicate",
    "entries",
    "import_snapshot",
    "own_scenario",
    "ref_of",
    "resolve",
    "save_version",
    "version_of",
]

OWN_PREFIX = "mine:"


@dataclass(frozen=True)
class Entry:
    """One row of the scenario library."""

    ref: str
    key: str
    title: str
    summary: str
    built_in: bool
    version: int | None = None  # the newest version of an own scenario
    scenario_id: int | None = None
    teams: int = 0
    items: int = 0


def ref_of(scenario: Scenario) -> str:
    return f"{OWN_PREFIX}{scenario.pk}"


def _built_in_entries() -> list[Entry]:
    rows = []
    for key in sorted(available_scenarios()):
        data = load_scenario(key)
        rows.append(
            Entry(
                key, key, data["title"], data["summary"], True, teams=len(data["teams"]), items=len(data["catalogue"])
            )
        )
    return rows


def entries(user) -> list[Entry]:
    """The built-in packs, then the user's own scenarios, most recently saved first."""
    rows = _built_in_entries()
    newest = ScenarioVersion.objects.filter(scenario=OuterRef("pk")).order_by("-number").values("pk")[:1]
    scenarios = list(Scenario.objects.filter(owner=user).annotate(latest_pk=Subquery(newest)))
    # one query for the newest version of each: a scenario saved a hundred times loads one snapshot
    latest_of = ScenarioVersion.objects.in_bulk([s.latest_pk for s in scenarios])
    for scenario in scenarios:
        latest = latest_of[scenario.latest_pk]
        data = latest.data
        rows.append(
            Entry(
                ref_of(scenario),
                scenario.key,
                data["title"],
                data.get("summary", ""),
                False,
                version=latest.number,
                scenario_id=scenario.pk,
                teams=len(data["teams"]),
                items=len(data["catalogue"]),
            )
        )
    return rows


def choices(user) -> list[tuple[str, str]]:
    """(ref, label) for a form's scenario menu."""
    return [(e.ref, e.title if e.built_in else f"{e.title} (yours, version {e.version})") for e in entries(user)]


def own_scenario(user, scenario_id: int) -> Scenario:
    """The user's own scenario, or 404 (another facilitator's answers the same, so ids leak nothing)."""
    try:
        return Scenario.objects.get(pk=scenario_id, owner=user)
    except (Scenario.DoesNotExist, ValueError, TypeError):
        raise Http404("No such scenario.") from None


def resolve(user, ref: str) -> tuple[dict, ScenarioVersion | None]:
    """The snapshot a ref names (a copy the caller may keep) and its version (None: built-in).

    UnknownScenarioError for a ref the user may not use, listing nothing of other users'.
    """
    if ref.startswith(OWN_PREFIX):
        number = ref[len(OWN_PREFIX) :]
        scenario = Scenario.objects.filter(owner=user, pk=int(number)).first() if number.isdigit() else None
        if scenario is None:
            raise UnknownScenarioError("scenarios", "key", f"unknown scenario {ref!r}")
        version = scenario.latest()
        return copy.deepcopy(version.data), version
    return load_scenario(ref), None


def _check_key(user, key: str, scenario: Scenario | None, file: str) -> None:
    """A scenario's key names it in URLs, exports and exercises: unique among the owner's, never a built-in's."""
    if key in available_scenarios():
        raise ScenarioError(file, "key", f"{key!r} is the key of a built-in scenario; choose another")
    clash = Scenario.objects.filter(owner=scenario.owner if scenario else user, key=key)
    if scenario is not None:
        clash = clash.exclude(pk=scenario.pk)
    if clash.exists():
        raise ScenarioError(file, "key", f"{key!r} is already the key of another of your scenarios; choose another")


def create(user, data: dict, *, origin: str, file: str = "scenario") -> ScenarioVersion:
    """A new own scenario with ``data`` (validated here) as version 1. ScenarioError: nothing stored."""
    snapshot = validate_scenario(data, file)
    _check_key(user, snapshot["key"], None, file)
    with transaction.atomic():
        scenario = Scenario.objects.create(owner=user, key=snapshot["key"])
        return ScenarioVersion.objects.create(scenario=scenario, number=1, data=snapshot, origin=origin)


def save_version(scenario: Scenario, data: dict, *, origin: str, file: str = "scenario") -> ScenarioVersion:
    """Validate ``data`` and store it as the scenario's next version. ScenarioError: nothing stored."""
    snapshot = validate_scenario(data, file)
    _check_key(scenario.owner, snapshot["key"], scenario, file)
    with transaction.atomic():
        locked = Scenario.objects.select_for_update().get(pk=scenario.pk)
        last = locked.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = ScenarioVersion.objects.create(scenario=locked, number=last + 1, data=snapshot, origin=origin)
        if locked.key != snapshot["key"]:
            locked.key = snapshot["key"]
        locked.save(update_fields=["key", "updated_at"])
    scenario.refresh_from_db()
    return version


def import_snapshot(user, snapshot: dict, *, origin: str, file: str = "scenario") -> ScenarioVersion:
    """An uploaded pack: a new version of the user's scenario with its key, else a new scenario."""
    existing = Scenario.objects.filter(owner=user, key=snapshot.get("key")).first()
    if existing is None:
        return create(user, snapshot, origin=origin, file=file)
    return save_version(existing, snapshot, origin=origin, file=file)


def _free_key(user, base: str) -> str:
    taken = set(available_scenarios()) | set(Scenario.objects.filter(owner=user).values_list("key", flat=True))
    stem = base[:56].rstrip("-") or "scenario"
    for n in range(1, 10_000):
        key = f"{stem}-copy" if n == 1 else f"{stem}-copy-{n}"
        if key not in taken:
            return key
    raise ScenarioError("scenarios", "key", "no free key left for a copy")  # pragma: no cover


def duplicate(user, ref: str) -> ScenarioVersion:
    """An own copy of any scenario the user can see (a built-in pack or their own), as version 1."""
    data, version = resolve(user, ref)
    origin = f"copy of {data['title']}" + (f", version {version.number}" if version else " (built-in)")
    data["key"] = _free_key(user, data["key"])
    data["title"] = f"{data['title']} (copy)"
    return create(user, data, origin=origin[:200])


def blank_snapshot() -> dict:
    """The smallest valid scenario: two teams and one commitment, for the studio to fill in."""
    return validate_scenario(
        {
            "key": "new-scenario",
            "title": "New scenario",
            "situation": "What every team knows: the public situation, in a few paragraphs.",
            "teams": [
                {"key": "TeamA", "name": "Team A", "brief": "Team A's private brief: interests, red lines, offers."},
                {"key": "TeamB", "name": "Team B", "brief": "Team B's private brief: interests, red lines, offers."},
            ],
            "catalogue": [
                {
                    "key": "first-step",
                    "title": "A first step by Team A",
                    "by": ["TeamA"],
                    "to": ["TeamB"],
                    "values": {"TeamA": -3, "TeamB": 5},
                }
            ],
        },
        "new scenario",
    )


def create_blank(user) -> ScenarioVersion:
    data = blank_snapshot()
    data["key"] = _blank_key(user)
    return create(user, data, origin="blank")


def _blank_key(user) -> str:
    taken = set(Scenario.objects.filter(owner=user).values_list("key", flat=True))
    for n in range(1, 10_000):
        key = "new-scenario" if n == 1 else f"new-scenario-{n}"
        if key not in taken:
            return key
    raise ScenarioError("scenarios", "key", "no free key left")  # pragma: no cover


def version_of(user, ref: str, number: str | int) -> ScenarioVersion:
    """One version of an own scenario; UnknownScenarioError when it is not the user's or not there."""
    number = str(number)
    scenario_id = ref[len(OWN_PREFIX) :] if ref.startswith(OWN_PREFIX) else ""
    if not (scenario_id.isdigit() and number.isdigit()):
        raise UnknownScenarioError("scenarios", "key", f"unknown scenario {ref!r}")
    version = ScenarioVersion.objects.filter(
        scenario__owner=user, scenario_id=int(scenario_id), number=int(number)
    ).first()
    if version is None:
        raise UnknownScenarioError("scenarios", "key", f"unknown scenario {ref!r} version {number}")
    return version
