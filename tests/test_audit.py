"""The claims audit's rules: rounding, bounds, look-ups and what cannot be computed."""

import pandas as pd
import pytest

from clinrepro.ard import ARD_COLUMNS
from clinrepro.audit import audit_claims, claim_status, round_half_up

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
