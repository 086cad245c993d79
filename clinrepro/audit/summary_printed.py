"""The printed numbers the summary-only checks read: a claim's value as printed, and the
interval of values that print as it (half a unit of its last decimal either side; a count
is exact)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from clinrepro.audit.recompute import claim_status
from clinrepro.base.printed import round_half_up

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class Number:
    """A printed number and the interval of values that print as it."""

    value: float
    low: float
    high: float
    words: str


def exact(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def claim_printed(claim: pd.Series) -> str:
    """The claim's value as printed: '88%', '27', '< 0.0001'."""
    text = str(round_half_up(claim["value"], int(claim["precision"])))
    text += "%" if claim["unit"] == "%" else ""
    return text if claim["comparator"] == "=" else f"{claim['comparator']} {text}"


def half_unit(claim: pd.Series) -> float:
    """Half a unit of the claim's last printed decimal; 0 for a count, which is exact."""
    return 0.0 if claim["unit"] == "count" else 0.5 * 10.0 ** -int(claim["precision"])


def argument(token: str, claims: pd.DataFrame) -> Number:
    if _NUMBER.match(token):
        return Number(float(token), float(token), float(token), token)
    claim = claims.loc[token]
    value, half = float(claim["value"]), half_unit(claim)
    words = f"{token} {claim_printed(claim)}"
    if half:
        words += f" ({value - half:g} to {value + half:g})"
    return Number(value, value - half, value + half, words)


def equals_printed(value: float, claim: pd.Series) -> bool:
    """The value printed at the claim's precision (rounded half up) is the claim's, or it
    meets the claim's bound."""
    status = claim_status(value, claim["comparator"], claim["value"], int(claim["precision"]))
    return status == "match"


def verdict(ok: bool) -> str:
    return "passes" if ok else "fails"
