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
.PHONY: requirements requirements-check lighthouse

help:
	@echo "make run    install, migrate, load content, start web + Redis + Celery worker + beat"
	@echo "make test   install and run the whole test suite"
	@echo "make test-fast  the unit tests only: no browser, server or process (markers in pyproject.toml)"
	@echo "make lint   ruff check, ruff format --check, makemigrations --check, the import contract, mypy"
	@echo "make bench  the article page against a static file, the form submit, follow-up delivery, the insights page"
	@echo "make e2e-prod  the visitor's journey in Chromium through the production shape (docs/testing.md)"
	@echo "make loadtest  50 visitors for 60 s against the production shape, then every lead and email checked"
	@echo "make flower Celery's Flower on 127.0.0.1:5555 (needs FLOWER_BASIC_AUTH=user:password)"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed (Django 6.1). Install it, or run: make PYTHON=/path/to/python3.12"; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)

# Tests and tools on top of what production runs (requirements/dev.txt includes base.txt),
# every file checked against its hash, after the pip that knows --build-constraint.
# docs/dependencies.md says how to add or upgrade a package.
$(VENV)/.installed: $(BIN)/python requirements/pip.txt requirements/dev.txt \
		requirements/build-constraints.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/pip.txt
	$(BIN)/python -m pip install --quiet --require-hashes \
		--build-constraint requirements/build-constraints.txt -r requirements/dev.txt
	@touch $@

install: $(VENV)/.installed .env

# The compiled files from the .in files. uv keeps each version the .txt file already pins
# unless the .in file asks otherwise; `make requirements UPGRADE="name ..."` moves those
# packages (say, one that only comes in as a dependency) to their newest versions. The
# hashes are always fetched again from the index, never copied from the old file.
UV_COMPILE = $(BIN)/uv pip compile --quiet --no-config --generate-hashes --universal \
	--python-version 3.12 --build-constraints requirements/build-constraints.txt \
	--custom-compile-command "make requirements"
REQUIREMENTS := pip base dev  # in this order: dev.in is constrained by base.txt
# name==version for each package a compiled file pins, without its markers and hashes.
PINS := sed -n 's/^\([A-Za-z0-9][A-Za-z0-9._-]*==[^ ;]*\).*/\1/p'

requirements: $(VENV)/.installed
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	for name in $(REQUIREMENTS); do \
		echo "requirements/$$name.in -> requirements/$$name.txt"; \
		touch "$$tmp/$$name.txt" && \
		{ [ ! -e requirements/$$name.txt ] || $(PINS) requirements/$$name.txt > "$$tmp/$$name.txt"; } && \
		$(UV_COMPILE) $(foreach package,$(UPGRADE),--upgrade-package $(package)) \
			requirements/$$name.in -o "$$tmp/$$name.txt" || exit 1; \
		cmp -s "$$tmp/$$name.txt" requirements/$$name.txt || \
			mv "$$tmp/$$name.txt" requirements/$$name.txt || exit 1; \
	done

# Fails when a compiled file is not what `make requirements` would write from its .in file:
# each .in is compiled again into a temporary folder, held to the versions its .txt pins,
# and the two are compared, comments aside (hashes included).
requirements-check: $(VENV)/.installed
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && stale= && \
	for name in $(REQUIREMENTS); do \
		$(PINS) requirements/$$name.txt > "$$tmp/$$name.pins" && \
		grep -v '^ *#' requirements/$$name.txt > "$$tmp/$$name.committed" || exit 1; \
		if ! $(UV_COMPILE) --no-header --no-annotate -c "$$tmp/$$name.pins" \
			requirements/$$name.in -o "$$tmp/$$name.txt" 2> "$$tmp/$$name.err"; then \
			echo "requirements/$$name.in does not compile with the versions requirements/$$name.txt pins:"; \
			cat "$$tmp/$$name.err"; stale="$$stale requirements/$$name.txt"; \
		elif ! diff -u "$$tmp/$$name.committed" "$$tmp/$$name.txt"; then \
			stale="$$stale requirements/$$name.txt"; fi; \
	done; \
	if [ -n "$$stale" ]; then \
		echo "Out of date with its .in file:$$stale. Run \`make requirements\` and commit the result."; \
		exit 1; fi; \
	echo "requirements/*.txt match their .in files"

# A local .env with a random secret key, made once, never committed.
.env:
	@$(PYTHON) -c 'import secrets; print("SECRET_KEY=" + secrets.token_urlsafe(50))' > .env
	@echo "Wrote .env with a fresh SECRET_KEY"

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Redis starts with `make run`'s processes, after this: the cache clears that saving the
# content makes are skipped quietly (CACHE_LOG_ERRORS), not logged with a traceback each.
content: migrate
	CACHE_LOG_ERRORS=off $(BIN)/python manage.py load_initial_content

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
	$(BIN)/lint-imports
	$(BIN)/mypy

# Type checks alone (mypy with django-stubs, set up in pyproject.toml). It loads the
# settings, so it needs the .env that install writes (or SECRET_KEY in the environment).
.PHONY: types
types: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m devtools.bench

# Flower on loopback only, and only with a password (docs/operating.md).
flower: install
	$(BIN)/python -m operations.flower

# The production shape on this machine (PostgreSQL, Redis, an SMTP sink, deploy/Procfile.prod
# with two gunicorn, two Celery workers and one beat), then a visitor's journey through it.
e2e-prod: install
	$(BIN)/python -m devtools.prod_journey

# Lighthouse (npm, on first use) against the site with production settings: home, article,
# first question, result. LIGHTHOUSE_FLOOR=90 accepts a lower performance score (CI).
lighthouse: install
	$(BIN)/python -m devtools.lighthouse_check $(if $(LIGHTHOUSE_FLOOR),--floor $(LIGHTHOUSE_FLOOR))

# locust against the same shape, loopback only, rate limits off (docs/benchmarks.md).
loadtest: install
	$(BIN)/python -m devtools.loadtest

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
