"""Caching by step: editing code reruns the jobs that run it and what reads their outputs,
nothing else. The outputs are made up to date without running (empty files, then
`snakemake --touch`), a module is edited, and `snakemake -n` lists the jobs to run."""

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.workflow


def snakemake(project, *args):
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "1", *args],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def jobs_to_run(project, *args: str) -> dict[str, int]:
    stats = re.search(
        r"Job stats:\njob\s+count\n[-\s]+\n(.*?)\ntotal", snakemake(project, "-n", *args), re.S
    )
    if stats is None:
        return {}
    return {
        rule: int(count) for rule, count in re.findall(r"^(\w+)\s+(\d+)$", stats.group(1), re.M)
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the project whose every output is present and up to date."""
    project = tmp_path_factory.mktemp("project")
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True
    ).stdout.split("\n")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, project / name)
    planned = snakemake(project, "-n")
    for line in re.findall(r"^\s+(?:output|log): (.*)$", planned, re.M):
        for name in line.split(", "):
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            (project / name).touch()
    snakemake(project, "--touch")
    assert jobs_to_run(project) == {}
    return project


def edited(project, module):
    path = project / module
    original, stat = path.read_text("utf-8"), path.stat()
    path.write_text(original + "\n# an edit\n", "utf-8")
    try:
        return jobs_to_run(project)
    finally:  # as it was, its time included
        path.write_text(original, "utf-8")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


VARIANTS = 8  # the default run: the pilot's variants
# the jobs of every variant, from the analysis on, and what gathers them
ANALYSIS_JOBS = {
    "analyse": VARIANTS,
    "report": VARIANTS,  # with the figures and the power step
    "sensitivity": 1,
    "all": 1,
}


@pytest.mark.parametrize(
    "module",
    [
        "clinrepro/audit/verdicts.py",
        "clinrepro/audit/reconcile/search.py",
        "clinrepro/audit/run.py",
    ],
)
def test_editing_the_audit_reruns_only_analysis_and_presentation(built, module):
    assert edited(built, module) == ANALYSIS_JOBS


def test_editing_a_figure_reruns_the_figures_and_what_shows_them(built):
    assert edited(built, "clinrepro/presentation/course_figures.py") == {
        "report": VARIANTS,
        "all": 1,
    }
    # the parts the figures share draw the variants' forest too
    assert edited(built, "clinrepro/presentation/figure_parts.py") == {
        "report": VARIANTS,
        "sensitivity": 1,
        "all": 1,
    }


def test_editing_the_power_step_reruns_the_report_job_not_the_analysis(built):
    # the power step runs in the report's job (rules/report.smk): the analysis is kept
    assert edited(built, "clinrepro/power/formulas.py") == {
        "report": VARIANTS,
        "all": 1,
    }


def test_editing_extraction_reruns_everything(built):
    jobs = edited(built, "clinrepro/reading/extract.py")
    assert jobs["extract"] == 1 and jobs["analyse"] == VARIANTS and jobs["table1"] == 1


def test_editing_the_vocabularies_reruns_every_job_that_reads_them(built):
    # config/vocabularies.yaml is data of clinrepro.base.vocabularies (DATA_FILES), which
    # every step imports through the tidy tables' models: a code input of each rule
    assert edited(built, "config/vocabularies.yaml") == {
        "extract": 1,
        "validate": 1,
        "table1": 1,
        **ANALYSIS_JOBS,
    }


def test_giving_a_text_on_the_command_line_reruns_only_the_draft(built):
    # the pilot keeps its ledger: the text is drafted and compared with it, nothing rebuilt
    text = "texts={landon_cardinal_2022: tests/texts/synthetic_tofacitinib_independent.txt}"
    assert jobs_to_run(built, "--config", text) == {"draft": 1, "draft_vs_ledger": 1, "all": 1}
