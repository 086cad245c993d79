"""Run the pandera models lazily and turn their failure cases into cell-level problems."""

from __future__ import annotations

import re

from typing import Callable

import pandas as pd
import pandera.pandas as pa

from clinrepro.base import errors
from clinrepro.base.columns import decoded, is_text
from clinrepro.base.files import write_tables
from clinrepro.base.errors import InputError, Problem
from clinrepro.reading.schemas import ABOUT, FORMS

HeaderOf = Callable[[object, str], str]
# a model, or a schema made from one with a cohort's settings (measurement_schema)
Checked = type[pa.DataFrameModel] | pa.DataFrameSchema


def check_table(
    model: Checked,
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
    schema = model if isinstance(model, pa.DataFrameSchema) else model.to_schema()
    try:
        return schema.validate(frame, lazy=True), []
    except pa.errors.SchemaErrors as errors:
        about = row_check_columns(schema)
        return None, _problems(
            errors.failure_cases, frame, file, (patient_column, about), header_of, printed_of
        )


def row_check_columns(schema: pa.DataFrameSchema) -> dict[str, str]:
    """Each row-level check's message and the column its failures are reported against."""
    return {
        check.error: check.statistics[ABOUT] for check in schema.checks if ABOUT in check.statistics
    }


def _problems(cases, frame, file, keys, header_of, printed_of) -> list[Problem]:
    """Cell-level problems of the failure cases; only the first cases of each check are
    looked at one by one (InputError lists no more), the others are counted. `keys` are the
    column naming a row and the column each row-level check is about."""
    patient_column, about = keys
    problems = {}
    cases = cases.sort_values("index", kind="stable", na_position="first")
    listed = cases.groupby(["column", "check"], dropna=False, sort=False).cumcount()
    listed = listed < errors.MAX_PROBLEMS
    unlisted = cases[~listed].groupby(["column", "check"], dropna=False).size()
    for (column, check), count in unlisted.items():
        column = about.get(str(check), column)
        header = header_of(None, column) if header_of and isinstance(column, str) else column
        header = "" if header is None or pd.isna(header) else str(header)
        problems[("", header, check, count)] = Problem(
            file, "", header, "", readable(str(check)), count
        )
    for case in cases[listed].itertuples(index=False):
        index = case.index
        check = str(case.check)
        column = about.get(check, case.column)
        if case.schema_context == "DataFrameSchema" and check in about:
            value = _cell(frame, index, column)
        else:
            value = _shown(case.failure_case)
        if printed_of and _has_row(frame, index):
            value = printed_of(index, column) or value
        patient = ""
        if patient_column == ROW_NUMBER and _has_row(frame, index):
            patient = str(index + 1)
        elif patient_column and _has_row(frame, index) and patient_column in frame:
            patient = str(frame.at[index, patient_column]) or f"(row {index + 1}, no id)"
        header = header_of(index, column) if header_of and column else column
        problems[(patient, header, check, value)] = Problem(
            file=file,
            patient=patient,
            column="" if header is None else str(header),
            value=value,
            message=readable(check),
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
ROW_WORDS = {"claim_id": "claim", "outcome_id": "outcome", "": "row"}
# a table without a column naming its rows: a row is named by its number, from 1
ROW_NUMBER = ""


def readable(check: str) -> str:
    """A pandera check as people read it: what the column expects, never a regular
    expression or a check's repr."""
    if check in _CHECK_WORDS:
        return _CHECK_WORDS[check]
    if check.startswith("coerce_dtype"):
        return "not a number"
    listed = re.fullmatch(r"isin\(\[(.*)\]\)", check)
    if listed:
        values = [value.strip("'") for value in listed.group(1).split(", ")]
        empty = " (or empty)" if "" in values else ""
        shown = ", ".join(value for value in values if value)
        return f"not in the controlled vocabulary; one of: {shown}{empty}"
    called = re.fullmatch(r"(\w+)\((.*)\)", check, re.DOTALL)
    if called is None:
        return check
    name, argument = called.groups()
    if name == "str_matches":
        return _form_words(argument.strip("'"))
    words = {
        "greater_than_or_equal_to": "below the allowed minimum: must be at least {}",
        "less_than_or_equal_to": "above the allowed maximum: must be at most {}",
        "greater_than": "must be greater than {}",
        "less_than": "must be less than {}",
        "in_range": "out of range: must be from {} to {}",
        "str_length": "must not be empty",
        "isin": "not in the controlled vocabulary",
    }.get(name)
    return words.format(*argument.split(", ")) if words else check


def _form_words(pattern: str) -> str:
    """What a printed-form check expects, in words with an example."""
    empty = pattern.startswith("^$|")
    form = FORMS.get(pattern.removeprefix("^$|"), "the form the column's description gives")
    return f"not of the form expected: {form}{' (or empty)' if empty else ''}"


def raise_if_any(problems: list[Problem], hint: str = "") -> None:
    """Raise one InputError for all problems, if there are any."""
    if problems:
        raise InputError(problems, hint=hint)


# the column that names a row of a table the workflow writes, the first of these it has
ROW_KEYS = ("claim_id", "outcome_id", "SUBJID", "patient")
WRITTEN_HINT = (
    "a table the workflow writes breaks its data dictionary (clinrepro/*/schemas.py, "
    "docs/outputs.md): a fault of the workflow, not of the data; please report it"
)


def check_written_tables(tables: dict[str, tuple[pd.DataFrame, Checked]]) -> None:
    """Check every table the workflow is about to write against its model; raise with
    every problem: file, row (its id, or its number from 1), column and value. The check
    reads a copy: the frame as given is what gets written. A long table is checked in
    blocks (row_blocks) and its problems are those of the whole table."""
    problems = []
    for path, (frame, model) in tables.items():
        key = next((column for column in ROW_KEYS if column in frame.columns), ROW_NUMBER)
        schema = model if isinstance(model, pa.DataFrameSchema) else model.to_schema()
        frame = frame.reset_index(drop=True)
        cases = []
        for rows in row_blocks(frame, schema):
            try:
                schema.validate(as_text(rows, schema), lazy=True)
            except pa.errors.SchemaErrors as errors:
                cases.append(errors.failure_cases)
        if cases:
            cases = pd.concat(cases, ignore_index=True)
            # a problem of the table (a column missing) is found in every block: once
            of_table = cases["index"].isna()
            cases = pd.concat([cases[of_table].drop_duplicates(), cases[~of_table]])
            about = row_check_columns(schema)
            problems += _problems(cases, frame, path, (key, about), None, None)
    raise_if_any(problems, hint=WRITTEN_HINT)


# rows checked at once in a long table whose checks are each about one row (ADEFF of a
# registry): the copy the check makes stays this size, whatever the table's
CHECKED_ROWS = 1_000_000
# pandera's built-in checks that look at each value alone (a check of a column that
# compares its values, unique or one of a caller's own, keeps the table whole)
ROW_BY_ROW = {
    "isin", "notin", "equal_to", "not_equal_to", "greater_than", "greater_than_or_equal_to",
    "less_than", "less_than_or_equal_to", "in_range", "str_matches", "str_contains",
    "str_startswith", "str_endswith", "str_length",
}  # fmt: skip


def row_blocks(frame: pd.DataFrame, schema: pa.DataFrameSchema):
    """The frame in blocks of CHECKED_ROWS rows, or whole where a check may compare rows
    (a unique column or key, a check of the whole table, a check that is not one of
    ROW_BY_ROW). Each block keeps the frame's row numbers, so that a problem names its
    row."""
    columns = schema.columns.values()
    by_row = not (schema.unique or schema.checks) and all(
        not column.unique and all(check.name in ROW_BY_ROW for check in column.checks)
        for column in columns
    )
    if not by_row or len(frame) <= CHECKED_ROWS:
        yield frame
        return
    for start in range(0, len(frame), CHECKED_ROWS):
        yield frame.iloc[start : start + CHECKED_ROWS]


def as_text(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """The frame with each categorical column of texts that the schema coerces to text as
    the text column pandera's coercion makes of it, decoded by Arrow from the codes: the
    same values, checked the same way, without a Python object a cell (ADEFF of 10^6
    patients: 3 s and half a GB to check, not 15 s and 2 GB; docs/scale.md)."""
    checked = frame
    for column, values in frame.items():
        declared = _declared(schema, column)
        if (
            isinstance(values.dtype, pd.CategoricalDtype)
            and is_text(values)
            and declared is not None
            and (declared.coerce or schema.coerce)
            and _declared_text(declared.dtype)
        ):
            checked = checked.copy(deep=False) if checked is frame else checked
            checked[column] = decoded(values)
    return checked


def _declared_text(dtype) -> bool:
    try:
        return pd.api.types.is_string_dtype(pd.api.types.pandas_dtype(str(dtype)))
    except TypeError:
        return False


def _declared(schema: pa.DataFrameSchema, name):
    """The schema's column that `name` is checked as: by its name, or a pattern's."""
    if name in schema.columns:
        return schema.columns[name]
    for pattern, column in schema.columns.items():
        if column.regex and isinstance(name, str) and re.match(pattern, name):
            return column
    return None


def write_checked_tables(tables: dict[str, tuple[pd.DataFrame, Checked]]) -> None:
    """Check every table against its model, then write them all (or none, and raise)."""
    check_written_tables(tables)
    write_tables({path: frame for path, (frame, _) in tables.items()})
