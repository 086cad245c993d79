"""The search of one claim: the explanations tried, those that reproduce it, and the
single explanations that leave the patients as they are: granularity (GRIM, GRIMMER),
rounding, another population or another test."""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from clinrepro.adam.endpoints import COMPARATORS
from clinrepro.audit.integrity import (
    grim,
    grimmer,
    possible_sums,
    possible_sums_of_squares,
    sums_at_tens,
)
from clinrepro.audit.reconcile.claims import ROUNDINGS, Claim, as_printed, reproduces
from clinrepro.audit.reconcile.recipes import Recipe
from clinrepro.base.printed import fixed, round_half_up, rounded

KINDS = ("granularity", "rounding", "population", "test", "one patient", "two patients", "one cell")
NEARBY_N = 3  # GRIM and GRIMMER: the sample sizes tried around the data's n


@dataclass
class Found:
    kind: str
    changes: int
    order: tuple
    detail: str
    value: float
    printed: str


class Search:
    """The explanations of one claim: those tried, those that reproduce it."""

    def __init__(self, claim: Claim, limits: dict):
        self.claim, self.limits = claim, limits
        self.found: list[Found] = []
        self.tried = 0
        self.bounded: list[str] = []
        self.notes: list[str] = []
        self.rng = np.random.default_rng([int(limits["seed"]), zlib.crc32(claim.claim_id.encode())])

    def offer(self, kind, changes, order, detail, value):
        """Count one explanation tried; keep it if it reproduces the claim."""
        self.tried += 1
        if reproduces(value, self.claim):
            shown = as_printed(value, self.claim)
            self.found.append(Found(kind, changes, order, detail, float(value), shown))


def reproducing(values: np.ndarray, claim: Claim) -> np.ndarray:
    """`reproduces` for many values: against a bound the comparison itself; otherwise a
    cheap float filter, then the exact decimal rule on what passes it."""
    finite = np.isfinite(values)
    if claim.comparator != "=":
        met = np.zeros(len(values), bool)
        met[finite] = COMPARATORS[claim.comparator](values[finite], claim.reported)
        return met
    half = 0.5 * 10.0**-claim.precision
    near = finite & (np.abs(values - claim.reported) <= half * (1 + 1e-9))
    near[near] = [reproduces(value, claim) for value in values[near]]
    return near


def group_rows(keys: np.ndarray) -> list[np.ndarray]:
    """Indices of equal rows of `keys`, the groups in order of first appearance."""
    if len(keys) == 0:
        return []
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    return [np.flatnonzero(inverse == group) for group in np.argsort(first)]


def granularity(search: Search, recipe: Recipe, numbers: np.ndarray, ledger: pd.DataFrame):
    """GRIM for a mean or a percentage, GRIMMER for an SD, at the data's n and nearby."""
    claim = search.claim
    n = len(numbers)
    if claim.comparator != "=" or n == 0:
        return
    statistic = claim.statistic
    percent = statistic == "pct"
    mean_like = statistic in ("mean", "mean_change") and recipe.integer
    if not (percent or mean_like or (statistic == "sd" and recipe.integer)):
        return
    reported = fixed(claim.reported, claim.precision)
    shown = reported + ("%" if percent else "")
    what = "percentage of" if percent else "mean of"
    if statistic == "sd":
        mean = reported_mean(claim, ledger)
        if mean is None or n < 2:
            return
        mean_value, mean_precision = mean

        def possible(m):
            return m >= 2 and grimmer(mean_value, reported, m, mean_precision, claim.precision)

        what = f"SD, with a mean of {mean_value}, of"
        test = "GRIMMER"
    else:

        def possible(m):
            return m >= 1 and grim(reported, m, claim.precision, percent)

        test = "GRIM"
    search.tried += 1
    if possible(n):
        return
    nearby = [m for m in range(n - NEARBY_N, n + NEARBY_N + 1) if m != n and possible(m)]
    unit = "patients" if percent else "whole numbers"
    impossible = f"{shown} is not a possible {what} {n} {unit} at {claim.precision} decimals"
    tens = (
        "; printed to tens (its last zero not a printed digit) it is possible, so GRIM cannot "
        "decide"
        if trailing_zero_ambiguous(reported, claim.precision, n, percent)
        else ""
    )
    if not nearby:
        others = f"{max(n - NEARBY_N, 1)} to {n + NEARBY_N}"
        search.notes.append(f"{impossible}, nor of {others} ({test}){tens}")
        return
    closest = min(nearby, key=lambda m: (abs(m - n), m))
    if statistic == "sd":
        total, squares = next(
            possible_sums_of_squares(mean_value, reported, closest, mean_precision, claim.precision)
        )
        value = math.sqrt((squares - total**2 / closest) / (closest - 1))
    else:
        sums = possible_sums(reported, closest, claim.precision, percent)
        scale = 100 if percent else 1
        total = min(sums, key=lambda s: abs(Fraction(s * scale, closest) - Fraction(reported)))
        value = float(Fraction(total * scale, closest))
    words = f"{impossible}; it is possible with {' or '.join(map(str, nearby))} ({test}){tens}"
    found = Found(
        "granularity", abs(closest - n), (closest,), words, value, as_printed(value, claim)
    )
    search.found.append(found)


def trailing_zero_ambiguous(reported: str, precision: int, n: int, percent: bool) -> bool:
    """A whole number ending in 0 ('90') may be printed to tens: then some k/n within 5 of
    it prints as it, and GRIM cannot tell (13/14 = 92.9% is 90 at tens)."""
    return bool(sums_at_tens(reported, n, precision, percent))


def reported_mean(claim: Claim, ledger: pd.DataFrame) -> tuple[str, int] | None:
    """The mean printed beside an SD claim: same analysis, population, measure and visit."""
    same = (
        (ledger["analysis"].astype(str) == claim.analysis)
        & (ledger["population"].astype(str) == claim.role)
        & (ledger["parameter"].astype(str) == claim.parameter)
        & (ledger["visit"].fillna("").astype(str) == claim.visit)
        & (ledger["statistic"].astype(str) == "mean")
        & (ledger["comparator"].astype(str) == "=")
    )
    rows = ledger[same.to_numpy()]
    if rows.empty or pd.isna(rows["value"].iloc[0]):
        return None
    precision = int(rows["precision"].iloc[0])
    return fixed(float(rows["value"].iloc[0]), precision), precision


def rounding(search: Search, value: float):
    claim = search.claim
    if not np.isfinite(value):
        return
    methods = list(ROUNDINGS)
    if claim.comparator != "=":
        methods.insert(0, ("rounded half up", ROUND_HALF_UP))
    for words, mode in methods:
        if (mode == ROUND_FLOOR and value >= 0) or (mode == ROUND_CEILING and value < 0):
            continue  # the same as truncation
        shown = rounded(value, claim.precision, mode)
        search.tried += 1
        if claim.comparator == "=":
            ok = shown == round_half_up(claim.reported, claim.precision)
        else:
            ok = COMPARATORS[claim.comparator](float(shown), claim.reported)
        if ok:
            detail = f"{unrounded_words(value)} {words} to {claim.precision} decimals"
            if claim.comparator == "=":
                detail += ", not half up"
            else:
                detail += f" ({shown}) meets the bound; the unrounded value does not"
            text = as_printed(value, claim, mode)
            search.found.append(Found("rounding", 1, (), detail, float(value), text))
    tens(search, value)


def tens(search: Search, value: float):
    """A whole percentage ending in 0 ('90%') may be printed to tens, its trailing zero not a
    printed digit: 92.86% is then 90%, as GRIM's check says (it cannot decide)."""
    claim = search.claim
    reported = Decimal(repr(float(claim.reported)))
    if claim.comparator != "=" or claim.unit != "%" or claim.precision != 0:
        return
    if reported == 0 or reported % 10 or round_half_up(value, 0) == reported:
        return
    search.tried += 1
    at_tens = Decimal(repr(float(value))).scaleb(-1).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if at_tens.scaleb(1) == reported:
        detail = (
            f"{unrounded_words(value)}% printed to tens (its trailing zero not a printed digit)"
        )
        search.found.append(Found("rounding", 1, (), detail, float(value), f"{claim.reported:g}%"))


def alternatives(search: Search, recipe: Recipe, kind: str, settings):
    base = recipe.base()
    seen = {recipe.all_numbers(base).tobytes()}
    for order, (setting, words, changes) in enumerate(settings):
        numbers = recipe.all_numbers(setting)
        key = numbers.tobytes()
        if setting.test is None and not setting.unpaired:
            if key in seen:
                continue  # the same patients and numbers: the same value, not a new try
            seen.add(key)
        value = recipe.statistic(numbers[~np.isnan(numbers)], setting)
        search.offer(kind, changes, (order,), words, value)


def unrounded_words(value: float) -> str:
    """The value before any rounding, to six significant digits: 0.0504."""
    return f"{value:.6g}" if np.isfinite(value) else "no value"
