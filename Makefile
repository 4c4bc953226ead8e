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

.PHONY: run test lint install migrate demo clean bench-import bench translations compile-translations

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	# whoosh-reloaded 2.7.5 must be the only distribution that provides `whoosh`
	$(BIN)/python -c 'import importlib.metadata as m, sys; d = m.packages_distributions().get("whoosh", []); sys.exit(0 if [x.lower() for x in d] == ["whoosh-reloaded"] and m.version("whoosh-reloaded") == "2.7.5" else f"whoosh is provided by {d}; only whoosh-reloaded==2.7.5 may be installed")'
	$(MAKE) compile-translations
	touch $(STAMP)

# Without npm the browser tests skip their axe-core checks (and fail in CI).
$(AXE): tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd tests/browser && npm ci --no-audit --no-fund --silent && touch node_modules/axe-core/axe.min.js; \
	else \
		echo "npm not found: the browser tests cannot check accessibility with axe-core"; \
	fi

install: $(STAMP) $(AXE)

# Translations (README, "Translations"). msgids are Danish; English is in
# fællesskab/translations/en/LC_MESSAGES/messages.po. `make translations`
# re-extracts every string into messages.pot and merges new ones into the .po
# (new msgids get an empty msgstr, no fuzzy guesses: translate them and run
# `pytest tests/i18n`, which lists any still missing);
# compile-translations builds the .mo files, which are not in git.
POT := fællesskab/translations/messages.pot
TRANSLATIONS := fællesskab/translations
BABEL_KEYWORDS := -k N_ -k _l
# Babel skips directories starting with "_" by default, which would leave out templates/_macros/.
BABEL_IGNORE_DIRS := --ignore-dirs=".* __pycache__"

translations: $(BIN)/python
	$(BIN)/pybabel extract --no-location --sort-by-file -F babel.cfg $(BABEL_KEYWORDS) $(BABEL_IGNORE_DIRS) \
		--project Fællesskab --version 0.1.0 --copyright-holder "Kolding Kommune" \
		--msgid-bugs-address kommunen@example.org -o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d $(TRANSLATIONS) --ignore-obsolete --no-fuzzy-matching
	$(MAKE) compile-translations

compile-translations:
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS)

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) seed demo

run: demo
	$(FLASK) run --host $(HOST) --port $(PORT)

# The lint gate (pyproject.toml, [tool.ruff]); CI runs it before the tests.
lint: $(STAMP)
	$(BIN)/ruff check .

test: install compile-translations
	tests/run-suite $(BIN)/python $(PYTEST_ARGS)

bench-import: install
	$(BIN)/python bench/import_associations.py

clean:
	rm -rf $(VENV) instance .pytest_cache
	find fællesskab/translations -name "*.mo" -delete

# The national-scale benchmark (docs/performance.md): SCALE=2000 for a quick check.
SCALE ?= 100000
bench: install
	$(BIN)/pip install --quiet -e '.[prod]'
	command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk"; exit 1; }
	$(BIN)/python -m bench.national --scale $(SCALE) $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL),)
