# The two commands: `make run` serves the portal, `make test` runs every check.
# Each step leaves a stamp so a second run reuses what is already built.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 2
PIP := $(BIN)/pip install --quiet --disable-pip-version-check
NHSUK := node_modules/nhsuk-frontend/dist/nhsuk
BUILD := static/build

export PYTHONDONTWRITEBYTECODE := 1
# gunicorn.conf.py and the app's PUBLIC_URL read these from the environment.
export HOST PORT WEB_CONCURRENCY

.PHONY: run test bench setup database prepare lint clean

run: setup database
	@echo "==> Serving on http://$(HOST):$(PORT) with $(WEB_CONCURRENCY) workers (Ctrl+C to stop)"
	@$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

test: setup $(VENV)/.test-installed
	@echo "==> Linting with ruff"
	@$(BIN)/ruff check portal matching tests bench wsgi.py gunicorn.conf.py
	@$(BIN)/ruff format --check portal matching tests bench wsgi.py gunicorn.conf.py
	@echo "==> Checking layers with import-linter"
	@$(BIN)/lint-imports
	@echo "==> Checking for security problems with bandit"
	@$(BIN)/bandit -q -r portal matching
	@echo "==> Running the test suite"
	@$(BIN)/pytest

bench: setup database
	@echo "==> Running benchmarks (see bench/README.md)"
	@$(MAKE) --no-print-directory -C bench all PYTHON=$(abspath $(BIN))/python

setup: $(VENV)/.installed $(BUILD)/.built

$(VENV)/.installed: requirements.txt
	@echo "==> Creating the Python environment in $(VENV)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "==> Installing pinned Python packages"
	@$(PIP) -r requirements.txt 2>&1 | grep -v "is ignored" || true
	@$(BIN)/python -c "import flask, sklearn, nhsuk_frontend_jinja, redis, pydantic, nh3, flask_caching, flask_compress, whitenoise, brotli"
	@touch $@

$(VENV)/.test-installed: $(VENV)/.installed requirements-test.txt
	@echo "==> Installing pinned test tools"
	@$(PIP) -r requirements-test.txt 2>&1 | grep -v "is ignored" || true
	@$(BIN)/python -c "import pytest, playwright, axe_playwright_python, textstat, bandit, schemathesis"
	@touch $@

node_modules/.installed: package.json package-lock.json
	@echo "==> Installing pinned npm packages (nhsuk-frontend, sass)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Everything the fingerprinted, compressed copies in $(BUILD) are made from (see portal/assets.py).
ASSET_SOURCES := $(wildcard static/scss/*.scss static/js/*.js) portal/assets.py

$(BUILD)/.built: node_modules/.installed $(ASSET_SOURCES) | $(VENV)/.installed
	@echo "==> Compiling styles on top of NHS.UK frontend"
	@mkdir -p $(BUILD)/nhsuk
	@npm run --silent build:css
	@cp -R $(NHSUK)/assets $(BUILD)/nhsuk/
	@cp $(NHSUK)/nhsuk-frontend.min.js $(NHSUK)/nhsuk-frontend.min.js.map $(BUILD)/nhsuk/
	@echo "==> Fingerprinting and compressing static files"
	@$(BIN)/python -m portal.assets build
	@touch $@

# `flask prepare` is idempotent but starts the whole app to find nothing to do. On the embedded database
# it runs again only when the database is new or a migration, a content file or the matcher's model
# changed; with DATABASE_URL (someone else's database) it always runs.
PREPARED := instance/.prepared
PREPARE_INPUTS := $(wildcard migrations/versions/*.py) $(shell find content -type f) matching/model.json

database: $(VENV)/.installed
	@mkdir -p instance
	@[ -n "$$DATABASE_URL" ] || [ -f instance/portal.sqlite3 ] || rm -f $(PREPARED)
	@$(MAKE) --no-print-directory $(if $(DATABASE_URL),prepare,$(PREPARED))

$(PREPARED): $(VENV)/.installed $(PREPARE_INPUTS)
	@$(MAKE) --no-print-directory prepare
	@touch $@

prepare:
	@echo "==> Migrating, loading content and, on a fresh embedded database, demonstration data (DEMO_DATA=0 turns it off)"
	@$(FLASK) prepare

lint: $(VENV)/.test-installed
	@$(BIN)/ruff check portal matching tests bench wsgi.py gunicorn.conf.py
	@$(BIN)/lint-imports
	@$(BIN)/bandit -q -r portal matching

clean:
	rm -rf $(VENV) node_modules $(BUILD) instance
