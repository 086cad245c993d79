"""The corpus of malformed inputs (tests/corpus/bad_inputs.yaml), each through the workflow.

Every case must stop the run before any analysis output, with one readable block naming
the file, patient, column and value, the full list in results/<cohort>/validation/, the
raw data untouched, and another cohort's earlier results intact.
"""

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from workflow import copy_project, snakemake

CASES = yaml.safe_load((ROOT / "tests/corpus/bad_inputs.yaml").read_text("utf-8"))
PILOT = "landon_cardinal_2022"
OTHER = "synthetic_tofacitinib"
BOTH = f"run={{cohorts: [{PILOT}, {OTHER}], variants: [paper]}}"
FILES = {
    "table": f"data/raw/{PILOT}/table1.csv",
    "claims": f"data/raw/{PILOT}/claims.csv",
    "reported": f"data/raw/{PILOT}/reported_summaries.csv",
    "config": "config/config.yaml",
    "cohort": f"config/cohorts/{PILOT}.yaml",
}


def digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def arena(tmp_path_factory):
    """A project copy in which the other cohort was built once, successfully."""
    project = copy_project(tmp_path_factory.mktemp("arena"))
    run = snakemake(project, "--config", f"run={{cohorts: [{OTHER}], variants: [paper]}}")
    assert run.returncode == 0, run.stderr[-2000:]
    return project


def edited(text: str, edit: dict) -> bytes:
    if "content" in edit:
        return edit["content"].encode("utf-8")
    if "replace" in edit:
        old, new = edit["replace"]
        assert old in text, old
        text = text.replace(old, new, 1)
    if not {"drop_column", "add_column", "header_only", "delimiter", "encoding"} & set(edit):
        return text.encode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    if "drop_column" in edit:
        index = rows[0].index(edit["drop_column"])
        rows = [row[:index] + row[index + 1 :] for row in rows]
    if "add_column" in edit:
        rows = [row + ([edit["add_column"]] if i == 0 else ["x"]) for i, row in enumerate(rows)]
    if edit.get("header_only"):
        rows = rows[:1]
    out = io.StringIO()
    csv.writer(out, delimiter=edit.get("delimiter", ","), lineterminator="\n").writerows(rows)
    return out.getvalue().encode(edit.get("encoding", "utf-8"), errors="replace")


def apply_case(project: Path, case: dict) -> None:
    for kind, path in FILES.items():
        shutil.copy2(ROOT / path, project / path)  # pristine, then this case's edit
        if kind in case:
            (project / path).write_bytes(edited((ROOT / path).read_text("utf-8"), case[kind]))


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_bad_input_is_refused_with_file_patient_column_and_value(arena, case):
    apply_case(arena, case)
    shutil.rmtree(arena / "results" / PILOT, ignore_errors=True)
    shutil.rmtree(arena / "logs" / PILOT, ignore_errors=True)
    raw_before, other_before = digests(arena / "data/raw"), digests(arena / "results" / OTHER)

    # a broken config is run as it is; otherwise both cohorts are asked for
    run = (
        snakemake(arena) if {"config", "cohort"} & set(case) else snakemake(arena, "--config", BOTH)
    )

    assert run.returncode != 0
    assert digests(arena / "data/raw") == raw_before  # nothing under data/raw is written
    assert digests(arena / "results" / OTHER) == other_before  # the other cohort is intact
    pilot = arena / "results" / PILOT
    # a bad table leaves no output at all, not even tidy tables; a bad ledger leaves the
    # (valid) tidy tables of the table, and nothing of the analysis
    allowed = {"validation"} if "table" in case else {"validation", "tidy"}
    written = [p for p in pilot.rglob("*") if p.is_file() and not allowed & set(p.parts)]
    assert written == []
    if "error" in case:
        for words in [case["error"]] if isinstance(case["error"], str) else case["error"]:
            assert words in run.stderr
        # the workflow's own words, no trace of where in its code it stopped
        assert "Traceback" not in run.stderr and 'File "' not in run.stderr
        assert not pilot.exists()
        return
    stage = "extract" if "table" in case else "validate"
    block = (arena / "logs" / PILOT / f"{stage}.log").read_text("utf-8")
    assert block.startswith("Input validation failed:") and "Traceback" not in block
    with open(pilot / "validation" / f"{stage}_problems.csv", encoding="utf-8") as handle:
        reported = list(csv.DictReader(handle))
    source = FILES["table" if "table" in case else "claims" if "claims" in case else "reported"]
    for expected in case["problems"]:
        matching = [
            row
            for row in reported
            if (row["patient"], row["column"], row["value"])
            == (expected["patient"], expected["column"], expected["value"])
            and expected["message"] in row["message"]
            and row["file"] == source
        ]
        assert matching, (expected, reported)
        row = "claim" if "claims" in case else "patient"  # a ledger's rows are claims
        where = f"{row} {expected['patient']}" if expected["patient"] else "whole file"
        assert where in block and (not expected["value"] or repr(expected["value"]) in block)


def test_the_corpus_covers_at_least_thirty_cases():
    assert len(CASES) >= 30
    assert len({case["name"] for case in CASES}) == len(CASES)
