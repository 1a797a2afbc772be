# The everyday commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
RUN_STAMP := $(VENV)/.run-installed-stamp
# Where `make run` / `make dev` listen (`make run PORT=8100` when 8000 is taken).
PORT ?= 8000

.PHONY: run dev test test-postgres lint format bench load setup clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# `make run` installs only what the studio needs; `make test` adds the test tools.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $(RUN_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP) $(RUN_STAMP)

setup: $(RUN_STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_studio --defer-login

# The product's run: DEBUG off, static files and designed error pages served by the studio.
run: setup
	DJANGO_DEBUG=false STUDIO_BASE_URL=$${STUDIO_BASE_URL:-http://127.0.0.1:$(PORT)} \
		$(BIN)/python manage.py runstudio --addrport 127.0.0.1:$(PORT)

# For developers: the same, with Django's debug pages.
dev: setup
	DJANGO_DEBUG=true STUDIO_BASE_URL=$${STUDIO_BASE_URL:-http://127.0.0.1:$(PORT)} \
		$(BIN)/python manage.py runstudio --addrport 127.0.0.1:$(PORT)

# The real OpenID provider the sign-in tests start (npm package oidc-provider, pinned by the
# lock file).
OIDC_STAMP := tests/oidc/node_modules/.installed-stamp
$(OIDC_STAMP): tests/oidc/package.json tests/oidc/package-lock.json
	npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error
	touch $(OIDC_STAMP)

test: lint $(OIDC_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(if $(PYTEST_ARGS),,$(MAKE) --no-print-directory test-postgres)

# The access, fuzz and hostile-input suites again on PostgreSQL (127.0.0.1:5432), where some
# input fails differently than on SQLite: NUL in text, a connection closed mid-test.
HOSTILE_SUITES := tests/test_access.py tests/test_fuzz.py tests/test_hardening.py \
	tests/test_guest_security.py tests/test_hostile_text.py tests/test_review_markup.py \
	tests/test_uploads.py tests/test_audit.py tests/test_api_access.py
test-postgres: $(STAMP)
	$(BIN)/python -m tests.postgres_suites $(HOSTILE_SUITES)

# The same checks as the pre-commit hooks (.pre-commit-config.yaml), on the whole tree.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy studio generation

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m bench

# 100 simulated reviewers for 3 minutes against gunicorn on PostgreSQL (needs PostgreSQL and
# Redis on 127.0.0.1); its section of docs/benchmarks.md is kept by `make bench`.
load: $(STAMP)
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache tests/oidc/node_modules
