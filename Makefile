# The two commands a new machine needs:
#   make run   — set up everything and run the app on embedded defaults (SQLite, no broker server)
#   make test  — set up everything tests need and run the whole suite
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint install sysdeps sysdeps-test messages migrate demo worker bench check-compose backup restore clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# System packages: CJK fonts + HarfBuzz subsetting for PDFs, gettext for messages.
sysdeps:
	@scripts/sysdeps.sh run

# ... plus Chromium (browser tests) and poppler-utils (PDF checks).
sysdeps-test:
	@scripts/sysdeps.sh test

messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v0

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py load_demo

run: sysdeps install messages demo
	@echo "Starting the worker and the web server on http://$(HOST):$(PORT)/ (Ctrl-C stops both)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(VENV)/bin/celery -A config worker --beat --loglevel=INFO --concurrency=2 \
	    >var/worker.log 2>&1 & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

worker: $(STAMP)
	$(VENV)/bin/celery -A config worker --beat --loglevel=INFO

test: sysdeps-test install messages lint
	$(PY) -m pytest $(PYTEST_ARGS)

# The floors (import-linter), lint and format (ruff): CI fails on an upward import or an unformatted file.
lint: $(STAMP)
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install messages
	@scripts/sysdeps.sh bench
	$(PY) bench/run.py

# make backup            → var/backups/fazhi-<time>.tar.gz (database as JSON + uploaded files)
# make restore FILE=...  → into an empty, freshly migrated database
backup: $(STAMP)
	$(PY) manage.py backup

restore: migrate
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/fazhi-....tar.gz"; exit 2; }
	$(PY) manage.py restore "$(FILE)"

check-compose: $(STAMP)
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

clean:
	rm -rf $(VENV) var
