"""Power and sample size by formula, and the cohort's estimates they start from.

From the libraries: the chi-square and t quantiles (scipy.stats), Clopper-Pearson limits
(statsmodels' proportion_confint, method "beta") and the exact binomial test's rejection
region (statsmodels' binom_test_reject_interval). Written here, each saying why: the
noncentral t power of the t-tests and of ANCOVA (statsmodels' TTestPower returns NaN where
scipy's noncentral t cdf fails far in a tail, e.g. d = 1.36 at n = 100, and then the search
for the smallest n goes wrong; ANCOVA with a baseline correlation is in no library), the
arcsine power (NormalIndPower's, to the last digit of the pilot's power_curve.csv), the
power of the exact binomial test and of two proportions by enumeration, the Fisher z
interval of a correlation, the CI of d_z and the adjusted skewness (scipy.stats.skew
agrees to 1e-15 but not to the last printed digit of power.csv). tests/test_power.py checks
each against statsmodels or scipy.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import special, stats
from statsmodels.stats.proportion import binom_test_reject_interval, proportion_confint

# ---- the cohort's estimates


def upper_sd(sd: float, n: int, level: float) -> float:
    """One-sided upper confidence limit of an SD from the chi-square distribution:
    s * sqrt((n - 1) / chi2_{1-level, n-1}) (Browne, Stat Med 1995)."""
    return float(sd * np.sqrt((n - 1) / stats.chi2.isf(level, n - 1)))


def lower_mean(mean: float, sd: float, n: int, level: float) -> float:
    """One-sided lower t confidence limit of a mean."""
    return float(mean - stats.t.ppf(level, n - 1) * sd / np.sqrt(n))


def one_sample_p(mean: float, sd: float, n: int) -> float:
    """Two-sided p of the one-sample (paired) t-test of a mean against 0, from the summary
    statistics the planning rows print (scipy's ttest_1samp needs the values)."""
    t = mean / (sd / np.sqrt(n))
    return float(2 * stats.t.sf(abs(t), n - 1))


def clopper_pearson(responders: int, n: int, level: float) -> tuple[float, float]:
    """Exact two-sided CI of a proportion (statsmodels' beta method)."""
    low, high = proportion_confint(responders, n, alpha=1 - level, method="beta")
    return float(low), float(high)


def lower_proportion(responders: int, n: int, level: float) -> float:
    """One-sided lower Clopper-Pearson limit of a proportion: the lower end of the two-sided
    interval at level 1 - 2 (1 - level)."""
    return float(proportion_confint(responders, n, alpha=2 * (1 - level), method="beta")[0])


def correlation_interval(r: float, n: int, level: float) -> tuple[float, float]:
    """Two-sided CI of a Pearson correlation by Fisher's z (n >= 4)."""
    z, half = _fisher_z(r), special.ndtri(1 - (1 - level) / 2) / np.sqrt(n - 3)
    return float(np.tanh(z - half)), float(np.tanh(z + half))


def _fisher_z(r: float) -> float:
    # a correlation of exactly 1 (two measurements of one thing) has no finite z
    return float(np.arctanh(np.clip(r, -1 + 1e-12, 1 - 1e-12)))


def skewness(values: np.ndarray) -> float:
    """Adjusted Fisher-Pearson skewness G1 (as spreadsheets and SAS give it); n >= 3."""
    n, centred = len(values), values - values.mean()
    m2, m3 = np.mean(centred**2), np.mean(centred**3)
    return float(np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)


def dz_interval(change: np.ndarray, level: float) -> tuple[float, float]:
    """CI of the standardized mean change d_z by inverting the noncentral t distribution."""
    n = len(change)
    t_observed = change.mean() / (change.std(ddof=1) / np.sqrt(n))
    tail = (1 - level) / 2
    quantiles = np.array([1 - tail, tail])
    span = abs(t_observed) + 10
    low, high = np.full(2, t_observed - span), np.full(2, t_observed + span)
    # the cdf falls as the noncentrality grows: bisection, both limits at once
    for _ in range(80):
        middle = (low + high) / 2
        cdf = special.nctdtr(n - 1, middle, t_observed)
        # far into a tail the cdf can come back as NaN: it is then 0 or 1
        cdf = np.where(np.isfinite(cdf), cdf, (middle < t_observed).astype(float))
        above = cdf > quantiles
        low, high = np.where(above, middle, low), np.where(above, high, middle)
    return float(low[0] / np.sqrt(n)), float(low[1] / np.sqrt(n))


# ---- power of the t-tests and ANCOVA (two-sided)


def noncentral_t_power(noncentrality, df, alpha: float):
    """Power of a two-sided t-test: both tails of the noncentral t beyond the critical value."""
    critical = special.stdtrit(df, 1 - alpha / 2)
    shift = np.abs(noncentrality)  # the power is symmetric in the sign of the effect
    # far into the lower tail the cdf can come back as NaN: it is then 0
    below_upper = np.nan_to_num(special.nctdtr(df, shift, critical), nan=0.0)
    below_lower = np.nan_to_num(special.nctdtr(df, shift, -critical), nan=0.0)
    return 1 - below_upper + below_lower


def paired_t_power(d, n, alpha: float):
    """Paired (one-sample) t-test of a standardized mean change d = mean / SD with n pairs."""
    n = np.asarray(n, dtype=float)
    return noncentral_t_power(d * np.sqrt(n), n - 1, alpha)


def two_sample_t_power(d, n, alpha: float):
    """Two-sample t-test, n per arm, of a difference d in SDs of the outcome."""
    n = np.asarray(n, dtype=float)
    return noncentral_t_power(d * np.sqrt(n / 2), 2 * n - 2, alpha)


def ancova_power(difference: float, residual_sd: float, n, alpha: float):
    """ANCOVA on the baseline, n per arm (n >= 3): residual SD = SD at follow-up times
    sqrt(1 - rho^2) (Borm et al., J Clin Epidemiol 2007), 2n - 3 degrees of freedom, and the
    variance of the difference 2/n inflated by 1 + 1/(2n - 4), the mean cost of estimating
    the baseline slope when the arms' baselines differ by chance."""
    n = np.asarray(n, dtype=float)
    spread = residual_sd * np.sqrt(2 / n * (1 + 1 / (2 * n - 4)))
    return noncentral_t_power(difference / spread, 2 * n - 3, alpha)


# ---- proportions


def cohens_h(p1: float, p0: float) -> float:
    return float(2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p0)))


def arcsine_power(h: float, n, alpha: float, arms: int):
    """Normal approximation on the arcsine scale: one sample of n against a fixed proportion
    (arms=1) or two arms of n each (arms=2); both tails, as statsmodels' NormalIndPower."""
    n = np.asarray(n, dtype=float)
    shift = abs(h) * np.sqrt(n / arms)
    critical = special.ndtri(1 - alpha / 2)
    return special.ndtr(shift - critical) + special.ndtr(-shift - critical)


def binomial_pmf(n: int, p: float) -> np.ndarray:
    """P(k of n) for k = 0..n."""
    k = np.arange(n + 1)
    log = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
    return np.exp(log + special.xlogy(k, p) + special.xlog1py(n - k, -p))


@functools.lru_cache(maxsize=64)
def binomial_rejection(p0: float, alpha: float, largest: int) -> tuple[np.ndarray, np.ndarray]:
    """For n = 1..largest, the counts the exact two-sided test rejects with alpha/2 in each
    tail: k <= low[n - 1] (P(X <= k) <= alpha/2 under p0) or k >= high[n - 1]
    (P(X >= k) <= alpha/2). Equal tails, so that the test is two-sided at every n: the
    smallest-likelihood rule (scipy's binomtest) can reject in one tail only and then acts as a
    one-sided test at level alpha."""
    bounds = [binom_test_reject_interval(p0, n, alpha) for n in range(1, largest + 1)]
    low, high = (np.array(bound) for bound in zip(*bounds))
    return low, high


def exact_binomial_power(n, p1: float, p0: float, alpha: float):
    """Power of the exact two-sided binomial test of p0 (alpha/2 in each tail) with n
    patients (an array) when the true proportion is p1: a sawtooth in n, not a smooth curve."""
    n = np.atleast_1d(np.asarray(n, dtype=int))
    # the rejected counts of every n up to a round size, computed once for all calls
    largest = int(2 ** np.ceil(np.log2(max(int(n.max()), 64))))
    low, high = (bound[n - 1] for bound in binomial_rejection(float(p0), float(alpha), largest))
    lower = np.where(low >= 0, special.bdtr(np.maximum(low, 0), n, p1), 0.0)
    upper = np.where(high <= n, special.bdtrc(np.maximum(high - 1, 0), n, p1), 0.0)
    return lower + upper


def two_proportion_exact_power(n: int, p1: float, p0: float, alpha: float) -> float:
    """Power of the pooled two-proportion z-test with n per arm, by enumerating every pair of
    counts; no evidence when both arms agree exactly."""
    k1, k0 = np.arange(n + 1)[:, None], np.arange(n + 1)[None, :]
    pooled = (k1 + k0) / (2 * n)
    se = np.sqrt(pooled * (1 - pooled) * 2 / n)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (k1 - k0) / n / se, 0.0)
    reject = special.erfc(np.abs(z) / np.sqrt(2)) <= alpha
    return float(binomial_pmf(n, p1) @ reject @ binomial_pmf(n, p0))


# ---- sample sizes


def smallest_n(power_of, target: float, first: int, max_n: int) -> float:
    """The smallest n in first..max_n whose power reaches the target, NaN if none does, by
    bisection: `power_of` (of an array of n) must grow with n."""
    if first > max_n or power_of(np.array([max_n]))[0] < target:
        return np.nan
    low, high = first - 1, max_n  # power(low) < target <= power(high); low may be no n
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if power_of(np.array([middle]))[0] >= target else (middle, high)
    return float(high)


def first_stable(power: np.ndarray, target: float, first: int) -> float:
    """The smallest n >= first from which power[n - 1] stays at or above the target up to
    the curve's end (an exact test's sawtooth dips below it again after first reaching it);
    NaN if the curve ends below it."""
    below = np.flatnonzero(np.nan_to_num(power[first - 1 :]) < target)
    if len(below) and below[-1] == len(power) - first:
        return np.nan
    return float(below[-1] + 1 + first) if len(below) else float(first)


def first_reaching(power: np.ndarray, target: float, first: int) -> float:
    """The smallest n >= first with power[n - 1] >= target (a sawtooth or a simulated
    curve); NaN if none does."""
    reached = np.flatnonzero(np.nan_to_num(power[first - 1 :]) >= target)
    return float(reached[0] + first) if len(reached) else np.nan
