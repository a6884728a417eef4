# Newsroom: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEV_ENV := DEBUG=true DEMO=true
# apt-get needs root: use sudo when we are not root and it exists.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

.PHONY: run test install chromium nginx browser-deps lint format bench bench-pages bench-instructions bench-newsletters chaos clean

# A venv without pip is what a failed `venv` leaves behind: start it again. Debian's Python
# needs the python3-venv package for `-m venv`; it is installed when that is missing.
$(STAMP): pyproject.toml
	@test -x $(BIN)/pip || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV) 2>/dev/null || { \
		echo "Installing python3-venv (Debian splits venv out of Python)..."; rm -rf $(VENV); \
		$(SUDO) apt-get update -qq && $(APT_INSTALL) python3-venv >/dev/null && \
		$(PYTHON) -m venv $(VENV); }; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@test -x /usr/bin/chromium || { \
		echo "Installing Debian's chromium for the browser tests..."; \
		$(SUDO) apt-get update -qq && $(APT_INSTALL) chromium >/dev/null; }

run: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py load_demo
	$(DEV_ENV) $(BIN)/python manage.py ensure_demo_staff
	@echo "Starting the task worker and the site on http://$(HOST):$(PORT)/ (Ctrl-C stops both)."
	@echo "Sign in at http://$(HOST):$(PORT)/admin/ with the login printed above."
	@$(DEV_ENV) $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
		trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
		$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# nginx for the test that runs deploy/nginx.conf (tests/security/test_nginx_media.py).
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { \
		echo "Installing nginx-light for the deploy/nginx.conf test..."; \
		$(SUDO) apt-get update -qq && $(APT_INSTALL) nginx-light >/dev/null; }

# axe-core and the Nu Html Checker (vnu-jar) for the accessibility and HTML checks, pinned in
# tests/browser/package-lock.json; npm and a Java runtime come from Debian when missing.
# --ignore-scripts: vnu-jar's postinstall would try to download a Java runtime of its own.
BROWSER_DEPS := tests/browser/node_modules/.package-lock.json
$(BROWSER_DEPS): tests/browser/package.json tests/browser/package-lock.json
	@command -v npm >/dev/null && command -v java >/dev/null || { \
		echo "Installing npm and a Java runtime for the accessibility and HTML checks..."; \
		$(SUDO) apt-get update -qq && $(APT_INSTALL) npm default-jre-headless >/dev/null; }
	cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts
	touch $(BROWSER_DEPS)

browser-deps: $(BROWSER_DEPS)

# One pytest-xdist worker per core (TEST_WORKERS=0 runs in one process); a file's tests stay
# together on one worker, so its module fixtures (servers, buckets) start once.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
test: $(STAMP) chromium nginx $(BROWSER_DEPS)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

# Figures, not a test. `make bench` runs both benchmarks below.
bench: bench-pages bench-newsletters

# Reader pages under load (bench/run.py; docs/deploy.md has the figures): gunicorn with DEBUG
# off on 127.0.0.1:8007-8010, the demo scaled to 10,000 stories, wrk, nginx with
# deploy/nginx.conf, a 60 s load test, a soak and Lighthouse. PostgreSQL and Redis when
# DATABASE_URL / CACHE_URL say so. Quicker: make bench-pages BENCH_SOAK_SECONDS=30.
BENCH_NODE := bench/node_modules/.package-lock.json
$(BENCH_NODE): bench/package.json bench/package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(APT_INSTALL) npm >/dev/null; }
	cd bench && npm ci --no-audit --no-fund
	touch $(BENCH_NODE)

bench-pages: $(STAMP) chromium $(BENCH_NODE)
	@command -v wrk >/dev/null && command -v nginx >/dev/null || { \
		echo "Installing wrk and nginx for the page benchmark..."; \
		$(SUDO) apt-get update -qq && $(APT_INSTALL) wrk nginx-light >/dev/null; }
	$(BIN)/python bench/run.py

# Instructions per uncached page render, counted by callgrind: a comparison that holds on a busy
# machine. make bench-instructions BENCH_ARGS="--against <commit>" compares with a commit.
bench-instructions: $(STAMP)
	$(BIN)/python bench/instructions.py $(BENCH_ARGS)

# Newsletter imports (100k, 1M) and a send to 100k readers on the configured database
# (DATABASE_URL). Quicker: make bench-newsletters BENCH_ARGS="--sizes 10000 --send 10000".
# DEBUG stays off so Django does not keep a log of every query.

bench-newsletters: $(STAMP)
	DEBUG=false ALLOW_INSECURE_KEY=true $(BIN)/python bench/newsletters.py $(BENCH_ARGS)

# One fault at a time under load, on a stack of its own (PostgreSQL on 55433, Redis on 56380,
# gunicorn 8311-8312, nginx 8310, SMTP 8319): writes docs/reliability.json (docs/reliability.md).
# Quicker: make chaos CHAOS_FAULTS=redis,disk (or CHAOS_ARGS="--faults redis,worker --outage 10");
# faults not run keep their earlier figures in docs/reliability.json.
chaos: $(STAMP)
	CHAOS_FAULTS="$(CHAOS_FAULTS)" $(BIN)/python bench/chaos.py $(CHAOS_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3* media staticfiles
