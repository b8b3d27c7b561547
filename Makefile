# spasmlog: `make demo` and `make test` work on a fresh machine with only Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_WORKERS ?= auto

.PHONY: demo test lint contracts stress bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/python examples/demo.py

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) -m "not slow"

stress: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -m slow

lint: contracts
	$(BIN)/ruff check spasmlog tests benchmarks examples
	$(BIN)/ruff format --check spasmlog tests benchmarks examples
	$(BIN)/mypy

contracts: $(VENV)/.installed-test  # the layers of ARCHITECTURE.md (import-linter, pyproject.toml)
	$(BIN)/lint-imports --no-cache

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py

screenshots: $(VENV)/.installed-test  # every page of `spasmlog serve`, phone and desktop (needs chromium)
	$(BIN)/python -m tests.web.screenshots --out docs/screenshots

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
