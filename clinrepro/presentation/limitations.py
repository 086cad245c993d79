"""The limitations of the report: from the design in the cohort's settings (no control
group, open-label scoring, selection on the outcome, confounders) and from the data
(pooled treatments, missing values, entry criteria, multiple testing)."""

from __future__ import annotations

import pandas as pd

from clinrepro.base.study import active_words, domains, measure_label, short_name, visit_label
from clinrepro.base.terms import joined_words, shown
from clinrepro.presentation.words import characteristic_words, data_stop_words
from clinrepro.statistics.ard import select


def confounder_sentences(cohort: dict) -> list[str]:
    """Treatments given alongside that act on an outcome themselves, named as confounders
    (cohort settings design_facts.confounders)."""
    sentences = []
    for given in cohort.get("design_facts", {}).get("confounders", []):
        measures = [code for code in given["acts_on"] if code in cohort["measures"]]
        who = f" in {given['patients']} patients" if given.get("patients") else ""
        sentences.append(
            f"{given['treatment']}, given alongside{who} ({given['source']}), {given['words']}: "
            f"a confounder of the change in {joined_words([measure_label(cohort, c) for c in measures])}, "
            "which cannot be credited to the study treatment alone in those patients."
        )
    return sentences


def design_limitations(cohort: dict, analysis: dict) -> list[str]:
    """Limitations from the design in the cohort's settings."""
    facts = cohort.get("design_facts", {})
    lines = []
    if facts.get("control") == "none":
        lines.append(
            "Uncontrolled: every estimate is a change from baseline, which also holds the natural "
            "course of the disease, regression to the mean and any placebo response."
        )
    if facts.get("blinding") == "open-label" or facts.get("blinded_assessment") is False:
        lines.append(
            "Open-label, with unblinded scoring: the assessors knew every patient was treated, "
            "and the clinical scores are rated by them."
        )
    for role, criterion in analysis["active_disease"].items():
        response = analysis["response"].get(role)
        if response and response["parameter"] == criterion["parameter"]:
            lines.append(
                f"Selection on the outcome: the {domains(analysis)[role]['active']} population was "
                f"chosen at baseline by {active_words(criterion)}; {criterion['parameter']} is also "
                "the outcome measure, so part of its change is regression to the mean."
            )
    if facts.get("concomitant"):
        lines.append(f"Concomitant treatments: {facts['concomitant']}.")
    lines += [f"Confounder: {sentence}" for sentence in confounder_sentences(cohort)]
    stop = data_stop_words(cohort)
    if stop:
        lines.append(
            f"Follow-up: {stop}, which this report shows as printed and cannot check patient "
            "by patient."
        )
    return lines


def missing_limitation(
    cohort: dict, analysis: dict, adsl: pd.DataFrame, ard: pd.DataFrame
) -> list[str]:
    everyone = analysis["populations"]["cohort"]
    missing = select(ard, {"analysis": "summary", "population": everyone, "statistic": "n_missing"})
    missing = missing[missing["parameter"].isin(list(cohort["measures"])) & (missing["value"] > 0)]
    if not len(missing):
        return []
    words = "; ".join(
        f"{short_name(cohort, r.parameter)} at {visit_label(cohort, r.visit)}: {int(r.value)} of {len(adsl)}"
        for r in missing.itertuples()
    )
    return [f"Missing values (patients without a value): {words}."]


# each status of eligibility.csv's summary: its count, its patients and its words
ELIGIBILITY_STATUSES = (
    (
        "n_not_meeting",
        "patients_not_meeting",
        "fail it whatever the rounding of the printed numbers",
    ),
    ("n_undecided", "patients_undecided", "cannot be decided from the printed numbers"),
    ("n_unknown", "patients_unknown", "cannot be checked, a value being missing"),
)


def eligibility_limitation(cohort: dict, eligible: pd.DataFrame | None) -> list[str]:
    """The stated entry criteria every patient must meet, as the source states them, and
    what our reading of each in the table finds, labelled as ours."""
    required = {c["name"] for c in cohort.get("eligibility", []) if c.get("required")}
    if eligible is None or not len(eligible):
        return []
    lines = []
    for row in eligible[eligible["criterion"].isin(required)].itertuples():
        found = [
            f"{int(getattr(row, count))} {words} "
            f"(patient{'s' if int(getattr(row, count)) > 1 else ''} {getattr(row, who)})"
            for count, who, words in ELIGIBILITY_STATUSES
            if int(getattr(row, count, 0) or 0)
        ]
        if not found:
            continue
        stated = f" ({row.source})" if isinstance(row.source, str) and row.source else ""
        reading = getattr(row, "reading", "")
        ours = (
            reading
            if isinstance(reading, str) and reading
            else "a reading of ours that the source does not state"
        )
        lines.append(
            f"Entry criteria, our reading: the study states that it included "
            f"{shown(cohort.get('eligibility_rule') or 'only eligible patients')}{stated}. Read as "
            f"'{row.criterion}' ({characteristic_words(row.definition)}; {ours}), of "
            f"{int(row.n_patients)} patients {joined_words(found)}."
        )
    return lines


def multiple_testing_limitation(cohort: dict, n_tests: int) -> str:
    """How many p-values, and what they can show: only a comparison with a control group
    (cohort settings design_facts.control) can confirm an effect."""
    control = cohort.get("design_facts", {}).get("control")
    confirms = (
        "only the main outcome's comparison with the control group is confirmatory, the "
        "others are exploratory"
        if control in ("placebo", "active")
        else f"without a control group{'' if control else ' (the settings declare none)'}, none "
        "of them is confirmatory: each describes a change from baseline, not an effect of the "
        "treatment"
    )
    return (
        f"Multiple testing: the report shows {n_tests} p-values, none adjusted for "
        f"multiplicity; {confirms}."
    )


def limitations(
    cohort: dict,
    analysis: dict,
    adsl: pd.DataFrame,
    ard: pd.DataFrame,
    n_tests: int,
    eligible: pd.DataFrame | None = None,
) -> list[str]:
    """Limitations from the design in the cohort's settings and from the data."""
    lines = design_limitations(cohort, analysis)
    regimens = adsl["TRT01A"].dropna().astype(str).value_counts()
    molecules = adsl["TRTMOL"].dropna().astype(str).nunique()
    if len(regimens) > 1:
        lines.append(
            f"Pooled treatments: {molecules} molecule{'s' if molecules > 1 else ''} at "
            f"{len(regimens)} regimens "
            f"({', '.join(f'{name}: {count}' for name, count in regimens.items())}), analysed "
            "together; the groups are too small to compare."
        )
    lines += missing_limitation(cohort, analysis, adsl, ard)
    lines += eligibility_limitation(cohort, eligible)
    return lines + [multiple_testing_limitation(cohort, n_tests)]
