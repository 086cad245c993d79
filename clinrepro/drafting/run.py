"""The drafting stage: the text's statements as a draft claims ledger (claims_draft.csv) and,
when the cohort has a hand-written ledger, the draft against it (claims_draft_vs_ledger.csv)."""

from __future__ import annotations

import pandas as pd

from clinrepro.drafting.compare import compared
from clinrepro.drafting.draft import REVIEW_COLUMNS, draft, study_of
from clinrepro.drafting.schemas import ClaimsDraft, ClaimsDraftVsLedger
from clinrepro.drafting.text import read_text
from clinrepro.reading.schemas import ClaimsLedger
from clinrepro.reading.validation import write_checked_tables
from clinrepro.base import typed


def drafted(text: str, cohort: dict, analysis: dict, drafting: dict) -> pd.DataFrame:
    """The draft ledger of one text; empty cells where a column does not apply."""
    frame = draft(read_text(text), study_of(cohort, analysis, drafting), drafting)
    return frame.replace("", None)


def read_ledger(path: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)


def run(text: str, cohort: dict, analysis: dict, drafting: dict, output: str) -> None:
    """Write the draft ledger of the cohort's text."""
    cohort, analysis = typed.cohort(cohort), typed.analysis(analysis)
    drafting = typed.drafting(drafting)
    write_checked_tables({output: (drafted(text, cohort, analysis, drafting), ClaimsDraft)})


def run_vs_ledger(draft: str, ledger: str, output: str) -> None:
    """Write the draft against the hand-written ledger."""
    comparison = compared(read_ledger(draft), read_ledger(ledger))
    write_checked_tables({output: (comparison, ClaimsDraftVsLedger)})


def run_ledger(draft: str, output: str) -> None:
    """The unreviewed draft as the ledger a cohort without one is audited on: the ledger's
    columns only."""
    ledger = read_ledger(draft).drop(columns=REVIEW_COLUMNS)
    write_checked_tables({output: (ledger, ClaimsLedger)})
