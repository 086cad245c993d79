"""Interrupted runs, concurrent runs and reproducible bytes."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from workflow import copy_project, snakemake

PILOT = "results/landon_cardinal_2022"


# the outputs of a variant: 4 tidy tables, the validation report, Table 1 (CSV, HTML), ADSL,
# ADEFF, the ARD, the audit's 8 tables (claims, reconciliation, cells, specifications,
# summary checks, outcomes, attainability, eligibility), 6 figures x 3 files, 4 table files,
# 6 power files, the report
MANIFEST_FILES = 4 + 1 + 2 + 2 + 1 + 8 + 6 * 3 + 4 + 6 + 1

def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def start(project: Path, *args: str) -> subprocess.Popen:
    """Snakemake in the background, its output to a file (a full pipe would stall it)."""
    output = open(project / "background-run.txt", "w")
    return subprocess.Popen(
        [sys.executable, "-m", "snakemake", *args],
        cwd=project,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kill reaches its jobs too
    )


def wait_for(condition, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def verify_manifest(project: Path, manifest: str) -> int:
    lines = (project / manifest).read_text("utf-8").splitlines()
    for line in lines:
        digest, path = line.split("  ", 1)
        assert hashlib.sha256((project / path).read_bytes()).hexdigest() == digest, path
    return len(lines)


def test_two_clean_runs_give_the_same_bytes(built, tmp_path):
    again = copy_project(tmp_path / "again")
    run = snakemake(again)
    assert run.returncode == 0, run.stderr[-2000:]
    first, second = tree(built / "results"), tree(again / "results")
    assert sorted(first) == sorted(second)
    different = [path for path in first if first[path] != second[path]]
    assert different == []
    kinds = {Path(path).suffix for path in first}
    assert {".png", ".svg", ".html", ".csv", ".json", ".sha256"} <= kinds
    assert verify_manifest(again, f"{PILOT}/paper/MANIFEST.sha256") == MANIFEST_FILES


def test_a_killed_run_finishes_when_run_again_with_the_same_bytes(built, tmp_path):
    project = copy_project(tmp_path / "killed")
    first = start(project)
    wait_for(lambda: (project / PILOT / "paper/ard.csv").exists())
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert not (project / PILOT / "sensitivity/sensitivity.html").exists()  # killed midway
    refused = snakemake(project)
    assert refused.returncode != 0 and "Directory cannot be locked" in refused.stderr
    assert snakemake(project, "--unlock").returncode == 0
    run = snakemake(project)  # the profile sets rerun-incomplete: half-written files are redone
    assert run.returncode == 0, run.stderr[-2000:]
    assert tree(project / "results") == tree(built / "results")


def test_a_second_run_at_once_is_refused_by_the_lock(tmp_path):
    project = copy_project(tmp_path / "twice")
    only_paper = ("--config", "run={cohorts: [landon_cardinal_2022], variants: [paper]}")
    first = start(project, *only_paper)
    wait_for(lambda: any((project / ".snakemake/locks").glob("*.lock")) or first.poll() is not None)
    second = snakemake(project, *only_paper)
    assert second.returncode != 0
    assert "Error: Directory cannot be locked." in second.stderr
    assert first.wait(timeout=300) == 0, (project / "background-run.txt").read_text()[-2000:]
    assert verify_manifest(project, f"{PILOT}/paper/MANIFEST.sha256") == MANIFEST_FILES
