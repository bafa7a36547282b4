# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck unit screenshots bench bench-sync package smoke clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Creates the environment, migrates the default database, loads demo data if it is empty, starts the app.
run: $(STAMP)
	$(BIN)/returns-desk demo load --if-empty
	$(BIN)/returns-desk

# Lint, type check and the whole test suite (Qt offscreen, on two cores).
test: $(STAMP)
	$(BIN)/ruff check app ui tests bench scripts
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n 2

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/make_screenshots.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/make_fit_screenshots.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/make_review_screenshots.py

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.bench_station
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.bench_scanning
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.bench_printing
	$(BIN)/python -m bench.bench_actions

# Sync push/pull against the PostgreSQL on 127.0.0.1:5432 (issue 5).
bench-sync: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench.bench_sync

# The PyInstaller bundle, the .deb (dist/), lintian, and the NSIS script compiled around the bundle
# (docs/installing.md). Needs `sudo apt-get install -y nsis lintian` on Debian.
PACKAGE_STAMP := $(VENV)/.installed-package
$(PACKAGE_STAMP): $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,package]'
	touch $(PACKAGE_STAMP)

package: $(PACKAGE_STAMP)
	$(BIN)/python packaging/build_package.py

# Tests of the built artefact (tests/packaging): unpacks the .deb and runs the bundled binary.
smoke: $(STAMP)
	RETURNS_DESK_ARTEFACT_TESTS=1 QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q tests/packaging

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
