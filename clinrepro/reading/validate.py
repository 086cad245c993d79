"""Validation: every tidy table, the claims ledger and the reported summaries, all at once.

Failures point back at the raw file, the patient and the printed column, so the person
who transcribed the table knows which cell to look at.
"""

from __future__ import annotations

import logging

import pandas as pd
import pandera.pandas as pa

from clinrepro.base.columns import among
from clinrepro.base.errors import Problem
from clinrepro.base.files import read_table, write_tables
from clinrepro.reading.schemas import (
    ClaimsLedger,
    outcomes_schema,
    measurement_schema,
    summaries_schema,
    tidy_vocabulary_schemas,
)
from clinrepro.reading.validation import check_table, raise_if_any
from clinrepro.base import typed

logger = logging.getLogger(__name__)
TIDY_TABLES = ("subjects", "regimens", "prior_treatments", "measurements")


def tidy_models(settings: dict) -> dict:
    """The model of each tidy table; the measurements' with the cohort's measures and visits."""
    return {**tidy_vocabulary_schemas(settings), "measurements": measurement_schema(settings)}


def source_files(raw: dict[str, str]) -> dict[str, str]:
    """The raw file each tidy table is read from (a registry's measurements have their own),
    from a cohort's raw files."""
    patients = raw.get("table") or raw["patients"]
    return {
        name: raw.get("measurements", patients) if name == "measurements" else patients
        for name in TIDY_TABLES
    }


# tidy column -> canonical raw column it was parsed from
_SOURCE_COLUMN = {
    "subject_id": "subject",
    "age": "age",
    "sex": "sex",
    "disease_duration": "disease_duration",
    "antibody": "antibody",
    "n_prior_treatments": "prior_treatment",
    "treatment": "prior_treatment",
    "molecule": "regimen",
    "dose": "regimen",
}


_FROM_SOURCE_CELL = ("value", "replicate_sd", "visit", "parameter")


def _locators(frame: pd.DataFrame, settings: dict):
    """Where a tidy cell came from: its printed header, and the printed cell if kept."""
    printed = typed.plain(settings["columns"])  # looked up by tidy column names
    keeps_source = "source_column" in frame

    def header_of(index, column):
        if keeps_source and column in _FROM_SOURCE_CELL and index in frame.index:
            return frame.at[index, "source_column"]
        return printed.get(column) or printed.get(_SOURCE_COLUMN.get(column, ""), column)

    def printed_of(index, column):
        if keeps_source and column in _FROM_SOURCE_CELL and index in frame.index:
            return frame.at[index, "source_cell"]
        return ""

    return header_of, printed_of


def cross_table_problems(
    tables: dict[str, pd.DataFrame], files: dict[str, str], settings: dict
) -> list[Problem]:
    """Every measurement's and treatment's patient is known; every patient has one regimen."""
    known = tables["subjects"]["subject_id"]
    subject_header = settings["columns"]["subject"]
    problems = []
    for name in ("measurements", "prior_treatments", "regimens"):
        patients = tables[name]["subject_id"]
        for patient in sorted(patients[~among(patients, known)].unique()):
            problems.append(
                Problem(
                    files[name],
                    patient,
                    subject_header,
                    patient,
                    f"patient in {name} but not among the subjects",
                )
            )
    regimen_count = tables["regimens"]["subject_id"].value_counts()
    counts = regimen_count.reindex(known.unique(), fill_value=0)
    for patient in sorted(counts.index[counts != 1]):
        problems.append(
            Problem(
                files["regimens"],
                patient,
                settings["columns"].get("regimen") or settings["columns"]["molecule"],
                "",
                "a patient needs exactly one regimen",
            )
        )
    return problems


def checks_run(model, table: str, frame: pd.DataFrame) -> list[dict]:
    """One row per check the model (or schema) ran on the table, for the validation report."""
    schema = model if isinstance(model, pa.DataFrameSchema) else model.to_schema()
    rows = [
        {
            "table": table,
            "rows": len(frame),
            "column": name,
            "check": str(check.name if check.error is None else check.error),
        }
        for name, column in schema.columns.items()
        for check in column.checks
    ]
    rows += [
        {"table": table, "rows": len(frame), "column": name, "check": "unique"}
        for name, column in schema.columns.items()
        if column.unique
    ]
    rows += [
        {"table": table, "rows": len(frame), "column": "", "check": check.error or check.name}
        for check in schema.checks
    ]
    rows.append(
        {
            "table": table,
            "rows": len(frame),
            "column": "",
            "check": "columns and types as in the data dictionary",
        }
    )
    return rows


def tidy_problems(
    tables: dict[str, pd.DataFrame], settings: dict, files: dict[str, str]
) -> list[Problem]:
    """Every problem of the tidy tables, against their models and across tables, reported
    against the raw file each was read from."""
    problems = []
    for name, model in tidy_models(settings).items():
        header_of, printed_of = _locators(tables[name], settings)
        problems += check_table(
            model, tables[name], files[name], header_of=header_of, printed_of=printed_of
        )[1]
    return problems + cross_table_problems(tables, files, settings)


def validate_cohort(
    tidy: dict[str, str],
    claims: str | None,
    reported: str | None,
    settings: dict,
    outcomes: str | None = None,
    roles: list[str] | None = None,
) -> pd.DataFrame:
    """Validate everything the analysis will read (the ledger and reported summaries where
    the cohort has them); return the report of checks that passed. `roles` are the
    population roles the cohort's analysis settings declare (a ledger's look-ups name them)."""
    tables = {name: read_table(path) for name, path in tidy.items()}
    problems = tidy_problems(tables, settings, source_files(settings["raw"]))
    report = [
        row
        for name, model in tidy_models(settings).items()
        for row in checks_run(model, name, tables[name])
    ]
    report.append(
        {
            "table": "all",
            "rows": len(tables["subjects"]),
            "column": "subject_id",
            "check": "every patient known and with one regimen",
        }
    )
    read = {}
    published = (
        (ClaimsLedger, claims, "claim_id"),
        (summaries_schema(settings), reported, None),
        (outcomes_schema(settings), outcomes, "outcome_id"),
    )
    for model, path, key in published:
        if path is None:
            continue
        frame = read_table(path, text_columns=("claim_id", "reported", "visit", "category"))
        _, found = check_table(model, frame, path, patient_column=key)
        problems += found
        report += checks_run(model, path, frame)
        read[key] = frame
    problems += outcome_problems(read.get("claim_id"), read.get("outcome_id"), claims, outcomes)
    problems += lookup_problems(read.get("claim_id"), claims, settings, roles)
    raise_if_any(problems)
    result = pd.DataFrame(report)
    result["failures"] = 0
    result["status"] = "passed"
    return result


def lookup_problems(ledger, ledger_file, settings: dict, roles) -> list[Problem]:
    """A claim looked up in the analysis results names a population role the analysis
    settings declare and a visit of the cohort (else the audit could not find it)."""
    if ledger is None:
        return []
    visits = [visit["code"] for visit in settings["visits"]]
    allowed = {"population": (roles, "population role of the analysis settings"),
               "visit": (visits, "visit of the cohort's settings")}  # fmt: skip
    problems = []
    for _, row in ledger[ledger["analysis"].notna()].iterrows():
        for column, (known, what) in allowed.items():
            value = row.get(column)
            if known is not None and pd.notna(value) and str(value) not in known:
                problems.append(
                    Problem(ledger_file, str(row["claim_id"]), column, str(value),
                            f"not a {what} ({', '.join(known)})", row="claim")  # fmt: skip
                )
    return problems


def outcome_problems(ledger, outcomes, ledger_file, outcomes_file) -> list[Problem]:
    """A claim's `outcome` must name an outcome of the outcomes file, and an outcome's
    source must be a source of the ledger's claims."""
    if ledger is None:
        return []
    sources = sorted(set(ledger["source"].astype(str)))
    foreign = (
        []
        if outcomes is None
        else [
            Problem(outcomes_file, str(row["outcome_id"]), "source", str(row["source"]),
                f"no claim of {ledger_file} has this source (its sources: {', '.join(sources)})",
                row="outcome")  # fmt: skip
            for _, row in outcomes.iterrows()
            if str(row["source"]) not in sources
        ]
    )
    if "outcome" not in ledger:
        return foreign
    known = set() if outcomes is None else set(outcomes["outcome_id"].astype(str))
    named = ledger[ledger["outcome"].notna()]
    where = outcomes_file or "no outcomes file (raw: outcomes:)"
    return foreign + [
        Problem(ledger_file, str(row["claim_id"]), "outcome", str(row["outcome"]),
                f"not an outcome of {where}", row="claim")  # fmt: skip
        for _, row in named.iterrows()
        if str(row["outcome"]) not in known
    ]


def run(
    tidy: dict[str, str], claims, reported, settings: dict, output: str, outcomes=None, roles=None
) -> None:
    """Validate a cohort and write the report of the checks it passed."""
    settings = typed.cohort(settings)
    report = validate_cohort(tidy, claims, reported, settings, outcomes, roles)
    logger.info("%d checks passed on %s", len(report), ", ".join(sorted(set(report["table"]))))
    write_tables({output: report})
