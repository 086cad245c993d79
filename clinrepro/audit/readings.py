"""The ledger's readings under a variant that departs from them.

A ledger's `reading` is written for the cohort's default analysis: 'active muscle disease
read as a baseline MMT8 below 150, a cut-off chosen because it reproduces the printed
counts'. A variant that changes the definition of a population (its active-disease
criterion, or the flag a population role is analysed in) makes that sentence false for
the claims about that population. Their reading then leads with the variant's definition,
which takes the default analysis's place in the ledger's reading, said after it (its other
parts, a reading of mild weakness say, still hold), so that no verdict's reason leads with
a definition the variant's numbers do not use.

A variant that changes a response criterion (its threshold, visit, measure or direction)
grades the claims about that response against its own criterion, not the one the source
states: each such claim gets that reading, with or without a reading of the ledger's
('a response read as CDASI decrease >= 3 points at M3, in place of the default
analysis's CDASI decrease >= 5 points at M3'), so that a claim the variant's criterion
reproduces is reproduced only on that reading.
"""

from __future__ import annotations

import pandas as pd

from clinrepro.base.study import (
    active_words,
    combined,
    criterion_text,
    domains,
    population_label,
)
from clinrepro.base.terms import joined_words


def redefined(analysis: dict, default: dict) -> tuple[set[str], str]:
    """The population flags whose definition the variant changes (a domain whose
    active-disease criterion differs, and then the combined population too), and the new
    definitions in words ('active muscle disease as MMT8 < 150, or CK > 1000 without a
    baseline MMT8')."""
    changed = {
        code: domain
        for code, domain in domains(analysis).items()
        if analysis["active_disease"].get(code) != default["active_disease"].get(code)
    }
    flags = {domain["flag"] for domain in changed.values()}
    both = combined(analysis)
    if flags and both:
        flags.add(both["flag"])
    words = joined_words(
        [
            f"{domain['active']} read as {active_words(analysis['active_disease'][code])}"
            for code, domain in changed.items()
        ]
    )
    return flags, words


def changed_criteria(analysis: dict, default: dict, cohort: dict) -> dict[str, str]:
    """The response criteria the variant changes, by their measure: the variant's criterion
    in place of the default analysis's, in words."""
    changed = {}
    for role, criterion in analysis["response"].items():
        before = default["response"].get(role)
        if before is not None and criterion != before:
            changed[criterion["parameter"]] = (
                f"a response read as {criterion_text(criterion, cohort)}, in place of the "
                f"default analysis's {criterion_text(before, cohort)}"
            )
    return changed


def departure(row: pd.Series, analysis: dict, default: dict, changed: tuple) -> str:
    """How the variant departs from one ledger row's reading, or '' when it reads as the
    default: the population of the row's role replaced (and its definition, where the
    variant changes that too), or the flag it counts (or its role's) redefined."""
    flags, words = changed
    role = row.get("population")
    role = role if isinstance(role, str) else ""
    now, was = analysis["populations"].get(role), default["populations"].get(role)
    counted = row.get("parameter") if row.get("analysis") == "categorical" else None
    if now is not None and now != was:
        moved = f"these claims analysed in {population_label(now, analysis)}"
        return moved + (f", with {words}" if now in flags else "")
    if counted in flags or now in flags:
        return words
    return ""


def departed_readings(
    ledger: pd.DataFrame, analysis: dict, default: dict | None, cohort: dict
) -> pd.DataFrame:
    """The ledger with each reading the variant departs from led by the variant's
    definition, which takes the default analysis's place in it, the ledger's reading after
    it; each claim about a response whose criterion the variant changes read on the
    variant's criterion (a copy; the file is not changed)."""
    if default is None:
        return ledger
    changed, criteria = redefined(analysis, default), changed_criteria(analysis, default, cohort)
    if "reading" not in ledger and not criteria:
        return ledger
    ledger = ledger.copy()
    if "reading" not in ledger:
        ledger["reading"] = ""
    for index, row in ledger.iterrows():
        reading = row["reading"].strip() if isinstance(row["reading"], str) else ""
        instead = departure(row, analysis, default, changed) if reading else ""
        criterion = criteria.get(row["parameter"]) if row.get("analysis") == "response" else ""
        if instead:
            reading = (
                f"{instead}, in place of the default analysis's, in the reading written for it "
                f"({reading})"
            )
        if criterion:
            reading = f"{criterion}; {reading}" if reading else criterion
        if instead or criterion:
            ledger.at[index, "reading"] = reading
    return ledger
