"""The data dictionary of the power step's tables, checked where they are written
(clinrepro.power.run.run): power.csv, power_summary.csv and power_curve.csv.

The summary's sample-size columns follow the power settings (`targets`, the placebo
`grid`) and are declared by their form.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from clinrepro.power.scenarios import OFFERED, REFERENCE, WITHDRAWN
from clinrepro.reading.schemas import empty_or

STATUSES = [OFFERED, REFERENCE, WITHDRAWN]


class Power(pa.DataFrameModel):
    """Every number of the power and sample-size planning (power.csv): a row a quantity of
    an endpoint, assumption and analysis."""

    endpoint: Series[str] = pa.Field(description="The endpoint in words.")
    measure: Series[str] = pa.Field(description="Measure code.")
    population: Series[str] = pa.Field(description="Population flag.")
    assumption: Series[str] = empty_or("The effect assumed (empty on the observed rows).")
    source: Series[str] = pa.Field(description="Where the assumption comes from.")
    design: Series[str] = pa.Field(description="single-arm paired, two-arm parallel or observed.")
    analysis: Series[str] = empty_or("The planned analysis.")
    method: Series[str] = pa.Field(description="How the quantity is computed.")
    status: Series[str] = empty_or("offered, reference or withdrawn.", isin=STATUSES)
    reason: Series[str] = empty_or("Why a row is withdrawn or only a reference.")
    quantity: Series[str] = pa.Field(description="Which quantity (power, n for 80% power, ...).")
    n: Series[float] = pa.Field(ge=0, nullable=True, description="The n a power is computed at.")
    value: Series[float] = pa.Field(nullable=True, description="The quantity's value.")
    note: Series[str] = empty_or("A note, e.g. 'not reached by' the largest n.")
    mc_se: Series[float] = pa.Field(
        ge=0, nullable=True, description="Monte Carlo standard error of a simulated power."
    )
    effect: Series[float] = pa.Field(nullable=True, description="The effect assumed.")
    placebo: Series[float] = pa.Field(nullable=True, description="The placebo arm's effect.")
    placebo_from: Series[str] = empty_or("Where the placebo effect comes from.")
    difference: Series[float] = pa.Field(nullable=True, description="Effect minus placebo.")
    sd: Series[float] = pa.Field(ge=0, nullable=True, description="SD assumed.")
    standardized: Series[float] = pa.Field(
        nullable=True, description="The difference in SDs (Cohen's d) or Cohen's h."
    )
    assumes: Series[str] = empty_or("What the row assumes, in sentences.")

    class Config:
        strict = True
        coerce = True


class PowerSummary(pa.DataFrameModel):
    """The planning table for reading (power_summary.csv): a row a scenario, every number
    printed."""

    endpoint: Series[str] = pa.Field(description="The endpoint in words.")
    assumption: Series[str] = pa.Field(description="The effect assumed.")
    design: Series[str] = pa.Field(description="single-arm paired or two-arm parallel.")
    analysis: Series[str] = pa.Field(description="The planned analysis.")
    method: Series[str] = pa.Field(description="analytic, simulated or exact.")
    status: Series[str] = pa.Field(isin=STATUSES, description="offered, reference or withdrawn.")
    effect: Series[str] = pa.Field(description="The effect assumed, printed.")
    placebo: Series[str] = empty_or("The placebo arm's effect, printed.")
    difference: Series[str] = pa.Field(description="Effect minus placebo, signed.")
    SD: Series[str] = empty_or("SD assumed, printed.")
    d_or_h: Series[str] = pa.Field(alias="d or h", description="Cohen's d or h, printed.")
    own_power: Series[str] = empty_or(
        "Power at the cohort's own n, and that n.", alias="power at the cohort's n"
    )
    sizes: Series[str] = empty_or(
        "n for each power target of the settings (`targets`), e.g. 'n for 80% power'.",
        alias=r"^n for \d+(\.\d+)?% power$",
        regex=True,
    )
    MC_SE: Series[str] = empty_or("Monte Carlo standard error of a simulated power.", alias="MC SE")
    grid: Series[str] = empty_or(
        "Two-arm n for each placebo response of the settings' grid, e.g. 'placebo 20%'.",
        alias=r"^placebo \d+(\.\d+)?%$",
        regex=True,
    )
    assumes: Series[str] = pa.Field(description="What the row assumes, a sentence a line.")
    reason: Series[str] = empty_or("Why a row is withdrawn or only a reference.")

    class Config:
        strict = True
        coerce = True


class PowerCurve(pa.DataFrameModel):
    """Power against n of each endpoint's planning assumption (power_curve.csv)."""

    endpoint: Series[str] = pa.Field(description="The endpoint in words.")
    assumption: Series[str] = pa.Field(description="The planning assumption.")
    design: Series[str] = pa.Field(description="single-arm paired or two-arm parallel.")
    analysis: Series[str] = pa.Field(description="The planned analysis.")
    method: Series[str] = pa.Field(description="analytic, simulated or exact.")
    n: Series[int] = pa.Field(ge=1, description="Patients (per arm in a two-arm design).")
    power: Series[float] = pa.Field(ge=0, le=1, description="Power at n.")
    mc_se: Series[float] = pa.Field(
        ge=0, nullable=True, description="Monte Carlo standard error of a simulated power."
    )

    class Config:
        strict = True
        coerce = True
