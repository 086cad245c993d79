"""Run the workflow in a temporary copy of the project."""

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

PROJECT_FILES = (
    "Snakefile",
    "rules",
    "config",
    "data",
    "scripts",
    "clinrepro",
    "profiles",
    "envs",
    "report",
)


def copy_project(destination: Path) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source,
                destination / name,
                symlinks=True,
                ignore=shutil.ignore_patterns("__pycache__"),
            )
        else:
            shutil.copy2(source, destination / name)
    return destination


def snakemake(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )
