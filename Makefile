# Cairn: `make demo` runs the product with a demo ecosystem; `make test` checks everything.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
SEED ?= 42
PARTNERS ?= 200
# The machines here have two cores; the suite spreads over both.
PYTEST_WORKERS ?= 2

.PHONY: demo test check pytest e2e bench lock schema clean worker scheduler serve help xapi-conformance

help:
	@echo "make demo   - set up and run Cairn with a demo ecosystem on http://127.0.0.1:8000"
	@echo "make test   - lint, type-check, check migrations and run the whole suite"
	@echo "make e2e    - browser tests (needs Debian's chromium)"
	@echo "make bench  - benchmarks; see docs/performance.md"
	@echo "make xapi-conformance SUITE=... - the ADL xAPI suite against the LRS"

$(VENV)/.installed-base: requirements/base.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-base requirements/dev.txt
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $@

var:
	mkdir -p var/staticfiles

demo: $(VENV)/.installed-base | var
	CAIRN_DEBUG=1 $(MANAGE) migrate --no-input
	CAIRN_DEBUG=1 $(MANAGE) seed_demo --seed $(SEED) --partners $(PARTNERS) --if-empty
	CAIRN_DEBUG=1 $(MANAGE) demo_logins
	CAIRN_DEBUG=1 $(BIN)/honcho --no-prefix -f Procfile.demo start

check: $(VENV)/.installed-dev | var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy cairn config
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check --fail-level WARNING

pytest: $(VENV)/.installed-dev | var
	$(BIN)/pytest -p no:cacheprovider -n $(PYTEST_WORKERS) --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

test: check pytest

e2e: $(VENV)/.installed-dev | var
	$(BIN)/pytest -p no:cacheprovider e2e $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev | var
	$(PY) bench/run.py $(BENCH_ARGS)

# The ADL xAPI conformance suite, given a local copy: make xapi-conformance
# SUITE=../lrs-conformance-test-suite [DB=sqlite|postgres]. Both versions, fresh
# database each; results go in docs/conformance.md.
DB ?= sqlite
xapi-conformance: $(VENV)/.installed-base | var
	@test -n "$(SUITE)" || { echo "usage: make xapi-conformance SUITE=path/to/lrs-conformance-test-suite [DB=sqlite|postgres]"; exit 2; }
	conformance/xapi.sh $(SUITE) 1.0.3 $(DB)
	conformance/xapi.sh $(SUITE) 2.0.0 $(DB)

schema: $(VENV)/.installed-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) spectacular --file docs/openapi.yaml --validate

lock:
	rm -rf var/lockvenv && $(PYTHON) -m venv var/lockvenv
	var/lockvenv/bin/pip install --quiet -r requirements/base.in
	{ echo "# Pinned runtime dependencies. Edit base.in, then run \`make lock\`."; var/lockvenv/bin/pip freeze; } > requirements/base.txt
	var/lockvenv/bin/pip freeze > var/base.freeze
	var/lockvenv/bin/pip install --quiet -r requirements/dev.in
	{ echo "# Pinned development dependencies. Edit dev.in, then run \`make lock\`."; echo "-r base.txt"; var/lockvenv/bin/pip freeze | grep -vxFf var/base.freeze; } > requirements/dev.txt
	rm -rf var/lockvenv var/base.freeze

clean:
	rm -rf $(VENV) var
