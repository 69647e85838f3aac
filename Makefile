# hsitp-history: the two commands a newcomer needs come first.
#   make run    create .venv, install, migrate, import the seeds, load the curated data, serve
#   make test   lint, checks, and the whole suite on SQLite and on PostgreSQL (browser tests included)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# A local .env (git-ignored) may set DJANGO_* and DATABASE_URL; see .env.example.
ifneq (,$(wildcard .env))
include .env
export
endif

PORT ?= 8000
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
MANAGE := $(PY) manage.py
PYTEST_ARGS ?= -n 2
CURATED_FIXTURES := $(wildcard milestones/fixtures/curated_*.json meetings/fixtures/curated_*.json)

# Local settings for `make run`: debug on, SQLite in the project, unless the environment says otherwise.
RUN_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}

.PHONY: help run serve setup test lint format check test-sqlite test-postgres test-redis system-deps clean messages messages-update bench bench-quick backup restore loadtest

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

run: setup ## Install, migrate, import seeds, load curated data and serve on http://127.0.0.1:$(PORT)
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(RUN_ENV) $(MANAGE) runserver 127.0.0.1:$(PORT)

setup: $(VENV)/.installed messages ## Everything `run` does except serving
	$(RUN_ENV) $(MANAGE) migrate --no-input -v 0
	$(RUN_ENV) $(MANAGE) import_seeds
ifneq ($(strip $(CURATED_FIXTURES)),)
	$(RUN_ENV) $(MANAGE) load_curated $(CURATED_FIXTURES)
endif

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(VENV)/bin/python
	$(PIP) install -c constraints.txt ".[dev]"
	@touch $@

messages: $(VENV)/.installed ## Compile the interface translations (locale/*.po -> .mo)
	DJANGO_SECRET_KEY=messages-only $(MANAGE) compilemessages -v 0 --ignore=".venv" --ignore="node_modules"

messages-update: $(VENV)/.installed ## Gather new interface strings into locale/zh_Hant/LC_MESSAGES/django.po
	DJANGO_SECRET_KEY=messages-only $(MANAGE) makemessages -l zh_Hant --no-location \
		--ignore=".venv/*" --ignore="tests/*" --ignore="bench/*"

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

test: $(VENV)/.installed system-deps node_modules/.installed lint check messages ## Lint, checks, and the suite on SQLite then PostgreSQL
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-redis

system-deps: ## Install PostgreSQL, Redis and Chromium from Debian's packages when missing (as root)
	@bash scripts/ensure-system-deps.sh

lint: $(VENV)/.installed ## ruff check and ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(VENV)/.installed ## Django system checks and missing migrations
	DJANGO_SECRET_KEY=check-only $(MANAGE) check --fail-level WARNING
	DJANGO_SECRET_KEY=check-only $(MANAGE) makemigrations --check --dry-run

test-sqlite: $(VENV)/.installed ## The whole suite on SQLite
	@echo "=== pytest on SQLite ==="
	env -u DATABASE_URL $(VENV)/bin/pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed ## The whole suite on a throwaway PostgreSQL cluster
	@echo "=== pytest on PostgreSQL ==="
	bash scripts/with-postgres.sh $(VENV)/bin/pytest $(PYTEST_ARGS)

# The shared-cache tests once more with the pages and the content version in a throwaway
# Redis, on PostgreSQL: the several-servers configuration (README, "Deploying on several servers").
REDIS_TESTS := tests/test_caching.py tests/test_fragments.py tests/test_scheduled_changes.py \
	tests/test_health.py tests/test_cache_outage.py tests/test_several_servers.py tests/test_feeds.py \
	tests/test_meetings_calendar.py tests/test_open_data.py

test-redis: $(VENV)/.installed ## The caching and invalidation tests with DJANGO_CACHE_URL at a throwaway Redis, on PostgreSQL
	@echo "=== pytest with Redis (DJANGO_CACHE_URL) on PostgreSQL ==="
	bash scripts/with-postgres.sh bash scripts/with-redis.sh $(VENV)/bin/pytest $(PYTEST_ARGS) $(REDIS_TESTS)

bench: $(VENV)/.installed ## Performance benchmark at 10,000 milestones (bench/README.md; several minutes)
	bash scripts/with-postgres.sh $(PY) bench/run.py

bench-quick: $(VENV)/.installed ## The benchmark at small sizes, in under two minutes
	bash scripts/with-postgres.sh $(PY) bench/run.py --quick

backup: $(VENV)/.installed ## Curated data and pictures into one archive, backups/hsitp-*.tar.gz (OUTPUT=path)
	$(RUN_ENV) $(MANAGE) backup_site $(if $(OUTPUT),--output "$(OUTPUT)")

restore: $(VENV)/.installed ## Restore ARCHIVE=path into an empty, migrated database (FORCE=1 replaces data)
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=backups/hsitp-....tar.gz [FORCE=1]" >&2; exit 2; }
	$(RUN_ENV) $(MANAGE) migrate --no-input -v 0
	$(RUN_ENV) $(MANAGE) restore_site $(if $(FORCE),--force) "$(ARCHIVE)"

loadtest: $(VENV)/.installed messages ## 60 s of wrk against gunicorn on PostgreSQL while an editor saves (bench/README.md)
	bash scripts/with-postgres.sh bash bench/loadtest.sh

clean: ## Remove the virtualenv, the local database and test artefacts
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* artifacts .pytest_cache .ruff_cache
