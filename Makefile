# ckanext-territoires: `make run` serves the portal, `make test` runs the suite.
# Every variable below can be overridden from the environment.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 5000
CKAN_DB_HOST ?= 127.0.0.1
CKAN_DB_PORT ?= 5432
CKAN_DB_USER ?= ckan_territoires
CKAN_DB_PASSWORD ?= ckan_territoires
CKAN_DB_NAME ?= ckan_territoires
CKAN_TEST_DB_NAME ?= ckan_territoires_test
CKAN_REDIS_URL ?= redis://127.0.0.1:6379/0
CKAN_TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
ADMIN_USER ?= admin
ADMIN_EMAIL ?= admin@example.org
PYTEST_ARGS ?=
# The portal's territory (README, "Your own territory"): empty keeps the one in
# ckan.ini (the Métropole de Lyon when first rendered); changing it later
# archives the communes that leave it and re-territorialises the datasets.
TERRITOIRES_SCOPE ?=
# 0: no demo content (organisations, agent, harvested catalogue).
TERRITOIRES_DEMO ?= 1

export HOST PORT CKAN_DB_HOST CKAN_DB_PORT CKAN_DB_USER CKAN_DB_PASSWORD CKAN_DB_NAME CKAN_REDIS_URL TERRITOIRES_SCOPE

BIN := $(VENV)/bin
CKAN := $(BIN)/ckan
STAMP := $(VENV)/.installed

.PHONY: run test lint install config db-upgrade admin territory demo serve test-db clean-test-db bench-search bench-dcat bench-harvest help browser-deps bench-pages bench-geography bench-pooling i18n-extract i18n-update run-prod serve-prod bench-load

help:
	@echo "make run   - install, set up the database, load the demo, serve http://$(HOST):$(PORT)"
	@echo "make test  - install and run the whole test suite"
	@echo "make run-prod - the same, served by the production configuration (gunicorn, nginx when installed)"

$(STAMP): setup.py pyproject.toml $(wildcard i18n/*/LC_MESSAGES/*.po)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# ckan.ini is rendered once; `make config` renders it again (secrets are kept).
ckan.ini: | $(STAMP)
	$(BIN)/python config/bootstrap.py render-ini ckan.ini

config: $(STAMP)
	$(BIN)/python config/bootstrap.py render-ini ckan.ini

db-upgrade: ckan.ini
	$(BIN)/python config/bootstrap.py database $(CKAN_DB_NAME)
	$(BIN)/python config/bootstrap.py datastore $(CKAN_DB_NAME)
	$(CKAN) -c ckan.ini db upgrade
	$(CKAN) -c ckan.ini search-index rebuild -o -q

admin: db-upgrade
	@password=$$($(BIN)/python config/bootstrap.py admin-password); \
	if $(CKAN) -c ckan.ini user show $(ADMIN_USER) 2>/dev/null | grep -q "User: None"; then \
		$(CKAN) -c ckan.ini user add $(ADMIN_USER) email=$(ADMIN_EMAIL) password="$$password" >/dev/null 2>&1 \
			|| { echo "Could not create the user $(ADMIN_USER)" >&2; exit 1; }; \
	fi; \
	$(CKAN) -c ckan.ini sysadmin add $(ADMIN_USER) >/dev/null 2>&1 \
		|| { echo "Could not make $(ADMIN_USER) a sysadmin" >&2; exit 1; }; \
	echo "Sysadmin login: $(ADMIN_USER) / $$password"
	@token=$$($(CKAN) -c ckan.ini territoires pooling xloader-token) \
		&& $(BIN)/python config/bootstrap.py xloader-token ckan.ini "$$token" \
		|| { echo "Could not create the API token of ckanext-xloader's jobs" >&2; exit 1; }

# The groups of the territory. A TERRITOIRES_SCOPE different from ckan.ini's
# is written there; `load` then lists the communes it archives (confirmed by
# that variable) and `sync` re-territorialises every dataset.
territory: admin
	@changed=$$($(BIN)/python config/bootstrap.py set-scope ckan.ini) || exit 1; \
	if [ "$$changed" = changed ]; then \
		$(CKAN) -c ckan.ini territoires load --yes && $(CKAN) -c ckan.ini territoires sync; \
	else \
		$(CKAN) -c ckan.ini territoires load; \
	fi

# The demo of the territory (TERRITOIRES_DEMO=0: none): its agent publishes for
# their commune (README, "Commune officers"); their password is kept in
# .ckan-secrets like the admin's.
demo: territory
	@if [ "$(TERRITOIRES_DEMO)" = 0 ]; then echo "No demo (TERRITOIRES_DEMO=0)"; else \
		password=$$($(BIN)/python config/bootstrap.py agent-password); \
		$(CKAN) -c ckan.ini territoires demo --agent-password "$$password"; rc=$$?; \
		$(CKAN) -c ckan.ini territoires pooling demo || rc=1; exit $$rc; \
	fi

# `ckan run` turns Werkzeug's interactive debugger on unless told not to
# (config/serve.py passes --disable-debugger): it would show tracebacks to visitors.
# The web server (without the interactive debugger), the harvest gather and
# fetch consumers, CKAN's background job worker and the harvest scheduler,
# supervised by config/serve.py: Ctrl-C stops them all.
serve: ckan.ini
	@echo "Serving the portal at http://$(HOST):$(PORT) (Ctrl-C stops it)"
	$(BIN)/python config/serve.py --ini ckan.ini --host $(HOST) --port $(PORT)

run: install db-upgrade admin demo serve

# The production configuration (config/production/, README "Production") run
# here: rendered into var/production/, gunicorn with PROD_WORKERS workers,
# the harvest consumers, the job worker, the scheduler, and nginx in front
# when it is installed (skipped otherwise), at http://$(HOST):$(PORT).
PROD_WORKERS ?= 4
serve-prod: ckan.ini
	@echo "Serving the production configuration at http://$(HOST):$(PORT) (Ctrl-C stops it)"
	$(BIN)/python config/run_prod.py --host $(HOST) --port $(PORT) --workers $(PROD_WORKERS)

run-prod: install db-upgrade admin demo serve-prod

# --- tests -----------------------------------------------------------------
TEST_DB_URL = $(shell $(BIN)/python config/bootstrap.py database-url $(CKAN_TEST_DB_NAME))
# CKAN's own tests run against the backend (list and exclusions: tests/support/conformance.py)
CKAN_CONFORMANCE_FILES = $(shell $(BIN)/python -c 'import importlib, os; from tests.support.conformance import CKAN_TEST_MODULES as m; print(" ".join(os.path.relpath(os.path.dirname(f) if f.endswith("__init__.py") else f) for f in (importlib.import_module(n).__file__ for n in m)))')

test-db: $(STAMP)
	$(BIN)/python config/bootstrap.py database $(CKAN_TEST_DB_NAME)
	$(BIN)/python config/bootstrap.py datastore $(CKAN_TEST_DB_NAME)
	CKAN_SQLALCHEMY_URL=$(TEST_DB_URL) CKAN_REDIS_URL=$(CKAN_TEST_REDIS_URL) \
		$(CKAN) -c test.ini db upgrade

# pytest exits 5 when it collected no test: say so, and fail, rather than
# letting an empty run pass for a green one.
# Browser tests (tests/browser): Debian's chromium, driven by playwright, and
# axe-core from the npm registry in var/axe (git-ignored).
AXE_CORE_VERSION ?= 4.14.1
AXE_JS := var/axe/node_modules/axe-core/axe.min.js

browser-deps: $(AXE_JS)
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

$(AXE_JS):
	mkdir -p var/axe
	npm install --prefix var/axe --no-audit --no-fund --silent axe-core@$(AXE_CORE_VERSION)

# Lint (ruff), format (ruff format), types (mypy, settings in pyproject.toml)
# and complexity (xenon: no function above cyclomatic complexity 20, rank C).
LINT_PATHS := ckanext tests bench config setup.py conftest.py

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy
	$(BIN)/xenon --max-absolute C --exclude 'ckanext/territoires/migration/*' ckanext/territoires

test: lint test-db browser-deps
	@set +e; CKAN_SQLALCHEMY_URL=$(TEST_DB_URL) CKAN_REDIS_URL=$(CKAN_TEST_REDIS_URL) \
		$(BIN)/python -m pytest tests $(CKAN_CONFORMANCE_FILES) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit 5)" >&2; fi; \
	exit $$rc

bench-search: test-db
	CKAN_SQLALCHEMY_URL=$(TEST_DB_URL) CKAN_REDIS_URL=$(CKAN_TEST_REDIS_URL) \
		$(BIN)/python bench/search.py --ini test.ini

# DCAT export of 10,000 datasets (paged), SQL statements per page, memory
bench-dcat: test-db
	CKAN_SQLALCHEMY_URL=$(TEST_DB_URL) CKAN_REDIS_URL=$(CKAN_TEST_REDIS_URL) \
		$(BIN)/python bench/dcat.py --ini test.ini

bench-harvest: test-db
	CKAN_SQLALCHEMY_URL=$(TEST_DB_URL) CKAN_REDIS_URL=$(CKAN_TEST_REDIS_URL) \
		$(BIN)/python bench/harvest.py --ini test.ini
# bench/pages.py wipes its database: by default a database of its own.
BENCH_DB_NAME ?= ckan_territoires_bench
BENCH_DB_URL = $(shell $(BIN)/python config/bootstrap.py database-url $(BENCH_DB_NAME))

bench-pages: $(STAMP)
	$(BIN)/python config/bootstrap.py database $(BENCH_DB_NAME)
	CKAN_SQLALCHEMY_URL=$(BENCH_DB_URL) CKAN_REDIS_URL=$(CKAN_TEST_REDIS_URL) \
		$(CKAN) -c test.ini db upgrade
	CKAN_SQLALCHEMY_URL=$(BENCH_DB_URL) CKAN_REDIS_URL=$(CKAN_TEST_REDIS_URL) \
		$(BIN)/python bench/pages.py --ini test.ini

# 20 visitors for 60 s against a running `make run-prod` (another terminal):
# p50/p95 per page, errors, throughput, load of the machine
bench-load: $(STAMP)
	$(BIN)/python bench/load.py --base http://$(HOST):$(PORT)

# pooled data: validate and read a 100,000-row CSV, pool 58 communes' files
# (wipes its database, like bench-pages: a database of its own)
bench-pooling: $(STAMP)
	$(BIN)/python config/bootstrap.py database $(BENCH_DB_NAME)
	$(BIN)/python config/bootstrap.py datastore $(BENCH_DB_NAME)
	CKAN_SQLALCHEMY_URL=$(BENCH_DB_URL) CKAN_REDIS_URL=$(CKAN_TEST_REDIS_URL) \
		$(CKAN) -c test.ini db upgrade
	CKAN_SQLALCHEMY_URL=$(BENCH_DB_URL) CKAN_REDIS_URL=$(CKAN_TEST_REDIS_URL) \
		$(BIN)/python bench/pooling.py --ini test.ini

# coverage from geometry: time to territorialise a bounding box per scope,
# memory of the loaded outlines (no database)
bench-geography: $(STAMP)
	$(BIN)/python bench/geography.py

# --- translations (i18n/; compiled into the package by setup.py) -----------
I18N_POT := i18n/ckanext-territoires.pot

# The catalogues' lines are wrapped at 79 columns (as they were written): an
# update rewraps nothing it does not change.
I18N_WIDTH := 79

i18n-extract: $(STAMP)
	$(BIN)/pybabel extract -F i18n/babel.cfg -k N_ -k ungettext:1,2 --no-location \
		--sort-output --project=ckanext-territoires -o $(I18N_POT) .

i18n-update: i18n-extract
	for locale in fr en; do $(BIN)/pybabel update -i $(I18N_POT) -l $$locale \
		-d i18n -D ckanext-territoires --no-fuzzy-matching --width $(I18N_WIDTH); done
