"""Extraction: the published table, cell for cell, into tidy tables.

The mapping from printed headers, visit labels and abbreviations to tidy names comes
from the cohort's settings (config/cohorts/<cohort>.yaml), never from code.
"""

from __future__ import annotations

import logging

import difflib

import numpy as np
import pandas as pd

from clinrepro.columns import split_list, split_once, tiled, translated
from clinrepro.errors import Problem
from clinrepro.files import read_text_table, write_tables
from clinrepro.settings import TIDY_TABLES
from clinrepro.schemas import NA_TOKEN, PRIOR_TREATMENTS, RawTable
from clinrepro.validate import tidy_problems
from clinrepro.validation import check_table, raise_if_any

logger = logging.getLogger(__name__)


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


def numbers(text: pd.Series) -> pd.Series:
    """Printed numbers (their forms already checked), NaN for the missing-value token."""
    return pd.to_numeric(text.where(text != NA_TOKEN), errors="raise").astype(float)


def parse_measurements(text: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """'68 ± 19' -> (68, 19); '12 ± NA' -> (12, NaN); '12292' -> (12292, NaN); 'NA' -> NaN.

    Returns the values, the replicate SDs and whether a '± SD' part was printed.
    """
    value, sd = split_once(text, "±")
    with_sd = sd.notna()
    return numbers(value.str.strip()), numbers(sd.fillna(NA_TOKEN).str.strip()), with_sd


class _Coder:
    """Maps printed labels to codes through the cohort's vocabularies, collecting misses."""

    def __init__(self, settings: dict, file: str, header_of: dict[str, str], patients: pd.Series):
        self.vocabularies = settings["vocabularies"]
        self.file = file
        self.header_of = header_of
        self.patients = patients
        self.problems: list[Problem] = []

    def code(self, kind: str, labels: pd.Series, column: str) -> pd.Series:
        """The codes of `labels` (indexed as the raw rows); unknown labels become problems."""
        vocabulary = self.vocabularies[kind]
        codes = translated(labels, vocabulary)
        known = ", ".join(repr(k) for k in vocabulary)
        unknown = codes.isna()
        self.problems += [
            Problem(
                self.file,
                patient,
                self.header_of[column],
                label,
                f"unknown {kind.replace('_', ' ')}; known: {known}",
            )
            for patient, label in zip(self.patients[labels.index[unknown]], labels[unknown])
        ]
        return codes


def tidy_tables(
    raw: pd.DataFrame, settings: dict, file: str, printed: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Parse the validated raw table into the four tidy tables, column by column.

    `printed` is the table as printed, before missing-value words were read as NA; its
    cells are kept as each measurement's source cell.
    """
    raw = raw.reset_index(drop=True)
    printed = raw if printed is None else printed.reset_index(drop=True)
    header_of = {name: printed for printed, name in expected_headers(settings).items()}
    patients = raw["subject"]
    coder = _Coder(settings, file, header_of, patients)
    prior_text = raw["prior_treatment"]
    listed = prior_text[~prior_text.isin([settings["no_treatment_token"], NA_TOKEN])]
    items = split_list(listed)
    codes = coder.code("prior_treatment", items, "prior_treatment")
    n_prior = codes.groupby(level=0).nunique(dropna=False).reindex(raw.index, fill_value=0)
    subjects = pd.DataFrame(
        {
            "study_id": settings["study_id"],
            "subject_id": patients,
            "age": numbers(raw["age"]),
            "sex": coder.code("sex", raw["sex"], "sex"),
            "disease_duration": numbers(raw["disease_duration"]),
            "antibody": coder.code("antibody", raw["antibody"], "antibody"),
            "n_prior_treatments": n_prior.astype("Int64").where(prior_text != NA_TOKEN),
        }
    )
    priors = pd.DataFrame(
        {
            "subject_id": patients[codes.index].to_numpy(),
            "treatment": codes.to_numpy(),
            "treatment_name": translated(codes, PRIOR_TREATMENTS).fillna("").to_numpy(),
        }
    )
    molecule, dose = split_once(raw["regimen"], ",")
    regimens = pd.DataFrame(
        {
            "subject_id": patients,
            "molecule": coder.code("molecule", molecule.str.strip(), "regimen"),
            "dose": numbers(dose.str.strip()),
            "dose_unit": "mg/day",
        }
    )
    raise_if_any(coder.problems)
    return {
        "subjects": subjects,
        "regimens": regimens,
        "prior_treatments": priors,
        "measurements": long_measurements(raw, printed, header_of),
    }


def long_measurements(raw: pd.DataFrame, printed: pd.DataFrame, header_of: dict) -> pd.DataFrame:
    """One row per patient and measurement column, patient by patient, in column order."""
    columns = [c for c in raw.columns if "@" in c]
    n, k = len(raw), len(columns)
    parsed = [parse_measurements(raw[column]) for column in columns]
    # column-major cells (every patient's first column, then the second...) to patient-major
    order = (np.arange(n)[:, None] + n * np.arange(k)[None, :]).ravel()

    def patient_major(parts: list[pd.Series], dtype) -> pd.Series:
        if not parts:
            return pd.Series([], dtype=dtype)
        return pd.concat(parts, ignore_index=True).astype(dtype).take(order).reset_index(drop=True)

    return pd.DataFrame(
        {
            "subject_id": raw["subject"].take(np.repeat(np.arange(n), k)).reset_index(drop=True),
            "parameter": tiled([c.split("@")[0] for c in columns], n),
            "visit": tiled([c.split("@")[1] for c in columns], n),
            "value": patient_major([value for value, _, _ in parsed], float),
            "replicate_sd": patient_major([sd for _, sd, _ in parsed], float),
            "sd_printed": patient_major([with_sd for _, _, with_sd in parsed], bool),
            "source_column": tiled([header_of[c] for c in columns], n),
            "source_cell": patient_major([printed[column] for column in columns], str),
        }
    )


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
