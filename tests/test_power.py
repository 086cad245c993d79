"""Power and sample size against known answers: statsmodels' power classes and hand
formulas as the reference, the chi-square limit of an SD, the exact tests by enumeration,
simulated against analytic on a normal case, and the pilot's own table."""

import csv
import math
import statistics

import jsonschema
import numpy as np
import pytest
import yaml
from scipy import stats
from statsmodels.stats.power import NormalIndPower, TTestIndPower, TTestPower
from statsmodels.stats.proportion import proportion_effectsize

from clinrepro.power import estimates as power_estimates
from clinrepro.power import planning as power
from clinrepro.power import run as power_step
from clinrepro.power import formulas as power_formulas
from clinrepro.power import simulation as power_simulation
from clinrepro.adam.endpoints import build_adeff, build_adsl, read_adeff
from clinrepro.base.files import write_tables
from clinrepro.base.settings import variant_settings
from conftest import ROOT

# Table 1: the 14 CDASI changes in active cutaneous disease, the 8 MMT8 pairs in active
# muscle disease (patients 1, 4, 5, 7, 8, 13, 14, 15)
CDASI_CHANGE = [-11, -20, -30, -19, -10, -8, -12, -23, -3, -16, -13, -11, -10, -6]
MMT8_BASELINE = [130, 71, 124, 69, 150, 144, 111, 146]
MMT8_M3 = [130, 83, 122, 93, 164, 143, 126, 155]
ALPHA = 0.05


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def settings(config):
    return config["power"] | {"dpi": 72}


# ---- analytic power and sample size against statsmodels and the noncentral t by hand


@pytest.mark.parametrize("d, n", [(0.5, 34), (0.961, 8), (1.9, 5), (0.2, 200), (-0.7, 12)])
def test_paired_t_power_is_statsmodels_and_the_noncentral_t(d, n):
    critical = stats.t.ppf(1 - ALPHA / 2, n - 1)
    by_hand = stats.nct.sf(critical, n - 1, d * math.sqrt(n)) + stats.nct.cdf(
        -critical, n - 1, d * math.sqrt(n)
    )
    ours = power_formulas.paired_t_power(d, n, ALPHA)
    assert ours == pytest.approx(by_hand, abs=1e-9)
    assert ours == pytest.approx(TTestPower().power(d, n, ALPHA), abs=1e-9)


@pytest.mark.parametrize("d, target", [(0.5, 0.8), (0.5, 0.9), (0.3, 0.8), (1.5, 0.9)])
def test_sample_sizes_are_statsmodels_rounded_up(d, target):
    paired = power_formulas.smallest_n(
        lambda n: power_formulas.paired_t_power(d, n, ALPHA), target, 2, 1000
    )
    assert paired == math.ceil(TTestPower().solve_power(d, alpha=ALPHA, power=target))
    two = power_formulas.smallest_n(
        lambda n: power_formulas.two_sample_t_power(d, n, ALPHA), target, 2, 1000
    )
    assert two == math.ceil(TTestIndPower().solve_power(d, alpha=ALPHA, power=target, ratio=1))
    assert power_formulas.two_sample_t_power(d, two, ALPHA) == pytest.approx(
        TTestIndPower().power(d, two, ALPHA, ratio=1), abs=1e-9
    )


def test_the_textbook_sizes_for_half_an_sd():
    # d = 0.5: 34 pairs (33.4 up) and 64 per arm (63.8 up) for 80%
    assert (
        power_formulas.smallest_n(
            lambda n: power_formulas.paired_t_power(0.5, n, ALPHA), 0.8, 2, 1000
        )
        == 34
    )
    assert (
        power_formulas.smallest_n(
            lambda n: power_formulas.two_sample_t_power(0.5, n, ALPHA), 0.8, 2, 1000
        )
        == 64
    )


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.84])
def test_ancova_is_the_variance_factor_and_agrees_with_borm(rho):
    difference, sd_follow_up = 4.0, 10.0
    residual = sd_follow_up * math.sqrt(1 - rho**2)
    n = 30
    # by hand: noncentral t on 2n - 3 df, variance 2/n inflated by 1 + 1/(2n - 4)
    shift = difference / (residual * math.sqrt(2 / n * (1 + 1 / (2 * n - 4))))
    critical = stats.t.ppf(1 - ALPHA / 2, 2 * n - 3)
    by_hand = stats.nct.sf(critical, 2 * n - 3, shift) + stats.nct.cdf(-critical, 2 * n - 3, shift)
    assert power_formulas.ancova_power(difference, residual, n, ALPHA) == pytest.approx(by_hand)
    # Borm et al. 2007: (1 - rho^2) times the t-test's n on the follow-up value, plus one
    ancova = power_formulas.smallest_n(
        lambda k: power_formulas.ancova_power(difference, residual, k, ALPHA), 0.8, 3, 5000
    )
    t_test = TTestIndPower().solve_power(difference / sd_follow_up, alpha=ALPHA, power=0.8)
    assert abs(ancova - (math.ceil(t_test * (1 - rho**2)) + 1)) <= 1


# ---- the pilot's estimates and their conservative limits


def test_conservative_sd_is_the_chi_square_upper_limit():
    sd, n = statistics.stdev(CDASI_CHANGE), len(CDASI_CHANGE)
    by_hand = sd * math.sqrt((n - 1) / stats.chi2.ppf(0.2, n - 1))
    assert power_formulas.upper_sd(sd, n, 0.8) == pytest.approx(by_hand, rel=1e-12)
    assert by_hand == pytest.approx(8.854, abs=1e-3)  # 7.216 times 1.227
    # a higher level is more conservative
    assert power_formulas.upper_sd(sd, n, 0.9) > by_hand > sd


def test_lower_limits_of_a_mean_and_a_proportion():
    improvement = [-c for c in CDASI_CHANGE]
    mean, sd, n = statistics.mean(improvement), statistics.stdev(improvement), 14
    by_hand = mean - stats.t.ppf(0.8, n - 1) * sd / math.sqrt(n)
    assert power_formulas.lower_mean(mean, sd, n, 0.8) == pytest.approx(by_hand)
    # 13 of 14 responders: the one-sided 80% Clopper-Pearson lower limit is a beta quantile
    assert power_formulas.lower_proportion(13, 14, 0.8) == pytest.approx(stats.beta.ppf(0.2, 13, 2))
    interval = stats.binomtest(13, 14).proportion_ci(0.95, method="exact")
    assert power_formulas.clopper_pearson(13, 14, 0.95) == pytest.approx(
        (interval.low, interval.high)
    )


def test_correlation_interval_by_fisher_z():
    r = float(np.corrcoef(MMT8_BASELINE, MMT8_M3)[0, 1])
    n, z = 8, math.atanh(r)
    half = stats.norm.ppf(0.975) / math.sqrt(n - 3)
    assert power_formulas.correlation_interval(r, n, 0.95) == pytest.approx(
        (math.tanh(z - half), math.tanh(z + half))
    )


def test_dz_interval_inverts_the_noncentral_t():
    changes = np.array(CDASI_CHANGE, dtype=float)
    low, high = power_formulas.dz_interval(changes, 0.95)
    t_observed = changes.mean() / (changes.std(ddof=1) / math.sqrt(14))
    assert stats.nct.cdf(t_observed, 13, low * math.sqrt(14)) == pytest.approx(0.975, abs=1e-6)
    assert stats.nct.cdf(t_observed, 13, high * math.sqrt(14)) == pytest.approx(0.025, abs=1e-6)


# ---- proportions


def equal_tailed_power(n, p1, p0, alpha=ALPHA):
    """By hand: reject k when P(X <= k) or P(X >= k) under p0 is at most alpha/2."""
    k = np.arange(n + 1)
    rejected = (stats.binom.cdf(k, n, p0) <= alpha / 2) | (
        stats.binom.sf(k - 1, n, p0) <= alpha / 2
    )
    return float(stats.binom.pmf(k[rejected], n, p1).sum())


@pytest.mark.parametrize("n, p0, p1", [(8, 0.2, 0.5), (14, 0.2, 0.9), (30, 0.1, 0.3), (7, 0, 0.2)])
def test_exact_binomial_power_is_two_sided_with_half_alpha_per_tail(n, p0, p1):
    ours = power_formulas.exact_binomial_power(n, p1, p0, ALPHA)[0]
    assert ours == pytest.approx(equal_tailed_power(n, p1, p0))


def test_the_exact_binomial_at_n_14_and_the_first_stable_n():
    # 50% responders against 20%: P(X >= 7 | 14, 0.2) = 0.0116 <= 0.025 < P(X >= 6) = 0.0439,
    # and no lower tail (P(X = 0) = 0.044): power P(X >= 7 | 14, 0.5) = 0.605
    assert stats.binom.sf(5, 14, 0.2) == pytest.approx(0.0439, abs=1e-4)
    assert stats.binom.sf(6, 14, 0.2) == pytest.approx(0.0116, abs=1e-4)
    assert power_formulas.exact_binomial_power(14, 0.5, 0.2, ALPHA)[0] == pytest.approx(
        stats.binom.sf(6, 14, 0.5)
    )
    assert round(stats.binom.sf(6, 14, 0.5), 2) == 0.60
    # scipy's binomtest rejects X >= 6 only at n = 14 (size 0.044): a one-sided 5% test
    rejected = [k for k in range(15) if stats.binomtest(k, 14, 0.2).pvalue <= ALPHA]
    assert rejected == list(range(6, 15))
    # the sawtooth: under that old rule n = 24 gives 0.924 and n = 25 0.885
    old = {n: sum(stats.binom.pmf(k, n, 0.5) for k in range(n + 1)
                  if stats.binomtest(k, n, 0.2).pvalue <= ALPHA) for n in (24, 25)}  # fmt: skip
    assert (round(old[24], 3), round(old[25], 3)) == (0.924, 0.885)
    # the size is the first n from which power stays above the target, by hand up to 400
    powers = {n: equal_tailed_power(n, 0.5, 0.2) for n in range(1, 61)}
    for target, first_reaching, stable in ((0.8, 19, 24), (0.9, 26, 31)):
        assert min(n for n, p in powers.items() if p >= target) == first_reaching
        assert max(n for n, p in powers.items() if p < target) + 1 == stable
    curve = power_formulas.exact_binomial_power(np.arange(1, 401), 0.5, 0.2, ALPHA)
    assert power_formulas.first_stable(curve, 0.8, 1) == 24
    assert power_formulas.first_stable(curve, 0.9, 1) == 31
    assert powers[23] < 0.8 <= powers[19]  # reached at 19, lost again up to 23


@pytest.mark.parametrize("p1, p0", [(0.5, 0.2), (0.9, 0.3), (0.3, 0.4)])
def test_two_proportions_are_statsmodels_cohens_h(p1, p0):
    h = power_formulas.cohens_h(p1, p0)
    assert h == pytest.approx(proportion_effectsize(p1, p0))
    for n in (7, 38, 120):
        assert power_formulas.arcsine_power(h, n, ALPHA, 2) == pytest.approx(
            NormalIndPower().power(h, n, ALPHA, ratio=1)
        )
    size = power_formulas.smallest_n(
        lambda n: power_formulas.arcsine_power(h, n, ALPHA, 2), 0.8, 2, 10_000
    )
    assert size == math.ceil(NormalIndPower().solve_power(h, alpha=ALPHA, power=0.8, ratio=1))


def test_two_proportion_exact_power_by_a_loop_over_both_arms():
    n, p1, p0, by_hand = 7, 0.5, 0.2, 0.0
    for k1 in range(n + 1):
        for k0 in range(n + 1):
            pooled = (k1 + k0) / (2 * n)
            se = math.sqrt(pooled * (1 - pooled) * 2 / n)
            p = 2 * stats.norm.sf(abs((k1 - k0) / n / se)) if se > 0 else 1.0
            if p <= ALPHA:
                by_hand += stats.binom.pmf(k1, n, p1) * stats.binom.pmf(k0, n, p0)
    assert power_formulas.two_proportion_exact_power(n, p1, p0, ALPHA) == pytest.approx(by_hand)


# ---- simulation


def test_simulated_power_agrees_with_analytic_within_three_monte_carlo_se_on_a_normal_case():
    trials, d = 20_000, 0.5
    rng = np.random.default_rng(2022)
    single = power_simulation.paired_curve(
        d + power_simulation.draws(None, 40, trials, rng), "paired_t", ALPHA
    )
    treated = d + power_simulation.draws(None, 70, trials, rng)
    two = power_simulation.parallel_t_curve(
        treated, power_simulation.draws(None, 70, trials, rng), ALPHA
    )
    for curve, formula, sizes in (
        (single, power_formulas.paired_t_power, (10, 20, 34)),
        (two, power_formulas.two_sample_t_power, (20, 40, 64)),
    ):
        for n in sizes:
            expected = formula(d, n, ALPHA)
            error = math.sqrt(expected * (1 - expected) / trials)
            assert abs(curve[n - 1] - expected) < 3 * error, (formula.__name__, n)


def test_the_signed_rank_simulation_uses_the_exact_test():
    # no effect: at n = 5 the exact test cannot reach p <= 0.05 (least p 2/32); at n = 6 it
    # rejects only all-positive or all-negative samples, 2/64 of them
    trials = 40_000
    curve = power_simulation.paired_curve(
        power_simulation.draws(None, 6, trials, np.random.default_rng(5)),
        "wilcoxon_signed_rank",
        ALPHA,
    )
    assert curve[4] == 0.0
    assert abs(curve[5] - 2 / 64) < 3 * math.sqrt(2 / 64 * (1 - 2 / 64) / trials)
    # and it rejects what scipy's exact test rejects
    rng = np.random.default_rng(9)
    samples = rng.normal(0.6, 1, size=(12, 300))
    curve = power_simulation.paired_curve(samples, "wilcoxon_signed_rank", ALPHA)
    rejected = [stats.wilcoxon(samples[:, i], method="exact").pvalue <= ALPHA for i in range(300)]
    assert curve[11] == pytest.approx(np.mean(rejected))


def test_simulation_is_seeded_and_shares_its_draws_across_n():
    shape = power_simulation.standardized(np.array(CDASI_CHANGE, dtype=float))
    first = power_simulation.draws(shape, 30, 2000, np.random.default_rng([1, 2]))
    again = power_simulation.draws(shape, 30, 2000, np.random.default_rng([1, 2]))
    assert np.array_equal(first, again)
    assert first.mean() == pytest.approx(0, abs=0.02) and first.std() == pytest.approx(1, abs=0.02)
    curve = power_simulation.paired_curve(0.5 + first, "wilcoxon_signed_rank", ALPHA)
    # the curve's n = 12 is the test on the first 12 rows of the same draws
    alone = power_simulation.paired_curve(0.5 + first[:12], "wilcoxon_signed_rank", ALPHA)
    assert curve[11] == alone[11]


# ---- the pilot's table, in-process on its ADEFF built from the tidy tables


def pilot_outputs(tmp_path, tables, cohort, config, settings, variant):
    analysis = variant_settings(config, variant, cohort)
    adsl = build_adsl(tables, analysis, cohort["baseline_visit"])
    path = tmp_path / f"{variant}_adeff.csv"
    build_adeff(tables["measurements"], adsl, analysis, cohort).to_csv(path, index=False)
    names = {"csv": "power.csv", "summary": "power_summary.csv", "curve": "power_curve.csv",
             "png": "power_curve.png", "svg": "power_curve.svg", "caption": "power_curve.json"}  # fmt: skip
    outputs = {key: str(tmp_path / f"{variant}_{name}") for key, name in names.items()}
    power_step.run(str(path), analysis, settings, cohort | {"synthetic": False}, outputs)
    with open(outputs["csv"], encoding="utf-8") as handle:
        long = list(csv.DictReader(handle))
    with open(outputs["summary"], encoding="utf-8") as handle:
        summary = list(csv.DictReader(handle))
    return long, summary


@pytest.fixture(scope="module")
def pilot(tmp_path_factory, tables, cohort, config, settings):
    return pilot_outputs(
        tmp_path_factory.mktemp("power"), tables, cohort, config, settings, "paper"
    )


def test_the_pilots_table_has_every_endpoint_assumption_and_design(pilot):
    long, summary = pilot
    endpoints = list(dict.fromkeys(row["endpoint"] for row in long))
    # the measures by their labels; IFN-α and CK again on the log scale (one patient carries
    # each on the raw scale)
    assert endpoints == [
        "CDASI change at M3", "IFN-α change at M3", "IFN-α change at M3 (log scale)",
        "MMT8 change at M3", "CK change at M3", "CK change at M3 (log scale)",
        "cutaneous response (CDASI decrease ≥ 5 points at M3)",
        "muscle response (MMT8 increase ≥ 20% at M3)",
    ]  # fmt: skip
    cdasi = [row for row in summary if row["endpoint"] == "CDASI change at M3"]
    assert list(dict.fromkeys(row["assumption"] for row in cdasi)) == [
        "cutaneous response criterion", "MCID (lower)", "MCID (upper)",
        "cohort's change, 80% lower limit", "observed (optimistic)",
    ]  # fmt: skip
    assert {(row["design"], row["analysis"]) for row in cdasi} == {
        ("single-arm paired", "paired t-test"),
        ("two-arm parallel", "change-score t-test"),
        ("two-arm parallel", "ANCOVA on baseline"),
    }
    response = [row for row in summary if row["endpoint"].startswith("cutaneous response")]
    assert {row["assumption"] for row in response} == {
        "assumed 50% responders", "cohort's response, 80% lower limit", "observed (optimistic)"
    }  # fmt: skip
    assert all(row["assumes"] for row in summary)
    # the paper variant's changes that are not skewed need no simulation
    assert not [row for row in cdasi if row["method"] == "simulation"]


def test_no_row_gives_power_at_an_effect_taken_from_the_data(pilot):
    long, summary = pilot
    powers = [row for row in long if row["quantity"] == "power at the cohort's n"]
    assert powers and {row["source"] for row in powers} == {"response criterion", "settings"}
    for row in summary:
        if row["assumption"] == "observed (optimistic)":
            withdrawn = row["status"] == "withdrawn"
            assert row["power at the cohort's n"] == (
                "" if withdrawn else "not computed (effect from the data)"
            )
            assert row["status"] in ("reference", "withdrawn")
            assert "Optimistic" in row["assumes"] and "not a basis for planning" in row["assumes"]
            assert "regression to the mean" in row["assumes"]
    # the observed effect still sizes a trial, labelled: MMT8's d_z 0.961 gives 11 pairs
    optimistic = [row for row in summary if row["endpoint"] == "MMT8 change at M3"
                  and row["assumption"] == "observed (optimistic)"
                  and row["analysis"] == "paired t-test"]  # fmt: skip
    assert optimistic[0]["n for 80% power"] == "11"


def test_the_pilots_numbers_worked_out_by_hand(pilot):
    long, _ = pilot

    def value(endpoint, assumption, analysis, quantity):
        rows = [r for r in long if (r["endpoint"], r["assumption"], r["analysis"], r["quantity"],
                                    r["placebo_from"] in ("", "settings"))
                == (endpoint, assumption, analysis, quantity, True)]  # fmt: skip
        assert len(rows) == 1, (endpoint, assumption, analysis, quantity)
        return float(rows[0]["value"])

    # CDASI, the criterion (5 points) against the upper 80% limit of the SD, at n = 14
    sd = statistics.stdev(CDASI_CHANGE) * math.sqrt(13 / stats.chi2.ppf(0.2, 13))
    assert value(
        "CDASI change at M3", "cutaneous response criterion", "paired t-test",
        "power at the cohort's n",
    ) == pytest.approx(TTestPower().power(5 / sd, 14, ALPHA))  # fmt: skip
    assert value(
        "CDASI change at M3", "MCID (lower)", "paired t-test", "n for 80% power"
    ) == math.ceil(TTestPower().solve_power(4 / sd, alpha=ALPHA, power=0.8))
    # two arms: the placebo arm improves by 20% of the treated arm's 4 points
    assert value(
        "CDASI change at M3", "MCID (lower)", "change-score t-test", "n per arm for 80% power"
    ) == math.ceil(TTestIndPower().solve_power(3.2 / sd, alpha=ALPHA, power=0.8))
    # MMT8: the criterion's 20% is 20% of the mean baseline of the 8 patients with both values
    points = 0.2 * statistics.mean(MMT8_BASELINE)
    mmt8 = [r for r in long if r["endpoint"] == "MMT8 change at M3"
            and r["assumption"] == "muscle response criterion"]  # fmt: skip
    assert float(mmt8[0]["effect"]) == pytest.approx(points)
    # the cutaneous response: 50% assumed against 20% under placebo, exact binomial at n = 14
    by_hand = equal_tailed_power(14, 0.5, 0.2)
    assert value(
        "cutaneous response (CDASI decrease ≥ 5 points at M3)", "assumed 50% responders",
        "exact binomial test", "power at the cohort's n",
    ) == pytest.approx(by_hand)  # fmt: skip


def test_the_placebo_grid_moves_the_two_arm_size(pilot):
    long, summary = pilot
    row = next(r for r in summary if r["endpoint"] == "CDASI change at M3"
               and r["assumption"] == "MCID (lower)" and r["analysis"] == "change-score t-test")  # fmt: skip
    sizes = [int(row[f"placebo {share}%"]) for share in (0, 10, 20, 30, 40)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
    sd = statistics.stdev(CDASI_CHANGE) * math.sqrt(13 / stats.chi2.ppf(0.2, 13))
    assert sizes[-1] == math.ceil(TTestIndPower().solve_power(4 * 0.6 / sd, alpha=ALPHA, power=0.8))
    grid = [r for r in long if r["placebo_from"].startswith("grid")]
    assert {r["placebo_from"] for r in grid} == {f"grid {s}%" for s in (0, 10, 20, 30, 40)}


def test_the_nonparametric_variant_simulates_the_wilcoxon_and_states_its_error(
    tmp_path, tables, cohort, config, settings
):
    long, summary = pilot_outputs(tmp_path, tables, cohort, config, settings, "nonparametric")
    simulated = [r for r in summary if r["method"] == "simulation"]
    assert {r["analysis"] for r in simulated} == {"Wilcoxon signed-rank test"}
    assert {r["assumption"] for r in simulated if r["endpoint"] == "CDASI change at M3"} == {
        "cutaneous response criterion",
        "MCID (lower)",
        "MCID (upper)",
    }  # fmt: skip  (the lower limit, 12 points, is a reference: not simulated)
    limit = math.sqrt(0.25 / settings["simulations"])
    assert all(0 < float(r["MC SE"]) <= limit for r in simulated)
    # at n = 14 the Wilcoxon test has a little less power than the t-test
    own = {r["analysis"]: float(r["power at the cohort's n"].split()[0]) for r in summary
           if r["endpoint"] == "CDASI change at M3" and r["assumption"] == "MCID (lower)"
           and r["design"] == "single-arm paired"}  # fmt: skip
    assert own["Wilcoxon signed-rank test"] < own["paired t-test"]


def test_effects_of_a_measure_the_cohort_lacks_are_skipped_and_percent_uses_the_baseline(
    tmp_path, tables, cohort, config, settings
):
    changed = settings | {
        "effects": {"HAQ": [{"name": "MCID", "change": 0.22}],
                    "MMT8": [{"name": "ten percent", "percent": 10}]}
    }  # fmt: skip
    long, _ = pilot_outputs(tmp_path, tables, cohort, config, changed, "paper")
    assert not [r for r in long if r["measure"] == "HAQ"]
    ten = [r for r in long if r["assumption"] == "ten percent"]
    assert float(ten[0]["effect"]) == pytest.approx(0.1 * statistics.mean(MMT8_BASELINE))


def test_power_settings_are_validated(config):
    schema = yaml.safe_load((ROOT / "config/schema/config.schema.yaml").read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    assert not list(validator.iter_errors(config))
    for change in (
        {"sd": "upper80"},
        {"sd": 1.2},
        {"ancova": "yes"},
        {"effects": {"CDASI": [{"name": "both", "change": 4, "percent": 10}]}},
        {"effects": {"CDASI": [{"name": "none"}]}},
        {"effects": {"CDASI": [{"name": "rate", "response_rate": 1.5}]}},
        {"placebo": config["power"]["placebo"] | {"respone_rate": 0.1}},
        {"placebo": config["power"]["placebo"] | {"grid": [1.2]}},
    ):
        bad = config | {"power": config["power"] | change}
        assert list(validator.iter_errors(bad)), change


def test_the_power_tables_keep_each_cell_as_computed(tmp_path):
    # an integer stays one beside floats, a float keeps every digit, a missing number is empty
    path = tmp_path / "table.csv"
    rows = [{"n": 14, "value": 0.1 + 0.2}, {"value": np.nan, "note": "not reached by 1000"}]
    write_tables({str(path): power.as_table(["n", "value", "note"], rows)})
    assert path.read_bytes() == b"n,value,note\n14,0.30000000000000004,\n,,not reached by 1000\n"


def test_placebo_in_points_and_the_sd_as_observed_are_settings(
    tmp_path, tables, cohort, config, settings
):
    changed = settings | {"sd": "observed", "ancova": False}
    changed["placebo"] = settings["placebo"] | {"mean_change": {"CDASI": 2}}
    long, summary = pilot_outputs(tmp_path, tables, cohort, config, changed, "paper")
    row = next(r for r in long if r["endpoint"] == "CDASI change at M3"
               and r["assumption"] == "MCID (upper)" and r["analysis"] == "change-score t-test"
               and r["quantity"] == "n per arm for 80% power" and r["placebo_from"] == "settings")  # fmt: skip
    assert float(row["difference"]) == 3.0  # 5 points against placebo's 2
    sd = statistics.stdev(CDASI_CHANGE)
    assert float(row["value"]) == math.ceil(
        TTestIndPower().solve_power(3 / sd, alpha=ALPHA, power=0.8)
    )
    assert not [r for r in summary if r["analysis"] == "ANCOVA on baseline"]


def test_power_prints_as_people_read_a_probability(pilot):
    from clinrepro.base.terms import probability_text

    # two decimals from 0.01 to 0.99, three beyond, and never a bare 1 or 0
    assert [probability_text(v) for v in (1.0, 0.9996, 0.99486, 0.5, 0.0104, 0.005, 0.0004)] == [
        "> 0.999", "> 0.999", "0.995", "0.50", "0.01", "0.005", "< 0.001",
    ]  # fmt: skip
    # the CDASI criterion, 5 points against the SD's upper limit 8.854 at n = 14: 0.4985
    sd = statistics.stdev(CDASI_CHANGE) * math.sqrt(13 / stats.chi2.ppf(0.2, 13))
    assert TTestPower().power(5 / sd, 14, ALPHA) == pytest.approx(0.4985, abs=1e-4)
    _, summary = pilot
    row = next(r for r in summary if r["endpoint"] == "CDASI change at M3"
               and r["assumption"] == "cutaneous response criterion"
               and r["design"] == "single-arm paired")  # fmt: skip
    assert row["power at the cohort's n"] == "0.50 (n = 14)"
    assert (row["n for 80% power"], row["n for 90% power"]) == ("27", "35")


# ---- which rows are offered: attainability, influence, one covariance (pilot, by hand)

# the pilot's ADEFF at M3, from Table 1: the 8 active-muscle MMT8 pairs (patients 1, 4, 5, 7,
# 8, 13, 14, 15), CK and IFN-α of every treated patient with both values
MMT8_PAIRS = {"1": (145, 145), "4": (131, 143), "5": (146, 144), "7": (69, 93),
              "8": (131, 145), "13": (79, 78), "14": (109, 124), "15": (135, 144)}  # fmt: skip
CK_PAIRS = {"1": (65, 183), "2": (79, 181), "3": (2559, 226), "4": (49, 40), "5": (110, 219),
            "6": (172, 236), "7": (110, 89), "8": (56, 67), "12": (84, 61), "13": (83, 61),
            "14": (221, 100), "16": (27, 58)}  # fmt: skip
IFNA_PAIRS = {"1": (68, 23), "2": (18, 12), "4": (144, 62), "5": (48, 92), "7": (221, 59),
              "8": (19, 4), "9": (8, 3), "12": (12292, 10564)}  # fmt: skip


def rows_of(summary, endpoint, assumption=None):
    return [r for r in summary if r["endpoint"] == endpoint
            and assumption in (None, r["assumption"])]  # fmt: skip


def test_the_mmt8_effects_beyond_the_ceiling_are_withdrawn_with_the_largest_attainable(pilot):
    # 20% of the baseline fits under 150 for patients 7 (69 -> 82.8), 13 (79 -> 94.8) and 14
    # (109 -> 130.8) only: 3 of 8 can respond, 37.5%
    able = [p for p, (base, _) in MMT8_PAIRS.items() if 1.2 * base <= 150]
    assert able == ["7", "13", "14"]
    # each patient gaining 20% of their baseline or up to 150: mean 113.4 / 8 = 14.175 points,
    # against the criterion read as a mean, 20% of the mean baseline 118.125 = 23.625
    capped = sum(min(0.2 * base, 150 - base) for base, _ in MMT8_PAIRS.values()) / 8
    assert capped == pytest.approx(14.175)
    _, summary = pilot
    criterion = rows_of(summary, "MMT8 change at M3", "muscle response criterion")
    assert len(criterion) == 3 and {r["status"] for r in criterion} == {"withdrawn"}
    assert criterion[0]["reason"] == (
        "Unattainable: only patients 7, 13 and 14 of the 8 with values at baseline and M3 (9 in "
        "the population) can gain 20% of their baseline before MMT8 reaches 150; if every "
        "patient gains it or as much as the scale allows, the mean gain "
        "is at most 14.2 points, not 23.6."
    )
    assert all(r["n for 80% power"] == "" and r["power at the cohort's n"] == "" for r in criterion)
    muscle = "muscle response (MMT8 increase ≥ 20% at M3)"
    rate = rows_of(summary, muscle, "assumed 50% responders")
    assert {r["status"] for r in rate} == {"withdrawn"}
    assert "a response proportion above 3 of 8 (37.5%) cannot happen" in rate[0]["reason"]
    # the lower limit of the cohort's own change (attained: it is below the observed) stays
    lower = rows_of(summary, "MMT8 change at M3", "cohort's change, 80% lower limit")
    assert {r["status"] for r in lower} == {"offered"}


def test_one_patient_carries_ck_and_ifn_on_the_raw_scale(pilot):
    ck = {p: after - before for p, (before, after) in CK_PAIRS.items()}
    without_3 = [c for p, c in ck.items() if p != "3"]
    assert statistics.mean(without_3) == pytest.approx(21.727, abs=1e-3)  # a rise: +21.7
    assert statistics.stdev(ck.values()) == pytest.approx(683, abs=0.5)
    assert statistics.stdev(without_3) == pytest.approx(72.4, abs=0.05)
    ifn = {p: after - before for p, (before, after) in IFNA_PAIRS.items()}
    assert statistics.stdev(ifn.values()) == pytest.approx(600, abs=0.5)
    assert statistics.stdev([c for p, c in ifn.items() if p != "12"]) == pytest.approx(
        66.7, abs=0.05
    )
    kept = [pair for p, pair in IFNA_PAIRS.items() if p != "12"]
    r_all = np.corrcoef(*zip(*IFNA_PAIRS.values()))[0, 1]
    r_kept = np.corrcoef(*zip(*kept))[0, 1]
    assert round(r_all, 4) == 0.9999 and round(r_kept, 2) == 0.55
    logs = [math.log(after / before) for before, after in IFNA_PAIRS.values()]
    assert (round(statistics.mean(logs), 2), round(statistics.stdev(logs), 2)) == (-0.71, 0.72)
    long, summary = pilot
    for endpoint, patient in (("CK change at M3", "3"), ("IFN-α change at M3", "12")):
        rows = rows_of(summary, endpoint)
        assert {r["status"] for r in rows} == {"withdrawn"}
        assert all(r["reason"].startswith(f"Withdrawn, one patient carries it: without patient "
                                          f"{patient} the mean improvement is") for r in rows)  # fmt: skip
    assert (
        "the SD of the change is 72.4, not 683" in rows_of(summary, "CK change at M3")[0]["reason"]
    )
    assert (
        "the SD of the change is 66.7, not 600"
        in rows_of(summary, "IFN-α change at M3")[0]["reason"]
    )
    # IFN-α is planned on the log scale: improvement = -mean log change 0.7115, SD 0.7151
    logged = rows_of(summary, "IFN-α change at M3 (log scale)", "cohort's change, 80% lower limit")
    assert {r["status"] for r in logged} == {"offered"}
    improvement = -statistics.mean(logs)
    lower = improvement - stats.t.ppf(0.8, 7) * statistics.stdev(logs) / math.sqrt(8)
    sd = statistics.stdev(logs) * math.sqrt(7 / stats.chi2.ppf(0.2, 7))
    single = next(r for r in logged if r["design"] == "single-arm paired")
    assert single["n for 80% power"] == str(
        math.ceil(TTestPower().solve_power(lower / sd, alpha=ALPHA, power=0.8))
    )
    # on the log scale no CK row is offered: the cohort shows no benefit (tested below)
    assert {r["status"] for r in rows_of(summary, "CK change at M3 (log scale)")} == {"withdrawn"}
    # the values without the patient are in power.csv
    dropped = {(r["endpoint"], r["quantity"]): float(r["value"]) for r in long
               if r["method"] == "leave one patient out"}  # fmt: skip
    assert dropped[("CK change at M3", "mean improvement, without patient 3")] == pytest.approx(
        -21.727, abs=1e-3
    )


def test_ck_on_the_log_scale_shows_no_benefit_and_no_single_patient_carries_it(pilot):
    # improvement = -log(M3 / M0), 12 patients: mean 0.0375, SD 0.941, SE 0.272; p = 0.89
    logs = {p: -math.log(after / before) for p, (before, after) in CK_PAIRS.items()}
    mean, sd = statistics.mean(logs.values()), statistics.stdev(logs.values())
    se = sd / math.sqrt(12)
    assert (round(mean, 3), round(sd, 3), round(se, 3)) == (0.037, 0.941, 0.272)
    assert round(stats.ttest_1samp(list(logs.values()), 0).pvalue, 2) == 0.89
    # the one-sided 80% lower limit -0.20: a geometric mean ratio exp(0.20) = 1.22, a worsening
    lower = mean - stats.t.ppf(0.8, 11) * se
    assert (round(lower, 2), round(math.exp(-lower), 2)) == (-0.2, 1.22)
    # "more than half of the estimate" alone flags 10 of 12 patients (patient 1 -> 0.135,
    # patient 14 -> -0.031, a sign flip); more than half the SE too flags patient 1 no more
    without = {p: (12 * mean - v) / 11 for p, v in logs.items()}
    assert (round(without["1"], 3), round(without["14"], 3)) == (0.135, -0.031)
    assert sum(abs(w - mean) > mean / 2 or w * mean < 0 for w in without.values()) == 10
    assert [p for p, w in without.items() if abs(w - mean) > se / 2] == ["3"]
    _, summary = pilot
    rows = rows_of(summary, "CK change at M3 (log scale)")
    assert {r["reason"] for r in rows} == {
        "No benefit: the mean log improvement is 0.037 (p = 0.89, paired t-test) and its 80% "
        "lower limit -0.20 (a geometric mean ratio of 1.22, a worsening): the cohort shows no "
        "improvement to plan on."
    }


def test_the_muscle_response_shows_no_benefit_against_placebo_before_who_carries_it(pilot):
    # 1 of 8 respond (patient 7): 12.5%; the one-sided 80% Clopper-Pearson lower limit is
    # the 20th percentile of Beta(1, 8), 1 - 0.8^(1/8) = 2.75%; both at or below the 20%
    # placebo response, so no benefit comes first, the one patient second
    assert round(stats.beta.ppf(0.2, 1, 8), 4) == round(1 - 0.8 ** (1 / 8), 4) == 0.0275
    _, summary = pilot
    rows = rows_of(summary, "muscle response (MMT8 increase ≥ 20% at M3)")
    carried = "one patient carries it: without patient 7 the response proportion is 0, not 0.125."
    assert {r["reason"] for r in rows if r["assumption"] != "assumed 50% responders"} == {
        "No benefit against placebo: the observed 1 of 8 is 12.5%, at or below the placebo "
        f"response of 20%; and {carried}",
        "No benefit against placebo: the one-sided 80% lower Clopper-Pearson limit of the "
        f"observed 1 of 8 is 2.8%, at or below the placebo response of 20%; and {carried}",
    }


def test_the_single_arm_binomial_has_the_placebo_range_too(pilot):
    # 50% responders against a placebo response of 10%, 20%, 30%, 40%: the first n from
    # which the equal-tailed exact test (2.5% per tail) keeps 80% power
    def first_stable(p0):
        power = [equal_tailed_power(n, 0.5, p0) for n in range(1, 401)]
        return next(n for n in range(1, 401) if min(power[n - 1 :]) >= 0.8)

    assert [first_stable(p0) for p0 in (0.1, 0.2, 0.3, 0.4)] == [10, 24, 54, 210]
    _, summary = pilot
    row = next(r for r in summary
               if r["endpoint"] == "cutaneous response (CDASI decrease ≥ 5 points at M3)"
               and r["assumption"] == "assumed 50% responders"
               and r["analysis"] == "exact binomial test")  # fmt: skip
    grid = [row[f"placebo {v}%"] for v in (10, 20, 30, 40)]
    assert grid == ["10", "24", "54", "210"]


def test_lower_limits_beyond_the_effects_fixed_before_looking_are_a_reference(pilot):
    # CDASI: lower limit 13.71 - t(0.8, 13) × 7.22 / √14 = 12.0 points, 2.4 × the 5 points
    # of the criterion; the cutaneous response's Clopper-Pearson lower limit of 13/14 is 80%,
    # 1.6 × the 50% assumed
    improvement = [-c for c in CDASI_CHANGE]
    mean, se = statistics.mean(improvement), statistics.stdev(improvement) / math.sqrt(14)
    limit = mean - stats.t.ppf(0.8, 13) * se
    assert (round(limit), round(limit / 5, 1)) == (12, 2.4)
    lower = stats.beta.ppf(0.2, 13, 2)
    assert (round(lower, 2), round(lower / 0.5, 1)) == (0.8, 1.6)
    _, summary = pilot
    rows = rows_of(summary, "CDASI change at M3", "cohort's change, 80% lower limit")
    assert {r["status"] for r in rows} == {"reference"}
    assert rows[0]["reason"] == (
        "Reference, not a plan: the lower limit of the cohort's own uncontrolled effect (12 "
        "points) is 2.4 times the largest effect fixed before looking at the data (5 points), in "
        "patients selected for active disease, and would size a trial far smaller than that "
        "effect does."
    )
    response = rows_of(summary, "cutaneous response (CDASI decrease ≥ 5 points at M3)",
                       "cohort's response, 80% lower limit")  # fmt: skip
    assert {r["status"] for r in response} == {"reference"}
    assert "(80%) is 1.6 times the largest effect fixed before looking at the data (50%)" in (
        response[0]["reason"]
    )
    # the MMT8 and IFN-α lower limits have no attainable effect fixed before looking: offered
    for endpoint in ("MMT8 change at M3", "IFN-α change at M3 (log scale)"):
        rows = rows_of(summary, endpoint, "cohort's change, 80% lower limit")
        assert {r["status"] for r in rows} == {"offered"}


def test_ancova_and_change_score_share_one_covariance(pilot):
    long, summary = pilot
    # CDASI: the observed SDs at M0 and M3 and their correlation, raised by the chi-square
    # factor of the 80% upper limit (n = 14): the change SD it implies is the change score's
    k = math.sqrt(13 / stats.chi2.ppf(0.2, 13))
    observed = {r["quantity"]: float(r["value"]) for r in long
                if r["endpoint"] == "CDASI change at M3" and r["source"] == "observed"}  # fmt: skip
    a, b, r = (k * observed["SD at baseline"], k * observed["SD at follow-up"],
               observed["baseline-follow-up correlation"])  # fmt: skip
    change_sd = math.sqrt(a * a + b * b - 2 * r * a * b)
    assert change_sd == pytest.approx(k * statistics.stdev(CDASI_CHANGE))
    assert change_sd == pytest.approx(8.854, abs=1e-3)
    residual = b * math.sqrt(1 - r * r)
    # residual^2 = change^2 - (a - r b)^2: never above the change score's
    assert residual**2 == pytest.approx(change_sd**2 - (a - r * b) ** 2)
    rows = {(x["assumption"], x["analysis"], x["quantity"], x["placebo_from"]): x for x in long
            if x["endpoint"] == "CDASI change at M3"}  # fmt: skip
    ancova = rows[("MCID (lower)", "ANCOVA on baseline", "n per arm for 80% power", "settings")]
    assert float(ancova["sd"]) == pytest.approx(residual)
    assert float(ancova["value"]) == power_formulas.smallest_n(
        lambda n: power_formulas.ancova_power(3.2, residual, n, ALPHA), 0.8, 3, 400
    )
    # every offered ANCOVA row needs no more patients than its change-score row
    for x in summary:
        if x["analysis"] == "ANCOVA on baseline" and x["status"] == "offered":
            twin = next(y for y in summary if (y["endpoint"], y["assumption"]) == (
                x["endpoint"], x["assumption"]) and y["analysis"] == "change-score t-test")  # fmt: skip
            for column in ("n for 80% power", "n for 90% power"):
                assert int(x[column]) <= int(twin[column]), (x["endpoint"], x["assumption"])


def test_ancova_never_needs_more_than_the_change_score_with_one_covariance():
    # over many covariances: no more patients wherever ANCOVA's residual variance is at least
    # 2% below the change's and the trial has 10 or more per arm; where the change score is
    # (nearly) ANCOVA's best slope, estimating
    # the slope can cost one patient, never more
    rng = np.random.default_rng(25)
    for _ in range(200):
        a, b = rng.uniform(1, 20, 2)
        r, difference = rng.uniform(-0.5, 0.99), rng.uniform(0.5, 10)
        change = math.sqrt(a * a + b * b - 2 * r * a * b)
        residual = b * math.sqrt(1 - r * r)
        score = power_formulas.smallest_n(
            lambda n: power_formulas.two_sample_t_power(difference / change, n, ALPHA),
            0.8,
            2,
            10**5,
        )
        ancova = power_formulas.smallest_n(
            lambda n: power_formulas.ancova_power(difference, residual, n, ALPHA), 0.8, 3, 10**5
        )
        assert ancova <= score + 1
        if (a - r * b) ** 2 >= 0.02 * change**2 and score >= 10:
            assert ancova <= score, (a, b, r, difference)


def test_the_exact_binomial_rows_of_the_pilot(pilot):
    _, summary = pilot
    row = next(r for r in summary
               if r["endpoint"] == "cutaneous response (CDASI decrease ≥ 5 points at M3)"
               and r["assumption"] == "assumed 50% responders"
               and r["analysis"] == "exact binomial test")  # fmt: skip
    assert row["power at the cohort's n"] == "0.60 (n = 14)"
    assert (row["n for 80% power"], row["n for 90% power"]) == ("24", "31")
    assert "two-sided with 2.5% in each tail" in row["assumes"]
    assert "an assumption with no published source" in row["assumes"]


def test_the_leave_one_out_sums_are_clinrepro_influence():
    import pandas as pd

    from clinrepro.power import checks as power_checks
    from clinrepro.statistics.influence import leave_one_out

    for pairs, sign in ((CK_PAIRS, -1.0), (IFNA_PAIRS, -1.0), (MMT8_PAIRS, 1.0)):
        patients = list(pairs)
        baseline = np.array([b for b, _ in pairs.values()], dtype=float)
        follow_up = np.array([f for _, f in pairs.values()], dtype=float)
        improvement = sign * (follow_up - baseline)
        frame = pd.DataFrame({"USUBJID": patients, "d": improvement, "x": baseline, "y": follow_up})
        fast = power_checks._left_out(improvement, baseline, follow_up)
        for name, values in fast.items():

            def statistic(f, name=name):
                r = np.corrcoef(f["x"], f["y"])[0, 1]
                return {  # by numpy, each recomputed
                    "mean improvement": f["d"].mean(),
                    "SD of the change": f["d"].std(ddof=1),
                    "baseline-follow-up correlation": r,
                    "residual SD at follow-up": f["y"].std(ddof=1) * math.sqrt(1 - r * r),
                }[name]

            slow = leave_one_out(frame, statistic)
            assert values == pytest.approx(slow.left_out.to_numpy(), rel=1e-9, nan_ok=True), name


def test_the_figure_draws_diamonds_on_their_lines_and_names_only_what_is_drawn(
    tmp_path, tables, cohort, config, settings
):
    from clinrepro.power import figure as power_figure

    analysis = variant_settings(config, "paper", cohort)
    adsl = build_adsl(tables, analysis, cohort["baseline_visit"])
    path = tmp_path / "adeff.csv"
    build_adeff(tables["measurements"], adsl, analysis, cohort).to_csv(path, index=False)
    found = power_estimates.endpoints_of(
        read_adeff(str(path), columns=power_estimates.ADEFF_COLUMNS), analysis, cohort
    )
    results = power.power_tables(found, analysis, settings, cohort)
    # the cutaneous response's diamond: n = 14, power 0.605, a point of its own line
    own = {row["endpoint"]: (row["n"], round(row["power"], 3)) for row in results.own}
    response = "cutaneous response (CDASI decrease ≥ 5 points at M3)"
    assert own[response] == (14, 0.605)
    on_line = {(r["n"], round(r["power"], 3)) for r in results.curve
               if r["endpoint"] == response and r["design"] == "single-arm paired"}  # fmt: skip
    assert own[response] in on_line
    assert all(value in {(r["n"], round(r["power"], 3)) for r in results.curve
                         if r["endpoint"] == name} for name, value in own.items())  # fmt: skip
    # no withdrawn endpoint is drawn: not MMT8's criterion, nor the muscle response, nor CK
    drawn = {(r["endpoint"], r["assumption"]) for r in results.curve}
    assert drawn == {
        ("CDASI change at M3", "cutaneous response criterion"),
        ("IFN-α change at M3 (log scale)", "cohort's change, 80% lower limit"),
        ("MMT8 change at M3", "cohort's change, 80% lower limit"),
        (response, "assumed 50% responders"),
    }
    # nothing simulated in the paper variant: the key does not speak of simulated points
    assert power_figure.key_words(True, False) == (
        "Lines: by formula (dashed: ANCOVA; the exact binomial test's sawtooth at every n); "
        "diamonds (single-arm panel): the cohort's own n at its planning effect."
    )
    # two endpoints with one curve are drawn once, the legend naming both
    rows = [{"design": "single-arm paired", "endpoint": e, "assumption": "50%",
             "analysis": "exact binomial test", "method": "exact", "n": n, "power": p}
            for e in ("a", "b") for n, p in ((5, 0.2), (6, 0.3))]  # fmt: skip
    lines = power_figure.curve_lines(rows)
    assert len(lines) == 1 and power_figure.legend_label(lines[0]) == "a: 50%\nsame curve: b: 50%"
