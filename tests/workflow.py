"""Run the workflow in a temporary copy of the project."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIGURE_STORE, ROOT, STORE

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


def copy_project(destination: Path, project: Path = ROOT, share_store: bool = True) -> Path:
    """The project's files (not its results), as a fresh clone has them after `make` (the
    package's modules compiled, as `make` leaves them), in a new folder."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = project / name
        if source.is_dir():
            # a compiled file being written (renamed into place when whole) is left out
            ignore = shutil.ignore_patterns("*.pyc.*")
            shutil.copytree(source, destination / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(source, destination / name)
    if share_store:
        share_figure_store(destination)
    return destination


def share_figure_store(project: Path) -> None:
    """The session's runs keep their figures in one store (clinrepro.presentation.
    figure_cache), as a user's successive runs do: a figure one run drew, another copies.
    A test that needs a run to draw its own figures copies the project without it
    (`share_store=False`)."""
    shared, store = os.environ.get(FIGURE_STORE), project / STORE
    if shared and not store.exists():
        store.parent.mkdir(parents=True, exist_ok=True)
        store.symlink_to(shared, target_is_directory=True)


def snakemake(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )


def tree(folder: Path, leave_out: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file under a folder by its relative path, with its bytes; none under a folder
    named in `leave_out`."""
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not set(leave_out) & set(relative.parts):
            files[str(relative)] = path.read_bytes()
    return files


# a cohort's folders of results that no variant owns
COHORT_FOLDERS = ("raw", "tidy", "validation", "tables", "sensitivity")


def assert_one_variant_as_built(results: Path, built: Path, variant: str = "paper") -> None:
    """A run of one variant wrote exactly the built project's files of that variant and of
    its cohort, the same bytes; the side-by-side page, of one variant only, aside."""
    one = tree(results, leave_out=("sensitivity",))
    full = tree(built / "results", leave_out=("sensitivity",))
    expected = {
        path
        for path in full
        if Path(path).parts[1] in COHORT_FOLDERS or Path(path).parts[1] == variant
    }
    assert sorted(one) == sorted(expected)
    assert [path for path in one if one[path] != full[path]] == []
