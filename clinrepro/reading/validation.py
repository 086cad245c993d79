"""Run the pandera models lazily and turn their failure cases into cell-level problems."""

from __future__ import annotations

import re

from typing import Callable

import pandas as pd
import pandera.pandas as pa

from clinrepro.base import errors
from clinrepro.base.errors import InputError, Problem
from clinrepro.reading.schemas import CHECK_COLUMNS

HeaderOf = Callable[[object, str], str]


def check_table(
    model: type[pa.DataFrameModel],
    frame: pd.DataFrame,
    file: str,
    patient_column: str | None = "subject_id",
    header_of: HeaderOf | None = None,
    printed_of: HeaderOf | None = None,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Validate `frame` lazily; return the coerced frame, or None and every problem found.

    `header_of(row, column)` names the printed column a cell came from and
    `printed_of(row, column)` gives the cell as printed, where the frame keeps them.
    """
    try:
        return model.validate(frame, lazy=True), []
    except pa.errors.SchemaErrors as errors:
        return None, _problems(
            errors.failure_cases, frame, file, patient_column, header_of, printed_of
        )


def _problems(cases, frame, file, patient_column, header_of, printed_of) -> list[Problem]:
    """Cell-level problems of the failure cases; only the first cases of each check are
    looked at one by one (InputError lists no more), the others are counted."""
    problems = {}
    cases = cases.sort_values("index", kind="stable", na_position="first")
    listed = cases.groupby(["column", "check"], dropna=False, sort=False).cumcount()
    listed = listed < errors.MAX_PROBLEMS
    unlisted = cases[~listed].groupby(["column", "check"], dropna=False).size()
    for (column, check), count in unlisted.items():
        column = CHECK_COLUMNS.get(str(check), column)
        header = header_of(None, column) if header_of and isinstance(column, str) else column
        header = "" if header is None or pd.isna(header) else str(header)
        problems[("", header, check, count)] = Problem(
            file, "", header, "", _readable(str(check)), count
        )
    for case in cases[listed].itertuples(index=False):
        index = case.index
        check = str(case.check)
        column = CHECK_COLUMNS.get(check, case.column)
        if case.schema_context == "DataFrameSchema" and check in CHECK_COLUMNS:
            value = _cell(frame, index, column)
        else:
            value = _shown(case.failure_case)
        if printed_of and _has_row(frame, index):
            value = printed_of(index, column) or value
        patient = ""
        if patient_column and _has_row(frame, index) and patient_column in frame:
            patient = str(frame.at[index, patient_column]) or f"(row {index + 1}, no id)"
        header = header_of(index, column) if header_of and column else column
        problems[(patient, header, check, value)] = Problem(
            file=file,
            patient=patient,
            column="" if header is None else str(header),
            value=value,
            message=_readable(check),
            row=ROW_WORDS.get(patient_column, "patient"),
        )
    return list(problems.values())


def _shown(value) -> str:
    """A failing value as a person would write it: 12, not 12.0."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if pd.isna(value) else str(value)


def _has_row(frame: pd.DataFrame, index) -> bool:
    return index is not None and not pd.isna(index) and index in frame.index


def _cell(frame: pd.DataFrame, index, column) -> str:
    if not _has_row(frame, index) or column not in frame:
        return ""
    return _shown(frame.at[index, column])


_CHECK_WORDS = {
    "field_uniqueness": "appears more than once; each must be unique",
    "column_in_schema": "unexpected column",
    "column_in_dataframe": "required column is missing",
    "not_nullable": "a value is required here",
    "dtype": "wrong type",
}


# what a row is, by the column that names it
ROW_WORDS = {"claim_id": "claim", "outcome_id": "outcome"}


def _readable(check: str) -> str:
    if check in _CHECK_WORDS:
        return _CHECK_WORDS[check]
    if check.startswith("coerce_dtype"):
        return "not a number"
    listed = re.fullmatch(r"isin\(\[(.*)\]\)", check)
    if listed:
        return f"not in the controlled vocabulary; one of: {listed.group(1).replace(chr(39), '')}"
    for prefix, words in (
        ("isin", "not in the controlled vocabulary"),
        ("str_matches", "does not have the printed form expected"),
        ("greater_than_or_equal_to", "below the allowed minimum"),
        ("less_than_or_equal_to", "above the allowed maximum"),
        ("greater_than", "must be greater than"),
        ("in_range", "out of range"),
    ):
        if check.startswith(prefix):
            return f"{words}: {check}"
    return check


def raise_if_any(problems: list[Problem], hint: str = "") -> None:
    """Raise one InputError for all problems, if there are any."""
    if problems:
        raise InputError(problems, hint=hint)
