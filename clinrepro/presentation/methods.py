"""The report's methods in words, written from the settings in force: where the data come
from, the populations, the criteria and the tests."""

from __future__ import annotations

import pandas as pd

from clinrepro.base.settings import EXACT_MAX_PAIRS
from clinrepro.base.study import (
    active_words,
    comparison_words,
    criterion_text,
    follow_up_visits,
    has_ledger,
    tests_words,
    visit_label,
)
from clinrepro.base.terms import shown
from clinrepro.base.study import population_label


def data_words(cohort: dict, not_analysed: pd.DataFrame | None = None) -> str:
    """Where the per-patient data come from, in words; for a dated registry, how the
    analysis visits were derived and how many values they leave out, and why."""
    raw = cohort["raw"]
    if "date" in cohort.get("measurement_columns", {}):
        reasons = not_analysed["reason"].str.replace(r" by .*", "", regex=True).value_counts()
        why = ", ".join(f"{count} {reason}" for reason, count in reasons.items())
        return (
            f"Data: {raw['patients']} (one row a patient) and {raw['measurements']} (one row a "
            "patient, date and measure), read with the mapping in the cohort's settings; each "
            "visit's value is the one its window in study days selects (at baseline the last, "
            "else the closest to the target day, the earlier on a tie); "
            f"{len(not_analysed)} values not analysed ({why or 'none'}), listed in "
            "tidy/not_analysed"
        )
    if cohort["layout"] == "registry":
        return (
            f"Data: {raw['patients']} (one row a patient) and {raw['measurements']} (one row a "
            "patient, visit and measure), read with the mapping in the cohort's settings"
        )
    return (
        f"Data: {raw['table']}, the per-patient table, parsed cell for cell with the mapping in "
        "the cohort's settings"
    )


def methods(cohort: dict, analysis: dict, not_analysed: pd.DataFrame | None = None) -> list[str]:
    """The analysis in words, written from the settings in force."""
    roles = analysis["populations"]
    active = analysis["active_disease"]
    base = visit_label(cohort, cohort["baseline_visit"])
    later = ", ".join(visit_label(cohort, code) for code in follow_up_visits(cohort))
    lines = [
        f"{data_words(cohort, not_analysed)}; baseline visit {base}; follow-up visits {later}.",
        "Populations each kind of claim is read in: "
        + "; ".join(f"{role}: {population_label(flag, analysis)}" for role, flag in roles.items())
        + ".",
    ]
    for side, criterion in active.items():
        otherwise = criterion.get("otherwise")
        missing = (
            f"without a baseline {criterion['parameter']}, {comparison_words(otherwise)} counts as "
            "active"
            if otherwise
            else "a missing baseline value counts as not active"
        )
        lines.append(f"Active {side} disease: baseline {active_words(criterion)}; {missing}.")
    for side, response in analysis["response"].items():
        lines.append(f"{side.capitalize()} response: {shown(criterion_text(response, cohort))}.")
    policy = {
        "exclude": "patients without a value at the response visit are left out of response rates",
        "nonresponder": "patients without a value at the response visit count as non-responders",
    }[analysis["missing_response"]]
    lines += [
        f"Missing data: {policy}. Percent change from a baseline of 0 is missing.",
        f"Tests behind the p-values (two-sided, {base} vs each follow-up visit, patients with both "
        "values): "
        + tests_words(analysis, list(cohort["measures"]))
        + ". Both tests are computed for every parameter and population (see ard.csv); the Wilcoxon "
        "signed-rank test drops zero changes; its p-value is exact (given the tied ranks, if any) up to "
        f"{EXACT_MAX_PAIRS} non-zero changes, from the tie-corrected normal approximation beyond.",
        f"Intervals: {analysis['confidence_level']:.0%} t-interval of the mean change; exact Clopper-Pearson "
        "interval of response rates. Effect sizes: Cohen's d_z, matched-pairs rank-biserial correlation.",
    ]
    if has_ledger(cohort):
        lines.append(
            "Claims: a recomputed value matches when, rounded half up to the precision printed, it "
            "equals the reported value, or when it satisfies the bound stated (such as p < 0.0001)."
        )
    return lines
