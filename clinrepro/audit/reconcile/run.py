"""Reconciliation in order: the claims to search, each claim's search (granularity,
rounding, populations, tests, patients left out, one cell), its explanations ranked."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from clinrepro.audit.reconcile.changes import leave_out, one_cell
from clinrepro.audit.reconcile.claims import claims_to_search
from clinrepro.audit.reconcile.recipes import population_members, recipe_for
from clinrepro.audit.reconcile.search import (
    KINDS,
    Found,
    Search,
    alternatives,
    granularity,
    rounding,
)

EXPLANATION_COLUMNS = ["claim_id", "rank", "kind", "detail", "value", "printed"]
TRIED_COLUMNS = ["claim_id", "tried", "found", "summary", "bounded"]
# at most this many explanations of a claim are listed (simplest first); `bounded` says so
MAX_LISTED = 200


def search_claim(claim, recipe, ledger, subjects, limits, ranges) -> Search:
    """Every kind of explanation of one claim, in the order of KINDS."""
    search = Search(claim, limits)
    base = recipe.base()
    every = recipe.all_numbers(base)
    positions = np.flatnonzero(~np.isnan(every))
    numbers = every[positions]
    value = claim.recomputed if np.isfinite(claim.recomputed) else recipe.statistic(numbers, base)
    granularity(search, recipe, numbers, ledger)
    rounding(search, value)
    alternatives(search, recipe, "population", recipe.populations())
    alternatives(search, recipe, "test", recipe.tests())
    if recipe.leaving_out_explains:
        leave_out(search, recipe, base, numbers, positions, subjects, 1)
        leave_out(search, recipe, base, numbers, positions, subjects, 2)
    # a misread cell must still be a possible value of its measure (the cohort's ranges)
    one_cell(search, recipe, base, numbers, positions, subjects, ranges)
    return search


def ranked(found: list[Found]) -> list[Found]:
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(found, key=lambda f: (order[f.kind], f.changes, f.order))


def summary_words(found: list[Found], tried: int, notes: list[str]) -> str:
    if found:
        more = len(found) - 1
        words = found[0].detail
        if more:
            words += f" (and {more} more explanation{'s' if more > 1 else ''})"
    else:
        words = f"no explanation among {tried:,} tried"
    return "; ".join([words, *notes])


def reconcile_claims(
    audit: pd.DataFrame,
    ledger: pd.DataFrame,
    adsl: pd.DataFrame,
    adeff: pd.DataFrame,
    analysis: Mapping,
    limits: Mapping,
    ranges: dict | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`ranges`: measure code -> its (low, high), the values a misread cell may have.
    Returns (explanations, tried). explanations: one row per explanation that reproduces
    the printed value (claim_id, rank, kind, detail, value, printed); tried: one row per
    claim searched (claim_id, tried, found, summary, bounded)."""
    flags = population_members(adsl)
    subjects = adsl["SUBJID"].astype(str).to_numpy()
    tables: dict = {}
    explained, searched = [], []
    for claim in claims_to_search(audit, ledger, analysis):
        recipe = recipe_for(claim, adsl, adeff, flags, analysis, tables)
        if isinstance(recipe, str):
            searched.append([claim.claim_id, 0, 0, f"not searched: {recipe}", ""])
            continue
        search = search_claim(claim, recipe, ledger, subjects, limits, ranges or {})
        found = ranked(search.found)
        if len(found) > MAX_LISTED:
            search.bounded.append(
                f"listed: the {MAX_LISTED} simplest of {len(found):,} explanations found"
            )
        for rank, item in enumerate(found[:MAX_LISTED], start=1):
            explained.append(
                [claim.claim_id, rank, item.kind, item.detail, item.value, item.printed]
            )
        summary = summary_words(found, search.tried, search.notes)
        searched.append(
            [claim.claim_id, search.tried, len(found), summary, "; ".join(search.bounded)]
        )
    explanations = pd.DataFrame(explained, columns=EXPLANATION_COLUMNS)
    tried = pd.DataFrame(searched, columns=TRIED_COLUMNS)
    return explanations.astype({"rank": int, "value": float}), tried.astype(
        {"tried": int, "found": int}
    )
