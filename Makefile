# Two commands do everything on a machine with python3 and make:
#   make run   - create .venv from the pins (if missing or stale), then run the workflow
#   make test  - the same set-up, then the whole test suite
#   make check - the unit tests alone: no workflow run, no import budgets, one process a
#                core (a quick loop while editing)
#   make docs  - rewrite the column lists of docs/outputs.md from the data dictionary
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements

.PHONY: run test check clean pins docs

$(STAMP): envs/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r envs/requirements.txt
	cp envs/requirements.txt $@

run: $(STAMP)
	$(BIN)/snakemake

test: $(STAMP)
	$(BIN)/python -m pytest

check: $(STAMP)
	$(BIN)/python -m pytest -m "not workflow and not slow" --hypothesis-profile=quick -n auto

# the column lists of docs/outputs.md, written afresh from the pandera models
docs: $(STAMP)
	$(BIN)/python -m clinrepro.base.dictionary docs/outputs.md

clean:
	rm -rf results logs .snakemake

# After changing a pin in .venv: write the exact pins to envs/requirements.txt and the
# same pins into the conda environment the rules use.
pins:
	( echo "# Exact pins of every package the workflow and its tests use (python 3.11)."; \
	  echo "# Written by 'make pins' from the venv: pip freeze --all, less pip and setuptools."; \
	  $(BIN)/python -m pip freeze --all --exclude pip --exclude setuptools --exclude wheel ) > envs/requirements.txt
	( echo "# Conda environment of the rules (snakemake --sdm conda): python from conda,"; \
	  echo "# every package with the same exact pin as envs/requirements.txt (a test checks)."; \
	  echo "channels:"; echo "  - conda-forge"; echo "  - nodefaults"; echo "dependencies:"; \
	  echo "  - python=3.11"; echo "  - pip"; echo "  - pip:"; \
	  grep "==" envs/requirements.txt | sed 's/^/      - /' ) > envs/analysis.yaml
	cp envs/requirements.txt $(STAMP)
