"""The data dictionary of the analysis datasets: ADSL and ADEFF, checked where they are
written (clinrepro.adam.endpoints.run).

Columns that follow the cohort's settings are declared by their form: the population
flags (`...FL`, from the analysis's populations) by a regular expression.
"""

from __future__ import annotations

from typing import Optional

import pandera.pandas as pa
from pandera.typing import Series

from clinrepro.base.columns import POPULATION_FLAG

# a Y/N flag; '' (an empty cell) where a record has none
FLAG = ["Y", "N"]


def population_flags():
    """The population flags' field: one Y/N column a population of the analysis."""
    return pa.Field(
        isin=FLAG,
        alias=POPULATION_FLAG,
        regex=True,
        description="Population flags, one column each (SAFFL every treated patient, then one "
        "a population of the analysis, e.g. ACTCUTFL): Y in the population, N not.",
    )


class ADSL(pa.DataFrameModel):
    """Subject-level analysis dataset: one row a patient."""

    STUDYID: Series[str] = pa.Field(description="Study identifier from the cohort's settings.")
    USUBJID: Series[str] = pa.Field(
        unique=True, description="Unique patient identifier: STUDYID-SUBJID."
    )
    SUBJID: Series[str] = pa.Field(
        unique=True, description="Patient number as printed in the source table."
    )
    AGE: Series[float] = pa.Field(ge=0, description="Age at inclusion, years.")
    SEX: Series[str] = pa.Field(description="Sex, coded (F, M).")
    DISDUR: Series[float] = pa.Field(
        ge=0, nullable=True, description="Disease duration at inclusion, years."
    )
    ABTYPE: Series[str] = pa.Field(description="Myositis-specific antibody, coded.")
    NPRIOR: Series[float] = pa.Field(
        ge=0, nullable=True, description="Number of previous treatments; missing if not recorded."
    )
    PRIORTRT: Series[str] = pa.Field(
        nullable=True, description="Previous treatments' codes, separated by ';'; empty if none."
    )
    ANYPRIOR: Series[str] = pa.Field(
        isin=[*FLAG, ""],
        nullable=True,
        description="Y if the patient had any previous treatment, N if none; empty if unknown.",
    )
    TRTMOL: Series[str] = pa.Field(description="JAK inhibitor received (lower-case INN).")
    TRTDOSE: Series[float] = pa.Field(
        gt=0, nullable=True, description="Total daily dose, mg/day; missing where none is printed."
    )
    TRT01A: Series[str] = pa.Field(
        description="Treatment as given: molecule and daily dose, or the molecule alone."
    )
    flags: Series[str] = population_flags()

    class Config:
        strict = True
        coerce = True


class ADEFF(pa.DataFrameModel):
    """Parameter-level analysis dataset: one row a patient, parameter and visit."""

    STUDYID: Series[str] = pa.Field(description="Study identifier.")
    USUBJID: Series[str] = pa.Field(description="Unique patient identifier: STUDYID-SUBJID.")
    SUBJID: Series[str] = pa.Field(description="Patient number as printed.")
    PARAMCD: Series[str] = pa.Field(description="Measure code, one of the cohort's measures.")
    PARAM: Series[str] = pa.Field(description="Measure's label and unit, e.g. 'CDASI (points)'.")
    AVISIT: Series[str] = pa.Field(description="Visit code, one of the cohort's visits.")
    AVISITN: Series[float] = pa.Field(
        description="The visit's time in the cohort's settings (e.g. months)."
    )
    AVAL: Series[float] = pa.Field(
        nullable=True, description="Value in the measure's unit; missing where printed NA."
    )
    AVALSD: Series[float] = pa.Field(
        ge=0, nullable=True, description="SD of replicate assays where printed after '±'."
    )
    ABLFL: Series[str] = pa.Field(
        isin=["Y", ""], nullable=True, description="Y on the baseline record; empty otherwise."
    )
    BASE: Series[float] = pa.Field(
        nullable=True, description="Baseline value of the patient and measure."
    )
    CHG: Series[float] = pa.Field(
        nullable=True, description="Change from baseline, AVAL - BASE (post-baseline records)."
    )
    PCHG: Series[float] = pa.Field(
        nullable=True,
        description="Percent change from baseline, 100 × CHG / BASE; missing when BASE is 0.",
    )
    flags: Series[str] = population_flags()
    CRIT1: Series[str] = pa.Field(
        nullable=True,
        description="Response criterion in words, on the response visit's records of the "
        "response measure; empty elsewhere.",
    )
    CRIT1FL: Series[str] = pa.Field(
        isin=[*FLAG, ""],
        nullable=True,
        description="Y if the patient meets CRIT1, N if not; empty if not evaluable.",
    )
    CRIT1IMP: Series[str] = pa.Field(
        isin=["Y", ""],
        nullable=True,
        description="Y where CRIT1FL is N by imputation (missing_response: nonresponder).",
    )
    SRCCOL: Series[str] = pa.Field(description="Printed header of the source column.")
    SRCCELL: Series[str] = pa.Field(description="The source cell exactly as printed.")
    ADT: Optional[Series[str]] = pa.Field(
        nullable=True,
        description="Dated registries only: the analysis date (YYYY-MM-DD) of the value, "
        "empty where there is none.",
    )
    ADY: Optional[Series[float]] = pa.Field(
        nullable=True,
        description="Dated registries only: its study day (the start is day 1, the day before "
        "day -1, no day 0).",
    )
    AWLO: Optional[Series[float]] = pa.Field(
        nullable=True, description="Dated registries only: first study day of the visit's window."
    )
    AWHI: Optional[Series[float]] = pa.Field(
        nullable=True, description="Dated registries only: last study day of the visit's window."
    )
    AWTARGET: Optional[Series[float]] = pa.Field(
        nullable=True,
        description="Dated registries only: the window's target day (the value closest to it "
        "is analysed; at baseline the last value in the window).",
    )

    class Config:
        strict = True
        coerce = True
