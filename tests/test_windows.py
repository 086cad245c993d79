"""Dated registry exports: study days and analysis windows (issue 22, point 1), worked by
hand on the shipped registry export rewritten with dates."""

import copy

import pandas as pd
import pytest

from clinrepro.base.errors import InputError
from clinrepro.base.study import window_problems
from clinrepro.reading.extract import extract_cohort
from clinrepro.reading.windows import study_days
from conftest import cohort_of

EXPORT = "data/raw/synthetic_registry_export"
# study day of each visit's date: 3 days before the start, then weeks 12 and 24 (day 85, 169)
OFFSETS = {"Day 0": -3, "Week 12": 84, "Week 24": 168}
WINDOWS = {
    "D0": {"low": -30, "high": 1, "target": 1},
    "W12": {"low": 57, "high": 112, "target": 85},
    "W24": {"low": 141, "high": 196, "target": 169},
}


def test_study_days_have_no_day_zero():
    start = pd.Series(pd.to_datetime(["2024-03-01"] * 4))
    when = pd.Series(pd.to_datetime(["2024-02-29", "2024-03-01", "2024-03-02", "2024-05-24"]))
    assert study_days(when, start).tolist() == [-1, 1, 2, 85]


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    """The export with a start date a patient (2024-01-01 plus the patient's number in days)
    and each row dated; plus, for S001's CDASI, an earlier baseline (day -20, 99), a value
    between windows (day 130, 98) and a second week-12 value as far from the target as the
    first but later (day 89 vs 81, 97)."""
    folder = tmp_path_factory.mktemp("dated")
    settings = cohort_of("synthetic_registry_export")
    patients = pd.read_csv(f"{EXPORT}/patients.csv", dtype=str, keep_default_na=False)
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        patients["patient_id"].str[1:].astype(int), unit="D"
    )
    patients["start_date"] = start.dt.strftime("%d/%m/%Y")
    patients.to_csv(folder / "patients.csv", index=False)
    rows = pd.read_csv(f"{EXPORT}/measurements.csv", dtype=str, keep_default_na=False)
    starts = dict(zip(patients["patient_id"], start))
    offset = rows["visit"].map(OFFSETS)
    s001_w12 = (
        (rows["patient_id"] == "S001") & (rows["measure"] == "CDASI") & (rows["visit"] == "Week 12")
    )
    offset[s001_w12] = 80  # study day 81, 4 days before the target
    when = rows["patient_id"].map(starts) + pd.to_timedelta(offset, unit="D")
    rows["date"] = when.dt.strftime("%d/%m/%Y")
    s001 = starts["S001"]
    extra = pd.DataFrame(
        {
            "patient_id": "S001",
            "measure": "CDASI",
            "value": ["99", "98", "97"],
            "date": [(s001 + pd.Timedelta(days=d)).strftime("%d/%m/%Y") for d in (-20, 129, 88)],
        }
    )
    rows = pd.concat([rows.drop(columns="visit"), extra], ignore_index=True)
    rows.to_csv(folder / "measurements.csv", index=False)
    dated = copy.deepcopy(settings)
    dated["columns"]["start_date"] = "start_date"
    dated["measurement_columns"] = {
        "subject": "patient_id",
        "date": "date",
        "measure": "measure",
        "value": "value",
    }
    dated["date_format"] = "%d/%m/%Y"
    for visit in dated["visits"]:
        visit["window"] = WINDOWS[visit["code"]]
    raw = {
        "patients": str(folder / "patients.csv"),
        "measurements": str(folder / "measurements.csv"),
    }
    return settings, dated, raw


def test_dated_rows_give_the_values_of_the_visit_labelled_export(dated):
    settings, windowed, raw = dated
    shipped = extract_cohort(
        {"patients": f"{EXPORT}/patients.csv", "measurements": f"{EXPORT}/measurements.csv"},
        settings,
    )["measurements"]
    tables = extract_cohort(raw, windowed)
    measurements = tables["measurements"]
    pd.testing.assert_frame_equal(measurements[shipped.columns], shipped)
    s001 = measurements.query("subject_id == 'S001' and parameter == 'CDASI'")
    assert s001[
        ["visit", "date", "study_day", "window_low", "window_high", "window_target"]
    ].values.tolist() == [
        ["D0", "2023-12-30", -3.0, -30.0, 1.0, 1.0],
        ["W12", "2024-03-22", 81.0, 57.0, 112.0, 85.0],
        ["W24", "2024-06-18", 169.0, 141.0, 196.0, 169.0],
    ]


def test_values_not_analysed_are_kept_with_their_reason(dated):
    _, windowed, raw = dated
    kept = extract_cohort(raw, windowed)["not_analysed"]
    assert kept.query("subject_id == 'S001'").values.tolist() == [
        ["S001", "CDASI", "2023-12-13", -20.0, "99", "superseded by 2023-12-30"],
        ["S001", "CDASI", "2024-05-10", 130.0, "98", "not in any window"],
        ["S001", "CDASI", "2024-03-30", 89.0, "97", "superseded by 2024-03-22"],
    ]


def test_window_settings_that_cannot_work(dated):
    _, windowed, _ = dated
    wrong = copy.deepcopy(windowed)
    wrong["file"] = "x.yaml"
    wrong["visits"][0]["window"] = {"low": -30, "high": 7, "target": 1}
    wrong["visits"][2]["window"] = {"low": 100, "high": 196, "target": 90}
    assert window_problems(wrong) == [
        "visit D0 is the baseline: its window must end on or before the start, study day 1 (x.yaml)",
        "visit W24: its target day is not inside its window (x.yaml)",
        "the windows of visits W12 and W24 overlap (x.yaml)",
    ]


def test_a_date_not_of_the_format_names_patient_column_and_value(dated, tmp_path):
    _, windowed, raw = dated
    rows = pd.read_csv(raw["measurements"], dtype=str, keep_default_na=False)
    rows.loc[0, "date"] = "2024-01-40"
    rows.to_csv(tmp_path / "m.csv", index=False)
    with pytest.raises(InputError) as error:
        extract_cohort({**raw, "measurements": str(tmp_path / "m.csv")}, windowed)
    assert str(error.value).splitlines()[2] == (
        f"  - patient {rows.loc[0, 'patient_id']}, column 'date', value '2024-01-40': not a date "
        "of the form 01/03/2024 (date_format)"
    )


def test_the_committed_dated_export_is_what_its_command_writes():
    from clinrepro.synthetic.dated import dated_tables

    source, dated = cohort_of("synthetic_registry_export"), cohort_of("synthetic_registry_dated")
    patients, rows = dated_tables(source, dated)
    for frame, kind in ((patients, "patients"), (rows, "measurements")):
        committed = open(dated["raw"][kind], encoding="utf-8").read()
        assert frame.to_csv(index=False) == committed, kind


def test_table_1_heads_the_columns_it_prints(dated):
    # the start date is read but Table 1 does not print it, and the checkbox columns stand
    # where the list would: the header's patient columns are those of the table
    from clinrepro.presentation.pages import table1_groups
    from clinrepro.presentation.tables import publication_table1

    settings = cohort_of("synthetic_registry_dated")
    table = publication_table1(extract_cohort(settings["raw"], settings), settings)
    groups, visits = table1_groups(settings, list(table.columns))
    assert [header for header, span in groups if span == 0] == list(table.columns[:15])
    assert table.columns[4:7].tolist() == ["antibody", "prior_tx___1", "prior_tx___2"]
    assert "jaki_start_date" not in table.columns
    assert [(header, span) for header, span in groups if span] == [
        ("CDASI", 3),
        ("MMT8", 3),
        ("CK", 3),
        ("HAQ-DI", 3),
    ]
    assert len(table.columns) == 15 + 12
