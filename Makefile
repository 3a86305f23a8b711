# Redress: `make run` serves the demo on http://127.0.0.1:5000; `make test` runs every test.
# Everything a fresh machine needs is installed from here (Python 3.11+ and Node 20+ required).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
export REDRESS_INSTANCE_PATH ?= $(CURDIR)/instance

.DEFAULT_GOAL := help
.PHONY: help run serve install install-test assets translations compile-translations browser clamd lint \
        audit test unit e2e test-postgres lock bench bench-report-server bench-pages bench-drain bench-csv bench-load bench-lighthouse \
        screenshots clean

help:
	@echo "make run    install, migrate, load demo data and serve http://127.0.0.1:5000"
	@echo "make test   install test tools, find or install Chromium, run unit and browser tests"
	@echo "make translations   extract, update and compile message catalogues"

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade "pip>=24"

$(VENV)/.installed: pyproject.toml requirements/constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c requirements/constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install --quiet -c requirements/constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Also the tests' identity provider (npm oidc-provider, a devDependency): the OIDC sign-in tests need it.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

shared/static/dist/.built: node_modules/.installed $(shell find frontend -type f 2>/dev/null)
	npm run --silent build
	touch $@

assets: shared/static/dist/.built

compile-translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d translations

translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k pgettext:1c,2 -k lazy_pgettext:1c,2 \
	    --no-location --sort-output \
	    --project=Redress --copyright-holder="Redress contributors" -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(MAKE) compile-translations

run: install assets compile-translations
	$(BIN)/redress db upgrade
	$(BIN)/redress demo-data --if-empty
	$(BIN)/redress run --host 127.0.0.1 --port 5000

browser: install-test
	$(BIN)/python -m e2e_tests.browser ensure

# The virus-scanning tests start their own clamd (ClamAV's daemon) on loopback, with a test
# signature only (no signature download). Installed as root with apt-get when missing.
clamd:
	@command -v clamd >/dev/null || [ -x /usr/sbin/clamd ] || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clamav-daemon >/dev/null; } || \
	  { echo "clamd not found: install ClamAV's daemon (Debian/Ubuntu: apt-get install clamav-daemon)" >&2; exit 1; }

unit: install-test assets compile-translations node_modules/.installed clamd
	$(BIN)/python -m pytest unit_tests -q

e2e: install-test assets compile-translations browser node_modules/.installed
	$(BIN)/python -m pytest e2e_tests -q

lint: install-test
	$(BIN)/ruff check .

# Security checks, failing `make test` on any finding: bandit over our code (skips, each with its
# reason, in pyproject.toml [tool.bandit]) and pip-audit over the installed packages (.ci/pip-audit:
# --strict, so a package it cannot ask about fails too; on a machine that reaches no vulnerability
# service it says, loudly, that it did not run; REDRESS_REQUIRE_PIP_AUDIT=1 makes that fail).
audit: install-test
	$(BIN)/bandit -q -c pyproject.toml -r portal staff shared
	.ci/pip-audit $(BIN)

test: lint audit install-test assets compile-translations browser clamd node_modules/.installed
	$(BIN)/python -m pytest unit_tests e2e_tests -q

test-postgres: install-test assets compile-translations node_modules/.installed clamd
	REDRESS_TEST_DATABASE_URL=$${REDRESS_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
	    $(BIN)/python -m pytest unit_tests -q

lock: $(BIN)/python
	$(PIP) install --quiet -e '.[test]'
	( echo "# Exact versions of every Python package, direct and transitive; regenerate with 'make lock'."; \
	  $(PIP) freeze --exclude-editable ) > requirements/constraints.txt

# The demo-scale pages in-process; then, on generated data, every report under gunicorn
# (BENCH_DATABASE_URL) and the main pages under gunicorn (BENCH_PAGES_DATABASE_URL, a copy: it writes).
bench: install-test assets compile-translations node_modules/.installed
	$(BIN)/python -m bench
	$(BIN)/python -m bench.lighthouse $(LIGHTHOUSE_ARGS)
	$(if $(BENCH_DATABASE_URL),$(BIN)/python -m bench.report_server $(BENCH_DATABASE_URL))
	$(if $(BENCH_PAGES_DATABASE_URL),$(BIN)/python -m bench.pages $(BENCH_PAGES_DATABASE_URL))

# Outbox drain rate (log and SMTP, 1 and 2 workers). Add BENCH_POSTGRES=postgresql://… for a
# database of its own: its schema is dropped and rebuilt.
bench-csv: install-test compile-translations
	$(BIN)/python -m bench.case_csv $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES))

bench-drain: install-test compile-translations
	$(BIN)/python -m bench.drain $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES))

# Every report under gunicorn beside its own SQL, on a database holding generated data:
#   BENCH_DATABASE_URL=postgresql://… (filled with `redress demo-data --cases 200000`).
bench-report-server: install-test compile-translations
	$(BIN)/python -m bench.report_server $(BENCH_DATABASE_URL)

# The main pages under gunicorn against issue 11's targets, beside a floor, on a COPY of generated
# data (it signs in, sends complaints and may add notes):
#   createdb -T gen_big bench_pages; BENCH_PAGES_DATABASE_URL=postgresql://…/bench_pages
# Lighthouse (npm, a devDependency) with Debian Chromium on the resident pages: see bench/README.md.
bench-lighthouse: install-test assets compile-translations node_modules/.installed
	$(BIN)/python -m bench.lighthouse $(LIGHTHOUSE_ARGS)

bench-pages: install-test assets compile-translations
	$(BIN)/python -m bench.pages $(BENCH_PAGES_DATABASE_URL)

# Load and faults on a private PostgreSQL cluster (initdb, pg_ctl; never the machine's own): 50 residents
# with files at once, double submissions, PostgreSQL stopped and started under load. See bench/README.md.
bench-load: install-test compile-translations
	$(BIN)/python -m bench.load

# docs/screenshots/: the main pages at 320 CSS px in English and Urdu, and the back office's at
# 1280 and 320 px signed in as the demo staff (its case and translations pages also in Urdu), saved
# as palette PNGs. Urdu needs a Nastaliq font in the browser (Debian's fonts-noto-core; residents'
# devices have their own): installed here as root.
screenshots: install-test assets compile-translations browser
	@fc-list | grep -q "Noto Nastaliq Urdu" || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	    apt-get install -y --no-install-recommends fonts-noto-core >/dev/null; } || \
	    echo "No Urdu font found: install fonts-noto-core for readable Urdu screenshots"
	REDRESS_SCREENSHOTS=1 $(BIN)/python -m pytest e2e_tests/test_community_languages.py -q

clean:
	rm -rf $(VENV) node_modules shared/static/dist .pytest_cache
