# Two commands on a fresh machine with Python 3 and make: `make demo`, `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench docs translations lint clean

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

# Extract the messages (babel.cfg), update the id and en catalogues (new ones left empty for a
# translator: the completeness test names them), compile them, and write the CLDR format tables.
translations: $(BIN)/sop
	$(BIN)/python tools/translations.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
