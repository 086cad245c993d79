"""The summary-only checks of a p-value against its bound, from the printed means, SDs
and n: Welch's unpaired t-test over the corners of the rounding intervals, and the paired
t-test as a function of the correlation between visits. scipy is imported only here, and
only when a check runs."""

from __future__ import annotations

import itertools
import math

import pandas as pd

from clinrepro.adam.endpoints import COMPARATORS
from clinrepro.audit.summary_printed import Number, claim_printed, verdict
from clinrepro.base.printed import fixed, significant


def no_bound(claim: pd.Series):
    """A p-value check compares with a bound; a claim printing p = x is left alone."""
    detail = (
        f"The claim prints p {claim_printed(claim)}, not a bound; the check compares with a bound."
    )
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
        return no_bound(claim)
    numbers, k1, k2 = (mean1, sd1, mean2, sd2), int(n1.value), int(n2.value)
    printed_p, corners = _welch_corners(numbers, k1, k2)
    bound, meets = claim_printed(claim), COMPARATORS[claim["comparator"]]
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
        return no_bound(claim)
    patients = int(n.value)
    if patients < 2:
        return "undefined", "inconclusive", "A paired t-test needs at least two patients."
    s1, s2, df = sd1.value, sd2.value, patients - 1
    difference_of_means = mean1.value - mean2.value

    def p_at(sd_change: float) -> float:
        return _paired_t_p(difference_of_means, sd_change, patients)

    p0 = p_at(math.sqrt(s1**2 + s2**2))
    bound, value = claim_printed(claim), claim["value"]
    below = claim["comparator"].startswith("<")
    at_zero = f"p = {significant(p0, 3)} at r = 0"
    worded = (
        f"The paired t-test from the printed summaries (n = {patients}, {df} df, two-sided) "
        f"gives {at_zero}, where the visits are uncorrelated"
    )
    met_at_zero = COMPARATORS[claim["comparator"]](p0, value)
    if s1 * s2 == 0:  # the SD of the changes does not depend on r
        return f"{at_zero}, printed {bound}", verdict(met_at_zero), f"{worded}."
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
