"""Numbers as the published tables print them: 59, 0.1, 12292, and a word for missing."""

from __future__ import annotations

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
    values = values.astype(float)
    whole = values.notna() & (values % 1 == 0)
    text = pd.Series(missing, index=values.index, dtype=object)
    text[whole] = values[whole].astype(np.int64).astype(str)
    other = values.notna() & ~whole
    text[other] = values[other].map(printed_number)
    return text.astype(str)
