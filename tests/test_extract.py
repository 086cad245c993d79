"""The parser: every printed cell form, header mapping and the errors bad cells give."""

import math

import pytest

from clinrepro.base.errors import InputError
import pandas as pd

from clinrepro.reading.extract import extract_cohort, numbers, parse_measurements, split_list
from conftest import published_table, write_table


@pytest.mark.parametrize(
    "cell, value, sd",
    [
        ("68 ± 19", 68.0, 19.0),
        ("12 ± NA", 12.0, math.nan),
        ("8 ± 0", 8.0, 0.0),
        ("12292", 12292.0, math.nan),
        ("0.1", 0.1, math.nan),
        ("NA", math.nan, math.nan),
        ("68±19", 68.0, 19.0),
    ],
)
def test_measurement_cells(cell, value, sd):
    values, sds, with_sd = parse_measurements(pd.Series([cell, "1"]))
    assert (values[0], sds[0]) == pytest.approx((value, sd), nan_ok=True)
    assert with_sd.tolist() == ["±" in cell, False]


def test_numbers_and_lists():
    assert numbers(pd.Series(["0.9", "NA", "12292"])).tolist() == pytest.approx(
        [0.9, math.nan, 12292.0], nan_ok=True
    )
    items = split_list(pd.Series(["CS, HCQ, IVIg, PLEX, MTX, AZA", "Ruxolitinib, 30"]))
    assert items.tolist() == ["CS", "HCQ", "IVIg", "PLEX", "MTX", "AZA", "Ruxolitinib", "30"]
    assert items.index.tolist() == [0] * 6 + [1] * 2  # each item keeps its row


def test_subjects_from_table1(tables):
    subjects = tables["subjects"].set_index("subject_id")
    assert len(subjects) == 16
    assert subjects.loc["11", "sex"] == "M"
    assert (subjects["sex"] == "F").sum() == 15
    assert subjects.loc["1", "antibody"] == "TIF1G"  # printed 'Anti-TIF1 γ'
    assert subjects.loc["6", "antibody"] == "SERONEG"
    assert subjects.loc["13", "disease_duration"] == 0.1
    assert subjects.loc["13", "n_prior_treatments"] == 0  # printed 'None'
    assert subjects.loc["5", "n_prior_treatments"] == 7  # CS, MTX, AZA, MMF, IVIg, RTX, TAC


def test_regimens_and_prior_treatments(tables):
    regimens = tables["regimens"].set_index("subject_id")
    assert regimens.loc["1", ["molecule", "dose"]].tolist() == ["ruxolitinib", 30.0]
    assert regimens.loc["16", ["molecule", "dose"]].tolist() == ["baricitinib", 4.0]
    priors = tables["prior_treatments"]
    assert len(priors) == 74  # the sum of the list lengths printed in Table 1
    assert priors[priors["subject_id"] == "16"]["treatment"].tolist() == ["CS", "Cic", "CYC"]
    assert "13" not in set(priors["subject_id"])


def test_measurements_long_form(tables):
    measurements = tables["measurements"]
    assert len(measurements) == 16 * 4 * 2  # every patient, parameter and visit, NA included
    cell = measurements.set_index(["subject_id", "parameter", "visit"])
    assert cell.loc[("2", "IFNA", "M3"), "value"] == 12
    assert math.isnan(cell.loc[("2", "IFNA", "M3"), "replicate_sd"])
    assert cell.loc[("2", "IFNA", "M3"), "source_cell"] == "12 ± NA"
    assert cell.loc[("2", "IFNA", "M3"), "source_column"] == "IFN-α (fg/mL) M3"
    assert cell.loc[("1", "IFNA", "M0"), ["value", "replicate_sd"]].tolist() == [68, 19]
    assert cell.loc[("12", "IFNA", "M0"), "value"] == 12292
    assert math.isnan(cell.loc[("11", "CDASI", "M3"), "value"])
    assert cell.loc[("14", "CDASI", "M0"), "value"] == 0
    # NA cells by hand: IFN-α 8 + 8, MMT8 1 + 2, CK 2 + 3, CDASI 0 + 1
    assert measurements["value"].isna().sum() == 25


def _error(tmp_path, cohort, text):
    with pytest.raises(InputError) as caught:
        extract_cohort(write_table(tmp_path, text), cohort)
    return caught.value


def test_malformed_cells_name_file_patient_column_and_value(tmp_path, cohort):
    text = (
        published_table()
        .replace("68 ± 19", "68 ± x")
        .replace('"Ruxolitinib, 20",49', "Ruxolitinib,49")
    )
    error = _error(tmp_path, cohort, text)
    file = str(tmp_path / "table1.csv")
    found = {(p.file, p.patient, p.column, p.value) for p in error.problems}
    assert (file, "1", "IFN-α (fg/mL) Baseline", "68 ± x") in found
    block = error.block()
    assert "patient 1, column 'IFN-α (fg/mL) Baseline', value '68 ± x'" in block
    assert block.startswith("Input validation failed:")


def test_unknown_vocabulary_is_refused_with_known_labels(tmp_path, cohort):
    text = published_table().replace("3,84,F,1,Anti-TIF1 γ", "3,84,X,1,Anti-Jo1")
    error = _error(tmp_path, cohort, text)
    assert [(p.patient, p.column, p.value) for p in error.problems] == [
        ("3", "Myositis-specific antibody", "Anti-Jo1"),
        ("3", "Sex", "X"),
    ]
    assert "known: 'F', 'M'" in error.block()


def test_renamed_column_is_refused_with_a_hint(tmp_path, cohort):
    text = published_table().replace("MMT8 Baseline", "MMT-8 Baseline", 1)
    error = _error(tmp_path, cohort, text)
    messages = {(p.column, p.message) for p in error.problems}
    assert (
        "MMT8 Baseline",
        "required column is missing (a column 'MMT-8 Baseline' is present: renamed?)",
    ) in messages
    assert ("MMT-8 Baseline", "unexpected column") in messages


def test_duplicate_patient_and_header_only_file(tmp_path, cohort):
    lines = published_table().splitlines()
    error = _error(tmp_path, cohort, "\n".join(lines + [lines[1]]) + "\n")
    assert [(p.patient, p.column, p.value, p.message) for p in error.problems] == [
        ("1", "Patients", "1", "appears more than once; each must be unique"),
    ]
    error = _error(tmp_path, cohort, lines[0] + "\n")
    assert error.problems[0].message == "the table has a header but no patients"


def test_bom_and_spaces_around_headers_are_accepted(tmp_path, cohort):
    text = "\ufeff" + published_table().replace("Patients,Age (yrs)", " Patients , Age (yrs)", 1)
    tables = extract_cohort(write_table(tmp_path, text), cohort)
    assert len(tables["subjects"]) == 16


def test_non_utf8_bytes_are_refused(tmp_path, cohort):
    path = tmp_path / "table1.csv"
    path.write_bytes(published_table().encode("latin-1", errors="replace"))
    with pytest.raises(InputError) as caught:
        extract_cohort(str(path), cohort)
    assert "not UTF-8 text" in caught.value.block()
