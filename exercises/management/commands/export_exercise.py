"""Write an exercise as one JSON file (docs/export-format.md); import_exercise reads it back."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from exercises.models import Exercise
from exercises.reports.export import export_exercise


class Command(BaseCommand):
    help = "Export an exercise, with everything that happened in it, as JSON."

    def add_arguments(self, parser):
        parser.add_argument("exercise_id", type=int)
        parser.add_argument("--output", "-o", default="-", help="file to write (default: standard output)")

    def handle(self, *args, exercise_id: int, output: str, **options):
        exercise = Exercise.objects.filter(pk=exercise_id).first()
        if exercise is None:
            raise CommandError(f"No exercise {exercise_id}.")
        text = json.dumps(export_exercise(exercise), indent=1, ensure_ascii=False)
        if output == "-":
            sys.stdout.write(text + "\n")
            return
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        self.stderr.write(f"Exported exercise {exercise_id} ({exercise.title}) to {output}")
