"""The analysis results data (ARD): reading it and looking values up."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clinrepro.base.files import read_table

ARD_COLUMNS = [
    "analysis",
    "population",
    "parameter",
    "visit",
    "category",
    "method",
    "statistic",
    "value",
    "note",
]
KEY_TEXT = ("category", "method", "note")


def read_ard(path: str) -> pd.DataFrame:
    """An ARD file, with empty key cells as empty strings rather than missing."""
    ard = read_table(path, text_columns=(*KEY_TEXT, "visit"))
    return ard.fillna({column: "" for column in KEY_TEXT})


def select(ard: pd.DataFrame, key: dict) -> pd.DataFrame:
    """The rows whose columns equal every value of `key`."""
    mask = np.ones(len(ard), dtype=bool)
    for column, wanted in key.items():
        mask &= ard[column].to_numpy() == wanted
    return ard[mask]


def value(ard: pd.DataFrame, **key) -> float:
    """One value of the analysis results data; NaN when the data give none."""
    found = select(ard, {"category": "", "method": "", **key})["value"]
    return float(found.iloc[0]) if len(found) == 1 else np.nan
