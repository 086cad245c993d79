"""Summary-only checks: GRIM, GRIMMER and the ledger's explicit checks, worked by hand."""

import math
import subprocess
import sys
from collections import Counter

import pandas as pd
import yaml
from scipy import stats

from clinrepro.base.files import read_table
from clinrepro.audit.summary_checks import (
    EXPLICIT_CHECKS,
    RESULTS,
    SUMMARY_CHECK_COLUMNS,
    check_words,
    summary_checks,
)
from clinrepro.reading.ledger_checks import CHECK_ARGUMENTS
from conftest import ROOT

# a cohort of no study in particular: one whole-number score, one measure with decimals
COHORT = {"measures": {"SCORE": {"decimals": 0, "low": 0, "high": 100}, "LAB": {"decimals": 1}}}
NO_AUDIT = pd.DataFrame({"claim_id": pd.Series(dtype=str), "n": pd.Series(dtype="Int64")})


def claim(claim_id, value, statistic=None, unit="points", precision=0, comparator="=", **more):
    row = {
        "claim_id": claim_id,
        "value": value,
        "precision": precision,
        "unit": unit,
        "comparator": comparator,
        "statistic": statistic,
        "population": "all",
        "parameter": "SCORE",
        "visit": "V1",
        "n": None,
        "check": None,
    }
    return {**row, **more}


def checked(*claims, audit=NO_AUDIT, patients=20) -> pd.DataFrame:
    ledger = pd.DataFrame(list(claims)).astype({"n": float})
    return summary_checks(ledger, audit, COHORT, patients).set_index(["claim_id", "check"])


def test_grim_for_a_percentage():
    # 90% at 0 decimals (89.5 to 90.5) of 14 patients: 12/14 = 85.7%, 13/14 = 92.9%, so
    # no whole k; of 10 it is 9/10, of 20 18/20; 11 to 13 and 15 to 19 give none either
    # (e.g. 17/19 = 89.47%, 18/19 = 94.7%)
    row = checked(claim("response", 91, "pct", unit="%", n=14)).loc[
        ("response", "GRIM (percentage)")
    ]
    # 91% (90.5 to 91.5): 12/14 = 85.7%, 13/14 = 92.9% again; of 11, 10/11 = 90.9%
    assert row["result"] == "fails"
    assert row["inputs"] == "91%; n = 14 (stated)"
    assert row["implied"] == "12/14 = 85.7%, 13/14 = 92.9%, printed 91%"
    assert row["detail"].endswith("the nearest n that make it possible are 11 and 22.")
    # 90% ends in a zero that may not be a printed digit: to tens it stands for 85% to 95%,
    # which 12/14 = 85.7% and 13/14 = 92.9% both reach: GRIM cannot decide
    row = checked(claim("response", 90, "pct", unit="%", n=14)).loc[
        ("response", "GRIM (percentage)")
    ]
    assert row["result"] == "inconclusive"
    assert row["implied"] == (
        "12/14 = 85.7%, 13/14 = 92.9%, printed 90%; 12/14 = 85.7% and 13/14 = 92.9% at tens"
    )
    assert row["detail"] == (
        "90% is not a possible percentage of 14 patients at 0 decimals (12/14 = 85.7%, "
        "13/14 = 92.9%); the nearest n that make it possible are 10 and 20; but its trailing "
        "zero may not be a printed digit: printed to tens, 90% stands for 12/14 = 85.7% and "
        "13/14 = 92.9%, so the check cannot decide."
    )
    # without a stated n, the data's: 88% of 16 is 14/16 = 87.5%
    audit = pd.DataFrame({"claim_id": ["pct"], "n": [16]})
    row = checked(claim("pct", 88, "pct", unit="%"), audit=audit).loc[("pct", "GRIM (percentage)")]
    assert (row["result"], row["implied"]) == ("passes", "14/16 = 87.5%, printed 88%")
    assert row["inputs"] == "88%; n = 16 (the data's)"


def test_grim_for_a_mean():
    # Brown & Heathers (2017): 5.19 is not a mean of 28 whole numbers (145/28 = 5.179,
    # 146/28 = 5.214) but is one of 32 (166/32 = 5.1875)
    rows = checked(
        claim("m28", 5.19, "mean", precision=2, n=28), claim("m32", 5.19, "mean", precision=2, n=32)
    )
    assert rows.loc[("m28", "GRIM"), "result"] == "fails"
    assert rows.loc[("m28", "GRIM"), "implied"] == "145/28 = 5.179, 146/28 = 5.214, printed 5.19"
    assert rows.loc[("m32", "GRIM"), "result"] == "passes"
    # at 0 decimals a window 1 wide always holds a whole sum: 27 of 14 is 371/14 = 26.5 to
    # 385/14 = 27.5 (either rounding accepted at the edges); GRIM cannot fail
    row = checked(claim("m", 27, "mean", n=14)).loc[("m", "GRIM")]
    assert row["result"] == "not informative"
    assert row["implied"] == "371/14 = 26.5 to 385/14 = 27.5, printed 27"
    assert "cannot fail" in row["detail"]
    # no n at all: every n from 1 to `patients` is tried; 2.5 at 1 decimal is possible
    # (2.45 to 2.55) only with an even n or from n = 10 on: 5/2, 10/4, 27/11 = 2.4545, but
    # not 3 (7/3 = 2.33, 8/3 = 2.67), 5 (2.4, 2.6), 7 (2.43, 2.57) or 9 (2.44, 2.56)
    row = checked(claim("m", 2.5, "mean", precision=1), patients=12).loc[("m", "GRIM")]
    assert row["result"] == "passes"
    assert row["implied"] == "possible with n = 2, 4, 6, 8, 10 to 12 of 1 to 12"
    # a measure with decimals, a bound, a count or a median: no GRIM
    assert checked(
        claim("lab", 5.19, "mean", precision=2, parameter="LAB", n=28),
        claim("bound", 5, "mean", comparator=">", n=28),
        claim("median", 5.19, "median", precision=2, n=28),
    ).empty


def test_grimmer():
    # 2.0 ± 1.12 of 5 whole numbers: the sum must be 10 (9.75 to 10.25), so the sum of
    # squares is 4 SD^2 + 100/5 = 4 × [1.115^2, 1.125^2] + 20 = 24.97 to 25.06: only 25,
    # odd, while a sum of squares has the parity of the sum (even). With 9 it is possible
    # (sum 18, sum of squares 8 SD^2 + 36 = 45.95 to 46.13: 46); 6 to 8 are not
    mean = claim("mean", 2.0, "mean", precision=1)
    rows = checked(mean, claim("sd", 1.12, "sd", precision=2, n=5))
    row = rows.loc[("sd", "GRIMMER")]
    assert row["result"] == "fails"
    assert row["inputs"] == "2.0 ± 1.12; n = 5 (stated)"
    assert row["detail"].endswith("the nearest n that makes it possible is 9.")
    # 2.0 ± 1.00 of 5: sum 10, sum of squares 4 × [0.995^2, 1.005^2] + 20 = 23.96 to 24.04,
    # i.e. 24, even: 1, 1, 2, 3, 3
    row = checked(mean, claim("sd", 1.00, "sd", precision=2, n=5)).loc[("sd", "GRIMMER")]
    assert (row["result"], row["implied"]) == (
        "passes",
        "sum 10, sum of squares 24: 2.00 ± 1.000, printed 2.0 ± 1.00",
    )
    # at 0 decimals an SD of 13 (12.5 to 13.5) spans (n - 1) × 26 >= 2 in the sum of
    # squares, which always holds a whole number of either parity
    whole = checked(claim("m", 27, "mean"), claim("sd", 13, "sd", n=14))
    assert whole.loc[("sd", "GRIMMER"), "result"] == "not informative"


def test_percent_difference_sum_and_at_most():
    counts = [claim(f"n{k}", k, "n", unit="count") for k in (1, 10, 15, 16)]
    rows = checked(
        *counts,
        # 100 × 10 / 15 = 66.67 -> 67 half up; 66 is not
        claim("pct", 67, "pct", unit="%", check="percent(n10, n15)"),
        claim("pct_off", 66, "pct", unit="%", check="percent(n10, n15)"),
        # 16 - 1 = 15; 10 + 1 + 1 = 12, not 13
        claim("diff", 15, unit="count", check="difference(n16, n1)"),
        claim("total", 13, unit="count", check="sum(n10, n1, 1)"),
        # 15 <= 16, 16 > 15
        claim("within", 15, unit="count", check="at_most(n16)"),
        claim("beyond", 16, unit="count", check="at_most(n15)"),
    )
    result = rows["result"]
    assert result[("pct", "percent")] == "passes"
    assert rows.loc[("pct", "percent"), "implied"] == "10 of 15 is 66.7%, printed 67%"
    assert rows.loc[("pct", "percent"), "inputs"] == (
        "count: n10 10, denominator: n15 15; printed 67% at 0 decimals"
    )
    assert result[("pct_off", "percent")] == "fails"
    assert rows.loc[("diff", "difference"), "implied"] == "16 - 1 = 15, printed 15"
    assert result[("diff", "difference")] == "passes"
    assert rows.loc[("total", "sum"), "implied"] == "10 + 1 + 1 = 12, printed 13"
    assert result[("total", "sum")] == "fails"
    assert (result[("within", "at_most")], result[("beyond", "at_most")]) == ("passes", "fails")


def test_percent_change_over_the_rounding_intervals():
    # 27 -> 5: 100 × (5 - 27) / 27 = -81.48%; from 27.5 -> 4.5: -83.6%, from 26.5 -> 5.5:
    # -79.2%; the printed -81% (-81.5 to -80.5) lies inside; -85% (-85.5 to -84.5) does not
    means = [claim("before", 27, "mean"), claim("after", 5, "mean")]
    rows = checked(
        *means,
        claim("change", -81, unit="%", check="percent_change(before, after)"),
        claim("far", -85, unit="%", check="percent_change(before, after)"),
    )
    row = rows.loc[("change", "percent_change")]
    assert row["implied"] == "-81.48% (-83.6% to -79.2%), printed -81%"
    assert row["result"] == "passes"
    # how weak: -83.6% prints as -84%, -79.2% as -79%; each of them would pass as well
    assert row["detail"].endswith("a weak check: any printed value from -84% to -79% would pass.")
    assert rows.loc[("far", "percent_change"), "result"] == "fails"


def p_claims(comparator, value, precision, check):
    summaries = [
        claim("m0", 27, "mean"),
        claim("sd0", 13, "sd"),
        claim("m3", 14, "mean", visit="V2"),
        claim("sd3", 11, "sd", visit="V2"),
        claim("m9", 5, "mean", visit="V3"),
        claim("sd9", 4, "sd", visit="V3"),
        claim("n", 14, "n", unit="count"),
    ]
    bound = claim("p", value, "p_value", "p", precision, comparator, check=check)
    return checked(*summaries, bound).loc[("p", check.split("(")[0])]


def test_welch_p_over_the_corners():
    # 27 ± 13 vs 5 ± 4, n = 14 and 14: t = 22 / sqrt(169/14 + 16/14) = 6.05, p = 1.96e-5.
    # The largest p of the 16 corners is 5.1e-5 at 26.5 ± 13.5 vs 5.5 ± 3.5 (t = 5.63,
    # but Welch's df falls towards 13 as the SDs grow apart; 26.5 ± 13.5 vs 5.5 ± 4.5
    # gives 4.8e-5): every corner is < 0.0001
    welch = "welch_p(m0, sd0, n, m9, sd9, n)"
    assert stats.ttest_ind_from_stats(26.5, 13.5, 14, 5.5, 3.5, 14, False).pvalue < 0.0001
    row = p_claims("<", 0.0001, 4, welch)
    assert row["implied"] == "p = 1.96e-05 (6.9e-06 to 5.1e-05), printed < 0.0001"
    assert row["result"] == "passes"
    # what it assumes, and the n below which it stops holding: with 13 at both visits the
    # worst corner is 9.8e-5, with 12 it is 1.9e-4 (even the central value is 8.4e-5)
    worst = max(
        stats.ttest_ind_from_stats(m0, s0, n, m9, s9, n, False).pvalue
        for m0 in (26.5, 27.5) for s0 in (12.5, 13.5) for m9 in (4.5, 5.5) for s9 in (3.5, 4.5)
        for n in (12, 13)
    )  # fmt: skip
    assert round(worst, 5) == 0.00019
    assert round(stats.ttest_ind_from_stats(27, 13, 12, 5, 4, 12, False).pvalue, 6) == 0.000084
    assert "it assumes n = 14 at both visits and treats the visits as independent (r = 0)" in (
        row["detail"]
    )
    # paired at r = 0: 22 / sqrt(185 / 14) = 6.05 on 13 df; worst corner 21 / sqrt(202.5 / 14)
    paired = 2 * stats.t.sf(22 / math.sqrt(185 / 14), 13)
    worst_paired = 2 * stats.t.sf(21 / math.sqrt(202.5 / 14), 13)
    assert (round(paired, 6), round(worst_paired, 6)) == (0.000041, 0.000098)
    assert "a paired t-test on 14 patients at r = 0 gives 4.1e-05 (worst corner 9.8e-05);" in (
        row["detail"]
    )
    # with 14 at baseline, the follow-up n from 5 to 14 all pass; at 4 the worst corner is
    # 26.5 ± 13.5 (n = 14) against 5.5 ± 4.5 (n = 4)
    at_four = stats.ttest_ind_from_stats(26.5, 13.5, 14, 5.5, 4.5, 4, False).pvalue
    assert round(at_four, 5) == 0.00017
    assert row["detail"].endswith(
        "with 14 at baseline, every corner meets it for every follow-up n from 5 to 14, the "
        "largest the source allows; at n = 4 the worst corner gives 0.00017."
    )
    # below 0.00001 only some corners are: not a contradiction, a paired test can be smaller
    row = p_claims("<", 0.00001, 5, welch)
    assert row["result"] == "inconclusive"
    assert "so an unpaired p above a '<' bound does not contradict it." in row["detail"]


def test_paired_p_and_the_correlation_it_needs():
    # 27 ± 13 vs 14 ± 11, n = 14: at r = 0 the SD of the changes is sqrt(169 + 121), t =
    # 13 / sqrt(290 / 14) = 2.856 on 13 df; p < 0.0001 needs |t| >= t_crit, i.e.
    # 290 - 2 × 13 × 11 r <= 14 × 13^2 / t_crit^2: r >= (290 - 2366 / t_crit^2) / 286
    t = 13 / math.sqrt(290 / 14)
    p0 = 2 * stats.t.sf(t, 13)
    critical = stats.t.isf(0.0001 / 2, 13)
    edge = (290 - 14 * 13**2 / critical**2) / (2 * 13 * 11)
    assert round(t, 3) == 2.856 and round(p0, 4) == 0.0135 and round(edge, 4) == 0.7417
    paired = "paired_p(m0, sd0, m3, sd3, n)"
    row = p_claims("<", 0.0001, 4, paired)
    assert row["result"] == "inconclusive"
    # a needed r is printed on the side that still meets it: 0.7417 -> 0.75
    assert row["implied"] == f"p = {p0:.3g} at r = 0, < 0.0001 needs r >= 0.75"
    assert row["detail"].endswith("consistent if the correlation between visits is at least 0.75.")
    assert p_claims("<=", 0.05, 2, paired)["result"] == "passes"  # 0.0135 at r = 0
    # 'p > 0.05' holds only for a correlation below the edge for 0.05 (about -0.76)
    edge_05 = (290 - 14 * 13**2 / stats.t.isf(0.025, 13) ** 2) / (2 * 13 * 11)
    row = p_claims(">", 0.05, 2, paired)
    assert (row["result"], row["implied"]) == (
        "inconclusive",
        f"p = {p0:.3g} at r = 0, > 0.05 needs r <= {math.floor(edge_05 * 100) / 100:.2f}",
    )
    # 27 ± 13 vs 5 ± 4: even at r = -1 (SD of the changes 13 + 4 = 17) t = 22 / (17 /
    # sqrt(14)) = 4.84, p < 0.001: no correlation gives p > 0.05 at the printed values; values
    # within their rounding might, so the check is inconclusive, not a failure
    row = p_claims(">", 0.05, 2, "paired_p(m0, sd0, m9, sd9, n)")
    assert row["result"] == "inconclusive" and "no r gives > 0.05" in row["implied"]


def test_check_words_and_columns():
    rows = checked(
        claim("n14", 14, "n", unit="count"),
        claim("n16", 16, "n", unit="count"),
        claim("pct", 88, "pct", unit="%", n=16, check="percent(n14, n16)"),
    ).reset_index()
    assert list(rows.columns) == SUMMARY_CHECK_COLUMNS and set(rows["result"]) <= set(RESULTS)
    assert check_words(rows).to_dict() == {
        "pct": "GRIM (percentage): 14/16 = 87.5%, printed 88%: passes; "
        "percent: 14 of 16 is 87.5%, printed 88%: passes"
    }
    assert set(EXPLICIT_CHECKS) == set(CHECK_ARGUMENTS)  # the grammar and what is evaluated


def test_the_schema_imports_no_scipy():
    code = "import sys, clinrepro.reading.schemas; sys.exit('scipy' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


PILOT = "data/raw/landon_cardinal_2022/claims.csv"


def test_the_pilot_ledger():
    ledger = read_table(PILOT, text_columns=("claim_id", "reported", "visit", "category"))
    cohort = yaml.safe_load((ROOT / "config/cohorts/landon_cardinal_2022.yaml").read_text("utf-8"))
    # the data's n behind each computable claim (the paper variant's audit): 16 treated,
    # 14 with active cutaneous and 9 with active muscle disease
    computable = ledger["not_computable_reason"].isna()
    n = ledger["population"].map({"cohort": 16, "cutaneous": 14, "muscle": 9})
    audit = pd.DataFrame({"claim_id": ledger["claim_id"], "n": n.where(computable)})
    checks = summary_checks(ledger, audit, cohort, patients=16).set_index(["claim_id", "check"])
    result = checks["result"]
    # 90% of the data's 14 is not a whole number of patients (85.7% or 92.9%), unless its
    # zero is not a printed digit
    assert result[("cutaneous_response_m3_pct", "GRIM (percentage)")] == "inconclusive"
    assert result[("pct_prednisone_le5_fu", "percent")] == "passes"  # 10/15 = 66.7%
    assert result[("n_followup", "difference")] == "passes"  # 16 - 1 = 15
    assert result[("cdasi_fu_pct_change", "percent_change")] == "passes"  # above
    # the printed 14 at baseline, at most 13 at last follow-up (one anti-MDA5 patient died)
    assert result[("cdasi_m0_fu_p", "welch_p")] == "passes"
    detail = checks.loc[("cdasi_m0_fu_p", "welch_p"), "detail"]
    assert "it assumes n = 14 at baseline and 13 at follow-up" in detail
    # Welch passes for every follow-up n the source allows, from 5 to 13: at 4 the worst corner
    # (26.5 ± 13.5 with 14, 5.5 ± 4.5 with 4) is 1.7e-4, at 5 it still meets < 0.0001
    worst = {
        k: max(stats.ttest_ind_from_stats(m0, s0, 14, m9, s9, k, False).pvalue
               for m0 in (26.5, 27.5) for s0 in (12.5, 13.5) for m9 in (4.5, 5.5)
               for s9 in (3.5, 4.5))
        for k in range(4, 14)
    }  # fmt: skip
    assert [k for k, p in worst.items() if p < 0.0001] == list(range(5, 14))
    assert "every follow-up n from 5 to 13, the largest the source allows" in detail
    # the paired test on 13 at r = 0: 22 / sqrt(185 / 13) on 12 df gives 8.1e-5, but the worst
    # corner 21 / sqrt(202.5 / 13) gives 1.8e-4 and fails; it meets < 0.0001 once the SD of
    # the changes is at most sqrt(13) × 21 / t_crit:
    # r >= (202.5 - 13 × 21² / t²) / (2 × 13.5 × 4.5)
    paired = 2 * stats.t.sf(22 / math.sqrt(185 / 13), 12)
    worst_paired = 2 * stats.t.sf(21 / math.sqrt(202.5 / 13), 12)
    critical = stats.t.isf(0.0001 / 2, 12)
    needed = (202.5 - 13 * 21**2 / critical**2) / (2 * 13.5 * 4.5)
    assert (round(paired, 6), round(worst_paired, 5), round(needed, 4)) == (
        0.000081,
        0.00018,
        0.2115,
    )
    assert (
        "a paired t-test on 13 patients at r = 0 gives 8.1e-05 (worst corner 0.00018), which "
        "fails it: every corner meets it only if r >= 0.22"
    ) in detail
    assert result[("cdasi_m0_m3_p", "paired_p")] == "inconclusive"  # r >= 0.75
    assert result[("cdasi_m0_m3_p_figure", "paired_p")] == "passes"  # 0.0135 <= 0.05
    # every explicit check of the ledger is evaluated; means and SDs at 0 decimals are
    # never informative
    assert (
        ledger["check"].notna().sum() == checks.reset_index()["check"].isin(EXPLICIT_CHECKS).sum()
    )
    assert Counter(result) == {"passes": 22, "not informative": 10, "inconclusive": 2}
