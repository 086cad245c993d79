"""ADSL and ADEFF derivations against values worked out by hand from Table 1."""

import copy
import math

import pandas as pd
import pytest
import yaml

from clinrepro.adam.endpoints import build_adeff, build_adsl, derive_percent_change
from clinrepro.base.settings import variant_settings
from clinrepro.base.study import criterion_text
from conftest import ROOT, cohort_of

PILOT = cohort_of("landon_cardinal_2022")


@pytest.fixture(scope="module")
def adsl(tables, analysis):
    return build_adsl(tables, analysis, "M0").set_index("SUBJID")


def adeff_for(tables, analysis):
    subjects = build_adsl(tables, analysis, "M0")
    adeff = build_adeff(tables["measurements"], subjects, analysis, PILOT)
    return adeff.set_index(["SUBJID", "PARAMCD", "AVISIT"])


def flagged(adsl, flag):
    return sorted((adsl.index[adsl[flag] == "Y"]).astype(int).tolist())


def test_population_flags(adsl):
    # CDASI >= 10 at baseline: all but patient 11 (5) and patient 14 (0)
    assert flagged(adsl, "ACTCUTFL") == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 15, 16]
    # MMT8 < 150 at baseline; patient 3 has no baseline MMT8 and is not flagged
    assert flagged(adsl, "ACTMUSFL") == [1, 4, 5, 7, 8, 11, 13, 14, 15]
    assert flagged(adsl, "ACTBOTFL") == [1, 4, 5, 7, 8, 13, 15]
    assert flagged(adsl, "SAFFL") == list(range(1, 17))


def test_adsl_characteristics(adsl):
    assert adsl.loc["1", "USUBJID"] == "LC2022-1"
    assert adsl.loc["12", "TRT01A"] == "baricitinib 2 mg/day"
    assert adsl.loc["1", "PRIORTRT"] == "CS;HCQ;IVIg;PLEX;MTX;AZA"
    assert adsl.loc["13", ["NPRIOR", "ANYPRIOR", "PRIORTRT"]].tolist() == [0, "N", ""]


def test_baseline_change_and_percent_change(tables, analysis):
    adeff = adeff_for(tables, analysis)
    row = adeff.loc[("1", "CDASI", "M3")]
    assert (row["AVAL"], row["BASE"], row["CHG"]) == (15, 26, -11)
    assert row["PCHG"] == pytest.approx(-11 / 26 * 100)
    baseline = adeff.loc[("1", "CDASI", "M0")]
    assert baseline["ABLFL"] == "Y" and math.isnan(baseline["CHG"])
    zero = adeff.loc[("14", "CDASI", "M3")]  # 0 -> 0: change 0, percent change missing
    assert zero["CHG"] == 0 and math.isnan(zero["PCHG"])
    assert adeff.loc[("7", "MMT8", "M3"), "PCHG"] == pytest.approx((93 - 69) / 69 * 100)
    assert adeff.loc[("1", "IFNA", "M0"), "AVALSD"] == 19
    assert adeff.loc[("2", "IFNA", "M3"), "SRCCELL"] == "12 ± NA"
    assert len(adeff) == 128


def test_adeff_is_in_patient_parameter_visit_order_whatever_the_tidy_order(tables, analysis):
    subjects = build_adsl(tables, analysis, "M0")
    adeff = build_adeff(tables["measurements"], subjects, analysis, PILOT)
    # the pilot's 16 patients as ADSL lists them, each with CDASI, CK, IFNA, MMT8 (codes in
    # sorted order) at M0 then M3; each record numbered by its row in the tidy table
    patients = subjects["SUBJID"].tolist()
    assert adeff["SUBJID"].tolist() == [p for p in patients for _ in range(8)]
    assert adeff["PARAMCD"].astype(str).tolist()[:8] == [
        *("CDASI", "CDASI", "CK", "CK", "IFNA", "IFNA", "MMT8", "MMT8")
    ]
    assert adeff["AVISIT"].astype(str).tolist()[:4] == ["M0", "M3", "M0", "M3"]
    measured = tables["measurements"].loc[adeff.index]
    assert adeff["AVAL"].equals(measured["value"])
    assert (adeff["SRCCELL"] == measured["source_cell"]).all()
    # the same dataset from the tidy rows in another order, numbered by their new rows
    shuffled = tables["measurements"].sample(frac=1, random_state=7).reset_index(drop=True)
    again = build_adeff(shuffled, subjects, analysis, PILOT)
    pd.testing.assert_frame_equal(again.reset_index(drop=True), adeff.reset_index(drop=True))
    assert shuffled.loc[again.index, "source_cell"].tolist() == adeff["SRCCELL"].tolist()


def test_percent_change_from_zero_baseline_is_missing_not_infinite():
    frame = pd.DataFrame({"CHG": [5.0, 0.0, -2.0], "BASE": [0.0, 0.0, 4.0]})
    result = derive_percent_change(frame)
    assert result["PCHG"].isna().tolist() == [True, True, False]
    assert result["PCHG"].iloc[2] == -50


def test_cutaneous_and_muscle_responders(tables, analysis):
    adeff = adeff_for(tables, analysis)
    cdasi = adeff.xs(("CDASI", "M3"), level=("PARAMCD", "AVISIT"))["CRIT1FL"]
    # CDASI decrease >= 5: patient 9 fell by 3, patient 14 stayed at 0; 11 has no M3
    assert sorted(cdasi[cdasi == "N"].index.astype(int)) == [9, 14]
    assert cdasi["11"] == ""
    assert sorted(cdasi[cdasi == "Y"].index.astype(int)) == [
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        10,
        12,
        13,
        15,
        16,
    ]
    mmt8 = adeff.xs(("MMT8", "M3"), level=("PARAMCD", "AVISIT"))["CRIT1FL"]
    # MMT8 increase >= 20%: only patient 7 (69 -> 93, +34.8%); patient 14 gained 13.8%
    assert mmt8[mmt8 == "Y"].index.tolist() == ["7"]
    assert mmt8["3"] == "" and mmt8["11"] == ""
    assert adeff.loc[("1", "CDASI", "M3"), "CRIT1"] == "CDASI decrease >= 5 points at M3"
    assert adeff.loc[("1", "CDASI", "M0"), "CRIT1"] == ""


def test_missing_response_counted_as_nonresponder(tables, analysis):
    settings = copy.deepcopy(analysis)
    settings["missing_response"] = "nonresponder"
    adeff = adeff_for(tables, settings)
    assert adeff.loc[("11", "CDASI", "M3"), ["CRIT1FL", "CRIT1IMP"]].tolist() == ["N", "Y"]
    assert adeff.loc[("11", "MMT8", "M3"), ["CRIT1FL", "CRIT1IMP"]].tolist() == ["N", "Y"]
    # no baseline MMT8: not evaluable under either policy
    assert adeff.loc[("3", "MMT8", "M3"), ["CRIT1FL", "CRIT1IMP"]].tolist() == ["", ""]


def test_thresholds_come_from_the_settings(tables, analysis):
    settings = copy.deepcopy(analysis)
    settings["response"]["cutaneous"]["threshold"] = 3
    settings["active_disease"]["cutaneous"]["threshold"] = 20
    adeff = adeff_for(tables, settings)
    assert adeff.loc[("9", "CDASI", "M3"), "CRIT1FL"] == "Y"  # a decrease of 3 now counts
    subjects = build_adsl(tables, settings, "M0").set_index("SUBJID")
    # CDASI >= 20: 26, 27, 44, 49, 49, 30, 29, 34, 20
    assert flagged(subjects, "ACTCUTFL") == [1, 2, 3, 4, 5, 6, 7, 8, 12]
    assert criterion_text(settings["response"]["muscle"], PILOT) == "MMT8 increase >= 20% at M3"


def variant_analysis(name):
    """The analysis settings of one of config/config.yaml's variants, for the pilot."""
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))
    return variant_settings(config, name, PILOT)


def variant_adsl(tables, name):
    return build_adsl(tables, variant_analysis(name), "M0").set_index("SUBJID")


def test_active_muscle_disease_at_the_trial_entry_level(tables):
    # MMT8 <= 142 at baseline: 4 (131), 7 (69), 8 (131), 13 (79), 14 (109), 15 (135); not
    # 1 (145), 5 (146) or 11 (144)
    subjects = variant_adsl(tables, "mmt8_142")
    assert flagged(subjects, "ACTMUSFL") == [4, 7, 8, 13, 14, 15]
    # and CDASI >= 10 (all but 11 and 14): 4, 7, 8, 13, 15
    assert flagged(subjects, "ACTBOTFL") == [4, 7, 8, 13, 15]


def test_ck_decides_where_mmt8_is_missing(tables):
    # patient 3 has no baseline MMT8 and CK 2559 > 1000 IU/L: active, with CDASI 44 both;
    # every other patient has a baseline MMT8, which alone decides (patient 11: CK 418)
    subjects = variant_adsl(tables, "ck_when_no_mmt8")
    assert flagged(subjects, "ACTMUSFL") == [1, 3, 4, 5, 7, 8, 11, 13, 14, 15]
    assert flagged(subjects, "ACTBOTFL") == [1, 3, 4, 5, 7, 8, 13, 15]
    # a threshold above patient 3's CK leaves the paper's 9
    strict = {"parameter": "CK", "comparator": ">", "threshold": 3000}
    settings = variant_analysis("ck_when_no_mmt8")
    settings["active_disease"]["muscle"]["otherwise"] = strict
    stricter = build_adsl(tables, settings, "M0").set_index("SUBJID")
    assert flagged(stricter, "ACTMUSFL") == [1, 4, 5, 7, 8, 11, 13, 14, 15]
