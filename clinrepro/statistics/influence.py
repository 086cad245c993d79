"""Influence of single patients: an estimate recomputed with each patient left out.

A sentence that interprets an estimate (a mean change, an SD, a correlation, a response
rate) says when one patient carries it; a planning row built on such an estimate is
withdrawn or replaced. The rule is the same everywhere: see `carried_by_one`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Influence:
    """An estimate, its value with each patient left out, and the patient who moves it most."""

    estimate: float
    left_out: pd.Series  # patient -> the estimate without that patient
    patient: str  # the patient whose removal moves the estimate most
    without: float  # the estimate without that patient

    @property
    def shift(self) -> float:
        return self.without - self.estimate


def leave_one_out(
    frame: pd.DataFrame, statistic: Callable[[pd.DataFrame], float], patient: str = "USUBJID"
) -> Influence:
    """`statistic` of the whole frame (one row a patient) and of the frame without each patient."""
    estimate = float(statistic(frame))
    patients = frame[patient].astype(str).to_numpy()
    left_out = pd.Series(
        [float(statistic(frame[patients != one])) for one in patients], index=patients, dtype=float
    )
    moved = (left_out - estimate).abs()
    if moved.isna().all():
        return Influence(estimate, left_out, "", np.nan)
    most = moved.idxmax()
    return Influence(estimate, left_out, str(most), float(left_out[most]))


def carried_by_one(
    influence: Influence, *, relative: float = 0.5, standard_error: float | None = None
) -> bool:
    """One patient carries the estimate when leaving them out changes its sign or moves it
    by more than `relative` of its size, and, where the estimate has a `standard_error`, also
    by more than `relative` of that: an estimate near zero (within its standard error) moves
    by more than half of itself, or turns its sign, whoever is left out, so that alone says
    nothing of one patient (a mean log change of 0.037 with an SE of 0.27 is not carried by
    the patient who moves it to 0.135 or to -0.031)."""
    if np.isnan(influence.without) or np.isnan(influence.estimate):
        return False
    moved = abs(influence.shift)
    if standard_error is not None and not moved > relative * abs(standard_error):
        return False
    if np.sign(influence.without) != np.sign(influence.estimate) and influence.estimate != 0:
        return True
    size = abs(influence.estimate)
    return size > 0 and moved > relative * size


def mean_standard_error(values) -> float:
    """The standard error of a mean, SD / √n: the scale `carried_by_one` checks a mean on."""
    values = np.asarray(values, dtype=float)
    return float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else np.nan
