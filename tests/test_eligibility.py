"""Eligibility and endpoint attainability per patient, against values worked out by hand
from Table 1, and the settings that state the criteria."""

import copy
import math

import jsonschema
import numpy as np
import pandas as pd
import pytest
import yaml

from clinrepro.audit.eligibility import (
    ATTAINABILITY_COLUMNS,
    ELIGIBILITY_COLUMNS,
    ELIGIBILITY_SUMMARY_COLUMNS,
    attainability,
    attainability_summary,
    eligibility,
    eligibility_summary,
    printed_bounds,
)
from clinrepro.adam.endpoints import build_adeff, build_adsl, read_adeff, read_adsl
from clinrepro.reading.extract import extract_cohort
from clinrepro.base.settings import cohort_problems, variant_settings
from conftest import ROOT, cohort_of
from workflow import copy_project, snakemake

WIDE = "synthetic_upadacitinib"


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))


def datasets(cohort: dict, analysis: dict):
    tables = extract_cohort(cohort["raw"]["table"], cohort)
    adsl = build_adsl(tables, analysis, cohort["baseline_visit"])
    return adsl, build_adeff(tables["measurements"], adsl, analysis, cohort)


@pytest.fixture(scope="module")
def pilot(cohort, analysis):
    return datasets(cohort, analysis)


def of(table: pd.DataFrame, role: str) -> pd.DataFrame:
    return table[table["role"] == role].set_index("patient")


def patients(rows: pd.DataFrame, column: str, flag: str) -> list[int]:
    return sorted(rows.index[rows[column] == flag].astype(int))


# ---- attainability


def test_mmt8_gain_of_20_percent_is_attainable_only_from_125_or_below(pilot, analysis, cohort):
    table = attainability(*pilot, analysis, cohort)
    assert list(table.columns) == ATTAINABILITY_COLUMNS
    muscle = of(table, "muscle")
    # active muscle disease (MMT8 < 150 at baseline): 1:145, 4:131, 5:146, 7:69, 8:131,
    # 11:144, 13:79, 14:109, 15:135
    assert muscle.index.tolist() == ["1", "4", "5", "7", "8", "11", "13", "14", "15"]
    assert muscle["baseline"].tolist() == [145, 131, 146, 69, 131, 144, 79, 109, 135]
    assert (muscle["population"] == "ACTMUSFL").all()
    assert (muscle["criterion"] == "MMT8 increase >= 20% at M3").all()
    # +20% needs 1.2 x baseline <= 150, i.e. baseline <= 125: only 7 (69), 13 (79), 14 (109)
    assert patients(muscle, "attainable", "Y") == [7, 13, 14]
    assert patients(muscle, "attainable", "N") == [1, 4, 5, 8, 11, 15]
    # best possible = 100 * (150 - baseline) / baseline
    assert muscle.loc["7", "best_possible"] == pytest.approx(100 * 81 / 69)  # 117.4%
    assert muscle.loc["14", "best_possible"] == pytest.approx(100 * 41 / 109)  # 37.6%
    assert muscle.loc["15", "best_possible"] == pytest.approx(100 * 15 / 135)  # 11.1%
    assert muscle.loc["1", "best_possible"] == pytest.approx(100 * 5 / 145)  # 3.4%
    # 11 has no M3: not evaluable, no response either way; the other 8 are evaluable
    assert patients(muscle, "evaluable", "N") == [11]
    assert muscle.loc["11", "responder"] == "" and math.isnan(muscle.loc["11", "followup"])
    # the only responder is 7: 69 -> 93, +24 = +34.8%; 14 gained 109 -> 124, +13.8%
    assert patients(muscle, "responder", "Y") == [7]
    assert muscle.loc["7", "improvement"] == pytest.approx(100 * 24 / 69)
    assert muscle.loc["14", "improvement"] == pytest.approx(100 * 15 / 109)
    assert muscle.loc["13", "improvement"] == pytest.approx(100 * -1 / 79)  # 79 -> 78


def test_cdasi_decrease_of_5_is_attainable_from_5_or_above(pilot, analysis, cohort):
    table = attainability(*pilot, analysis, cohort)
    cutaneous = of(table, "cutaneous")
    # CDASI >= 10 at baseline (all but 11 and 14): floor 0, best possible = baseline >= 10
    assert patients(cutaneous, "attainable", "Y") == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 15, 16]
    assert cutaneous.loc["9", "best_possible"] == 10
    # every one has M3; all fell by >= 5 but 9 (10 -> 7, a fall of 3)
    assert patients(cutaneous, "evaluable", "Y") == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 15, 16]
    assert patients(cutaneous, "responder", "N") == [9]
    assert cutaneous.loc["16", "improvement"] == 6  # 10 -> 4


def test_denominators_both_ways(pilot, analysis, cohort):
    summary = attainability_summary(attainability(*pilot, analysis, cohort)).set_index("role")
    muscle = summary.loc["muscle"]
    # 9 active; 3 can reach +20% (7, 13, 14); 8 evaluable (not 11), the same 3 among them;
    # 1 responder (7): 1/8 = 12.5%, 1/3 = 33.3%
    assert muscle[
        ["n_patients", "n_attainable", "n_evaluable", "n_evaluable_attainable", "n_responders"]
    ].tolist() == [9, 3, 8, 3, 1]
    assert muscle["pct_of_evaluable"] == 12.5
    assert muscle["pct_of_evaluable_attainable"] == pytest.approx(100 / 3)
    assert muscle["words"] == "1 of 8 evaluable, 1 of 3 who could respond"
    # 14 with active cutaneous disease, all evaluable and able to fall by 5; 13 responded
    assert summary.loc["cutaneous", "words"] == "13 of 14 evaluable, 13 of 14 who could respond"
    assert summary.loc["cutaneous", "pct_of_evaluable"] == pytest.approx(100 * 13 / 14)


def test_every_patient_under_the_all_patients_variant(pilot, config, cohort):
    analysis = variant_settings(config, "all_patients", cohort)
    table = attainability(*pilot, analysis, cohort)
    cutaneous = of(table, "cutaneous")
    # CDASI at baseline: 11 has 5, and 5 - 0 = 5 still reaches a fall of 5; 14 has 0
    assert cutaneous.loc["11", "attainable"] == "Y"
    assert cutaneous.loc["14", ["best_possible", "attainable"]].tolist() == [0, "N"]
    muscle = of(table, "muscle")
    # MMT8: 3 has no baseline (attainable empty); 150 at baseline leaves +0%
    assert muscle.loc["3", ["attainable", "evaluable", "responder"]].tolist() == ["", "N", ""]
    assert muscle.loc["2", ["best_possible", "attainable"]].tolist() == [0, "N"]
    summary = attainability_summary(table).set_index("role")
    # cutaneous: 16 patients; 11 has no M3, so 15 evaluable, 14 of them (not 14) able to
    # fall by 5; responders as before, 13
    assert summary.loc["cutaneous", "words"] == "13 of 15 evaluable, 13 of 14 who could respond"
    # muscle: 16 patients; evaluable: all but 3 (no baseline) and 11 (no M3) = 14;
    # attainable 7, 13, 14 as before
    assert summary.loc["muscle", ["n_patients", "n_attainable", "n_evaluable"]].tolist() == [
        16,
        3,
        14,
    ]
    assert summary.loc["muscle", "words"] == "1 of 14 evaluable, 1 of 3 who could respond"


def registry_frames():
    """Five patients by hand, in the settings of the registry example (HAQ 0-3, MMT8
    0-150, CK >= 0; D0 -> W24)."""
    adsl = pd.DataFrame({"SUBJID": ["P1", "P2", "P3", "P4", "P5"], "SAFFL": "Y"})
    values = {  # patient: (HAQ D0, HAQ W24, MMT8 D0, MMT8 W24, CK D0, CK W24)
        "P1": (0.0, 0.0, 125, 150, 40, 900),
        "P2": (2.0, 1.5, 126, 150, 40, 100),
        "P3": (np.nan, 1.0, 150, 150, np.nan, 80),
        "P4": (3.0, np.nan, 100, 100, 4000, 4100),
        "P5": (1.0, 0.0, 60, 72, 100, 100),
    }
    rows = [
        (patient, parameter, visit, value)
        for patient, measured in values.items()
        for (parameter, visit), value in zip(
            [(p, v) for p in ("HAQ", "MMT8", "CK") for v in ("D0", "W24")], measured
        )
    ]
    adeff = pd.DataFrame(rows, columns=["SUBJID", "PARAMCD", "AVISIT", "AVAL"])
    return adsl, adeff


def test_any_measure_range_and_direction():
    cohort = cohort_of("synthetic_registry_export")
    analysis = {
        "populations": {"haq": "SAFFL", "mmt8": "SAFFL", "ck": "SAFFL"},
        "response": {
            "haq": {"parameter": "HAQ", "visit": "W24", "measure": "percent_change",
                    "direction": "decrease", "threshold": 20},
            "mmt8": {"parameter": "MMT8", "visit": "W24", "measure": "percent_change",
                     "direction": "increase", "threshold": 20},
            # CK has no upper limit: any rise is possible
            "ck": {"parameter": "CK", "visit": "W24", "measure": "change",
                   "direction": "increase", "threshold": 500},
        },
    }  # fmt: skip
    table = attainability(*registry_frames(), analysis, cohort)
    haq = of(table, "haq")
    # HAQ -20%: from 0 there is nothing to lose (percent change from 0 is missing): not
    # attainable, not evaluable; P2 2.0 -> 1.5 = -25%, best -100%; P3 no baseline; P4 no
    # W24; P5 1.0 -> 0 = -100%
    assert haq["attainable"].tolist() == ["N", "Y", "", "Y", "Y"]
    assert haq["evaluable"].tolist() == ["N", "Y", "N", "N", "Y"]
    assert haq["responder"].tolist() == ["", "Y", "", "", "Y"]
    assert haq.loc["P2", ["improvement", "best_possible"]].tolist() == [25, 100]
    assert math.isnan(haq.loc["P1", "best_possible"])
    assert (haq["criterion"] == "HAQ decrease >= 20% at week 24").all()
    mmt8 = of(table, "mmt8")
    # +20% of 125 = 25 -> 150 exactly: attainable; of 126 = 25.2 -> 151.2 > 150: not;
    # P5 60 -> 72 = +20% exactly: a responder
    assert mmt8["best_possible"].tolist()[:2] == [20, pytest.approx(100 * 24 / 126)]
    assert mmt8["attainable"].tolist() == ["Y", "N", "N", "Y", "Y"]
    assert mmt8["responder"].tolist() == ["Y", "N", "N", "N", "Y"]
    ck = of(table, "ck")
    # a rise of 500 IU/L: always attainable from a known baseline; P1 40 -> 900 (+860)
    assert ck["best_possible"].tolist()[:2] == [np.inf, np.inf]
    assert ck["attainable"].tolist() == ["Y", "Y", "", "Y", "Y"]
    assert ck["responder"].tolist() == ["Y", "N", "", "N", "N"]
    summary = attainability_summary(table).set_index("role")
    assert summary["words"].tolist() == [
        "2 of 2 evaluable, 2 of 2 who could respond",
        "2 of 5 evaluable, 2 of 3 who could respond",
        "1 of 4 evaluable, 1 of 4 who could respond",
    ]


def test_no_one_in_a_population_gives_zeros_not_errors():
    cohort = cohort_of("synthetic_registry_export")
    adsl, adeff = registry_frames()
    analysis = {
        "populations": {"haq": "SAFFL"},
        "response": {"haq": {"parameter": "HAQ", "visit": "W24", "measure": "change",
                             "direction": "decrease", "threshold": 0.5}},
    }  # fmt: skip
    table = attainability(adsl.assign(SAFFL="N"), adeff, analysis, cohort)
    assert table.empty and list(table.columns) == ATTAINABILITY_COLUMNS
    summary = attainability_summary(table)
    assert summary.empty


# ---- eligibility


def test_pilot_eligibility_per_patient(pilot, cohort):
    table = eligibility(*pilot, cohort)
    assert list(table.columns) == ELIGIBILITY_COLUMNS
    # 5 criteria x 16 patients
    assert len(table) == 80
    onset = table[table["criterion"] == "adult onset"].set_index("patient")
    assert (onset["definition"] == "AGE - DISDUR >= 18").all()
    assert (onset["source"] == "text l.67").all()
    # onset age = age - disease duration: 6: 50 - 37 = 13; 15: 45 - 29 = 16; 14: 18 - 0.9
    assert onset.loc["6", "value"] == 13
    assert onset.loc["15", "value"] == 16
    assert onset.loc["14", "value"] == pytest.approx(17.1)
    assert onset.loc["13", "value"] == pytest.approx(73.9)  # 74 - 0.1
    # ages in completed years, durations rounded: 6 is 50-51 minus 36.5-37.5, onset 12.5 to
    # under 14.5; 15: 45-46 minus 28.5-29.5, 15.5 to under 17.5; both fail whatever the
    # rounding. 14: 18-19 minus 0.85-0.95, 17.05 to under 18.15: cannot be decided
    assert patients(onset, "meets", "N") == [6, 15]
    assert patients(onset, "meets", "cannot be decided") == [14]
    assert onset.loc["6", ["low", "high"]].tolist() == pytest.approx([12.5, 14.5])
    assert onset.loc["15", ["low", "high"]].tolist() == pytest.approx([15.5, 17.5])
    assert onset.loc["14", ["low", "high"]].tolist() == pytest.approx([17.05, 18.15])
    assert onset.loc["13", ["low", "high"]].tolist() == pytest.approx([73.85, 74.95])
    assert onset["reading"].iloc[0].startswith("our reading: the paper says 'adult DM patients'")
    adult = table[table["criterion"] == "adult at inclusion"].set_index("patient")
    # 14 is 18 in completed years: 18 to under 19, an adult whatever the day
    assert adult.loc["14", ["low", "high", "meets"]].tolist() == [18, 19, "Y"]
    assert (adult["reading"] == "").all()
    cdasi = table[table["criterion"] == "active cutaneous disease"].set_index("patient")
    # CDASI >= 10 at M0: not 11 (5) nor 14 (0); 9 and 16 have exactly 10
    assert patients(cdasi, "meets", "N") == [11, 14]
    assert cdasi.loc[["11", "14", "9"], "value"].tolist() == [5, 0, 10]
    assert cdasi.loc["9", "meets"] == "Y"
    prior = table[table["criterion"] == "at least one previous immunosuppressant"]
    # 13 lists "None"; 1 lists CS, HCQ, IVIg, PLEX, MTX, AZA = 6
    prior = prior.set_index("patient")
    assert prior.loc[["13", "1"], "value"].tolist() == [0, 6]
    assert patients(prior, "meets", "N") == [13]
    mda5 = table[table["criterion"] == "anti-MDA5 antibody"].set_index("patient")
    assert patients(mda5, "meets", "Y") == [12, 13, 16]
    assert mda5.loc["14", "category"] == "NXP2" and math.isnan(mda5.loc["14", "value"])
    assert (onset["category"] == "").all()


def test_pilot_eligibility_summary(pilot, cohort):
    summary = eligibility_summary(eligibility(*pilot, cohort)).set_index("criterion")
    assert list(summary.reset_index().columns) == ELIGIBILITY_SUMMARY_COLUMNS
    assert summary.index.tolist() == [
        "adult at inclusion",
        "adult onset",
        "active cutaneous disease",
        "at least one previous immunosuppressant",
        "anti-MDA5 antibody",
    ]
    counts = summary[["n_patients", "n_meets", "n_not_meeting", "n_unknown"]]
    assert counts.values.tolist() == [
        [16, 16, 0, 0],  # the youngest, 14, is 18
        [16, 13, 2, 0],  # 6 (13), 15 (16); 14 (17.1) cannot be decided
        [16, 14, 2, 0],  # 11 (5), 14 (0)
        [16, 15, 1, 0],  # 13 (None)
        [16, 3, 13, 0],  # 12, 13, 16
    ]
    assert summary.loc["adult onset", "patients_not_meeting"] == "6, 15"
    assert summary.loc["adult onset", ["n_undecided", "patients_undecided"]].tolist() == [1, "14"]
    assert summary.loc["adult at inclusion", "n_undecided"] == 0
    assert summary.loc["active cutaneous disease", "patients_not_meeting"] == "11, 14"
    assert summary.loc["active cutaneous disease", "definition"] == "CDASI >= 10 at M0"
    assert summary.loc["adult at inclusion", "patients_not_meeting"] == ""
    listed = eligibility_summary(eligibility(*pilot, cohort), max_listed=1)
    assert listed.set_index("criterion").loc["adult onset", "patients_not_meeting"] == (
        "6 and 1 more"
    )


def test_missing_values_are_unknown_not_failures(pilot, cohort):
    adsl, adeff = pilot
    adsl = adsl.assign(DISDUR=adsl["DISDUR"].where(adsl["SUBJID"] != "6"))
    adeff = adeff.assign(
        AVAL=adeff["AVAL"].where(
            ~((adeff["SUBJID"] == "11") & (adeff["PARAMCD"] == "CDASI") & (adeff["AVISIT"] == "M0"))
        )
    )
    summary = eligibility_summary(eligibility(adsl, adeff, cohort)).set_index("criterion")
    # 6's onset age and 11's baseline CDASI are now unknown; 14 still cannot be decided
    assert summary.loc["adult onset", ["n_meets", "n_not_meeting", "n_unknown"]].tolist() == [
        13,
        1,
        1,
    ]
    assert summary.loc["adult onset", "patients_unknown"] == "6"
    assert summary.loc["adult onset", "patients_not_meeting"] == "15"
    cutaneous = summary.loc["active cutaneous disease"]
    assert cutaneous[["n_meets", "n_not_meeting", "n_unknown"]].tolist() == [14, 1, 1]


def test_tables_as_written_and_read_back(pilot, cohort, analysis, tmp_path):
    adsl, adeff = pilot
    adsl.to_csv(tmp_path / "adsl.csv", index=False)
    adeff.to_csv(tmp_path / "adeff.csv", index=False)
    read = read_adsl(str(tmp_path / "adsl.csv")), read_adeff(str(tmp_path / "adeff.csv"))
    pd.testing.assert_frame_equal(eligibility(*read, cohort), eligibility(*pilot, cohort))
    pd.testing.assert_frame_equal(
        attainability(*read, analysis, cohort), attainability(*pilot, analysis, cohort)
    )


def test_records_in_any_order_or_absent_give_the_same_tables(pilot, cohort, analysis):
    adsl, adeff = pilot
    shuffled = adeff.sample(frac=1, random_state=1)
    pd.testing.assert_frame_equal(eligibility(adsl, shuffled, cohort), eligibility(*pilot, cohort))
    pd.testing.assert_frame_equal(
        attainability(adsl, shuffled, analysis, cohort), attainability(*pilot, analysis, cohort)
    )
    # 11's M3 records left out rather than missing: still no M3 value, not evaluable
    absent = shuffled[~((shuffled["SUBJID"] == "11") & (shuffled["AVISIT"] == "M3"))]
    pd.testing.assert_frame_equal(
        attainability(adsl, absent, analysis, cohort), attainability(*pilot, analysis, cohort)
    )


def test_a_cohort_without_criteria_gives_empty_tables_with_the_columns(config):
    cohort = cohort_of(WIDE)
    assert "eligibility" not in cohort
    adsl, adeff = datasets(cohort, variant_settings(config, "paper", cohort))
    table = eligibility(adsl, adeff, cohort)
    assert table.empty and list(table.columns) == ELIGIBILITY_COLUMNS
    summary = eligibility_summary(table)
    assert summary.empty and list(summary.columns) == ELIGIBILITY_SUMMARY_COLUMNS


def test_another_cohorts_criteria(config):
    cohort = cohort_of(WIDE) | {
        "eligibility": [
            {"name": "adult onset", "characteristic": "AGE", "minus": "DISDUR",
             "comparator": ">=", "threshold": 18},
            {"name": "MMT8 below 120", "measure": "MMT8", "comparator": "<", "threshold": 120},
            {"name": "women", "characteristic": "SEX", "equals": "F"},
        ]
    }  # fmt: skip
    adsl, adeff = datasets(cohort, variant_settings(config, "paper", cohort))
    table = eligibility(adsl, adeff, cohort).set_index(["criterion", "patient"])
    # data/raw/synthetic_upadacitinib/table.csv: S001 42 years, 3.4 years of disease;
    # S003 23 and 22 -> onset at 1; MMT8 at baseline S001 119, S004 149
    assert table.loc[("adult onset", "S001"), "value"] == pytest.approx(38.6)
    assert table.loc[("adult onset", "S003"), ["value", "meets"]].tolist() == [1, "N"]
    assert table.loc[("MMT8 below 120", "S001"), ["value", "meets"]].tolist() == [119, "Y"]
    assert table.loc[("MMT8 below 120", "S004"), ["value", "meets"]].tolist() == [149, "N"]
    assert table.loc[("MMT8 below 120", "S001"), "definition"] == "MMT8 < 120 at M0"
    assert table.loc[("women", "S001"), ["category", "meets"]].tolist() == ["F", "Y"]
    assert (table["source"] == "").all()


def test_the_printed_precision_bounds_the_decision(pilot, cohort):
    adsl, adeff = pilot

    def onset_of_14(age, duration, printed):
        changed = adsl.assign(
            AGE=adsl["AGE"].where(adsl["SUBJID"] != "14", age),
            DISDUR=adsl["DISDUR"].where(adsl["SUBJID"] != "14", duration),
        )
        settings = cohort | {"characteristics_printed": printed}
        table = eligibility(changed, adeff, settings).set_index(["criterion", "patient"])
        return table.loc[("adult onset", "14"), ["low", "high", "meets"]].tolist()

    # aged 17 in completed years, a duration of 0 taken as exact: onset 17 to under 18,
    # which fails 18 or more (the upper bound is excluded)
    assert onset_of_14(17, 0, {"AGE": "completed"}) == [17, 18, "N"]
    # the duration printed 0, rounded: 16.5 to under 18.5, cannot be decided
    both = {"AGE": "completed", "DISDUR": "rounded"}
    assert onset_of_14(17, 0, both) == [16.5, 18.5, "cannot be decided"]
    # 18 minus 0.4 (0.35 to 0.45): 17.55 to under 18.65; read as exact, 17.6 fails
    assert onset_of_14(18, 0.4, both) == pytest.approx([17.55, 18.65, "cannot be decided"])
    assert onset_of_14(18, 0.4, {}) == pytest.approx([17.6, 17.6, "N"])


def test_printed_bounds_of_each_kind():
    values = np.array([18.0, 0.9, 37.0])
    low, high, excluded = printed_bounds(values, "completed")
    assert (low.tolist(), high.tolist(), excluded) == ([18, 0.9, 37], [19, 1.9, 38], True)
    low, high, excluded = printed_bounds(values, "rounded")
    assert low.tolist() == pytest.approx([17.5, 0.85, 36.5]) and not excluded
    assert high.tolist() == pytest.approx([18.5, 0.95, 37.5])
    assert printed_bounds(values, "exact")[0].tolist() == [18, 0.9, 37]


# ---- settings


def schema_errors(settings: dict) -> list[str]:
    schema = yaml.safe_load((ROOT / "config/schema/cohort.schema.yaml").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    return [error.message for error in validator.iter_errors(settings)]


def with_criterion(name: str, **criterion) -> dict:
    return cohort_of(name) | {"eligibility": [{"name": "x", **criterion}]}


def test_the_schema_takes_the_criteria_and_refuses_what_does_not_fit():
    assert schema_errors(cohort_of("landon_cardinal_2022")) == []
    assert schema_errors(cohort_of(WIDE) | {"eligibility_rule": "all of them"}) == []
    numeric = {"characteristic": "AGE", "comparator": ">=", "threshold": 18}
    assert schema_errors(with_criterion(WIDE, **numeric)) == []
    # an unknown key
    assert schema_errors(with_criterion(WIDE, **numeric, visit="M0")) == [
        "Additional properties are not allowed ('visit' was unexpected)"
    ]
    # a comparator without its threshold; minus without a comparator
    assert schema_errors(with_criterion(WIDE, characteristic="AGE", comparator=">=")) == [
        "'threshold' is a dependency of 'comparator'"
    ]
    assert "'comparator' is a dependency of 'minus'" in schema_errors(
        with_criterion(WIDE, characteristic="AGE", minus="DISDUR", equals="F")
    )
    # both a measure and a characteristic; neither a comparison nor a code
    assert schema_errors(with_criterion(WIDE, measure="CDASI", **numeric))
    assert schema_errors(with_criterion(WIDE, characteristic="ABTYPE"))
    assert schema_errors(with_criterion(WIDE, characteristic="ABTYPE", equals="MDA5", **{
        "comparator": ">=", "threshold": 1}))  # fmt: skip
    # how the characteristics are printed: known kinds of known characteristics only
    printed = cohort_of(WIDE) | {"characteristics_printed": {"AGE": "completed"}}
    assert schema_errors(printed) == []
    assert schema_errors(printed | {"characteristics_printed": {"AGE": "truncated"}})
    assert schema_errors(printed | {"characteristics_printed": {"BMI": "rounded"}})


def test_criteria_naming_what_the_cohort_does_not_have_are_refused(config):
    pilot = cohort_of("landon_cardinal_2022")
    analyses = {"paper": variant_settings(config, "paper", pilot)}
    assert cohort_problems(pilot, analyses, pilot["key_claims"]) == []
    wide = cohort_of(WIDE) | {"file": "config/cohorts/synthetic_upadacitinib.yaml"}
    wide["eligibility"] = [
        {"name": "interferon", "measure": "IFNA", "comparator": ">", "threshold": 0},
        {"name": "weight", "characteristic": "BMI", "comparator": "<", "threshold": 30},
        {"name": "onset", "characteristic": "AGE", "minus": "SEX", "comparator": ">=",
         "threshold": 18},
        {"name": "anti-MDA5", "characteristic": "ABTYPE", "equals": "anti-MDA5"},
        {"name": "antibody count", "characteristic": "ABTYPE", "comparator": ">=",
         "threshold": 1},
        {"name": "old", "characteristic": "AGE", "equals": "80"},
    ]  # fmt: skip
    file = "(config/cohorts/synthetic_upadacitinib.yaml)"
    assert cohort_problems(wide, {"paper": variant_settings(config, "paper", wide)}, None) == [
        f"eligibility.0.measure of 'interferon' names 'IFNA' {file}, which is not among the "
        "cohort's measures (CDASI, MMT8, CK)",
        f"eligibility.1.characteristic of 'weight' names 'BMI' {file}, which is not a patient "
        "characteristic (AGE, DISDUR, NPRIOR, SEX, ABTYPE)",
        f"eligibility.2.minus of 'onset' names 'SEX' {file}, which is a category and cannot be "
        "subtracted",
        f"eligibility.3.equals of 'anti-MDA5' names 'anti-MDA5' {file}, which is not a code of "
        "the cohort's antibody vocabulary (TIF1G, SAE, MDA5, NXP2, MI2, SERONEG)",
        f"eligibility.4.characteristic of 'antibody count' names 'ABTYPE' {file}, which is a "
        "category: give equals: a code, not comparator:",
        f"eligibility.5.characteristic of 'old' names 'AGE' {file}, which is a number: give "
        "comparator: and threshold:, not equals:",
    ]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("eligibility"))


def test_a_criterion_the_cohort_cannot_check_stops_the_run_before_any_job(project):
    path = project / f"config/cohorts/{WIDE}.yaml"
    settings = yaml.safe_load(path.read_text("utf-8"))
    settings["eligibility"] = [
        {"name": "HAQ at most 1", "measure": "HAQ", "comparator": "<=", "threshold": 1}
    ]
    path.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), "utf-8")
    run = snakemake(project, "-n", "--config", f"run={{cohorts: [{WIDE}], variants: [paper]}}")
    said = run.stdout + run.stderr
    assert run.returncode != 0
    assert (
        f"The settings of cohort '{WIDE}' (config/cohorts/{WIDE}.yaml) do not fit together:" in said
    )
    assert (
        f"eligibility.0.measure of 'HAQ at most 1' names 'HAQ' (config/cohorts/{WIDE}.yaml), "
        "which is not among the cohort's measures (CDASI, MMT8, CK)" in said
    )
    assert "Job stats" not in said and "Traceback" not in said
