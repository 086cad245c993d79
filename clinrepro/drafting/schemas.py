"""The data dictionary of the drafting stage's tables: the draft ledger (claims_draft.csv)
and the draft against the hand-written ledger (claims_draft_vs_ledger.csv)."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.typing import Series

from clinrepro.drafting.compare import KINDS
from clinrepro.drafting.statements import PATTERNS
from clinrepro.reading.schemas import ClaimsLedger, empty_or

CONFIDENCE = r"^(high|review|not computable)(; .*)?$"


class ClaimsDraft(ClaimsLedger):
    """The claims ledger drafted from the text (claims_draft.csv): the ledger's columns, so
    that a reviewed copy is a ledger, then two for the review."""

    pattern: Series[str] = pa.Field(
        isin=PATTERNS, description="The pattern of the text that found the number."
    )
    draft_confidence: Series[str] = pa.Field(
        str_matches=CONFIDENCE,
        description="How sure the look-up is: high (every part matched in the words), review "
        "(a part assumed), not computable; then the parts matched and those assumed.",
    )

    class Config:
        strict = True
        coerce = True


class ClaimsDraftVsLedger(pa.DataFrameModel):
    """The draft against the hand-written ledger (claims_draft_vs_ledger.csv): one row a
    ledger claim, found or missed, then one a draft row the ledger lacks."""

    kind: Series[str] = pa.Field(
        isin=list(KINDS), description="; ".join(f"{k}: {w}" for k, w in KINDS.items()) + "."
    )
    ledger_claim_id: Series[str] = empty_or("The ledger's claim.")
    draft_claim_id: Series[str] = empty_or("The draft's row.")
    ledger_location: Series[str] = empty_or("Where the ledger locates the claim.")
    draft_location: Series[str] = empty_or("Where the draft found it.")
    ledger_value: Series[float] = pa.Field(nullable=True, description="The ledger's value.")
    draft_value: Series[float] = pa.Field(nullable=True, description="The draft's value.")
    ledger_lookup: Series[str] = empty_or(
        "The ledger's population / analysis / parameter / visit / category / statistic."
    )
    draft_lookup: Series[str] = empty_or("The draft's, in the same order.")
    same_lookup: Series[str] = empty_or(
        "Y when a found claim that the ledger looks up gets the same look-up, N if not.",
        isin=["Y", "N"],
    )
    draft_quote: Series[str] = empty_or("The words the draft quotes.")

    class Config:
        strict = True
        coerce = True
