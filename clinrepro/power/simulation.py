"""Simulated power where no formula is exact: a rank test, or changes too skewed for the
normal theory.

Trials are drawn once per endpoint, design and seed, as an (n, trials) array, and every
sample size reads the first n rows of the same draws (common random numbers): a whole power
curve is one pass of cumulative sums (t-tests) or of counts of positive Walsh averages (the
signed-rank statistic), and the curve is smooth in n, so the smallest n reaching a target is
read off it. Draws are normal, or keep the shape of the cohort's own changes: a smoothed
bootstrap (each value resampled plus a normal kernel, rescaled to SD 1), so the skew stays
and no two draws tie, and the rank test's exact null distribution holds.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from clinrepro.base.settings import EXACT_MAX_PAIRS

TESTS = ("paired_t", "wilcoxon_signed_rank")


def standardized(values: np.ndarray) -> np.ndarray:
    """The shape of the values: centred and scaled to SD 1 (divisor n), so a resample has
    mean 0 and variance 1."""
    return (values - values.mean()) / values.std()


def bandwidth(shape: np.ndarray) -> float:
    """Silverman's rule of thumb (Density Estimation, 1986) on a standardized sample."""
    quartiles = np.percentile(shape, [25, 75])
    return float(0.9 * min(1.0, (quartiles[1] - quartiles[0]) / 1.34) * len(shape) ** -0.2)


def draws(shape: np.ndarray | None, n: int, trials: int, rng: np.random.Generator) -> np.ndarray:
    """(n, trials) draws of mean 0 and SD 1: normal (shape None) or a smoothed bootstrap of
    the shape."""
    if shape is None:
        return rng.standard_normal((n, trials))
    h = bandwidth(shape)
    picked = shape[rng.integers(0, len(shape), size=(n, trials))]
    return (picked + h * rng.standard_normal((n, trials))) / np.sqrt(1 + h * h)


def paired_curve(change: np.ndarray, test: str, alpha: float) -> np.ndarray:
    """Power of the single-arm test for n = 1..N (index n - 1; NaN below 2 patients), from
    (N, trials) simulated changes."""
    if test == "paired_t":
        return _t_curve(change, None, alpha)
    return _signed_rank_curve(change, alpha)


def parallel_t_curve(treated: np.ndarray, placebo: np.ndarray, alpha: float) -> np.ndarray:
    """Power of the two-sample t-test (pooled SD) for n = 1..N per arm."""
    return _t_curve(treated, placebo, alpha)


def monte_carlo_se(power, trials: int):
    """The simulation error of a simulated power: sqrt(p (1 - p) / trials)."""
    power = np.asarray(power, dtype=float)
    return np.sqrt(power * (1 - power) / trials)


def _t_curve(first: np.ndarray, second: np.ndarray | None, alpha: float) -> np.ndarray:
    size, trials = first.shape
    n = np.arange(1, size + 1, dtype=float)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean, squares = _running_moments(first, n)
        if second is None:
            df = n - 1
            t = mean / np.sqrt(squares / df / n)
        else:
            mean0, squares0 = _running_moments(second, n)
            df = 2 * n - 2
            t = (mean - mean0) / np.sqrt((squares + squares0) / df * 2 / n)
        critical = special.stdtrit(df, 1 - alpha / 2)
        power = np.mean(np.abs(t) >= critical, axis=1)
    power[df[:, 0] < 1] = np.nan
    return power


def _running_moments(values: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sum of squared deviations of the first n rows, for every n."""
    total, squared = np.cumsum(values, axis=0), np.cumsum(values * values, axis=0)
    mean = total / n
    return mean, np.maximum(squared - n * mean * mean, 0.0)


def _signed_rank_curve(change: np.ndarray, alpha: float) -> np.ndarray:
    # W+ = the number of positive Walsh averages (x_i + x_j) / 2, i <= j: adding patient j
    # adds the pairs (i, j), i <= j, so the statistic of every n is a running count
    size, trials = change.shape
    statistic = np.zeros(trials, dtype=np.int64)
    power = np.full(size, np.nan)
    exact = _signed_rank_null(min(size, EXACT_MAX_PAIRS))
    positive = np.empty(change.shape, dtype=bool)
    for j in range(size):
        np.greater(change[: j + 1], -change[j], out=positive[: j + 1])
        statistic += np.add.reduce(positive[: j + 1], axis=0, dtype=np.int64)
        n = j + 1
        if n < 2:
            continue
        if n <= EXACT_MAX_PAIRS:
            reject = _exact_rejection(exact[n], alpha)[statistic]
        else:
            # beyond the exact limit the workflow's test uses the normal approximation
            mean, variance = n * (n + 1) / 4, n * (n + 1) * (2 * n + 1) / 24
            z = np.abs(statistic - mean) / np.sqrt(variance)
            reject = special.erfc(z / np.sqrt(2)) <= alpha
        power[j] = reject.mean()
    return power


def _signed_rank_null(largest: int) -> list[np.ndarray]:
    """P(W+ = w), w = 0..n(n+1)/2, for every n up to `largest` (no ties, no zeros): each
    rank k is in the positive sum or not, with probability 1/2."""
    null = [np.ones(1)]
    for k in range(1, largest + 1):
        previous = null[-1]
        current = np.zeros(len(previous) + k)
        current[: len(previous)] += previous / 2
        current[k:] += previous / 2
        null.append(current)
    return null


def _exact_rejection(probabilities: np.ndarray, alpha: float) -> np.ndarray:
    """Which values of W+ the exact two-sided test rejects: p = 2 min(P(W <= w), P(W >= w))."""
    below = np.cumsum(probabilities)
    above = np.cumsum(probabilities[::-1])[::-1]
    p = np.minimum(1.0, 2 * np.minimum(below, above))
    return p <= alpha * (1 + 1e-9)
