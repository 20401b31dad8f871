import sys

from django.core.management.base import BaseCommand

from exercises.rules import cli
from exercises.scenarios import load_scenario


class Command(BaseCommand):
    help = "Score offers given as JSON (PATH, or - for stdin) without a database exercise."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("path", help="JSON file with {'scenario': KEY, 'offers': [...]}, or - for stdin")

    def handle(self, *args, path, **options):
        # The raw streams: the engine writes whole JSON documents and one-line errors.
        code = cli.run(path, sys.stdin, self.stdout._out, self.stderr._out, load_scenario)
        if code:
            sys.exit(code)
