"""The audit, run in order: recompute each claim (recompute), search explanations of the
mismatches (reconcile), the joint specification (specifications), the checks of the printed
numbers alone (summary_checks), the grade of each claim (verdicts), the cells behind each
claim (cells), the stated outcomes (outcomes), and who could reach each endpoint and meets
the entry criteria (eligibility)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from clinrepro.adam.endpoints import read_adeff, read_adsl
from clinrepro.audit.cells import CELL_COLUMNS, claim_cells
from clinrepro.audit.eligibility import attainability, eligibility
from clinrepro.audit.outcomes import OUTCOME_COLUMNS, outcome_report
from clinrepro.audit.readings import changed_criteria, departed_readings
from clinrepro.audit.recompute import CLAIM_COLUMNS, audit_claims
from clinrepro.audit.reconcile.run import reconcile_claims
from clinrepro.audit.specifications import SPECIFICATION_COLUMNS, specification_search
from clinrepro.audit.summary_checks import SUMMARY_CHECK_COLUMNS as CHECK_COLUMNS
from clinrepro.audit.summary_checks import check_words, summary_checks
from clinrepro.audit.verdicts import with_verdicts
from clinrepro.audit import schemas
from clinrepro.base.files import read_table
from clinrepro.reading.validation import write_checked_tables
from clinrepro.statistics.ard import read_ard
from clinrepro.base import typed

logger = logging.getLogger(__name__)

EXPLANATION_COLUMNS = ["claim_id", "rank", "kind", "detail", "value", "printed"]
# the columns of ADEFF the search for explanations and the cells behind each claim read
AUDIT_READS = (
    *("SUBJID", "PARAMCD", "AVISIT", "AVISITN", "AVAL", "ABLFL", "BASE", "CHG", "PCHG"),
    *("CRIT1", "CRIT1FL", "CRIT1IMP", "SRCCOL", "SRCCELL"),
)  # and the population flags (read_adeff)


def with_explanations(audit: pd.DataFrame, tried: pd.DataFrame) -> pd.DataFrame:
    """The audit with, for each claim searched, what explains it and how many were tried."""
    searched = tried.set_index("claim_id")
    audit["explanations"] = audit["claim_id"].map(searched["summary"]).fillna("")
    audit["explanations_tried"] = audit["claim_id"].map(searched["tried"]).astype("Int64")
    return audit


def ranges(cohort: dict) -> dict:
    """Each measure's valid range, from the cohort's settings (a misread cell stays within)."""
    return {code: (m["low"], m.get("high")) for code, m in cohort["measures"].items()}


def with_specification(audit: pd.DataFrame, specifications: pd.DataFrame) -> pd.DataFrame:
    """`best_specification`: Y when the best joint specification reproduces the claim, N
    when it does not, empty for a claim the data cannot give."""
    best = set()
    if not specifications.empty:
        best = set(str(specifications["reproduced_ids"].fillna("").iloc[0]).split())
    computable = audit["status"].isin(["match", "mismatch"])
    audit["best_specification"] = np.where(
        computable, np.where(audit["claim_id"].isin(best), "Y", "N"), ""
    )
    return audit


AUDIT_COLUMNS = [
    *CLAIM_COLUMNS,
    "explanations",
    "explanations_tried",
    "verdict",
    "verdict_reason",
    "difference",
    "difference_sd",
    "direction",
    "summary_checks",
    "best_specification",
]

# the files the audit writes, by the key of `outputs` in run()
OUTPUTS = (
    "claims",
    "reconciliation",
    "cells",
    "specifications",
    "checks",
    "outcomes",
    "attainability",
    "eligibility",
)

# each file's model in the data dictionary, by the key of `outputs` in run()
MODELS = {
    "claims": schemas.Claims,
    "reconciliation": schemas.Reconciliation,
    "cells": schemas.ClaimsCells,
    "specifications": schemas.Specifications,
    "checks": schemas.SummaryChecks,
    "outcomes": schemas.Outcomes,
    "attainability": schemas.Attainability,
    "eligibility": schemas.Eligibility,
}


def write_audit(tables: dict[str, pd.DataFrame], outputs: dict) -> None:
    """Check the audit's tables (by their key of `outputs`) against their models; write them."""
    write_checked_tables({outputs[name]: (frame, MODELS[name]) for name, frame in tables.items()})


def empty_claims_tables() -> dict[str, pd.DataFrame]:
    """The claims' tables of a cohort without a ledger: their columns, no rows."""
    return {
        "claims": pd.DataFrame(columns=AUDIT_COLUMNS),
        "reconciliation": pd.DataFrame(columns=EXPLANATION_COLUMNS),
        "cells": pd.DataFrame(columns=CELL_COLUMNS),
        "specifications": pd.DataFrame(columns=SPECIFICATION_COLUMNS),
        "checks": pd.DataFrame(columns=CHECK_COLUMNS),
        "outcomes": pd.DataFrame(columns=OUTCOME_COLUMNS),
    }


def run(
    claims: str | None,
    outcomes: str | None,
    ard: str,
    adsl: str,
    adeff: str,
    analysis: dict,
    cohort: dict,
    limits: dict,
    outputs: dict,
    default: dict | None = None,
) -> None:
    """Audit the ledger's claims against the analysis results data: search explanations of
    those that do not match, the joint specification, the checks from the reported numbers
    alone, and grade each; list the cells behind each claim, the stated outcomes, who could
    reach each endpoint and who meets the stated eligibility criteria (no claims' rows
    without a ledger). `default`: the analysis the ledger's readings are for (readings.py)."""
    analysis, cohort = typed.analysis(analysis), typed.cohort(cohort)
    limits = typed.reconciliation(limits)
    subjects = read_adsl(adsl)
    records = read_adeff(adeff, columns=AUDIT_READS)
    endpoints = {
        "attainability": attainability(subjects, records, analysis, cohort),
        "eligibility": eligibility(subjects, records, cohort),
    }
    if claims is None:
        write_audit({**empty_claims_tables(), **endpoints}, outputs)
        logger.info("no claims ledger: nothing to audit")
        return
    ledger = read_table(claims, text_columns=("claim_id", "reported", "visit", "category"))
    default = typed.analysis(default) if default else None
    ledger = departed_readings(ledger, analysis, default, cohort)
    criteria = changed_criteria(analysis, default, cohort) if default else {}
    results = read_ard(ard)
    claims_audit = audit_claims(ledger, results, analysis)
    logger.info("claims: %s", claims_audit["status"].value_counts().to_dict())
    explanations, tried = reconcile_claims(
        claims_audit, ledger, subjects, records, analysis, limits, ranges(cohort)
    )
    logger.info("explanations: %d found for %d claims searched", len(explanations), len(tried))
    specifications = specification_search(claims_audit, ledger, subjects, records, analysis)
    checks = summary_checks(ledger, claims_audit, cohort, len(subjects))
    graded = with_verdicts(
        with_explanations(claims_audit, tried),
        ledger,
        explanations,
        checks,
        results,
        cohort,
        limits["approximate"],
    )
    graded["summary_checks"] = graded["claim_id"].map(check_words(checks)).fillna("")
    logger.info("verdicts: %s", graded["verdict"].value_counts().to_dict())
    stated = None if outcomes is None else read_table(outcomes)
    write_audit(
        {
            "claims": with_specification(graded, specifications).reindex(columns=AUDIT_COLUMNS),
            "reconciliation": explanations.reindex(columns=EXPLANATION_COLUMNS),
            "cells": claim_cells(
                ledger,
                claims_audit,
                subjects,
                records,
                cohort,
                limits["max_cells_listed"],
                analysis,
            ),
            "specifications": specifications,
            "checks": checks.reindex(columns=CHECK_COLUMNS),
            "outcomes": outcome_report(stated, ledger, results, analysis, criteria),
            **endpoints,
        },
        outputs,
    )
