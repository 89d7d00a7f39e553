# Two commands on a fresh machine with Python 3 and make: `make demo`, `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
BPMN_CHECK := tests/js/bpmn/node_modules/.package-lock.json
MERMAID_CHECK := tests/js/mermaid/node_modules/.package-lock.json

.PHONY: demo test bench docs docs-bpmn docs-charts docs-web translations lint clean

$(BIN)/sop: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/sop

demo: $(BIN)/sop
	$(BIN)/sop demo

test: $(BIN)/sop
	@# bpmn-moddle for tests/test_bpmn.py and the mermaid parser for tests/test_text_charts.py, where
	@# Node.js is installed (the tests skip elsewhere)
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(BPMN_CHECK) $(MERMAID_CHECK); fi
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(BIN)/sop
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/run.py

docs: $(BIN)/sop
	$(BIN)/python docs/make_pages.py
	$(BIN)/python docs/make_report_pages.py

# the seed SOP's Mermaid (the mermaid library in Chromium) and DOT (Graphviz) charts as pictures;
# tools/need.sh installs what is missing (as root with apt-get), or names the package to install
docs-charts: $(BIN)/sop
	@tools/need.sh npm:npm dot:graphviz chromium:chromium
	@$(MAKE) --no-print-directory $(MERMAID_CHECK)
	$(BIN)/python docs/make_text_charts.py

# the seed SOP's BPMN drawn by bpmn-js in headless Chromium (both installed when missing, as root)
docs-bpmn: $(BIN)/sop
	@tools/need.sh npm:npm chromium:chromium
	npm ci --prefix docs/bpmn --no-audit --no-fund
	$(BIN)/python docs/make_bpmn_png.py

# the inbox and the case page of sop serve at desktop and phone widths, taken by the browser test
docs-web: $(BIN)/sop
	@tools/need.sh chromium:chromium chromedriver:chromium-driver
	SOP_WEB_SHOTS=docs $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_web_browser.py -k sqlite

$(BPMN_CHECK): tests/js/bpmn/package-lock.json
	npm ci --prefix tests/js/bpmn --no-audit --no-fund

$(MERMAID_CHECK): tests/js/mermaid/package-lock.json
	npm ci --prefix tests/js/mermaid --no-audit --no-fund

# Extract the messages (babel.cfg), update the id and en catalogues (new ones left empty for a
# translator: the completeness test names them), compile them, and write the CLDR format tables.
translations: $(BIN)/sop
	$(BIN)/python tools/translations.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
