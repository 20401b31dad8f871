"""Tabletop's benchmark suite (`make bench`): every benchmark, a table, bench/results/*.json.

    .venv/bin/python bench/run.py [--db sqlite|postgres|both] [--quick] [--only NAME ...]

Server benchmarks start gunicorn (gunicorn.conf.py, DEBUG off) on 127.0.0.1 with a fresh
database and load it from this process (wrk, or the asyncio client in loadclient.py).
Figures are medians of repeated runs; ratios are measured side by side in one run.
Never part of `make test`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

RESULTS = HERE / "results"
# "poll" is the throughput comparison: /healthz, the unchanged poll, the team room, oTree's page.
NAMES = ("rules", "report", "poll", "classroom", "big", "memory")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="shorter runs and a smaller big exercise (development)")
    parser.add_argument("--only", nargs="+", choices=NAMES, help="run only these benchmarks")
    parser.add_argument("--classroom-seconds", type=float, default=None, help="override the classroom duration")
    parser.add_argument("--profile", metavar="DIR", help="py-spy the server during the classroom (collapsed stacks)")
    parser.add_argument("--no-save", action="store_true", help="print the table but write no results file")
    parser.add_argument("--no-otree", action="store_true", help="leave out the peer (oTree's participant page)")
    return parser.parse_args(argv)


# --- the machine ---------------------------------------------------------------------------------


def machine(dbs: list[str]) -> dict:
    import django

    info = {
        "cores": os.cpu_count(),
        "memory_mb": _meminfo("MemTotal"),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }
    import sqlite3

    info["databases"] = {}
    if "sqlite" in dbs:
        info["databases"]["sqlite"] = {
            "version": sqlite3.sqlite_version,
            "cache": "file cache shared by the workers (CACHE_DIR)",
        }
    if "postgres" in dbs:
        info["databases"]["postgres"] = {"version": _pg_version(), "cache": f"redis {_redis_version()}"}
    return info


def _meminfo(key: str) -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) // 1024
    except OSError:
        return None
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        return ""


def _pg_version() -> str:
    import psycopg
    from server import PG_ADMIN

    with psycopg.connect(PG_ADMIN) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


def _redis_version() -> str:
    import redis

    return redis.Redis(host="127.0.0.1", port=6379).info()["redis_version"]


# --- benchmarks ------------------------------------------------------------------------------------


def bench_rules(quick: bool) -> dict:
    from bench_rules import run

    return run(n=2_000 if quick else 5_000, repetitions=3 if quick else 7)


def bench_report(quick: bool) -> dict:
    try:
        module = importlib.import_module("bench_report")
    except ModuleNotFoundError:
        return {"status": "not yet available", "pass": None}
    result = module.run(quick=quick) if "quick" in module.run.__code__.co_varnames else module.run()
    return result


def prepare_peer(skip: bool) -> dict:
    """oTree's own virtual environment, installed once (PyPI); unavailable with a reason otherwise."""
    from peer import OTREE_VERSION, PeerUnavailable, ensure_venv

    if skip:
        return {"version": OTREE_VERSION, "unavailable": "left out (--no-otree)"}
    print(f"oTree {OTREE_VERSION} for the peer benchmark ...", flush=True)
    started = time.perf_counter()
    try:
        venv = ensure_venv()
    except PeerUnavailable as err:
        print(f"oTree is unavailable, the other benchmarks run without it: {err}", flush=True)
        return {"version": OTREE_VERSION, "unavailable": str(err)}
    return {"version": OTREE_VERSION, "venv": str(venv), "ready_seconds": round(time.perf_counter() - started, 1)}


def poll_and_peer(server, db: str, quick: bool, peer_info: dict) -> dict:
    """/healthz, the unchanged poll, the team room and oTree's page, alternated on one machine."""
    from peer import OTreeServer
    from scenarios import throughput, throughput_targets

    demo = server.seed(teams=6)  # the demo's six delegations, as in issue 15's measurement
    seconds, repetitions = (3, 2) if quick else (8, 5)
    reason = peer_info.get("unavailable")
    with contextlib.ExitStack() as stack:
        peer = None
        if reason is None:
            try:
                peer = stack.enter_context(OTreeServer(db, Path(peer_info["venv"])))
            except Exception as err:  # noqa: BLE001 - the peer must not take our own figures down
                reason = f"oTree could not serve its page: {err}"
                print(f"{reason}; measuring without it", flush=True)
        result = throughput(throughput_targets(server, demo, peer), seconds=seconds, repetitions=repetitions)
    if peer is None:
        result["otree_unavailable"] = reason
    else:
        result["otree_database"] = "SQLite" if db == "sqlite" else "PostgreSQL (oTree has no cache to put in Redis)"
    return result


def server_benchmarks(
    db: str, quick: bool, only: set[str], classroom_seconds: float | None, profile=None, peer_info=None
) -> dict:
    from scenarios import big_pages, classroom
    from server import BenchServer

    out: dict = {}

    def guarded(name, fn):
        try:
            out[name] = fn()
        except Exception as err:  # noqa: BLE001 - one failing benchmark must not hide the others
            traceback.print_exc()
            out[name] = {"error": repr(err), "pass": False}

    if only & {"poll", "classroom", "memory"}:
        with BenchServer(db) as server:
            out["server"] = {"workers": len(server.worker_pids())}
            if "poll" in only:
                guarded("poll", lambda: poll_and_peer(server, db, quick, peer_info or {"unavailable": "not prepared"}))
            if only & {"classroom", "memory"}:
                seed = server.seed(teams=60)
                seconds = classroom_seconds or (20 if quick else 60)
                spy = _profile(server, profile, f"classroom-{db}", seconds + 20) if profile else None
                guarded("classroom", lambda: classroom(server, seed, seconds=seconds))
                if spy:
                    spy.wait(timeout=120)
                rss = server.worker_rss_mb()
                out["memory"] = {
                    "workers_rss_mb": [round(r, 1) for r in rss],
                    "max_rss_mb": round(max(rss), 1) if rss else None,
                    "target": "< 150 MB",
                    "pass": bool(rss) and max(rss) < 150,
                }
    if "big" in only:
        with BenchServer(db) as server:
            teams, rounds = (40, 3) if quick else (40, 10)
            small = server.seed(teams=4, played_rounds=1)
            started = time.perf_counter()
            big = server.seed(teams=teams, played_rounds=rounds)
            seed_seconds = time.perf_counter() - started
            offers = int(
                server.shell(
                    f"from exercises.models import Offer; print(Offer.objects.filter(exercise_id={big['exercise']['id']}).count())"
                )
            )

            def run_big():
                result = big_pages(server, big, repetitions=10 if quick else 30)
                counts = _query_counts(server, small["exercise"]["id"], big["exercise"]["id"])
                constant = all(v["small"] == v["big"] for v in counts.values())
                result.update(
                    teams=teams,
                    rounds=rounds,
                    offers=offers,
                    seed_seconds=round(seed_seconds, 1),
                    queries=counts,
                    queries_constant=constant,
                )
                result["pass"] = result["pass"] and constant
                result["target"] = "queries constant in size; p95 < 150 ms"
                return result

            guarded("big", run_big)
    return out


def _profile(server, directory: str, name: str, seconds: float):
    """py-spy on the gunicorn master and its workers (collapsed stacks, for flame graphs)."""
    Path(directory).mkdir(parents=True, exist_ok=True)
    out = Path(directory) / f"{name}.txt"
    py_spy = str(Path(sys.executable).parent / "py-spy")  # requirements-dev.txt installs it in the venv
    cmd = [py_spy, "record", "--pid", str(server.proc.pid), "--subprocesses", "--duration", str(int(seconds))]
    cmd += ["--format", "raw", "--rate", "50", "--nonblocking", "--output", str(out)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _query_counts(server, small_id: int, big_id: int) -> dict:
    env = dict(server.env, ALLOWED_HOSTS="127.0.0.1,testserver")
    proc = subprocess.run(
        [sys.executable, str(HERE / "query_counts.py"), str(small_id), str(big_id)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the table -------------------------------------------------------------------------------------


def _mark(ok) -> str:
    return {True: "PASS", False: "FAIL", None: "n/a"}[ok]


def rows(results: dict) -> list[tuple[str, str, str, str]]:
    table = []
    rules = results.get("rules", {})
    if rules:
        table.append(
            (
                "rules engine (one core)",
                f"{rules.get('commitments_per_s_median', '?'):,} commitments/s"
                if "error" not in rules
                else rules["error"],
                ">= 20,000/s",
                _mark(rules.get("meets_target", rules.get("pass"))),
            )
        )
    report = results.get("report", {})
    if report:
        if report.get("status") == "not yet available":
            table.append(("report PDF 12x8x300", "not yet available", "< 5 s, < 300 MB", "n/a"))
        else:
            seconds = report.get("seconds_median", report.get("seconds"))
            peak = report.get("peak_mb", report.get("peak_memory_mb"))
            if "pass" not in report and seconds is not None and peak is not None:
                report["pass"] = seconds < 5 and peak < 300
            table.append(
                ("report PDF 12x8x300", f"{seconds} s, {peak} MB peak", "< 5 s, < 300 MB", _mark(report.get("pass")))
            )
    for db, res in results.get("servers", {}).items():
        poll = res.get("poll")
        if poll:
            table += poll_rows(db, poll)
        room = res.get("classroom")
        if room:
            value = room.get("error") or (
                f"p95 {room['p95_ms']} ms, p99 {room['p99_ms']} ms, {room['errors']} errors, "
                f"{room['offers_acknowledged']} acked / {room['offers_stored']} stored, {room['requests_per_s']} req/s"
            )
            table.append(
                (
                    f"[{db}] classroom 60x5, {room.get('seconds', '?')} s",
                    value,
                    "p95<100, p99<250, 0 err, =",
                    _mark(room.get("pass")),
                )
            )
        big = res.get("big")
        if big:
            if "error" in big:
                value = big["error"]
            else:
                grew = {k: f"{v['small']}->{v['big']}" for k, v in big["queries"].items() if v["small"] != v["big"]}
                value = f"p95 {big['p95_ms']} ms; queries {'constant' if not grew else 'grow: ' + str(grew)}"
            label = f"[{db}] console+room {big.get('teams', '?')}t x {big.get('rounds', '?')}r, {big.get('offers', '?')} offers"
            table.append((label, value, "constant; p95 < 150 ms", _mark(big.get("pass"))))
        memory = res.get("memory")
        if memory:
            table.append(
                (
                    f"[{db}] worker RSS after classroom",
                    f"{memory['max_rss_mb']} MB max",
                    "< 150 MB",
                    _mark(memory.get("pass")),
                )
            )
    return table


def poll_rows(db: str, poll: dict) -> list[tuple[str, str, str, str]]:
    """The unchanged poll against /healthz, and the team room and the poll against oTree's page."""
    if "error" in poll:
        return [(f"[{db}] unchanged poll vs /healthz", poll["error"], ">= 0.8", "FAIL")]
    table = [
        (
            f"[{db}] unchanged poll vs /healthz",
            f"ratio {poll['ratio']} ({poll['poll_rps']:,} / {poll['healthz_rps']:,} req/s)",
            poll["target"],
            _mark(poll.get("pass")),
        )
    ]
    for label, ours, key in (
        ("team room vs oTree page", "room", "room_vs_otree"),
        ("unchanged poll vs oTree page", "poll", "poll_vs_otree"),
    ):
        if key in poll:
            value = f"{poll[key]}x ({poll[ours + '_rps']:,} / {poll['otree_rps']:,} req/s)"
            table.append((f"[{db}] {label}", value, poll[key + "_target"], _mark(poll[key + "_pass"])))
        else:
            table.append((f"[{db}] {label}", "not measured: oTree unavailable (below)", "", "n/a"))
    return table


def peer_notes(results: dict) -> list[str]:
    """Why oTree's page was not measured, once per reason, for under the table."""
    reasons = [results.get("otree", {}).get("unavailable")]
    reasons += [res.get("poll", {}).get("otree_unavailable") for res in results.get("servers", {}).values()]
    return [f"oTree: {r}" for r in dict.fromkeys(r for r in reasons if r)]


def print_table(table) -> None:
    widths = [max(len(str(r[i])) for r in table + [("what", "measured", "target", "")]) for i in range(4)]
    line = " | ".join(h.ljust(w) for h, w in zip(("what", "measured", "target", ""), widths, strict=True))
    print(line)
    print("-" * len(line))
    for row in table:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


def main(argv=None) -> int:
    args = parse_args(argv)
    only = set(args.only or NAMES)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    started = time.perf_counter()
    results: dict = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "quick": args.quick}
    results["machine"] = machine(dbs)
    if "rules" in only:
        print("rules engine ...", flush=True)
        results["rules"] = bench_rules(args.quick)
    if "report" in only:
        print("after-action report ...", flush=True)
        try:
            results["report"] = bench_report(args.quick)
        except Exception as err:  # noqa: BLE001
            traceback.print_exc()
            results["report"] = {"error": repr(err), "pass": False}
    if "poll" in only:
        results["otree"] = prepare_peer(args.no_otree)
    results["servers"] = {}
    for db in dbs:
        print(f"server benchmarks on {db} ...", flush=True)
        results["servers"][db] = server_benchmarks(
            db, args.quick, only, args.classroom_seconds, args.profile, results.get("otree")
        )
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["seconds"] = round(time.perf_counter() - started, 1)
    table = rows(results)
    results["table"] = [dict(zip(("what", "measured", "target", "result"), r, strict=True)) for r in table]
    print()
    print_table(table)
    for note in peer_notes(results):
        print(note)
    print(
        f"\n{results['seconds']} s; load average {results['machine']['load_average_at_start']} -> {results['machine']['load_average_at_end']}"
    )
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y-%m-%dT%H%M")
        name = f"{stamp}-{args.db}{'-quick' if args.quick else ''}.json"
        text = json.dumps(results, indent=2, default=str)
        (RESULTS / name).write_text(text)
        (RESULTS / "latest.json").write_text(text)
        print(f"wrote bench/results/{name} and bench/results/latest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
