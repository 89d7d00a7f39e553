# Two commands on a fresh machine with Python 3 and make: `make demo`, `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test bench docs docs-charts lint clean

$(BIN)/sop: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/sop

demo: $(BIN)/sop
	$(BIN)/sop demo

# The official mermaid parser (Node) for the tests of the Mermaid output; they skip without node.
MERMAID_JS := tests/js/mermaid
$(MERMAID_JS)/node_modules/.installed: $(MERMAID_JS)/package-lock.json
	npm ci --prefix $(MERMAID_JS) --no-audit --no-fund --loglevel=error
	touch $@

test: $(BIN)/sop
	$(BIN)/ruff check .
	if command -v node >/dev/null 2>&1; then $(MAKE) --no-print-directory $(MERMAID_JS)/node_modules/.installed; fi
	$(BIN)/python -m pytest

bench: $(BIN)/sop
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/run.py

docs: $(BIN)/sop
	$(BIN)/python docs/make_pages.py

docs-charts: $(BIN)/sop $(MERMAID_JS)/node_modules/.installed
	$(BIN)/python docs/make_text_charts.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
