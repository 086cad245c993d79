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
last decimal either side); a count is exact. Pure: no files, no study facts in code;
scipy is imported only by the p-value checks. The grammar of the `check` column is
clinrepro.reading.ledger_checks (the ledger's schema checks it before any audit).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_DOWN, Decimal
from fractions import Fraction
from typing import Callable

import pandas as pd

from clinrepro.base.printed import fixed, round_half_up, significant
from clinrepro.adam.endpoints import COMPARATORS
from clinrepro.reading.ledger_checks import CHECK_ARGUMENTS, parse_check
from clinrepro.audit.integrity import (
    grim,
    grim_limit,
    grimmer,
    grimmer_limit,
    nearest_sums,
    possible_sums,
)

SUMMARY_CHECK_COLUMNS = ["claim_id", "check", "inputs", "implied", "result", "detail"]
RESULTS = ("passes", "fails", "inconclusive", "not informative")

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass(frozen=True)
class Number:
    """A printed number and the interval of values that print as it."""

    value: float
    low: float
    high: float
    words: str


def _exact(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _shown(value: float, places: int) -> str:
    """A computed value at `places` decimals, rounded half up as the claims are."""
    return str(round_half_up(value, places))


def _printed(claim: pd.Series) -> str:
    """The claim's value as printed: '88%', '27', '< 0.0001'."""
    text = str(round_half_up(claim["value"], int(claim["precision"])))
    text += "%" if claim["unit"] == "%" else ""
    return text if claim["comparator"] == "=" else f"{claim['comparator']} {text}"


def _half(claim: pd.Series) -> float:
    """Half a unit of the claim's last printed decimal; 0 for a count, which is exact."""
    return 0.0 if claim["unit"] == "count" else 0.5 * 10.0 ** -int(claim["precision"])


def _argument(token: str, claims: pd.DataFrame) -> Number:
    if _NUMBER.match(token):
        return Number(float(token), float(token), float(token), token)
    claim = claims.loc[token]
    value, half = float(claim["value"]), _half(claim)
    words = f"{token} {_printed(claim)}"
    if half:
        words += f" ({value - half:g} to {value + half:g})"
    return Number(value, value - half, value + half, words)


def _inputs(name: str, numbers: list[Number], claim: pd.Series) -> str:
    names = list(CHECK_ARGUMENTS[name])
    if names[-1] == "...":
        names = [chr(ord("a") + i) for i in range(len(numbers))]
    used = ", ".join(f"{n}: {number.words}" for n, number in zip(names, numbers))
    return f"{used}; printed {_printed(claim)} at {int(claim['precision'])} decimals"


def _equals_printed(value: float, claim: pd.Series) -> bool:
    """The value printed at the claim's precision (rounded half up) is the claim's, or it
    meets the claim's bound."""
    if claim["comparator"] == "=":
        places = int(claim["precision"])
        return round_half_up(value, places) == round_half_up(claim["value"], places)
    return COMPARATORS[claim["comparator"]](value, claim["value"])


def _verdict(ok: bool) -> str:
    return "passes" if ok else "fails"


# --- explicit checks: each returns (implied, result, detail); arguments already resolved


def percent(claim: pd.Series, count: Number, denominator: Number):
    if denominator.value == 0:
        return "undefined", "inconclusive", "A percentage of a denominator of 0 is undefined."
    value = 100 * count.value / denominator.value
    places = int(claim["precision"])
    of = f"{count.value:g} / {denominator.value:g}"
    implied = f"{of.replace(' / ', ' of ')} is {_shown(value, places + 1)}%"
    ok = _equals_printed(value, claim) or str(
        Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_DOWN)
    ) == str(round_half_up(claim["value"], places))
    detail = (
        f"100 × {of} = {_shown(value, places + 2)}, which rounds half up to "
        f"{round_half_up(value, places)} at {places} decimals"
        + (", as printed." if ok else f", not the printed {_printed(claim)}.")
    )
    return f"{implied}, printed {_printed(claim)}", _verdict(ok), detail


def _exactly(total: Decimal, claim: pd.Series, formula: str):
    total = f"{total.normalize():f}"  # 15, not 15.0
    if claim["comparator"] == "=":
        ok = Decimal(total) == _exact(claim["value"])
    else:
        ok = COMPARATORS[claim["comparator"]](float(Decimal(total)), claim["value"])
    printed = _printed(claim)
    detail = f"{formula} = {total}" + (
        f", which is the printed {printed}." if ok else f", not the printed {printed}."
    )
    return f"{formula} = {total}, printed {printed}", _verdict(ok), detail


def difference(claim: pd.Series, a: Number, b: Number):
    return _exactly(_exact(a.value) - _exact(b.value), claim, f"{a.value:g} - {b.value:g}")


def total(claim: pd.Series, *terms: Number):
    formula = " + ".join(f"{term.value:g}" for term in terms)
    return _exactly(sum((_exact(term.value) for term in terms), Decimal(0)), claim, formula)


def at_most(claim: pd.Series, a: Number):
    ok = claim["value"] <= a.value
    value = f"{claim['value']:g}"
    words = "is at most" if ok else "is more than"
    detail = f"The claim's {value} {words} {a.words}, which bounds it."
    return f"{value} <= {a.value:g}", _verdict(ok), detail


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
    point_words = _shown(point, places + 2)
    low_words, high_words = _shown(low, places + 1), _shown(high, places + 1)
    implied = f"{point_words}% ({low_words}% to {high_words}%)"
    ok = _meets_interval(low, high, claim)
    unit = "%" if claim["unit"] == "%" else ""
    lowest, highest = _shown(low, places), _shown(high, places)
    detail = (
        f"100 × ({after.value:g} - {before.value:g}) / {before.value:g} = {point_words}%; "
        f"over the rounding intervals of both ({before.low:g} to {before.high:g}, "
        f"{after.low:g} to {after.high:g}) it lies between {low_words}% and {high_words}%, "
        f"which {'meets' if ok else 'does not meet'} the printed {_printed(claim)} at "
        f"{places} decimals; a weak check: any printed value from {lowest}{unit} to "
        f"{highest}{unit} would pass."
    )
    return f"{implied}, printed {_printed(claim)}", _verdict(ok), detail


def _exact_p(claim: pd.Series):
    """A p-value check compares with a bound; a claim printing p = x is left alone."""
    detail = f"The claim prints p {_printed(claim)}, not a bound; the check compares with a bound."
    return "no bound", "inconclusive", detail


def _paired_t_p(difference_of_means: float, sd_change: float, patients: int) -> float:
    """Two-sided p of the paired t-test from the mean and SD of the changes."""
    from scipy import stats

    if sd_change == 0:
        return 0.0 if difference_of_means else 1.0
    t = difference_of_means / (sd_change / math.sqrt(patients))
    return float(2 * stats.t.sf(abs(t), patients - 1))


def _welch_corners(numbers: tuple, n1: int, n2: int) -> tuple[float, list[float]]:
    """Welch's p at the printed means and SDs and at every corner of their rounding
    intervals, for n1 and n2 patients."""
    from scipy import stats

    def p(m1, s1, m2, s2):
        return float(stats.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False).pvalue)

    is_sd = (False, True, False, True)
    sides = [sorted({max(x.low, 0) if sd else x.low, x.high}) for x, sd in zip(numbers, is_sd)]
    return p(*(x.value for x in numbers)), [p(*corner) for corner in itertools.product(*sides)]


def _follow_up_ns(claim, numbers: tuple, n1: int, n2: int) -> str:
    """Which follow-up n, up to the check's (the largest the source allows), has every corner
    meet the bound with n1 at baseline, and what the worst corner gives one patient below."""
    meets = COMPARATORS[claim["comparator"]]

    def everywhere(k: int) -> bool:
        return all(meets(p, claim["value"]) for p in _welch_corners(numbers, n1, k)[1])

    if not everywhere(n2):
        return f"at n = {n2} at follow-up, the largest the source allows, some corner fails it"
    low = n2
    while low > 2 and everywhere(low - 1):
        low -= 1
    if low == n2:
        words = (
            f"every corner meets it only at n = {n2} at follow-up, the largest n the source allows"
        )
    else:
        words = (
            f"with {n1} at baseline, every corner meets it for every follow-up n from {low} to "
            f"{n2}, the largest the source allows"
        )
    if low > 2:
        below = max(_welch_corners(numbers, n1, low - 1)[1])
        words += f"; at n = {low - 1} the worst corner gives {significant(below, 2)}"
    return words


def _paired_words(claim, mean1: Number, sd1: Number, mean2: Number, sd2: Number, n: int) -> str:
    """The paired t-test on n patients at r = 0, at the printed values and the worst corner,
    and the correlation between visits the worst corner needs to meet the bound."""
    from scipy import stats

    meets = COMPARATORS[claim["comparator"]]
    paired = _paired_t_p(mean1.value - mean2.value, math.hypot(sd1.value, sd2.value), n)
    difference, s1, s2 = mean1.low - mean2.high, sd1.high, sd2.high
    worst = _paired_t_p(difference, math.hypot(s1, s2), n)
    words = (
        f"a paired t-test on {n} patients at r = 0 gives {significant(paired, 2)} (worst corner "
        f"{significant(worst, 2)})"
    )
    if meets(worst, claim["value"]):
        return words
    # the SD of the changes at which the worst corner's |t| reaches the critical value
    critical = stats.t.isf(claim["value"] / 2, n - 1)
    edge = (s1**2 + s2**2 - n * difference**2 / critical**2) / (2 * s1 * s2)
    return f"{words}, which fails it: every corner meets it only if r >= {r_bound(edge, True)}"


def r_bound(edge: float, at_least: bool) -> str:
    """A needed correlation printed to 2 decimals on the side that still meets it: rounded up
    for 'r >= ' (0.2115 -> 0.22), down for 'r <= '."""
    rounded = math.ceil(edge * 100) / 100 if at_least else math.floor(edge * 100) / 100
    return fixed(rounded, 2)


def welch_p(claim, mean1: Number, sd1: Number, n1: Number, mean2: Number, sd2: Number, n2: Number):
    """Welch's unpaired t-test from the printed summaries, at the printed n and over the
    corners of the rounding intervals; it treats the visits as independent (r = 0)."""
    if claim["comparator"] == "=":
        return _exact_p(claim)
    numbers, k1, k2 = (mean1, sd1, mean2, sd2), int(n1.value), int(n2.value)
    printed_p, corners = _welch_corners(numbers, k1, k2)
    bound, meets = _printed(claim), COMPARATORS[claim["comparator"]]
    smallest, largest = min(corners), max(corners)
    central = significant(printed_p, 3)
    span = f"{significant(smallest, 2)} to {significant(largest, 2)}"
    implied = f"p = {central} ({span})"
    worded = (
        f"Welch's unpaired t-test from the printed means, SDs and n gives p = {central}, and "
        f"{span} over the corners of their rounding intervals"
    )
    each = f"n = {k1} at both visits" if k1 == k2 else f"n = {k1} at baseline and {k2} at follow-up"
    assumes = f"it assumes {each} and treats the visits as independent (r = 0)"
    below = claim["comparator"].startswith("<")
    if below and all(meets(value, claim["value"]) for value in [printed_p, *corners]):
        detail = f"{worded}: all {bound}; {assumes}"
        paired = _paired_words(claim, mean1, sd1, mean2, sd2, min(k1, k2))
        detail += f"; {paired}; {_follow_up_ns(claim, numbers, k1, k2)}"
        return f"{implied}, printed {bound}", "passes", detail + "."
    if claim["comparator"].startswith("<"):
        why = "so an unpaired p above a '<' bound does not contradict it"
    else:
        why = "so the unpaired p cannot settle a '>' bound"
    detail = (
        f"{worded}, not all {bound} ({assumes}); a paired test on the same patients gives a "
        f"smaller p only if the visits are correlated strongly enough, {why}."
    )
    return f"{implied}, printed {bound}", "inconclusive", detail


def paired_p(claim, mean1: Number, sd1: Number, mean2: Number, sd2: Number, n: Number):
    """The paired t-test from two visits' summaries, which depends on the correlation r
    between the visits: SD of the changes sqrt(sd1^2 + sd2^2 - 2 r sd1 sd2)."""
    from scipy import stats

    if claim["comparator"] == "=":
        return _exact_p(claim)
    patients = int(n.value)
    if patients < 2:
        return "undefined", "inconclusive", "A paired t-test needs at least two patients."
    s1, s2, df = sd1.value, sd2.value, patients - 1
    difference_of_means = mean1.value - mean2.value

    def p_at(sd_change: float) -> float:
        return _paired_t_p(difference_of_means, sd_change, patients)

    p0 = p_at(math.sqrt(s1**2 + s2**2))
    bound, value = _printed(claim), claim["value"]
    below = claim["comparator"].startswith("<")
    at_zero = f"p = {significant(p0, 3)} at r = 0"
    worded = (
        f"The paired t-test from the printed summaries (n = {patients}, {df} df, two-sided) "
        f"gives {at_zero}, where the visits are uncorrelated"
    )
    met_at_zero = COMPARATORS[claim["comparator"]](p0, value)
    if s1 * s2 == 0:  # the SD of the changes does not depend on r
        return f"{at_zero}, printed {bound}", _verdict(met_at_zero), f"{worded}."
    # |t| crosses the two-sided critical value where the SD of the changes equals
    # sqrt(n) |difference| / t_crit: solve sd1^2 + sd2^2 - 2 r sd1 sd2 for r
    critical = stats.t.isf(value / 2, df)
    edge = (s1**2 + s2**2 - patients * difference_of_means**2 / critical**2) / (2 * s1 * s2)
    never, always = (edge >= 1, edge <= -1) if below else (edge <= -1, edge >= 1)
    if never:
        extreme = abs(s1 - s2) if below else s1 + s2
        detail = (
            f"{worded}; at the printed values no correlation in [-1, 1) gives {bound}: at "
            f"r = {1 if below else -1} the SD of the changes is {extreme:g} and p = "
            f"{significant(p_at(extreme), 3)}; values within the printed rounding may still "
            "give it."
        )
        return f"{at_zero}, no r gives {bound}", "inconclusive", detail
    at_least = f"at {'least' if below else 'most'} {r_bound(edge, below)}"
    if always:
        needs, correlation = f"{bound} at any r", "any correlation between visits"
    else:
        needs = f"{bound} needs r {'>=' if below else '<='} {r_bound(edge, below)}"
        correlation = f"a correlation between visits of {at_least}"
    if met_at_zero:
        detail = f"{worded}, which meets {bound}, as does {correlation}."
        return f"{at_zero}, {needs}", "passes", detail
    detail = f"{worded}, not {bound}; consistent if the correlation between visits is {at_least}."
    return f"{at_zero}, {needs}", "inconclusive", detail


_EXPLICIT: dict[str, Callable] = {
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
    numbers = [_argument(token, claims) for token in arguments]
    implied, result, detail = _EXPLICIT[name](claim, *numbers)
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
            below = math.floor(Fraction(_exact(value)) * n / scale)
            return ", ".join(words(k, n) for k in (below, below + 1))
        return " to ".join(words(k, n) for k in sorted({sums[0], sums[-1]}))

    def words(total: int, n: int) -> str:
        return f"{total}/{n} = {_shown(float(Fraction(total * scale, n)), places + 1)}{unit}"

    def what(n) -> str:
        kind = f"percentage of {n} patients" if percent else f"mean of {n} whole numbers"
        return f"{kind} at {places} decimals"

    def tens(n: int) -> str:
        printed = Fraction(_exact(value))
        if places != 0 or printed == 0 or printed % 10:
            return ""
        # every k/n within 5 of the value prints as it at tens (half up or half down)
        low, high = (printed - 5) * n / scale, (printed + 5) * n / scale
        top = min(math.floor(high), n) if percent else math.floor(high)
        return " and ".join(words(k, n) for k in range(max(math.ceil(low), 0), top + 1))

    return Granularity(
        name="GRIM (percentage)" if percent else "GRIM",
        shown=_printed(claim),
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
            f"sum {total}, sum of squares {squares}: {_shown(total / n, mean_places + 1)} ± "
            f"{_shown(data_sd, sd_places + 1)}"
        )

    return Granularity(
        name="GRIMMER",
        shown=f"{_printed(mean_claim)} ± {_printed(sd_claim)}",
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
