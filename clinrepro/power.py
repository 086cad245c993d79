"""Power and sample size: could the cohort have seen an effect, and what can a trial detect?

For each endpoint: the observed effect (paired d_z, or the response proportion) with its
CI, the power the cohort had for it, and the sample size for each target power, for a
single-arm paired design and a two-arm parallel trial against a placebo arm, both from
statsmodels' analytic formulas and from a seeded, vectorized Monte Carlo simulation that
resamples the cohort's own paired changes (bootstrap) and runs the variant's test.
"""

from __future__ import annotations

import functools
import json
import logging
import warnings

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.power import NormalIndPower, TTestIndPower, TTestPower
from statsmodels.stats.proportion import proportion_effectsize

from clinrepro import style
from clinrepro.endpoints import read_adeff
from clinrepro.files import write_tables
from clinrepro.study import criterion_text, primary_role, test_for
from clinrepro.terms import POPULATION_FLAGS, TEST_NAMES, shown

logger = logging.getLogger(__name__)
DESIGNS = ("single-arm paired", "two-arm parallel")
# the quantities of the cohort itself, as the power table names them
OBSERVED = "observed"
OWN_POWER = "power at this cohort's n"


# ---- the observed effects


def dz_interval(change: np.ndarray, level: float) -> tuple[float, float]:
    """CI of the standardized mean change d_z by inverting the noncentral t distribution."""
    n = len(change)
    t_observed = change.mean() / (change.std(ddof=1) / np.sqrt(n))

    def noncentrality(quantile: float) -> float:
        def gap(delta):
            # far into a tail the noncentral t's cdf underflows to NaN: it is then 0 or 1
            cdf = stats.nct.cdf(t_observed, n - 1, delta)
            return (cdf if np.isfinite(cdf) else float(delta < t_observed)) - quantile

        span = abs(t_observed) + 10
        return optimize.brentq(gap, t_observed - span, t_observed + span)

    tail = (1 - level) / 2
    return noncentrality(1 - tail) / np.sqrt(n), noncentrality(tail) / np.sqrt(n)


# ---- the tests, vectorized over simulated trials (one trial a row)


def paired_p(changes: np.ndarray, test: str) -> np.ndarray:
    """Two-sided p of each simulated single-arm trial."""
    if test == "paired_t":
        return _quietly(stats.ttest_1samp, changes, 0.0, axis=1)
    return _quietly(stats.wilcoxon, changes, axis=1, method="asymptotic", zero_method="wilcox")


def parallel_p(treated: np.ndarray, placebo: np.ndarray, test: str) -> np.ndarray:
    """Two-sided p of each simulated two-arm trial: Welch t, or Mann-Whitney for a rank test."""
    if test == "paired_t":
        return _quietly(stats.ttest_ind, treated, placebo, axis=1, equal_var=False)
    return _quietly(stats.mannwhitneyu, treated, placebo, axis=1, method="asymptotic")


@functools.lru_cache(maxsize=None)
def binomial_p_table(n: int, p0: float) -> np.ndarray:
    """Exact two-sided binomial p-value for every number of responders 0..n, against p0."""
    return np.array([stats.binomtest(k, n, p0).pvalue for k in range(n + 1)])


def two_proportion_p(k1: np.ndarray, k0: np.ndarray, n: int) -> np.ndarray:
    """Pooled two-proportion z-test, two-sided; no evidence when both arms agree exactly."""
    pooled = (k1 + k0) / (2 * n)
    se = np.sqrt(pooled * (1 - pooled) * 2 / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (k1 - k0) / n / se, 0.0)
    return 2 * stats.norm.sf(np.abs(z))


# ---- simulated power for one n


def simulated_power(
    endpoint: dict, design: str, n: int, alpha: float, simulations: int, seed: int
) -> float:
    """Share of `simulations` seeded trials of size n (per arm) with p < alpha."""
    rng = np.random.default_rng([seed, n, DESIGNS.index(design)])
    if endpoint["kind"] == "change":
        changes = endpoint["changes"]
        treated = rng.choice(changes, size=(simulations, n), replace=True)
        if design == DESIGNS[0]:
            p = paired_p(treated, endpoint["test"])
        else:
            centred = changes - changes.mean() + endpoint["placebo"]
            placebo = rng.choice(centred, size=(simulations, n), replace=True)
            p = parallel_p(treated, placebo, endpoint["test"])
    else:
        k1 = rng.binomial(n, endpoint["proportion"], size=simulations)
        if design == DESIGNS[0]:
            p = binomial_p_table(n, endpoint["placebo"])[k1]
        else:
            p = two_proportion_p(k1, rng.binomial(n, endpoint["placebo"], size=simulations), n)
    return float(np.mean(p < alpha))


def _quietly(test, *arrays, **options):
    """A vectorized test over resampled trials: a resample of one repeated value has no
    variance, its p is NaN (never significant) and numpy's warning about it says nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return test(*arrays, **options).pvalue


def simulated_sample_size(
    endpoint, design, target, alpha, simulations, seed, max_n, guess
) -> float:
    """Smallest n whose simulated power reaches the target: doubling from the analytic
    guess until it does, then bisection. NaN when even max_n falls short."""

    def reaches(n):
        return simulated_power(endpoint, design, n, alpha, simulations, seed) >= target

    high = int(min(max_n, max(4, guess if np.isfinite(guess) else 4)))
    while not reaches(high):
        if high >= max_n:
            return np.nan
        high = min(max_n, 2 * high)
    low = 1
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if reaches(middle) else (middle, high)
    return float(high)


# ---- analytic power and sample size (statsmodels)


def analytic_power(endpoint: dict, design: str, n: float, alpha: float) -> float:
    effect = analytic_effect(endpoint, design)
    if effect == 0:
        return alpha
    if endpoint["kind"] == "change":
        solver = TTestPower() if design == DESIGNS[0] else TTestIndPower()
        return float(
            solver.power(effect_size=effect, nobs=n, alpha=alpha)
            if design == DESIGNS[0]
            else solver.power(effect_size=effect, nobs1=n, alpha=alpha, ratio=1)
        )
    ratio = 0 if design == DESIGNS[0] else 1
    return float(NormalIndPower().power(effect_size=effect, nobs1=n, alpha=alpha, ratio=ratio))


def analytic_effect(endpoint: dict, design: str) -> float:
    """d_z (single arm) or Cohen's d between arms; Cohen's h for a proportion."""
    if endpoint["kind"] == "change":
        changes = endpoint["changes"]
        shift = 0.0 if design == DESIGNS[0] else endpoint["placebo"]
        return float((changes.mean() - shift) / changes.std(ddof=1))
    return float(proportion_effectsize(endpoint["proportion"], endpoint["placebo"]))


def analytic_sample_size(
    endpoint: dict, design: str, target: float, alpha: float, max_n: int
) -> float:
    effect = abs(analytic_effect(endpoint, design))
    if effect == 0 or analytic_power(endpoint, design, max_n, alpha) < target:
        return np.nan
    if endpoint["kind"] == "change" and design == DESIGNS[0]:
        n = TTestPower().solve_power(effect_size=effect, alpha=alpha, power=target)
    elif endpoint["kind"] == "change":
        n = TTestIndPower().solve_power(effect_size=effect, alpha=alpha, power=target, ratio=1)
    else:
        n = NormalIndPower().solve_power(
            effect_size=effect, alpha=alpha, power=target, ratio=0 if design == DESIGNS[0] else 1
        )
    return float(np.ceil(n))


# ---- endpoints from the analysis datasets


def continuous_endpoints(analysis: dict, cohort: dict) -> list[tuple[str, str, str]]:
    """(role, measure, visit) of each change analysed: every measure of the cohort at the
    main outcome's visit, in the population of the response criterion that names it (every
    treated patient for the others)."""
    visit = analysis["response"][primary_role(analysis)]["visit"]
    role_of = {response["parameter"]: role for role, response in analysis["response"].items()}
    return [(role_of.get(code, "cohort"), code, visit) for code in cohort["measures"]]


def endpoints_of(adeff: pd.DataFrame, analysis: dict, placebo: dict, cohort: dict) -> list[dict]:
    """The continuous and response endpoints the cohort measured, with their data."""
    found = []
    for role, parameter, visit in continuous_endpoints(analysis, cohort):
        flag = analysis["populations"][role]
        rows = adeff[
            (adeff["PARAMCD"] == parameter) & (adeff["AVISIT"] == visit) & (adeff[flag] == "Y")
        ]
        changes = rows["CHG"].dropna().to_numpy(dtype=float)
        if len(changes) >= 3 and changes.std() > 0:
            found.append(
                {"name": f"{parameter} change at {visit}", "kind": "change", "changes": changes, "population": flag,
                 "test": test_for(analysis, parameter), "placebo": placebo["mean_change"], "n": len(changes)}
            )  # fmt: skip
    for role, response in analysis["response"].items():
        flag = analysis["populations"][role]
        rows = adeff[
            (adeff["PARAMCD"] == response["parameter"])
            & (adeff["AVISIT"] == response["visit"])
            & (adeff[flag] == "Y")
        ]
        flags = rows["CRIT1FL"]
        evaluable = flags.isin(["Y", "N"])
        if evaluable.sum() >= 3:
            measure = (
                rows["CHG" if response["measure"] == "change" else "PCHG"]
                .dropna()
                .to_numpy(dtype=float)
            )
            found.append(
                {"name": f"{role} response ({shown(criterion_text(response, cohort))})", "kind": "response",
                 "proportion": float((flags == "Y").sum() / evaluable.sum()), "n": int(evaluable.sum()),
                 "responders": int((flags == "Y").sum()), "population": flag, "test": "exact binomial",
                 "placebo": placebo_response(measure, response, placebo["response_rate"])}
            )  # fmt: skip
    return found


def placebo_response(measure: np.ndarray, response: dict, configured) -> float:
    """The placebo response rate: as configured, or 'no change': the share of the observed
    changes, moved to a mean of zero, that still meet the criterion (measurement noise)."""
    if configured is not None:
        return float(configured)
    centred = measure - measure.mean()
    signed = -centred if response["direction"] == "decrease" else centred
    return float(np.mean(signed >= response["threshold"]))


# ---- everything, as one long table


def power_table(endpoints: list[dict], settings: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long results table and the power-curve points of every endpoint and design."""
    alpha, sims, seed, max_n = (
        settings["alpha"],
        settings["simulations"],
        settings["seed"],
        settings["max_n"],
    )
    level = 1 - alpha
    rows, curve = [], []
    for endpoint in endpoints:
        key = {
            "endpoint": endpoint["name"],
            "population": endpoint["population"],
            "test": TEST_NAMES.get(endpoint["test"], endpoint["test"]),
        }
        if endpoint["kind"] == "change":
            changes = endpoint["changes"]
            low, high = dz_interval(changes, level)
            rows += [
                {
                    **key,
                    "design": OBSERVED,
                    "quantity": "n",
                    "method": "observed",
                    "value": len(changes),
                },
                {
                    **key,
                    "design": OBSERVED,
                    "quantity": "effect d_z",
                    "method": "observed",
                    "value": changes.mean() / changes.std(ddof=1),
                },
                {
                    **key,
                    "design": OBSERVED,
                    "quantity": "effect d_z, CI lower",
                    "method": "noncentral t",
                    "value": low,
                },
                {
                    **key,
                    "design": OBSERVED,
                    "quantity": "effect d_z, CI upper",
                    "method": "noncentral t",
                    "value": high,
                },
            ]
        else:
            interval = stats.binomtest(endpoint["responders"], endpoint["n"]).proportion_ci(
                level, method="exact"
            )
            rows += [
                {
                    **key,
                    "design": OBSERVED,
                    "quantity": "n",
                    "method": "observed",
                    "value": endpoint["n"],
                },
                {
                    **key,
                    "design": OBSERVED,
                    "quantity": "response proportion",
                    "method": "observed",
                    "value": endpoint["proportion"],
                },
                {
                    **key,
                    "design": OBSERVED,
                    "quantity": "response proportion, CI lower",
                    "method": "Clopper-Pearson",
                    "value": interval.low,
                },
                {
                    **key,
                    "design": OBSERVED,
                    "quantity": "response proportion, CI upper",
                    "method": "Clopper-Pearson",
                    "value": interval.high,
                },
                {
                    **key,
                    "design": "two-arm parallel",
                    "quantity": "placebo response proportion",
                    "method": "assumed",
                    "value": endpoint["placebo"],
                },
            ]
        n = endpoint["n"]
        rows += [
            {
                **key,
                "design": "this cohort (single-arm paired)",
                "quantity": OWN_POWER,
                "method": "analytic",
                "value": analytic_power(endpoint, DESIGNS[0], n, alpha),
            },
            {
                **key,
                "design": "this cohort (single-arm paired)",
                "quantity": OWN_POWER,
                "method": "simulation",
                # simulated only up to max_n patients: above, sims x n draws would not fit
                "value": (
                    simulated_power(endpoint, DESIGNS[0], n, alpha, sims, seed)
                    if n <= max_n
                    else np.nan
                ),
            },
        ]
        for design in DESIGNS:
            unit = "n" if design == DESIGNS[0] else "n per arm"
            for target in settings["targets"]:
                analytic = analytic_sample_size(endpoint, design, target, alpha, max_n)
                simulated = simulated_sample_size(
                    endpoint, design, target, alpha, sims, seed, max_n, analytic
                )
                for method, size in (("analytic", analytic), ("simulation", simulated)):
                    rows.append(
                        {
                            **key,
                            "design": design,
                            "quantity": f"{unit} for {target:.0%} power",
                            "method": method,
                            "value": size,
                        }
                    )
            for size in settings["curve_n"]:
                curve.append(
                    {
                        **key,
                        "design": design,
                        "n": size,
                        "analytic": analytic_power(endpoint, design, size, alpha),
                        "simulation": simulated_power(endpoint, design, size, alpha, sims, seed),
                    }
                )
    return pd.DataFrame(rows), pd.DataFrame(curve)


def draw(curve: pd.DataFrame, own: pd.DataFrame, settings: dict, cohort: dict, paths: dict) -> str:
    """Power against n, one line per endpoint, a panel per design; the cohort's own n and the
    following trial's planned n (if the cohort's settings name one) marked.

    `own` has one row per endpoint: its n and the analytic power it had.
    """
    trial = cohort.get("follow_up_trial") or {}
    planned_n = trial.get("planned_n")
    designs = list(dict.fromkeys(curve["design"]))
    figure, axes = style.new_figure(10.0, 4.4, columns=len(designs))
    for ax, design in zip(axes, designs):
        part = curve[curve["design"] == design]
        for i, (endpoint, points) in enumerate(part.groupby("endpoint", sort=False)):
            colour = style.PALETTE[i % len(style.PALETTE)]
            ax.plot(points["n"], points["analytic"], color=colour, lw=1.4, label=endpoint)
            if design == DESIGNS[0] and endpoint in own.index:
                here = own.loc[endpoint]
                ax.plot(here["n"], here["power"], "D", color=colour, ms=6, mec=style.INK, mew=0.6)
            ax.plot(points["n"], points["simulation"], "o", color=colour, ms=3, mfc="white")
        for target in settings["targets"]:
            ax.axhline(target, color=style.MUTED, lw=0.7, ls=":")
        if planned_n:
            planned = planned_n if design == DESIGNS[0] else planned_n / 2
            ax.axvline(planned, color=style.INK, lw=1, ls="--")
            words = f"trial: {planned_n}" + (
                "" if design == DESIGNS[0] else f" ({planned:g} per arm)"
            )
            ax.text(planned, 0.02, f" {words}", fontsize=7.5)
        ax.set_xscale("log")
        ax.set_xticks(settings["curve_n"], [str(n) for n in settings["curve_n"]])
        ax.minorticks_off()
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("patients" if design == DESIGNS[0] else "patients per arm")
        ax.set_ylabel(f"power (two-sided alpha {settings['alpha']:g})")
        ax.set_title(design, fontsize=9)
    handles, labels = axes[0].get_legend_handles_labels()
    figure.legend(
        handles, labels, loc="upper center", ncol=3, fontsize=7.5, bbox_to_anchor=(0.5, 1.1)
    )
    style.footnote(
        figure,
        "Lines: analytic (statsmodels); open points: simulation (bootstrap of the cohort's changes); "
        "diamonds: this cohort, its n and power."
        + (" Dashed: the trial's planned n." if planned_n else ""),
    )
    if cohort["synthetic"]:
        style.mark_synthetic(figure)
    style.save(figure, paths, settings["dpi"])
    trial_words = (
        f"the dashed line marks the {planned_n} patients planned for {trial_name(trial)}; "
        if planned_n
        else ""
    )
    return (
        f"Power against sample size for each endpoint: single-arm paired design (left) and two-arm parallel trial "
        f"against placebo (right, patients per arm), two-sided alpha {settings['alpha']:g}; lines from statsmodels' "
        f"analytic formulas, open points from {settings['simulations']:,} seeded simulated trials per point resampling "
        f"the {cohort['design']}'s observed changes; diamonds mark its own n and the power it had; {trial_words}"
        "dotted lines: the target powers."
    )


def trial_name(trial: dict) -> str:
    """'the <name> (<registration>)', from the cohort's settings."""
    registration = f" ({trial['registration']})" if trial.get("registration") else ""
    return f"the {trial['name']}{registration}"


def own_points(table: pd.DataFrame) -> pd.DataFrame:
    """Each endpoint's n in the cohort and the analytic power it had, indexed by endpoint."""
    n = table[(table["design"] == OBSERVED) & (table["quantity"] == "n")].set_index("endpoint")[
        "value"
    ]
    had = table[(table["quantity"] == OWN_POWER) & (table["method"] == "analytic")]
    return pd.DataFrame({"n": n, "power": had.set_index("endpoint")["value"]})


def summary_table(table: pd.DataFrame) -> pd.DataFrame:
    """The long table for reading: one row per endpoint, design and quantity."""
    keys = ["endpoint", "design", "quantity"]
    wide = table.set_index([*keys, "method"])["value"].unstack("method")
    wide = wide.reindex(pd.MultiIndex.from_frame(table[keys].drop_duplicates()))
    methods = ("observed", "noncentral t", "Clopper-Pearson", "assumed", "analytic", "simulation")
    wide = wide.reindex(columns=[m for m in methods if m in wide.columns])
    shown_frame = wide.map(
        lambda v: (
            ""
            if pd.isna(v)
            else (f"{v:.0f}" if float(v).is_integer() and abs(v) >= 1 else f"{v:.3g}")
        )
    )
    return shown_frame.reset_index()


# the columns of ADEFF the endpoints are taken from
ADEFF_USED = ("PARAMCD", "AVISIT", "CHG", "PCHG", "CRIT1FL", *POPULATION_FLAGS)


def run(adeff: str, analysis: dict, settings: dict, cohort: dict, outputs: dict) -> None:
    """Power and sample size of every endpoint of one variant: tables, figure, caption."""
    records = read_adeff(adeff, columns=ADEFF_USED)
    found = endpoints_of(records, analysis, settings["placebo"], cohort)
    table, curve = power_table(found, settings)
    write_tables(
        {outputs["csv"]: table, outputs["curve"]: curve, outputs["summary"]: summary_table(table)}
    )
    paths = {"png": outputs["png"], "svg": outputs["svg"]}
    caption = draw(curve, own_points(table), settings, cohort, paths)
    if cohort["synthetic"]:
        caption = f"SYNTHETIC DATA. {caption}"
    with open(outputs["caption"], "w", encoding="utf-8") as handle:
        record = {"figure": "power_curve", "title": "Power against sample size, per endpoint",
                  "caption": caption, "endpoints": len(found)}  # fmt: skip
        json.dump(record, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    logger.info("power: %d endpoints", len(found))
