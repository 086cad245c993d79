"""Caching by step: editing code reruns the jobs that run it and what reads their outputs,
nothing else. The outputs are made up to date without running (empty files, then
`snakemake --touch`), a module is edited, and `snakemake -n` lists the jobs to run."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

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


@pytest.mark.parametrize("data", ["config/vocabularies.yaml", "config/schema/cohort.schema.yaml"])
def test_editing_the_vocabularies_or_a_schema_reruns_every_job_that_reads_them(built, data):
    # config/vocabularies.yaml is data of clinrepro.base.vocabularies, the schemas of
    # clinrepro.base.typed (DATA_FILES: what a settings name reads), which every step
    # imports: a code input of each rule
    assert edited(built, data) == {
        "extract": 1,
        "validate": 1,
        "table1": 1,
        **ANALYSIS_JOBS,
    }


def test_giving_a_text_on_the_command_line_reruns_only_the_draft(built):
    # the pilot keeps its ledger: the text is drafted and compared with it, nothing rebuilt
    text = "texts={landon_cardinal_2022: tests/texts/synthetic_tofacitinib_independent.txt}"
    assert jobs_to_run(built, "--config", text) == {"draft": 1, "draft_vs_ledger": 1, "all": 1}


@pytest.fixture()
def own_copy(built, tmp_path):
    """A copy of the built project for a test that edits its settings: a start writes the
    jobs' settings files (.snakemake/clinrepro/settings), which the module's tests share."""
    return shutil.copytree(built, tmp_path / "copy", symlinks=True)


def settings_files(project, *parts):
    """The settings files of a step's jobs (rules/common.smk), by what they hold."""
    folder = project.joinpath(".snakemake/clinrepro/settings", *parts)
    return {path.name: json.loads(path.read_text("utf-8")) for path in folder.glob("*.json")}


def test_a_data_file_the_code_reads_missing_is_named_at_the_start(own_copy):
    (own_copy / "config/vocabularies.yaml").unlink()
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "1", "-n"],
        cwd=own_copy,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: The code of scripts/synthesize.py reads config/vocabularies.yaml, which is missing."
    )


def test_changing_a_figure_setting_reruns_the_report_jobs_alone(own_copy):
    config = own_copy / "config/config.yaml"
    text = config.read_text("utf-8")
    assert "  max_patients_drawn: 200\n" in text
    before = settings_files(own_copy, "landon_cardinal_2022", "mcid4", "report")
    assert [held["figures"]["max_patients_drawn"] for held in before.values()] == [200]
    config.write_text(text.replace("max_patients_drawn: 200", "max_patients_drawn: 10"), "utf-8")
    assert jobs_to_run(own_copy) == {"report": VARIANTS, "all": 1}
    # the start kept the new settings in a file of their own and left the built one as it was
    after = settings_files(own_copy, "landon_cardinal_2022", "mcid4", "report")
    assert {name: after[name] for name in before} == before
    (new,) = set(after) - set(before)
    assert after[new]["figures"]["max_patients_drawn"] == 10
    assert after[new]["figures"]["dpi"] == 300
    # the dpi is the side-by-side page's too
    config.write_text(text.replace("dpi: 300", "dpi: 150"), "utf-8")
    assert jobs_to_run(own_copy) == {"report": VARIANTS, "sensitivity": 1, "all": 1}
    # as built again: nothing to do, the files named are the built ones
    config.write_text(text, "utf-8")
    assert jobs_to_run(own_copy) == {}


def test_a_rerun_with_nothing_changed_imports_no_pandas_nor_jsonschema(built):
    # Snakemake imports pandas to compare a job's params whenever it has some that are not
    # read from its inputs (0.3 s of each start): each job's params come from its settings
    # file, so a no-op start does not (docs/benchmarks.md)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "snakemake", "--cores", "1", "-n"],
        cwd=built,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Nothing to be done" in result.stdout + result.stderr
    imported = {
        line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if "|" in line
    }
    assert "snakemake.persistence" in imported and "yaml" in imported
    assert "pandas" not in imported
    # nor jsonschema: the settings passed their schemas at the start that built them
    assert "jsonschema" not in imported


def test_job_settings_are_kept_once_in_a_file_named_by_them(tmp_path):
    from clinrepro.base.settings import keep_job_settings

    folder = tmp_path / "settings" / "analyse"
    settings = {"cohort": {"name": "x", "measures": ["B", "A"]}, "limits": {"z": 1, "a": 0.5}}
    path = Path(keep_job_settings(folder, settings))
    digest = hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()[:16]
    assert path == folder / f"{digest}.json"
    # in their order, not sorted, for people to read
    assert path.read_text("utf-8") == (
        '{\n "cohort": {\n  "name": "x",\n  "measures": [\n   "B",\n   "A"\n  ]\n },\n'
        ' "limits": {\n  "z": 1,\n  "a": 0.5\n }\n}\n'
    )
    os.utime(path, ns=(10**18, 10**18))
    same = {"cohort": {"name": "x", "measures": ["B", "A"]}, "limits": {"z": 1, "a": 0.5}}
    assert keep_job_settings(folder, same) == str(path)
    assert path.stat().st_mtime_ns == 10**18  # the same settings: the same file, untouched
    # settings that differ in their Python form only are another file: keys in another
    # order, a number as text, a tuple for a list, a number as a key (its JSON as text)
    others = [
        {"limits": {"a": 0.5, "z": 1}, "cohort": settings["cohort"]},
        {"cohort": {"name": "x", "measures": ["B", "A"]}, "limits": {"z": "1", "a": 0.5}},
        {"cohort": {"name": "x", "measures": ("B", "A")}, "limits": {"z": 1, "a": 0.5}},
        {"cohort": {"name": "x", "measures": ["B", "A"]}, "limits": {1: 1, "a": 0.5}},
    ]
    paths = {keep_job_settings(folder, other) for other in others}
    assert len(paths) == 4 and str(path) not in paths
    assert json.loads(Path(keep_job_settings(folder, others[3])).read_text("utf-8"))["limits"] == {
        "1": 1,
        "a": 0.5,
    }
    assert path.stat().st_mtime_ns == 10**18  # never rewritten
    assert sorted(p.suffix for p in folder.iterdir()) == [".json"] * 5  # no temporary left


def test_settings_that_passed_their_schema_are_not_checked_again(tmp_path, monkeypatch):
    from clinrepro.base import settings as module

    schema = tmp_path / "schema.yaml"
    schema.write_text(
        "type: object\nproperties:\n  threshold: {type: number, minimum: 0}\n"
        "additionalProperties: false\n"
    )
    passed = tmp_path / "passed"
    assert module.schema_problems({"threshold": -1, "dose": 5}, schema, passed) == [
        "Additional properties are not allowed ('dose' was unexpected)",
        "-1 is less than the minimum of 0 (at threshold)",
    ]
    assert not passed.exists()  # settings that fail leave no mark
    assert module.schema_problems({"threshold": 4}, schema, passed) == []
    (mark,) = passed.iterdir()
    text = f"{schema.read_text()}\0{ {'threshold': 4}!r}"
    assert mark.name == hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def no_check(text):
        raise AssertionError("checked again")

    monkeypatch.setattr(module, "_schema_validator", no_check)
    assert module.schema_problems({"threshold": 4}, schema, passed) == []  # not checked
    # other settings, or the same ones against an edited schema, are checked
    with pytest.raises(AssertionError, match="checked again"):
        module.schema_problems({"threshold": 3}, schema, passed)
    schema.write_text(schema.read_text() + "required: [threshold]\n")
    with pytest.raises(AssertionError, match="checked again"):
        module.schema_problems({"threshold": 4}, schema, passed)
