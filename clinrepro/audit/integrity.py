"""Granularity checks of printed summaries of whole-number data: GRIM and GRIMMER.

A mean of n whole numbers is a whole number divided by n, and their sum of squares is a
whole number of the same parity as their sum; so, at a printed precision, only some means
and standard deviations are possible at all. Both checks work in exact rational
arithmetic (no floating-point dust) and accept a value rounded half up or half down, the
permissive default of the references below: a value is called impossible only when no
ordinary rounding of any whole-number data set gives it.

- GRIM: Brown, N. J. L., & Heathers, J. A. J. (2017). The GRIM test: a simple technique
  detects numerous anomalies in the reporting of results in psychology. Social
  Psychological and Personality Science, 8(4), 363-369. doi:10.1177/1948550616673876
- GRIMMER: Anaya, J. (2016). The GRIMMER test: a method for testing the validity of
  reported measures of variability. PeerJ Preprints 4:e2400v1.
  doi:10.7287/peerj.preprints.2400v1; in the analytic form of Allard, A. (2018),
  Analytic-GRIMMER: a new way of testing the possibility of standard deviations
  (aurelienallard.netlify.app/post/anaytic-grimmer-possibility-standard-deviations/), as
  the R package scrutiny implements it (grim(), grimmer(); Jung, lhdjung/scrutiny).

Plain Python, no heavy imports.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction


def _exact(value: float | str) -> Fraction:
    """The printed number as an exact fraction: 5.19 is 519/100, not its binary neighbour."""
    return Fraction(Decimal(value if isinstance(value, str) else repr(float(value))))


def _interval(printed: Fraction, decimals: int) -> tuple[Fraction, Fraction]:
    """Every real number that rounds (half up or half down) to `printed` at `decimals`."""
    half = Fraction(1, 2 * 10**decimals)
    return printed - half, printed + half


def possible_sums(mean: float | str, n: int, decimals: int, percent: bool = False) -> range:
    """The whole-number sums of n values whose mean prints as `mean` at `decimals` (a
    percentage of n when `percent`)."""
    if n < 1:
        raise ValueError(f"GRIM needs at least one value, not n = {n}")
    low, high = _interval(_exact(mean), decimals)
    scale = Fraction(n, 100) if percent else Fraction(n)
    return range(math.ceil(low * scale), math.floor(high * scale) + 1)


def sums_at_tens(mean: float | str, n: int, decimals: int, percent: bool = False) -> range:
    """The whole-number sums of n values whose mean (a percentage of n when `percent`)
    prints as `mean` if its trailing zero is not a printed digit: a whole number ending in 0
    ('90') printed to tens stands for every value within 5 of it (13/14 = 92.9% is 90).
    Empty when `mean` has decimals, is 0 or does not end in 0."""
    printed = _exact(mean)
    if decimals != 0 or printed == 0 or printed % 10:
        return range(0)
    scale = 100 if percent else 1
    low, high = (printed - 5) * n / scale, (printed + 5) * n / scale
    top = min(math.floor(high), n) if percent else math.floor(high)
    return range(math.ceil(low), top + 1)


def grim(mean: float | str, n: int, decimals: int, percent: bool = False) -> bool:
    """Whether `mean`, printed at `decimals`, can be the mean of n whole numbers (with
    `percent`, whether it can be a percentage of n), rounded half up or half down.

    Brown & Heathers (2017): 5.19 is not a possible mean of 28 whole numbers (145/28 =
    5.1786, 146/28 = 5.2143) but is one of 32 (166/32 = 5.1875).
    """
    return bool(possible_sums(mean, n, decimals, percent))


def possible_sums_of_squares(
    mean: float | str, sd: float | str, n: int, decimals: int, sd_decimals: int | None = None
) -> Iterator[tuple[int, int]]:
    """(sum, sum of squares) of n whole numbers whose mean and SD (n - 1 denominator) print
    as `mean` and `sd`, one for each possible sum, with the smallest possible sum of
    squares; lazily, since with n >= 10^decimals every sum of a wide range is possible."""
    if n < 2:
        raise ValueError(f"GRIMMER needs at least two values, not n = {n}")
    sd_decimals = decimals if sd_decimals is None else sd_decimals
    sd_low, sd_high = _interval(_exact(sd), sd_decimals)
    sd_low = max(sd_low, Fraction(0))
    for total in possible_sums(mean, n, decimals):
        # sum of squares = (n - 1) SD^2 + total^2 / n: a whole number of the parity of the
        # sum (x^2 and x are both odd or both even), within the SD's rounding interval
        low = (n - 1) * sd_low**2 + Fraction(total**2, n)
        high = (n - 1) * sd_high**2 + Fraction(total**2, n)
        squares = math.ceil(low)
        squares += (squares - total) % 2
        if squares <= high:
            yield total, squares


def grimmer(
    mean: float | str, sd: float | str, n: int, decimals: int, sd_decimals: int | None = None
) -> bool:
    """Whether `mean` ± `sd` (the SD at `sd_decimals`, by default `decimals`) can both come
    from the same n whole numbers (Anaya 2016; Allard's analytic form, 2018).

    False when the mean fails GRIM, or when no whole sum of squares of the right parity
    falls in the SD's rounding interval (Allard's tests 1 to 3).
    """
    return next(possible_sums_of_squares(mean, sd, n, decimals, sd_decimals), None) is not None


def grim_limit(decimals: int, percent: bool = False) -> int:
    """The n from which every value printed at `decimals` passes GRIM: one unit of the sum
    then moves the mean (1/n) or the percentage (100/n) by no more than the rounding
    interval, so some whole sum always lands in it."""
    return (100 if percent else 1) * 10**decimals


def grimmer_limit(sd: float | str, decimals: int, sd_decimals: int | None = None) -> int:
    """The n from which GRIMMER can no longer fail (the mean passes GRIM and the SD's
    rounding interval spans at least 2 in the sum of squares, (n - 1) SD^2, so it holds a
    whole number of either parity)."""
    sd_decimals = decimals if sd_decimals is None else sd_decimals
    low, high = _interval(_exact(sd), sd_decimals)
    spread = high**2 - max(low, Fraction(0)) ** 2
    return max(grim_limit(decimals), math.ceil(1 + 2 / spread))


def nearest_sums(
    mean: float | str, sd: float | str, n: int, decimals: int, sd_decimals: int | None = None
) -> tuple[int, int] | None:
    """A whole sum and sum of squares of n whole numbers that print as `mean` ± `sd`, the
    sum nearest n × mean and the sum of squares at or just below the printed SD's; None
    when GRIMMER fails. For showing what the printed values imply."""
    sd_decimals = decimals if sd_decimals is None else sd_decimals
    sums = possible_sums(mean, n, decimals)
    if n < 2 or not sums:
        return None
    total = min(max(round(_exact(mean) * n), sums[0]), sums[-1])
    sd_low, sd_high = _interval(_exact(sd), sd_decimals)
    low = (n - 1) * max(sd_low, Fraction(0)) ** 2 + Fraction(total**2, n)
    high = (n - 1) * sd_high**2 + Fraction(total**2, n)
    squares = math.ceil(low)
    squares += (squares - total) % 2
    if squares > high:  # not with this sum: the first that works
        return next(possible_sums_of_squares(mean, sd, n, decimals, sd_decimals), None)
    target = (n - 1) * _exact(sd) ** 2 + Fraction(total**2, n)
    return total, squares + 2 * max(0, math.floor((target - squares) / 2))
