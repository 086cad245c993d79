"""The words several figures share: patients listed, p-values stated, populations named."""

from __future__ import annotations

import numpy as np

from clinrepro.base.study import SAFETY_FLAG, SAFETY_WORDS, criterion_text, visit_label
from clinrepro.base.terms import TEST_NAMES, joined_words, shown
from clinrepro.presentation.words import p_text
from clinrepro.base.study import population_label


def tick_label(cohort: dict, code: str) -> str:
    """A visit's label on an axis, its parenthesis on a second line."""
    return visit_label(cohort, code).replace(" (", "\n(")


def criterion_words(response: dict, cohort: dict) -> str:
    """A response criterion for people: the visit by its label ('... at week 24')."""
    return shown(
        criterion_text({**response, "visit": visit_label(cohort, response["visit"])}, cohort)
    )


# captions name at most this many patients; the others are counted
LISTED_PATIENTS = 10
# over max_patients_drawn patients (config figures:), distributions replace patients
AGGREGATE_WORDS = "boxes: median and quartiles, whiskers: 5th to 95th percentile"


def patient_list(patients: list[str]) -> str:
    """'patient 3', 'patients 3 and 11' or, for many, the first ones and how many more."""
    listed = [str(patient) for patient in patients[:LISTED_PATIENTS]]
    more = len(patients) - len(listed)
    if more > 0:
        listed.append(f"{more:,} more")
    return f"patient{'s' if len(patients) > 1 else ''} {joined_words(listed)}"


def missing_words(patients: list[str], what: str) -> str:
    if not patients:
        return f"no patient without {what}"
    return f"{len(patients)} without {what} ({patient_list(patients)})"


def population_phrase(flag: str, analysis: dict, n: int | None = None) -> str:
    """'the 14 patients with active cutaneous disease (CDASI ≥ 10)', 'all 16 treated
    patients'; without n, 'the patients with ...', 'all treated patients'."""
    count = "" if n is None else f"{n:,} "
    if flag == SAFETY_FLAG:
        return f"all {count}{SAFETY_WORDS}"
    return f"the {count}patients with {population_label(flag, analysis)}"


def p_words(p: float) -> str:
    """'p < 0.001', 'p = 0.030'."""
    text = p_text(p)
    return f"p {text}" if text[0] in "<>" else f"p = {text}"


def tested_words(p: float, method: str) -> str:
    """'p = 0.026, paired t-test on the log scale', or why there is no p."""
    if np.isnan(p):
        return f"no {TEST_NAMES[method]} (too few pairs)"
    return f"{p_words(p)}, {TEST_NAMES[method]}"


def count_words(n: float) -> str:
    return "n not reported" if np.isnan(n) else f"n = {n:.0f}"
