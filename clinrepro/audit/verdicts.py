"""Graded verdicts: what each claim's check amounts to, in words a statistical editor uses.

The audit's `status` says whether the printed value is what the data give (match,
mismatch, not_computable). The verdict grades it, the first that holds:

- exact: the data give the printed value itself (or meet the printed bound); a bound on a
  p-value that another standard test in the same population does not meet says which test
  it depends on;
- within rounding: the data's value prints as the claim at its precision;
- reading-dependent: exact or within rounding, but only on a reading that is ours, not the
  source's (the ledger's `reading` column names it: a definition the source does not give,
  a count that defines one of our own populations);
- population or test not stated: the source does not state the population or, for a
  p-value, the test (the ledger's `states` column) and a reading it allows reproduces the
  claim: another test in the same population first, then another population
  (reconciliation.csv);
- approximate: within `max_sd` standard deviations of the measure, or for a count or a
  percentage within `max_patients` patients; how far is said in the claim's unit and in SDs,
  and what explains the rest (rounding, another population, leaving out a patient: a
  deletion is an explanation, never a population);
- inconsistent: none of the above.

A claim the per-patient data cannot reach is graded by the summary-only checks: one that
fails makes it inconsistent, one that passes makes it consistent with the reported
numbers (the check states what it assumes: n, the correlation between visits); with
neither it stays not computable.

`direction` says, where the claim is about an effect (a follow-up summary of a measure, a
mean change, a response, a p-value), whether the printed value over- or understates it
against the data under the ledger's reading; only for a difference that nothing ordinary
explains: not for less than one patient, not where rounding reproduces it, not where
another standard test in the same population does (the ARD's other tests, reconciliation's).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from clinrepro.audit.recompute import claim_status
from clinrepro.base.printed import round_half_up, significant
from clinrepro.base.terms import TEST_NAMES
from clinrepro.statistics.ard import select

VERDICTS = (
    "exact",
    "within rounding",
    "reading-dependent",
    "population or test not stated",
    "approximate",
    "inconsistent",
    "consistent with reported numbers",
    "not computable",
)
VERDICT_COLUMNS = ["verdict", "verdict_reason", "difference", "difference_sd", "direction"]
READING_KINDS = {"population": "population", "test": "test"}
# statistics in the measure's own unit, whose difference is also said in SDs
IN_UNIT = {"mean", "median", "sd", "q1", "q3", "min", "max", "mean_change", "median_change"}
# checks that only bound a number (at_most): passing one does not vouch for it
BOUNDS_ONLY = {"at_most"}
SUBSET_KINDS = ("one patient", "two patients")
# what each kind of explanation (reconciliation.csv) is, in the words of a verdict's reason
EXPLAINED_BY = {
    "rounding": "by rounding",
    "population": "in another population",
    "test": "by another test",
    "one patient": "by",
    "two patients": "by",
    "one cell": "by a misread cell",
}
# explanations that take away a direction: the difference is rounding's or a standard test's
ORDINARY_KINDS = ("rounding", "test")


def readable_number(value: float) -> str:
    """A number as a reader wants it, half up: 13.36, 0.6429, 92.86, 7.9e-06."""
    if value is None or not np.isfinite(value):
        return "no value"
    if value == int(value) and abs(value) < 1e9:
        return str(int(value))
    return significant(value, 4 if abs(value) >= 0.001 else 3, scientific_below=0.001)


def reading(row: pd.Series) -> str:
    """The ledger's `reading`: our reading the claim depends on, in words; '' for none."""
    text = row.get("reading", "")
    return text.strip() if isinstance(text, str) else ""


def about_a_test(row: pd.Series) -> bool:
    return row["statistic"] == "p_value"


def silent_about(row: pd.Series) -> set[str]:
    """What the source leaves open that could change the number: its population, and for
    a p-value its test (a count or a mean has none)."""
    open_ = {"population", "test"} if about_a_test(row) else {"population"}
    return open_ - stated(row)


def other_tests(claim: pd.Series) -> dict[str, float]:
    """The ARD's other tests of the claim's comparison, in the same population: method -> p."""
    text = claim.get("other_methods", "")
    found = {}
    for part in str(text if isinstance(text, str) else "").split(";"):
        method, _, value = part.strip().partition(": ")
        try:
            found[method] = float(value)
        except ValueError:
            continue
    return found


def test_words(method: str, p: float) -> str:
    return f"the {TEST_NAMES.get(method, method)} gives {readable_number(p)}"


def reproduces(p: float, row: pd.Series) -> bool:
    """Whether a p-value prints as the claim (or meets its bound)."""
    return claim_status(p, row["comparator"], float(row["value"]), int(row["precision"])) == "match"


def reproducing_tests(claim: pd.Series, row: pd.Series) -> list[str]:
    """The other standard tests in the same population whose p the printed value matches."""
    if not about_a_test(row):
        return []
    return [test_words(method, p) for method, p in other_tests(claim).items() if reproduces(p, row)]


def smallest_wilcoxon_p(n: int) -> float:
    """The smallest two-sided p of the exact signed-rank test of n changes (all of one sign)."""
    from scipy import stats

    return float(stats.wilcoxon(np.arange(1, n + 1), method="exact").pvalue)


def test_dependence(claim: pd.Series, row: pd.Series) -> str:
    """For a p-value bound the data meet: which other standard tests in the same population
    do not, and why (the exact Wilcoxon test cannot go below 2 / 2^n)."""
    if not about_a_test(row) or row["comparator"] == "=":
        return ""
    failing = []
    for method, p in other_tests(claim).items():
        if reproduces(p, row):
            continue
        words = test_words(method, p)
        n = claim["n"]
        if method == "wilcoxon_signed_rank" and pd.notna(n) and 0 < int(n) <= 50:
            # the ARD's other tests are printed to 6 significant digits
            if math.isclose(p, smallest_wilcoxon_p(int(n)), rel_tol=1e-5):
                words += f", the smallest it can give with {int(n)} patients"
        failing.append(words)
    if not failing:
        return ""
    own = TEST_NAMES.get(claim["method"], claim["method"])
    return f"by the {own}, the analysis's test; the grade depends on it: " + "; ".join(failing)


def explanation_words(found: pd.DataFrame) -> str:
    """Explanations of one kind (reconciliation.csv) as a clause of a verdict's reason: the
    first, or for patients left out the first two ('patient 4 or patient 8')."""
    kind = found["kind"].iloc[0]
    if kind in SUBSET_KINDS:
        pairs = zip(found["detail"][:2], found["printed"][:2])
        details = " or ".join(f"{detail} ({printed})" for detail, printed in pairs)
        return f"explained by {details}, an explanation, not a population"
    first = found.iloc[0]
    return f"explained {EXPLAINED_BY.get(kind, 'by')}: {first['detail']} ({first['printed']})"


def patients_apart(row: pd.Series, claim: pd.Series, difference: float) -> float:
    """How many patients a count or a percentage is from the data's: for a percentage,
    from the nearest count of the claim's n that prints as the claim at its precision
    (9 of 16 prints as 56%: against 10 of 16 that is 1 patient, not the 1.04 of 62.5 - 56);
    where no count prints so, the difference itself in patients. NaN when the claim is
    neither or has no n."""
    n = claim["n"]
    if row["unit"] not in ("%", "count") or pd.isna(n) or int(n) <= 0:
        return np.nan
    if row["unit"] == "count":
        return abs(difference)
    n, places = int(n), int(row["precision"]) if pd.notna(row["precision"]) else 0
    recomputed = float(claim["recomputed"]) * n / 100
    printed = Decimal(repr(float(row["value"])))
    half = Fraction(1, 2) * Fraction(10) ** -places  # exact: no float at a run's end
    low = math.floor((Fraction(printed) - half) * n / 100)
    high = math.ceil((Fraction(printed) + half) * n / 100)
    # the counts that print as the claim are a run from `low` + 1 to `high` - 1 (give or take
    # one where a count's percentage, as a float, falls on an end): those ends, and the
    # counts either side of the data's, are the only candidates for the nearest
    near = {*range(low, low + 3), *range(high - 2, high + 1)}
    near |= {math.floor(recomputed), math.ceil(recomputed)}
    counts = [
        k for k in near
        if low <= k <= high and 0 <= k <= n and round_half_up(100 * k / n, places) == printed
    ]  # fmt: skip
    if counts:
        return min(abs(k - recomputed) for k in counts)
    return abs(difference) * n / 100


def less_than_a_patient(row: pd.Series, claim: pd.Series, difference: float) -> bool:
    """A count or a percentage off by less than one patient: the printed precision's."""
    return patients_apart(row, claim, difference) < 1


def stated(row: pd.Series) -> set[str]:
    """What the source states of how the number was obtained ('population', 'test')."""
    if "states" not in row.index:
        return {"population", "test"}
    text = row["states"]
    if not isinstance(text, str) or not text.strip():
        return set()
    return {part.strip() for part in text.split(";")}


def spread(claim: pd.Series, row: pd.Series, ard: pd.DataFrame, recomputed: float) -> float:
    """The SD that scales the claim's difference: of the measure in the claim's population
    and visit, of the changes for a mean change, of a yes/no for a percentage."""
    if row["unit"] == "%" or row["statistic"] == "pct":
        p = recomputed / 100
        return 100 * math.sqrt(p * (1 - p)) if 0 < p < 1 else np.nan
    key = {"population": claim["population_flag"], "parameter": row["parameter"]}
    if row["analysis"] == "paired_test":
        found = select(ard, {**key, "analysis": "paired_test", "visit": row["visit"],
                             "method": claim["method"], "statistic": "sd_change"})  # fmt: skip
    else:
        visit = "" if pd.isna(row["visit"]) else row["visit"]
        found = select(ard, {**key, "analysis": "summary", "statistic": "sd"})
        if len(found) > 1:
            found = found[found["visit"].to_numpy() == visit]
    return float(found["value"].iloc[0]) if len(found) == 1 else np.nan


def effect_sign(row: pd.Series, cohort: dict, baseline: str) -> float:
    """+1 when a larger printed value means a larger effect, -1 when smaller, 0 when the
    claim is not about an effect."""
    measure = (
        cohort["measures"].get(row["parameter"]) if isinstance(row["parameter"], str) else None
    )
    improves = 0.0
    if measure is not None:
        improves = 1.0 if measure["improvement"] == "increase" else -1.0
    if row["analysis"] == "response" and row["statistic"] in ("pct", "n_responders"):
        return 1.0
    if row["analysis"] == "paired_test":
        if row["statistic"] == "p_value":
            return -1.0  # a smaller p claims more evidence
        if row["statistic"] in ("mean_change", "median_change"):
            return improves
        return 0.0
    if row["analysis"] == "summary" and row["visit"] != baseline:
        return improves if row["statistic"] in ("mean", "median") else 0.0
    return 0.0


def ordinary(row: pd.Series, claim: pd.Series, mine: pd.DataFrame) -> bool:
    """Whether the difference is rounding's, less than a patient's, or another standard
    test's in the same population: then it has no direction."""
    if mine["kind"].isin(ORDINARY_KINDS).any() or reproducing_tests(claim, row):
        return True
    difference = float(row["value"]) - float(claim["recomputed"])
    return row["comparator"] == "=" and less_than_a_patient(row, claim, difference)


def direction(row: pd.Series, claim: pd.Series, sign: float, mine: pd.DataFrame) -> str:
    if sign == 0 or claim["status"] != "mismatch" or pd.isna(claim["recomputed"]):
        return ""
    if ordinary(row, claim, mine):
        return ""
    reported, recomputed = float(row["value"]), float(claim["recomputed"])
    if row["comparator"] != "=":
        # a bound the data do not meet: '<' claims more evidence than the data give
        overstates = row["comparator"] in ("<", "<=")
        return "overstates the effect" if overstates == (sign < 0) else "understates the effect"
    if reported == recomputed:
        return ""
    return (
        "overstates the effect" if (reported - recomputed) * sign > 0 else "understates the effect"
    )


def summary_group(ledger: pd.DataFrame, row: pd.Series) -> pd.DataFrame:
    """The ledger's claims printed as one summary with this one (mean and SD)."""
    if row["analysis"] != "summary" or row["statistic"] not in ("mean", "sd"):
        return ledger.iloc[0:0]
    same = (
        (ledger["statistic"].isin(["mean", "sd"]) & (ledger["comparator"] == "=")).to_numpy().copy()
    )
    for column in ("analysis", "population", "parameter", "visit"):
        same &= ledger[column].fillna("").astype(str).to_numpy() == str(row[column])
    return ledger[same]


def on_our_reading(row: pd.Series) -> str:
    ours = reading(row)
    return f"; on our reading: {ours}" if ours else ""


def sentences(checks: pd.DataFrame) -> str:
    """The checks' details joined as clauses of one reason (no full stop inside)."""
    return "; ".join(detail.rstrip(".") for detail in checks["detail"].astype(str))


def grade_not_computable(
    claim_id: str, claim: pd.Series, checks: pd.DataFrame, row: pd.Series
) -> dict:
    mine = checks[checks["claim_id"].to_numpy() == claim_id]
    failed = mine[mine["result"].to_numpy() == "fails"]
    passed = mine[(mine["result"].to_numpy() == "passes") & ~mine["check"].isin(BOUNDS_ONLY)]
    unsettled = mine[mine["result"].to_numpy() == "inconclusive"]
    why = str(claim.get("reason", "") or "")
    ours = on_our_reading(row)
    if len(failed):
        reason = "the source's own numbers disagree: " + sentences(failed) + ours
        return {"verdict": "inconsistent", "verdict_reason": reason}
    if len(passed):
        reason = sentences(passed) + ours + f" (per-patient data: {why})"
        return {"verdict": "consistent with reported numbers", "verdict_reason": reason}
    if len(unsettled):
        why += "; the source's own numbers cannot settle it: " + sentences(unsettled)
    return {"verdict": "not computable", "verdict_reason": why + ours}


def matched(
    claim: pd.Series, row: pd.Series, reported: float, recomputed: float, shown: str
) -> dict:
    """The verdict of a claim the data give: exact, within rounding, or reading-dependent
    when only our reading gives it."""
    if row["comparator"] != "=":
        bound = str(claim["reported"])
        if not any(character.isdigit() for character in bound):
            bound = f"{row['comparator']} {reported:g} (printed '{bound}')"
        verdict, words = "exact", f"{shown} meets {bound}"
        depends = test_dependence(claim, row)
        if depends:
            words += f" {depends}"
    elif math.isclose(reported, recomputed, rel_tol=1e-12, abs_tol=1e-12):
        verdict, words = "exact", f"the data give {shown}"
    else:
        verdict = "within rounding"
        places = int(row["precision"])
        words = f"the data give {shown}, printed {claim['reported']} at {places} decimals"
    if reading(row):
        words += f", but {verdict} only on our reading: {reading(row)}"
        return {"verdict": "reading-dependent", "verdict_reason": words}
    return {"verdict": verdict, "verdict_reason": words}


def not_stated(readings: pd.DataFrame, silent: set[str], tests: list[str]) -> str:
    """The reason of 'population or test not stated': the other standard tests in the same
    population that reproduce it first (`tests`), then another test, then another population."""
    readings = readings.sort_values("kind", key=lambda kind: kind.ne("test"), kind="stable")
    words = f"the source does not state the {' or '.join(sorted(silent))}; "
    if tests:
        words += f"reproduced in the same population: {' and '.join(tests)}"
        readings = readings[readings["kind"] != "test"]
    elif len(readings):
        first, readings = readings.iloc[0], readings.iloc[1:]
        words += f"reproduced ({first['printed']}) with {first['detail']}"
    others = readings[readings["kind"] == "population"]
    if len(others):
        words += f"; also ({others['printed'].iloc[0]}) with {others['detail'].iloc[0]}"
    return words


def common_subsets(mine, explanations, ledger, row) -> pd.DataFrame:
    """The subsets of patients (one or two left out) that reproduce every number of the
    printed summary (mean and SD) the claim belongs to."""
    subsets = mine[mine["kind"].isin(SUBSET_KINDS).to_numpy()]
    for member in summary_group(ledger, row)["claim_id"]:
        theirs = explanations[explanations["claim_id"].to_numpy() == member]
        subsets = subsets[subsets["detail"].isin(theirs["detail"]).to_numpy()]
    return subsets


def how_far(
    out: dict, row: pd.Series, claim: pd.Series, shown: str, limits: dict
) -> tuple[list[str], bool]:
    """How far the printed value is from the data, in its unit, in SDs and in patients,
    and whether that is within the limits of 'approximate'."""
    unit = row["unit"] if row["unit"] not in ("count", "p") else ""
    if readable_number(abs(out["difference"])) == "1":
        unit = unit.removesuffix("s")  # 1 point, 1 year
    size = f"{readable_number(abs(out['difference']))}{' ' + unit if unit else ''}"
    if row["unit"] == "%":
        size = f"{readable_number(abs(out['difference']))} percentage points"
    n = claim["n"]
    within = False
    if not np.isfinite(out["difference"]):
        return [f"the data give {shown}, which does not meet {claim['reported']}"], False
    side = "higher" if out["difference"] > 0 else "lower"
    words = [f"the data give {shown}, printed {claim['reported']}: {size} {side}"]
    if np.isfinite(out["difference_sd"]):
        words[-1] += f" ({readable_number(abs(out['difference_sd']))} SD)"
        within = abs(out["difference_sd"]) <= limits["max_sd"]
    if pd.notna(n) and int(n) > 0 and (row["unit"] in ("%", "count")):
        patients = patients_apart(row, claim, out["difference"])
        words.append(
            f"less than one patient among {int(n)} ({readable_number(patients)} of a patient)"
            if patients < 1
            else f"{readable_number(patients)} {'patient' if patients == 1 else 'patients'} among {int(n)}"
        )
        within = within or patients <= limits["max_patients"] + 1e-9
    return words, within


def grade(
    claim: pd.Series,
    row: pd.Series,
    ledger: pd.DataFrame,
    audit: pd.DataFrame,
    explanations: pd.DataFrame,
    ard: pd.DataFrame,
    cohort: dict,
    limits: dict,
) -> dict:
    """The verdict columns of one claim (claim: its audit row; row: its ledger row)."""
    claim_id = claim["claim_id"]
    reported, recomputed = float(row["value"]), float(claim["recomputed"])
    mine = explanations[explanations["claim_id"].to_numpy() == claim_id]
    sign = effect_sign(row, cohort, cohort["baseline_visit"])
    out = {"direction": direction(row, claim, sign, mine)}
    out |= {"difference": np.nan, "difference_sd": np.nan}
    if row["comparator"] == "=":
        out["difference"] = reported - recomputed
        # in SDs only a statistic in the measure's unit: a count or a percentage is judged
        # in patients, a p-value not by its size at all
        sd = spread(claim, row, ard, recomputed) if row["statistic"] in IN_UNIT else np.nan
        if np.isfinite(sd) and sd > 0:
            out["difference_sd"] = out["difference"] / sd
    shown = f"{readable_number(recomputed)}{'%' if row['unit'] == '%' else ''}"
    if claim["status"] == "match":
        return out | matched(claim, row, reported, recomputed, shown)
    silent = silent_about(row)
    readings = mine[mine["kind"].map(READING_KINDS).isin(silent).to_numpy()]
    if len(readings):
        tests = reproducing_tests(claim, row) if "test" in silent else []
        reason = not_stated(readings, silent, tests) + on_our_reading(row)
        return out | {"verdict": "population or test not stated", "verdict_reason": reason}
    words, within = how_far(out, row, claim, shown, limits)
    if out["direction"]:
        words.append(out["direction"])
    if silent:
        words.append(
            f"the source does not state the {' or '.join(sorted(silent))}, and none it leaves "
            "open reproduces it"
        )
    words += reproducing_tests(claim, row)
    others = mine[~mine["kind"].isin(SUBSET_KINDS).to_numpy()]
    found = others if len(others) else common_subsets(mine, explanations, ledger, row)
    if len(found):
        words.append(explanation_words(found[found["kind"] == found["kind"].iloc[0]]))
    verdict = "approximate" if within else "inconsistent"
    return out | {"verdict": verdict, "verdict_reason": "; ".join(words) + on_our_reading(row)}


def failed_checks(claim_id: str, checks: pd.DataFrame) -> str:
    mine = checks[(checks["claim_id"].to_numpy() == claim_id) & (checks["result"] == "fails")]
    return "; ".join(mine["detail"].astype(str))


def with_verdicts(
    audit: pd.DataFrame,
    ledger: pd.DataFrame,
    explanations: pd.DataFrame,
    checks: pd.DataFrame,
    ard: pd.DataFrame,
    cohort: dict,
    limits: dict,
) -> pd.DataFrame:
    """The audit with the verdict columns (VERDICT_COLUMNS)."""
    rows = ledger.set_index(ledger["claim_id"].astype(str))
    graded = []
    for _, claim in audit.iterrows():
        row = rows.loc[str(claim["claim_id"])]
        if claim["status"] == "not_computable":
            result = {"direction": "", "difference": np.nan, "difference_sd": np.nan}
            result |= grade_not_computable(claim["claim_id"], claim, checks, row)
        else:
            result = grade(claim, row, ledger, audit, explanations, ard, cohort, limits)
            failed = failed_checks(claim["claim_id"], checks)
            if failed:
                result["verdict_reason"] += f"; summary checks: {failed}"
        graded.append(result)
    verdicts = pd.DataFrame(graded, index=audit.index).reindex(columns=VERDICT_COLUMNS)
    return pd.concat([audit, verdicts], axis=1)


def counts_by_source(audit: pd.DataFrame, column: str = "verdict") -> pd.DataFrame:
    """How many claims of each source got each verdict (or status): one row a source."""
    if audit.empty:
        return pd.DataFrame()
    table = pd.crosstab(audit["source"], audit[column])
    order = [v for v in (*VERDICTS, "match", "mismatch", "not_computable") if v in table.columns]
    return table.reindex(columns=order)
