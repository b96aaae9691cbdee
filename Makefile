# Quick start: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export MATCHER_DATABASE_URL ?= sqlite:///$(CURDIR)/instance/matcher.db

.PHONY: run test fuzz check load install migrate seed bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

# Compiled gettext catalogues (.mo, not in git) from the .po sources in matcher/translations.
PO := $(wildcard matcher/translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)
$(MO): $(PO) $(STAMP)
	$(BIN)/python -m matcher.i18n

install: $(STAMP) $(MO)

migrate: $(STAMP) $(MO)
	$(BIN)/matcher db upgrade

seed: migrate
	$(BIN)/matcher seed --if-empty

# The web server and, beside it, the worker that sends mail and runs the periodic jobs (stopped with it).
run: seed
	@$(BIN)/matcher worker & WORKER=$$!; trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	$(BIN)/matcher serve --host 127.0.0.1 --port 5000

# Every test, spread over TEST_WORKERS processes (pytest-xdist; each worker starts its own PostgreSQL
# server, Chromium and template databases; a test file stays on one worker). TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
test: $(STAMP) $(MO)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# Only the property tests, with random seeds and FUZZ_FACTOR (default 5) times the examples; `make test`
# and CI draw the same examples on every run (hypothesis profiles in tests/fuzzing.py).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q

# Static security analysis of the product code (findings that are accepted carry a `# nosec`
# with the reason), the import contracts (.importlinter: the ranking core stays pure, feature
# packages never import web or cli, no cycles), and known vulnerabilities in the installed packages
# (.ci/pip_audit.py).
check: $(STAMP)
	$(BIN)/bandit -q -r matcher
	$(BIN)/lint-imports --no-cache
	$(BIN)/python .ci/pip_audit.py

# Load test against gunicorn + a temporary PostgreSQL on 127.0.0.1, with a worker kill and a
# database restart midway; bounded in time. `bench/load/run_load.py --help` for larger catalogues.
load: $(STAMP)
	$(BIN)/python bench/load/run_load.py --duration 60 --users 2

bench: $(STAMP)
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_match.py

clean:
	rm -rf $(VENV) instance .pytest_cache
