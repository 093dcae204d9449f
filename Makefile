# Every target creates .venv when it is missing and installs what it needs,
# so a fresh clone works with one command each (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HYPOTHESIS_PROFILE ?= ci

.PHONY: demo test lint typecheck pytest fuzz bench playground docs clean

# The playground's npm packages and built sites stay inside the clone (make clean removes them).
export TINYGRAD_LITE_CACHE := $(CURDIR)/$(VENV)/cache

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files record what is installed; they are redone when setup.cfg changes.
$(VENV)/.installed-app: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[viz,plot,data]"
	touch $@

$(VENV)/.installed-dev: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed-app $(VENV)/.installed-docs

demo: $(VENV)/.installed-app
	$(BIN)/tinygrad-lite demo

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy --strict tinygrad_lite

pytest: $(VENV)/.installed-dev $(VENV)/.installed-npm
	$(BIN)/python -m pytest --hypothesis-profile=$(HYPOTHESIS_PROFILE) -p no:cacheprovider
	$(BIN)/python -m pytest --nbmake notebooks -p no:cacheprovider

test: lint typecheck pytest

# Serves the playground on 127.0.0.1 and opens it (the site is built on first use).
playground: $(VENV)/.installed-app
	$(BIN)/tinygrad-lite playground

# npm ci from the lock file, the build's only network step, done before the tests build
# their own site from it; without npm the playground's site tests skip and say so.
$(VENV)/.installed-npm: tinygrad_lite/playground/npm/package-lock.json | $(VENV)/.installed-app
	@if $(BIN)/tinygrad-lite playground --build $(VENV)/playground-site; then touch $@; \
	else echo "the playground site could not be built (see above): its tests will skip"; fi

# The long fault-injection and fuzz variants (pytest -m fuzz); make test runs their short forms.
fuzz: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -m fuzz --hypothesis-profile=$(HYPOTHESIS_PROFILE) -p no:cacheprovider

# The documentation site (mkdocs.yml, pages in docs/), strictly: a broken link fails.
# make test builds it too, into a temporary folder (tests/test_docs_site.py).
docs: $(VENV)/.installed-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict --site-dir site

$(VENV)/.installed-docs: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $@

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) out site .mypy_cache .ruff_cache .pytest_cache .hypothesis
