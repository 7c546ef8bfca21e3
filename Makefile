# LinkAtlas: `make demo` and `make test` work on a fresh machine (Python 3.11, pip).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# What the install builds from: the project file, setup.py and the compiled link walk.
BUILD  := pyproject.toml setup.py src/linkatlas/extract/_lexbor_links.pyx
STAMP  := $(VENV)/.installed-$(shell cat $(BUILD) | cksum | cut -d' ' -f1)

.PHONY: demo test lint typecheck bench clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python $(BUILD)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/linkatlas demo --out demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/python -m pytest -q

BENCH_STAMP := $(VENV)/.bench-$(shell cat $(BUILD) | cksum | cut -d' ' -f1)

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	rm -f $(VENV)/.bench-*
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/pagerank.py
	$(BIN)/python bench/queries.py

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache
