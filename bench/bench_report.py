"""Benchmark of the after-action report: 12 teams, 8 rounds, 300 offers.

Target (issue #5): the report is built in < 5 s with < 300 MB peak memory, and the
page's query count does not grow with the number of offers.

``seconds_median`` is the cold PDF download: build_report + the PDF's context (charts
as PNG) + WeasyPrint, what the report.pdf view does on a cache miss. The page
(build_report + SVG charts + HTML) and the data files are timed separately, and the
cached second download too (``pdf_cached_seconds``).

    .venv/bin/python bench/bench_report.py [--quick] [--repetitions N] [--json]

The work runs in a fresh process with its own SQLite file, so the peak memory (the
process's max RSS, which includes WeasyPrint's C libraries) is the report's and
not the bench runner's. ``run()`` returns medians for bench/run.py.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 5.0
TARGET_MB = 300


def run(quick: bool = False, repetitions: int | None = None) -> dict:
    args = [sys.executable, str(Path(__file__).resolve()), "--json"]
    if quick:
        args.append("--quick")
    if repetitions:
        args += ["--repetitions", str(repetitions)]
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _setup_django(db_path: str) -> None:
    os.environ["SQLITE_PATH"] = db_path
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tabletop.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_exercise(*, teams: int, rounds: int, offers: int, seed: str):
    """A played exercise: bots send `offers` offers spread over the rounds, answer, counter, close."""
    import random

    from exercises import services
    from exercises.management.commands.seed_demo import ScriptedTeams, demo_facilitator, demo_scenario
    from exercises.models import Exercise, Observation

    scenario = demo_scenario(teams)
    exercise = services.create_exercise(
        facilitator=demo_facilitator(),
        scenario=scenario,
        title=f"Bench {teams}x{rounds}x{offers}",
        team_keys=[t["key"] for t in scenario["teams"][:teams]],
        num_rounds=rounds,
        round_minutes=15,
    )
    Exercise.objects.filter(pk=exercise.pk).update(seed=seed)
    exercise.refresh_from_db()
    bots = ScriptedTeams(exercise)
    rng = random.Random(seed)
    all_teams = bots.teams
    sent = 0
    for number in range(1, rounds + 1):
        services.start_round(exercise=exercise, actor="bench")
        quota = offers * number // rounds - sent
        for i in range(quota):
            team = all_teams[i % len(all_teams)]
            partner = all_teams[(i % len(all_teams) + 1 + i // len(all_teams)) % len(all_teams)]
            specific = rng.random() < 0.5
            rows = [bots.commitment(team.key, partner.key, specific), bots.commitment(partner.key, team.key, specific)]
            services.submit_offer(
                participant=bots.players[team.key],
                recipients=[partner],
                commitments=rows,
                client_token=f"bench-{number}-{i}",
                message="bench offer",
            )
        sent += quota
        current = exercise.current_round()
        for offer in current.offers.filter(status="pending").order_by("number"):
            recipient = offer.recipients.first()
            roll = rng.random()
            if roll < 0.08 and sent < offers:
                rows = [bots.commitment(recipient.key, offer.from_team.key, True)]
                services.submit_offer(
                    participant=bots.players[recipient.key],
                    recipients=[offer.from_team],
                    commitments=rows,
                    client_token=f"bench-counter-{offer.number}",
                    parent=offer,
                )
                sent += 1
            else:
                services.respond(offer=offer, participant=bots.players[recipient.key], accept=roll < 0.7)
        Observation.objects.create(exercise=exercise, author="bench", round=current, text=f"Round {number} note.")
        services.close_round(round=current, actor="bench")
    services.end_exercise(exercise=exercise, actor="bench")
    return exercise


def _measure(exercise_id: int, repetitions: int) -> dict:
    import resource

    from django.db import connection, reset_queries
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from exercises.models import Exercise
    from exercises.reports import tables
    from exercises.reports.data import build_report
    from exercises.reports.render import cached_pdf, render_pdf, report_context

    exercise = Exercise.objects.get(pk=exercise_id)
    data_s, page_s, pdf_s, files_s, total_s = [], [], [], [], []
    pages = pdf_bytes = 0
    for _ in range(repetitions):
        reset_queries()
        t0 = time.perf_counter()
        report = build_report(exercise)
        t1 = time.perf_counter()
        render_to_string("exercises/_report_body.html", report_context(exercise, report=report))
        t2 = time.perf_counter()
        pdf = render_pdf(report_context(exercise, report=build_report(exercise), pdf=True))
        t3 = time.perf_counter()
        for name in ("offers", "commitments", "events"):
            tables.to_csv(report, name)
        tables.to_xlsx(report)
        t4 = time.perf_counter()
        data_s.append(t1 - t0)
        page_s.append(t2 - t0)
        total_s.append(t3 - t2)  # the cold PDF download: its own build_report, PNG charts, WeasyPrint
        pdf_s.append(t3 - t2)
        files_s.append(t4 - t3)
        pdf_bytes = len(pdf)
    cached_pdf(exercise)
    t5 = time.perf_counter()
    cached_pdf(exercise)
    cached_s = time.perf_counter() - t5
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    with CaptureQueriesContext(connection) as ctx:
        report_context(exercise)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "offers": exercise.offers.count(),
        "teams": exercise.teams.count(),
        "rounds": exercise.rounds.count(),
        "events": exercise.events.count(),
        "data_seconds_median": round(statistics.median(data_s), 3),
        "page_seconds_median": round(statistics.median(page_s), 3),
        "pdf_seconds_median": round(statistics.median(pdf_s), 3),
        "files_seconds_median": round(statistics.median(files_s), 3),
        "seconds_median": round(statistics.median(total_s), 3),
        "pdf_cached_seconds": round(cached_s, 4),
        "peak_mb": round(peak_mb, 1),
        "pdf_pages": pages,
        "pdf_kb": round(pdf_bytes / 1024),
        "queries": len(ctx.captured_queries),
    }


def _page_queries(exercise_id: int) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from exercises.models import Exercise

    exercise = Exercise.objects.get(pk=exercise_id)
    client = Client()
    client.force_login(exercise.facilitator)
    client.get(f"/exercises/{exercise_id}/report/")
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(f"/exercises/{exercise_id}/report/").status_code
    assert status == 200, status
    return len(ctx.captured_queries)


def main(quick: bool, repetitions: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        _setup_django(str(Path(tmp) / "bench.sqlite3"))
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        t0 = time.perf_counter()
        offers = 100 if quick else 300
        big = build_exercise(teams=12, rounds=8, offers=offers, seed="bench-big")
        small = build_exercise(teams=12, rounds=8, offers=offers // 3, seed="bench-small")
        setup_s = time.perf_counter() - t0
        result = _measure(big.pk, repetitions)
        result.update(
            setup_seconds=round(setup_s, 1),
            repetitions=repetitions,
            page_queries={"small": _page_queries(small.pk), "big": _page_queries(big.pk)},
            small_offers=small.offers.count(),
            target=f"< {TARGET_SECONDS} s, < {TARGET_MB} MB, page queries flat",
        )
        result["pass"] = (
            result["seconds_median"] < TARGET_SECONDS
            and result["peak_mb"] < TARGET_MB
            and result["page_queries"]["small"] == result["page_queries"]["big"]
        )
        return result


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    reps = int(sys.argv[sys.argv.index("--repetitions") + 1]) if "--repetitions" in sys.argv else (2 if quick else 5)
    outcome = main(quick, reps)
    if "--json" in sys.argv:
        print(json.dumps(outcome))
    else:
        for key, value in outcome.items():
            print(f"{key:>22}: {value}")
