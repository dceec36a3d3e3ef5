# SyncStore developer entry points. Everything runs from the repo's own .venv.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install gen gen-check lint test test-unit test-integration run bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Regenerate Python code from protos/ into gen/ (committed; tests check it is fresh).
gen: $(STAMP)
	$(BIN)/python -m tools.protogen gen

gen-check: $(STAMP)
	$(BIN)/python -m tools.protogen check

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -q

test-unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

test-integration: $(STAMP)
	$(BIN)/python -m pytest -q tests/integration

# Bring NATS and the services up on embedded defaults, load the demo catalog.
run: $(STAMP)
	$(BIN)/python -m services.devrun

bench: $(STAMP)
	$(BIN)/python -m bench.catalog

clean:
	rm -rf var/ .pytest_cache .mypy_cache .ruff_cache
