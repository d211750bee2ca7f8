# Beacon. `make run` serves the demo site; `make test` runs the whole suite. `make help` lists the rest.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# Django 6.1 needs Python 3.12 or newer. Use the newest one found: on PATH, or under pyenv.
PYTHON_CANDIDATES := python3.14 python3.13 python3.12 $(wildcard $(HOME)/.pyenv/versions/3.14*/bin/python3) $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3) python3
PYTHON ?= $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell $(p) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1 && echo $(p))))
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run test test-unit test-e2e setup lint format bench clean check-python FORCE

help: ## Show this list
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

check-python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Beacon needs Python 3.12 or newer (Django 6.1 requires it), and none was found."; \
	  echo "Install one, for example: 'pyenv install 3.13' or 'apt-get install python3.13 python3.13-venv',"; \
	  echo "or name it: make run PYTHON=/path/to/python3.13"; exit 1; fi

$(VENV)/.installed: pyproject.toml requirements.lock | check-python
	@echo "Creating $(VENV) with $(PYTHON) and installing Python packages…"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --quiet -c requirements.lock -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Beacon needs Node.js 20 or newer with npm (apt-get install nodejs npm)."; exit 1; }
	@node -e 'process.exit(parseInt(process.versions.node) >= 20 ? 0 : 1)' || { echo "Beacon needs Node.js 20 or newer; this machine has $$(node -v) (Debian 12's own nodejs is 18: use NodeSource's or Debian 13's)."; exit 1; }
	@echo "Installing front-end packages (npm ci)…"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

beacon/static/dist/.built: node_modules/.installed $(shell find frontend -type f 2>/dev/null)
	@npm run --silent build
	@touch $@

# Development report keys: made once, kept; a key added by a later release (BEACON_RECEIPT_KEY) is added to the
# file. Run every time (FORCE), as the command only writes what is missing.
var/beacon-keys.env: FORCE | $(VENV)/.installed
	@mkdir -p var
	@$(MANAGE) beacon_keys --env-file $@

FORCE:

setup: $(VENV)/.installed beacon/static/dist/.built var/beacon-keys.env ## Install everything and prepare the database (run and test do this)
	@mkdir -p var
	@$(MANAGE) migrate --noinput -v 0
	@$(MANAGE) seed_demo

run: setup ## Serve the demo site on http://127.0.0.1:8000 with the task worker and periodic jobs
	@echo "Beacon: http://$(HOST):$(PORT)/  (staff: http://$(HOST):$(PORT)/admin/)"
	@$(MANAGE) db_worker --interval 2 & worker=$$!; \
	  $(MANAGE) run_schedule & schedule=$$!; \
	  trap 'kill $$worker $$schedule 2>/dev/null; wait $$worker $$schedule 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) runserver $(HOST):$(PORT) --noreload

test: $(VENV)/.installed beacon/static/dist/.built ## Run the whole suite: unit and browser tests
	@test -x /usr/bin/chromium || { echo "Browser tests need Debian's chromium: apt-get install -y chromium"; exit 1; }
	@$(PY) -m pytest -q $(PYTEST_ARGS)

test-unit: $(VENV)/.installed beacon/static/dist/.built ## Run the suite without the browser tests
	@$(PY) -m pytest -q -m "not e2e" $(PYTEST_ARGS)

test-e2e: $(VENV)/.installed beacon/static/dist/.built ## Run only the browser tests
	@$(PY) -m pytest -q -m e2e $(PYTEST_ARGS)

lint: $(VENV)/.installed ## ruff, Django's system checks and a check for missing migrations
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check
	@DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

format: $(VENV)/.installed ## Format the code with ruff
	@$(VENV)/bin/ruff check --fix-only . && $(VENV)/bin/ruff format .

bench: setup ## Run the benchmarks in bench/ (minutes; prints figures against same-run baselines)
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean: ## Remove the virtualenv, node_modules, built assets and the local database
	rm -rf $(VENV) node_modules beacon/static/dist var
