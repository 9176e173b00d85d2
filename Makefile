# Portal Koperasi: `make run` serves the demo city, `make test` runs the whole suite.
# Both set everything up first and reuse what is already there.
# DATABASE_URL=postgres://… switches both to PostgreSQL (default: SQLite under var/).

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# The newest Python 3.13 / 3.12 that actually runs (pyenv shims may exist but not run).
PYTHON ?= $(shell for c in python3.13 python3.12 $$(ls -d /root/.pyenv/versions/3.1[23]*/bin/python3 2>/dev/null | sort -r) python3; do \
	if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then command -v $$c; break; fi; done)

.PHONY: run test setup venv assets translations migrate demo check-python clean bench-seed fuzz audit audit-code audit-deps bench-load

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Portal Koperasi needs Python 3.12 or newer (python3.13 or python3.12 on the PATH, or PYTHON=/path/to/python)."; exit 1; fi

$(VENV)/.installed: requirements.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

# htmx comes from the npm registry (package.json + lock file) and is served from static/vendor/.
static/vendor/htmx.min.js: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to install htmx (package.json)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

assets: static/vendor/htmx.min.js

translations: venv
	$(PY) -m babel.messages.frontend compile --domain django --directory locale --statistics 2>&1 | grep -v '^$$' || true

migrate: venv
	@mkdir -p var
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) seed_demo --if-empty

setup: venv assets translations

run: setup demo
	@$(PY) -c "import json; d = json.load(open('var/demo_logins.json')); print('\nDemo logins (also in var/demo_logins.json):'); [print(f'  {r:<22} {v[\"login\"]:<28} {v[\"password\"]}  {v.get(\"cooperative\") or \"\"}') for r, v in d.items()]"
	@echo "Serving http://$(HOST):$(PORT)/"
	$(MANAGE) runserver $(HOST):$(PORT)

# Without PYTEST_ARGS: the tests that need no browser on TEST_WORKERS processes (pytest-xdist; each
# has its own test database), then the browser journeys one at a time (they share a live server).
TEST_WORKERS ?= 2
test: setup
	@mkdir -p var
ifeq ($(strip $(PYTEST_ARGS)),)
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) -m pytest -n $(TEST_WORKERS) -m "not browser"
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) -m pytest -m browser
else
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) -m pytest $(PYTEST_ARGS)
endif

# The API fuzzing of the suite (tests/api/test_fuzzing.py), larger: more random cases per operation,
# every role on every case, a new seed each run (printed; FUZZ_SEED=<n> replays one).
FUZZ_MAX_EXAMPLES ?= 100
ifndef FUZZ_SEED
FUZZ_SEED := $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
endif
fuzz: setup
	@mkdir -p var
	@echo "make fuzz: FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) FUZZ_SEED=$(FUZZ_SEED)"
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) FUZZ_SEED=$(FUZZ_SEED) FUZZ_ALL_ROLES=1 DJANGO_SETTINGS_MODULE=portal.settings.test \
		$(PY) -m pytest tests/api/test_fuzzing.py $(PYTEST_ARGS)

# Security checks (docs/TESTING.md, "Audit"). audit-code fails on a high-severity bandit finding in our
# code (config: pyproject.toml) and lists the medium and low ones; audit-deps exits 1 on a known
# vulnerability and 2 when the vulnerability services could not be reached (never a silent pass).
audit: audit-code audit-deps

audit-code: venv
	@echo "bandit: findings of medium severity and above (BANDIT_LEVEL=low lists the low ones too)"
	$(VENV)/bin/bandit -c pyproject.toml -r . -q --severity-level $(or $(BANDIT_LEVEL),medium) || true
	@echo "bandit: high severity (fails the target)"
	$(VENV)/bin/bandit -c pyproject.toml -r . -q --severity-level high

audit-deps: venv
	$(PY) tools/audit_deps.py

bench-seed: migrate
	$(MANAGE) seed_demo --cooperatives 5000 --members-per-cooperative 200 --without-books

# Load benchmark (bench/load.py): gunicorn + PostgreSQL on 127.0.0.1, locust; its own database.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
bench-load: venv
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/load.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules static/vendor var/staticfiles
