"""Statistics: one long analysis-results table, one statistic a row.

Columns: analysis, population (a flag of ADSL), parameter, visit, category, method,
statistic, value, note. Every test and interval comes from scipy.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy import stats

from clinrepro.reading.validation import write_checked_tables
from clinrepro.statistics.ard import ARD_COLUMNS
from clinrepro.statistics.schemas import ARD
from clinrepro.base.columns import population_columns, positions, repeated, split_list
from clinrepro.adam.endpoints import read_adeff, read_adsl
from clinrepro.base.settings import EXACT_MAX_PAIRS
from clinrepro.base.study import scale_for
from clinrepro.base import typed

logger = logging.getLogger(__name__)
NUMERIC_CHARACTERISTICS = ("AGE", "DISDUR", "NPRIOR", "TRTDOSE")
# after the population flags ADSL carries
CATEGORICAL_CHARACTERISTICS = (
    "SEX",
    "ABTYPE",
    "TRTMOL",
    "TRT01A",
    "ANYPRIOR",
)
QUANTILE_NOTE = "quartiles by linear interpolation (Hyndman-Fan type 7)"
QUARTILES = ("q1", "q3")


def _rows(key: dict, values: dict, note: str = "", noted=None) -> list[dict]:
    """One row a statistic; the note only on the statistics it is about (`noted`, or all)."""
    return [
        {**key, "statistic": name, "value": value,
         "note": note if noted is None or name in noted else ""}
        for name, value in values.items()
    ]  # fmt: skip


def describe(values: pd.Series) -> dict:
    """n, missing, mean, SD (n-1), median, quartiles, min and max of a numeric series."""
    present = values.dropna().to_numpy(dtype=float)
    n = len(present)
    if n == 0:
        return {"n": 0, "n_missing": len(values)}
    q1, median, q3 = np.quantile(present, [0.25, 0.5, 0.75])
    return {
        "n": n,
        "n_missing": len(values) - n,
        "mean": present.mean(),
        "sd": present.std(ddof=1) if n > 1 else np.nan,
        "median": median,
        "q1": q1,
        "q3": q3,
        "min": present.min(),
        "max": present.max(),
    }


def paired_t(change: np.ndarray, confidence_level: float) -> tuple[dict, str]:
    """Paired t-test on the changes, with the CI of the mean change and Cohen's d_z."""
    n = len(change)
    if n < 2 or np.std(change) == 0:
        values = {"n_pairs": n} | ({"mean_change": change.mean()} if n else {})
        return values, "fewer than 2 pairs or no variation in the changes: no test, no interval"
    result = stats.ttest_1samp(change, 0.0)
    interval = result.confidence_interval(confidence_level)
    sd = change.std(ddof=1)
    return {
        "n_pairs": n,
        "mean_change": change.mean(),
        "sd_change": sd,
        "ci_lower": interval.low,
        "ci_upper": interval.high,
        "statistic": result.statistic,
        "df": result.df,
        "p_value": result.pvalue,
        "cohens_dz": change.mean() / sd,
    }, f"two-sided; {confidence_level:.0%} CI of the mean change"


def sign_pattern_counts(ranks: np.ndarray) -> np.ndarray:
    """How many of the 2^n sign patterns give each sum of the positive (integer) ranks: the
    null distribution of the signed-rank statistic, by convolution."""
    counts = np.zeros(ranks.sum() + 1)
    counts[0] = 1.0
    for rank in ranks:
        counts = counts + np.concatenate([np.zeros(rank), counts[:-rank]])
    return counts


def signed_rank_exact_with_ties(nonzero: np.ndarray) -> tuple[float, float]:
    """Two-sided exact p of the signed-rank statistic given tied ranks: every one of the
    2^n sign patterns counted, by convolution over the (doubled, integer) midranks.

    It equals scipy's exhaustive permutation p-value (a test checks) at a fraction of the
    time; scipy's method="exact" ignores ties.
    """
    doubled = np.rint(2 * stats.rankdata(np.abs(nonzero))).astype(int)
    counts = sign_pattern_counts(doubled)
    positive = int(doubled[nonzero > 0].sum())
    lower, upper = counts[: positive + 1].sum(), counts[positive:].sum()
    p_value = min(1.0, 2 * min(lower, upper) / counts.sum())
    return min(positive, doubled.sum() - positive) / 2, p_value


def walsh_averages(change: np.ndarray, orders) -> list[float]:
    """The Walsh averages (x_i + x_j) / 2, i <= j, of the given 1-based orders.

    A registry has millions of changes and ~10^12 averages, so they are not listed: each
    order is found by bisection on the value, the sums below it counted over the distinct
    values (ordered pairs plus the diagonal, halved), each step also moving to the next sum.
    """
    values, counts = np.unique(change.astype(float), return_counts=True)
    below = np.concatenate([[0], np.cumsum(counts)])  # changes below each distinct value
    last = len(values) - 1

    def first_above(total):  # for each value a, the first value b with a + b > total
        b = np.searchsorted(values, total - values, side="right")
        while True:  # the sum decides, not total - a, which may round the other way
            up = (b <= last) & (values + values[np.minimum(b, last)] <= total)
            down = (b > 0) & (values + values[np.maximum(b - 1, 0)] > total)
            if not (up.any() or down.any()):
                return b
            b = b + up - down

    def at_most(total):  # how many Walsh sums are <= total
        ordered = int((counts * below[first_above(total)]).sum())
        return (ordered + int(counts[2 * values <= total].sum())) // 2

    def next_sum(total):  # the smallest Walsh sum above total
        b = first_above(total)
        present = b <= last
        return (values[present] + values[b[present]]).min()

    found = []
    for order in orders:
        low, high = -np.inf, 2 * values[-1]  # at_most(low) < order <= at_most(high)
        while True:
            candidate = next_sum(low)
            if at_most(candidate) >= order:
                found.append(float(candidate) / 2)
                break
            low = candidate
            middle = low + (high - low) / 2
            if low < middle < high:
                low, high = (low, middle) if at_most(middle) >= order else (middle, high)
    return found


def hodges_lehmann(change: np.ndarray, confidence_level: float) -> tuple[dict, str]:
    """Hodges-Lehmann estimate of the median change (the median of the Walsh averages of
    every change, zeros included) with the interval of Walsh averages k and N + 1 - k that
    inverts the signed-rank test, as R's wilcox.test(conf.int = TRUE) does without zeros
    (R drops zero changes; here they stay in the estimate and interval, while the Wilcoxon
    p-value drops them, as its note says).

    k is the lower alpha/2 quantile of the exact signed-rank distribution of n (at least 1)
    up to EXACT_MAX_PAIRS changes, its normal approximation beyond.
    """
    n = len(change)
    if n < 2:
        return (
            {"hl_estimate": float(change.mean())} if n else {}
        ), "fewer than 2 changes: no interval"
    total = n * (n + 1) // 2
    alpha = 1 - confidence_level
    if n <= EXACT_MAX_PAIRS:
        cumulative = np.cumsum(sign_pattern_counts(np.arange(1, n + 1))) / 2.0**n
        # R's qsignrank: the smallest q with P(V <= q) >= alpha / 2; 1 where that is 0
        k = max(1, int(np.searchsorted(cumulative, alpha / 2 - 1e-12)))
        achieved = 1 - 2 * cumulative[k - 1]
        how = (
            f"k = {k} from the exact signed-rank distribution of n = {n} "
            f"(achieved level {achieved:.2%})"
        )
    else:
        spread = np.sqrt(n * (n + 1) * (2 * n + 1) / 24)
        k = max(1, int(np.floor(n * (n + 1) / 4 - stats.norm.ppf(1 - alpha / 2) * spread + 0.5)))
        how = f"k = {k} from the normal approximation to the signed-rank distribution of n = {n}"
    middle = [(total + 1) // 2, total // 2 + 1]
    lower, upper, *centre = walsh_averages(change, [k, total + 1 - k, *middle])
    zeros, tied = int((change == 0).sum()), len(np.unique(change)) < n
    note = (
        f"Hodges-Lehmann: median of the {total} Walsh averages of the {n} changes; "
        f"{confidence_level:.0%} CI: Walsh averages k and {total} + 1 - k, {how}"
    )
    if zeros or tied:
        note += (
            f"; with tied changes or zeros ({zeros}), kept as they are, the interval's coverage "
            "is approximate (R's wilcox.test turns to its normal approximation there)"
        )
    return {"hl_estimate": float(np.mean(centre)), "hl_ci_lower": lower, "hl_ci_upper": upper}, note


def wilcoxon_signed_rank(change: np.ndarray) -> tuple[dict, str]:
    """Wilcoxon signed-rank test (zeros dropped) with the matched-pairs rank-biserial r.

    The p-value is exact up to 50 non-zero changes: scipy's exact distribution without
    ties, the exact distribution given the ties otherwise; beyond, scipy's normal
    approximation with tie correction.
    """
    n = len(change)
    nonzero = change[change != 0]
    if len(nonzero) == 0:
        return {"n_pairs": n, "n_nonzero": 0}, "no non-zero change"
    ties = len(np.unique(np.abs(nonzero))) < len(nonzero)
    if len(nonzero) > EXACT_MAX_PAIRS:
        result = stats.wilcoxon(nonzero, method="asymptotic")
        statistic, p_value, note = (
            result.statistic,
            result.pvalue,
            "normal approximation, tie-corrected",
        )
    elif ties:
        statistic, p_value = signed_rank_exact_with_ties(nonzero)
        note = "exact null distribution given the tied ranks"
    else:
        result = stats.wilcoxon(nonzero, method="exact")
        statistic, p_value, note = result.statistic, result.pvalue, "exact null distribution"
    ranks = stats.rankdata(np.abs(nonzero))
    positive, negative = ranks[nonzero > 0].sum(), ranks[nonzero < 0].sum()
    return {
        "n_pairs": n,
        "n_nonzero": len(nonzero),
        "median_change": float(np.median(change)),
        "statistic": statistic,
        "p_value": p_value,
        "rank_biserial": (positive - negative) / (positive + negative),
    }, f"two-sided; {note}; {n - len(nonzero)} zero change(s) dropped"


def paired_t_log(
    before: np.ndarray, after: np.ndarray, confidence_level: float
) -> tuple[dict, str]:
    """Paired t-test of log(follow-up) - log(baseline): the geometric mean ratio of follow-up
    to baseline, exp of the mean log change, with exp of its t-interval; and how many
    patients fell, rose or stayed. No offset is ever added: a value <= 0 means no analysis."""
    counts = {
        "n_decreased": int((after < before).sum()),
        "n_increased": int((after > before).sum()),
        "n_unchanged": int((after == before).sum()),
    }
    nonpositive = int(((before <= 0) | (after <= 0)).sum())
    if nonpositive:
        return {"n_pairs": len(before)}, (
            f"{nonpositive} pair(s) with a value <= 0, which has no logarithm: no log-scale "
            "analysis (no offset added)"
        )
    values, note = paired_t(np.log(after) - np.log(before), confidence_level)
    if "mean_change" not in values:
        return values | counts, note
    ratios = {"gmr": np.exp(values["mean_change"])}
    if "p_value" in values:
        note = (
            f"two-sided; geometric mean ratio (follow-up / baseline) = exp(mean log change), "
            f"{confidence_level:.0%} CI = exp(t-interval of the mean log change)"
        )
        ratios |= {"ci_lower": np.exp(values["ci_lower"]), "ci_upper": np.exp(values["ci_upper"])}
        ratios |= {name: values[name] for name in ("statistic", "df", "p_value")}
    logs = {"mean_log_change": values["mean_change"]}
    if "sd_change" in values:
        logs["sd_log_change"] = values["sd_change"]
    return {"n_pairs": values["n_pairs"]} | logs | ratios | counts, note


def clopper_pearson(responders: int, evaluable: int, confidence_level: float) -> dict:
    """Response proportion (as a percentage) with its exact Clopper-Pearson interval."""
    if evaluable == 0:
        return {"n_responders": 0, "n_evaluable": 0}
    interval = stats.binomtest(responders, evaluable).proportion_ci(
        confidence_level, method="exact"
    )
    return {
        "n_responders": responders,
        "n_evaluable": evaluable,
        "pct": 100 * responders / evaluable,
        "ci_lower": 100 * interval.low,
        "ci_upper": 100 * interval.high,
    }


def in_population(frame: pd.DataFrame, flag: str, columns=None) -> pd.DataFrame:
    """The rows of the population; only `columns` of them, if given (less to copy)."""
    rows = frame[flag] == "Y"
    return frame[rows] if columns is None else frame.loc[rows, list(columns)]


def summaries(adsl: pd.DataFrame, adeff: pd.DataFrame, baseline_visit: str) -> list[dict]:
    rows = []
    for flag in population_columns(adsl):
        records = in_population(adeff, flag, ("PARAMCD", "AVISIT", "AVAL"))
        for (parameter, visit), group in records.groupby(
            ["PARAMCD", "AVISIT"], sort=True, observed=True
        ):
            key = {
                "analysis": "summary",
                "population": flag,
                "parameter": parameter,
                "visit": visit,
            }
            rows += _rows(key, describe(group["AVAL"]), QUANTILE_NOTE, QUARTILES)
        subjects = in_population(adsl, flag, NUMERIC_CHARACTERISTICS)
        for name in NUMERIC_CHARACTERISTICS:
            key = {
                "analysis": "summary",
                "population": flag,
                "parameter": name,
                "visit": baseline_visit,
            }
            rows += _rows(key, describe(subjects[name]), QUANTILE_NOTE, QUARTILES)
    return rows


def categorical_counts(adsl: pd.DataFrame, baseline_visit: str) -> list[dict]:
    rows = []
    # one row per patient and prior treatment, split once for every population
    priors = split_list(adsl["PRIORTRT"], ";").replace("", np.nan)
    flags = population_columns(adsl)
    for flag in flags:
        shown = (*flags, *CATEGORICAL_CHARACTERISTICS)
        subjects = in_population(adsl, flag, shown)
        columns = {name: subjects[name] for name in shown}
        columns["PRIORTRT"] = priors[(adsl[flag] == "Y").loc[priors.index].to_numpy()]
        for name, values in columns.items():
            present = values.dropna()
            denominator = len(subjects) if name == "PRIORTRT" else len(present)
            for category, n in present.value_counts().sort_index().items():
                key = {
                    "analysis": "categorical",
                    "population": flag,
                    "parameter": name,
                    "visit": baseline_visit,
                    "category": category,
                }
                rows += _rows(
                    key, {"n": n, "denominator": denominator, "pct": 100 * n / denominator}
                )
    return rows


def paired_tests(
    adeff: pd.DataFrame,
    confidence_level: float,
    methods=("paired_t", "wilcoxon_signed_rank", "paired_t_log"),
    log_primary=(),
) -> list[dict]:
    """Every paired test of baseline against each follow-up visit; the log-scale rows of the
    parameters in `log_primary` (analysis.scales) say in their note that they are primary."""
    columns = ["PARAMCD", "AVISIT", "CHG"]
    columns += ["BASE", "AVAL"] if "paired_t_log" in methods else []
    rows = []
    # the follow-up records with a change, found once and copied once a population
    follow_up = (adeff["ABLFL"] != "Y") & adeff["CHG"].notna()
    for flag in population_columns(adeff):
        records = adeff.loc[follow_up & (adeff[flag] == "Y"), columns]
        for (parameter, visit), group in records.groupby(
            ["PARAMCD", "AVISIT"], sort=True, observed=True
        ):
            change = group["CHG"].to_numpy(dtype=float)
            key = {
                "analysis": "paired_test",
                "population": flag,
                "parameter": parameter,
                "visit": visit,
            }
            tests = {
                "paired_t": lambda: [paired_t(change, confidence_level)],
                "wilcoxon_signed_rank": lambda: [
                    wilcoxon_signed_rank(change),
                    hodges_lehmann(change, confidence_level),
                ],
                "paired_t_log": lambda: [
                    paired_t_log(
                        group["BASE"].to_numpy(dtype=float),
                        group["AVAL"].to_numpy(dtype=float),
                        confidence_level,
                    )
                ],
            }
            for method in methods:
                primary = method == "paired_t_log" and parameter in log_primary
                for values, note in tests[method]():
                    note = f"primary scale: log (analysis.scales); {note}" if primary else note
                    rows += _rows({**key, "method": method}, values, note)
    return rows


def response_rates(adeff: pd.DataFrame, confidence_level: float) -> list[dict]:
    rows = []
    flags = population_columns(adeff)
    columns = ["PARAMCD", "AVISIT", "CRIT1", "CRIT1FL", "CRIT1IMP"]
    criteria = adeff.loc[adeff["CRIT1"].notna() & (adeff["CRIT1"] != ""), columns + flags]
    for flag in flags:
        for (parameter, visit, criterion), group in in_population(criteria, flag, columns).groupby(
            ["PARAMCD", "AVISIT", "CRIT1"], observed=True
        ):
            evaluable = group["CRIT1FL"].isin(["Y", "N"])
            responders = int((group["CRIT1FL"] == "Y").sum())
            key = {
                "analysis": "response",
                "population": flag,
                "parameter": parameter,
                "visit": visit,
                "method": "clopper_pearson",
            }
            note = f"{criterion}; {int(group['CRIT1IMP'].eq('Y').sum())} imputed as non-responders"
            rows += _rows(
                key, clopper_pearson(responders, int(evaluable.sum()), confidence_level), note
            )
    return rows


def subgroups(adsl: pd.DataFrame, adeff: pd.DataFrame, analysis: dict) -> list[dict]:
    """Response rates and mean changes within each level of each subgroup variable.

    Every level is reported with its n, however small; a level with one patient has no CI.
    """
    level = analysis["confidence_level"]
    rows = []
    used = ["PARAMCD", "AVISIT", "ABLFL", "CHG", "CRIT1", "CRIT1FL", "CRIT1IMP"]
    records = adeff[used + population_columns(adeff)]
    patient = positions(adsl["SUBJID"], adeff["SUBJID"])
    for variable in analysis["subgroups"]:
        levels = repeated(adsl[variable], patient)
        for category, part in records.groupby(levels, sort=True, observed=True):
            label = f"{variable}={category}"
            for row in response_rates(part, level) + paired_tests(
                part, level, methods=("paired_t",)
            ):
                if row["analysis"] == "response" or row["statistic"] in SUBGROUP_CHANGE:
                    rows.append(
                        {**row, "analysis": f"subgroup_{row['analysis']}", "category": label}
                    )
    return rows


def worsened(before: pd.Series, after: pd.Series, improvement: str) -> pd.Series:
    """How far a measure moved against its direction of improvement (negative: it improved)."""
    return after - before if improvement == "decrease" else before - after


def marker_pairs(adeff: pd.DataFrame, marker: str, tracked: str) -> pd.DataFrame:
    """One row a patient and follow-up visit with both measures at baseline and at the visit,
    and a marker baseline > 0 (a ratio to it): BASE/AVAL _marker and _tracked, the flags."""
    columns = ["SUBJID", "AVISIT", "BASE", "AVAL"]
    sides = [
        adeff.loc[
            (adeff["PARAMCD"] == code)
            & (adeff["ABLFL"] != "Y")
            & adeff["BASE"].notna()
            & adeff["AVAL"].notna(),
            columns + (population_columns(adeff) if code == marker else []),
        ]
        for code in (marker, tracked)
    ]
    pairs = sides[0].merge(sides[1], on=columns[:2], suffixes=("_marker", "_tracked"))
    return pairs[pairs["BASE_marker"] > 0]


def discordance_flags(pairs: pd.DataFrame, marker: dict, tracked: dict, analysis: dict):
    """(marker worsened >= marker_rise_ratio-fold, and the tracked measure did not worsen
    beyond tracked_worsening_pct % of its baseline as well), one boolean a row each."""
    fold = pairs["AVAL_marker"] / pairs["BASE_marker"]
    ratio = analysis["marker_rise_ratio"]
    marker_worse = fold >= ratio if marker["improvement"] == "decrease" else fold <= 1 / ratio
    change = worsened(pairs["BASE_tracked"], pairs["AVAL_tracked"], tracked["improvement"])
    allowed = analysis["tracked_worsening_pct"] / 100 * pairs["BASE_tracked"].abs()
    return marker_worse, marker_worse & (change <= allowed)


def patients_words(part: pd.DataFrame, marker: str, tracked: str) -> str:
    """'patient 1 (CK 65 -> 183, MMT8 145 -> 145), patient 16 (...)', at most MAX_LISTED."""
    shown = [
        f"patient {row.SUBJID} ({marker} {row.BASE_marker:g} -> {row.AVAL_marker:g}, "
        f"{tracked} {row.BASE_tracked:g} -> {row.AVAL_tracked:g})"
        for row in part.head(MAX_LISTED).itertuples()
    ]
    more = f" and {len(part) - MAX_LISTED} more" if len(part) > MAX_LISTED else ""
    return ", ".join(shown) + more if shown else "none"


def marker_discordance(adeff: pd.DataFrame, measures: dict, analysis: dict) -> list[dict]:
    """Patients whose marker (a measure that `tracks` another in the cohort's settings)
    worsened at least `marker_rise_ratio`-fold while the measure it tracks did not worsen.

    Each worsens against its own direction of improvement: CK, improved by a decrease,
    worsens by rising; MMT8, improved by an increase, by falling. "Did not worsen": moved
    against its improvement by at most `tracked_worsening_pct` % of its baseline (0: not at
    all, so that a 2-point MMT8 fall counts as worsening).
    """
    rows = []
    for marker, declared in measures.items():
        tracked = declared.get("tracks")
        if not tracked:
            continue
        pairs = marker_pairs(adeff, marker, tracked)
        pairs["worse"], pairs["discordant"] = discordance_flags(
            pairs, declared, measures[tracked], analysis
        )
        moved = "rose" if declared["improvement"] == "decrease" else "fell"
        fold = f"{marker} {moved} >= {analysis['marker_rise_ratio']:g}-fold"
        tolerance = analysis["tracked_worsening_pct"]
        against = "fall" if measures[tracked]["improvement"] == "increase" else "rise"
        against += f" by more than {tolerance:g}% of its baseline" if tolerance else ""
        for flag in population_columns(adeff):
            for visit, part in pairs[pairs[flag] == "Y"].groupby("AVISIT", observed=True):
                key = {
                    "analysis": "marker_discordance",
                    "population": flag,
                    "parameter": marker,
                    "visit": visit,
                    "category": tracked,
                }
                for statistic, chosen, words in (
                    ("n_evaluable", None, f"patients with {marker} and {tracked} at both visits"),
                    ("n_marker_worsened", part["worse"], fold),
                    (
                        "n_discordant",
                        part["discordant"],
                        f"{fold} while {tracked} did not {against}",
                    ),
                ):
                    if chosen is None:
                        rows += _rows(key, {statistic: len(part)}, words)
                    else:
                        listed = patients_words(part[chosen], marker, tracked)
                        rows += _rows(key, {statistic: int(chosen.sum())}, f"{words}: {listed}")
    return rows


SUBGROUP_CHANGE = ("n_pairs", "mean_change", "sd_change", "ci_lower", "ci_upper")
# patients a note lists at most (a registry may have millions)
MAX_LISTED = 20
# the columns of ADEFF the statistics read (with the population flags: read_adeff)
ADEFF_USED = (
    *("SUBJID", "PARAMCD", "AVISIT", "AVAL", "ABLFL", "BASE", "CHG"),
    *("CRIT1", "CRIT1FL", "CRIT1IMP"),
)


def analysis_results(
    adsl: pd.DataFrame,
    adeff: pd.DataFrame,
    analysis: dict,
    baseline_visit: str,
    measures: dict | None = None,
) -> pd.DataFrame:
    """The analysis results data of one cohort and variant; `measures` (the cohort's
    declarations) give the markers and the measures they track."""
    level = analysis["confidence_level"]
    logged = [code for code in adeff["PARAMCD"].unique() if scale_for(analysis, code) == "log"]
    rows = (
        summaries(adsl, adeff, baseline_visit)
        + categorical_counts(adsl, baseline_visit)
        + paired_tests(adeff, level, log_primary=logged)
        + response_rates(adeff, level)
        + subgroups(adsl, adeff, analysis)
        + marker_discordance(adeff, measures or {}, analysis)
    )
    ard = pd.DataFrame(rows).reindex(columns=ARD_COLUMNS)
    ard[["category", "method", "note"]] = ard[["category", "method", "note"]].fillna("")
    ard["value"] = ard["value"].astype(float)
    return ard


def run(adsl: str, adeff: str, analysis: dict, cohort: dict, output: str) -> None:
    """Compute the analysis results data from ADSL and ADEFF."""
    analysis, cohort = typed.analysis(analysis), typed.cohort(cohort)
    subjects = read_adsl(adsl)
    records = read_adeff(adeff, columns=ADEFF_USED)
    ard = analysis_results(
        subjects, records, analysis, cohort["baseline_visit"], cohort["measures"]
    )
    logger.info("%d results", len(ard))
    write_checked_tables({output: (ard, ARD)})
