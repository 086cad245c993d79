"""The claims audit's rules: rounding, bounds, look-ups and what cannot be computed."""

import pandas as pd
import pytest
import yaml

from clinrepro.statistics.ard import ARD_COLUMNS
from clinrepro.audit.recompute import audit_claims, claim_status
from clinrepro.base.printed import round_half_up
from clinrepro.base.files import read_table
from conftest import ROOT, cohort_of

POPULATIONS = {"cohort": "SAFFL", "cutaneous": "ACTCUTFL", "muscle": "ACTMUSFL", "both": "ACTBOTFL"}
TESTS = {"default": "paired_t", "MMT8": "wilcoxon_signed_rank"}


def settings(tests=TESTS, populations=POPULATIONS):
    return {"populations": populations, "tests": tests}


def test_rounding_is_half_up_as_printed():
    assert str(round_half_up(87.5, 0)) == "88"
    assert str(round_half_up(43.75, 0)) == "44"
    assert str(round_half_up(0.125, 2)) == "0.13"
    assert str(round_half_up(2.5, 0)) == "3"  # Python's round() would give 2


@pytest.mark.parametrize(
    "recomputed, comparator, reported, precision, status",
    [
        (27.071428571428573, "=", 27, 0, "match"),
        (13.357142857142858, "=", 14, 0, "mismatch"),
        (92.85714285714286, "=", 90, 0, "mismatch"),
        (7.9e-06, "<", 0.0001, 4, "match"),
        (0.0001220703125, "<", 0.0001, 4, "mismatch"),
        (0.05, "<=", 0.05, 2, "match"),
        (0.029, ">", 0.05, 2, "mismatch"),
        (0.078125, ">", 0.05, 2, "match"),
    ],
)
def test_status(recomputed, comparator, reported, precision, status):
    assert claim_status(recomputed, comparator, reported, precision) == status


def ledger(**overrides):
    row = {
        "claim_id": "x",
        "description": "d",
        "reported": "unchanged",
        "comparator": ">",
        "value": 0.05,
        "precision": 2,
        "source": "paper",
        "location": "l.80",
        "quote": "q",
        "population": "muscle",
        "analysis": "paired_test",
        "parameter": "MMT8",
        "visit": "M3",
        "category": float("nan"),
        "statistic": "p_value",
        "not_computable_reason": float("nan"),
    }
    return pd.DataFrame([{**row, **overrides}])


ARD = pd.DataFrame(
    [
        ["paired_test", "ACTMUSFL", "MMT8", "M3", "", "paired_t", "n_pairs", 8.0, ""],
        ["paired_test", "ACTMUSFL", "MMT8", "M3", "", "paired_t", "p_value", 0.0298, "t note"],
        ["paired_test", "ACTMUSFL", "MMT8", "M3", "", "wilcoxon_signed_rank", "n_pairs", 8.0, ""],
        [
            "paired_test",
            "ACTMUSFL",
            "MMT8",
            "M3",
            "",
            "wilcoxon_signed_rank",
            "p_value",
            0.078125,
            "w",
        ],
    ],
    columns=ARD_COLUMNS,
)


def test_the_variant_chooses_the_test_and_the_other_is_shown():
    row = audit_claims(ledger(), ARD, settings()).iloc[0]
    assert (row["status"], row["recomputed"], row["method"], row["n"]) == (
        "match",
        0.078125,
        "wilcoxon_signed_rank",
        8,
    )
    assert row["other_methods"] == "paired_t: 0.0298"
    row = audit_claims(ledger(), ARD, settings({**TESTS, "MMT8": "paired_t"})).iloc[0]
    assert (row["status"], row["recomputed"]) == ("mismatch", 0.0298)


def test_not_computable_with_reason():
    row = audit_claims(
        ledger(analysis=float("nan"), statistic=float("nan"), not_computable_reason="no M6 data"),
        ARD,
        settings(),
    ).iloc[0]
    assert (row["status"], row["reason"]) == ("not_computable", "no M6 data")
    assert pd.isna(row["recomputed"])
    row = audit_claims(ledger(visit="M6"), ARD, settings()).iloc[0]
    assert row["status"] == "not_computable"
    assert row["reason"] == (
        "no result in the analysis results for analysis=paired_test, population=ACTMUSFL, "
        "parameter=MMT8, visit=M6, statistic=p_value, method=wilcoxon_signed_rank"
    )


def pilot_ledger_and_data(tables, analysis, cohort):
    """The pilot's ADSL, ADEFF and ARD under `analysis`, and its ledger."""
    from clinrepro.adam.endpoints import build_adeff, build_adsl
    from clinrepro.statistics.results import analysis_results

    adsl = build_adsl(tables, analysis, "M0")
    adeff = build_adeff(tables["measurements"], adsl, analysis, cohort)
    ard = analysis_results(adsl, adeff, analysis, "M0")
    ledger = read_table(
        str(ROOT / cohort["raw"]["claims"]),
        text_columns=("claim_id", "reported", "visit", "category"),
    )
    return adsl, adeff, ard, ledger


def test_the_cells_behind_a_claim_and_the_patients_it_leaves_out(tables, analysis, cohort):
    from clinrepro.audit.cells import claim_cells

    adsl, adeff, ard, ledger = pilot_ledger_and_data(tables, analysis, cohort)
    audit = audit_claims(ledger, ard, analysis)
    cells = claim_cells(ledger, audit, adsl, adeff, cohort)
    mean = cells[cells["claim_id"] == "mmt8_m0_mean"]
    used = mean[mean["used"] == "Y"]
    # MMT8 < 150 at baseline, Table 1: patients 1, 4, 5, 7, 8, 11, 13, 14, 15
    assert used["patient"].tolist() == ["1", "4", "5", "7", "8", "11", "13", "14", "15"]
    assert used["cell"].tolist() == ["145", "131", "146", "69", "131", "144", "79", "109", "135"]
    assert set(used["column"]) == {"MMT8 Baseline"}
    left = mean[mean["used"] == "N"]
    assert left["patient"].tolist() == ["2", "3", "6", "9", "10", "12", "16"]
    assert set(left["reason"]) == {"not in the population (ACTMUSFL)"}
    # the MMT8 test reads baseline and M3 of the 8 active-muscle patients with both values;
    # patient 11 (no M3 value, printed NA) is left out for it
    test = cells[cells["claim_id"] == "mmt8_m0_m3_p"]
    assert len(test[test["used"] == "Y"]) == 16
    eleven = test[(test["patient"] == "11") & (test["used"] == "N")]
    assert eleven[["reason", "column", "cell"]].values.tolist() == [
        ["no MMT8 value at M3", "MMT8 M3", "NA"]
    ]
    # a characteristic: every treated patient's printed sex
    women = cells[cells["claim_id"] == "n_female"]
    assert (len(women), women["cell"].value_counts().to_dict()) == (16, {"F": 15, "M": 1})


def test_a_patient_without_prior_treatment_shows_the_token_the_table_prints():
    from clinrepro.adam.endpoints import build_adeff, build_adsl
    from clinrepro.audit.cells import claim_cells
    from clinrepro.base.settings import variant_settings
    from clinrepro.reading.extract import extract_cohort
    from clinrepro.statistics.results import analysis_results

    cohort = cohort_of("synthetic_rheumatoid")
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))
    analysis = variant_settings(config, "paper", cohort)
    tables = extract_cohort({"table": cohort["raw"]["table"]}, cohort)
    adsl = build_adsl(tables, analysis, "W0")
    adeff = build_adeff(tables["measurements"], adsl, analysis, cohort)
    ard = analysis_results(adsl, adeff, analysis, "W0")
    claim = ledger(claim_id="mtx_n", population="cohort", analysis="categorical")
    claim = claim.assign(parameter="PRIORTRT", visit="W0", category="MTX", statistic="n")
    claim = claim.assign(comparator="=", value=11.0, precision=0, reported="11")
    audit = audit_claims(claim, ard, analysis)
    assert audit[["status", "recomputed"]].values.tolist() == [["match", 11.0]]
    cells = claim_cells(claim, audit, adsl, adeff, cohort).set_index("patient")
    # Table 1 prints "none" for S002 (no earlier DMARD): an empty PRIORTRT, printed so
    assert cells.loc[["S001", "S002", "S003"], "cell"].tolist() == ["LEF", "none", "HCQ;TNFI"]
    assert set(cells["column"]) == {"Previous DMARDs"}


def test_a_population_count_lists_the_baseline_cells_its_flag_comes_from(tables, analysis, cohort):
    # 'active muscle disease' 9 of 16: ACTMUSFL of every treated patient, and beside it the
    # Table 1 cell it is read from, MMT8 at baseline (< 150: patients 1, 4, 5, 7, 8, 11, 13,
    # 14, 15; patient 3 has no baseline MMT8, printed NA); 'both' reads CDASI first (the
    # domains in their declared order)
    from clinrepro.audit.cells import claim_cells

    adsl, adeff, ard, ledger = pilot_ledger_and_data(tables, analysis, cohort)
    ledger = ledger[ledger["claim_id"].isin(["n_active_muscle", "n_active_both"])]
    audit = audit_claims(ledger, ard, analysis)
    cells = claim_cells(ledger, audit, adsl, adeff, cohort, analysis=analysis)
    muscle = cells[cells["claim_id"] == "n_active_muscle"]
    assert muscle["column"].drop_duplicates().tolist() == ["ACTMUSFL", "MMT8 Baseline"]
    flag = muscle[muscle["column"] == "ACTMUSFL"].set_index("patient")["cell"]
    mmt8 = muscle[muscle["column"] == "MMT8 Baseline"].set_index("patient")["cell"]
    assert flag.index.tolist() == mmt8.index.tolist() == [str(p) for p in range(1, 17)]
    assert mmt8.loc[["1", "2", "3", "7"]].tolist() == ["145", "150", "NA", "69"]
    assert sorted(flag[flag == "Y"].index, key=int) == [
        "1",
        "4",
        "5",
        "7",
        "8",
        "11",
        "13",
        "14",
        "15",
    ]
    assert set(muscle["used"]) == {"Y"}
    both = cells[cells["claim_id"] == "n_active_both"]
    assert both["column"].drop_duplicates().tolist() == [
        "ACTBOTFL",
        "CDASI activity Baseline",
        "MMT8 Baseline",
    ]
    # without the analysis settings, the flag alone (as before)
    alone = claim_cells(ledger, audit, adsl, adeff, cohort)
    assert set(alone["column"]) == {"ACTMUSFL", "ACTBOTFL"}


def test_a_patient_without_a_baseline_record_is_listed_with_no_cell(tables, analysis, cohort):
    # a layout that leaves missing visits out: patient 1 (active muscle disease, MMT8 145)
    # without an MMT8 record at baseline is still counted, listed under the column, no cell
    from clinrepro.audit.cells import claim_cells

    adsl, adeff, ard, ledger = pilot_ledger_and_data(tables, analysis, cohort)
    ledger = ledger[ledger["claim_id"] == "n_active_muscle"]
    audit = audit_claims(ledger, ard, analysis)
    gone = (adeff["SUBJID"] == "1") & (adeff["PARAMCD"] == "MMT8") & (adeff["AVISIT"] == "M0")
    assert gone.sum() == 1
    cells = claim_cells(ledger, audit, adsl, adeff[~gone], cohort, analysis=analysis)
    mmt8 = cells[cells["column"] == "MMT8 Baseline"].set_index("patient")["cell"]
    assert len(mmt8) == 16 and mmt8["1"] == "" and mmt8["4"] == "131"
