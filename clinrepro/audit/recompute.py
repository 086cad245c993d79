"""Step 1 of the audit: each claim of a cohort's ledger next to what its own data give.

`recomputed` keeps full precision; it is rounded (half up) to the reported precision only
to decide the status. A bound such as '< 0.0001' matches when the value satisfies it.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from clinrepro.adam.endpoints import COMPARATORS
from clinrepro.statistics.ard import select
from clinrepro.base.printed import round_half_up
from clinrepro.base.study import test_for

LOOKUP = ["analysis", "population", "parameter", "visit", "category", "statistic"]
CLAIM_COLUMNS = [
    "claim_id",
    "description",
    "reported",
    "recomputed",
    "status",
    "recomputed_rounded",
    "comparator",
    "precision",
    "unit",
    "population_flag",
    "method",
    "n",
    "other_methods",
    "note",
    "reason",
    "source",
    "location",
    "quote",
]
# which statistic says how many patients stand behind a result
N_STATISTIC = {
    "summary": "n",
    "categorical": "denominator",
    "paired_test": "n_pairs",
    "response": "n_evaluable",
}


def claim_status(recomputed: float, comparator: str, reported: float, precision: int) -> str:
    """'match' or 'mismatch' for a value that the data give."""
    if comparator == "=":
        same = round_half_up(recomputed, precision) == round_half_up(reported, precision)
        return "match" if same else "mismatch"
    return "match" if COMPARATORS[comparator](recomputed, reported) else "mismatch"


def method_for(claim: pd.Series, analysis: dict) -> str:
    """The method whose result answers the claim: the variant's test for a p-value."""
    if claim["analysis"] == "paired_test":
        return test_for(analysis, claim["parameter"])
    return "clopper_pearson" if claim["analysis"] == "response" else ""


def audit_claim(claim: pd.Series, ard: pd.DataFrame, analysis: dict) -> dict:
    """One row of the claims audit."""
    row = {
        "claim_id": claim["claim_id"],
        "description": claim["description"],
        "reported": claim["reported"],
        "comparator": claim["comparator"],
        "precision": int(claim["precision"]),
        "unit": claim.get("unit", ""),
        "source": claim["source"],
        "location": claim["location"],
        "quote": claim["quote"],
    }
    if pd.notna(claim["not_computable_reason"]):
        return {**row, "status": "not_computable", "reason": claim["not_computable_reason"]}
    flag = analysis["populations"][claim["population"]]
    key = {column: ("" if pd.isna(claim[column]) else claim[column]) for column in LOOKUP}
    key["population"] = flag
    method = method_for(claim, analysis)
    found = select(ard, {**key, "method": method})
    row.update(population_flag=flag, method=method)
    if len(found) != 1 or pd.isna(found["value"].iloc[0]):
        words = ", ".join(f"{k}={v}" for k, v in key.items() if v)
        why = "no result" if found.empty else "no value"
        return {
            **row,
            "status": "not_computable",
            "reason": f"{why} in the analysis results for {words}, method={method or '-'}",
        }
    recomputed = float(found["value"].iloc[0])
    count = select(ard, {**key, "method": method, "statistic": N_STATISTIC[key["analysis"]]})
    others = select(ard, {k: v for k, v in key.items()}).query("method != @method")
    row.update(
        recomputed=recomputed,
        recomputed_rounded=str(round_half_up(recomputed, row["precision"])),
        status=claim_status(
            recomputed, claim["comparator"], float(claim["value"]), row["precision"]
        ),
        n=int(count["value"].iloc[0]) if len(count) == 1 else np.nan,
        other_methods="; ".join(f"{m}: {v:.6g}" for m, v in zip(others["method"], others["value"])),
        note=found["note"].iloc[0],
    )
    return row


def audit_claims(claims: pd.DataFrame, ard: pd.DataFrame, analysis: dict) -> pd.DataFrame:
    """The claims audit of one cohort and variant, in the ledger's order."""
    rows = [audit_claim(claim, ard, analysis) for _, claim in claims.iterrows()]
    audit = pd.DataFrame(rows).reindex(columns=CLAIM_COLUMNS)
    audit["n"] = audit["n"].astype("Int64")
    return audit
