"""Claims audit: each claim of a cohort's ledger next to what its own data give.

`recomputed` keeps full precision; it is rounded (half up) to the reported precision only
to decide the status. A bound such as '< 0.0001' matches when the value satisfies it.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from clinrepro.endpoints import COMPARATORS
from clinrepro.ard import read_ard, select
from clinrepro.files import read_table, write_tables
from clinrepro.printed import round_half_up
from clinrepro.terms import POPULATION_FLAGS
from clinrepro.study import test_for

logger = logging.getLogger(__name__)
LOOKUP = ["analysis", "population", "parameter", "visit", "category", "statistic"]
CLAIM_COLUMNS = [
    "claim_id",
    "description",
    "reported",
    "recomputed",
    "status",
    "recomputed_rounded",
    "comparator",
    "precision",
    "unit",
    "population_flag",
    "method",
    "n",
    "other_methods",
    "note",
    "reason",
    "source",
    "location",
    "quote",
]
# which statistic says how many patients stand behind a result
N_STATISTIC = {
    "summary": "n",
    "categorical": "denominator",
    "paired_test": "n_pairs",
    "response": "n_evaluable",
}


def claim_status(recomputed: float, comparator: str, reported: float, precision: int) -> str:
    """'match' or 'mismatch' for a value that the data give."""
    if comparator == "=":
        same = round_half_up(recomputed, precision) == round_half_up(reported, precision)
        return "match" if same else "mismatch"
    return "match" if COMPARATORS[comparator](recomputed, reported) else "mismatch"


def method_for(claim: pd.Series, analysis: dict) -> str:
    """The method whose result answers the claim: the variant's test for a p-value."""
    if claim["analysis"] == "paired_test":
        return test_for(analysis, claim["parameter"])
    return "clopper_pearson" if claim["analysis"] == "response" else ""


def audit_claim(claim: pd.Series, ard: pd.DataFrame, analysis: dict) -> dict:
    """One row of the claims audit."""
    row = {
        "claim_id": claim["claim_id"],
        "description": claim["description"],
        "reported": claim["reported"],
        "comparator": claim["comparator"],
        "precision": int(claim["precision"]),
        "unit": claim.get("unit", ""),
        "source": claim["source"],
        "location": claim["location"],
        "quote": claim["quote"],
    }
    if pd.notna(claim["not_computable_reason"]):
        return {**row, "status": "not_computable", "reason": claim["not_computable_reason"]}
    flag = analysis["populations"][claim["population"]]
    key = {column: ("" if pd.isna(claim[column]) else claim[column]) for column in LOOKUP}
    key["population"] = flag
    method = method_for(claim, analysis)
    found = select(ard, {**key, "method": method})
    row.update(population_flag=flag, method=method)
    if len(found) != 1 or pd.isna(found["value"].iloc[0]):
        words = ", ".join(f"{k}={v}" for k, v in key.items() if v)
        why = "no result" if found.empty else "no value"
        return {
            **row,
            "status": "not_computable",
            "reason": f"{why} in the analysis results for {words}, method={method or '-'}",
        }
    recomputed = float(found["value"].iloc[0])
    count = select(ard, {**key, "method": method, "statistic": N_STATISTIC[key["analysis"]]})
    others = select(ard, {k: v for k, v in key.items()}).query("method != @method")
    row.update(
        recomputed=recomputed,
        recomputed_rounded=str(round_half_up(recomputed, row["precision"])),
        status=claim_status(
            recomputed, claim["comparator"], float(claim["value"]), row["precision"]
        ),
        n=int(count["value"].iloc[0]) if len(count) == 1 else np.nan,
        other_methods="; ".join(f"{m}: {v:.6g}" for m, v in zip(others["method"], others["value"])),
        note=found["note"].iloc[0],
    )
    return row


def audit_claims(claims: pd.DataFrame, ard: pd.DataFrame, analysis: dict) -> pd.DataFrame:
    """The claims audit of one cohort and variant, in the ledger's order."""
    rows = [audit_claim(claim, ard, analysis) for _, claim in claims.iterrows()]
    audit = pd.DataFrame(rows).reindex(columns=CLAIM_COLUMNS)
    audit["n"] = audit["n"].astype("Int64")
    return audit


EXPLANATION_COLUMNS = ["claim_id", "rank", "kind", "detail", "value", "printed"]
# the columns of ADEFF the search for explanations and the cells behind each claim read
AUDIT_READS = (
    *("SUBJID", "PARAMCD", "AVISIT", "AVISITN", "AVAL", "ABLFL", "BASE", "CHG", "PCHG"),
    *("CRIT1", "CRIT1FL", "CRIT1IMP", "SRCCOL", "SRCCELL"),
    *POPULATION_FLAGS,
)


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
) -> None:
    """Audit the ledger's claims against the analysis results data: search explanations of
    those that do not match, the joint specification, the checks from the reported numbers
    alone, and grade each; list the cells behind each claim, the stated outcomes, who could
    reach each endpoint and who meets the stated eligibility criteria. Without a ledger the
    claims' tables have no rows."""
    from clinrepro.cells import CELL_COLUMNS, claim_cells
    from clinrepro.eligibility import attainability, eligibility
    from clinrepro.endpoints import read_adeff, read_adsl
    from clinrepro.outcomes import OUTCOME_COLUMNS, outcome_report
    from clinrepro.reconcile import reconcile_claims
    from clinrepro.specifications import SPECIFICATION_COLUMNS, specification_search
    from clinrepro.summary_checks import SUMMARY_CHECK_COLUMNS as CHECK_COLUMNS
    from clinrepro.summary_checks import check_words, summary_checks
    from clinrepro.verdicts import with_verdicts

    subjects = read_adsl(adsl)
    records = read_adeff(adeff, columns=AUDIT_READS)
    endpoints = {
        outputs["attainability"]: attainability(subjects, records, analysis, cohort),
        outputs["eligibility"]: eligibility(subjects, records, cohort),
    }
    if claims is None:
        write_tables(
            {
                outputs["claims"]: pd.DataFrame(columns=AUDIT_COLUMNS),
                outputs["reconciliation"]: pd.DataFrame(columns=EXPLANATION_COLUMNS),
                outputs["cells"]: pd.DataFrame(columns=CELL_COLUMNS),
                outputs["specifications"]: pd.DataFrame(columns=SPECIFICATION_COLUMNS),
                outputs["checks"]: pd.DataFrame(columns=CHECK_COLUMNS),
                outputs["outcomes"]: pd.DataFrame(columns=OUTCOME_COLUMNS),
                **endpoints,
            }
        )
        logger.info("no claims ledger: nothing to audit")
        return
    ledger = read_table(claims, text_columns=("claim_id", "reported", "visit", "category"))
    results = read_ard(ard)
    claims_audit = audit_claims(ledger, results, analysis)
    logger.info("claims: %s", claims_audit["status"].value_counts().to_dict())
    explanations, tried = reconcile_claims(
        claims_audit, ledger, subjects, records, analysis, limits | {"ranges": ranges(cohort)}
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
    write_tables(
        {
            outputs["claims"]: with_specification(graded, specifications).reindex(
                columns=AUDIT_COLUMNS
            ),
            outputs["reconciliation"]: explanations.reindex(columns=EXPLANATION_COLUMNS),
            outputs["cells"]: claim_cells(
                ledger, claims_audit, subjects, records, cohort, limits["max_cells_listed"]
            ),
            outputs["specifications"]: specifications,
            outputs["checks"]: checks.reindex(columns=CHECK_COLUMNS),
            outputs["outcomes"]: outcome_report(stated, ledger, results, analysis),
            **endpoints,
        }
    )
