"""The production-style server for benchmarks: gunicorn (WSGI, DEBUG off) on a fresh database.

SQLite: a new temporary file, local-memory cache (as `make serve` out of the box).
PostgreSQL: a database `tabletop_bench` created and dropped here (never `test`), with
the Redis cache on database 1, as a department-wide deployment would run
(BENCH_PG_DB and BENCH_REDIS_URL change both).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
# Overridable so that two worktrees can benchmark on one machine without dropping each other's database.
PG_BENCH_DB = os.environ.get("BENCH_PG_DB", "tabletop_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def recreate_pg_database(name: str) -> None:
    _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _pg_admin(f"CREATE DATABASE {name}")


def drop_pg_database(name: str) -> None:
    """Cleanup: a failure is a warning, never an exception that would hide the real error."""
    try:
        _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    except Exception as err:  # noqa: BLE001
        print(f"warning: could not drop {name}: {err}", file=sys.stderr)


class BenchServer:
    """with BenchServer("sqlite") as server: server.manage("seed_demo", ...); server.port"""

    def __init__(self, db: str, workers: int | None = None):
        if db not in ("sqlite", "postgres"):
            raise ValueError(db)
        self.db = db
        self.workers = workers
        self.port = free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="tabletop-bench-"))
        self.proc: subprocess.Popen | None = None
        self.env = self._env()

    def _env(self) -> dict:
        drop = ("DATABASE_URL", "REDIS_URL", "DEBUG", "CACHE_DIR", "WEB_CONCURRENCY")
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env.update(
            SECRET_KEY="bench-only-secret-key-" + "x" * 40,
            ALLOWED_HOSTS="127.0.0.1",
            DEBUG="0",
            SECURE_COOKIES="0",
            SITE_URL=f"http://127.0.0.1:{self.port}",
            LOG_LEVEL="ERROR",
            PYTHONDONTWRITEBYTECODE="1",
        )
        if self.db == "sqlite":
            env["SQLITE_PATH"] = str(self.tmp / "bench.sqlite3")
            env["CACHE_DIR"] = str(self.tmp / "cache")  # shared by the workers, as gunicorn.conf.py does
        else:
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"
            env["REDIS_URL"] = REDIS_URL
            env["CACHE_PREFIX"] = f"bench{os.getpid()}"
        return env

    # --- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> BenchServer:
        if self.db == "postgres":
            recreate_pg_database(PG_BENCH_DB)
        self.manage("migrate", "--noinput", "--verbosity", "0")
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
        if self.db == "postgres":
            drop_pg_database(PG_BENCH_DB)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self) -> None:
        cmd = [
            str(Path(PY).parent / "gunicorn"),
            "tabletop.wsgi",
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--error-logfile",
            str(self.tmp / "gunicorn.log"),
        ]
        if self.workers:
            cmd += ["--workers", str(self.workers)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_tail()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:
                    if r.status == 200 and len(self.worker_pids()) >= (self.workers or 1):
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer in 30 s: {self.log_tail()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def log_tail(self) -> str:
        log = self.tmp / "gunicorn.log"
        return log.read_text()[-2000:] if log.exists() else ""

    # --- helpers -----------------------------------------------------------------------------

    def manage(self, *args: str) -> str:
        out = subprocess.run(
            [PY, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if out.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed: {out.stderr[-2000:]}")
        return out.stdout

    def seed(self, teams: int, played_rounds: int = 0) -> dict:
        out = self.manage("seed_demo", "--new", "--teams", str(teams), "--played-rounds", str(played_rounds), "--json")
        return json.loads(out[out.index("{") :])

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code).strip().splitlines()[-1]

    def worker_pids(self) -> list[int]:
        if not self.proc:
            return []
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(int(line.split()[1]) / 1024)
            except OSError:
                pass
        return sizes
