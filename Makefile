# ASSKomm portal: everyday commands. `make run` and `make test` are all the set-up there is.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# `make backup` writes a new folder; `make restore BACKUP_DIR=backups/…` reads one.
BACKUP_DIR ?= backups/$(shell date +%Y-%m-%d-%H%M%S)
RESTORE_ARGS ?=

.PHONY: help install run serve test bench lint format typecheck messages worker beat lock check-deploy backup restore clean

help:
	@echo "make run        install, migrate, load demo data, serve on http://$(HOST):$(PORT)/"
	@echo "make test       run the test suite (SQLite; PostgreSQL/Redis with DATABASE_URL/REDIS_URL)"
	@echo "make bench      benchmarks under bench/ (one JSON summary each; REDIS_URL for workers;"
	@echo "               load test: 50 users for LOAD_SECONDS=60 against gunicorn, DATABASE_URL)"
	@echo "make lint       ruff check + ruff format --check + mypy"
	@echo "make format     ruff format + ruff check --fix"
	@echo "make messages   update and compile the German message catalogue (needs gettext)"
	@echo "make worker     run a Celery worker (needs REDIS_URL)"
	@echo "make beat       run Celery beat (needs REDIS_URL)"
	@echo "make lock       re-pin constraints.txt to the versions installed now"
	@echo "make backup     database + MEDIA_ROOT with a SHA-256 manifest into BACKUP_DIR (default backups/<time>)"
	@echo "make restore    BACKUP_DIR=backups/… [RESTORE_ARGS=--force]: check the manifest, then restore"

$(STAMP): pyproject.toml constraints.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Portal:     http://$(HOST):$(PORT)/"
	@echo "Verwaltung: http://$(HOST):$(PORT)/admin/  (Anmeldung mit einem der Demo-Zugänge oben)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

serve: install
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/agreement_pdf.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/scale.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	$(BIN)/python manage.py makemessages -l de --no-location --no-obsolete --ignore='.venv/*' --ignore='tests/*' --ignore='bench/*'
	$(BIN)/python manage.py compilemessages -l de --ignore='.venv'

worker: install
	$(BIN)/celery -A asskomm worker --loglevel INFO

beat: install
	$(BIN)/celery -A asskomm beat --loglevel INFO

lock: install
	{ sed -n '1,3p' constraints.txt; $(BIN)/pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

check-deploy: install
	DJANGO_SETTINGS_MODULE=asskomm.settings.prod DJANGO_SECRET_KEY=ci-only-$$(date +%s)-not-a-real-secret-value-0123456789 \
	DJANGO_ALLOWED_HOSTS=portal.example $(BIN)/python manage.py check --deploy --fail-level WARNING

backup: install
	$(BIN)/python manage.py backup --output $(BACKUP_DIR)

restore: install
	$(BIN)/python manage.py restore $(BACKUP_DIR) $(RESTORE_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm media staticfiles .pytest_cache .ruff_cache .mypy_cache
