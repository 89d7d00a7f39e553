# Two commands on a fresh machine with Python 3 and make: `make demo`, `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench docs lint clean

$(BIN)/sop: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/sop

demo: $(BIN)/sop
	$(BIN)/sop demo

test: $(BIN)/sop
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(BIN)/sop
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/run.py

docs: $(BIN)/sop
	$(BIN)/python docs/make_pages.py
	$(BIN)/python docs/make_report_pages.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
