"""Closed forms for values worked out by hand, independent of scipy."""

import math


def t_two_sided_p(t: float, df: int) -> float:
    """Two-sided p of Student's t at an odd number of degrees of freedom, in closed form
    (Abramowitz & Stegun 26.7.3): 1 - (2/pi) [theta + sin theta (cos theta
    + 2/3 cos^3 theta + (2*4)/(3*5) cos^5 theta + ...)], theta = atan(|t| / sqrt(df))."""
    assert df % 2 == 1
    theta = math.atan(abs(t) / math.sqrt(df))
    term, series = math.cos(theta), 0.0
    for power in range(1, df - 1, 2):  # cos^1, cos^3, ..., cos^(df-2)
        series += term
        term *= (power + 1) / (power + 2) * math.cos(theta) ** 2
    return 1 - 2 / math.pi * (theta + math.sin(theta) * series)
