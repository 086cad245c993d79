"""Statistics: one long analysis-results table, one statistic a row.

Columns: analysis, population (a flag of ADSL), parameter, visit, category, method,
statistic, value, note. Every test and interval comes from scipy.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy import stats

from clinrepro.ard import ARD_COLUMNS
from clinrepro.terms import POPULATION_FLAGS
from clinrepro.columns import repeated, split_list
from clinrepro.endpoints import read_adeff, read_adsl
from clinrepro.files import write_tables
from clinrepro.settings import EXACT_MAX_PAIRS

logger = logging.getLogger(__name__)
NUMERIC_CHARACTERISTICS = ("AGE", "DISDUR", "NPRIOR", "TRTDOSE")
CATEGORICAL_CHARACTERISTICS = (
    "SAFFL",
    "ACTCUTFL",
    "ACTMUSFL",
    "ACTBOTFL",
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


def signed_rank_exact_with_ties(nonzero: np.ndarray) -> tuple[float, float]:
    """Two-sided exact p of the signed-rank statistic given tied ranks: every one of the
    2^n sign patterns counted, by convolution over the (doubled, integer) midranks.

    It equals scipy's exhaustive permutation p-value (a test checks) at a fraction of the
    time; scipy's method="exact" ignores ties.
    """
    doubled = np.rint(2 * stats.rankdata(np.abs(nonzero))).astype(int)
    counts = np.zeros(doubled.sum() + 1)
    counts[0] = 1.0
    for rank in doubled:
        counts = counts + np.concatenate([np.zeros(rank), counts[:-rank]])
    positive = int(doubled[nonzero > 0].sum())
    lower, upper = counts[: positive + 1].sum(), counts[positive:].sum()
    p_value = min(1.0, 2 * min(lower, upper) / counts.sum())
    return min(positive, doubled.sum() - positive) / 2, p_value


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
    for flag in POPULATION_FLAGS:
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
        subjects = in_population(adsl, flag)
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
    for flag in POPULATION_FLAGS:
        subjects = in_population(adsl, flag)
        columns = {name: subjects[name] for name in CATEGORICAL_CHARACTERISTICS}
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
    adeff: pd.DataFrame, confidence_level: float, methods=("paired_t", "wilcoxon_signed_rank")
) -> list[dict]:
    rows = []
    for flag in POPULATION_FLAGS:
        records = in_population(adeff, flag, ("PARAMCD", "AVISIT", "ABLFL", "CHG"))
        follow_up = records[(records["ABLFL"] != "Y") & records["CHG"].notna()]
        for (parameter, visit), group in follow_up.groupby(
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
                "paired_t": lambda: paired_t(change, confidence_level),
                "wilcoxon_signed_rank": lambda: wilcoxon_signed_rank(change),
            }
            for method in methods:
                values, note = tests[method]()
                rows += _rows({**key, "method": method}, values, note)
    return rows


def response_rates(adeff: pd.DataFrame, confidence_level: float) -> list[dict]:
    rows = []
    columns = ["PARAMCD", "AVISIT", "CRIT1", "CRIT1FL", "CRIT1IMP", *POPULATION_FLAGS]
    criteria = adeff.loc[adeff["CRIT1"].notna() & (adeff["CRIT1"] != ""), columns]
    for flag in POPULATION_FLAGS:
        for (parameter, visit, criterion), group in in_population(criteria, flag).groupby(
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
    records = adeff[used + list(POPULATION_FLAGS)]
    patient = pd.Index(adsl["SUBJID"]).get_indexer(adeff["SUBJID"])
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


SUBGROUP_CHANGE = ("n_pairs", "mean_change", "sd_change", "ci_lower", "ci_upper")
# the columns of ADEFF the statistics read
ADEFF_USED = (
    *("SUBJID", "PARAMCD", "AVISIT", "AVAL", "ABLFL", "CHG", "CRIT1", "CRIT1FL", "CRIT1IMP"),
    *POPULATION_FLAGS,
)


def analysis_results(
    adsl: pd.DataFrame, adeff: pd.DataFrame, analysis: dict, baseline_visit: str
) -> pd.DataFrame:
    """The analysis results data of one cohort and variant."""
    level = analysis["confidence_level"]
    rows = (
        summaries(adsl, adeff, baseline_visit)
        + categorical_counts(adsl, baseline_visit)
        + paired_tests(adeff, level)
        + response_rates(adeff, level)
        + subgroups(adsl, adeff, analysis)
    )
    ard = pd.DataFrame(rows).reindex(columns=ARD_COLUMNS)
    ard[["category", "method", "note"]] = ard[["category", "method", "note"]].fillna("")
    ard["value"] = ard["value"].astype(float)
    return ard


def run(adsl: str, adeff: str, analysis: dict, cohort: dict, output: str) -> None:
    """Compute the analysis results data from ADSL and ADEFF."""
    subjects = read_adsl(adsl)
    records = read_adeff(adeff, columns=ADEFF_USED)
    ard = analysis_results(subjects, records, analysis, cohort["baseline_visit"])
    logger.info("%d results", len(ard))
    write_tables({output: ard})
