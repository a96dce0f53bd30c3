# Two entry points for a fresh machine: `make demo` and `make test` (both set everything up).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: setup browser demo test lint bench

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

setup: $(INSTALLED)

# The end-to-end tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null || (apt-get install -y chromium || (apt-get update && apt-get install -y chromium))

# The main job on the embedded default (SQLite file ./stepdown.db): import the sample program,
# generate next week's roster and print it.
demo: $(INSTALLED)
	$(BIN)/stepdown import scenarios/sample.json
	$(BIN)/stepdown roster generate

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Lint, types, and every test on SQLite and PostgreSQL (STEPDOWN_TEST_POSTGRES_URL, default
# postgresql://postgres@127.0.0.1:5432/test). pytest exits non-zero when it collects no test.
test: lint browser
	$(BIN)/pytest

bench: $(INSTALLED)
	$(BIN)/python bench/import_program.py
	$(BIN)/python bench/roster.py
	$(BIN)/python bench/makeup.py
	$(BIN)/python bench/load.py
