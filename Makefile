# Every target creates .venv when it is missing and installs what it needs,
# so a fresh clone works with one command each (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HYPOTHESIS_PROFILE ?= ci

.PHONY: demo test lint typecheck pytest fuzz bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files record what is installed; they are redone when setup.cfg changes.
$(VENV)/.installed-app: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[viz,plot,data]"
	touch $@

$(VENV)/.installed-dev: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed-app

demo: $(VENV)/.installed-app
	$(BIN)/tinygrad-lite demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy --strict tinygrad_lite

pytest: $(VENV)/.installed-dev
	$(BIN)/python -m pytest --hypothesis-profile=$(HYPOTHESIS_PROFILE) -p no:cacheprovider
	$(BIN)/python -m pytest --nbmake notebooks -p no:cacheprovider

test: lint typecheck pytest

# The long fault-injection and fuzz variants (pytest -m fuzz); make test runs their short forms.
fuzz: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -m fuzz --hypothesis-profile=$(HYPOTHESIS_PROFILE) -p no:cacheprovider

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) out .mypy_cache .ruff_cache .pytest_cache .hypothesis
