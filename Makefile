# The two commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install migrate demo clean bench-import bench

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	# whoosh-reloaded 2.7.5 must be the only distribution that provides `whoosh`
	$(BIN)/python -c 'import importlib.metadata as m, sys; d = m.packages_distributions().get("whoosh", []); sys.exit(0 if [x.lower() for x in d] == ["whoosh-reloaded"] and m.version("whoosh-reloaded") == "2.7.5" else f"whoosh is provided by {d}; only whoosh-reloaded==2.7.5 may be installed")'
	touch $(STAMP)

install: $(STAMP)

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

# The national-scale benchmark (docs/performance.md): SCALE=2000 for a quick check.
SCALE ?= 100000
bench: install
	$(BIN)/pip install --quiet -e '.[prod]'
	command -v wrk >/dev/null || { echo "wrk is needed: apt-get install -y wrk"; exit 1; }
	$(BIN)/python -m bench.national --scale $(SCALE) $(if $(BENCH_DATABASE_URL),--database-url $(BENCH_DATABASE_URL),)
