"""The facilitator's edits to the report: narrative and improvement plan.

Services-style steps (keyword-only, one transaction each); every edit appends a
REPORT_EDITED event, so the audit trail shows who changed the report and when.
"""

from django.db import transaction

from exercises.models import Event, Exercise, ImprovementItem, ReportNarrative
from exercises.services import record

ITEM_FIELDS = ("issue", "recommendation", "owner", "due_date")


def save_narrative(*, exercise: Exercise, text: str, actor: str) -> ReportNarrative:
    with transaction.atomic():
        narrative, _ = ReportNarrative.objects.select_for_update().get_or_create(exercise=exercise)
        narrative.text = text
        narrative.save()
        record(exercise, Event.Kind.REPORT_EDITED, actor, part="narrative", chars=len(text))
    return narrative


def add_improvement_item(*, exercise: Exercise, actor: str, **fields) -> ImprovementItem:
    with transaction.atomic():
        last = exercise.improvement_items.order_by("-order").values_list("order", flat=True).first()
        item = ImprovementItem.objects.create(
            exercise=exercise, order=(last or 0) + 1, **{k: fields[k] for k in ITEM_FIELDS}
        )
        record(exercise, Event.Kind.REPORT_EDITED, actor, part="improvement_item", action="added", issue=item.issue)
    return item


def update_improvement_item(*, item: ImprovementItem, actor: str, **fields) -> ImprovementItem:
    with transaction.atomic():
        changed = [k for k in ITEM_FIELDS if getattr(item, k) != fields[k]]
        for k in ITEM_FIELDS:
            setattr(item, k, fields[k])
        item.save()
        record(
            item.exercise,
            Event.Kind.REPORT_EDITED,
            actor,
            part="improvement_item",
            action="changed",
            issue=item.issue,
            fields=changed,
        )
    return item


def delete_improvement_item(*, item: ImprovementItem, actor: str) -> None:
    with transaction.atomic():
        exercise, issue = item.exercise, item.issue
        item.delete()
        record(exercise, Event.Kind.REPORT_EDITED, actor, part="improvement_item", action="deleted", issue=issue)
