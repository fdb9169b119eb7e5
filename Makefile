# No-Go casebook: the two commands of the README, and helpers for maintainers.
#   make lab    set up, then open the casebook in JupyterLab
#   make test   set up, then run every test suite (what CI runs)
# Set-up is a virtual environment in .venv, rebuilt when pyproject.toml or constraints.txt change.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LAB_ARGS ?=

.PHONY: lab test lint bench lock clean setup

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "No-Go needs Python 3.11 or newer; set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	# rfc3987-syntax (pulled in by jupyter-events through jsonschema[format-nongpl]) builds a parser at
	# import, and jsonschema imports it whenever altair is imported: 1 s on every kernel. Nothing here
	# validates IRI formats, so it goes (README: "Fast kernels").
	$(BIN)/python -m pip uninstall --quiet --yes rfc3987-syntax
	@touch $(STAMP)

lab: $(STAMP)
	$(BIN)/nogo lab $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/ruff check lib tests
	scripts/ensure-browser.sh
	$(BIN)/python -m pytest -p no:cacheprovider -n 2
	$(BIN)/python -m pytest -p no:cacheprovider -o addopts="" --nbval notebooks --ignore=notebooks/variants \
	  --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=120

lint: $(STAMP)
	$(BIN)/ruff check lib tests
	$(BIN)/ruff format --check lib tests

bench: $(STAMP)
	$(BIN)/python tests/bench/bench_thresholds.py
	$(BIN)/python tests/bench/bench_notebooks.py

# Refresh constraints.txt from a clean environment with the newest allowed versions.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet -e '.[test]'
	{ echo "# Versions the suite was last run green with (pip freeze of a fresh 'make test' venv)."; \
	  echo "# 'make' installs with these as constraints; refresh with 'make lock'."; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable; } > constraints.txt
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache build lib/*.egg-info
