"""Registry exports' lists of previous treatments: the separator, and "none" kept apart from
"not recorded" (issue 22, points 2 and 3)."""

import copy

import pandas as pd
import pytest

from clinrepro.base.errors import InputError
from clinrepro.base.settings import SettingsError, cohort_problems, cohort_settings
from clinrepro.presentation.tables import publication_table1
from clinrepro.reading.extract import extract_cohort
from conftest import cohort_of

EXPORT = "data/raw/synthetic_registry_export"
MEASUREMENTS = f"{EXPORT}/measurements.csv"


@pytest.fixture(scope="module")
def export():
    """The shipped export as it is, and its settings."""
    settings = cohort_of("synthetic_registry_export")
    raw = {"patients": f"{EXPORT}/patients.csv", "measurements": MEASUREMENTS}
    return settings, extract_cohort(raw, settings)


def rewritten(tmp_path, change) -> str:
    """The export's patients file with its prior-treatment cells changed by `change`."""
    patients = pd.read_csv(f"{EXPORT}/patients.csv", dtype=str, keep_default_na=False)
    patients["prior_treatments"] = change(patients["prior_treatments"])
    path = tmp_path / "patients.csv"
    patients.to_csv(path, index=False)
    return str(path)


def semicolons(cells: pd.Series) -> pd.Series:
    """'CS, IVIg, CYC' -> 'CS;IVIg;CYC', and 'none' -> an empty cell."""
    return cells.str.replace(", ", ";", regex=False).replace("none", "")


def test_semicolons_and_empty_cells_meaning_none_give_the_same_tables(export, tmp_path):
    settings, shipped = export
    dated = copy.deepcopy(settings)
    dated.update(list_separator=";", no_treatment_token="", missing_tokens=["NA"])
    tables = extract_cohort(
        {"patients": rewritten(tmp_path, semicolons), "measurements": MEASUREMENTS}, dated
    )
    for name in ("subjects", "prior_treatments"):
        pd.testing.assert_frame_equal(tables[name], shipped[name])
    # S001 and S022 print 'none' in the shipped export: no previous treatment, not missing
    subjects = tables["subjects"].set_index("subject_id")["n_prior_treatments"]
    assert subjects[subjects == 0].index.tolist() == ["S001", "S022"]
    assert subjects.isna().sum() == 0
    assert subjects["S008"] == 5  # 'CS;MTX;IVIg;MMF;RTX'


def test_a_word_meaning_both_none_and_missing_is_refused_before_any_job(export):
    settings, _ = export
    both = copy.deepcopy(settings)
    both.update(no_treatment_token=["", "none"], missing_tokens=["NA", ""], file="x.yaml")
    assert cohort_problems(both, {}, both["key_claims"]) == [
        "(empty) is given both in no_treatment_token (no previous treatment) and in "
        "missing_tokens (not recorded) (x.yaml): a printed value can mean only one of them; "
        "remove it from one of the two settings"
    ]


def problems_of(tmp_path, settings, change) -> list[str]:
    raw = {"patients": rewritten(tmp_path, change), "measurements": MEASUREMENTS}
    with pytest.raises(InputError) as error:
        extract_cohort(raw, settings)
    return str(error.value).splitlines()


def test_a_list_with_another_separator_says_which_setting_reads_it(export, tmp_path):
    settings, _ = export
    lines = problems_of(tmp_path, settings, semicolons)
    assert lines[2] == (
        "  - patient S002, column 'prior_treatments', value 'CS;IVIg;CYC': a list separated by "
        "';', but items are separated by ',' (setting list_separator)"
    )
    # the two empty cells, which these settings give no meaning (missing_tokens has "" but
    # the shipped settings read it first as missing: S001 and S022 then say nothing)
    assert not any("S001" in line or "S022" in line for line in lines)


def test_an_empty_cell_or_item_the_settings_do_not_explain(export, tmp_path):
    settings, _ = export
    plain = copy.deepcopy(settings)
    plain.update(missing_tokens=["NA"])
    lines = problems_of(tmp_path, plain, lambda cells: cells.replace({"none": "", "MTX": "MTX,"}))
    assert [line for line in lines if "S001" in line or "S003" in line] == [
        "  - patient S001, column 'prior_treatments': an empty cell, which the settings give "
        'no meaning: add it ("") to no_treatment_token if it means no previous treatment, or '
        "to missing_tokens if it means not recorded",
        "  - patient S003, column 'prior_treatments', value 'MTX,': an empty item in the list "
        "(items are separated by ',' (setting list_separator))",
    ]


def test_categories_exported_as_numbers_read_through_numeric_labels(export, tmp_path):
    # sex 1 = F, 2 = M and the six antibodies numbered 1..6, as YAML numbers in the settings
    settings, shipped = export
    numbered = {"TIF1G": 1, "SAE": 2, "MDA5": 3, "NXP2": 4, "MI2": 5, "SERONEG": 6}
    text = open("config/cohorts/synthetic_registry_export.yaml", encoding="utf-8").read()
    text = text.replace("    F: F\n    M: M\n", "    1: F\n    2: M\n")
    for code, number in numbered.items():
        text = text.replace(f"    {code}: {code}\n", f"    {number}: {code}\n")
    (tmp_path / "coded.yaml").write_text(text, "utf-8")
    coded = cohort_settings({"cohorts": {"coded": "coded.yaml"}}, "coded", tmp_path)
    assert coded["vocabularies"]["sex"] == {"1": "F", "2": "M"}
    patients = pd.read_csv(f"{EXPORT}/patients.csv", dtype=str, keep_default_na=False)
    patients["sex"] = patients["sex"].map({"F": "1", "M": "2"})
    patients["antibody"] = patients["antibody"].map(lambda code: str(numbered[code]))
    patients.to_csv(tmp_path / "patients.csv", index=False)
    raw = {"patients": str(tmp_path / "patients.csv"), "measurements": MEASUREMENTS}
    tables = extract_cohort(raw, coded)
    pd.testing.assert_frame_equal(tables["subjects"], shipped["subjects"])
    assert (tables["subjects"]["sex"] == "M").sum() == 1  # 39 women of 40


def test_a_label_yaml_reads_as_true_or_false_is_refused(tmp_path):
    (tmp_path / "c.yaml").write_text("vocabularies:\n  sex:\n    yes: F\n", "utf-8")
    with pytest.raises(SettingsError) as error:
        cohort_settings({"cohorts": {"c": "c.yaml"}}, "c", tmp_path)
    assert str(error.value) == (
        "c.yaml: vocabularies.sex has a label YAML reads as True, not as printed text; write it "
        'in quotes, e.g. "yes": ...'
    )


def with_units(tmp_path, settings, change=None):
    """The export's measurements with a unit column: CK in ukat/L (value / 60) on the rows
    whose U/L value is a multiple of 3 (so that the ukat/L value prints exactly, 189 -> 3.15)
    and in IU/L elsewhere, the scores in points but CDASI with an empty unit cell."""
    rows = pd.read_csv(MEASUREMENTS, dtype=str, keep_default_na=False)
    units = {"CDASI": "", "MMT8": "points", "CK": "IU/L", "HAQ-DI": "points"}
    rows["unit"] = rows["measure"].map(units)
    numbers = pd.to_numeric(rows["value"], errors="coerce")
    ukat = rows["measure"].eq("CK") & (numbers % 3 == 0)
    rows.loc[ukat, "value"] = (numbers[ukat] / 60).map(lambda v: f"{v:g}")
    rows.loc[ukat, "unit"] = "ukat/L"
    if change is not None:
        change(rows)
    rows.to_csv(tmp_path / "measurements.csv", index=False)
    united = copy.deepcopy(settings)
    united["measurement_columns"]["unit"] = "unit"
    united["measures"]["CK"]["units"] = {"ukat/L": 60}
    united["measures"]["CDASI"]["units"] = {"": 1}  # a score exported without its unit
    raw = {"patients": f"{EXPORT}/patients.csv", "measurements": str(tmp_path / "measurements.csv")}
    return raw, united, int(ukat.sum())


def test_ck_in_two_units_is_converted_and_keeps_its_printed_unit(export, tmp_path):
    settings, shipped = export
    raw, united, n_converted = with_units(tmp_path, settings)
    measurements = extract_cohort(raw, united)["measurements"]
    same = shipped["measurements"].columns.drop("source_cell")
    pd.testing.assert_frame_equal(measurements[same], shipped["measurements"][same])
    s008 = measurements.query("subject_id == 'S008' and parameter == 'CK' and visit == 'D0'")
    assert s008[["value", "source_cell", "source_unit"]].values.tolist() == [
        [189.0, "3.15", "ukat/L"]
    ]
    assert (measurements["source_unit"] == "ukat/L").sum() == n_converted == 26
    # a patient, measure and visit without a row has no unit either
    assert set(measurements.loc[measurements["source_cell"] == "(no row)", "source_unit"]) == {""}


def test_an_undeclared_unit_names_patient_visit_measure_value_and_unit(export, tmp_path):
    settings, _ = export

    def mg(rows):
        rows.loc[1, "unit"] = "mg/dL"  # S008's baseline CK

    raw, united, _ = with_units(tmp_path, settings, mg)
    with pytest.raises(InputError) as error:
        extract_cohort(raw, united)
    assert str(error.value).splitlines()[2] == (
        "  - patient S008, column 'unit', value 'mg/dL': unit not declared for CK (value "
        "'3.15', visit 'Day 0'); CK is in 'IU/L' or 'ukat/L'; declare another unit and its "
        "factor under the measure's units:"
    )


CODES = ("CS", "HCQ", "MTX", "AZA", "IVIg", "MMF", "RTX", "CYC")


def checkbox_export(tmp_path, settings, change=None):
    """The export's patients file with one REDCap-style column an answer (prior_tx___cs = 1
    or 0) instead of its list; 'none' is every box 0."""
    patients = pd.read_csv(f"{EXPORT}/patients.csv", dtype=str, keep_default_na=False)
    lists = patients.pop("prior_treatments").str.split(", ")
    for code in CODES:
        patients[f"prior_tx___{code.lower()}"] = lists.map(lambda items: str(int(code in items)))
    if change is not None:
        change(patients)
    patients.to_csv(tmp_path / "patients.csv", index=False)
    boxed = copy.deepcopy(settings)
    del boxed["columns"]["prior_treatment"]
    boxed["prior_treatment_checkboxes"] = {f"prior_tx___{c.lower()}": c for c in CODES}
    raw = {"patients": str(tmp_path / "patients.csv"), "measurements": MEASUREMENTS}
    return raw, boxed, patients


def test_checkbox_columns_give_the_same_lists_and_table_1_prints_them_back(export, tmp_path):
    settings, shipped = export
    raw, boxed, patients = checkbox_export(tmp_path, settings)
    tables = extract_cohort(raw, boxed)
    pd.testing.assert_frame_equal(tables["subjects"], shipped["subjects"])
    order = ["subject_id", "treatment"]
    pd.testing.assert_frame_equal(
        tables["prior_treatments"].sort_values(order, ignore_index=True),
        shipped["prior_treatments"].sort_values(order, ignore_index=True),
    )
    # S001 and S022 check no box: no previous treatment; S008 checks five
    n_prior = tables["subjects"].set_index("subject_id")["n_prior_treatments"]
    assert (n_prior["S001"], n_prior["S022"], n_prior["S008"]) == (0, 0, 5)
    table = publication_table1(tables, boxed)
    boxes = list(boxed["prior_treatment_checkboxes"])
    assert table[boxes].to_numpy().tolist() == patients[boxes].to_numpy().tolist()


def test_a_checkbox_that_is_not_1_or_0_or_a_half_answered_question(export, tmp_path):
    settings, _ = export

    def spoil(patients):
        patients.loc[1, "prior_tx___cs"] = "2"  # S002
        patients.loc[2, "prior_tx___mtx"] = "NA"  # S003, other boxes answered

    raw, boxed, _ = checkbox_export(tmp_path, settings, spoil)
    with pytest.raises(InputError) as error:
        extract_cohort(raw, boxed)
    assert str(error.value).splitlines()[2:4] == [
        "  - patient S002, column 'prior_tx___cs', value '2': a checkbox is 1 (checked) or 0 "
        "(not checked), or a word for missing",
        "  - patient S003, column 'prior_tx___mtx': this box is missing while others of the "
        "question are answered",
    ]


def test_a_none_box_of_its_own_keeps_none_apart_from_unanswered(export, tmp_path):
    # the question has its own "none" box (prior_tx___none, mapped to the cohort's word for
    # none): S001 and S022 check it; S003 (MTX) is left with no box checked, which is then
    # "not answered", not "none"
    settings, _ = export

    def none_box(patients):
        patients["prior_tx___none"] = patients["prior_tx___cs"].map(lambda _: "0")
        patients.loc[patients["patient_id"].isin(["S001", "S022"]), "prior_tx___none"] = "1"
        patients.loc[patients["patient_id"] == "S003", "prior_tx___mtx"] = "0"

    raw, boxed, _ = checkbox_export(tmp_path, settings, none_box)
    boxed["prior_treatment_checkboxes"]["prior_tx___none"] = "none"
    n_prior = extract_cohort(raw, boxed)["subjects"].set_index("subject_id")["n_prior_treatments"]
    assert (n_prior["S001"], n_prior["S022"]) == (0, 0)
    assert pd.isna(n_prior["S003"]) and n_prior.isna().sum() == 1

    def contradiction(patients):
        none_box(patients)
        patients.loc[patients["patient_id"] == "S001", "prior_tx___cs"] = "1"

    raw, boxed, _ = checkbox_export(tmp_path, settings, contradiction)
    boxed["prior_treatment_checkboxes"]["prior_tx___none"] = "none"
    with pytest.raises(InputError) as error:
        extract_cohort(raw, boxed)
    assert str(error.value).splitlines()[2] == (
        "  - patient S001, column 'prior_tx___none', value '1': 'no previous treatment' is "
        "checked together with a treatment"
    )
