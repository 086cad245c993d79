"""Power and sample size: known answers, the pilot's own numbers, analytic against simulated."""

import math
import statistics

import numpy as np
import pytest
from scipy import stats

from clinrepro.power import (
    DESIGNS,
    analytic_power,
    analytic_sample_size,
    dz_interval,
    placebo_response,
    simulated_power,
)

MMT8_CHANGE = [0, 12, -2, 24, 14, -1, 15, 9]  # the 8 active-muscle pairs of Table 1
CDASI_CHANGE = [-11, -20, -30, -19, -10, -8, -12, -23, -3, -16, -13, -11, -10, -6]


def change_endpoint(changes, test="paired_t", placebo=0.0):
    return {
        "kind": "change",
        "changes": np.asarray(changes, dtype=float),
        "test": test,
        "placebo": placebo,
    }


def test_known_answer_analytic_and_simulated_agree_within_simulation_error():
    # a standardized effect of 0.5: 34 patients give 80% power (33.4 rounded up)
    normal = np.random.default_rng(7).normal(0.5, 1.0, 400_000)
    normal = (normal - normal.mean()) / normal.std(ddof=1) + 0.5  # exactly d = 0.5
    endpoint = change_endpoint(normal)
    assert analytic_sample_size(endpoint, DESIGNS[0], 0.8, 0.05, 1000) == 34
    simulations = 40_000
    for design, n in ((DESIGNS[0], 34), (DESIGNS[1], 64)):
        expected = analytic_power(endpoint, design, n, 0.05)
        simulated = simulated_power(endpoint, design, n, 0.05, simulations, seed=1)
        error = math.sqrt(expected * (1 - expected) / simulations)
        assert abs(simulated - expected) < 4 * error, (design, simulated, expected)


def test_pilot_power_for_mmt8_by_the_noncentral_t():
    d = statistics.mean(MMT8_CHANGE) / statistics.stdev(MMT8_CHANGE)
    assert d == pytest.approx(0.961116, abs=1e-6)
    n, critical = 8, stats.t.ppf(0.975, 7)
    by_hand = stats.nct.sf(critical, 7, d * math.sqrt(n)) + stats.nct.cdf(
        -critical, 7, d * math.sqrt(n)
    )
    assert analytic_power(change_endpoint(MMT8_CHANGE), DESIGNS[0], n, 0.05) == pytest.approx(
        by_hand, abs=1e-6
    )
    assert by_hand == pytest.approx(0.647, abs=1e-3)  # the pilot had about a 65% chance to see it


def test_dz_interval_inverts_the_noncentral_t():
    changes = np.array(CDASI_CHANGE, dtype=float)
    low, high = dz_interval(changes, 0.95)
    t_observed = changes.mean() / (changes.std(ddof=1) / math.sqrt(14))
    assert stats.nct.cdf(t_observed, 13, low * math.sqrt(14)) == pytest.approx(0.975)
    assert stats.nct.cdf(t_observed, 13, high * math.sqrt(14)) == pytest.approx(0.025)
    assert low < changes.mean() / changes.std(ddof=1) < high


def test_placebo_response_under_no_change():
    # CDASI changes moved to a mean of 0 (+13.71): a decrease >= 5 needs a change <= -18.71,
    # which 4 of the 14 pilot changes (-20, -30, -19, -23) still are
    response = {"direction": "decrease", "threshold": 5}
    assert placebo_response(np.array(CDASI_CHANGE, float), response, None) == pytest.approx(4 / 14)
    assert placebo_response(np.array(CDASI_CHANGE, float), response, 0.1) == 0.1


def test_response_sample_size_against_the_closed_form():
    # one-sample test of 0.5 against 0.2 by Cohen's h: n = ((z_a/2 + z_b) / h)^2
    endpoint = {"kind": "response", "proportion": 0.5, "placebo": 0.2}
    h = 2 * math.asin(math.sqrt(0.5)) - 2 * math.asin(math.sqrt(0.2))
    by_hand = ((stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) / h) ** 2
    assert analytic_sample_size(endpoint, DESIGNS[0], 0.8, 0.05, 1000) == math.ceil(by_hand)


def test_simulation_is_seeded():
    endpoint = change_endpoint(MMT8_CHANGE, test="wilcoxon_signed_rank")
    first = simulated_power(endpoint, DESIGNS[1], 20, 0.05, 5000, seed=3)
    assert simulated_power(endpoint, DESIGNS[1], 20, 0.05, 5000, seed=3) == first
