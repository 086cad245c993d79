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
    return rounded(value, places, ROUND_HALF_UP)


def rounded(value: float, places: int, mode: str = ROUND_HALF_UP) -> Decimal:
    """Round to `places` decimals by a `decimal` rounding mode (half to even, truncation...):
    the other ways a published number may have been rounded."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=mode)


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


def significant(
    value: float, digits: int = 4, scientific_below: float = 1e-4, missing: str = NA
) -> str:
    """A number to `digits` significant digits, half up, trailing zeros dropped, as the
    format 'g' prints it but never rounding half to even: 92.857 -> "92.86", 0.0601 ->
    "0.0601", 1602.25 -> "1602"; below `scientific_below` in scientific notation, 7.9e-06."""
    if pd.isna(value) or not np.isfinite(value):
        return missing
    if value == 0:
        return "0"
    exact = Decimal(repr(float(value)))
    exponent = exact.adjusted()
    if abs(value) >= scientific_below:
        text = fixed(value, max(digits - 1 - exponent, 0))
        return text.rstrip("0").rstrip(".") if "." in text else text
    mantissa = round_half_up(float(exact.scaleb(-exponent)), digits - 1)
    if abs(mantissa) >= 10:  # 9.96e-05 to two digits is 10e-05: one power up
        mantissa, exponent = mantissa / 10, exponent + 1
    text = f"{mantissa:f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return f"{text}e{exponent:+03d}"
