"""The data dictionary of the analysis results data (ARD), checked where it is written
(clinrepro.statistics.results.run)."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from clinrepro.reading.schemas import row_check

ANALYSES = [
    "summary",
    "categorical",
    "paired_test",
    "response",
    "subgroup_response",
    "subgroup_paired_test",
    "marker_discordance",
]
# the tests and intervals a row's value comes from; empty for a summary or a count
METHODS = ["", "paired_t", "paired_t_log", "wilcoxon_signed_rank", "clopper_pearson"]
# statistics that are probabilities
PROBABILITIES = ["p_value"]


class ARD(pa.DataFrameModel):
    """Analysis results data: one statistic a row."""

    analysis: Series[str] = pa.Field(isin=ANALYSES, description="Kind of analysis.")
    population: Series[str] = pa.Field(
        str_matches=r"^[A-Z][A-Z0-9]*FL$", description="Population flag of ADSL (e.g. SAFFL)."
    )
    parameter: Series[str] = pa.Field(
        description="Measure code, or the ADSL characteristic counted (e.g. SEX)."
    )
    visit: Series[str] = pa.Field(description="Visit code.")
    category: Series[str] = pa.Field(
        nullable=True,
        description="Category of a count, a subgroup (COLUMN=value) or the measure a marker "
        "tracks; empty otherwise.",
    )
    method: Series[str] = pa.Field(
        isin=METHODS, nullable=True, description="Test or interval method; empty for summaries."
    )
    statistic: Series[str] = pa.Field(
        str_matches=r"^[a-z][a-z0-9_]*$", description="Statistic name (n, mean, p_value, ...)."
    )
    value: Series[float] = pa.Field(
        nullable=True, description="The statistic's value, full precision."
    )
    note: Series[str] = pa.Field(
        nullable=True, description="How it was computed (sidedness, exact or approximate, ...)."
    )

    @row_check("value", "a p-value is outside 0 to 1")
    def p_values_are_probabilities(cls, df):
        is_p = df["statistic"].isin(PROBABILITIES)
        return ~is_p | df["value"].between(0, 1) | df["value"].isna()

    class Config:
        strict = True
        coerce = True
