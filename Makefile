# Two commands do everything on a machine with python3 and make:
#   make run   - create .venv from the pins (if missing or stale), install the package, then
#                run the workflow
#   make test  - the same set-up, then the whole test suite, one process a core
#   make check - the unit tests alone: no workflow run, one process a core (a quick loop
#                while editing)
#   make docs  - rewrite the column lists of docs/outputs.md from the data dictionary
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-requirements

.PHONY: run test check clean pins docs compiled

# the pinned requirements (runtime and development), then this checkout's package, editable:
# the rules' scripts import it from here. pip compiles what it installs one file at a time:
# installed without, then compiled on every core (42 s in all, not 53: docs/benchmarks.md)
$(STAMP): envs/requirements.txt envs/requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile \
		-r envs/requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	# a file that does not compile is left, as pip leaves it (its result is not checked)
	$(BIN)/python -c "import compileall; compileall.compile_dir('$(VENV)/lib', quiet=2, workers=0)"
	cat envs/requirements.txt envs/requirements-dev.txt > $@

# the package's own modules compiled (an editable install is not): each job and each
# Snakemake start imports them, and where the environment forbids writing bytecode
# (PYTHONDONTWRITEBYTECODE) they would be compiled again in every process. A module edited
# since is compiled afresh in memory, as without this step.
compiled: $(STAMP)
	$(BIN)/python -m compileall -q clinrepro

run: compiled
	$(BIN)/snakemake

test: compiled
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=20

check: compiled
	$(BIN)/python -m pytest -m "not workflow" --hypothesis-profile=quick -n auto

# the column lists of docs/outputs.md, written afresh from the pandera models
docs: $(STAMP)
	$(BIN)/python -m clinrepro.base.dictionary docs/outputs.md

clean:
	rm -rf results logs .snakemake

# After changing a package in .venv (and pyproject.toml's dependencies if it is one the
# rules import): write the exact pins to envs/requirements.txt (the rules' runtime),
# envs/requirements-dev.txt (the rest) and envs/analysis.yaml (the rules' conda environment).
pins:
	$(BIN)/python envs/pins.py
	cat envs/requirements.txt envs/requirements-dev.txt > $(STAMP)
