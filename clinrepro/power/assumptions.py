"""The assumptions about the effect an endpoint is planned for.

- effects fixed before looking: the variant's response criteria themselves and the effects
  of the settings (`power.effects`: published minimal clinically important differences,
  assumed response proportions);
- a conservative estimate from the cohort: the one-sided lower confidence limit of its mean
  improvement or response proportion;
- the cohort's observed effect, labelled optimistic: a small study's estimate is imprecise,
  and one that "worked" overstates it (Kraemer et al., Arch Gen Psychiatry 2006).

An effect the measure's scale cannot hold in the population says why (clinrepro.power.checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from clinrepro.power import checks as power_checks
from clinrepro.power import formulas as power_formulas
from clinrepro.power.checks import patients_words, significant
from clinrepro.power.estimates import Change, Estimates, Response
from clinrepro.base.printed import percent
from clinrepro.base.study import criterion_text
from clinrepro.base.terms import shown

# where an effect comes from: fixed before looking (the first two), or from the cohort
CRITERION, SETTINGS, CONSERVATIVE, OPTIMISTIC = (
    "response criterion",
    "settings",
    "cohort's change, lower limit",
    "observed (optimistic)",
)
PRESPECIFIED = (CRITERION, SETTINGS)


@dataclass
class Assumption:
    """One assumption about the effect: its label, where it comes from, the treated arm's
    mean improvement (points) or response proportion, the number's origin in words, and why
    the scale forbids it ('' where it does not)."""

    name: str
    source: str
    effect: float
    words: str
    unattainable: str = ""
    within_patient: bool = False
    reference: str = ""  # why an effect from the data is shown, not offered ('' if offered)

    @property
    def prespecified(self) -> bool:
        return self.source in PRESPECIFIED


def _unattainable(change: Change, effect: float, gains, words: str) -> str:
    """Why the scale forbids an assumed mean improvement in this population ('' if not)."""
    if change.room is None:
        return ""
    most = power_checks.attainable_mean(gains, change.room)
    if effect <= most + 1e-9:
        return ""
    able = [str(p) for p in change.patients[change.room >= gains]]
    return (
        f"Unattainable: only {patients_words(able)} of {change.of_n} can gain {words} before "
        f"{change.scale_end}; if every patient gains it or as much as the scale allows, the mean "
        f"gain is at most {significant(most)} {change.unit}, not {significant(effect)}."
    )


def change_assumptions(
    change: Change, estimates: Estimates, analysis: dict, settings: dict, cohort: dict
) -> list[Assumption]:
    """The response criteria on the measure, the settings' effects, the lower limit of the
    cohort's change and the observed effect, in that order."""
    found = []
    base = f"the mean baseline of {significant(estimates.baseline_mean, 4)} {change.unit}"
    for role, response in analysis["response"].items():
        if change.scale != "raw" or (response["parameter"], response["visit"]) != (
            change.code, change.visit
        ):  # fmt: skip
            continue
        if response["direction"] != cohort["measures"][change.code]["improvement"]:
            continue  # a criterion of worsening is no effect to size a trial for
        words = f"the {role} response criterion, {shown(criterion_text(response, cohort))}"
        points, gains = response["threshold"], np.full(change.n, float(response["threshold"]))
        gain_words = f"{significant(points)} {change.unit}"
        if response["measure"] == "percent_change":
            points = response["threshold"] / 100 * estimates.baseline_mean
            gains = response["threshold"] / 100 * change.baseline
            words += f", read as a mean gain: {response['threshold']:g}% of {base}"
            gain_words = f"{response['threshold']:g}% of their baseline"
        why = _unattainable(change, points, gains, gain_words)
        found.append(Assumption(f"{role} response criterion", CRITERION, points, words, why))
    for effect in settings["effects"].get(change.code, []) if change.scale == "raw" else []:
        within = bool(effect.get("within_patient"))
        if "change" in effect:
            points = float(effect["change"])
            words, gains = f"{effect['name']}, fixed before looking at the data", np.full(
                change.n, np.inf
            )
            why = _unattainable(change, points, gains, "any amount")
        elif "percent" in effect:
            points = effect["percent"] / 100 * estimates.baseline_mean
            words = f"{effect['name']}: {effect['percent']:g}% of {base}, fixed before looking at the data"
            gains = effect["percent"] / 100 * change.baseline
            why = _unattainable(change, points, gains, f"{effect['percent']:g}% of their baseline")
        else:
            continue
        found.append(Assumption(effect["name"], SETTINGS, points, words, why, within))
    level = settings["conservative_level"]
    lower = power_formulas.lower_mean(estimates.mean, estimates.sd, change.n, level)
    words = (
        f"the one-sided {percent(level)} lower confidence limit of the cohort's mean "
        f"improvement {significant(estimates.mean)} {change.unit}"
    )
    name = f"cohort's change, {percent(level)} lower limit"
    reference = _beyond(found, lower, lambda v: f"{significant(v)} {change.unit}")
    found.append(Assumption(name, CONSERVATIVE, lower, words, reference=reference))
    words = (
        f"the observed mean improvement {significant(estimates.mean)} {change.unit} and SD "
        f"{significant(estimates.sd)}, d_z {significant(estimates.mean / estimates.sd)}"
    )
    found.append(Assumption(OPTIMISTIC, OPTIMISTIC, estimates.mean, words))
    return found


def response_assumptions(response: Response, settings: dict) -> list[Assumption]:
    """The settings' assumed response proportions, the lower limit of the cohort's, the
    observed."""
    found = []
    for effect in settings["effects"].get(response.code, []):
        if "response_rate" not in effect:
            continue
        rate, why = float(effect["response_rate"]), ""
        if response.able is not None and rate > len(response.able) / response.n:
            most = len(response.able) / response.n
            why = (
                f"Unattainable: only {patients_words(response.able)} of {response.of_n} can "
                f"reach the criterion ({response.criterion}) before {response.scale_end}, so a "
                f"response proportion above {len(response.able)} of {response.n} ({percent(most, 1)}) "
                "cannot happen in this population."
            )
        found.append(
            Assumption(effect["name"], SETTINGS, rate, "fixed before looking at the data", why)
        )
    level = settings["conservative_level"]
    lower = power_formulas.lower_proportion(response.responders, response.n, level)
    words = (
        f"the one-sided {percent(level)} lower Clopper-Pearson limit of the observed "
        f"{response.responders} of {response.n}"
    )
    name = f"cohort's response, {percent(level)} lower limit"
    reference = _beyond(found, lower, percent)
    found.append(Assumption(name, CONSERVATIVE, lower, words, reference=reference))
    words = f"the observed {response.responders} of {response.n}"
    found.append(Assumption(OPTIMISTIC, OPTIMISTIC, response.responders / response.n, words))
    return found


def _beyond(fixed_before: list[Assumption], lower: float, shown_as: Callable) -> str:
    """Why the lower limit of the cohort's own effect is a reference, not a plan: it is larger
    than every attainable effect fixed before looking ('' where it is not, or none is)."""
    largest = max((a.effect for a in fixed_before if not a.unattainable), default=np.nan)
    if not lower > largest > 0:
        return ""
    return (
        f"Reference, not a plan: the lower limit of the cohort's own uncontrolled effect "
        f"({shown_as(lower)}) is {significant(lower / largest, 2)} times the largest effect fixed "
        f"before looking at the data ({shown_as(largest)}), in patients selected for active "
        f"disease, and would size a trial far smaller than that effect does."
    )
