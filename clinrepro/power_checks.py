"""What decides whether a planning row is offered: attainability on the measure's scale and
the leave-one-patient-out check of every estimate a row is built on.

- An effect the scale cannot hold in this population (a gain past MMT8's 150, a response
  rate above the share of patients who can reach the criterion) is stated as unattainable,
  with the largest attainable one, and sizes nothing.
- An estimate (mean improvement, SD of the change, residual SD, correlation, response
  proportion) that one patient carries (clinrepro.influence.carried_by_one: leaving the
  patient out moves it by more than half, or changes its sign) withdraws the rows built on
  it; a measure with only positive values is then planned on the log scale instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clinrepro import power_formulas
from clinrepro.printed import fixed

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
    """'patients 7, 13 and 14', 'patient 3', 'no patient'."""
    if not names:
        return "no patient"
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
    """The estimates a change's rows are built on, from its data."""
    n = len(improvement)
    sd1 = follow_up.std(ddof=1) if n > 1 else np.nan
    varies = n >= 4 and baseline.std() > 0 and follow_up.std() > 0
    r = float(np.corrcoef(baseline, follow_up)[0, 1]) if varies else np.nan
    return {
        "mean improvement": float(improvement.mean()),
        "SD of the change": float(improvement.std(ddof=1)) if n > 1 else np.nan,
        "baseline-follow-up correlation": r,
        "residual SD at follow-up": float(sd1 * np.sqrt(1 - r * r)) if np.isfinite(r) else np.nan,
    }


def carried_estimates(patients, improvement, baseline, follow_up) -> dict[str, Carried]:
    """Each estimate of a change that one patient carries, by name."""
    import pandas as pd  # the influence check's frame; only the power step's run needs it

    from clinrepro.influence import carried_by_one, leave_one_out

    frame = pd.DataFrame(
        {"USUBJID": patients, "improvement": improvement, "baseline": baseline,
         "follow_up": follow_up}
    )  # fmt: skip

    def of(name):
        return lambda f: statistics_of(
            f["improvement"].to_numpy(), f["baseline"].to_numpy(), f["follow_up"].to_numpy()
        )[name]

    found = {}
    for name in statistics_of(improvement, baseline, follow_up):
        influence = leave_one_out(frame, of(name))
        if carried_by_one(influence):
            found[name] = Carried(name, influence.estimate, influence.without, influence.patient)
    return found


def carried_proportion(patients, responded: np.ndarray) -> Carried | None:
    """The response proportion, if one patient carries it."""
    import pandas as pd

    from clinrepro.influence import carried_by_one, leave_one_out

    frame = pd.DataFrame({"USUBJID": patients, "responded": responded.astype(float)})
    influence = leave_one_out(frame, lambda f: f["responded"].mean())
    if not carried_by_one(influence):
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
