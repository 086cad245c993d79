"""The data dictionary of the raw and tidy tables, the claims ledger, the reported
summaries and the stated outcomes: one pandera model per table, with controlled terminology.

Each field's description says what the column means and its unit (docs/outputs.md lists
them, written from the models). The tables of later stages have their models in their
stage's `schemas` module, built with `row_check` and `empty_or` from here.
"""

from __future__ import annotations

from typing import Optional

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from clinrepro.base.columns import translated
from clinrepro.base.study import range_words
from clinrepro.reading.ledger_checks import CHECK_SIGNATURES, check_problem
from clinrepro.base.vocabularies import cohort_terms

# the shipped vocabularies (config/vocabularies.yaml) the models below list; a cohort that
# extends them is checked by the schemas of tidy_vocabulary_schemas
SHIPPED = cohort_terms()
CODE_PATTERN = r"[A-Za-z][A-Za-z0-9_]*"
NUMBER_PATTERN = r"-?\d+(\.\d+)?"
NA_TOKEN = "NA"
MEASUREMENT_CELL = rf"^({NA_TOKEN}|{NUMBER_PATTERN}( ?± ?({NUMBER_PATTERN}|{NA_TOKEN}))?)$"
# a measurement column of the wide table, once its header is mapped: measure@visit
MEASUREMENT_COLUMN = rf"^{CODE_PATTERN}@{CODE_PATTERN}$"

# each printed form a column checks, in words with an example, for the errors people read
# (never the regular expression itself)
PATIENT_ID = r"^[A-Za-z0-9_.-]+$"
REGIMEN_CELL = rf"^[^,]+,\s*{NUMBER_PATTERN}$"
FORMS = {
    PATIENT_ID: "a patient number of letters, digits, '_', '.' or '-' (e.g. 12 or S001)",
    rf"^{NUMBER_PATTERN}$": "a number (e.g. 42 or 3.5)",
    rf"^({NUMBER_PATTERN}|{NA_TOKEN})$": "a number (e.g. 3.5) or a word for missing",
    MEASUREMENT_CELL: "a number (e.g. 68), a word for missing, or 'value ± SD' (e.g. 68 ± 19)",
    REGIMEN_CELL: "the molecule and its daily dose in mg (e.g. 'Ruxolitinib, 30')",
    r"^[A-Z][A-Z0-9]*FL$": "an ADSL population flag (e.g. SAFFL)",
    r"^[a-z0-9_]+$": "an identifier of lower-case letters, digits and '_' (e.g. cdasi_m3_mean)",
    r"^[a-z][a-z0-9_]*$": "a statistic's name (e.g. mean, p_value)",
}

# what a row-level check is about: its failures are reported against this column
ABOUT = "column"


def row_check(column: str, message: str):
    """A named dataframe check whose failures are reported against `column`."""
    return pa.dataframe_check(error=message, statistics={ABOUT: column})


def empty_or(description: str, isin=None, str_matches=None, **field) -> pa.Field:
    """A text column of a table the workflow writes, empty where it does not apply: missing
    or '' (which reads back as missing), or else within `isin` or of the form `str_matches`;
    `field` as pa.Field takes it (alias, regex)."""
    checks = field
    if isin is not None:
        checks["isin"] = [*isin, ""]
    if str_matches is not None:
        checks["str_matches"] = rf"^$|{str_matches}"
    return pa.Field(nullable=True, description=description, **checks)


class RawPatients(pa.DataFrameModel):
    """One row a patient, printed headers mapped to canonical names: a registry's patients
    file, or the published table's patient columns.

    Every cell is text exactly as printed; this model checks the printed forms only.
    """

    subject: Series[str] = pa.Field(
        unique=True,
        str_matches=PATIENT_ID,
        description="Patient number as printed: letters, digits, '_', '.', '-'.",
    )
    age: Series[str] = pa.Field(
        str_matches=rf"^{NUMBER_PATTERN}$", description="Age in years, as printed."
    )
    sex: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description="Sex as printed (mapped through the cohort's vocabulary).",
    )
    disease_duration: Series[str] = pa.Field(
        str_matches=rf"^({NUMBER_PATTERN}|{NA_TOKEN})$",
        description="Disease duration in years, as printed.",
    )
    antibody: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Myositis-specific antibody as printed."
    )
    prior_treatment: Series[str] = pa.Field(
        description=(
            "List of previous treatments separated by the cohort's list_separator (',' unless "
            "set), or one of its words for none (no_treatment_token) or for missing; each item "
            "is read in extraction."
        ),
    )
    regimen: Optional[Series[str]] = pa.Field(
        str_matches=REGIMEN_CELL,
        description="JAK inhibitor and daily dose in mg, printed as 'Molecule, dose' (one cell).",
    )
    molecule: Optional[Series[str]] = pa.Field(
        str_length={"min_value": 1},
        description="JAK inhibitor as printed, where the dose has a column of its own (or none).",
    )
    dose: Optional[Series[str]] = pa.Field(
        str_matches=rf"^({NUMBER_PATTERN}|{NA_TOKEN})$",
        description="Daily dose in mg, as printed, in a column of its own.",
    )
    start_date: Optional[Series[str]] = pa.Field(
        description="Date treatment started (study day 1), in the cohort's date_format; "
        "registries whose measurements are dated.",
    )

    class Config:
        strict = True


class RawTable(RawPatients):
    """The published wide table: the patient columns and one column a measure and visit."""

    measurement: Series[str] = pa.Field(
        alias=MEASUREMENT_COLUMN,
        regex=True,
        str_matches=MEASUREMENT_CELL,
        description="A measurement cell: 'value', 'value ± SD', 'value ± NA' or 'NA'.",
    )

    class Config:
        strict = True


class RawMeasurements(pa.DataFrameModel):
    """A registry's long measurements file: one row a patient, visit and measure."""

    subject: Series[str] = pa.Field(
        str_matches=PATIENT_ID, description="Patient number as in the patients file."
    )
    visit: Optional[Series[str]] = pa.Field(
        str_length={"min_value": 1},
        description="Visit as printed (mapped through the cohort's visits); or else date.",
    )
    date: Optional[Series[str]] = pa.Field(
        description="Date of the measurement in the cohort's date_format; the analysis visit "
        "is then derived from the visits' windows.",
    )
    measure: Series[str] = pa.Field(
        str_length={"min_value": 1},
        description="Measure as printed (mapped through the cohort's measures).",
    )
    value: Series[str] = pa.Field(
        str_matches=rf"^({NUMBER_PATTERN}|{NA_TOKEN})$",
        description="The value as printed, e.g. 39.0, or the word for missing.",
    )
    unit: Optional[Series[str]] = pa.Field(
        description="The value's unit as printed (where the file has a unit column): the "
        "measure's unit or one of its declared `units`.",
    )

    class Config:
        strict = True


class Subjects(pa.DataFrameModel):
    """One row per patient: baseline characteristics."""

    study_id: Series[str] = pa.Field(description="Study identifier from the cohort's settings.")
    subject_id: Series[str] = pa.Field(
        unique=True, description="Patient number as printed in the source table."
    )
    age: Series[float] = pa.Field(
        ge=SHIPPED["adult_age"][0],
        le=SHIPPED["adult_age"][1],
        description="Age at inclusion, years.",
    )
    sex: Series[str] = pa.Field(isin=list(SHIPPED["sexes"]), description="Sex: F or M.")
    disease_duration: Series[float] = pa.Field(
        ge=0, nullable=True, description="Time from diagnosis to inclusion, years."
    )
    antibody: Series[str] = pa.Field(
        isin=list(SHIPPED["antibodies"]),
        description="Myositis-specific antibody, coded (SERONEG when none was found).",
    )
    n_prior_treatments: Series[float] = pa.Field(
        ge=0,
        nullable=True,
        description="Number of distinct previous treatments; missing when not recorded.",
    )

    @row_check("disease_duration", "disease duration is longer than the patient's age")
    def duration_within_age(cls, df):
        return ~(df["disease_duration"] > df["age"])

    class Config:
        strict = True
        coerce = True


class Regimens(pa.DataFrameModel):
    """One row per patient: the JAK inhibitor received and its daily dose."""

    subject_id: Series[str] = pa.Field(unique=True, description="Patient number.")
    molecule: Series[str] = pa.Field(
        isin=list(SHIPPED["molecules"]),
        description="JAK inhibitor, lower-case international non-proprietary name.",
    )
    dose: Series[float] = pa.Field(
        gt=0,
        nullable=True,
        description="Total daily dose, mg/day; missing where the table prints none.",
    )
    dose_unit: Series[str] = pa.Field(isin=["mg/day"], description="Unit of `dose`.")

    class Config:
        strict = True
        coerce = True


class PriorTreatments(pa.DataFrameModel):
    """One row per patient and previous treatment."""

    subject_id: Series[str] = pa.Field(description="Patient number.")
    treatment: Series[str] = pa.Field(
        isin=list(SHIPPED["prior_treatments"]),
        description="Treatment code from the table's legend.",
    )
    treatment_name: Series[str] = pa.Field(description="Treatment name spelled out.")

    @row_check("treatment", "the same treatment is listed twice for this patient")
    def one_row_per_treatment(cls, df):
        return ~df.duplicated(["subject_id", "treatment"], keep=False)

    class Config:
        strict = True
        coerce = True


class Measurements(pa.DataFrameModel):
    """Long form: one row per patient, parameter and visit, missing values kept as rows."""

    subject_id: Series[str] = pa.Field(description="Patient number.")
    parameter: Series[str] = pa.Field(
        description="Measure code, one of the cohort's measures (checked by `measurement_schema`)."
    )
    visit: Series[str] = pa.Field(
        description="Visit code, one of the cohort's visits (checked by `measurement_schema`)."
    )
    value: Series[float] = pa.Field(
        nullable=True,
        description="Measured value in the parameter's unit; missing where printed NA.",
    )
    replicate_sd: Series[float] = pa.Field(
        ge=0,
        nullable=True,
        description="SD of replicate assays where printed after '±', same unit as value.",
    )
    sd_printed: Series[bool] = pa.Field(
        description="Whether the cell printed a '± SD' part (its SD may still be NA)."
    )
    source_column: Series[str] = pa.Field(description="Printed header of the source column.")
    source_cell: Series[str] = pa.Field(description="The source cell exactly as printed.")
    date: Optional[Series[str]] = pa.Field(
        nullable=True,
        description="Dated registries only: the date of the analysed value (YYYY-MM-DD), "
        "empty where there is none.",
    )
    study_day: Optional[Series[float]] = pa.Field(
        nullable=True,
        description="Dated registries only: its study day (the start is day 1, the day "
        "before day -1, no day 0).",
    )
    window_low: Optional[Series[float]] = pa.Field(
        nullable=True, description="Dated registries only: first study day of the visit's window."
    )
    window_high: Optional[Series[float]] = pa.Field(
        nullable=True, description="Dated registries only: last study day of the visit's window."
    )
    window_target: Optional[Series[float]] = pa.Field(
        nullable=True,
        description="Dated registries only: the visit's target day (the value closest to it "
        "is analysed; at baseline the last in the window).",
    )
    source_unit: Optional[Series[str]] = pa.Field(
        nullable=True,
        description="Registries with a unit column only: the unit printed beside the source "
        "cell; `value` is the source cell converted to the measure's unit by the factor the "
        "settings declare (measures: units:).",
    )

    @row_check("replicate_sd", "a replicate SD is given without a value")
    def sd_needs_value(cls, df):
        return ~(df["value"].isna() & df["replicate_sd"].notna())

    @row_check("replicate_sd", "a replicate SD is given but no '±' part was printed")
    def sd_only_where_printed(cls, df):
        return ~(df["replicate_sd"].notna() & ~df["sd_printed"].astype(bool))

    @row_check("visit", "the same patient, parameter and visit appear twice")
    def one_row_per_visit(cls, df):
        return ~df.duplicated(["subject_id", "parameter", "visit"], keep=False)

    class Config:
        strict = True
        coerce = True


class NotAnalysed(pa.DataFrameModel):
    """A dated registry's values that no analysis visit uses, each with why (empty for
    other cohorts): outside every window, or superseded by a value nearer the target (at
    baseline, a later one; a value over a missing one)."""

    subject_id: Series[str] = pa.Field(description="Patient number.")
    parameter: Series[str] = pa.Field(description="Measure code.")
    date: Series[str] = pa.Field(description="Date of the value (YYYY-MM-DD).")
    study_day: Series[float] = pa.Field(description="Its study day.")
    source_cell: Series[str] = pa.Field(description="The value as printed.")
    reason: Series[str] = pa.Field(
        str_matches=r"^(not in any window|superseded by \d{4}-\d{2}-\d{2})$",
        description="Why it is not analysed: 'not in any window', or 'superseded by <date of "
        "the value analysed>'.",
    )

    class Config:
        strict = True
        coerce = True


class ReportedSummaries(pa.DataFrameModel):
    """Summaries a publication reports without per-patient data (e.g. a mean at a later visit)."""

    parameter: Series[str] = pa.Field(
        description="Measure code, one of the cohort's measures (checked by `summaries_schema`)."
    )
    visit: Series[str] = pa.Field(
        description="Visit code, one of the cohort's visits (checked by `summaries_schema`)."
    )
    population: Series[str] = pa.Field(
        description="Population the summary describes, in the publication's words."
    )
    statistic: Series[str] = pa.Field(
        isin=["n", "mean", "sd", "median", "p_value"], description="Which statistic."
    )
    value: Series[float] = pa.Field(description="The reported value.")
    source: Series[str] = pa.Field(description="Where in the publication it is printed.")

    class Config:
        strict = True
        coerce = True


class ClaimsLedger(pa.DataFrameModel):
    """Every quantitative claim of a publication, one a row, with how to recompute it."""

    claim_id: Series[str] = pa.Field(
        unique=True, str_matches=r"^[a-z0-9_]+$", description="Stable identifier."
    )
    source: Series[str] = pa.Field(
        isin=["paper", "news", "synthetic"],
        description="The publication itself, a news summary of it, or a synthetic cohort's generator.",
    )
    location: Series[str] = pa.Field(
        description="Where the claim is printed (text line, table, figure legend)."
    )
    quote: Series[str] = pa.Field(description="The printed words.")
    description: Series[str] = pa.Field(description="What is claimed, in plain words.")
    reported: Series[str] = pa.Field(description="The reported value as printed.")
    comparator: Series[str] = pa.Field(
        isin=["=", "<", "<=", ">", ">="],
        description="'=' for a value; a bound such as '< 0.0001' otherwise.",
    )
    value: Series[float] = pa.Field(
        description="The reported value or bound as a number (a percentage as a percentage)."
    )
    precision: Series[float] = pa.Field(
        ge=0,
        le=6,
        description="Decimal places printed; the recomputed value is rounded to these before comparing.",
    )
    unit: Series[str] = pa.Field(description="count, %, points, years or p.")
    population: Series[str] = pa.Field(
        nullable=True,
        description="Population role: cohort, or a domain or the combined population the analysis "
        "declares (the defaults: cutaneous, muscle, both), mapped to a flag by the variant.",
    )
    analysis: Series[str] = pa.Field(
        isin=["summary", "categorical", "paired_test", "response"],
        nullable=True,
        description="Kind of result in the analysis results data that answers the claim.",
    )
    parameter: Series[str] = pa.Field(nullable=True, description="Parameter or characteristic.")
    visit: Series[str] = pa.Field(nullable=True, description="Visit code.")
    category: Series[str] = pa.Field(
        nullable=True, description="Category of a categorical characteristic."
    )
    statistic: Series[str] = pa.Field(
        nullable=True, description="Statistic name in the analysis results data."
    )
    not_computable_reason: Series[str] = pa.Field(
        nullable=True,
        description="Why the published data cannot give this value; empty when they can.",
    )
    states: Optional[Series[str]] = pa.Field(
        nullable=True,
        isin=["population", "test", "population; test", "test; population"],
        description="What the source itself states of how the number was obtained: 'population', 'test' or both ('population; test'); empty when it states neither. Without the column every claim counts as stating both (the strictest reading).",
    )
    n: Optional[Series[float]] = pa.Field(
        nullable=True,
        ge=0,
        description="The number of patients the source states for the claim ('10 of 15' -> 15).",
    )
    check: Optional[Series[str]] = pa.Field(
        nullable=True,
        description="A relation to other claims the summary checks test, e.g. 'percent(n_a, n_b)' (docs/outputs.md lists them).",
    )
    outcome: Optional[Series[str]] = pa.Field(
        nullable=True,
        str_matches=r"^[a-z0-9_]+$",
        description="The stated outcome (outcomes.csv) the claim reports.",
    )
    reading: Optional[Series[str]] = pa.Field(
        nullable=True,
        description="Where the claim's number depends on a reading that is ours, not the source's (a definition the source does not give, a count that defines one of our own populations, an n the source does not print), that reading in words; empty when the reading is the source's own. A claim the data give only on it is graded reading-dependent.",
    )

    @row_check(
        "analysis", "a claim needs either an analysis to look up or a reason it is not computable"
    )
    def computable_or_explained(cls, df):
        has_lookup = df["analysis"].notna() & df["statistic"].notna()
        has_reason = df["not_computable_reason"].notna()
        return has_lookup ^ has_reason

    @row_check("check", f"not a known check; the checks are {CHECK_SIGNATURES}")
    def check_is_known(cls, df):
        return _check_problems(df) != "function"

    @row_check("check", f"wrong number of arguments; the checks are {CHECK_SIGNATURES}")
    def check_takes_its_arguments(cls, df):
        return _check_problems(df) != "arguments"

    @row_check(
        "check", "names a claim that is not in the ledger (an argument is a claim_id or a number)"
    )
    def check_names_known_claims(cls, df):
        return _check_problems(df) != "claim"

    class Config:
        strict = True
        coerce = True


class StatedOutcomes(pa.DataFrameModel):
    """The outcomes a publication's methods name, one a row; the ledger's claims report
    them (its `outcome` column, or the same analysis, parameter and visit)."""

    outcome_id: Series[str] = pa.Field(
        unique=True,
        str_matches=r"^[a-z0-9_]+$",
        description="Stable identifier, named by the ledger's `outcome` column.",
    )
    role: Series[str] = pa.Field(
        isin=["main", "secondary", "safety"],
        description="Main (primary) or secondary outcome, or safety: the adverse events and deaths the source reports, which the report shows first whether or not the data can check them.",
    )
    source: Series[str] = pa.Field(
        description="The publication that states it (the ledger's `source`)."
    )
    location: Series[str] = pa.Field(description="Where it is stated.")
    quote: Series[str] = pa.Field(description="The printed words.")
    description: Series[str] = pa.Field(description="What the outcome is, in plain words.")
    analysis: Series[str] = pa.Field(
        nullable=True,
        isin=["summary", "paired_test", "response"],
        description="Kind of result in the analysis results data that gives it, where the data can.",
    )
    parameter: Series[str] = pa.Field(nullable=True, description="Measure code.")
    visit: Series[str] = pa.Field(nullable=True, description="Visit code.")
    statistic: Series[str] = pa.Field(
        nullable=True, description="Statistic of the analysis results data."
    )

    class Config:
        strict = True
        coerce = True


def _check_problems(ledger) -> pd.Series:
    """What is wrong with each claim's `check` call ('' when nothing is, or no call)."""
    if "check" not in ledger:
        return pd.Series("", index=ledger.index)
    claims = set(ledger["claim_id"])
    return ledger["check"].map(lambda text: check_problem(text, claims))


def _known(codes: list[str], what: str) -> pa.Check:
    return pa.Check.isin(codes, error=f"not one of the cohort's {what}: {', '.join(codes)}")


def tidy_vocabulary_schemas(cohort: dict) -> dict:
    """The models of the subjects, regimens and previous treatments, with the vocabularies
    and adult age range of the cohort's settings where it extends the shipped ones."""
    models = {"subjects": Subjects, "regimens": Regimens, "prior_treatments": PriorTreatments}
    if not cohort.get("terms") and not cohort.get("adult_age"):
        return models
    terms = cohort_terms(cohort)
    low, high = terms["adult_age"]
    return {
        "subjects": Subjects.to_schema().update_columns(
            {
                "age": {"checks": [pa.Check.ge(low), pa.Check.le(high)]},
                "sex": {"checks": [pa.Check.isin(list(terms["sexes"]))]},
                "antibody": {"checks": [pa.Check.isin(list(terms["antibodies"]))]},
            }
        ),
        "regimens": Regimens.to_schema().update_columns(
            {"molecule": {"checks": [pa.Check.isin(list(terms["molecules"]))]}}
        ),
        "prior_treatments": PriorTreatments.to_schema().update_columns(
            {"treatment": {"checks": [pa.Check.isin(list(terms["prior_treatments"]))]}}
        ),
    }


def measurement_schema(cohort: dict) -> pa.DataFrameSchema:
    """The Measurements model with the cohort's measures, visits and ranges."""
    measures = cohort["measures"]
    visits = [v["code"] for v in cohort["visits"] if not v.get("reported_only", False)]
    message = f"value is outside the measure's range ({range_words(cohort)})"
    low = {code: float(m["low"]) for code, m in measures.items()}
    high = {code: float(m.get("high", float("inf"))) for code, m in measures.items()}

    def within_range(df):
        too_low = df["value"] < translated(df["parameter"], low, float)
        too_high = df["value"] > translated(df["parameter"], high, float)
        return ~(too_low.fillna(False) | too_high.fillna(False))

    schema = Measurements.to_schema().update_columns(
        {
            "parameter": {"checks": [_known(list(measures), "measures")]},
            "visit": {"checks": [_known(visits, "visits")]},
        }
    )
    in_range = pa.Check(within_range, error=message, statistics={ABOUT: "value"})
    schema.checks = [*schema.checks, in_range]
    return schema


def outcomes_schema(cohort: dict) -> pa.DataFrameSchema:
    """The StatedOutcomes model with the cohort's measures and visits."""
    visits = [v["code"] for v in cohort["visits"]]
    return StatedOutcomes.to_schema().update_columns(
        {
            "parameter": {"checks": [_known(list(cohort["measures"]), "measures")]},
            "visit": {"checks": [_known(visits, "visits")]},
        }
    )


def summaries_schema(cohort: dict) -> pa.DataFrameSchema:
    """The ReportedSummaries model with the cohort's measures and visits."""
    visits = [v["code"] for v in cohort["visits"]]
    return ReportedSummaries.to_schema().update_columns(
        {
            "parameter": {"checks": [_known(list(cohort["measures"]), "measures")]},
            "visit": {"checks": [_known(visits, "visits")]},
        }
    )
