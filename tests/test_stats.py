"""Statistics against values worked out by hand from Table 1 (with Python's statistics module)."""

import math
import statistics

import numpy as np
import pytest

from clinrepro.adam.endpoints import build_adeff, build_adsl
from clinrepro.statistics.results import (
    analysis_results,
    clopper_pearson,
    describe,
    hodges_lehmann,
    walsh_averages,
    wilcoxon_signed_rank,
)
from hand import t_two_sided_p

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
    return analysis_results(adsl, adeff, analysis, "M0", cohort["measures"])


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

    from clinrepro.statistics.results import signed_rank_exact_with_ties

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


# IFN-α (fg/mL) M0 -> M3 of the 8 patients with both (1, 2, 4, 5, 7, 8, 9, 12); "68 ± 19"
# is read as 68
IFNA_PAIRS = [(68, 23), (18, 12), (144, 62), (48, 92), (221, 59), (19, 4), (8, 3), (12292, 10564)]
T_975_7 = 2.3646242515927844  # Student t quantile, 7 degrees of freedom, from printed tables


def test_ifn_alpha_on_the_log_scale(ard):
    get = lambda stat, method="paired_t_log": result(  # noqa: E731
        ard, "paired_test", "SAFFL", "IFNA", "M3", stat, method
    )
    logs = [math.log(after / before) for before, after in IFNA_PAIRS]
    mean, se = statistics.mean(logs), statistics.stdev(logs) / math.sqrt(8)
    # geometric mean ratio: (23/68 * 12/18 * 62/144 * 92/48 * 59/221 * 4/19 * 3/8 *
    # 10564/12292)^(1/8) = 0.4909
    gmr = math.prod(after / before for before, after in IFNA_PAIRS) ** (1 / 8)
    assert get("n_pairs") == 8
    assert get("gmr") == pytest.approx(gmr) == pytest.approx(0.4909, abs=5e-5)
    assert get("ci_lower") == pytest.approx(math.exp(mean - T_975_7 * se))
    assert get("ci_upper") == pytest.approx(math.exp(mean + T_975_7 * se))
    # t = mean / se = -2.815 on 7 df: p = 0.0260 (closed form of the t distribution)
    assert get("p_value") == pytest.approx(t_two_sided_p(mean / se, 7), rel=1e-9)
    assert get("p_value") == pytest.approx(0.02597, abs=1e-5)
    # every patient fell but 5 (48 -> 92)
    assert (get("n_decreased"), get("n_increased"), get("n_unchanged")) == (7, 1, 0)
    # the raw changes -45 -6 -82 44 -162 -15 -5 -1728 (mean -249.875) are not significant
    change = [after - before for before, after in IFNA_PAIRS]
    t_raw = statistics.mean(change) / (statistics.stdev(change) / math.sqrt(8))
    assert get("p_value", "paired_t") == pytest.approx(t_two_sided_p(t_raw, 7), rel=1e-9)
    assert get("p_value", "paired_t") == pytest.approx(0.2776, abs=1e-4)


def test_no_log_scale_where_a_value_is_zero(ard):
    # all 15 treated patients with CDASI at M0 and M3: patient 14 scores 0 at both
    rows = ard[
        (ard.analysis == "paired_test")
        & (ard.population == "SAFFL")
        & (ard.parameter == "CDASI")
        & (ard.method == "paired_t_log")
    ]
    assert rows["statistic"].tolist() == ["n_pairs"] and rows["value"].tolist() == [15]
    assert rows["note"].iloc[0].startswith("1 pair(s) with a value <= 0")
    assert "no offset" in rows["note"].iloc[0]


def test_the_primary_scale_is_marked_in_the_notes(tables, analysis, cohort):
    logged = {**analysis, "scales": {"default": "raw", "IFNA": "log"}}
    adsl = build_adsl(tables, logged, "M0")
    adeff = build_adeff(tables["measurements"], adsl, logged, cohort)
    results = analysis_results(adsl, adeff, logged, "M0")
    paired = results[results.analysis == "paired_test"].groupby(["parameter", "method"])
    marked = paired["note"].agg(lambda notes: notes.str.startswith("primary scale: log").all())
    assert marked[marked].index.tolist() == [("IFNA", "paired_t_log")]


def test_hodges_lehmann_of_five_changes_by_hand():
    # Walsh averages (x_i + x_j) / 2, i <= j, of -3 -1 2 6 8, sorted:
    # -3 -2 -1 -0.5 0.5 1.5 2 2.5 2.5 3.5 4 5 6 7 8; the median is the 8th, 2.5.
    # n = 5: P(V <= 0) = 1/32 >= 0.025, so k = 1 and the interval is the 1st and 15th,
    # at the achieved level 1 - 2/32 = 93.75%
    values, note = hodges_lehmann(np.array([-3.0, -1.0, 2.0, 6.0, 8.0]), 0.95)
    assert values == {"hl_estimate": 2.5, "hl_ci_lower": -3.0, "hl_ci_upper": 8.0}
    assert "k = 1 from the exact signed-rank distribution" in note
    assert "achieved level 93.75%" in note


def test_hodges_lehmann_as_r_computes_it():
    # x - y of R's wilcox.test(x, y, paired = TRUE, conf.int = TRUE) with x = 23 45 12 67 34
    # 89 56, y = 19 38 22 51 29 74 44 (the example of the R package statease): 4 7 -10 16 5
    # 15 12, whose 95% interval R prints as [-2.5, 15]. By hand: n = 7, P(V <= 2) = 3/128 <
    # 0.025 <= P(V <= 3) = 5/128, so k = 3: the 3rd Walsh average, (-10 + 5)/2 = -2.5, and the
    # 26th of 28, 15 (above it 15.5 and 16). The 14th and 15th of the 28 are 8 and 8.5.
    values, note = hodges_lehmann(np.array([4.0, 7.0, -10.0, 16.0, 5.0, 15.0, 12.0]), 0.95)
    assert values == {"hl_estimate": 8.25, "hl_ci_lower": -2.5, "hl_ci_upper": 15.0}
    assert "achieved level 95.31%" in note  # 1 - 2 * 3/128
    assert "approximate" not in note


def test_hodges_lehmann_of_mmt8_with_a_zero_change(ard):
    get = lambda stat: result(  # noqa: E731
        ard, "paired_test", "ACTMUSFL", "MMT8", "M3", stat, "wilcoxon_signed_rank"
    )
    # the 36 Walsh averages of -2 -1 0 9 12 14 15 24 (MMT8_CHANGE sorted), sorted:
    # -2 -1.5 -1 -1 -0.5 0 3.5 4 4.5 5 5.5 6 6 6.5 6.5 7 7 7.5 | 9 10.5 11 11.5 11.5 12 12 12
    # 13 13.5 14 14.5 15 16.5 18 19 19.5 24; median (7.5 + 9) / 2 = 8.25. n = 8: P(V <= 3) =
    # 5/256 < 0.025 <= P(V <= 4) = 7/256, k = 4: the 4th (-1) and the 33rd (18)
    assert (get("hl_estimate"), get("hl_ci_lower"), get("hl_ci_upper")) == (8.25, -1, 18)
    rows = ard[(ard.population == "ACTMUSFL") & (ard.parameter == "MMT8")
               & (ard.statistic == "hl_estimate")]  # fmt: skip
    assert "tied changes or zeros (1)" in rows["note"].iloc[0]


def test_hodges_lehmann_beyond_the_exact_distribution():
    # the 60 changes -20, -19, ..., 39: the Walsh averages are symmetric about 9.5, their
    # median. k = 60*61/4 - 1.959964 * sqrt(60*61*121/24) = 915 - 266.24 = 648.76 -> 649.
    # Shifted to 0..59, sums s = a + b (a <= b) number floor(s/2) + 1 each up to 59, so
    # (m+1)^2 of them are <= 2m and (m+1)(m+2) are <= 2m+1: 625 <= 48 < 649 <= 650 <= 49:
    # the 649th sum is 49, i.e. 49 - 40 = 9 on the original scale, an average of 4.5
    values, note = hodges_lehmann(np.arange(60.0) - 20, 0.95)
    assert values == {"hl_estimate": 9.5, "hl_ci_lower": 4.5, "hl_ci_upper": 14.5}
    assert "k = 649 from the normal approximation" in note


def test_walsh_averages_equal_every_average_listed():
    rng = np.random.default_rng(20221055)
    for size in (1, 2, 3, 8, 25):
        for change in (rng.integers(-4, 5, size).astype(float), rng.normal(0, 10, size)):
            listed = sorted((a + b) / 2 for i, a in enumerate(change) for b in change[i:])
            orders = range(1, len(listed) + 1)
            assert walsh_averages(change, orders) == pytest.approx(listed, abs=1e-12)


def marker_result(ard, population, statistic):
    return result(ard, "marker_discordance", population, "CK", "M3", statistic, category="MMT8")


def test_ck_rising_while_mmt8_does_not_worsen(ard):
    # CK at M0 and M3 with MMT8 at both: 1 2 4 5 6 7 8 12 13 14 16 (11 patients; 3 has no
    # MMT8, 9 no baseline CK, 10, 11 and 15 no CK at M3). CK rose >= 1.5-fold in 1 (65 -> 183,
    # x2.8), 2 (79 -> 181, x2.3), 5 (110 -> 219, x2.0), 16 (27 -> 58, x2.1); 6 (172 -> 236)
    # rose x1.37 only. MMT8 stayed in 1 (145 -> 145) and 16 (150 -> 150), fell 2 points in 2
    # (150 -> 148) and 5 (146 -> 144): with tracked_worsening_pct 0 that is worsening
    assert marker_result(ard, "SAFFL", "n_evaluable") == 11
    assert marker_result(ard, "SAFFL", "n_marker_worsened") == 4
    assert marker_result(ard, "SAFFL", "n_discordant") == 2
    rows = ard[(ard.analysis == "marker_discordance") & (ard.population == "SAFFL")]
    assert rows.set_index("statistic").at["n_discordant", "note"] == (
        "CK rose >= 1.5-fold while MMT8 did not fall: patient 1 (CK 65 -> 183, MMT8 145 -> 145), "
        "patient 16 (CK 27 -> 58, MMT8 150 -> 150)"
    )
    # active muscle disease (1 4 5 7 8 11 13 14 15): 1 4 5 7 8 13 14 evaluable; 1 and 5 rose
    assert marker_result(ard, "ACTMUSFL", "n_evaluable") == 7
    assert marker_result(ard, "ACTMUSFL", "n_marker_worsened") == 2
    assert marker_result(ard, "ACTMUSFL", "n_discordant") == 1


def test_a_tolerated_mmt8_fall_counts_as_not_worsened(tables, analysis, cohort):
    # 2 points of 150 and of 146 are 1.3% and 1.4% of baseline, within 2%: all 4 CK risers
    tolerant = {**analysis, "tracked_worsening_pct": 2}
    adsl = build_adsl(tables, tolerant, "M0")
    adeff = build_adeff(tables["measurements"], adsl, tolerant, cohort)
    results = analysis_results(adsl, adeff, tolerant, "M0", cohort["measures"])
    assert marker_result(results, "SAFFL", "n_discordant") == 4
    note = results[results.statistic == "n_discordant"]["note"].iloc[0]
    assert note.startswith("CK rose >= 1.5-fold while MMT8 did not fall by more than 2% of its")


def test_tables_pair_each_estimate_with_its_own_test(ard, analysis, cohort):
    from clinrepro.presentation.sensitivity import estimates

    def muscle_change(settings):
        rows = {row["estimate"]: row for row in estimates(ard, settings, cohort)}
        return rows["MMT8 change at M3, points"]

    paper = muscle_change(analysis)
    assert (paper["estimator"], paper["value"], paper["test"]) == ("mean", 71 / 8, "paired t-test")
    # the rank test's p (10/128) beside its own estimate: the Hodges-Lehmann median of
    # MMT8_CHANGE and its interval, worked out above
    rank = muscle_change({**analysis, "tests": {"default": "wilcoxon_signed_rank"}})
    assert rank["estimator"] == "Hodges-Lehmann median"
    assert (rank["value"], rank["ci_lower"], rank["ci_upper"]) == (8.25, -1, 18)
    assert rank["p_value"] == pytest.approx(2 * 5 / 128)
