"""Create a new exercise from a file written by export_exercise (docs/export-format.md)."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from exercises.reports.export import ExportFormatError, import_exercise
from exercises.reports.import_checks import IMPORT_BOUNDS


def read_export(path: str):
    """The parsed file, or CommandError in one line: too large, not JSON, nested too deeply."""
    try:
        if Path(path).stat().st_size > 4 * IMPORT_BOUNDS.max_chars:  # UTF-8: 4 bytes a character at most
            raise CommandError(f"Cannot read {path}: larger than {IMPORT_BOUNDS.max_chars:,} characters.")
        with open(path, encoding="utf-8") as handle:
            return json.load(handle, parse_constant=_no_constant)
    except RecursionError:
        raise CommandError(f"Cannot read {path}: nested too deeply to be an export.") from None
    except (OSError, ValueError) as exc:
        raise CommandError(f"Cannot read {path}: {' '.join(str(exc).split())}") from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


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
        data = read_export(path)
        try:
            exercise = import_exercise(data, facilitator=owner)
        except ExportFormatError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Imported exercise {exercise.pk} ({exercise.title}) for {exercise.facilitator}.")
