"""What decides whether a planning row is offered: attainability on the measure's scale and
the leave-one-patient-out check of every estimate a row is built on.

- An effect the scale cannot hold in this population (a gain past MMT8's 150, a response
  rate above the share of patients who can reach the criterion) is stated as unattainable,
  with the largest attainable one, and sizes nothing.
- An estimate (mean improvement, SD of the change, residual SD, correlation, response
  proportion) that one patient carries (clinrepro.statistics.influence.carried_by_one: leaving the
  patient out moves it by more than half, or changes its sign, and a mean or proportion by
  more than half its standard error too) withdraws the rows built on
  it; a measure with only positive values is then planned on the log scale instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clinrepro.power import formulas as power_formulas
from clinrepro.statistics.influence import Influence, carried_by_one, mean_standard_error
from clinrepro.base.printed import fixed

CARRIED = "Withdrawn, one patient carries it"


def room(baseline: np.ndarray, measure: dict) -> np.ndarray | None:
    """How far each patient can improve before the scale ends (its `high` for a measure that
    improves by increasing, its `low` otherwise); None for an open scale."""
    if measure["improvement"] == "increase":
        return None if "high" not in measure else measure["high"] - baseline
    return None if "low" not in measure else baseline - measure["low"]


def end_words(name: str, measure: dict) -> str:
    """Where the scale ends in the direction of improvement: 'MMT8 reaches 150'."""
    end = measure.get("high") if measure["improvement"] == "increase" else measure.get("low")
    return "" if end is None else f"{name} reaches {end:g}"


def significant(value: float, digits: int = 3) -> str:
    """A number to `digits` significant figures, half up (as every printed number), without
    trailing zeros: 5, 0.8, 38.7, 12292."""
    if not np.isfinite(value) or float(value).is_integer():
        return fixed(value, 0)
    places = max(0, digits - 1 - int(np.floor(np.log10(abs(value)))))
    text = fixed(value, places)
    return text.rstrip("0").rstrip(".") if "." in text else text


def patients_words(names: list[str]) -> str:
    """'patients 7, 13 and 14', 'patient 3', 'no patient'; more than six by their number
    ('12 patients')."""
    if not names:
        return "no patient"
    if len(names) > 6:
        return f"{len(names)} patients"
    if len(names) == 1:
        return f"patient {names[0]}"
    return f"patients {', '.join(names[:-1])} and {names[-1]}"


# ---- the influence of single patients


@dataclass(frozen=True)
class Carried:
    """An estimate one patient carries: its name, value, and value without that patient."""

    name: str
    estimate: float
    without: float
    patient: str

    def words(self) -> str:
        return f"the {self.name} is {significant(self.without)}, not {significant(self.estimate)}"


def carried_words(carried: list[Carried]) -> str:
    """'Withdrawn, one patient carries it: without patient 12 the mean improvement is 38.7,
    not 250, and the SD of the change is 66.7, not 600.'"""
    said = []
    for patient in dict.fromkeys(c.patient for c in carried):
        estimates = [c.words() for c in carried if c.patient == patient]
        said.append(f"without patient {patient} " + ", and ".join(estimates))
    return f"{CARRIED}: " + "; ".join(said) + "."


def statistics_of(improvement, baseline, follow_up) -> dict:
    """The estimates a change's rows are built on, from its data (arrays)."""
    values = _left_out(improvement, baseline, follow_up, every=False)
    return {name: float(value) for name, value in values.items()}


def _left_out(improvement, baseline, follow_up, every: bool = True) -> dict:
    """Each estimate of a change with every patient left out in turn (`every`), or of all
    patients, from running sums: linear in the number of patients, so that a registry of a
    million is checked as fast as the pilot (the same values as
    clinrepro.statistics.influence.leave_one_out, which recomputes each; a test compares them)."""
    d, x, y = (np.asarray(v, dtype=float) for v in (improvement, baseline, follow_up))
    # centred first: the sums of squares of values like 12292 keep their digits
    d, x, y = d - d.mean(), x - x.mean(), y - y.mean()
    shift = np.asarray(improvement, dtype=float).mean()
    n = len(d) - (1 if every else 0)
    drop = (lambda v: v) if every else (lambda v: 0.0)

    def moment(a, b):
        total = (a * b).sum() - drop(a * b)
        mean_a, mean_b = (a.sum() - drop(a)) / n, (b.sum() - drop(b)) / n
        return (total - n * mean_a * mean_b) / (n - 1) if n > 1 else np.full_like(d, np.nan)

    with np.errstate(invalid="ignore", divide="ignore"):
        vd, vx, vy, cxy = moment(d, d), moment(x, x), moment(y, y), moment(x, y)
        r = cxy / np.sqrt(vx * vy) if n >= 4 else np.full_like(vx, np.nan)
        return {
            "mean improvement": shift + (d.sum() - drop(d)) / n,
            "SD of the change": np.sqrt(vd),
            "baseline-follow-up correlation": r,
            "residual SD at follow-up": np.sqrt(vy * (1 - r * r)),
        }


def _influence(estimate: float, left_out: np.ndarray, patients) -> Influence:
    """An Influence (clinrepro.statistics.influence) from values with each patient left out."""
    values = np.asarray(left_out, dtype=float)
    series = pd.Series(values, index=np.asarray(patients))
    moved = np.abs(values - estimate)
    if np.isnan(moved).all():
        return Influence(estimate, series, "", np.nan)
    most = int(np.nanargmax(moved))
    return Influence(estimate, series, str(series.index[most]), float(values[most]))


def carried_estimates(patients, improvement, baseline, follow_up) -> dict[str, Carried]:
    """Each estimate of a change that one patient carries, by name."""
    whole = statistics_of(improvement, baseline, follow_up)
    # a mean is checked on its standard error too: near zero, no patient carries it
    errors = {"mean improvement": mean_standard_error(improvement)}
    found = {}
    for name, left_out in _left_out(improvement, baseline, follow_up).items():
        influence = _influence(whole[name], left_out, patients)
        if carried_by_one(influence, standard_error=errors.get(name)):
            found[name] = Carried(name, influence.estimate, influence.without, influence.patient)
    return found


def carried_proportion(patients, responded: np.ndarray) -> Carried | None:
    """The response proportion, if one patient carries it."""
    k, n = float(responded.sum()), len(responded)
    influence = _influence(k / n, (k - responded) / (n - 1), patients)
    if not carried_by_one(influence, standard_error=np.sqrt(k / n * (1 - k / n) / n)):
        return None
    return Carried("response proportion", influence.estimate, influence.without, influence.patient)


# ---- attainability


def attainable_mean(gains: np.ndarray, room_left: np.ndarray) -> float:
    """The mean improvement when each patient gains what the effect says of them, or as much
    as the scale leaves them if that is less."""
    return float(np.minimum(gains, np.maximum(room_left, 0)).mean())


def upper_sd_factor(n: int, level: float | None) -> float:
    """The factor of the SDs' one-sided upper limit, sqrt((n - 1) / chi2_{1-level, n-1});
    1 for the SDs as observed."""
    return 1.0 if level is None else power_formulas.upper_sd(1.0, n, level)
