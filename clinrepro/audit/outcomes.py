"""Stated outcomes against reported ones: an outcome the methods name and the results never
report is flagged (selective reporting), with what the data give for it where they can."""

from __future__ import annotations

import pandas as pd

from clinrepro.statistics.ard import select

OUTCOME_COLUMNS = [
    "outcome_id",
    "role",
    "description",
    "source",
    "location",
    "reported_by",
    "status",
    "recomputed",
    "population",
]


def reporting_claims(outcome: pd.Series, ledger: pd.DataFrame) -> list[str]:
    """The claims that report the outcome: named by their `outcome` column, or of the same
    source with the outcome's analysis, parameter and visit."""
    same_source = ledger["source"].astype(str) == str(outcome["source"])
    named = ledger.get("outcome", pd.Series("", index=ledger.index)).astype(str)
    by_name = named == str(outcome["outcome_id"])
    by_lookup = pd.Series(pd.notna(outcome["analysis"]), index=ledger.index)
    for column in ("analysis", "parameter", "visit"):
        if pd.notna(outcome[column]):
            by_lookup &= ledger[column].astype(str) == str(outcome[column])
    return list(ledger.loc[by_name | (same_source & by_lookup), "claim_id"].astype(str))


def response_flag(outcome: pd.Series, analysis: dict) -> str | None:
    for role, criterion in analysis.get("response", {}).items():
        if (
            criterion["parameter"] == outcome["parameter"]
            and criterion["visit"] == outcome["visit"]
        ):
            return analysis["populations"].get(role)
    return None


def recomputed_words(outcome: pd.Series, ard: pd.DataFrame, analysis: dict) -> tuple[str, str]:
    """What the data give for the outcome, in words, and the population flag used."""
    if pd.isna(outcome["analysis"]):
        return "", ""
    key = {"analysis": outcome["analysis"], "parameter": outcome["parameter"],
           "visit": outcome["visit"], "category": ""}  # fmt: skip
    if outcome["analysis"] == "response":
        flag = response_flag(outcome, analysis)
        if flag is None:
            return "", ""
        found = select(ard, {**key, "population": flag})
        values = dict(zip(found["statistic"], found["value"]))
        if "n_evaluable" not in values:
            return "", flag
        pct = values.get("pct", float("nan"))
        words = f"{int(values['n_responders'])} of {int(values['n_evaluable'])} ({pct:.1f}%)"
        return words, flag
    found = select(ard, {**key, "statistic": outcome["statistic"]})
    if found.empty:
        return "", ""
    return f"{found['value'].iloc[0]:.4g}", str(found["population"].iloc[0])


def outcome_report(
    outcomes: pd.DataFrame | None,
    ledger: pd.DataFrame,
    ard: pd.DataFrame,
    analysis: dict,
    criteria: dict | None = None,
) -> pd.DataFrame:
    """One row a stated outcome: the claims reporting it, `reported` or `never reported`,
    and what the data give; a response's under a criterion the variant changes says so
    (`criteria`: by measure, readings.changed_criteria)."""
    if outcomes is None or outcomes.empty:
        return pd.DataFrame(columns=OUTCOME_COLUMNS)
    rows = []
    for _, outcome in outcomes.iterrows():
        claims = reporting_claims(outcome, ledger)
        words, flag = recomputed_words(outcome, ard, analysis)
        changed = (criteria or {}).get(outcome["parameter"])
        if words and changed and outcome["analysis"] == "response":
            words += f", {changed}"
        rows.append(
            {
                **{c: outcome[c] for c in ("outcome_id", "role", "description", "source")},
                "location": outcome["location"],
                "reported_by": " ".join(claims),
                "status": "reported" if claims else "never reported",
                "recomputed": words,
                "population": flag,
            }
        )
    return pd.DataFrame(rows, columns=OUTCOME_COLUMNS)
