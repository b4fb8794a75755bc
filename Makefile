# kentsoc — two commands: `make run` (demo) and `make test` (whole suite on PostgreSQL + Redis).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/kentsoc
# The tests' app login: no superuser, owns nothing, may only read and add audit rows. The test run
# creates the role if it is missing; PG_URL (the owner) creates the test database and migrates it.
PG_APP_URL ?= postgres://kentsoc_app@127.0.0.1:5432/kentsoc
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

# The test environment: PostgreSQL, Redis reachable, tasks eager except where a test starts a
# real worker, production-like settings (DEBUG off) with a throwaway key.
TEST_ENV := DATABASE_URL=$(PG_APP_URL) MIGRATE_DATABASE_URL=$(PG_URL) \
	REDIS_URL=$(TEST_REDIS_URL) CELERY_TASK_ALWAYS_EAGER=true \
	SECRET_KEY=kentsoc-test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz \
	DEBUG=false SECURE_SSL_REDIRECT=false STATIC_MANIFEST=false \
	ALLOWED_HOSTS=testserver,127.0.0.1,localhost

.PHONY: run test install worker beat lint format bench bench-audit bench-pages bench-hasher loadtest check-services pytest chromium guides

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=true $(PY) manage.py migrate --no-input -v0
	DEBUG=true $(PY) manage.py seed_demo
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

worker: $(STAMP)
	$(VENV)/bin/celery -A kentsoc worker --loglevel=INFO --concurrency=2

beat: $(STAMP)
	$(VENV)/bin/celery -A kentsoc beat --loglevel=INFO

check-services:
	@pg_isready -h 127.0.0.1 -p 5432 -q || { echo "ERROR: PostgreSQL is not reachable on 127.0.0.1:5432 (user postgres). Start it: pg_ctlcluster --skip-systemctl-redirect \$$(ls /etc/postgresql) main start" >&2; exit 1; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { echo "ERROR: Redis is not reachable on 127.0.0.1:6379. Start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no" >&2; exit 1; }

chromium:
	@command -v chromium >/dev/null || { echo "Installing Debian's chromium for the browser tests..."; \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || { echo "ERROR: could not install chromium (apt-get)" >&2; exit 1; }; }

# `make test` runs the suite on PYTEST_WORKERS pytest-xdist processes (more than the cores: the
# browser, worker and schema tests spend much of their time waiting). Each has its own test
# database (<name>_gw0, _gw1, ...), Chromium, live server and Celery queue; tests are handed out
# one at a time, a file sharing a module-wide fixture as one group, the longest first (the order
# tests/conftest.py gives them; xdist keeps it). PYTEST_WORKERS=0: one process.
PYTEST_WORKERS ?= 4

test: $(STAMP) check-services chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(TEST_ENV) $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup --no-loadscope-reorder $(ARGS)

# The suite without the lint step, for quick runs: make pytest ARGS="tests/ocg -x"
pytest: $(STAMP)
	$(TEST_ENV) $(VENV)/bin/pytest $(ARGS)

# The user guides' screenshots (docs/guides/img/<role>-<page>.png), taken by the browser test that
# walks each role's journeys; without GUIDE_SHOTS the same test (in `make test`) only checks them.
guides: $(STAMP) check-services chromium
	GUIDE_SHOTS=1 $(TEST_ENV) $(VENV)/bin/pytest tests/e2e/test_guides.py -q $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Benchmarks on a synthetic national-scale data set in its own database (kentsoc_bench, built
# once): recompute_all wall time, intelligence-saved -> rank-readable latency with a real worker
# (on its own queue), and the dashboard's server time against its bare template.
BENCH_ENV := DATABASE_URL=postgres://postgres@127.0.0.1:5432/kentsoc_bench \
	REDIS_URL=redis://127.0.0.1:6379/14 CELERY_TASK_ALWAYS_EAGER=false \
	SECRET_KEY=kentsoc-bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz \
	DEBUG=false SECURE_SSL_REDIRECT=false STATIC_MANIFEST=false LOG_LEVEL=WARNING

bench: $(STAMP) check-services
	$(BENCH_ENV) $(PY) bench/run.py

# The audit trail's hash chain: insert cost with and without its trigger, and audit_verify on a
# million events (BENCH_AUDIT_ROWS), in its own database kentsoc_audit_bench, rebuilt each run:
# migrated by the owner, written and verified as the app's login.
BENCH_AUDIT_ENV := DATABASE_URL=postgres://kentsoc_app@127.0.0.1:5432/kentsoc_audit_bench \
	MIGRATE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kentsoc_audit_bench \
	SECRET_KEY=kentsoc-bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz \
	DEBUG=false SECURE_SSL_REDIRECT=false STATIC_MANIFEST=false LOG_LEVEL=WARNING

bench-audit: $(STAMP) check-services
	$(BENCH_AUDIT_ENV) $(PY) bench/audit.py

# Every list, detail, dashboard and report page and API list on the demo force (seed_demo into
# its own database kentsoc_pages, built once), each role's officer, DEBUG off: median/p95 server
# time, queries, templates rendered and Python calls per page. ARGS="--profile /ocgs/" prints
# cProfile's top entries for one page; ARGS="-n 20 --only list" and --rebuild also work.
PAGES_ENV := DATABASE_URL=postgres://postgres@127.0.0.1:5432/kentsoc_pages \
	REDIS_URL= CELERY_TASK_ALWAYS_EAGER=true \
	SECRET_KEY=kentsoc-bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz \
	DEBUG=false SECURE_SSL_REDIRECT=false STATIC_MANIFEST=false LOG_LEVEL=WARNING

bench-pages: $(STAMP) check-services
	$(PAGES_ENV) $(PY) bench/pages.py $(ARGS)

# The password hash's cost, Django's Argon2 hasher against kentsoc's (the same hash): CPU and
# wall time a hash, alternating rounds (BENCH_HASHES a round).
bench-hasher: $(STAMP)
	$(PAGES_ENV) $(PY) bench/hasher.py

# Fifty officers at once: gunicorn (2 x cores + 1 workers) and a Celery worker on a fresh copy of
# the demo database (kentsoc_loadtest, from kentsoc_pages), locust headless for 60 s with 50
# signed-in officers of mixed roles; prints requests/s, p50/p95 per request and the errors.
# locust lives in its own virtualenv (.venv-load, the `load` extra of pyproject.toml).
LOAD_VENV := .venv-load
$(LOAD_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/pip install --quiet --upgrade pip
	$(LOAD_VENV)/bin/pip install --quiet $$($(PYTHON) -c "import tomllib; print(' '.join(s for s in tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['load']))")
	touch $@

loadtest: $(STAMP) $(LOAD_VENV)/.installed check-services
	$(PAGES_ENV) LOCUST=$(LOAD_VENV)/bin/locust $(PY) bench/loadtest.py
