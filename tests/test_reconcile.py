"""The reconciliation search against values worked out by hand from Table 1 (with Python's
statistics module), and GRIM/GRIMMER against their published worked examples."""

import math
import statistics
from fractions import Fraction
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from clinrepro.audit.reconcile import recomputing
from clinrepro.audit.reconcile.claims import Claim, claims_to_search
from clinrepro.audit.reconcile.recipes import QUANTILE_LEVELS, recipe_for
from clinrepro.audit.reconcile.recomputing import quantiles_after
from clinrepro.audit.recompute import audit_claims
from clinrepro.base.files import read_table
from clinrepro.audit.integrity import grim, grimmer
from clinrepro.audit.reconcile.changes import misreadings
from clinrepro.audit.reconcile.run import MAX_LISTED, reconcile_claims
from clinrepro.audit.reconcile.search import KINDS, Search, rounding, trailing_zero_ambiguous
from clinrepro.statistics.results import analysis_results, describe
from conftest import cohort_of, ROOT

from clinrepro.base import typed

# a misread cell must stay within its measure's range, from the cohort's settings
RANGES = {
    code: (measure["low"], measure.get("high"))
    for code, measure in cohort_of("landon_cardinal_2022")["measures"].items()
}
LIMITS = typed.reconciliation({"max_pairs_patients": 60, "seed": 20221055})
LEDGER = ROOT / "data/raw/landon_cardinal_2022/claims.csv"
# Table 1, MMT8 at baseline of the 9 patients with active muscle disease (MMT8 < 150):
# patients 1, 4, 5, 7, 8, 11, 13, 14, 15
MMT8_M0 = {
    "1": 145,
    "4": 131,
    "5": 146,
    "7": 69,
    "8": 131,
    "11": 144,
    "13": 79,
    "14": 109,
    "15": 135,
}
MMT8_M3 = {"1": 145, "4": 143, "5": 144, "7": 93, "8": 145, "13": 78, "14": 124, "15": 144}
# Table 1, CDASI at M3 of the 14 patients with CDASI >= 10 at baseline (all but 11 and 14)
CDASI_M3 = {"1": 15, "2": 7, "3": 14, "4": 30, "5": 39, "6": 22, "7": 17, "8": 11, "9": 7,
            "10": 1, "12": 7, "13": 7, "15": 6, "16": 4}  # fmt: skip
CDASI_M0 = {"9": 10}
# MMT8 at M0 and M3 of all 14 treated patients with both (all but 3 and 11)
MMT8_CHANGE_ALL = [0, -2, 12, -2, -4, 24, 14, 0, 0, 0, -1, 15, 9, 0]


def ledger_table(path=LEDGER) -> pd.DataFrame:
    return read_table(str(path), text_columns=("claim_id", "reported", "visit", "category"))


def run(pilot, analysis, ledger=None, limits=LIMITS):
    adsl, adeff, ard = pilot
    ledger = ledger_table() if ledger is None else ledger
    audit = audit_claims(ledger, ard, analysis)
    return reconcile_claims(audit, ledger, adsl, adeff, analysis, limits, RANGES)


@pytest.fixture(scope="module")
def found(pilot, analysis):
    return run(pilot, analysis)


def of(explanations, claim_id, kind=None):
    rows = explanations[explanations["claim_id"] == claim_id]
    return rows if kind is None else rows[rows["kind"] == kind]


def with_claim(ledger, claim_id, **changes):
    ledger = ledger.copy()
    row = ledger.index[ledger["claim_id"] == claim_id]
    for column, value in changes.items():
        ledger.loc[row, column] = value
    return ledger


def without(values: dict, *patients) -> list:
    return [value for patient, value in values.items() if patient not in patients]


# --- GRIM and GRIMMER: the published worked examples ------------------------------------------


def test_grim_on_brown_and_heathers_example_and_scrutiny_vectors():
    # Brown & Heathers (2017): 5.19 is no mean of 28 whole numbers (145/28 = 5.179,
    # 146/28 = 5.214), but is one of 32 (166/32 = 5.1875)
    assert not grim(5.19, 28, 2)
    assert grim(5.19, 32, 2)
    # scrutiny's tests (lhdjung/scrutiny, tests/testthat/test-grim.R): 5.19 to 5.30 at n = 28
    means = [f"5.{hundredths}" for hundredths in range(19, 31)]
    assert [grim(mean, 28, 2) for mean in means] == [
        False, False, True, False, False, False, True, False, False, False, True, False
    ]  # fmt: skip
    # and percentages 6% to 16% of 50: only the even ones (k / 50 = 2k %)
    assert [grim(pct, 50, 0, percent=True) for pct in range(6, 17)] == [
        pct % 2 == 0 for pct in range(6, 17)
    ]


def test_grimmer_on_published_examples():
    # rsprite2's tests (LukasWallrich/rsprite2, test-core-and-plot-functions.R)
    assert grimmer(5.21, 1.6, 28, 2)
    assert not grimmer(3.44, 2.47, 18, 2)
    # scrutiny's GRIMMER vignette: 7.3 +- 2.51 with n = 12 is inconsistent
    assert not grimmer("7.3", "2.51", 12, 1, 2)
    # by hand: 1, 2, 3 have mean 2 and SD 1; with a sum of 6 the sum of squares must be an
    # even whole number, and only 14 gives an SD within 1.005 to 1.015 (2 SD^2 + 12 = 14.02
    # to 14.06): none
    assert grimmer(2, 1, 3, 0)
    assert not grimmer("2.00", "1.01", 3, 2)
    with pytest.raises(ValueError):
        grimmer(2, 1, 1, 0)


# --- which claims are searched, and from what ------------------------------------------------


def test_the_six_mismatches_are_searched(found):
    explanations, tried = found
    # 'half' had active muscle disease: 9 of 16 (56.25%), a mismatch at whole percent
    assert sorted(tried["claim_id"]) == sorted(
        ["half_active_muscle", "mmt8_m0_mean", "mmt8_m0_sd", "cutaneous_response_m3_pct",
         "cdasi_m3_mean", "mmt8_m0_m3_p"]
    )  # fmt: skip
    assert list(explanations.columns) == ["claim_id", "rank", "kind", "detail", "value", "printed"]
    assert list(tried.columns) == ["claim_id", "tried", "found", "summary", "bounded"]
    for claim_id, rows in explanations.groupby("claim_id"):
        assert rows["rank"].tolist() == list(range(1, len(rows) + 1))
        order = [KINDS.index(kind) for kind in rows["kind"]]
        assert order == sorted(order)
        assert tried.set_index("claim_id").loc[claim_id, "found"] == len(rows)
    assert (tried["bounded"] == "").all()  # the pilot is searched exhaustively


def test_every_claim_is_recomputed_as_the_audit_does(pilot, analysis):
    """Every claim with a look-up, whatever its status: the search starts from the audit's own
    value for it (summaries, counts, tests, response rates, characteristics)."""
    adsl, adeff, ard = pilot
    ledger = ledger_table()
    audit = audit_claims(ledger, ard, analysis).assign(status="mismatch")
    claims = claims_to_search(audit, ledger, analysis)
    # 29 claims with a look-up: the 27 of the original ledger, 'half' had active muscle
    # disease and 'most' had mild weakness (the median MMT8 of the 9)
    assert len(claims) == 29
    flags = {flag: (adsl[flag] == "Y").to_numpy() for flag in ("SAFFL", "ACTCUTFL", "ACTMUSFL")}
    flags["ACTBOTFL"] = (adsl["ACTBOTFL"] == "Y").to_numpy()
    for claim in claims:
        recipe = recipe_for(claim, adsl, adeff, flags, analysis, {})
        setting = recipe.base()
        numbers = recipe.all_numbers(setting)
        value = recipe.statistic(numbers[~np.isnan(numbers)], setting)
        assert value == pytest.approx(claim.recomputed, rel=1e-12), claim.claim_id


def test_a_claim_the_data_cannot_compute_is_searched_and_says_why(pilot, analysis):
    ledger = with_claim(ledger_table(), "cdasi_m6_mean", analysis="summary", population="cutaneous",
                        parameter="CDASI", visit="M6", statistic="mean",
                        not_computable_reason=np.nan)  # fmt: skip
    _, tried = run(pilot, analysis, ledger)
    row = tried.set_index("claim_id").loc["cdasi_m6_mean"]
    assert (row["tried"], row["summary"]) == (0, "not searched: the data have no CDASI at M6")


# --- the example: MMT8 at baseline, leaving out a patient with 131 --------------------


def test_mmt8_baseline_mean_and_sd_are_explained_by_leaving_out_patient_4_or_8(found):
    explanations, tried = found
    assert statistics.mean(MMT8_M0.values()) == 121
    assert statistics.stdev(MMT8_M0.values()) == pytest.approx(29.0215, abs=1e-4)
    mean = statistics.mean(without(MMT8_M0, "4"))  # = without patient 8: both have 131
    sd = statistics.stdev(without(MMT8_M0, "4"))
    assert (mean, round(sd, 2)) == (119.75, 30.77)
    rows = of(explanations, "mmt8_m0_mean")
    assert rows["kind"].tolist() == ["one patient", "one patient"]
    assert rows["detail"].tolist() == [
        "leaving out patient 4 (MMT8 Baseline 131)",
        "leaving out patient 8 (MMT8 Baseline 131)",
    ]
    assert rows["value"].tolist() == [mean, mean]
    assert rows["printed"].tolist() == ["120", "120"]
    sds = of(explanations, "mmt8_m0_sd", "one patient")
    assert sds["detail"].str.startswith("leaving out patient ").all()
    # the SD alone prints 31 without patient 4 or 8, and also without 14 (109) or 15 (135)
    expected = [p for p in MMT8_M0 if 30.5 <= statistics.stdev(without(MMT8_M0, p)) < 31.5]
    assert expected == ["4", "8", "14", "15"]
    assert sds["detail"].str.extract(r"patient (\d+) ")[0].tolist() == expected
    assert sds["value"].tolist()[:2] == pytest.approx([sd, sd])
    assert sds["value"].tolist() == pytest.approx(
        [statistics.stdev(without(MMT8_M0, p)) for p in expected]
    )
    assert sds["printed"].tolist() == ["31"] * 4
    # a pair also gives 31: leaving out patients 1 and 4 (145 and 131)
    pair = statistics.stdev(without(MMT8_M0, "1", "4"))
    two = of(explanations, "mmt8_m0_sd", "two patients").set_index("detail")["value"]
    key = "leaving out patients 1 and 4 (MMT8 Baseline 145; MMT8 Baseline 131)"
    assert two[key] == pytest.approx(pair)
    # what was tried, counted by hand: GRIM at n = 9 (1); rounding half to even, half down,
    # truncation and up (4; down is truncation for a positive value); populations (5:
    # SAFFL all or paired with M3, ACTCUTFL, ACTMUSFL paired, ACTBOTFL; the others give the
    # same patients again); 9 patients; 36 pairs; 35 cells (145: 45, 15, 14; 131: 113, 31,
    # 11, 13 and M3's 143 or 145; 146: 46, 16, 14, 144; 69: 96, 9, 6, 93; 144: 44, 14;
    # 79: 97, 9, 7, 78; 109: 9, 19, 10, 124; 135: 35, 15, 13, 144; 311, 415, 190... are
    # above MMT8's maximum of 150)
    row = tried.set_index("claim_id").loc["mmt8_m0_mean"]
    assert row["tried"] == 1 + 4 + 5 + 9 + 36 + (3 + 5 + 4 + 4 + 5 + 2 + 4 + 4 + 4)
    assert row["summary"] == "leaving out patient 4 (MMT8 Baseline 131) (and 1 more explanation)"


# --- the main outcome: 90% against 13 of 14 ---------------------------------------------------


def test_cutaneous_response_90_percent_is_impossible_with_14_unless_printed_to_tens(found):
    explanations, tried = found
    # printed to tens (its trailing zero not a printed digit) 13/14 = 92.86% is 90%: the one
    # explanation, rounding's, as GRIM cannot decide
    rows = of(explanations, "cutaneous_response_m3_pct")
    assert rows[["kind", "detail", "printed"]].values.tolist() == [
        ["rounding", "92.8571% printed to tens (its trailing zero not a printed digit)", "90%"]
    ]
    # 13/14 = 92.86%; 12/14 = 85.7%: no count of 14 patients gives 90%, nor of 11 to 17
    # (10/11 = 90.9, 11/12 = 91.7, 12/13 = 92.3, 13/15 = 86.7, 14/16 = 87.5, 15/17 = 88.2)
    assert not any(grim(90, n, 0, percent=True) for n in range(11, 18))
    assert grim(90, 10, 0, percent=True)
    row = tried.set_index("claim_id").loc["cutaneous_response_m3_pct"]
    assert row["found"] == 1
    assert row["summary"].endswith(
        "90% is not a possible percentage of 14 patients at 0 decimals, nor of 11 to 17 (GRIM); "
        "printed to tens (its last zero not a printed digit) it is possible, so GRIM cannot decide"
    )
    # 14 patients left out one at a time and 91 pairs among what was tried
    assert row["tried"] > 14 + 91


# --- MMT8 'unchanged': p > 0.05 ---------------------------------------------------------------


def test_mmt8_unchanged_is_explained_by_the_other_test_and_by_every_treated_patient(found):
    explanations, _ = found
    rows = of(explanations, "mmt8_m0_m3_p")
    tests = rows[rows["kind"] == "test"].set_index("detail")["value"]
    # exact Wilcoxon, 7 non-zero changes without ties (the zero of patient 1 dropped); the
    # negative ranks are those of -1 and -2: T- = 3; of the 2^7 = 128 sign patterns 5 have a
    # rank sum <= 3 ({}, {1}, {2}, {3}, {1, 2}): p = 2 x 5 / 128
    exact = "Wilcoxon signed-rank test, exact null distribution, two-sided"
    assert tests[f"{exact}; not the paired t-test, Student's t distribution, two-sided"] == (
        2 * 5 / 128
    )
    # normal approximation: T = 3 against n(n + 1)/4 = 14, variance n(n + 1)(2n + 1)/24 = 35
    normal = 2 * NormalDist().cdf((3 - 14) / math.sqrt(35))
    corrected = 2 * NormalDist().cdf((3 + 0.5 - 14) / math.sqrt(35))
    values = sorted(tests.tolist())
    assert values == pytest.approx(sorted([2 * 5 / 128, normal, corrected]))
    assert round(normal, 3) == 0.063
    # the paired t-test over every treated patient with both values (14, not 8)
    change = MMT8_CHANGE_ALL
    t = statistics.mean(change) / (statistics.stdev(change) / math.sqrt(len(change)))
    p = 2 * scipy_stats.t.sf(t, len(change) - 1)  # the tail of Student's t, as from a table
    populations = rows[rows["kind"] == "population"].set_index("detail")["value"]
    saffl = (
        "treated patients (SAFFL), not patients with active muscle disease at baseline (ACTMUSFL)"
    )
    assert populations[saffl] == pytest.approx(p)
    assert round(p, 3) == 0.063
    assert rows["kind"].iloc[0] == "population" and rows["detail"].iloc[0] == saffl


def test_mmt8_unchanged_one_patient_one_cell(found):
    explanations, _ = found
    rows = of(explanations, "mmt8_m0_m3_p").set_index("detail")
    change = [MMT8_M3[p] - MMT8_M0[p] for p in MMT8_M3 if p != "7"]  # leaving out patient 7
    t = statistics.mean(change) / (statistics.stdev(change) / math.sqrt(len(change)))
    assert rows.loc["leaving out patient 7 (MMT8 Baseline 69, MMT8 M3 93)", "value"] == (
        pytest.approx(2 * scipy_stats.t.sf(t, len(change) - 1))
    )
    # patient 7's baseline 69 read as 96: a change of 93 - 96 = -3 instead of 24
    change = [MMT8_M3[p] - (96 if p == "7" else MMT8_M0[p]) for p in MMT8_M3]
    t = statistics.mean(change) / (statistics.stdev(change) / math.sqrt(len(change)))
    detail = "patient 7's 'MMT8 Baseline' cell read as 96 instead of 69 (transposed digits)"
    assert rows.loc[detail, "kind"] == "one cell"
    assert rows.loc[detail, "value"] == pytest.approx(2 * scipy_stats.t.sf(t, len(change) - 1))
    assert rows.loc[detail, "printed"] == "0.084"  # against a bound: three digits


# --- CDASI at M3: 14 against 187/14 = 13.36 -----------------------------------------------------


def test_cdasi_m3_mean(found):
    explanations, tried = found
    rows = of(explanations, "cdasi_m3_mean")
    total = sum(CDASI_M3.values())
    assert total / 14 == pytest.approx(13.357142857)
    first = rows.iloc[0]
    assert (first["kind"], first["value"], first["printed"]) == ("rounding", total / 14, "14")
    assert first["detail"] == "13.3571 rounded up (ceiling) to 0 decimals, not half up"
    # leaving out one patient: (187 - x)/13 prints 14 when 175.5 <= 187 - x < 188.5,
    # i.e. for every patient with x <= 11
    one = of(explanations, "cdasi_m3_mean", "one patient")
    expected = [p for p, x in CDASI_M3.items() if 13.5 <= (total - x) / 13 < 14.5]
    assert expected == ["2", "8", "9", "10", "12", "13", "15", "16"]
    assert one["detail"].str.extract(r"patient (\d+) ")[0].tolist() == expected
    assert one["value"].tolist() == pytest.approx([(total - CDASI_M3[p]) / 13 for p in expected])
    two = of(explanations, "cdasi_m3_mean", "two patients").set_index("detail")["value"]
    pair = "leaving out patients 12 and 13 (CDASI activity M3 7; CDASI activity M3 7)"
    assert two[pair] == pytest.approx(statistics.mean(without(CDASI_M3, "12", "13")))
    # patient 9's M3 of 7 read as the baseline's 10: (187 + 3)/14
    cells = of(explanations, "cdasi_m3_mean", "one cell").set_index("detail")["value"]
    detail = (
        "patient 9's 'CDASI activity M3' cell read as 10 instead of 7 (the value of the "
        "previous column, 'CDASI activity Baseline')"
    )
    assert cells[detail] == (total - CDASI_M3["9"] + CDASI_M0["9"]) / 14
    summary = tried.set_index("claim_id").loc["cdasi_m3_mean", "summary"]
    assert summary == (
        f"13.3571 rounded up (ceiling) to 0 decimals, not half up (and {len(rows) - 1} more "
        "explanations)"
    )


# --- kinds the pilot's mismatches do not need: claims changed in the tests --------------------


def test_rounding_half_to_even_half_down_and_truncation(pilot, analysis):
    # 9 of 16 = 56.25%: half up prints 56.3, half to even 56.2 (2 is even), as do half down
    # and truncation
    ledger = with_claim(ledger_table(), "pct_active_muscle", value=56.2, precision=1)
    explanations, _ = run(pilot, analysis, ledger)
    rounding = of(explanations, "pct_active_muscle", "rounding")
    assert rounding["detail"].tolist() == [
        "56.25 rounded half to even to 1 decimals, not half up",
        "56.25 rounded half down to 1 decimals, not half up",
        "56.25 truncated to 1 decimals, not half up",
    ]
    assert rounding["value"].tolist() == [9 / 16 * 100] * 3
    assert rounding["printed"].tolist() == ["56.2%"] * 3


def test_granularity_explains_a_mean_impossible_with_the_datas_n(pilot, analysis):
    # CDASI at baseline, 14 active patients, sum 379: 27.08 is no mean of 14 whole numbers
    # (379/14 = 27.0714, 380/14 = 27.1429) but is one of 13 (352/13 = 27.0769) and of 12
    # (325/12 = 27.0833)
    assert not grim(27.08, 14, 2) and grim(27.08, 13, 2) and grim(27.08, 12, 2)
    ledger = with_claim(ledger_table(), "cdasi_m0_mean", value=27.08, precision=2)
    explanations, _ = run(pilot, analysis, ledger)
    row = of(explanations, "cdasi_m0_mean").iloc[0]
    assert row["kind"] == "granularity"
    nearby = [n for n in range(11, 18) if n != 14 and grim(27.08, n, 2)]
    assert row["detail"] == (
        "27.08 is not a possible mean of 14 whole numbers at 2 decimals; it is possible with "
        f"{' or '.join(map(str, nearby))} (GRIM)"
    )
    assert row["value"] == 352 / 13 and row["printed"] == "27.08"


def odd_or_even_squares(n: int, total: int, sd: str, decimals: int) -> list[int]:
    """By hand: the whole sums of squares of n whole numbers summing to `total` whose SD
    prints as `sd` ((n - 1) SD^2 + total^2 / n, of the parity of the total)."""
    half = Fraction(1, 2 * 10**decimals)
    low = (n - 1) * (Fraction(sd) - half) ** 2 + Fraction(total**2, n)
    high = (n - 1) * (Fraction(sd) + half) ** 2 + Fraction(total**2, n)
    return [q for q in range(math.ceil(low), math.floor(high) + 1) if q % 2 == total % 2]


def test_granularity_of_an_sd_uses_the_printed_mean(pilot, analysis):
    # CDASI at baseline printed 27.07 (sum 379 of 14; of 15 patients it would be 406)
    # with an SD of 13.150: no odd sum of squares of 14 whole numbers fits, an even one of
    # 15 does
    assert odd_or_even_squares(14, 379, "13.150", 3) == []
    squares = odd_or_even_squares(15, 406, "13.150", 3)
    assert squares
    ledger = with_claim(ledger_table(), "cdasi_m0_mean", value=27.07, precision=2)
    ledger = with_claim(ledger, "cdasi_m0_sd", value=13.15, precision=3)
    explanations, _ = run(pilot, analysis, ledger)
    row = of(explanations, "cdasi_m0_sd").iloc[0]
    assert row["kind"] == "granularity"
    assert row["detail"] == (
        "13.150 is not a possible SD, with a mean of 27.07, of 14 whole numbers at 3 decimals; "
        "it is possible with 15 (GRIMMER)"
    )
    assert row["value"] == pytest.approx(math.sqrt((squares[0] - 406**2 / 15) / 14))
    assert row["printed"] == "13.150"
    # an SD that is possible is no explanation: 13.1 at 1 decimal
    assert odd_or_even_squares(14, 379, "13.1", 1)
    ledger = with_claim(ledger, "cdasi_m0_sd", value=13.1, precision=1)
    explanations, tried = run(pilot, analysis, ledger)
    assert of(explanations, "cdasi_m0_sd", "granularity").empty
    assert tried.set_index("claim_id").loc["cdasi_m0_sd", "tried"] > 0


def test_the_other_test_one_sided(pilot, analysis):
    # the Wilcoxon test behind the MMT8 p-value, and a claim of p < 0.05: the paired t-test
    # (p = 0.030) and the exact Wilcoxon test one-sided (5/128 = 0.039) reproduce it
    settings = {**analysis, "tests": {"default": "paired_t", "MMT8": "wilcoxon_signed_rank"}}
    ledger = with_claim(ledger_table(), "mmt8_m0_m3_p", comparator="<", value=0.05)
    explanations, _ = run(pilot, settings, ledger)
    tests = of(explanations, "mmt8_m0_m3_p", "test").set_index("detail")["value"]
    one_sided = (
        "Wilcoxon signed-rank test, exact null distribution, one-sided (the two-sided p halved, "
        "in the direction of the change); not the Wilcoxon signed-rank test, exact null "
        "distribution, two-sided"
    )
    assert tests[one_sided] == 5 / 128
    change = list(MMT8_M3[p] - MMT8_M0[p] for p in MMT8_M3)
    t = statistics.mean(change) / (statistics.stdev(change) / math.sqrt(len(change)))
    paired = (
        "paired t-test, Student's t distribution, two-sided; not the Wilcoxon signed-rank "
        "test, exact null distribution, two-sided"
    )
    assert tests[paired] == pytest.approx(2 * scipy_stats.t.sf(t, len(change) - 1))


def test_misreadings_of_a_printed_cell():
    assert misreadings("131") == [
        (311.0, "transposed digits"),
        (113.0, "transposed digits"),
        (31.0, "a digit dropped"),
        (11.0, "a digit dropped"),
        (13.0, "a digit dropped"),
    ]
    assert misreadings("30") == [(0.0, "a digit dropped"), (3.0, "a digit dropped")]  # no '03'
    assert misreadings("68 ± 19") == [
        (86.0, "transposed digits"),
        (8.0, "a digit dropped"),
        (6.0, "a digit dropped"),
    ]
    assert misreadings("0.9") == [(0.0, "a digit dropped")]  # '.9' is 0.9 again
    assert misreadings("NA") == []


# --- at scale: the closed forms, the bound on pairs --------------------------------------------


def test_closed_forms_give_what_the_statistics_functions_give(pilot, analysis, found, monkeypatch):
    monkeypatch.setattr(recomputing, "FAST_FROM", 0)
    fast, fast_tried = run(pilot, analysis)
    explanations, tried = found
    pd.testing.assert_frame_equal(fast.drop(columns="value"), explanations.drop(columns="value"))
    assert fast["value"].to_numpy() == pytest.approx(explanations["value"].to_numpy(), rel=1e-9)
    pd.testing.assert_frame_equal(fast_tried, tried)


def copies(pilot, times: int):
    """The pilot's patients `times` over, each copy with its own ids."""
    adsl, adeff, _ = pilot
    subjects = pd.concat(
        [adsl.assign(SUBJID=adsl["SUBJID"] + f"-{k}") for k in range(times)], ignore_index=True
    )
    records = pd.concat(
        [adeff.assign(SUBJID=adeff["SUBJID"] + f"-{k}") for k in range(times)], ignore_index=True
    )
    for column in adeff.columns:
        if isinstance(adeff[column].dtype, pd.CategoricalDtype):
            records[column] = records[column].astype(adeff[column].dtype)
    return subjects, records


def test_pairs_are_sampled_above_the_limit_and_the_search_is_seeded(pilot, analysis):
    adsl, adeff = copies(pilot, 10)  # 90 patients with active muscle disease
    ard = analysis_results(adsl, adeff, analysis, "M0")
    ledger = ledger_table()
    audit = audit_claims(ledger, ard, analysis)
    first = reconcile_claims(audit, ledger, adsl, adeff, analysis, LIMITS, RANGES)
    again = reconcile_claims(audit, ledger, adsl, adeff, analysis, LIMITS, RANGES)
    pd.testing.assert_frame_equal(first[0], again[0])
    pd.testing.assert_frame_equal(first[1], again[1])
    bounded = first[1].set_index("claim_id")["bounded"]
    assert bounded["mmt8_m0_mean"].split("; ") == [
        "two patients: a seeded sample of 1,770 of the 4,005 pairs of 90 patients "
        "(every pair up to 60)",
        # ten copies of patient 7's baseline 69 read as 9: (10890 - 60)/90 = 120.3, and more
        f"listed: the {MAX_LISTED} simplest of 260 explanations found",
    ]
    rows = of(first[0], "mmt8_m0_mean")
    assert len(rows) == MAX_LISTED
    assert first[1].set_index("claim_id").loc["mmt8_m0_mean", "found"] == 260
    # at the limit itself every pair is searched
    small = typed.reconciliation({**LIMITS, "max_pairs_patients": 90})
    _, tried = reconcile_claims(audit, ledger, adsl, adeff, analysis, small, RANGES)
    assert not tried.set_index("claim_id").loc["mmt8_m0_mean", "bounded"].startswith("two")
    difference = tried.set_index("claim_id")["tried"] - first[1].set_index("claim_id")["tried"]
    assert difference["mmt8_m0_mean"] == 4005 - 1770


def test_order_statistics_after_a_change_equal_describe():
    """The closed form of min, quartiles, median and max after leaving out patients or
    changing a value, against clinrepro.statistics.results.describe on the changed values."""
    rng = np.random.default_rng(20221055)
    for _ in range(500):
        n = int(rng.integers(2, 12))
        numbers = rng.integers(0, 6, n).astype(float)  # many ties
        removed = np.sort(rng.choice(n, int(rng.integers(0, 3)) if n > 2 else 1, replace=False))
        added = rng.integers(0, 6, int(rng.integers(0, 2))).astype(float)
        keep = np.ones(n, bool)
        keep[removed] = False
        expected = describe(pd.Series(np.concatenate([numbers[keep], added])))
        for name, level in QUANTILE_LEVELS.items():
            got = quantiles_after(numbers, removed[None, :], added[None, :], level)[0]
            assert got == expected[name], (numbers, removed, added, name)


def test_rounding_against_a_bound():
    claim = Claim("x", "paired_test", "muscle", "MMT8", "M3", "", "p_value", "<=", 0.05,
                            2, "p", "ACTMUSFL", "paired_t", 0.0504)  # fmt: skip
    search = Search(claim, LIMITS)
    rounding(search, 0.0504)
    # 0.0504 is above 0.05 but prints as 0.05 rounded half up (or down, or truncated)
    tail = "to 2 decimals (0.05) meets the bound; the unrounded value does not"
    assert [found.detail for found in search.found] == [
        f"0.0504 {how} {tail}"
        for how in ("rounded half up", "rounded half to even", "rounded half down", "truncated")
    ]
    assert [found.printed for found in search.found] == ["0.05"] * 4
    assert search.tried == 5  # half up, half to even, half down, truncation, up (ceiling)


def test_a_trailing_zero_may_be_printed_to_tens():
    # 90 at tens is 85 to 95: 12/14 = 85.7% and 13/14 = 92.9% print as it
    assert trailing_zero_ambiguous("90", 0, 14, percent=True)
    # 95 has no trailing zero; 90.0 prints its zero; 50 at tens (45 to 55): no k/3 (33.3, 66.7)
    assert not trailing_zero_ambiguous("95", 0, 14, percent=True)
    assert not trailing_zero_ambiguous("90.0", 1, 14, percent=True)
    assert not trailing_zero_ambiguous("50", 0, 3, percent=True)


def test_a_measure_as_a_wide_table_orders_visits_by_time_and_rows_by_adsl():
    """The records of one measure, one row a patient of ADSL (a record of a patient not
    in ADSL left out), one column a visit ordered by its earliest time (ties by name),
    the baseline the visit of the baseline records, a cell the printed number."""
    from clinrepro.audit.reconcile.recipes import measure_table

    adeff = pd.DataFrame(
        {
            "SUBJID": ["2", "1", "1", "2", "9", "1", "1"],
            "PARAMCD": pd.Categorical(["X", "X", "X", "X", "X", "X", "Y"]),
            "AVISIT": pd.Categorical(["W24", "W24", "D0", "D0", "W12", "W12", "D0"]),
            "AVISITN": [24.0, 24.0, 0.0, 0.0, 12.0, 12.0, 0.0],
            "AVAL": [3.0, 4.5, 1.0, np.nan, 7.0, 2.0, 8.0],
            "ABLFL": pd.Categorical(["", "", "Y", "Y", "", "", "Y"]),
        }
    )
    table = measure_table(adeff, pd.Index(["1", "2", "3"]), "X")
    assert table.visits == ["D0", "W12", "W24"] and table.baseline == 0
    assert table.columns == ["X D0", "X W12", "X W24"]
    np.testing.assert_array_equal(
        table.values, [[1.0, 2.0, 4.5], [np.nan, np.nan, 3.0], [np.nan] * 3]
    )
    assert table.recorded.tolist() == [[True] * 3, [True, False, True], [False] * 3]
    assert table.cells.tolist() == [["1", "2", "4.5"], ["NA", "", "3"], ["", "", ""]]
    assert measure_table(adeff, pd.Index(["1"]), "Z") is None
