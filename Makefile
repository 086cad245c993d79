# Two commands do everything on a machine with python3 and make:
#   make run   - create .venv from the pins (if missing or stale), then run the workflow
#   make test  - the same set-up, then the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements

.PHONY: run test clean

$(STAMP): envs/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r envs/requirements.txt
	cp envs/requirements.txt $@

run: $(STAMP)
	$(BIN)/snakemake

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf results logs .snakemake
