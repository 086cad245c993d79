"""Extraction: the published table, cell for cell, into tidy tables.

The mapping from printed headers, visit labels and abbreviations to tidy names comes
from the cohort's settings (config/cohorts/<cohort>.yaml), never from code.
"""

from __future__ import annotations

import logging

import difflib
import re

import numpy as np
import pandas as pd

from clinrepro.errors import Problem
from clinrepro.files import read_text_table, write_tables
from clinrepro.settings import TIDY_TABLES
from clinrepro.schemas import NA_TOKEN, PRIOR_TREATMENTS, RawTable
from clinrepro.validate import tidy_problems
from clinrepro.validation import check_table, raise_if_any

logger = logging.getLogger(__name__)
_SD_SEPARATOR = re.compile(r"\s*±\s*")


def expected_headers(settings: dict) -> dict[str, str]:
    """Printed header -> canonical raw column name, from the cohort's settings."""
    headers = {printed: name for name, printed in settings["columns"].items()}
    for label, parameter in settings["measurements"].items():
        for visit_label, visit in settings["visits"].items():
            headers[f"{label} {visit_label}"] = f"{parameter}@{visit}"
    return headers


def map_headers(frame: pd.DataFrame, settings: dict, file: str) -> pd.DataFrame:
    """Rename printed headers to canonical names; refuse missing, unknown or repeated ones."""
    expected = expected_headers(settings)
    found = list(frame.columns)
    problems = [
        Problem(file, "", header, "", "column appears more than once")
        for header in sorted({h for h in found if found.count(h) > 1})
    ]
    missing = [h for h in expected if h not in found]
    unknown = [h for h in found if h not in expected]
    for header in missing:
        close = difflib.get_close_matches(header, unknown, n=1)
        suggestion = f" (a column '{close[0]}' is present: renamed?)" if close else ""
        problems.append(Problem(file, "", header, "", f"required column is missing{suggestion}"))
    for header in unknown:
        problems.append(Problem(file, "", header, "", "unexpected column"))
    raise_if_any(
        problems,
        hint="column headers must match the cohort's settings "
        f"({settings['name']}): " + ", ".join(repr(h) for h in expected),
    )
    return frame.rename(columns=expected)


def parse_number(text: str) -> float:
    """A printed number, or NaN for the missing-value token."""
    return np.nan if text == NA_TOKEN else float(text)


def parse_measurement(text: str) -> tuple[float, float]:
    """'68 ± 19' -> (68, 19); '12 ± NA' -> (12, NaN); '12292' -> (12292, NaN); 'NA' -> (NaN, NaN)."""
    value, sd = _SD_SEPARATOR.split(text, maxsplit=1) if "±" in text else (text, NA_TOKEN)
    return parse_number(value.strip()), parse_number(sd.strip())


def split_list(text: str, separator: str = ",") -> list[str]:
    """'CS, HCQ, IVIg' -> ['CS', 'HCQ', 'IVIg']."""
    return [item.strip() for item in text.split(separator)]


class _Coder:
    """Maps printed labels to codes through the cohort's vocabularies, collecting misses."""

    def __init__(self, settings: dict, file: str, header_of: dict[str, str]):
        self.vocabularies = settings["vocabularies"]
        self.file = file
        self.header_of = header_of
        self.problems: list[Problem] = []

    def code(self, kind: str, label: str, patient: str, column: str) -> str | None:
        vocabulary = self.vocabularies[kind]
        if label in vocabulary:
            return vocabulary[label]
        known = ", ".join(repr(k) for k in vocabulary)
        self.problems.append(
            Problem(
                self.file,
                patient,
                self.header_of[column],
                label,
                f"unknown {kind.replace('_', ' ')}; known: {known}",
            )
        )
        return None


def tidy_tables(
    raw: pd.DataFrame, settings: dict, file: str, printed: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Parse the validated raw table into the four tidy tables.

    `printed` is the table as printed, before missing-value words were read as NA; its
    cells are kept as each measurement's source cell.
    """
    printed = raw if printed is None else printed
    header_of = {name: printed for printed, name in expected_headers(settings).items()}
    coder = _Coder(settings, file, header_of)
    no_treatment = settings["no_treatment_token"]
    subjects, regimens, priors, measurements = [], [], [], []
    for row, printed_row in zip(raw.to_dict("records"), printed.to_dict("records")):
        patient = row["subject"]
        prior_text = row["prior_treatment"]
        listed = [] if prior_text in (no_treatment, NA_TOKEN) else split_list(prior_text)
        codes = [coder.code("prior_treatment", item, patient, "prior_treatment") for item in listed]
        subjects.append(
            {
                "study_id": settings["study_id"],
                "subject_id": patient,
                "age": parse_number(row["age"]),
                "sex": coder.code("sex", row["sex"], patient, "sex"),
                "disease_duration": parse_number(row["disease_duration"]),
                "antibody": coder.code("antibody", row["antibody"], patient, "antibody"),
                "n_prior_treatments": np.nan if prior_text == NA_TOKEN else len(set(codes)),
            }
        )
        priors += [
            {
                "subject_id": patient,
                "treatment": code,
                "treatment_name": PRIOR_TREATMENTS.get(code, ""),
            }
            for code in codes
        ]
        molecule, dose = split_list(row["regimen"])
        regimens.append(
            {
                "subject_id": patient,
                "molecule": coder.code("molecule", molecule, patient, "regimen"),
                "dose": float(dose),
                "dose_unit": "mg/day",
            }
        )
        for column in (c for c in raw.columns if "@" in c):
            parameter, visit = column.split("@")
            value, sd = parse_measurement(row[column])
            measurements.append(
                {
                    "subject_id": patient,
                    "parameter": parameter,
                    "visit": visit,
                    "value": value,
                    "replicate_sd": sd,
                    "sd_printed": "±" in row[column],
                    "source_column": header_of[column],
                    "source_cell": printed_row[column],
                }
            )
    raise_if_any(coder.problems)
    columns = {
        "subjects": list(subjects[0]) if subjects else [],
        "prior_treatments": ["subject_id", "treatment", "treatment_name"],
    }
    return {
        "subjects": pd.DataFrame(subjects, columns=columns["subjects"] or None),
        "regimens": pd.DataFrame(regimens),
        "prior_treatments": pd.DataFrame(priors, columns=columns["prior_treatments"]),
        "measurements": pd.DataFrame(measurements),
    }


def extract_cohort(table: str, settings: dict) -> dict[str, pd.DataFrame]:
    """Read, check the printed forms of, and parse a published table."""
    frame = read_text_table(table)
    if frame.empty:
        raise_if_any([Problem(table, "", "", "", "the table has a header but no patients")])
    printed = map_headers(frame, settings, table)
    # the cohort's words for a missing value all mean NA; the printed cell is kept as source
    raw = printed.replace({token: NA_TOKEN for token in settings["missing_tokens"]})
    header_of = {name: printed for printed, name in expected_headers(settings).items()}
    _, problems = check_table(
        RawTable,
        raw,
        table,
        patient_column="subject",
        header_of=lambda _, column: header_of.get(column, column),
    )
    raise_if_any(problems, hint="cells must be as printed: a number, 'NA', or 'value ± SD'")
    tables = tidy_tables(raw, settings, table, printed)
    # the tidy tables are checked before anything is written: bad data leave no output
    raise_if_any(tidy_problems(tables, settings, table))
    return tables


def run(table: str, settings: dict, outputs: dict[str, str]) -> None:
    """Extract a cohort's table and write its tidy tables."""
    tables = extract_cohort(table, settings)
    logger.info("read %d patients from %s", len(tables["subjects"]), table)
    write_tables({outputs[name]: tables[name] for name in TIDY_TABLES})
