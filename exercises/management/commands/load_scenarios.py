from django.core.management.base import BaseCommand, CommandError

from exercises.scenarios import ScenarioError, available_scenarios, load_scenario_file


class Command(BaseCommand):
    help = "Validate the scenario packs in exercises/scenarios/ (or the files given) and list them."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="scenario files to check (default: all installed packs)")

    def handle(self, *args, paths, **options):
        try:
            targets = paths or [str(p) for p in available_scenarios().values()]
            for path in targets:
                scenario = load_scenario_file(path)
                self.stdout.write(
                    f"{scenario['key']}: {scenario['title']} — {len(scenario['teams'])} teams, "
                    f"{len(scenario['catalogue'])} catalogue items, {len(scenario['injects'])} injects"
                )
        except ScenarioError as exc:
            raise CommandError(str(exc)) from exc
