"""Write a scenario as a YAML pack: a built-in one by its key, or a facilitator's own."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exercises.scenarios import ScenarioError, load_scenario
from exercises.studio.models import ScenarioVersion
from exercises.studio.yaml_io import to_yaml


class Command(BaseCommand):
    help = "Print a scenario as YAML (docs/scenario-format.md): a built-in pack, or --owner's own scenario."

    def add_arguments(self, parser):
        parser.add_argument("key", help="the scenario's key")
        parser.add_argument("--owner", help="username whose own scenario to export (default: a built-in pack)")
        parser.add_argument("--number", type=int, help="version number of an own scenario (default: the newest)")
        parser.add_argument("--output", "-o", help="write to this file instead of standard output")

    def handle(self, *args, key: str, owner: str | None, number: int | None, output: str | None, **options):
        text = to_yaml(self.snapshot(key, owner, number))
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text, ending="")

    def snapshot(self, key: str, owner: str | None, number: int | None) -> dict:
        if owner is None:
            if number is not None:
                raise CommandError(
                    "--number applies to an own scenario (give --owner); built-in packs have no versions."
                )
            try:
                return load_scenario(key)
            except ScenarioError as exc:
                raise CommandError(str(exc)) from None
        versions = ScenarioVersion.objects.filter(scenario__owner__username=owner, scenario__key=key)
        if number is not None:
            versions = versions.filter(number=number)
        version = versions.order_by("-number").first()
        if version is None:
            which = f"version {number} of " if number is not None else ""
            raise CommandError(f"{owner} has no {which}scenario with the key {key!r}.")
        return version.data
