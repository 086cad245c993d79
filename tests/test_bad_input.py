"""The corpus of malformed inputs (tests/corpus/bad_inputs.yaml).

Every case must stop the run before any analysis output, with one readable block naming
the file, patient, column and value, the full list in results/<cohort>/validation/, the
raw data untouched, and another cohort's earlier results intact.

Each data case runs its step as the rule's script does (`running_step` around the stage's
`run`), in a copy of the project, in process: the block and the list are the ones a run
writes. Every settings case, and the first case of each step (the table's, the ledger's),
also go through the workflow, where what a run leaves behind is checked.
"""

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from clinrepro.reading import extract
from clinrepro.reading import validate
from clinrepro.base.errors import running_step
from clinrepro.base.settings import cohort_settings, merged
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
# through the workflow: every settings case, and the first case of the table's step
# (extraction) and of the ledger's (validation, which the reported summaries share)
THROUGH_WORKFLOW = [case for case in CASES if "error" in case] + [
    next(case for case in CASES if kind in case) for kind in ("table", "claims")
]
IN_PROCESS = [case for case in CASES if "error" not in case]


def digests(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def arena(built_synthetic, tmp_path_factory):
    """A project copy in which the other cohort was built once, successfully."""
    project = tmp_path_factory.mktemp("arena") / "project"
    return Path(shutil.copytree(built_synthetic, project, symlinks=True))


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


def assert_listed(case: dict, block: str, reported: list[dict]) -> None:
    """Each expected problem is in the list with its file, patient, column and value, and
    in the block with its patient (or claim) and value."""
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


def read_problems(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("case", THROUGH_WORKFLOW, ids=[case["name"] for case in THROUGH_WORKFLOW])
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
    assert_listed(case, block, read_problems(pilot / "validation" / f"{stage}_problems.csv"))


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A copy of the project in which the steps run in process."""
    return copy_project(tmp_path_factory.mktemp("sandbox"))


@pytest.mark.parametrize("case", IN_PROCESS, ids=[case["name"] for case in IN_PROCESS])
def test_each_bad_file_is_refused_by_its_step(sandbox, case, tmp_path, monkeypatch, capsys):
    apply_case(sandbox, case)
    monkeypatch.chdir(sandbox)  # the raw files' paths are relative to the project
    config = yaml.safe_load((sandbox / "config/config.yaml").read_text("utf-8"))
    settings = cohort_settings(config, PILOT)
    study = {key: value for key, value in settings.items() if key != "analysis"}
    study["file"] = config["cohorts"][PILOT]
    raw = settings["raw"]
    tidy = {name: str(tmp_path / f"{name}.csv") for name in extract.TIDY_TABLES}
    table = {kind: raw[kind] for kind in extract.RAW_KINDS if kind in raw}
    stage = "extract" if "table" in case else "validate"
    if stage == "validate":
        extract.run(
            table, study, tidy | {"not_analysed": str(tmp_path / "not_analysed.csv")}
        )  # the table is sound: its step passes
    problems = tmp_path / f"{stage}_problems.csv"
    raw_before = digests(sandbox / "data/raw")
    with pytest.raises(SystemExit) as stopped:
        with running_step(problems=str(problems), max_problems=config["storage"]["max_problems"]):
            if stage == "extract":
                extract.run(
                    table, study, tidy | {"not_analysed": str(tmp_path / "not_analysed.csv")}
                )
            else:
                validate.run(
                    tidy=tidy,
                    claims=raw.get("claims"),
                    reported=raw.get("reported_summaries"),
                    settings=study,
                    output=str(tmp_path / "report.csv"),
                    outcomes=raw.get("outcomes"),
                    roles=sorted(
                        merged(config["analysis"], settings.get("analysis") or {})["populations"]
                    ),
                )
    assert stopped.value.code == 1
    block = capsys.readouterr().err
    assert block.startswith("Input validation failed:") and "Traceback" not in block
    assert_listed(case, block, read_problems(problems))
    assert digests(sandbox / "data/raw") == raw_before  # read, never written
    # the failing step wrote nothing but its list of problems
    made = {Path(path).name for path in tidy.values()} | {"not_analysed.csv"}
    made_before = made if stage == "validate" else set()
    assert {path.name for path in tmp_path.iterdir()} == {problems.name} | made_before


def test_the_corpus_covers_at_least_thirty_cases():
    assert len(CASES) >= 30
    assert len({case["name"] for case in CASES}) == len(CASES)
