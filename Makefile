# The two commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core for the browser tests (tests/browser), pinned in its package-lock.json
AXE := tests/browser/node_modules/axe-core/axe.min.js
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install migrate demo clean bench-import

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	# whoosh-reloaded 2.7.5 must be the only distribution that provides `whoosh`
	$(BIN)/python -c 'import importlib.metadata as m, sys; d = m.packages_distributions().get("whoosh", []); sys.exit(0 if [x.lower() for x in d] == ["whoosh-reloaded"] and m.version("whoosh-reloaded") == "2.7.5" else f"whoosh is provided by {d}; only whoosh-reloaded==2.7.5 may be installed")'
	touch $(STAMP)

# Without npm the browser tests skip their axe-core checks (and fail in CI).
$(AXE): tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd tests/browser && npm ci --no-audit --no-fund --silent && touch node_modules/axe-core/axe.min.js; \
	else \
		echo "npm not found: the browser tests cannot check accessibility with axe-core"; \
	fi

install: $(STAMP) $(AXE)

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) seed demo

run: demo
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench-import: install
	$(BIN)/python bench/import_associations.py

clean:
	rm -rf $(VENV) instance .pytest_cache
