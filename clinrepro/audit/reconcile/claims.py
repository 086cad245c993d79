"""The claims reconciliation searches, and how a value prints as one of them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
)

import numpy as np
import pandas as pd

from clinrepro.audit.recompute import claim_status
from clinrepro.base.printed import round_half_up, rounded
from clinrepro.base.study import test_for

ROUNDINGS = (
    ("rounded half to even", ROUND_HALF_EVEN),
    ("rounded half down", ROUND_HALF_DOWN),
    ("truncated", ROUND_DOWN),
    ("rounded up (ceiling)", ROUND_CEILING),
    ("rounded down (floor)", ROUND_FLOOR),
)


@dataclass(frozen=True)
class Claim:
    """A claim of the ledger with what the audit found for it."""

    claim_id: str
    analysis: str
    role: str
    parameter: str
    visit: str
    category: str
    statistic: str
    comparator: str
    reported: float
    precision: int
    unit: str
    flag: str
    method: str
    recomputed: float


def reproduces(value: float, claim: Claim) -> bool:
    """Whether the value, rounded half up as printed, gives the claim (or meets its bound)."""
    if value is None or not np.isfinite(value):
        return False
    return claim_status(value, claim.comparator, claim.reported, claim.precision) == "match"


def as_printed(value: float, claim: Claim, rounding=None) -> str:
    """The value as the claim prints it: rounded half up (or by `rounding`) at its
    precision, with its % sign; against a bound ('p > 0.05'), three significant digits,
    since the bound, not the rounding, decides."""
    if value is None or not np.isfinite(value):
        return ""
    if claim.comparator != "=" and rounding is None:
        return f"{value:.3g}"
    if rounding in (None, ROUND_HALF_UP):
        text = str(round_half_up(value, claim.precision))
    else:
        text = str(rounded(value, claim.precision, rounding))
    return text + ("%" if claim.unit == "%" else "")


def field_text(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def claims_to_search(audit: pd.DataFrame, ledger: pd.DataFrame, analysis: dict) -> list[Claim]:
    """The mismatches, and the claims not computable that have an analysis look-up."""
    rows = ledger.set_index(ledger["claim_id"].astype(str))
    claims = []
    for _, audited in audit.iterrows():
        claim_id = str(audited["claim_id"])
        if claim_id not in rows.index:
            continue
        row = rows.loc[claim_id]
        lookup = field_text(row.get("analysis")) and field_text(row.get("statistic"))
        wanted = audited["status"] == "mismatch" or (
            audited["status"] == "not_computable" and lookup and pd.notna(row.get("value"))
        )
        if not (wanted and lookup):
            continue
        role = field_text(row.get("population"))
        flag = field_text(audited.get("population_flag")) or analysis["populations"].get(role, "")
        method = field_text(audited.get("method"))
        if not method and row["analysis"] == "paired_test":
            method = test_for(analysis, row["parameter"])
        recomputed = pd.to_numeric(audited.get("recomputed"), errors="coerce")
        claims.append(
            Claim(
                claim_id=claim_id,
                analysis=field_text(row["analysis"]),
                role=role,
                parameter=field_text(row["parameter"]),
                visit=field_text(row.get("visit")),
                category=field_text(row.get("category")),
                statistic=field_text(row["statistic"]),
                comparator=field_text(row["comparator"]) or "=",
                reported=float(row["value"]),
                precision=int(row["precision"]),
                unit=field_text(row.get("unit")),
                flag=flag,
                method=method,
                recomputed=float(recomputed) if pd.notna(recomputed) else np.nan,
            )
        )
    return claims
