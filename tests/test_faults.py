"""Interrupted runs, concurrent runs and reproducible bytes."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workflow import assert_one_variant_as_built, copy_project, snakemake, tree

PILOT = "results/landon_cardinal_2022"
# the slow fault tests run one variant; the whole run's bytes are the session's built project
ONLY_PAPER = ("--config", "run={cohorts: [landon_cardinal_2022], variants: [paper]}")
# the built project is asked for once a test's own run is done (request.getfixturevalue):
# these tests run while it is being made
READS_LATER = ("built",)


# the outputs of a variant: 4 tidy tables and the values not analysed (empty but for dated
# registries), the validation report, Table 1 (CSV, HTML), ADSL,
# ADEFF, the ARD, the audit's 8 tables (claims, reconciliation, cells, specifications,
# summary checks, outcomes, attainability, eligibility), 6 figures x 4 files (PNG, SVG,
# caption, drawn values), 4 table files, 6 power files, the report
MANIFEST_FILES = 5 + 1 + 2 + 2 + 1 + 8 + 6 * 4 + 4 + 6 + 1


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


@pytest.fixture(scope="module")
def killed(tmp_path_factory):
    """One variant's run; a second run started while it runs; the first killed halfway
    (one run of the workflow serves the lock and the kill)."""
    # its own figure store: the rerun draws its figures, compared with the built project's
    project = copy_project(tmp_path_factory.mktemp("killed"), share_store=False)
    first = start(project, *ONLY_PAPER)
    # the ARD is written halfway through the job of endpoints, statistics and audit: there
    # the run and its job are stopped (not yet killed), so that the second run meets the
    # lock however long it takes to start
    wait_for(lambda: (project / PILOT / "paper/ard.csv").exists() or first.poll() is not None)
    assert first.poll() is None, (project / "background-run.txt").read_text()[-2000:]
    os.killpg(first.pid, signal.SIGSTOP)
    second = snakemake(project, *ONLY_PAPER)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    return project, second


def test_a_second_run_at_once_is_refused_by_the_lock(killed):
    _, second = killed
    assert second.returncode != 0
    assert "Error: Directory cannot be locked." in second.stderr


def test_a_killed_run_finishes_when_run_again_with_the_same_bytes(killed, request):
    project, _ = killed
    assert not (project / PILOT / "paper/report.html").exists()  # killed midway
    refused = snakemake(project, *ONLY_PAPER)
    assert refused.returncode != 0 and "Directory cannot be locked" in refused.stderr
    assert snakemake(project, "--unlock").returncode == 0
    # the profile sets rerun-incomplete: half-written files are redone
    run = snakemake(project, *ONLY_PAPER)
    assert run.returncode == 0, run.stderr[-2000:]
    # the run in one variant, the session's built project in all of them: the same bytes
    assert_one_variant_as_built(project / "results", request.getfixturevalue("built"))
    kinds = {Path(path).suffix for path in tree(project / "results")}
    assert {".png", ".svg", ".html", ".csv", ".json", ".sha256"} <= kinds
    assert verify_manifest(project, f"{PILOT}/paper/MANIFEST.sha256") == MANIFEST_FILES
