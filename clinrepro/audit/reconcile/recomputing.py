"""The value of a claim after a change of patients (some left out, some values read
differently): from the sums of the values (a closed form) for many patients, otherwise
recomputed by the statistics functions within a budget."""

from __future__ import annotations

import numpy as np
from scipy import stats as distributions

from clinrepro.audit.reconcile.recipes import QUANTILE_LEVELS

# a closed form (sums of the values) replaces the statistics functions from this many
# patients on; below it every explanation is recomputed with clinrepro.statistics.results
FAST_FROM = 1000
# statistics without a closed form (quartiles, Wilcoxon) are recomputed for at most this
# many patient-values per kind of explanation; past it a seeded sample, and `bounded` says so
GENERIC_BUDGET = 5_000_000


def ranked_value(ordered, gone, extra, rank) -> np.ndarray:
    """The value of each 0-based `rank` in the numbers (`ordered`, sorted) less the values
    `gone` plus the values `extra` (NaN: none), one row a candidate. The answer is one of
    ordered[rank - len(extra) ... rank + len(gone)] or an extra value: the smallest of
    these with at least rank + 1 numbers at or below it."""
    offsets = np.arange(-extra.shape[1], gone.shape[1] + 1)
    index = np.clip(rank[:, None] + offsets, 0, len(ordered) - 1)
    candidates = np.hstack([ordered[index], extra])
    counts = np.searchsorted(ordered, candidates, side="right")
    counts -= (gone[:, None, :] <= candidates[:, :, None]).sum(axis=2)
    counts += (extra[:, None, :] <= candidates[:, :, None]).sum(axis=2)
    valid = (counts >= rank[:, None] + 1) & ~np.isnan(candidates)
    return np.where(valid, candidates, np.inf).min(axis=1)


def quantiles_after(numbers, removed, added, level: float) -> np.ndarray:
    """Type-7 quantile (numpy's 'linear', as clinrepro.statistics.results.describe) after each change."""
    ordered = np.sort(numbers)
    gone = np.sort(numbers[removed], axis=1)
    n = len(numbers) - removed.shape[1] + np.count_nonzero(~np.isnan(added), axis=1)
    position = (np.maximum(n, 1) - 1) * level
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, np.maximum(n - 1, 0))
    low = ranked_value(ordered, gone, added, below)
    high = ranked_value(ordered, gone, added, above)
    fraction = position - below
    # numpy's interpolation, from the nearer end (numpy.lib._function_base_impl._lerp)
    value = np.where(
        fraction >= 0.5, high - (high - low) * (1 - fraction), low + (high - low) * fraction
    )
    return np.where(n > 0, value, np.nan)


def closed_forms(numbers, removed, added, form: str) -> np.ndarray:
    """The statistic after removing numbers[removed] (rows of positions) and adding `added`
    (rows of values, NaN: none), from the sums: O(1) a candidate."""
    if form in QUANTILE_LEVELS:
        return quantiles_after(numbers, removed, added, QUANTILE_LEVELS[form])
    centre = float(numbers.mean()) if len(numbers) else 0.0
    shifted = numbers - centre
    extra = added - centre
    n = len(numbers) - removed.shape[1] + np.count_nonzero(~np.isnan(added), axis=1)
    taken = shifted[removed]
    sum1 = shifted.sum() - taken.sum(axis=1) + np.nansum(extra, axis=1)
    sum2 = (shifted**2).sum() - (taken**2).sum(axis=1) + np.nansum(extra**2, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = sum1 / n
        spread = np.maximum(sum2 - sum1 * mean, 0)  # the sum of squared deviations
        variance = spread / (n - 1)
        if form == "count":
            return n.astype(float)
        if form == "sum":
            return sum1 + centre * n
        if form == "pct":
            return np.where(n > 0, 100 * (sum1 + centre * n) / n, np.nan)
        if form == "mean":
            return np.where(n > 0, mean + centre, np.nan)
        if form == "sd":
            return np.where(n > 1, np.sqrt(variance), np.nan)
        if form == "p_t":
            # paired_t gives no p-value for changes all alike: a spread that is only
            # rounding error of the sums counts as none
            scale = max(float(np.max(np.abs(shifted))), 1.0) if len(numbers) else 1.0
            t = (mean + centre) / np.sqrt(variance / n)
            p = 2 * distributions.t.sf(np.abs(t), n - 1)
            return np.where((n > 1) & (spread > 1e-12 * scale**2), p, np.nan)
    raise ValueError(f"no closed form {form}")


def recompute(recipe, setting, numbers, removed, added, rng) -> tuple:
    """The claim's value after each change of patients: rows of `removed` positions of
    `numbers` and of `added` numbers (NaN: none). Returns (values, tried, cut): NaN and not
    tried where the budget left a change out, and what it left out ('' when nothing)."""
    form = recipe.fast(setting)
    if form is not None and len(numbers) >= FAST_FROM:
        values = closed_forms(numbers, removed, added, form)
        return values, np.ones(len(values), bool), ""
    # the statistic depends on the numbers only, not on whose they are: one computation
    # for every change that removes and adds the same numbers
    key = np.hstack([np.sort(numbers[removed], axis=1), np.sort(added, axis=1)])
    _, first, inverse = np.unique(
        np.nan_to_num(key, nan=np.inf), axis=0, return_index=True, return_inverse=True
    )
    inverse = inverse.reshape(-1)
    allowed = max(1, GENERIC_BUDGET // max(len(numbers), 1))
    chosen = np.arange(len(first))
    cut = ""
    if len(first) > allowed:
        chosen = np.sort(rng.choice(len(first), size=allowed, replace=False))
        cut = (
            f"{allowed:,} of {len(first):,} distinct recomputations "
            "(a seeded sample; the rest not tried)"
        )
    results = np.full(len(first), np.nan)
    done = np.zeros(len(first), bool)
    for group in chosen:
        row = first[group]
        keep = np.ones(len(numbers), bool)
        keep[removed[row]] = False
        extra = added[row][~np.isnan(added[row])]
        results[group] = recipe.statistic(np.concatenate([numbers[keep], extra]), setting)
        done[group] = True
    return results[inverse], done[inverse], cut
