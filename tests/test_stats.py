"""Statistics against values worked out by hand from Table 1 (with Python's statistics module)."""

import math
import statistics

import numpy as np
import pytest

from clinrepro.endpoints import build_adeff, build_adsl
from clinrepro.stats import analysis_results, clopper_pearson, describe, wilcoxon_signed_rank

# Table 1, patients with CDASI >= 10 at baseline (all but 11 and 14), in table order
CDASI_M0 = [26, 27, 44, 49, 49, 30, 29, 34, 10, 17, 20, 18, 16, 10]
CDASI_M3 = [15, 7, 14, 30, 39, 22, 17, 11, 7, 1, 7, 7, 6, 4]
# MMT8 M0 -> M3 of the active-muscle patients with both values: 1, 4, 5, 7, 8, 13, 14, 15
MMT8_CHANGE = [0, 12, -2, 24, 14, -1, 15, 9]
T_975_13 = 2.1603686564610127  # Student t quantile, 13 degrees of freedom, from printed tables


@pytest.fixture(scope="module")
def ard(tables, analysis, cohort):
    adsl = build_adsl(tables, analysis, "M0")
    adeff = build_adeff(tables["measurements"], adsl, analysis, cohort)
    return analysis_results(adsl, adeff, analysis, "M0")


def result(ard, analysis, population, parameter, visit, statistic, method="", category=""):
    rows = ard[
        (ard.analysis == analysis)
        & (ard.population == population)
        & (ard.parameter == parameter)
        & (ard.visit == visit)
        & (ard.statistic == statistic)
        & (ard.method == method)
        & (ard.category == category)
    ]
    assert len(rows) == 1, rows
    return rows["value"].iloc[0]


def test_summary_of_cdasi_in_active_cutaneous_disease(ard):
    get = lambda visit, stat: result(ard, "summary", "ACTCUTFL", "CDASI", visit, stat)  # noqa: E731
    assert get("M0", "n") == 14
    assert get("M0", "mean") == pytest.approx(379 / 14)
    assert get("M0", "sd") == pytest.approx(statistics.stdev(CDASI_M0))
    assert get("M0", "median") == 26.5
    # type-7 quartiles of the sorted values 10 10 16 17 18 20 26 27 29 30 34 44 49 49
    assert (get("M0", "q1"), get("M0", "q3")) == (17.25, 33.0)
    assert (get("M0", "min"), get("M0", "max")) == (10, 49)
    assert get("M3", "mean") == pytest.approx(187 / 14)
    assert get("M3", "sd") == pytest.approx(statistics.stdev(CDASI_M3))


def test_missing_values_are_counted(ard):
    assert result(ard, "summary", "SAFFL", "MMT8", "M3", "n") == 14
    assert result(ard, "summary", "SAFFL", "MMT8", "M3", "n_missing") == 2  # patients 3 and 11
    assert result(ard, "summary", "SAFFL", "IFNA", "M0", "n") == 8


def test_paired_t_test_of_cdasi(ard):
    change = [after - before for before, after in zip(CDASI_M0, CDASI_M3)]
    mean, sd = statistics.mean(change), statistics.stdev(change)
    se = sd / math.sqrt(14)
    get = lambda stat: result(
        ard, "paired_test", "ACTCUTFL", "CDASI", "M3", stat, "paired_t"
    )  # noqa: E731
    assert get("n_pairs") == 14
    assert get("mean_change") == pytest.approx(-192 / 14)
    assert get("statistic") == pytest.approx(mean / se)
    assert get("df") == 13
    assert get("ci_lower") == pytest.approx(mean - T_975_13 * se)
    assert get("ci_upper") == pytest.approx(mean + T_975_13 * se)
    assert get("cohens_dz") == pytest.approx(mean / sd)
    assert get("p_value") < 0.0001


def test_wilcoxon_of_cdasi_is_exact(ard):
    get = lambda stat: result(  # noqa: E731
        ard, "paired_test", "ACTCUTFL", "CDASI", "M3", stat, "wilcoxon_signed_rank"
    )
    # all 14 changes negative: only the all-minus and all-plus sign patterns are as extreme
    assert get("p_value") == 2 / 2**14
    assert get("statistic") == 0
    assert get("rank_biserial") == -1


def test_tests_of_mmt8_in_active_muscle_disease(ard):
    get = lambda stat, method: result(
        ard, "paired_test", "ACTMUSFL", "MMT8", "M3", stat, method
    )  # noqa: E731
    assert get("n_pairs", "paired_t") == 8
    assert get("mean_change", "paired_t") == 71 / 8
    # signed ranks of the 7 non-zero changes: W- = 1 + 2 = 3; 5 of 128 sign patterns have W- <= 3
    assert get("statistic", "wilcoxon_signed_rank") == 3
    assert get("p_value", "wilcoxon_signed_rank") == pytest.approx(2 * 5 / 128)
    assert get("n_nonzero", "wilcoxon_signed_rank") == 7


def test_wilcoxon_without_ties_uses_the_exact_distribution():
    values, note = wilcoxon_signed_rank(np.array([-1.0, -2.0, -3.0, 4.0]))
    # ranks 1-4, only rank 4 positive: W+ = 4; two-sided exact p = 2 * P(W+ <= 4) over 2^4 signs
    patterns = [sum(r for r, bit in zip(range(1, 5), f"{k:04b}") if bit == "1") for k in range(16)]
    extreme = sum(1 for w in patterns if w <= 4)
    assert values["p_value"] == pytest.approx(2 * extreme / 16)
    assert "exact null distribution" in note


def test_clopper_pearson_closed_forms():
    # all 7 respond: lower bound (alpha/2)^(1/n), upper bound 100%
    assert clopper_pearson(7, 7, 0.95)["ci_lower"] == pytest.approx(100 * 0.025 ** (1 / 7))
    assert clopper_pearson(7, 7, 0.95)["ci_upper"] == 100
    # 13 of 14: upper bound (1 - alpha/2)^(1/n); 1 of 8: lower bound 1 - (1 - alpha/2)^(1/n)
    assert clopper_pearson(13, 14, 0.95)["ci_upper"] == pytest.approx(100 * 0.975 ** (1 / 14))
    assert clopper_pearson(1, 8, 0.95)["ci_lower"] == pytest.approx(100 * (1 - 0.975 ** (1 / 8)))


def test_response_rates(ard):
    get = lambda pop, param, stat: result(
        ard, "response", pop, param, "M3", stat, "clopper_pearson"
    )  # noqa: E731
    assert get("ACTCUTFL", "CDASI", "n_responders") == 13
    assert get("ACTCUTFL", "CDASI", "n_evaluable") == 14
    assert get("ACTCUTFL", "CDASI", "pct") == pytest.approx(100 * 13 / 14)
    assert get("ACTMUSFL", "MMT8", "n_responders") == 1
    assert get("ACTMUSFL", "MMT8", "n_evaluable") == 8
    assert get("ACTBOTFL", "CDASI", "ci_lower") == pytest.approx(100 * 0.025 ** (1 / 7))


def test_categorical_counts(ard):
    get = lambda param, cat, stat: result(
        ard, "categorical", "SAFFL", param, "M0", stat, category=cat
    )  # noqa: E731
    assert get("SEX", "F", "n") == 15
    assert get("SEX", "F", "pct") == 93.75
    assert get("ACTCUTFL", "Y", "pct") == 87.5
    assert get("TRT01A", "baricitinib 4 mg/day", "n") == 6
    assert get("PRIORTRT", "IVIg", "n") == 14  # every patient but 13 (none) and 16 (CS, Cic, CYC)
    assert get("ANYPRIOR", "Y", "n") == 15


def test_describe_of_nothing():
    import pandas as pd

    assert describe(pd.Series([float("nan")] * 3)) == {"n": 0, "n_missing": 3}


def test_exact_distribution_with_ties_equals_scipys_full_enumeration():
    from scipy import stats as scipy_stats

    from clinrepro.stats import signed_rank_exact_with_ties

    rng = np.random.default_rng(20221055)
    checked = 0
    for _ in range(40):
        change = rng.integers(-6, 7, size=int(rng.integers(3, 12))).astype(float)
        change = change[change != 0]
        if len(change) < 2:
            continue
        every_sign = scipy_stats.PermutationMethod(n_resamples=2 ** len(change))
        reference = scipy_stats.wilcoxon(change, method=every_sign)
        statistic, p_value = signed_rank_exact_with_ties(change)
        assert statistic == reference.statistic
        assert p_value == pytest.approx(reference.pvalue, abs=1e-12)
        checked += 1
    assert checked > 30


def test_subgroups_show_every_level_with_its_n(ard):
    get = lambda category, stat, analysis="subgroup_response", method="clopper_pearson": result(  # noqa: E731
        ard, analysis, "ACTCUTFL", "CDASI", "M3", stat, method, category
    )
    # active cutaneous disease on baricitinib: 5, 6, 7, 8, 9, 10, 12, 13, 15, 16; patient 9 fell by 3
    assert (
        get("TRTMOL=baricitinib", "n_responders"),
        get("TRTMOL=baricitinib", "n_evaluable"),
    ) == (9, 10)
    assert get("TRTMOL=ruxolitinib", "pct") == 100
    # one anti-NXP2 patient with active cutaneous disease (15: 16 -> 6): no interval for the change
    assert get("ABTYPE=NXP2", "n_pairs", "subgroup_paired_test", "paired_t") == 1
    assert get("ABTYPE=NXP2", "mean_change", "subgroup_paired_test", "paired_t") == -10
    with pytest.raises(AssertionError):
        get("ABTYPE=NXP2", "ci_lower", "subgroup_paired_test", "paired_t")
