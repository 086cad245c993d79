"""Write the exact pins of the venv, split in two (run by `make pins`):

- envs/requirements.txt: what the workflow's rules run with, that is pyproject.toml's
  `[project] dependencies` and everything they require, as installed;
- envs/requirements-dev.txt: the rest of the venv (the `dev` extra: tests, formatters),
  after a line that includes the runtime pins;
- envs/analysis.yaml: the conda environment of the rules, the runtime pins alone.

Usage: .venv/bin/python envs/pins.py
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ENVS = Path(__file__).resolve().parent
LEFT_OUT = {"pip", "setuptools", "wheel", "clinrepro"}  # the installer and the package itself


def required_by(names: list[str]) -> set[str]:
    """The installed distributions these names require, themselves included, transitively
    (extras and requirements whose markers do not hold here are left out)."""
    seen: set[str] = set()
    todo = [canonicalize_name(name) for name in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for text in metadata.distribution(name).requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(canonicalize_name(requirement.name))
    return seen


def installed() -> dict[str, str]:
    """Every installed distribution as `name==version`, by its canonical name."""
    pins = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if canonicalize_name(name) not in LEFT_OUT:
            pins[canonicalize_name(name)] = f"{name}=={dist.version}"
    return pins


def main() -> None:
    project = tomllib.loads((ENVS.parent / "pyproject.toml").read_text("utf-8"))["project"]
    runtime_names = [Requirement(text).name for text in project["dependencies"]]
    pins = installed()
    runtime = required_by(runtime_names) - LEFT_OUT
    ordered = sorted(pins)
    runtime_lines = [pins[name] for name in ordered if name in runtime]
    dev_lines = [pins[name] for name in ordered if name not in runtime]
    (ENVS / "requirements.txt").write_text(
        "# Exact pins of what the workflow's rules run with (python 3.11): pyproject.toml's\n"
        "# dependencies and all they require. Written by 'make pins' (envs/pins.py).\n"
        + "".join(f"{line}\n" for line in runtime_lines),
        "utf-8",
    )
    (ENVS / "requirements-dev.txt").write_text(
        "# The development venv: the runtime pins, then the tests' and formatters' (the `dev`\n"
        "# extra of pyproject.toml and all they require). Written by 'make pins'.\n"
        "-r requirements.txt\n" + "".join(f"{line}\n" for line in dev_lines),
        "utf-8",
    )
    (ENVS / "analysis.yaml").write_text(
        "# Conda environment of the rules (snakemake --sdm conda): python from conda, the\n"
        "# runtime pins of envs/requirements.txt (a test checks); no test or format tools.\n"
        "channels:\n  - conda-forge\n  - nodefaults\ndependencies:\n  - python=3.11\n"
        "  - pip\n  - pip:\n" + "".join(f"      - {line}\n" for line in runtime_lines),
        "utf-8",
    )


if __name__ == "__main__":
    main()
