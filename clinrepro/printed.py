"""Numbers as the published tables print them: 59, 0.1, 12292, and a word for missing."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

NA = "NA"


def printed_number(value: float, missing: str = NA) -> str:
    """A number as a table prints it: 59, 0.1, 12292; the missing word when missing."""
    if pd.isna(value):
        return missing
    return str(int(value)) if float(value).is_integer() else format(value, ".15g")


def printed_numbers(values: pd.Series, missing: str = NA) -> pd.Series:
    """`printed_number` over a whole column: whole numbers in C, the others one by one."""
    numbers = values.astype(float).to_numpy()
    text = np.full(len(numbers), missing, dtype=object)
    whole = ~np.isnan(numbers) & (numbers % 1 == 0)
    text[whole] = numbers[whole].astype(np.int64).astype(str)
    other = ~np.isnan(numbers) & ~whole
    text[other] = [printed_number(value) for value in numbers[other]]
    return pd.Series(text, index=values.index).astype(str)


def round_half_up(value: float, places: int) -> Decimal:
    """Round as printed tables do (2.5 -> 3), not to even."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def fixed(value: float, places: int, missing: str = NA) -> str:
    """A number printed to `places` decimals, half up (2/16 = 12.5% -> "13"), the one
    rounding of every number a person reads; the missing word when missing."""
    if pd.isna(value):
        return missing
    rounded = round_half_up(value, places)
    return str(abs(rounded) if rounded == 0 else rounded)  # never "-0.0"


def percent(fraction: float, places: int = 0, missing: str = NA) -> str:
    """A proportion printed as a percentage, half up: 2/16 -> "13%"."""
    return missing if pd.isna(fraction) else fixed(100 * fraction, places) + "%"
