# Xuetu developer tasks. Everything installs from PyPI, the npm registry or Debian only.
#   make run    - install what is missing, migrate, seed demo data, serve on 127.0.0.1:8000
#   make test   - the whole pytest suite (SQLite unless DATABASE_URL is set)
#   make lint   - format check, lint and type check

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
MANAGE := $(PY) manage.py
I18N_IGNORE := --ignore=.venv --ignore=node_modules --ignore=staticfiles

# Debian packages: Chromium for the Playwright tests, CJK fonts and Pango for WeasyPrint PDFs,
# poppler-utils (pdftoppm) to check rendered PDFs, gettext (msgfmt) for compilemessages.
APT_PACKAGES := chromium fonts-noto-cjk fontconfig poppler-utils libpango-1.0-0 \
	libpangoft2-1.0-0 libharfbuzz-subset0 gettext


.DEFAULT_GOAL := help

.PHONY: help venv venv-runtime assets system-deps setup run test lint migrations-check bench \
	messages compilemessages clean

help:
	@echo "Targets:"
	@echo "  run               install deps, migrate, seed demo data, serve http://127.0.0.1:8000"
	@echo "  setup             venv (runtime lock) + assets + compilemessages + migrate + seed_demo"
	@echo "  test              full pytest suite (set DATABASE_URL for PostgreSQL)"
	@echo "  lint              ruff format --check, ruff check, mypy over xuetu/"
	@echo "  migrations-check  fail if models have changes without migrations"
	@echo "  messages          update .po files (zh_Hans, en) for django and djangojs"
	@echo "  bench             run bench/run.py"
	@echo "  venv              .venv with requirements-dev.lock (runtime + test and lint tools)"
	@echo "  venv-runtime      .venv with requirements.lock only (what production installs)"
	@echo "  assets | system-deps | compilemessages | clean"

# ---- Python virtualenv ----------------------------------------------------------------------
# requirements.lock is what production installs; requirements-dev.lock adds the test, lint and
# type-check tools (it starts with `-r requirements.lock`). The goals in DEV_GOALS (and CI,
# which runs them) install the dev lock; run, setup, compilemessages, messages and
# migrations-check need only the runtime lock, and a venv with the dev lock serves them too.
# Each stamp is remade when a lock it reads or pyproject.toml changes.
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
DEV_GOALS := venv test lint bench
ifneq ($(filter $(DEV_GOALS),$(MAKECMDGOALS)),)
PYTHON_DEPS := $(DEV_STAMP)
else
PYTHON_DEPS := $(RUNTIME_STAMP)
endif

venv: $(DEV_STAMP)
venv-runtime: $(RUNTIME_STAMP)

$(RUNTIME_STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps -e .
	@touch $@

$(DEV_STAMP): requirements-dev.lock requirements.lock pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -r requirements-dev.lock
	$(PIP) install --no-deps -e .
	@touch $@ $(RUNTIME_STAMP)

# ---- Front-end packages (served straight from node_modules by staticfiles) ------------------
assets: node_modules/.installed

node_modules/.installed: package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

# ---- Debian packages: installed only when something is missing ------------------------------
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing pdftoppm"; \
	{ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep -q libpangoft2 \
		|| missing="$$missing pango"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing msgfmt"; \
	if [ -z "$$missing" ]; then echo "system-deps: all present"; exit 0; fi; \
	echo "system-deps: missing:$$missing"; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "WARNING: apt-get not found; install by hand: $(APT_PACKAGES)" >&2; exit 0; \
	fi; \
	if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	$$sudo apt-get update && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
		$(APT_PACKAGES)

# ---- Translations -------------------------------------------------------------------------
# .mo files are build output (git-ignored); skipped while the project has no .po files yet.
compilemessages: $(PYTHON_DEPS)
	@if find xuetu -name '*.po' -print 2>/dev/null | grep -q .; then \
		$(MANAGE) compilemessages $(I18N_IGNORE); \
	else \
		echo "compilemessages: no .po files yet, skipping"; \
	fi

messages: $(PYTHON_DEPS)
	$(MANAGE) makemessages -l zh_Hans -l en $(I18N_IGNORE)
	$(MANAGE) makemessages -d djangojs -l zh_Hans -l en $(I18N_IGNORE)

# ---- Run ----------------------------------------------------------------------------------
setup: $(PYTHON_DEPS) assets compilemessages
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo

# seed_demo (in setup) prints the demo logins just before the server starts.
run: system-deps setup
	$(MANAGE) runserver 127.0.0.1:8000

# ---- Checks -------------------------------------------------------------------------------
# The same set-up as `run` (so a broken migration or seed fails here too); pytest-django then
# creates its own test database.
test: system-deps setup
	$(PY) -m pytest -q

# The type check reads the settings (SQLite unless DATABASE_URL is set) but opens no database
# connection and starts no browser.
lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

migrations-check: $(PYTHON_DEPS)
	$(MANAGE) makemigrations --check --dry-run

bench: venv
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3
