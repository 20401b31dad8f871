"""gunicorn settings for `make serve` and the benchmarks (bench/server.py).

Sync workers: a request is a few milliseconds of CPU-bound Django work, so
processes (not threads, which share one GIL) use every core; 2 x cores + 1 keeps
the cores busy while a worker waits on the database. WEB_CONCURRENCY overrides.
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Big enough for a lecture hall's join burst; the kernel queues the rest.
backlog = 2048
timeout = 30
graceful_timeout = 10
accesslog = None
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")
