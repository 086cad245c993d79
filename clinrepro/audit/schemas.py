"""The data dictionary of the claims audit's tables, checked where they are written
(clinrepro.audit.run.run): claims, reconciliation, claims_cells, specifications,
summary_checks, outcomes, attainability and eligibility."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from clinrepro.audit.eligibility import UNDECIDED
from clinrepro.audit.reconcile.search import KINDS
from clinrepro.audit.summary_checks import RESULTS
from clinrepro.audit.verdicts import VERDICTS
from clinrepro.reading.schemas import empty_or, row_check

STATUSES = ["match", "mismatch", "not_computable"]
DIRECTIONS = ["overstates the effect", "understates the effect"]
COMPARATORS = ["=", "<", "<=", ">", ">="]
METHODS = ["paired_t", "paired_t_log", "wilcoxon_signed_rank", "clopper_pearson"]
FLAG = ["Y", "N"]
# a flag that may be unknown: the value it needs is missing
KNOWN_OR_NOT = ["Y", "N", "unknown"]
OUTCOME_STATUSES = ["reported", "never reported"]


class Claims(pa.DataFrameModel):
    """The claims audit (claims.csv): one row a claim of the ledger, its verdict and why."""

    claim_id: Series[str] = pa.Field(unique=True, description="The ledger's claim id.")
    description: Series[str] = pa.Field(description="What is claimed, in plain words.")
    reported: Series[str] = pa.Field(description="The reported value as printed.")
    recomputed: Series[float] = pa.Field(
        nullable=True, description="The value the data give, full precision."
    )
    status: Series[str] = pa.Field(
        isin=STATUSES,
        description="match: rounds to the printed value (or meets its bound); mismatch; or "
        "not_computable.",
    )
    recomputed_rounded: Series[float] = pa.Field(
        nullable=True, description="The recomputed value rounded half up at the precision."
    )
    comparator: Series[str] = pa.Field(
        isin=COMPARATORS, description="'=' for a value; a bound otherwise."
    )
    precision: Series[float] = pa.Field(ge=0, le=6, description="Decimal places printed.")
    unit: Series[str] = pa.Field(description="count, %, points, years or p.")
    population_flag: Series[str] = empty_or(
        "The population flag the claim is computed in.", str_matches=r"^[A-Z][A-Z0-9]*FL$"
    )
    method: Series[str] = empty_or("The test or interval used.", isin=METHODS)
    n: Series[float] = pa.Field(ge=0, nullable=True, description="Patients behind the value.")
    other_methods: Series[str] = empty_or("The other tests' p-values (method: p; ...).")
    note: Series[str] = empty_or("The ARD's note of the value.")
    reason: Series[str] = empty_or("Why the data cannot give it.")
    source: Series[str] = pa.Field(description="The ledger's source.")
    location: Series[str] = pa.Field(description="Where the claim is printed.")
    quote: Series[str] = pa.Field(description="The printed words.")
    explanations: Series[str] = empty_or(
        "The simplest explanation of a mismatch found and how many more."
    )
    explanations_tried: Series[float] = pa.Field(
        ge=0, nullable=True, description="How many explanations were tried."
    )
    verdict: Series[str] = pa.Field(isin=list(VERDICTS), description="The graded verdict.")
    verdict_reason: Series[str] = pa.Field(description="Why, in one sentence.")
    difference: Series[float] = pa.Field(
        nullable=True, description="Printed minus data, in the claim's unit."
    )
    difference_sd: Series[float] = pa.Field(
        nullable=True, description="The difference in SDs of the measure."
    )
    direction: Series[str] = empty_or(
        "Whether the printed value over- or understates the effect, for a difference beyond "
        "the ordinary.",
        isin=DIRECTIONS,
    )
    summary_checks: Series[str] = empty_or("The claim's checks from the printed numbers alone.")
    best_specification: Series[str] = empty_or(
        "Y when the best joint specification reproduces the claim, N if not.", isin=FLAG
    )

    class Config:
        strict = True
        coerce = True


class Reconciliation(pa.DataFrameModel):
    """The explanations of each claim that does not match (reconciliation.csv), best first."""

    claim_id: Series[str] = pa.Field(description="The claim explained.")
    rank: Series[int] = pa.Field(ge=1, description="1 for the simplest explanation.")
    kind: Series[str] = pa.Field(isin=list(KINDS), description="What kind of explanation.")
    detail: Series[str] = pa.Field(description="The explanation in words.")
    value: Series[float] = pa.Field(description="The value it gives, full precision.")
    printed: Series[str] = pa.Field(description="That value as the claim prints it.")

    class Config:
        strict = True
        coerce = True


class ClaimsCells(pa.DataFrameModel):
    """The cells of the source behind each claim (claims_cells.csv)."""

    claim_id: Series[str] = pa.Field(description="The claim.")
    patient: Series[str] = empty_or("Patient number; empty on a line counting those not listed.")
    used: Series[str] = pa.Field(isin=FLAG, description="Y if the cell enters the value.")
    reason: Series[str] = empty_or("Why a patient's cell is left out.")
    column: Series[str] = empty_or("The printed column (or ADSL flag) of the cell.")
    cell: Series[str] = empty_or("The cell as printed.")

    class Config:
        strict = True
        coerce = True


class Specifications(pa.DataFrameModel):
    """The joint specification search (specifications.csv): one row a specification."""

    rank: Series[int] = pa.Field(ge=1, description="1 for the best specification.")
    reproduced: Series[int] = pa.Field(ge=0, description="Claims it reproduces.")
    claims: Series[int] = pa.Field(ge=0, description="Claims the data can give.")
    departures: Series[int] = pa.Field(
        ge=0, description="How many choices differ from the analysis in force."
    )
    populations: Series[str] = pa.Field(description="Which population each role means.")
    summaries: Series[str] = pa.Field(description="Every value at a visit, or paired only.")
    missing: Series[str] = pa.Field(description="How missing responses count.")
    test: Series[str] = pa.Field(description="The test of every p-value.")
    rounding: Series[str] = pa.Field(description="How values are rounded.")
    own: Series[str] = pa.Field(isin=FLAG, description="Y for the analysis in force.")
    reproduced_ids: Series[str] = empty_or("The claims reproduced, separated by spaces.")
    left_out_ids: Series[str] = empty_or("The claims not reproduced, separated by spaces.")

    @row_check("reproduced", "reproduces more claims than the data can give")
    def reproduced_within_claims(cls, df):
        return df["reproduced"] <= df["claims"]

    class Config:
        strict = True
        coerce = True


class SummaryChecks(pa.DataFrameModel):
    """The checks of each claim from the printed numbers alone (summary_checks.csv)."""

    claim_id: Series[str] = pa.Field(description="The claim checked.")
    check: Series[str] = pa.Field(description="The check (GRIM, percent, welch_p, ...).")
    inputs: Series[str] = pa.Field(description="The printed numbers it uses.")
    implied: Series[str] = pa.Field(description="What they imply.")
    result: Series[str] = pa.Field(isin=list(RESULTS), description="The check's result.")
    detail: Series[str] = pa.Field(description="The check in words.")

    class Config:
        strict = True
        coerce = True


class Outcomes(pa.DataFrameModel):
    """The stated outcomes and the claims that report them (outcomes.csv)."""

    outcome_id: Series[str] = pa.Field(unique=True, description="The outcome's id.")
    role: Series[str] = pa.Field(
        isin=["main", "secondary", "safety"], description="Main, secondary or safety."
    )
    description: Series[str] = pa.Field(description="What the outcome is.")
    source: Series[str] = pa.Field(description="The publication that states it.")
    location: Series[str] = pa.Field(description="Where it is stated.")
    reported_by: Series[str] = empty_or("The claims reporting it, separated by spaces.")
    status: Series[str] = pa.Field(
        isin=OUTCOME_STATUSES, description="Whether any claim reports it."
    )
    recomputed: Series[str] = empty_or("What the data give, in words, where they can.")
    population: Series[str] = empty_or(
        "The population flag it is computed in.", str_matches=r"^[A-Z][A-Z0-9]*FL$"
    )

    class Config:
        strict = True
        coerce = True


class Attainability(pa.DataFrameModel):
    """Who could reach each response criterion (attainability.csv): a row a patient and
    criterion."""

    role: Series[str] = pa.Field(description="The response's role in the analysis.")
    population: Series[str] = pa.Field(description="The population flag of the response.")
    parameter: Series[str] = pa.Field(description="Measure code.")
    visit: Series[str] = pa.Field(description="The response visit.")
    criterion: Series[str] = pa.Field(description="The response criterion in words.")
    patient: Series[str] = pa.Field(description="Patient number.")
    baseline: Series[float] = pa.Field(nullable=True, description="Baseline value.")
    followup: Series[float] = pa.Field(nullable=True, description="Value at the visit.")
    improvement: Series[float] = pa.Field(
        nullable=True, description="Improvement in the criterion's terms (points or %)."
    )
    best_possible: Series[float] = pa.Field(
        nullable=True, description="The largest improvement the scale allows."
    )
    attainable: Series[str] = empty_or(
        "Y if the criterion can be reached from baseline.", isin=KNOWN_OR_NOT
    )
    evaluable: Series[str] = empty_or(
        "Y if the patient has a value at the visit.", isin=KNOWN_OR_NOT
    )
    responder: Series[str] = empty_or("Y if a responder, N if not.", isin=FLAG)

    class Config:
        strict = True
        coerce = True


class Eligibility(pa.DataFrameModel):
    """Who meets the stated eligibility criteria (eligibility.csv): a row a patient and
    criterion."""

    criterion: Series[str] = pa.Field(description="The criterion in words.")
    source: Series[str] = pa.Field(description="Where the source states it.")
    definition: Series[str] = pa.Field(description="How it is read on the data.")
    reading: Series[str] = empty_or("Our reading, where the source does not say.")
    patient: Series[str] = pa.Field(description="Patient number.")
    value: Series[float] = pa.Field(nullable=True, description="The patient's value.")
    low: Series[float] = pa.Field(nullable=True, description="Lowest value the print allows.")
    high: Series[float] = pa.Field(nullable=True, description="Highest value the print allows.")
    category: Series[str] = empty_or("The patient's category, for a categorical criterion.")
    meets: Series[str] = pa.Field(
        isin=[*KNOWN_OR_NOT, UNDECIDED],
        description=f"Y, N, unknown (no value) or {UNDECIDED} (the printed value allows both).",
    )

    class Config:
        strict = True
        coerce = True
