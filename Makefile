# Two entry points for a fresh machine: `make demo` and `make test` (both set everything up).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Every package pinned and hashed for every platform and Python 3.11–3.13: the service's own
# (requirements.lock, to deploy the wheel) and with the development tools (requirements-dev.lock).
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
# Where `make lock` proves each supported platform and Python has a wheel for every package.
PLATFORMS := x86_64-manylinux_2_28 aarch64-manylinux_2_28 x86_64-pc-windows-msvc aarch64-apple-darwin
PYTHONS := 3.11 3.12 3.13

.PHONY: setup browser demo test lint bench lock

# Exactly the locked packages, then the project itself without resolving anything; `pip check`
# fails when pyproject.toml asks for a package the lock lacks (then run `make lock`).
$(INSTALLED): pyproject.toml $(DEV_LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
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

# Re-resolve both lock files after a change of pins in pyproject.toml (versions already locked
# stay unless pyproject.toml moves them; delete the lock files to take the newest of everything).
lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "$$(grep -o '"uv==[0-9.]*"' pyproject.toml | tr -d '"')"
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command 'make lock' -o $(DEV_LOCK)
	$(BIN)/uv pip compile --quiet pyproject.toml --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command 'make lock' -c $(DEV_LOCK) -o $(LOCK)
	@for python in $(PYTHONS); do for platform in $(PLATFORMS); do \
		echo "wheels for Python $$python on $$platform"; \
		$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --python-version $$python \
			--python-platform $$platform --only-binary :all: -c $(DEV_LOCK) -o /dev/null || exit 1; \
	done; done

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
	$(BIN)/python bench/earliest_start.py
	$(BIN)/python bench/planning.py
	$(BIN)/python bench/pages.py
