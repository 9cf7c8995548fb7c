# District Survey Workbench. `make help` lists the targets.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help demo test test-quick lint format sample bench explore clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 > /dev/null
	touch $(STAMP)

demo: $(STAMP)  ## sample district -> outputs/demo/index.html (prints the path)
	$(BIN)/districtsurvey demo

test: $(STAMP)  ## the whole test suite (notebooks and browser included)
	$(BIN)/python -m pytest

test-quick: $(STAMP)  ## unit tests only (no kernels, no browser)
	$(BIN)/python -m pytest -m "not notebook and not browser and not slow"

lint: $(STAMP)  ## ruff check
	$(BIN)/ruff check lib tests notebooks benchmarks

format: $(STAMP)  ## ruff format + fix
	$(BIN)/ruff check --fix lib tests notebooks benchmarks && $(BIN)/ruff format lib tests benchmarks

sample: $(STAMP)  ## regenerate data/sample/ (deterministic)
	$(BIN)/districtsurvey sample

bench: $(STAMP)  ## speed benchmarks (prints ratios against a baseline measured in the same run)
	$(BIN)/python benchmarks/batch.py --repeat 3

explore: $(STAMP)  ## JupyterLab on notebooks/explore.ipynb
	$(BIN)/districtsurvey explore

clean:  ## remove outputs (keeps .venv)
	rm -rf outputs/*/ .pytest_cache
