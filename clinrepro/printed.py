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
