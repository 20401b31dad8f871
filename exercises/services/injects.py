"""News pushed to the teams: a scenario's scheduled injects, the facilitator's, and their tension."""

from django.db import transaction

from exercises import rules, scoring
from exercises.models import Event, Exercise, Inject, Team
from exercises.services.base import GameError, locked_exercise, record, round_to


def push_inject(*, exercise: Exercise, actor: str, inject_data: dict, audience: list[Team] | None = None) -> Inject:
    with transaction.atomic():
        locked = locked_exercise(exercise.pk)
        if locked.is_ended:
            raise GameError("The exercise has ended; no more news can be pushed.")
        inject = push_inject_locked(locked, locked.current_round(), actor, inject_data=inject_data, audience=audience)
    exercise.bump()
    return inject


def push_inject_locked(exercise, round, actor, *, inject_data: dict, audience=None) -> Inject:
    inject = Inject.objects.create(
        exercise=exercise,
        round=round,
        key=inject_data.get("key", ""),
        title=inject_data["title"],
        text=inject_data["text"],
        tension_delta=float(inject_data.get("tension") or 0),
    )
    if audience:
        inject.audience.set(audience)
    record(
        exercise,
        Event.Kind.INJECT_PUSHED,
        actor,
        round=round,
        inject=inject.pk,
        key=inject.key,
        title=inject.title,
        tension=inject.tension_delta,
        audience=[t.key for t in audience or []],
    )
    if inject.tension_delta:
        before = exercise.tension
        exercise.tension = rules.tension_after(
            before, inject_deltas=(inject.tension_delta,), config=scoring.catalogue_for(exercise).config
        )
        exercise.save(update_fields=["tension"])
        record(
            exercise,
            Event.Kind.TENSION_CHANGED,
            actor,
            round=round,
            before=round_to(before),
            after=round_to(exercise.tension),
            cause=f"inject: {inject.title}",
        )
    return inject
