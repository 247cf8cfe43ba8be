# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here supports those two, or CI.

SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

# Django 6.1 needs Python 3.12 or newer: take the newest interpreter that qualifies,
# including pyenv installs that are present but not the global default.
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV); do \
	if "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	command -v "$$c"; break; fi; done)

.PHONY: help install env migrate content run test lint format bench flower e2e-prod loadtest clean

help:
	@echo "make run    install, migrate, load content, start web + Redis + Celery worker + beat"
	@echo "make test   install and run the whole test suite"
	@echo "make test-fast  the unit tests only: no browser, server or process (markers in pyproject.toml)"
	@echo "make lint   ruff check, ruff format --check, makemigrations --check"
	@echo "make bench  the article page against a static file, the form submit, follow-up delivery, the insights page"
	@echo "make e2e-prod  the visitor's journey in Chromium through the production shape (README, Deploying)"
	@echo "make loadtest  50 visitors for 60 s against the production shape, then every lead and email checked"
	@echo "make flower Celery's Flower on 127.0.0.1:5555 (needs FLOWER_BASIC_AUTH=user:password)"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed (Django 6.1). Install it, or run: make PYTHON=/path/to/python3.12"; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.3"

$(VENV)/.installed: $(BIN)/python requirements.txt build-constraints.txt
	$(BIN)/python -m pip install --quiet --build-constraint build-constraints.txt -r requirements.txt
	@touch $@

install: $(VENV)/.installed .env

# A local .env with a random secret key, made once, never committed.
.env:
	@$(PYTHON) -c 'import secrets; print("SECRET_KEY=" + secrets.token_urlsafe(50))' > .env
	@echo "Wrote .env with a fresh SECRET_KEY"

migrate: install
	$(BIN)/python manage.py migrate --noinput

content: migrate
	$(BIN)/python manage.py load_initial_content

run: content
	@mkdir -p var
	@echo "Starting on http://127.0.0.1:$(PORT)  (admin: http://127.0.0.1:$(PORT)/admin/, Ctrl-C stops everything)"
	SITE_PORT=$(PORT) SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} DEBUG=on $(BIN)/honcho start -f Procfile

test: install
	$(BIN)/python -m pytest

.PHONY: test-fast
test-fast: install
	$(BIN)/python -m pytest -m "not browser and not integration and not subprocess"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m devtools.bench

# Flower on loopback only, and only with a password (see README, Security and operations).
flower: install
	$(BIN)/python -m operations.flower

# The production shape on this machine (PostgreSQL, Redis, an SMTP sink, deploy/Procfile.prod
# with two gunicorn, two Celery workers and one beat), then a visitor's journey through it.
e2e-prod: install
	$(BIN)/python -m devtools.prod_journey

# locust against the same shape, loopback only, rate limits off (README, Benchmarks).
loadtest: install
	$(BIN)/python -m devtools.loadtest

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
