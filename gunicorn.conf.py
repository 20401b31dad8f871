"""gunicorn settings for `make serve` and the benchmarks (bench/server.py).

Sync workers: a request is a few milliseconds of CPU-bound Django work, so
processes (not threads, which share one GIL) use every core; 2 x cores + 1 keeps
the cores busy while a worker waits on the database. WEB_CONCURRENCY overrides.

Without REDIS_URL the workers share the poll cache through files (CACHE_DIR): a
local-memory cache is private to each worker, so a revision published by one worker
would be unknown to the others and every poll would render (see docs/performance.md).
"""

import hashlib
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Big enough for a lecture hall's join burst; the kernel queues the rest.
backlog = 2048
timeout = 30
graceful_timeout = 10
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")

if not os.environ.get("REDIS_URL"):
    _here = hashlib.blake2s(str(Path(__file__).resolve().parent).encode(), digest_size=4).hexdigest()
    _shm = Path("/dev/shm")
    _base = _shm if _shm.is_dir() and os.access(_shm, os.W_OK) else Path(tempfile.gettempdir())
    os.environ.setdefault("CACHE_DIR", str(_base / f"tabletop-cache-{_here}-{os.environ.get('USER', 'app')}"))


def on_starting(server):
    """The file cache holds only poll state: start empty, like a fresh local-memory cache."""
    if os.environ.get("CACHE_DIR") and not os.environ.get("REDIS_URL"):
        shutil.rmtree(os.environ["CACHE_DIR"], ignore_errors=True)
