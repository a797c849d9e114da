# SEND casework. The two commands (see README.md):
#
#   make run    install, migrate, load the demo data, run the background worker and serve
#               http://127.0.0.1:8000 (config.settings.local, SQLite in var/db.sqlite3)
#   make test   install, check migrations and the system checks, run the whole test suite
#               (config.settings.test, SQLite in memory)
#
# Both create .venv with python3.11 (or python3) on first use and re-install only when
# pyproject.toml is newer than the install stamp.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
HOST ?= 127.0.0.1
PORT ?= 8000
# The address links in e-mails point at: the server `make run` starts, unless SITE_URL is set.
SITE_URL ?= http://$(HOST):$(PORT)
# `make test-postgres` runs the suite on this database (pytest-django creates test_<name>).
PG_URL ?= postgres://postgres@127.0.0.1:5432/send_ci
# Extra pytest arguments, e.g. make test PYTEST_ARGS="-k consent -x"
PYTEST_ARGS ?=
# The suite runs in one process per core (pytest-xdist; each worker has its own test database).
# PYTEST_WORKERS=1 runs it in this process (for -s, pdb or -x on the first failure in order).
PYTEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 1)
XDIST := $(if $(filter-out 0 1,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist worksteal,)

LOCAL := DJANGO_SETTINGS_MODULE=config.settings.local SITE_URL=$(SITE_URL)
TEST := DJANGO_SETTINGS_MODULE=config.settings.test

.PHONY: help install run serve test test-postgres test-background check-upgrade bench lint format clean distclean

help:
	@echo "make run            install, migrate, load demo data, serve http://$(HOST):$(PORT)/ with the worker"
	@echo "make test           install, lint, makemigrations --check, manage.py check, pytest (SQLite in memory, one worker a core)"
	@echo "make lint           ruff check and ruff format --check (make format fixes what it can)"
	@echo "make serve          serve with the worker, without migrating or loading the demo data"
	@echo "make test-postgres  the same suite on PostgreSQL (PG_URL=$(PG_URL))"
	@echo "make test-background  real Celery workers on Redis and PostgreSQL: sending exactly once (BG_REDIS_URL)"
	@echo "make check-upgrade  the previous version's demo data migrates and every page serves (PostgreSQL)"
	@echo "make bench          pages, steps and load on a generated PostgreSQL database (BENCH_DB_URL)"
	@echo "make install        create $(VENV) and install the project with its test extra"
	@echo "make clean          remove caches and build artefacts"
	@echo "make distclean      clean, and remove $(VENV) and var/ (the local database)"

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.11 not found: install python3.11 (or set PYTHON=...)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Editable install: pyproject declares no packages (the apps run from the work tree), so this
# installs the dependencies and the project's metadata without copying the tree into build/.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -e ".[test]"
	@touch $@

install: $(STAMP)

# The background worker and the development server together; stopping one stops the other.
define SERVE
echo "Serving http://$(HOST):$(PORT)/sign-in/ with the background worker (manage.py tick --loop)."
echo "Press Ctrl-C to stop both."
export $(LOCAL); tick=; server=
trap 'kill $$server $$tick 2>/dev/null || true; wait 2>/dev/null || true' EXIT
trap 'exit 0' INT TERM HUP
$(PY) manage.py tick --loop & tick=$$!
$(PY) manage.py runserver $(HOST):$(PORT) & server=$$!
wait -n $$server $$tick
endef
export SERVE

run: install
	$(LOCAL) $(PY) manage.py migrate --noinput
	$(LOCAL) $(PY) manage.py load_demo
	@echo
	@bash -c "$$SERVE"

# Serve without migrating or loading the demo data again.
serve: install
	@bash -c "$$SERVE"

test: install lint
	$(TEST) $(PY) manage.py makemigrations --check --dry-run
	$(TEST) $(PY) manage.py check --fail-level WARNING
	$(TEST) $(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# Lint is part of the build: `make test` runs it first. `make format` fixes what it can.
lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

test-postgres: install
	$(TEST) DATABASE_URL=$(PG_URL) $(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# tests/background: real `celery -A config worker` processes on Redis (BG_REDIS_URL, a database
# number of its own) and the test's PostgreSQL database, and `manage.py tick --loop`, with the
# two-sender race on PostgreSQL. They skip elsewhere when Redis or PostgreSQL is missing; here
# REQUIRE_BACKGROUND_SERVICES=1 makes that a failure. One process: the tests start their own.
BG_REDIS_URL ?= redis://127.0.0.1:6379/15
BACKGROUND_TESTS := tests/background tests/notifications/test_sending_race.py
test-background: install
	$(TEST) DATABASE_URL=$(PG_URL) BACKGROUND_REDIS_URL=$(BG_REDIS_URL) REQUIRE_BACKGROUND_SERVICES=1 \
	  $(PY) -m pytest $(BACKGROUND_TESTS) $(PYTEST_ARGS)

# scripts/check_upgrade.sh: UPGRADE_FROM=<commit> to upgrade from another version.
check-upgrade: install
	VENV=$(VENV) scripts/check_upgrade.sh

# The scale benchmark (scripts/bench_scale.py) on a database `manage.py generate_scale` filled
# (README, "Scale data"). BENCH_ARGS: e.g. --no-load, --runs 30.
BENCH_DB_URL ?= postgres://postgres@127.0.0.1:5432/send_scale
BENCH_ARGS ?=
bench: install
	DATABASE_URL=$(BENCH_DB_URL) $(PY) scripts/bench_scale.py $(BENCH_ARGS)

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache staticfiles build *.egg-info

distclean: clean
	rm -rf $(VENV) var
