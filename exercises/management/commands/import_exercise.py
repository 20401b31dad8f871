"""Create a new exercise from a file written by export_exercise (docs/export-format.md)."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from exercises.reports.export import ExportFormatError, import_exercise


class Command(BaseCommand):
    help = "Import an exercise exported as JSON; it becomes a new exercise with new join codes."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--facilitator", help="username to own the exercise (default: the exported facilitator)")

    def handle(self, *args, path: str, facilitator: str | None, **options):
        owner = None
        if facilitator:
            owner = get_user_model().objects.filter(username=facilitator).first()
            if owner is None:
                raise CommandError(f"No user {facilitator!r}.")
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            exercise = import_exercise(data, facilitator=owner)
        except ExportFormatError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Imported exercise {exercise.pk} ({exercise.title}) for {exercise.facilitator}.")
