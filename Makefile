# The two commands: `make run` (the demo) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test up install lint bench bench-deps messages clean backup restore lighthouse

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The demo: SQLite (unless DATABASE_URL says otherwise), eager tasks, demo data, runserver.
run: export DEBUG ?= 1
run: export LOG_FORMAT ?= text
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The whole suite against the real PostgreSQL and Redis; never falls back to SQLite or eager.
test: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cppcc
test: export REDIS_URL ?= redis://127.0.0.1:6379/0
test: export SECRET_KEY ?= test-only-secret-key-not-for-production-0123456789abcdef
test: export DEBUG := 0
test: $(STAMP)
	$(PY) scripts/check_services.py
	$(PY) -m pytest $(PYTEST_ARGS)

# Production-like: gunicorn, a Celery worker and Celery beat (Procfile), on PostgreSQL and Redis.
up: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cppcc
up: export REDIS_URL ?= redis://127.0.0.1:6379/0
up: $(STAMP)
	@test -n "$$SECRET_KEY" || { echo "make up: set SECRET_KEY (and ALLOWED_HOSTS) first, it runs with DEBUG off."; exit 1; }
	$(PY) scripts/check_services.py
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v0
	PATH=$(VENV)/bin:$$PATH $(VENV)/bin/honcho start

# Backups (scripts/backup.py): the PostgreSQL database and both media folders in one .tar under
# backups/ (BACKUP_DIR=... for another folder); `make restore FILE=backups/x.tar` loads one into
# an empty database (FORCE=1 replaces a non-empty one). Needs pg_dump/pg_restore.
BACKUP_DIR ?= backups
backup: $(STAMP)
	$(PY) scripts/backup.py backup --output $(BACKUP_DIR)

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "make restore: say which backup, e.g. make restore FILE=backups/cppcc-backup-20260101-020000.tar"; exit 1; }
	$(PY) scripts/backup.py restore $(FILE) $(if $(FORCE),--force,)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Regenerate the translation catalog after changing source strings (needs GNU gettext);
# the compiled .mo is committed so that setup needs no gettext.
messages: export DEBUG := 1
messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=static/vendor --ignore=benchmarks --ignore=tools
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv --ignore=benchmarks --ignore=tools

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 *.egg-info

# Benchmarks (benchmarks/run.py): the portal against django-helpdesk, the framework floor and
# itself at a small size vs full scale, on gunicorn with production settings. Writes
# benchmarks/results.md. BENCH_QUICK=1 runs it at a tenth of the scale in a few minutes.
# BENCH_COMPARE=<rev> instead measures every page of <rev> and of this tree back to back
# (benchmarks/compare.py).
bench: $(STAMP)
	$(if $(BENCH_COMPARE),$(PY) benchmarks/compare.py $(BENCH_COMPARE),$(PY) benchmarks/run.py)

# Lighthouse accessibility scores (scripts/lighthouse.py) of the pages most people use, on a
# throw-away SQLite demo; fails below 95. Installs Lighthouse from tools/lighthouse's lock file.
lighthouse: $(STAMP)
	env -u DATABASE_URL -u REDIS_URL $(PY) scripts/lighthouse.py --min 95
