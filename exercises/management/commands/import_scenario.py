"""Read a YAML pack into a facilitator's own scenarios: a new scenario, or a new version of theirs."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from exercises.scenarios import ScenarioError
from exercises.studio import library
from exercises.studio.yaml_io import read_upload


class Command(BaseCommand):
    help = (
        "Import a YAML scenario pack as --owner's own scenario (a new version when they already have "
        "one with the same key). Every problem is printed, one a line; nothing is stored on error."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--owner", required=True, help="username of the facilitator who will own it")

    def handle(self, *args, path: str, owner: str, **options):
        user = get_user_model().objects.filter(username=owner).first()
        if user is None:
            raise CommandError(f"No user {owner!r}.")
        file = Path(path)
        try:
            with file.open("rb") as stream:
                snapshot = read_upload(stream, file.name, file.stat().st_size)
            version = library.import_snapshot(user, snapshot, origin=f"import of {file.name}", file=file.name)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {' '.join(str(exc).split())}") from None
        except ScenarioError as exc:
            raise CommandError("\n".join(str(e) for e in exc.errors)) from None
        self.stdout.write(f"{version.scenario.key}: version {version.number} of {owner}'s {version.title!r}")
