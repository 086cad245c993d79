"""Summary-only checks of a claims ledger: is each printed number possible, and consistent
with the other printed numbers, without the per-patient data?

In the spirit of GRIM (Brown & Heathers 2017), GRIMMER (Anaya 2016) and statcheck
(Nuijten et al. 2016, recomputing a p-value from the printed statistics). Two kinds:

- automatic, wherever they apply: GRIM for a mean of a whole-number measure and for a
  percentage, GRIMMER for an SD printed beside its mean;
- explicit, from the ledger's `check` column: one call `name(arg, ...)` whose arguments
  are claim ids (that claim's printed value) or plain numbers (exact). `CHECK_ARGUMENTS`
  is the grammar; the ledger's schema refuses any other call.

A printed number stands for every value that rounds to it (half a unit of its claim's
last decimal either side; clinrepro.audit.summary_printed); a count is exact. Pure: no
files, no study facts in code. The checks of a p-value, the only ones that import scipy, are
clinrepro.audit.summary_p_values. The grammar of the `check` column is
clinrepro.reading.ledger_checks (the ledger's schema checks it before any audit).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_DOWN, Decimal
from fractions import Fraction
from typing import Callable

import pandas as pd

from clinrepro.adam.endpoints import COMPARATORS
from clinrepro.audit.integrity import (
    grim,
    grim_limit,
    grimmer,
    grimmer_limit,
    nearest_sums,
    possible_sums,
    sums_at_tens,
)
from clinrepro.audit.summary_p_values import paired_p, welch_p
from clinrepro.audit.summary_printed import (
    Number,
    argument,
    claim_printed,
    equals_printed,
    exact,
    verdict,
)
from clinrepro.base.printed import fixed, round_half_up, rounded
from clinrepro.reading.ledger_checks import CHECK_ARGUMENTS, parse_check

SUMMARY_CHECK_COLUMNS = ["claim_id", "check", "inputs", "implied", "result", "detail"]


RESULTS = ("passes", "fails", "inconclusive", "not informative")


def _inputs(name: str, numbers: list[Number], claim: pd.Series) -> str:
    names = list(CHECK_ARGUMENTS[name])
    if names[-1] == "...":
        names = [chr(ord("a") + i) for i in range(len(numbers))]
    used = ", ".join(f"{n}: {number.words}" for n, number in zip(names, numbers))
    return f"{used}; printed {claim_printed(claim)} at {int(claim['precision'])} decimals"


# --- explicit checks: each returns (implied, result, detail); arguments already resolved


def percent(claim: pd.Series, count: Number, denominator: Number):
    if denominator.value == 0:
        return "undefined", "inconclusive", "A percentage of a denominator of 0 is undefined."
    value = 100 * count.value / denominator.value
    places = int(claim["precision"])
    of = f"{count.value:g} / {denominator.value:g}"
    implied = f"{of.replace(' / ', ' of ')} is {fixed(value, places + 1)}%"
    ok = equals_printed(value, claim) or str(rounded(value, places, ROUND_HALF_DOWN)) == str(
        round_half_up(claim["value"], places)
    )
    detail = (
        f"100 × {of} = {fixed(value, places + 2)}, which rounds half up to "
        f"{round_half_up(value, places)} at {places} decimals"
        + (", as printed." if ok else f", not the printed {claim_printed(claim)}.")
    )
    return f"{implied}, printed {claim_printed(claim)}", verdict(ok), detail


def _exactly(total: Decimal, claim: pd.Series, formula: str):
    total = f"{total.normalize():f}"  # 15, not 15.0
    if claim["comparator"] == "=":
        ok = Decimal(total) == exact(claim["value"])
    else:
        ok = COMPARATORS[claim["comparator"]](float(Decimal(total)), claim["value"])
    printed = claim_printed(claim)
    detail = f"{formula} = {total}" + (
        f", which is the printed {printed}." if ok else f", not the printed {printed}."
    )
    return f"{formula} = {total}, printed {printed}", verdict(ok), detail


def difference(claim: pd.Series, a: Number, b: Number):
    return _exactly(exact(a.value) - exact(b.value), claim, f"{a.value:g} - {b.value:g}")


def total(claim: pd.Series, *terms: Number):
    formula = " + ".join(f"{term.value:g}" for term in terms)
    return _exactly(sum((exact(term.value) for term in terms), Decimal(0)), claim, formula)


def at_most(claim: pd.Series, a: Number):
    ok = claim["value"] <= a.value
    value = f"{claim['value']:g}"
    words = "is at most" if ok else "is more than"
    detail = f"The claim's {value} {words} {a.words}, which bounds it."
    return f"{value} <= {a.value:g}", verdict(ok), detail


def _meets_interval(low: float, high: float, claim: pd.Series) -> bool:
    """Whether some value in [low, high] prints as the claim (or meets its bound)."""
    value, comparator = claim["value"], claim["comparator"]
    if comparator == "=":
        half = 0.5 * 10.0 ** -int(claim["precision"])
        return low <= value + half and high >= value - half
    return COMPARATORS[comparator](low if comparator.startswith("<") else high, value)


def percent_change(claim: pd.Series, before: Number, after: Number):
    if before.low <= 0 <= before.high:
        return (
            "undefined",
            "inconclusive",
            f"The value before ({before.words}) may be 0, from which a percent change is "
            "undefined.",
        )
    changes = [
        100 * (a - b) / b for b in (before.low, before.high) for a in (after.low, after.high)
    ]
    low, high = min(changes), max(changes)
    point = 100 * (after.value - before.value) / before.value
    places = int(claim["precision"])
    point_words = fixed(point, places + 2)
    low_words, high_words = fixed(low, places + 1), fixed(high, places + 1)
    implied = f"{point_words}% ({low_words}% to {high_words}%)"
    ok = _meets_interval(low, high, claim)
    unit = "%" if claim["unit"] == "%" else ""
    lowest, highest = fixed(low, places), fixed(high, places)
    detail = (
        f"100 × ({after.value:g} - {before.value:g}) / {before.value:g} = {point_words}%; "
        f"over the rounding intervals of both ({before.low:g} to {before.high:g}, "
        f"{after.low:g} to {after.high:g}) it lies between {low_words}% and {high_words}%, "
        f"which {'meets' if ok else 'does not meet'} the printed {claim_printed(claim)} at "
        f"{places} decimals; a weak check: any printed value from {lowest}{unit} to "
        f"{highest}{unit} would pass."
    )
    return f"{implied}, printed {claim_printed(claim)}", verdict(ok), detail


EXPLICIT_CHECKS: dict[str, Callable] = {
    "percent": percent,
    "difference": difference,
    "sum": total,
    "at_most": at_most,
    "percent_change": percent_change,
    "welch_p": welch_p,
    "paired_p": paired_p,
}


def explicit_check(claim: pd.Series, claims: pd.DataFrame) -> dict:
    """The claim's `check` call, evaluated on the printed values it names."""
    name, arguments = parse_check(claim["check"])
    numbers = [argument(token, claims) for token in arguments]
    implied, result, detail = EXPLICIT_CHECKS[name](claim, *numbers)
    return {
        "check": name,
        "inputs": _inputs(name, numbers, claim),
        "implied": implied,
        "result": result,
        "detail": detail,
    }


# --- automatic checks: GRIM and GRIMMER


@dataclass(frozen=True)
class Granularity:
    """One granularity test of one printed value, as a function of the n behind it."""

    name: str
    shown: str  # the printed value(s): '90%', '27 ± 13'
    what: Callable[[object], str]  # 'a percentage of 14 patients at 0 decimals'
    possible: Callable[[int], bool]
    implied: Callable[[int], str]  # what n whole numbers give, in words
    limit: int  # from this n on the test cannot fail
    smallest: int = 1
    # a k/n that prints as the value if its trailing zero is not a printed digit ('90'
    # printed to tens: 13/14 = 92.9% is 90), in words; '' when none does or none is trailing
    tens: Callable[[int], str] = lambda n: ""


def grim_test(claim: pd.Series, percent: bool) -> Granularity:
    value, places = claim["value"], int(claim["precision"])
    scale, unit = (100, "%") if percent else (1, "")

    def implied(n: int) -> str:
        sums = possible_sums(value, n, places, percent)
        if not sums:  # the two nearest sums, neither of which prints as the claim
            below = math.floor(Fraction(exact(value)) * n / scale)
            return ", ".join(words(k, n) for k in (below, below + 1))
        return " to ".join(words(k, n) for k in sorted({sums[0], sums[-1]}))

    def words(total: int, n: int) -> str:
        return f"{total}/{n} = {fixed(float(Fraction(total * scale, n)), places + 1)}{unit}"

    def what(n) -> str:
        kind = f"percentage of {n} patients" if percent else f"mean of {n} whole numbers"
        return f"{kind} at {places} decimals"

    def tens(n: int) -> str:
        sums = sums_at_tens(value, n, places, percent)
        return " and ".join(words(k, n) for k in range(max(sums.start, 0), sums.stop))

    return Granularity(
        name="GRIM (percentage)" if percent else "GRIM",
        shown=claim_printed(claim),
        what=what,
        possible=lambda n: grim(value, n, places, percent),
        implied=implied,
        limit=grim_limit(places, percent),
        tens=tens,
    )


def grimmer_test(sd_claim: pd.Series, mean_claim: pd.Series) -> Granularity:
    mean, sd = mean_claim["value"], sd_claim["value"]
    mean_places, sd_places = int(mean_claim["precision"]), int(sd_claim["precision"])

    def implied(n: int) -> str:
        found = nearest_sums(mean, sd, n, mean_places, sd_places)
        if found is None:
            return f"no whole sum and sum of squares of {n} values"
        total, squares = found
        data_sd = math.sqrt((squares - total**2 / n) / (n - 1))
        return (
            f"sum {total}, sum of squares {squares}: {fixed(total / n, mean_places + 1)} ± "
            f"{fixed(data_sd, sd_places + 1)}"
        )

    return Granularity(
        name="GRIMMER",
        shown=f"{claim_printed(mean_claim)} ± {claim_printed(sd_claim)}",
        what=lambda n: f"mean ± SD of {n} whole numbers at {mean_places} and {sd_places} decimals",
        possible=lambda n: grimmer(mean, sd, n, mean_places, sd_places),
        implied=implied,
        limit=grimmer_limit(sd, mean_places, sd_places),
        smallest=2,
    )


def _n_words(ns: list[int]) -> str:
    """[1, 2, 3, 5] -> '1 to 3, 5'."""
    runs = []
    for _, run in itertools.groupby(enumerate(ns), lambda pair: pair[1] - pair[0]):
        run = [n for _, n in run]
        runs.append(str(run[0]) if len(run) == 1 else f"{run[0]} to {run[-1]}")
    return ", ".join(runs)


def _nearest(test: Granularity, n: int) -> str:
    """The nearest n below and above that make the value possible."""
    below = next((m for m in range(n - 1, test.smallest - 1, -1) if test.possible(m)), None)
    above = next((m for m in range(n + 1, max(test.limit, n + 1) + 1) if test.possible(m)), None)
    found = [m for m in (below, above) if m is not None]
    if not found:
        return "no n makes it possible"
    if len(found) == 1:
        return f"the nearest n that makes it possible is {found[0]}"
    return f"the nearest n that make it possible are {found[0]} and {found[1]}"


def granularity_row(test: Granularity, n: int | None, source: str, patients: int) -> dict:
    """The test at the claim's n, or over every n from the smallest to `patients`."""
    whatever_n = "whatever n" if test.limit <= test.smallest else f"once n is {test.limit} or more"
    if n is None:
        tried = list(range(test.smallest, patients + 1))
        ok = [m for m in tried if m >= test.limit or test.possible(m)]  # no test from the limit
        inputs = f"{test.shown}; n unknown: tried {_n_words(tried)}"
        possible = f"{test.shown} is a possible {test.what('n')}"
        if not ok:
            implied, result = f"no n from {_n_words(tried)}", "fails"
            detail = f"{test.shown} is not a possible {test.what('n')} for n = {_n_words(tried)}."
        elif ok == tried and test.smallest >= test.limit:
            implied, result = f"every n from {_n_words(tried)}", "not informative"
            detail = f"{possible} {whatever_n}, so {test.name} cannot fail."
        else:
            implied, result = f"n = {_n_words(ok)} of {_n_words(tried)}", "passes"
            detail = f"{possible} for n = {_n_words(ok)} only, of {_n_words(tried)}."
        return _row(test, inputs, f"possible with {implied}", result, detail)
    inputs = f"{test.shown}; n = {n} ({source})"
    if n < test.smallest:
        detail = f"{test.name} needs at least {test.smallest} values, not n = {n}."
        return _row(test, inputs, "undefined", "inconclusive", detail)
    implied = f"{test.implied(n)}, printed {test.shown}"
    if not test.possible(n):
        detail = (
            f"{test.shown} is not a possible {test.what(n)} ({test.implied(n)}); "
            f"{_nearest(test, n)}"
        )
        at_tens = test.tens(n)
        if at_tens:
            detail += (
                f"; but its trailing zero may not be a printed digit: printed to tens, "
                f"{test.shown} stands for {at_tens}, so the check cannot decide."
            )
            return _row(test, inputs, f"{implied}; {at_tens} at tens", "inconclusive", detail)
        return _row(test, inputs, implied, "fails", detail + ".")
    if n >= test.limit:
        detail = (
            f"{test.shown} is a possible {test.what(n)}, but so is any value {whatever_n}, so "
            f"{test.name} cannot fail here."
        )
        return _row(test, inputs, implied, "not informative", detail)
    detail = f"{test.shown} is a possible {test.what(n)} ({test.implied(n)})."
    return _row(test, inputs, implied, "passes", detail)


def _row(test: Granularity, inputs: str, implied: str, result: str, detail: str) -> dict:
    return {
        "check": test.name,
        "inputs": inputs,
        "implied": implied,
        "result": result,
        "detail": detail,
    }


def _same(column: pd.Series, value) -> pd.Series:
    return column.isna() if pd.isna(value) else column.eq(value)


def mean_beside(claim: pd.Series, claims: pd.DataFrame) -> pd.Series | None:
    """The printed mean of the same population, parameter and visit as an SD claim."""
    same = claims["statistic"].eq("mean") & claims["comparator"].eq("=")
    for column in ("population", "parameter", "visit"):
        same &= _same(claims[column], claim[column])
    return claims[same].iloc[0] if same.sum() == 1 else None


def automatic_tests(claim: pd.Series, claims: pd.DataFrame, cohort: dict) -> list[Granularity]:
    """GRIM and GRIMMER wherever they apply to the claim."""
    if claim["comparator"] != "=":
        return []
    if claim["statistic"] == "pct":
        return [grim_test(claim, percent=True)]
    measure = cohort["measures"].get(claim["parameter"]) if pd.notna(claim["parameter"]) else None
    if measure is None or measure.get("decimals") != 0:
        return []  # GRIM and GRIMMER need whole-number data
    if claim["statistic"] == "mean":
        return [grim_test(claim, percent=False)]
    mean = mean_beside(claim, claims) if claim["statistic"] == "sd" else None
    return [] if mean is None else [grimmer_test(claim, mean)]


def claim_n(claim: pd.Series, data_n: pd.Series) -> tuple[int | None, str]:
    """The n the source states, else the data's, else none."""
    if pd.notna(claim.get("n")):
        return int(claim["n"]), "stated"
    found = data_n.get(claim["claim_id"])
    if found is not None and pd.notna(found):
        return int(found), "the data's"
    return None, ""


def summary_checks(
    ledger: pd.DataFrame, audit: pd.DataFrame, cohort: dict, patients: int
) -> pd.DataFrame:
    """One row per claim and check applied: the printed numbers used, what they imply and
    whether the claim is consistent with them (a result of RESULTS), in the ledger's order.

    `audit` gives the data's n behind each claim (`n`); `patients` bounds the n tried
    where neither the source nor the data give one.
    """
    claims = ledger.set_index("claim_id", drop=False)
    data_n = audit.set_index("claim_id")["n"] if len(audit) else pd.Series(dtype=float)
    rows = []
    for _, claim in claims.iterrows():
        n, source = claim_n(claim, data_n)
        for test in automatic_tests(claim, claims, cohort):
            rows.append(
                {"claim_id": claim["claim_id"], **granularity_row(test, n, source, patients)}
            )
        if pd.notna(claim.get("check")):
            rows.append({"claim_id": claim["claim_id"], **explicit_check(claim, claims)})
    return pd.DataFrame(rows, columns=SUMMARY_CHECK_COLUMNS)


def check_words(checks: pd.DataFrame) -> pd.Series:
    """Each claim's checks in a few words, joined by '; ', indexed by claim_id (claims
    without a check are absent)."""
    words = checks["check"] + ": " + checks["implied"] + ": " + checks["result"]
    return words.groupby(checks["claim_id"], sort=False).agg("; ".join)
