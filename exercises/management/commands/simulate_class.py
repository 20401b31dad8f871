import json
import time

from django.core.management.base import BaseCommand, CommandError

from exercises import simulation
from exercises.scenarios import DEFAULT_SCENARIO_KEY, ScenarioError, load_scenario

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Play whole seeded classes through the services the web app uses, one strategy at a time, "
        "and report the value delivered, the kept rate, tension and the linked-step counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seeds", type=int, default=100, help="games per strategy (seeds 1..N); default 100")
        parser.add_argument(
            "--strategies",
            default=",".join(simulation.STRATEGIES),
            help=f"comma-separated, from: {', '.join(simulation.STRATEGIES)} (default: all)",
        )
        parser.add_argument("--scenario", default=DEFAULT_SCENARIO_KEY, help="scenario key")
        parser.add_argument("--rounds", type=int, default=None, help="rounds per game (default: the scenario's)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, seeds, strategies, scenario, rounds, json: bool, **options):
        names = [s.strip() for s in strategies.split(",") if s.strip()]
        unknown = [s for s in names if s not in simulation.STRATEGIES]
        if unknown or not names:
            raise CommandError(
                f"unknown strategy {', '.join(unknown) or '(none given)'}; choose from {', '.join(simulation.STRATEGIES)}"
            )
        if seeds < 1:
            raise CommandError("--seeds must be at least 1")
        if rounds is not None and not 1 <= rounds <= 20:
            raise CommandError("--rounds must be between 1 and 20")
        try:
            pack = load_scenario(scenario)
        except ScenarioError as exc:
            raise CommandError(f"scenario {scenario!r}: {exc}") from exc
        total = seeds * len(names)
        started = time.monotonic()
        bar = self._bar(total, started) if self.stderr.isatty() else None
        try:
            results = simulation.simulate(pack, names, seeds, rounds, progress=bar)
        except simulation.SimulationError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar:
                self.stderr.write("")
        report = {
            "scenario": pack["key"],
            "seeds": seeds,
            "strategies": {name: summary.to_dict() for name, summary in results.items()},
        }
        if json:
            self.stdout.write(_dumps(report))
        else:
            self.stdout.write(_table(report))

    def _bar(self, total: int, started: float):
        def show(done: int) -> None:
            filled = BAR_WIDTH * done // total
            elapsed = time.monotonic() - started
            self.stderr.write(
                f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} games, {elapsed:.0f} s", ending=""
            )
            self.stderr.flush()

        return show


def _dumps(report: dict) -> str:
    return json.dumps(report, indent=2)


def _table(report: dict) -> str:
    rows = [
        f"Scenario {report['scenario']}, {report['seeds']} seeds per strategy "
        "(medians over seeds; void and paid-after-broken are totals)",
        f"{'strategy':<15}{'value/team':>11}{'kept':>7}{'tension':>15}{'void':>7}{'paid after broken':>19}",
    ]
    for name, s in report["strategies"].items():
        tension = f"{s['start_tension']:g} -> {s['final_tension']:g}"
        rows.append(
            f"{name:<15}{s['value_per_team']:>11.2f}{s['kept_rate']:>7.2f}{tension:>15}"
            f"{s['void_steps']:>7}{s['conditional_paid_after_broken']:>19}"
        )
    return "\n".join(rows)
