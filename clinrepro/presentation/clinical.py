"""The clinical reading of the report's estimates, in words: whether one patient carries an
estimate, where a marker sits against its normal range, the known effect of the treatment
on it, and the measure it tracks.

Written from the per-patient changes (ADEFF), the analysis results and the cohort's
settings (`normal`, `treatment_effect`, `tracks` of a measure); nothing names a study. The
leave-one-patient-out rule is clinrepro.statistics.influence's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clinrepro.statistics.ard import select
from clinrepro.statistics.influence import (
    Influence,
    carried_by_one,
    leave_one_out,
    mean_standard_error,
)
from clinrepro.base.printed import fixed
from clinrepro.base.study import short_name, visit_label
from clinrepro.base.terms import joined_words

# leave-one-out reruns the statistic once a patient: beyond this many, one patient of a
# registry moves a mean by a few thousandths of its range and the check is not run
MAX_INFLUENCE_PATIENTS = 2000
# a sentence lists at most this many patients by name
MAX_NAMED = 10
# ADEFF's columns the reading uses (besides the population flags)
ADEFF_READ = ("SUBJID", "PARAMCD", "AVISIT", "ABLFL", "BASE", "AVAL", "CHG", "CRIT1FL")
# the settings of a measure that make it a marker read clinically
MARKER_KEYS = {"normal", "tracks", "treatment_effect"}


def places(cohort: dict, code: str) -> int:
    """Decimals of a mean or change of a measure: one more than its values are recorded
    with (CDASI in whole points: -13.7; HAQ-DI in hundredths: -0.194)."""
    return int(cohort["measures"][code].get("decimals", 0)) + 1


def signed(value: float, decimals: int) -> str:
    """'+21.7', '-174.5', '0.0': a change with its sign, half up."""
    text = fixed(value, decimals)
    return f"+{text}" if float(text) > 0 else text


def value_text(value: float, cohort: dict, code: str) -> str:
    """A recorded value at the measure's own decimals."""
    return fixed(value, int(cohort["measures"][code].get("decimals", 0)))


def pairs_of(adeff: pd.DataFrame, code: str, visit: str, flag: str) -> pd.DataFrame:
    """The patients of the population with a value of the measure at baseline and at the
    visit: the pairs of the change table's row (SUBJID, BASE, AVAL, CHG)."""
    chosen = (
        (adeff["PARAMCD"] == code)
        & (adeff["AVISIT"] == visit)
        & (adeff["ABLFL"] != "Y")
        & (adeff[flag] == "Y")
        & adeff["CHG"].notna()
    )
    return adeff.loc[chosen, ["SUBJID", "BASE", "AVAL", "CHG"]].reset_index(drop=True)


def walsh_median(change: np.ndarray) -> float:
    """The Hodges-Lehmann estimate: the median of every average of two changes (each with
    itself included), the estimate the Wilcoxon rows show."""
    upper = np.triu_indices(len(change))
    return float(np.median((change[upper[0]] + change[upper[1]]) / 2))


def row_statistic(row: dict):
    """The statistic the change table's row shows, as a function of its pairs."""
    if "Wilcoxon" in row["test"]:
        return lambda frame: walsh_median(frame["CHG"].to_numpy(dtype=float))
    return lambda frame: float(frame["CHG"].mean())


def influence_of(row: dict, pairs: pd.DataFrame) -> Influence | None:
    """The row's estimate with each patient left out; None where too few or too many."""
    if not 3 <= len(pairs) <= MAX_INFLUENCE_PATIENTS:
        return None
    return leave_one_out(pairs, row_statistic(row), patient="SUBJID")


def patient_values(pairs: pd.DataFrame, patient: str, cohort: dict, code: str) -> str:
    """'patient 3 (2559 -> 226)'."""
    one = pairs[pairs["SUBJID"].astype(str) == patient].iloc[0]
    before, after = (value_text(one[c], cohort, code) for c in ("BASE", "AVAL"))
    return f"patient {patient} ({before} -> {after})"


def carried_words(row: dict, pairs: pd.DataFrame, cohort: dict) -> str:
    """'; one patient carries it: patient 3 (2559 -> 226); without that patient it is
    +21.7 IU/L', or '' when no single patient does."""
    influence = influence_of(row, pairs)
    if influence is None or not carried_by_one(
        influence, standard_error=mean_standard_error(pairs["CHG"])
    ):
        return ""
    code, decimals = row["measure"], places(cohort, row["measure"])
    return (
        f"; one patient carries it: {patient_values(pairs, influence.patient, cohort, code)}; "
        f"without that patient it is {signed(influence.without, decimals)} {row['unit']}"
    )


def responders_of(adeff: pd.DataFrame, criterion: dict, flag: str) -> pd.DataFrame:
    """The evaluable patients of a response criterion in its population (CRIT1FL Y or N at
    the response visit), with their values."""
    chosen = (
        (adeff["PARAMCD"] == criterion["parameter"])
        & (adeff["AVISIT"] == criterion["visit"])
        & (adeff[flag] == "Y")
        & adeff["CRIT1FL"].isin(["Y", "N"])
    )
    return adeff.loc[chosen, ["SUBJID", "BASE", "AVAL", "CRIT1FL"]].reset_index(drop=True)


def response_carried_words(adeff: pd.DataFrame, criterion: dict, flag: str, cohort: dict) -> str:
    """'; one patient carries it: patient 7 (69 -> 93); without that patient 0 of 7', or ''
    where no single patient carries the response rate."""
    evaluable = responders_of(adeff, criterion, flag)
    # with one responder, 'k of n' already says that one patient carries the rate
    if (evaluable["CRIT1FL"] == "Y").sum() < 2 or len(evaluable) > MAX_INFLUENCE_PATIENTS:
        return ""
    influence = leave_one_out(
        evaluable, lambda frame: float((frame["CRIT1FL"] == "Y").mean()), patient="SUBJID"
    )
    if not carried_by_one(influence):
        return ""
    left = evaluable[evaluable["SUBJID"].astype(str) != influence.patient]
    who = patient_values(evaluable, influence.patient, cohort, criterion["parameter"])
    return (
        f"; one patient carries it: {who}; without that patient "
        f"{int((left['CRIT1FL'] == 'Y').sum())} of {len(left)}"
    )


def estimate_sentence(row: dict, pairs: pd.DataFrame, cohort: dict) -> str:
    """'CK at M3, 12 patients with a value at both visits: mean change -174.5 IU/L; one
    patient carries it: ...'."""
    what = "median (Hodges-Lehmann)" if "Wilcoxon" in row["test"] else "mean"
    return (
        f"{row['label']} at {visit_label(cohort, row['visit'])}, {row['n']} patients with a "
        f"value at both visits: {what} change {signed(row['estimate'], places(cohort, row['measure']))} "
        f"{row['unit']}{carried_words(row, pairs, cohort)}."
    )


def normal_limits(measure: dict) -> tuple[float, float]:
    normal = measure.get("normal", {})
    return normal.get("low", -np.inf), normal.get("high", np.inf)


def outside_words(
    before: pd.Series, after: pd.Series, measure: dict, visits: tuple[str, str]
) -> str:
    """'above it 2 of the 12 at M0 (baseline) and 3 at M3'; 'all 12 within it at both'."""
    low, high = normal_limits(measure)
    parts = [
        f"{side} it {int(outside(before).sum())} of the {len(before)} at {visits[0]} and "
        f"{int(outside(after).sum())} at {visits[1]}"
        for side, outside in (("above", lambda v: v > high), ("below", lambda v: v < low))
        if outside(before).any() or outside(after).any()
    ]
    return "; ".join(parts) if parts else f"all {len(before)} within it at both visits"


def limits_words(measure: dict) -> str:
    """'upper limit 192 IU/L: <its source>' (or the range), from the settings."""
    low, high = normal_limits(measure)
    unit = measure["unit"]
    if np.isfinite(low) and np.isfinite(high):
        bound = f"{low:g} to {high:g} {unit}"
    elif np.isfinite(high):
        bound = f"upper limit {high:g} {unit}"
    else:
        bound = f"lower limit {low:g} {unit}"
    return f"{bound}: {measure['normal']['source']}"


def normal_range_sentence(row: dict, pairs: pd.DataFrame, cohort: dict) -> str:
    """Where the pairs sit against the measure's normal range, at baseline and at the visit."""
    measure = cohort["measures"][row["measure"]]
    if "normal" not in measure:
        return ""
    visits = (visit_label(cohort, cohort["baseline_visit"]), visit_label(cohort, row["visit"]))
    return (
        f"Its normal range ({limits_words(measure)}): "
        f"{outside_words(pairs['BASE'], pairs['AVAL'], measure, visits)}."
    )


def worsened_pairs(pairs: pd.DataFrame, measure: dict, ratio: float) -> pd.DataFrame:
    """The pairs whose marker moved against its improvement at least `ratio`-fold (the
    analysis setting marker_rise_ratio), the largest move first."""
    usable = pairs[pairs["BASE"] > 0]
    fold = usable["AVAL"] / usable["BASE"]
    moved = fold >= ratio if measure["improvement"] == "decrease" else fold <= 1 / ratio
    return usable[moved].assign(fold=fold[moved]).sort_values("fold", ascending=False)


def named(rows: pd.DataFrame, cohort: dict, code: str) -> str:
    """'patient 1 (65 -> 183), patient 2 (79 -> 181) and 2 more'."""
    shown = [patient_values(rows, str(p), cohort, code) for p in rows["SUBJID"].head(MAX_NAMED)]
    more = len(rows) - len(shown)
    return joined_words(shown + ([f"{more} more"] if more else []))


def rise_sentence(row: dict, pairs: pd.DataFrame, cohort: dict, ratio: float) -> str:
    """The patients whose marker worsened at least `ratio`-fold, read against its normal
    range, and the treatment's known effect on it where the settings declare one."""
    code = row["measure"]
    measure = cohort["measures"][code]
    if not MARKER_KEYS & set(measure):
        return ""
    moved = worsened_pairs(pairs, measure, ratio)
    if moved.empty:
        return ""
    way = "rose" if measure["improvement"] == "decrease" else "fell"
    sentence = f"{row['label']} {way} at least {ratio:g}-fold in {len(moved)} of the {len(pairs)}: {named(moved, cohort, code)}"
    low, high = normal_limits(measure)
    if "normal" in measure:
        within = moved["AVAL"].between(low, high)
        above = moved[moved["AVAL"] > high]
        ends = int(within.sum())
        sentence += f"; {ends} of them {'ends' if ends == 1 else 'end'} within the normal range"
        if len(above):
            times = ", ".join(
                f"patient {r.SUBJID}: {fixed(r.AVAL / high, 1)} times the upper limit"
                for r in above.head(MAX_NAMED).itertuples()
            )
            sentence += f", {len(above)} above it ({times})"
    sentence += "."
    effect = measure.get("treatment_effect")
    direction = "increase" if way == "rose" else "decrease"
    if effect and effect["direction"] == direction:
        sentence += f" {effect['words'][0].upper()}{effect['words'][1:]}."
    return sentence


def tracked_sentence(row: dict, ard: pd.DataFrame, cohort: dict, analysis: dict) -> str:
    """The marker against the clinical measure it tracks, with that count's own
    denominator (patients with both measures at both visits)."""
    tracked = cohort["measures"][row["measure"]].get("tracks")
    if not tracked:
        return ""
    found = select(
        ard,
        {"analysis": "marker_discordance", "population": row["flag"], "parameter": row["measure"],
         "visit": row["visit"], "category": tracked},
    )  # fmt: skip
    counts = dict(zip(found["statistic"], found["value"].astype(int)))
    if not counts.get("n_evaluable"):
        return ""
    name, marker = short_name(cohort, tracked), row["label"]
    tolerance = analysis.get("tracked_worsening_pct", 0)
    against = "fall" if cohort["measures"][tracked]["improvement"] == "increase" else "rise"
    against += f" by more than {tolerance:g}% of its baseline" if tolerance else ""
    way = "rose" if cohort["measures"][row["measure"]]["improvement"] == "decrease" else "fell"
    return (
        f"{marker} tracks {name}: of the {counts['n_evaluable']} patients with {marker} and "
        f"{name} at both visits, {marker} {way} at least {analysis['marker_rise_ratio']:g}-fold "
        f"in {counts.get('n_marker_worsened', 0)}, and {name} did not {against} in "
        f"{counts.get('n_discordant', 0)} of them."
    )


def needs_reading(row: dict, pairs: pd.DataFrame, cohort: dict) -> bool:
    """A row gets a paragraph when a declared range, marker role or influential patient
    gives it something to say."""
    measure = cohort["measures"][row["measure"]]
    return bool(MARKER_KEYS & set(measure)) or bool(carried_words(row, pairs, cohort))


def reading_notes(
    rows: list[dict], ard: pd.DataFrame, adeff: pd.DataFrame, cohort: dict, analysis: dict
) -> list[str]:
    """One paragraph for each change the report shows that a clinician reads further: who
    carries the estimate, the normal range, the rise of a marker and what it tracks."""
    ratio = analysis.get("marker_rise_ratio", 1.5)
    notes = []
    for row in rows:
        pairs = pairs_of(adeff, row["measure"], row["visit"], row["flag"])
        if not needs_reading(row, pairs, cohort):
            continue
        parts = [
            estimate_sentence(row, pairs, cohort),
            normal_range_sentence(row, pairs, cohort),
            rise_sentence(row, pairs, cohort, ratio),
            tracked_sentence(row, ard, cohort, analysis),
        ]
        notes.append(" ".join(part for part in parts if part))
    return notes
