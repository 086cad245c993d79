"""Extraction: the published table, cell for cell, into tidy tables.

The mapping from printed headers, visit labels and abbreviations to tidy names comes
from the cohort's settings (config/cohorts/<cohort>.yaml), never from code.
"""

from __future__ import annotations

import difflib
import logging
import re

import numpy as np
import pandas as pd

from clinrepro.base.columns import split_list, split_once, tiled, translated
from clinrepro.base.errors import Problem
from clinrepro.base.files import read_text_table, write_tables
from clinrepro.base.settings import TIDY_TABLES
from clinrepro.reading.schemas import (
    MEASUREMENT_CELL,
    NA_TOKEN,
    NotAnalysed,
    RawMeasurements,
    RawPatients,
    RawTable,
)
from clinrepro.base.study import (
    list_separator,
    measured_visits,
    measures,
    no_treatment_words,
)
from clinrepro.base.vocabularies import cohort_terms
from clinrepro.reading.validate import source_files, tidy_problems
from clinrepro.reading.validation import (
    check_table,
    check_written_tables,
    raise_if_any,
    readable,
)
from clinrepro.reading.windows import NOT_ANALYSED_COLUMNS, dates, windowed
from clinrepro.base import typed

logger = logging.getLogger(__name__)
# the raw files of the per-patient data: a wide table, or a registry's two files
RAW_KINDS = ("table", "patients", "measurements")
# the source cell of a registry value that has no row in the measurements file
ABSENT_ROW = "(no row)"
# REDCap-style checkbox columns, one an answer: canonical name prefix, and the list a
# patient with every box unchecked gets (no previous treatment)
CHECKBOX = "checkbox:"
NONE_CHECKED = "(no box checked)"
CHECKED, UNCHECKED = "1", "0"


def checkboxes(settings: dict) -> dict[str, str]:
    """Checkbox header -> the prior-treatment code it stands for (setting
    prior_treatment_checkboxes), where the export has one column an answer."""
    return settings.get("prior_treatment_checkboxes") or {}


def folded_checkboxes(printed: pd.DataFrame, settings: dict, file: str) -> pd.DataFrame:
    """The checkbox columns folded into one prior-treatment list a patient: the checked
    codes; NONE_CHECKED when every box is 0, or when the question's own "none" box (one
    mapped to a word of no_treatment_token) is checked; the word for missing when every box
    is missing, or when a question with a "none" box has none checked. A cell that is not
    1, 0 or missing, a question half answered, and "none" checked with a treatment are
    refused."""
    columns = [c for c in printed.columns if c.startswith(CHECKBOX)]
    if not columns:
        return printed
    header_of = {f"{CHECKBOX}{code}": header for header, code in checkboxes(settings).items()}
    boxes = printed[columns]
    missing = boxes.isin(settings["missing_tokens"])
    problems = [
        Problem(
            file,
            printed.at[row, "subject"],
            header_of[column],
            value,
            "a checkbox is 1 (checked) or 0 (not checked), or a word for missing",
        )
        for column in columns
        for row, value in boxes.loc[
            ~boxes[column].isin([CHECKED, UNCHECKED]) & ~missing[column], column
        ].items()
    ]
    half = missing.any(axis=1) & ~missing.all(axis=1)
    problems += [
        Problem(
            file,
            printed.at[row, "subject"],
            header_of[missing.columns[missing.loc[row]][0]],
            "",
            "this box is missing while others of the question are answered",
        )
        for row in half.index[half]
    ]
    codes = np.array([column.removeprefix(CHECKBOX) for column in columns])
    # a box mapped to a word of no_treatment_token is the question's own "none" answer
    none_box = np.isin(codes, no_treatment_words(settings))
    checked = (boxes == CHECKED).to_numpy()
    said_none = checked[:, none_box].any(axis=1)
    treated = checked[:, ~none_box]
    both = said_none & treated.any(axis=1)
    problems += [
        Problem(
            file,
            patient,
            header_of[columns[int(np.flatnonzero(none_box)[0])]],
            CHECKED,
            "'no previous treatment' is checked together with a treatment",
        )
        for patient in printed["subject"][both]
    ]
    raise_if_any(problems)
    lists = [list_separator(settings).join(codes[~none_box][row]) for row in treated]
    folded = pd.Series(lists, index=printed.index)
    # nothing checked: none, unless the question has its own "none" box left unchecked
    # (then the answer was not given)
    nothing = NONE_CHECKED if not none_box.any() else settings["missing_tokens"][0]
    folded[folded == ""] = np.where(said_none[(folded == "").to_numpy()], NONE_CHECKED, nothing)
    folded[missing.all(axis=1)] = settings["missing_tokens"][0]
    return printed.drop(columns=columns).assign(prior_treatment=folded)


def measurement_header(settings: dict, code: str, visit: dict) -> str:
    """The printed header of a measure at a visit in the wide layout, e.g. 'MMT8 Baseline'."""
    return f"{settings['measures'][code]['printed']} {visit['printed']}"


def expected_headers(settings: dict) -> dict[str, str]:
    """Printed header -> canonical raw column name, from the cohort's settings: the patient
    columns and, in the wide layout, one column a measure and visit (measure@visit)."""
    headers = {printed: name for name, printed in settings["columns"].items()}
    for header, code in checkboxes(settings).items():
        headers[header] = f"{CHECKBOX}{code}"
    if settings["layout"] == "wide":
        for code in measures(settings):
            for visit in measured_visits(settings):
                headers[measurement_header(settings, code, visit)] = f"{code}@{visit['code']}"
    return headers


def long_headers(settings: dict) -> dict[str, str]:
    """Printed header -> canonical column of a registry's long measurements file."""
    return {printed: name for name, printed in settings["measurement_columns"].items()}


def map_headers(
    frame: pd.DataFrame, settings: dict, file: str, expected: dict[str, str] | None = None
) -> pd.DataFrame:
    """Rename printed headers to canonical names; refuse missing, unknown or repeated ones."""
    expected = expected_headers(settings) if expected is None else expected
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


def list_problems(
    cells: pd.Series, items: pd.Series, settings: dict, file: str, header_of: dict, patients
) -> tuple[list[Problem], pd.Index]:
    """Cells of the prior-treatment list that cannot be read as a list, and their rows: an
    empty cell the settings give no meaning to, an empty item, an unknown item holding another
    separator than the cohort's."""
    separator = list_separator(settings)
    where = f"items are separated by {separator!r} (setting list_separator)"
    others = "".join(s for s in ",;|/+" if s != separator)
    unknown = items[~items.isin(list(settings["vocabularies"]["prior_treatment"]))]
    found = unknown.str.extract(f"([{re.escape(others)}])", expand=False).dropna()
    found = found[~found.index.duplicated()]
    empty_item = items.index[items == ""].unique()
    empty_cell = cells.index[cells.str.strip() == ""]
    said = {row: f"an empty item in the list ({where})" for row in empty_item}
    said |= {row: f"a list separated by {other!r}, but {where}" for row, other in found.items()}
    said |= {
        row: 'an empty cell, which the settings give no meaning: add it ("") to '
        "no_treatment_token if it means no previous treatment, or to missing_tokens if it "
        "means not recorded"
        for row in empty_cell
    }
    column = header_of["prior_treatment"]
    problems = [Problem(file, patients[row], column, cells[row], said[row]) for row in sorted(said)]
    return problems, pd.Index(sorted(said))


def patient_tables(
    raw: pd.DataFrame, settings: dict, file: str, printed: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Parse the validated patient columns into subjects, regimens and prior treatments.

    `printed` is the table as printed, before missing-value words were read as NA.
    """
    raw = raw.reset_index(drop=True)
    printed = raw if printed is None else printed.reset_index(drop=True)
    header_of = {name: printed for printed, name in expected_headers(settings).items()}
    patients = raw["subject"]
    if checkboxes(settings):  # the folded lists hold the codes themselves
        codes = {code: code for code in checkboxes(settings).values()}
        settings = typed.cohort(
            {**settings, "vocabularies": {**settings["vocabularies"], "prior_treatment": codes}}
        )
        header_of["prior_treatment"] = ", ".join(checkboxes(settings))
    coder = _Coder(settings, file, header_of, patients)
    prior_text = raw["prior_treatment"]
    none = [*no_treatment_words(settings), NONE_CHECKED, NA_TOKEN]
    listed = prior_text[~prior_text.isin(none)]
    items = split_list(listed, re.escape(list_separator(settings)))
    coder.problems, unread = list_problems(listed, items, settings, file, header_of, patients)
    codes = coder.code("prior_treatment", items[~items.index.isin(unread)], "prior_treatment")
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
            "treatment_name": translated(codes, cohort_terms(settings)["prior_treatments"])
            .fillna("")
            .to_numpy(),
        }
    )
    if "regimen" in raw:
        molecule, dose = split_once(raw["regimen"], ",")
        molecule, dose, column = molecule.str.strip(), numbers(dose.str.strip()), "regimen"
    else:
        molecule, column = raw["molecule"], "molecule"
        dose = numbers(raw["dose"]) if "dose" in raw else pd.Series(np.nan, index=raw.index)
    regimens = pd.DataFrame(
        {
            "subject_id": patients,
            "molecule": coder.code("molecule", molecule, column),
            "dose": dose,
            "dose_unit": "mg/day",
        }
    )
    raise_if_any(coder.problems)
    return {"subjects": subjects, "regimens": regimens, "prior_treatments": priors}


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


def tidy_tables(
    raw: pd.DataFrame, settings: dict, file: str, printed: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """The four tidy tables of a validated wide table (canonical headers)."""
    tables = patient_tables(raw, settings, file, printed)
    printed = raw if printed is None else printed
    header_of = {name: header for header, name in expected_headers(settings).items()}
    return tables | {
        "measurements": long_measurements(raw, printed.reset_index(drop=True), header_of)
    }


def form_hint(problems: list[Problem], settings: dict) -> str:
    """The hint under a list of printed-form problems: the words for missing when every
    problem is a measurement cell's form, else nothing (each problem says what its column
    expects)."""
    measurement = readable(f"str_matches('{MEASUREMENT_CELL}')")
    if problems and all(problem.message == measurement for problem in problems):
        words = ", ".join(repr(token) for token in settings["missing_tokens"])
        return (
            f"a measurement is a number or 'value ± SD'; this cohort's words for missing: {words}"
        )
    return ""


def read_checked(
    path: str, settings: dict, model, expected: dict[str, str], patient_column: str = "subject"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A raw file with canonical headers, its printed forms checked: (cells with the missing
    words read as NA, cells as printed)."""
    frame = read_text_table(path)
    if frame.empty:
        raise_if_any([Problem(path, "", "", "", "the table has a header but no patients")])
    printed = folded_checkboxes(map_headers(frame, settings, path, expected), settings, path)
    # the cohort's words for a missing value all mean NA; the printed cell is kept as source
    raw = printed.replace({token: NA_TOKEN for token in settings["missing_tokens"]})
    header_of = {name: header for header, name in expected.items()}
    _, problems = check_table(
        model,
        raw,
        path,
        patient_column=patient_column,
        header_of=lambda _, column: header_of.get(column, column),
    )
    raise_if_any(problems, hint=form_hint(problems, settings))
    return raw, printed


def registry_measurements(
    raw: pd.DataFrame, printed: pd.DataFrame, settings: dict, patients: pd.Series, file: str
) -> pd.DataFrame:
    """A registry's long rows, in any order, onto the grid of every patient, measure and
    measured visit (patient by patient, in the settings' order); an absent row is missing."""
    header = settings["measurement_columns"]
    codes = list(measures(settings))
    visits = [visit["code"] for visit in measured_visits(settings)]
    measure = translated(
        raw["measure"], {m["printed"]: i for i, m in enumerate(measures(settings).values())}, float
    )
    visit = translated(
        raw["visit"], {v["printed"]: i for i, v in enumerate(measured_visits(settings))}, float
    )
    patient = pd.Index(patients).get_indexer(raw["subject"])
    problems = []
    for name, unknown, known in (
        ("measure", measure.isna(), [m["printed"] for m in measures(settings).values()]),
        ("visit", visit.isna(), [v["printed"] for v in measured_visits(settings)]),
        ("subject", pd.Series(patient < 0, index=raw.index), None),
    ):
        message = (
            f"unknown {name}; known: {', '.join(map(repr, known))}"
            if known
            else ("patient not in the patients file")
        )
        problems += [
            Problem(file, subject, header[name], label, message)
            for subject, label in zip(raw["subject"][unknown], printed[name][unknown])
        ]
    raise_if_any(problems)
    n_measures, n_visits = len(codes), len(visits)
    cell = (patient * n_measures + measure.to_numpy(int)) * n_visits + visit.to_numpy(int)
    repeated = pd.Series(cell).duplicated(keep=False).to_numpy()
    raise_if_any(
        [
            Problem(
                file,
                subject,
                header["visit"],
                label,
                "the same patient, measure and visit appear twice",
            )
            for subject, label in zip(raw["subject"][repeated], printed["visit"][repeated])
        ]
    )
    size = len(patients) * n_measures * n_visits
    value = np.full(size, np.nan)
    factor = unit_factors(raw, printed, settings, measure.to_numpy(int), file)
    value[cell] = converted(numbers(raw["value"]).to_numpy(), factor)
    # an absent row is traceable too: its source cell says so
    source_cell = np.full(size, ABSENT_ROW, dtype=object)
    source_cell[cell] = printed["value"].to_numpy(dtype=object)
    columns = [
        measurement_header(settings, code, visit_row)
        for code in codes
        for visit_row in measured_visits(settings)
    ]
    n = len(patients)
    tidy = pd.DataFrame(
        {
            "subject_id": pd.Series(patients)
            .take(np.repeat(np.arange(n), n_measures * n_visits))
            .reset_index(drop=True),
            "parameter": tiled([code for code in codes for _ in visits], n),
            "visit": tiled(visits * n_measures, n),
            "value": value,
            "replicate_sd": np.nan,
            "sd_printed": False,
            "source_column": tiled(columns, n),
            "source_cell": pd.Series(source_cell, dtype=str),
        }
    )
    if "unit" in raw:
        source_unit = np.full(size, "", dtype=object)
        source_unit[cell] = printed["unit"].to_numpy(dtype=object)
        tidy["source_unit"] = pd.Series(source_unit, dtype=str)
    return tidy


def unit_factors(
    raw: pd.DataFrame, printed: pd.DataFrame, settings: dict, measure: np.ndarray, file: str
) -> np.ndarray:
    """Each long row's factor to its measure's unit (1 without a unit column), read from the
    unit as printed (an empty unit is not a missing value); a unit the
    measure does not declare is refused, naming patient, visit, measure, value and unit."""
    if "unit" not in raw:
        return np.ones(len(raw))
    declared = list(measures(settings).values())
    factors = [{m["unit"]: 1.0, **m.get("units", {})} for m in declared]
    factor = np.array(
        [factors[m].get(unit, np.nan) for m, unit in zip(measure, printed["unit"].str.strip())]
    )
    factor[(raw["value"] == NA_TOKEN).to_numpy()] = 1.0  # a missing value needs no unit
    unknown = np.isnan(factor)
    header = settings["measurement_columns"]["unit"]
    raise_if_any(
        [
            Problem(
                file,
                patient,
                header,
                unit,
                f"unit not declared for {declared[m]['printed']} (value {value!r}, visit "
                f"{visit!r}); {declared[m]['printed']} is in {declared[m]['unit']!r}"
                + (
                    f" or {', '.join(map(repr, declared[m]['units']))}"
                    if "units" in declared[m]
                    else ""
                )
                + "; declare another unit and its factor under the measure's units:",
            )
            for patient, visit, m, value, unit in zip(
                raw["subject"][unknown],
                printed["visit"][unknown],
                measure[unknown],
                printed["value"][unknown],
                printed["unit"][unknown],
            )
        ]
    )
    return factor


def converted(values: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Values times their unit's factor; a converted value is rounded to 9 decimals, so that
    the factor's binary arithmetic adds no digits of its own (2.35 ukat/L x 60 = 141 U/L, not
    141.00000000000003)."""
    return np.where(factor == 1, values, np.round(values * factor, 9))


def with_windows(measurements: pd.DataFrame, details: pd.DataFrame) -> pd.DataFrame:
    """The grid of measurements with the date, study day and window of each analysed value
    (empty where the grid has no value)."""
    keys = ["subject_id", "parameter", "visit"]
    grid = measurements.merge(details, on=keys, how="left", validate="one_to_one")
    return grid.assign(date=grid["date"].fillna(""))


def extract_cohort(raw_files: dict[str, str] | str, settings: dict) -> dict[str, pd.DataFrame]:
    """Read, check the printed forms of, and parse a cohort's raw files (a wide table, or a
    registry's patients and measurements files; a path alone is a wide table) into the four
    tidy tables."""
    if isinstance(raw_files, str):
        raw_files = {"table": raw_files}
    expected = expected_headers(settings)
    if settings["layout"] == "wide":
        file = raw_files["table"]
        raw, printed = read_checked(file, settings, RawTable, expected)
        tables = tidy_tables(raw, settings, file, printed)
    else:
        file = raw_files["patients"]
        raw, printed = read_checked(file, settings, RawPatients, expected)
        tables = patient_tables(raw, settings, file, printed)
        long_file = raw_files["measurements"]
        long_raw, long_printed = read_checked(
            long_file, settings, RawMeasurements, long_headers(settings)
        )
        details = None
        if "date" in long_raw:  # dated rows: the analysis visits come from the windows
            starts = dates(
                raw["start_date"], raw["subject"], settings, file, settings["columns"]["start_date"]
            )
            starts.index = raw["subject"]
            long_raw, long_printed, details, tables["not_analysed"] = windowed(
                long_raw, long_printed, starts, settings, long_file
            )
        tables["measurements"] = registry_measurements(
            long_raw, long_printed, settings, raw["subject"], long_file
        )
        if details is not None:
            tables["measurements"] = with_windows(tables["measurements"], details)
    # the tidy tables are checked before anything is written: bad data leave no output
    raise_if_any(tidy_problems(tables, settings, source_files(raw_files)))
    return tables


def run(raw: dict[str, str], settings: dict, outputs: dict[str, str]) -> None:
    """Extract a cohort's raw files and write its tidy tables."""
    settings = typed.cohort(settings)
    tables = extract_cohort(raw, settings)
    logger.info("read %d patients from %s", len(tables["subjects"]), ", ".join(raw.values()))
    not_analysed = tables.get("not_analysed", pd.DataFrame(columns=list(NOT_ANALYSED_COLUMNS)))
    logger.info("values not analysed: %d", len(not_analysed))
    check_written_tables({outputs["not_analysed"]: (not_analysed, NotAnalysed)})
    write_tables(
        {outputs[name]: tables[name] for name in TIDY_TABLES}
        | {outputs["not_analysed"]: not_analysed}
    )
