"""Graded verdicts: what each claim's check amounts to, in words a statistical editor uses.

The audit's `status` says whether the printed value is what the data give (match,
mismatch, not_computable). The verdict grades it, the first that holds:

- exact: the data give the printed value itself (or meet the printed bound);
- within rounding: the data's value prints as the claim at its precision;
- population or test not stated: the source does not state the population or the test
  (the ledger's `states` column) and a reading it allows reproduces the claim: another
  population or test (reconciliation.csv), or, for a printed summary (mean and SD) none of
  whose numbers the ledger's reading reproduces, a subset of its patients;
- approximate: within `max_sd` standard deviations of the measure, or for a count or a
  percentage within `max_patients` patients; how far is said in the claim's unit and in SDs;
- inconsistent: none of the above.

A claim the per-patient data cannot reach is graded by the summary-only checks: one that
fails makes it inconsistent, one that passes makes it consistent with the reported
numbers; with neither it stays not computable.

`direction` says, where the claim is about an effect (a follow-up summary of a measure, a
mean change, a response, a p-value), whether the printed value over- or understates it
against the data under the ledger's reading.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from clinrepro.ard import select
from clinrepro.reconcile import population_words

VERDICTS = (
    "exact",
    "within rounding",
    "population or test not stated",
    "approximate",
    "inconsistent",
    "consistent with reported numbers",
    "not computable",
)
VERDICT_COLUMNS = ["verdict", "verdict_reason", "difference", "difference_sd", "direction"]
READING_KINDS = {"population": "population", "test": "test"}
# statistics in the measure's own unit, whose difference is also said in SDs
IN_UNIT = {"mean", "median", "sd", "q1", "q3", "min", "max", "mean_change", "median_change"}
# checks that only bound a number (at_most): passing one does not vouch for it
BOUNDS_ONLY = {"at_most"}
SUBSET_KINDS = ("one patient", "two patients")


def number(value: float) -> str:
    """A number as a reader wants it: 13.36, 0.64, 92.9, 0.000008."""
    if value is None or not np.isfinite(value):
        return "no value"
    if value == int(value) and abs(value) < 1e9:
        return str(int(value))
    return f"{value:.4g}" if abs(value) >= 0.001 else f"{value:.1e}"


def stated(row: pd.Series) -> set[str]:
    """What the source states of how the number was obtained ('population', 'test')."""
    if "states" not in row.index:
        return {"population", "test"}
    text = row["states"]
    if not isinstance(text, str) or not text.strip():
        return set()
    return {part.strip() for part in text.split(";")}


def spread(claim: pd.Series, row: pd.Series, ard: pd.DataFrame, recomputed: float) -> float:
    """The SD that scales the claim's difference: of the measure in the claim's population
    and visit, of the changes for a mean change, of a yes/no for a percentage."""
    if row["unit"] == "%" or row["statistic"] == "pct":
        p = recomputed / 100
        return 100 * math.sqrt(p * (1 - p)) if 0 < p < 1 else np.nan
    key = {"population": claim["population_flag"], "parameter": row["parameter"]}
    if row["analysis"] == "paired_test":
        found = select(ard, {**key, "analysis": "paired_test", "visit": row["visit"],
                             "method": claim["method"], "statistic": "sd_change"})  # fmt: skip
    else:
        visit = "" if pd.isna(row["visit"]) else row["visit"]
        found = select(ard, {**key, "analysis": "summary", "statistic": "sd"})
        if len(found) > 1:
            found = found[found["visit"].to_numpy() == visit]
    return float(found["value"].iloc[0]) if len(found) == 1 else np.nan


def effect_sign(row: pd.Series, cohort: dict, baseline: str) -> float:
    """+1 when a larger printed value means a larger effect, -1 when smaller, 0 when the
    claim is not about an effect."""
    measure = (
        cohort["measures"].get(row["parameter"]) if isinstance(row["parameter"], str) else None
    )
    improves = 0.0
    if measure is not None:
        improves = 1.0 if measure["improvement"] == "increase" else -1.0
    if row["analysis"] == "response" and row["statistic"] in ("pct", "n_responders"):
        return 1.0
    if row["analysis"] == "paired_test":
        if row["statistic"] == "p_value":
            return -1.0  # a smaller p claims more evidence
        if row["statistic"] in ("mean_change", "median_change"):
            return improves
        return 0.0
    if row["analysis"] == "summary" and row["visit"] != baseline:
        return improves if row["statistic"] in ("mean", "median") else 0.0
    return 0.0


def direction(row: pd.Series, claim: pd.Series, sign: float) -> str:
    if sign == 0 or claim["status"] != "mismatch" or pd.isna(claim["recomputed"]):
        return ""
    reported, recomputed = float(row["value"]), float(claim["recomputed"])
    if row["comparator"] != "=":
        # a bound the data do not meet: '<' claims more evidence than the data give
        overstates = row["comparator"] in ("<", "<=")
        return "overstates the effect" if overstates == (sign < 0) else "understates the effect"
    if reported == recomputed:
        return ""
    return (
        "overstates the effect" if (reported - recomputed) * sign > 0 else "understates the effect"
    )


def summary_group(ledger: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    """The ledger's claims printed as one summary with this one (mean and SD)."""
    if row["analysis"] != "summary" or row["statistic"] not in ("mean", "sd"):
        return ledger.iloc[0:0]
    same = (
        (ledger["statistic"].isin(["mean", "sd"]) & (ledger["comparator"] == "=")).to_numpy().copy()
    )
    for column in ("analysis", "population", "parameter", "visit"):
        same &= ledger[column].fillna("").astype(str).to_numpy() == str(row[column])
    return ledger[same]


def grade_not_computable(claim_id: str, claim: pd.Series, checks: pd.DataFrame) -> dict:
    mine = checks[checks["claim_id"].to_numpy() == claim_id]
    failed = mine[mine["result"].to_numpy() == "fails"]
    passed = mine[(mine["result"].to_numpy() == "passes") & ~mine["check"].isin(BOUNDS_ONLY)]
    why = str(claim.get("reason", "") or "")
    if len(failed):
        return {"verdict": "inconsistent",
                "verdict_reason": "the source's own numbers disagree: " + "; ".join(failed["detail"])}  # fmt: skip
    if len(passed):
        return {"verdict": "consistent with reported numbers",
                "verdict_reason": "; ".join(passed["detail"]) + f" (per-patient data: {why})"}  # fmt: skip
    return {"verdict": "not computable", "verdict_reason": why}


def grade(
    claim: pd.Series,
    row: pd.Series,
    ledger: pd.DataFrame,
    audit: pd.DataFrame,
    explanations: pd.DataFrame,
    ard: pd.DataFrame,
    cohort: dict,
    limits: dict,
) -> dict:
    """The verdict columns of one claim (claim: its audit row; row: its ledger row)."""
    claim_id = claim["claim_id"]
    reported, recomputed = float(row["value"]), float(claim["recomputed"])
    sign = effect_sign(row, cohort, cohort["baseline_visit"])
    out = {"direction": direction(row, claim, sign), "difference": np.nan, "difference_sd": np.nan}
    unit = row["unit"] if row["unit"] not in ("count", "p") else ""
    if row["comparator"] == "=":
        out["difference"] = reported - recomputed
        # in SDs only a statistic in the measure's unit: a count or a percentage is judged
        # in patients, a p-value not by its size at all
        sd = spread(claim, row, ard, recomputed) if row["statistic"] in IN_UNIT else np.nan
        if np.isfinite(sd) and sd > 0:
            out["difference_sd"] = out["difference"] / sd
    shown = f"{number(recomputed)}{'%' if row['unit'] == '%' else ''}"
    if claim["status"] == "match":
        if row["comparator"] != "=":
            bound = str(claim["reported"])
            if not any(character.isdigit() for character in bound):
                bound = f"{row['comparator']} {reported:g} (printed '{bound}')"
            return out | {"verdict": "exact", "verdict_reason": f"{shown} meets {bound}"}
        if math.isclose(reported, recomputed, rel_tol=1e-12, abs_tol=1e-12):
            return out | {"verdict": "exact", "verdict_reason": f"the data give {shown}"}
        return out | {
            "verdict": "within rounding",
            "verdict_reason": f"the data give {shown}, printed {claim['reported']} "
            f"at {int(row['precision'])} decimals",
        }
    mine = explanations[explanations["claim_id"].to_numpy() == claim_id]
    silent = {"population", "test"} - stated(row)
    readings = mine[mine["kind"].map(READING_KINDS).isin(silent).to_numpy()]
    if len(readings):
        return out | {
            "verdict": "population or test not stated",
            "verdict_reason": f"the source does not state the {' or '.join(sorted(silent))}; "
            f"reproduced ({readings['printed'].iloc[0]}) with {readings['detail'].iloc[0]}",
        }
    group = summary_group(ledger, row)
    in_group = audit[audit["claim_id"].isin(group["claim_id"]).to_numpy()]
    # one subset of patients that reproduces every number of the printed summary
    subsets = mine[mine["kind"].isin(SUBSET_KINDS).to_numpy()]
    for member in group["claim_id"]:
        theirs = explanations[explanations["claim_id"].to_numpy() == member]
        subsets = subsets[subsets["detail"].isin(theirs["detail"]).to_numpy()]
    if (
        "population" in silent
        and len(group) > 1
        and (in_group["status"] == "mismatch").all()
        and len(subsets)
    ):
        flag = claim["population_flag"]
        printed = " ± ".join(in_group["reported"].astype(str))
        data = " ± ".join(in_group["recomputed"].map(number))
        return out | {
            "verdict": "population or test not stated",
            "verdict_reason": f"the source states no population for {printed}; "
            f"{population_words(flag)} give {data}, and none of the stated populations "
            f"gives it; {subsets['detail'].iloc[0]} reproduces it",
        }
    size = f"{number(abs(out['difference']))}{' ' + unit if unit else ''}"
    if row["unit"] == "%":
        size = f"{number(abs(out['difference']))} percentage points"
    n = claim["n"]
    within = False
    words = []
    if np.isfinite(out["difference"]):
        side = "higher" if out["difference"] > 0 else "lower"
        words.append(f"the data give {shown}, printed {claim['reported']}: {size} {side}")
        if np.isfinite(out["difference_sd"]):
            words[-1] += f" ({number(abs(out['difference_sd']))} SD)"
            within = abs(out["difference_sd"]) <= limits["max_sd"]
        if pd.notna(n) and int(n) > 0 and (row["unit"] in ("%", "count")):
            patients = abs(out["difference"]) * (int(n) / 100 if row["unit"] == "%" else 1)
            whom = "patient" if patients <= 1 else "patients"
            words.append(f"{number(patients)} {whom} of {int(n)}")
            within = within or patients <= limits["max_patients"] + 1e-9
    else:
        words.append(f"the data give {shown}, which does not meet {claim['reported']}")
    if out["direction"]:
        words.append(out["direction"])
    if silent:
        words.append(
            f"the source does not state the {' or '.join(sorted(silent))}, and no reading that "
            "leaves open reproduces it"
        )
    verdict = "approximate" if within else "inconsistent"
    return out | {"verdict": verdict, "verdict_reason": "; ".join(words)}


def failed_checks(claim_id: str, checks: pd.DataFrame) -> str:
    mine = checks[(checks["claim_id"].to_numpy() == claim_id) & (checks["result"] == "fails")]
    return "; ".join(mine["detail"].astype(str))


def with_verdicts(
    audit: pd.DataFrame,
    ledger: pd.DataFrame,
    explanations: pd.DataFrame,
    checks: pd.DataFrame,
    ard: pd.DataFrame,
    cohort: dict,
    limits: dict,
) -> pd.DataFrame:
    """The audit with the verdict columns (VERDICT_COLUMNS)."""
    rows = ledger.set_index(ledger["claim_id"].astype(str))
    graded = []
    for _, claim in audit.iterrows():
        row = rows.loc[str(claim["claim_id"])]
        if claim["status"] == "not_computable":
            result = {"direction": "", "difference": np.nan, "difference_sd": np.nan}
            result |= grade_not_computable(claim["claim_id"], claim, checks)
        else:
            result = grade(claim, row, ledger, audit, explanations, ard, cohort, limits)
            failed = failed_checks(claim["claim_id"], checks)
            if failed:
                result["verdict_reason"] += f"; summary checks: {failed}"
        graded.append(result)
    verdicts = pd.DataFrame(graded, index=audit.index).reindex(columns=VERDICT_COLUMNS)
    return pd.concat([audit, verdicts], axis=1)


def counts_by_source(audit: pd.DataFrame, column: str = "verdict") -> pd.DataFrame:
    """How many claims of each source got each verdict (or status): one row a source."""
    if audit.empty:
        return pd.DataFrame()
    table = pd.crosstab(audit["source"], audit[column])
    order = [v for v in (*VERDICTS, "match", "mismatch", "not_computable") if v in table.columns]
    return table.reindex(columns=order)
