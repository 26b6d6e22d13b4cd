# Longcheng — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1:8000

.PHONY: demo test install install-dev frontend gettext fonts pdftotext chromium lint checks pytest test-pg messages clean

## demo: install everything, migrate SQLite, load the Taiyuan demo data, serve on http://127.0.0.1:8000
demo: install frontend gettext fonts
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compilemessages --ignore=.venv -v0
	$(PY) manage.py seed_demo
	@echo "龙城闭环治理平台: http://$(HOST)/  (Ctrl-C to stop)"
	LONGCHENG_TIMERS=inprocess $(PY) manage.py runserver $(HOST) --noreload

## test: install the development dependencies and run the whole suite (lint, checks, pytest, browser tests)
test: install-dev frontend gettext fonts pdftotext chromium lint checks pytest

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

install: $(PY)
	$(PIP) install --quiet -r requirements/base.txt

install-dev: $(PY)
	$(PIP) install --quiet -r requirements/dev.txt

frontend:
	cd frontend && npm ci --no-audit --no-fund --loglevel=error

# compilemessages needs GNU gettext's msgfmt.
gettext:
	@command -v msgfmt >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }

# PDF documents (QR posters, minutes) embed Debian's Noto CJK font.
fonts:
	@test -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null; }

# Tests read the enforcement documents back as text (poppler's pdftotext).
pdftotext:
	@command -v pdftotext >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }

# Browser tests drive Debian's Chromium; install it when missing (needs root and apt).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# makemessages refreshes the catalogue so the i18n test sees every string the code marks.
checks:
	$(PY) manage.py makemigrations --check --dry-run
	$(MAKE) messages
	$(PY) manage.py compilemessages --ignore=.venv -v0
	DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=$$(openssl rand -hex 40) \
	  DJANGO_ALLOWED_HOSTS=longcheng.example DATABASE_URL=sqlite:////tmp/longcheng-check.sqlite3 \
	  LONGCHENG_FIELD_KEYS=check:$$(openssl rand -base64 32) LONGCHENG_BLIND_INDEX_KEY=$$(openssl rand -base64 32) \
	  LONGCHENG_AUDIT_KEYS=check:$$(openssl rand -base64 32) \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Test processes: one per core on this 2-core CI machine; the Redis worker tests share one
# process (xdist_group "redis"). TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= 2
PYTEST := $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=15

pytest:
	$(PYTEST)

## test-pg: the same suite on PostgreSQL (CI runs it after `make test`)
test-pg:
	DATABASE_URL=$${PG_DATABASE_URL:-postgres://root@127.0.0.1:5432/longcheng_ci} $(PYTEST) --create-db

messages:
	$(PY) manage.py makemessages -l en --no-location --ignore=.venv --ignore=frontend --ignore=staticfiles -v0

clean:
	rm -rf $(VENV) staticfiles frontend/node_modules
