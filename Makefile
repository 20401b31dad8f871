# Tabletop: `make run` serves the demo, `make test` runs everything. See README.md.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?=
# `make run BOTS=3`: three of the demo's four teams played by stand-in bots (docs/facilitator-guide.md).
BOTS ?= 0
PYTEST_ARGS ?= -n auto

.PHONY: install run serve test lint format bench system-packages db clean

$(STAMP): requirements.txt requirements-dev.txt
	@PY_BIN=$$(scripts/find-python) || exit 1; \
	  echo "Using $$PY_BIN ($$($$PY_BIN --version))"; \
	  [ -x $(PY) ] || $$PY_BIN -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

## install: build .venv/ with the pinned dependencies
install: $(STAMP)

## db: migrate and check the scenario packs (safe to repeat)
db: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_scenarios

## run: the development server on SQLite with a demo exercise (another port: make run PORT=8101)
run: db
	$(PY) manage.py seed_demo --host $(HOST) --port $(PORT) --bots $(BOTS)
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## serve: the production-style server (gunicorn, WSGI)
serve: db
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn tabletop.wsgi --config gunicorn.conf.py --bind $(HOST):$(PORT) $(if $(WORKERS),--workers $(WORKERS)) --access-logfile -

system-packages:
	@scripts/ensure-system-packages

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## test: lint, checks and the whole suite, browser tests included
test: install system-packages lint
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## bench: the benchmark suite (never part of make test); writes bench/results/. BENCH_ARGS="--quick --db sqlite"
# The first run also installs oTree 6.0.15 (the peer) from PyPI into bench/.otree-venv with the Python
# scripts/find-python picks (PYTHON=... too); without PyPI the other benchmarks run and the table says why.
BENCH_ARGS ?=
bench: install
	@command -v wrk >/dev/null 2>&1 || scripts/ensure-system-packages wrk || echo "wrk missing: the throughput benchmark falls back to the Python client"
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test-artifacts
