"""Eligibility and endpoint attainability, per patient, from the cohort's settings.

Two questions the per-patient data answer beside the study's own numbers: does each
patient meet the inclusion criteria the study states (cohort settings `eligibility:`),
and could each patient meet a response criterion at all from where they started? A
patient near a scale's ceiling cannot gain 20%, so a response rate over every evaluable
patient and one over those who could respond say different things. Tables in, tables out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clinrepro.adam.endpoints import COMPARATORS
from clinrepro.base.study import criterion_text

ATTAINABILITY_COLUMNS = [
    "role", "population", "parameter", "visit", "criterion", "patient", "baseline",
    "followup", "improvement", "best_possible", "attainable", "evaluable", "responder",
]  # fmt: skip
ATTAINABILITY_SUMMARY_COLUMNS = [
    "role", "population", "parameter", "visit", "criterion", "n_patients", "n_attainable",
    "n_evaluable", "n_evaluable_attainable", "n_responders", "pct_of_evaluable",
    "pct_of_evaluable_attainable", "words",
]  # fmt: skip
ELIGIBILITY_COLUMNS = [
    "criterion", "source", "definition", "reading", "patient", "value", "low", "high",
    "category", "meets",
]  # fmt: skip
ELIGIBILITY_SUMMARY_COLUMNS = [
    "criterion", "source", "definition", "reading", "n_patients", "n_meets", "n_not_meeting",
    "n_undecided", "n_unknown", "patients_not_meeting", "patients_undecided", "patients_unknown",
]  # fmt: skip
UNDECIDED = "cannot be decided"


def _flags(condition: np.ndarray, known: np.ndarray, unknown: str) -> pd.Categorical:
    """'Y'/'N' where `known`, else `unknown`; as codes, a byte a patient."""
    codes = np.where(known, np.asarray(condition, dtype=np.int8), 2)
    return pd.Categorical.from_codes(codes, ["N", "Y", unknown])


def _decided(everywhere: np.ndarray, nowhere: np.ndarray, known: np.ndarray) -> pd.Categorical:
    """'Y' where every value the printed number allows meets the criterion, 'N' where none
    does, UNDECIDED where the bounds straddle it, 'unknown' where the value is missing."""
    codes = np.where(everywhere, 1, np.where(nowhere, 0, 3))
    codes = np.where(known, codes, 2).astype(np.int8)
    return pd.Categorical.from_codes(codes, ["N", "Y", "unknown", UNDECIDED])


def _constant_within(part: np.ndarray, words: dict[str, list[str]]) -> dict[str, pd.Categorical]:
    """Columns whose text is the same for every row of a part (a criterion, a role): column
    -> its word for each part, as one code a row, not the text repeated."""
    columns = {}
    for column, each_part in words.items():
        codes, distinct = pd.factorize(np.array(each_part, dtype=object))
        columns[column] = pd.Categorical.from_codes(codes[part], distinct)
    return columns


def _stacked(parts: list[pd.DataFrame], words: dict[str, list[str]], columns) -> pd.DataFrame:
    """The parts one under the other, with the text constant within each."""
    part = np.repeat(np.arange(len(parts)), [len(rows) for rows in parts])
    table = pd.concat(parts, ignore_index=True)
    return table.assign(**_constant_within(part, words))[columns]


def _values_at(adeff: pd.DataFrame, parameter: str, visit: str, patients: pd.Series) -> np.ndarray:
    """AVAL of one parameter at one visit for each of `patients` (ADSL's SUBJID), in their
    order; NaN where there is none."""
    rows = adeff[(adeff["PARAMCD"] == parameter) & (adeff["AVISIT"] == visit)]
    ids = rows["SUBJID"].astype(patients.dtype).reset_index(drop=True)
    values = rows["AVAL"].to_numpy(dtype=float)
    if ids.equals(patients.reset_index(drop=True)):
        return values  # ADEFF as built: every patient, in ADSL's order; no lookup needed
    where = pd.Index(ids).get_indexer(patients)
    # a patient without a row points at the NaN appended last (index -1)
    return np.append(values, np.nan)[where]


def _improvement(values, base: np.ndarray, response: dict) -> np.ndarray:
    """The criterion's measure from `base` to `values`, signed so that improvement is
    positive: change or percent change (missing from a zero baseline), as ADEFF's CHG/PCHG."""
    change = values - base
    if response["measure"] == "percent_change":
        with np.errstate(divide="ignore", invalid="ignore"):
            change = np.where(base != 0, 100 * change / base, np.nan)
    return -change if response["direction"] == "decrease" else change


def _attainability_of(role, response, adsl, adeff, analysis, cohort) -> pd.DataFrame:
    flag = analysis["populations"][role]
    member = (adsl[flag] == "Y").to_numpy()
    patients = adsl["SUBJID"][member].reset_index(drop=True)
    parameter, threshold = response["parameter"], response["threshold"]
    base = _values_at(adeff, parameter, cohort["baseline_visit"], adsl["SUBJID"])[member]
    followup = _values_at(adeff, parameter, response["visit"], adsl["SUBJID"])[member]
    declared = cohort["measures"][parameter]
    # the criterion's measure is linear in the follow-up value, so its best is at an end of
    # the measure's valid range; no upper limit declared: none to reach
    best = np.fmax(
        _improvement(declared["low"], base, response),
        _improvement(declared.get("high", np.inf), base, response),
    )
    reached = _improvement(followup, base, response)
    evaluable = ~np.isnan(reached)
    return pd.DataFrame(
        {
            "patient": patients,
            "baseline": base,
            "followup": followup,
            "improvement": reached,
            "best_possible": best,
            "attainable": _flags(best >= threshold, ~np.isnan(base), ""),
            "evaluable": _flags(evaluable, True, ""),
            "responder": _flags(reached >= threshold, evaluable, ""),
        }
    )


def attainability(
    adsl: pd.DataFrame, adeff: pd.DataFrame, analysis: dict, cohort: dict
) -> pd.DataFrame:
    """Per response criterion and patient of its population: the best improvement the
    measure's range allows from the baseline value, whether that reaches the criterion
    (attainable; empty without a baseline), whether the patient is evaluable (the
    criterion's measure is known at the response visit) and responded.

    `improvement` and `best_possible` are in the criterion's measure (points, or percent of
    baseline), positive for improvement; `best_possible` is inf where the measure has no
    upper limit to reach.
    """
    responses = analysis["response"]
    parts = [
        _attainability_of(role, response, adsl, adeff, analysis, cohort)
        for role, response in responses.items()
    ]
    words = {
        "role": list(responses),
        "population": [analysis["populations"][role] for role in responses],
        "parameter": [response["parameter"] for response in responses.values()],
        "visit": [response["visit"] for response in responses.values()],
        "criterion": [criterion_text(response, cohort) for response in responses.values()],
    }
    return _stacked(parts, words, ATTAINABILITY_COLUMNS)


def attainability_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per response criterion: responders of the evaluable patients, and of the evaluable
    patients who could reach the criterion from their baseline (denominators both ways)."""
    keys = ["role", "population", "parameter", "visit", "criterion"]
    counts = pd.DataFrame(
        {
            "n_patients": True,
            "n_attainable": table["attainable"] == "Y",
            "n_evaluable": table["evaluable"] == "Y",
            "n_evaluable_attainable": (table["evaluable"] == "Y") & (table["attainable"] == "Y"),
            "n_responders": table["responder"] == "Y",
        },
        index=table.index,
    )
    summary = (
        counts.groupby([table[key] for key in keys], sort=False, dropna=False, observed=True)
        .sum()
        .reset_index()
    )
    responders = summary["n_responders"]
    with np.errstate(divide="ignore", invalid="ignore"):
        summary["pct_of_evaluable"] = 100 * responders / summary["n_evaluable"]
        summary["pct_of_evaluable_attainable"] = (
            100 * responders / summary["n_evaluable_attainable"]
        )
    summary["words"] = [
        f"{n} of {evaluable} evaluable, {n} of {attainable} who could respond"
        for n, evaluable, attainable in zip(
            responders, summary["n_evaluable"], summary["n_evaluable_attainable"]
        )
    ]
    return summary[ATTAINABILITY_SUMMARY_COLUMNS]


def definition_words(criterion: dict, baseline_visit: str) -> str:
    """An eligibility criterion as computed, e.g. 'AGE - DISDUR >= 18', 'CDASI >= 10 at M0',
    'ABTYPE = MDA5'."""
    if "equals" in criterion:
        return f"{criterion['characteristic']} = {criterion['equals']}"
    compared = f"{criterion['comparator']} {criterion['threshold']:g}"
    if "measure" in criterion:
        return f"{criterion['measure']} {compared} at {baseline_visit}"
    minus = f" - {criterion['minus']}" if "minus" in criterion else ""
    return f"{criterion['characteristic']}{minus} {compared}"


def _numbers(column: pd.Series) -> np.ndarray:
    return column.to_numpy(dtype=float, na_value=np.nan)


def _decimals(values: np.ndarray) -> np.ndarray:
    """The decimals each number is printed with (0.9 -> 1, 37 -> 0), from its shortest form."""
    text = [repr(float(value)).rstrip("0").rstrip(".") for value in values]
    return np.array([len(t.partition(".")[2]) if "e" not in t else 0 for t in text])


def printed_bounds(values: np.ndarray, printed: str) -> tuple[np.ndarray, np.ndarray, bool]:
    """The lowest and highest true values a printed number allows, and whether the highest
    is excluded: 'completed' units (an age of 18 is 18 to under 19), 'rounded' to the
    decimals printed (0.9 is 0.85 to 0.95), or 'exact'."""
    if printed == "completed":
        return values, values + 1, True
    if printed == "rounded":
        half = 0.5 * 10.0 ** -_decimals(values).astype(float)
        return values - half, values + half, False
    return values, values, False


def _bounds(adsl: pd.DataFrame, criterion: dict, cohort: dict):
    """The characteristic (minus another) as printed, its lowest and highest true value,
    and the lowest and highest value within them (an excluded bound moved just inside)."""
    how = cohort.get("characteristics_printed") or {}
    value = _numbers(adsl[criterion["characteristic"]])
    low, high, high_open = printed_bounds(value, how.get(criterion["characteristic"], "exact"))
    low_open = False
    if "minus" in criterion:
        other = _numbers(adsl[criterion["minus"]])
        other_low, other_high, other_open = printed_bounds(
            other, how.get(criterion["minus"], "exact")
        )
        value, low, high, low_open = value - other, low - other_high, high - other_low, other_open
    inside_low = np.nextafter(low, np.inf) if low_open else low
    inside_high = np.nextafter(high, -np.inf) if high_open else high
    return value, low, high, inside_low, inside_high


def _eligibility_of(criterion: dict, adsl, adeff, cohort) -> pd.DataFrame:
    category = pd.Series("", index=range(len(adsl)), dtype="str")
    value = low = high = np.full(len(adsl), np.nan)
    if "equals" in criterion:
        category = adsl[criterion["characteristic"]].astype("str").fillna("")
        category = category.reset_index(drop=True)
        known = (category != "").to_numpy(dtype=bool)
        meets = (category == criterion["equals"]).to_numpy(dtype=bool)
        decided = _decided(meets, ~meets, known)
    else:
        if "measure" in criterion:  # a score recorded as printed
            value = _values_at(
                adeff, criterion["measure"], cohort["baseline_visit"], adsl["SUBJID"]
            )
            low = high = inside_low = inside_high = value
        else:
            value, low, high, inside_low, inside_high = _bounds(adsl, criterion, cohort)
        known = ~np.isnan(value)
        # the comparison is monotone in the value: both ends meet it, or neither does
        threshold, compare = criterion["threshold"], COMPARATORS[criterion["comparator"]]
        at_low, at_high = compare(inside_low, threshold), compare(inside_high, threshold)
        decided = _decided(at_low & at_high, ~at_low & ~at_high, known)
    return pd.DataFrame(
        {
            "patient": adsl["SUBJID"].reset_index(drop=True),
            "value": value,
            "low": low,
            "high": high,
            "category": category,
            "meets": decided,
        }
    )


def eligibility(adsl: pd.DataFrame, adeff: pd.DataFrame, cohort: dict) -> pd.DataFrame:
    """Per stated inclusion criterion and patient: the value used (a number in `value`, a
    code in `category`), the lowest and highest true value its printed precision allows
    (`low`, `high`, the highest excluded for completed units such as an age; cohort settings
    `characteristics_printed`), and whether the patient
    meets it: Y or N when every value within the bounds does or does not, UNDECIDED when
    the bounds straddle the threshold, unknown when missing. `reading` names a criterion
    that is our reading of the study's words, empty when it is the study's own.

    Criteria are judged one by one: how they combine (and/or) is the cohort's
    `eligibility_rule`, in words.
    """
    criteria = cohort.get("eligibility") or []
    if not criteria:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in ELIGIBILITY_COLUMNS})
    parts = [_eligibility_of(criterion, adsl, adeff, cohort) for criterion in criteria]
    words = {
        "criterion": [criterion["name"] for criterion in criteria],
        "source": [criterion.get("source", "") for criterion in criteria],
        "definition": [definition_words(c, cohort["baseline_visit"]) for c in criteria],
        "reading": [criterion.get("reading", "") for criterion in criteria],
    }
    return _stacked(parts, words, ELIGIBILITY_COLUMNS)


def _listed(patients: pd.Series, max_listed: int | None) -> str:
    shown = patients if max_listed is None else patients.iloc[:max_listed]
    more = len(patients) - len(shown)
    return ", ".join(shown.astype(str)) + (f" and {more} more" if more else "")


def eligibility_summary(table: pd.DataFrame, max_listed: int | None = None) -> pd.DataFrame:
    """Per criterion: how many patients meet it of how many, how many cannot be decided
    from the printed precision, how many are unknown, and which patients do not meet it or
    cannot be decided (at most `max_listed` named, the others counted)."""
    rows = []
    keys = ["criterion", "source", "definition", "reading"]
    reading = table["reading"].fillna("") if "reading" in table else ""
    table = table.assign(reading=reading)
    for (name, source, definition, reading), group in table.groupby(
        keys, sort=False, dropna=False, observed=True
    ):
        meets = group["meets"]
        rows.append(
            {
                "criterion": name,
                "source": source,
                "definition": definition,
                "reading": reading,
                "n_patients": len(group),
                "n_meets": int((meets == "Y").sum()),
                "n_not_meeting": int((meets == "N").sum()),
                "n_undecided": int((meets == UNDECIDED).sum()),
                "n_unknown": int((meets == "unknown").sum()),
                "patients_not_meeting": _listed(group.loc[meets == "N", "patient"], max_listed),
                "patients_undecided": _listed(group.loc[meets == UNDECIDED, "patient"], max_listed),
                "patients_unknown": _listed(group.loc[meets == "unknown", "patient"], max_listed),
            }
        )
    return pd.DataFrame(rows, columns=ELIGIBILITY_SUMMARY_COLUMNS)
