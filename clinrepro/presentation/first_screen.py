"""The report's first screen: what the study found, what the audit found and whether to
trust it, in a few lines built from the results and the settings. Everything else sits in
the report's appendices, one click away.

The safety and secondary-outcome blocks come from the stated outcomes (outcomes.csv, a
`safety` row among them) and the claims that report them (the ledger's `outcome` column):
every adverse event and death the source reports is shown with where it says so, whether
or not the per-patient data can check it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clinrepro.base.printed import fixed
from clinrepro.presentation.words import (
    VERDICT_GROUPS,
    audit_sentence,
    change_words,
    p_phrase,
    response_sentence,
    response_words,
    role_of,
    source_name,
)
from clinrepro.base.study import design_words, primary_role, short_name, visit_label
from clinrepro.base.terms import joined_words, shown


def with_measures(outcomes: pd.DataFrame, stated: pd.DataFrame | None) -> pd.DataFrame:
    """The outcomes audited (outcomes.csv of the results) with the measure and visit each is
    stated on (the raw outcomes file), so that a response criterion finds its outcome."""
    if stated is None or outcomes.empty:
        return outcomes.assign(parameter=pd.Series(dtype=object), visit=pd.Series(dtype=object))
    return outcomes.merge(stated[["outcome_id", "parameter", "visit"]], on="outcome_id", how="left")


def outcome_claims(outcomes: pd.DataFrame, audit: pd.DataFrame, role: str) -> list[tuple]:
    """Each stated outcome of a role (main, secondary, safety) with the claims reporting it,
    in the ledger's order."""
    if outcomes.empty:
        return []
    by_id = audit.set_index("claim_id", drop=False)
    pairs = []
    for _, outcome in outcomes[outcomes["role"] == role].iterrows():
        ids = [c for c in str(outcome["reported_by"]).split() if c in by_id.index]
        pairs.append((outcome, by_id.loc[ids]))
    return pairs


def checked_words(claim: pd.Series) -> str:
    """Whether the per-patient data check a reported number, in words."""
    reason = claim["reason"] if isinstance(claim["reason"], str) else ""
    if claim["verdict"] == "not computable":
        return (
            f"not in the per-patient data ({reason})" if reason else "not in the per-patient data"
        )
    if claim["verdict"] == "consistent with reported numbers":
        return (
            f"not in the per-patient data ({reason}); agrees with the source's other numbers"
            if reason
            else "not in the per-patient data; agrees with the source's other numbers"
        )
    return f"checked against the per-patient data: {claim['verdict']}"


def reported_findings(claims: pd.DataFrame, sources: dict) -> list[dict]:
    """The numbers a source reports for an outcome: what, the number, its words, where, and
    whether the per-patient data check it."""
    return [
        {
            "what": shown(claim["description"]),
            "reported": str(claim["reported"]),
            "quote": str(claim["quote"]),
            "where": f"{claim['location']}, {source_name(claim['source'], sources)}",
            "source": source_name(claim["source"], sources),
            "checked": checked_words(claim),
        }
        for _, claim in claims.iterrows()
    ]


def safety_block(outcomes: pd.DataFrame, audit: pd.DataFrame, cohort: dict) -> dict:
    """Every adverse event and death the sources report, or why there is nothing to show."""
    sources = cohort.get("sources", {})
    found = [
        finding
        for _, claims in outcome_claims(outcomes, audit, "safety")
        for finding in reported_findings(claims, sources)
    ]
    empty = (
        ""
        if found
        else "No adverse events or deaths are declared for this cohort (no safety outcome among "
        "its stated outcomes), so this report cannot say what harm occurred."
    )
    return {"findings": found, "empty": empty}


def secondary_block(
    outcomes: pd.DataFrame, audit: pd.DataFrame, cohort: dict, attainable: pd.DataFrame,
    analysis: dict,
) -> list[dict]:  # fmt: skip
    """Each secondary outcome the source states: the source's own numbers, or that it never
    reports it, with what the per-patient data give."""
    sources = cohort.get("sources", {})
    blocks = []
    for outcome, claims in outcome_claims(outcomes, audit, "secondary"):
        given = outcome["recomputed"] if isinstance(outcome["recomputed"], str) else ""
        reached = ""
        role = (
            role_of(outcome["parameter"], analysis)
            if isinstance(outcome["parameter"], str)
            else None
        )
        if role and given:
            reached = attainable_words(attainable, role)
        blocks.append(
            {
                "description": shown(outcome["description"]),
                "where": f"{outcome['location']}, {source_name(outcome['source'], sources)}",
                "never": outcome["status"] == "never reported",
                "data": given,
                "reached": reached,
                "findings": reported_findings(claims, sources),
            }
        )
    return blocks


def attainable_words(attainable: pd.DataFrame, role: str) -> str:
    """'only 3 of the 8 could reach it, given where the scale ends (1 of those 3 did)'; ''
    when every evaluable patient could."""
    mine = attainable[attainable["role"] == role] if not attainable.empty else attainable
    if mine.empty:
        return ""
    row = mine.iloc[0]
    could, evaluable = int(row["n_evaluable_attainable"]), int(row["n_evaluable"])
    if could >= evaluable:
        return ""
    return (
        f"only {could} of the {evaluable} could reach it at all, given where the scale ends "
        f"({int(row['n_responders'])} of those {could} did)"
    )


def response_roles(outcomes: pd.DataFrame, analysis: dict) -> list[tuple[str, str]]:
    """The response criteria as (role, what the source calls it), the main outcome first:
    the one outcomes.csv marks `main`, else the first of the settings."""
    named = {}
    if not outcomes.empty:
        for _, outcome in outcomes[outcomes["role"].isin(["main", "secondary"])].iterrows():
            role = (
                role_of(outcome["parameter"], analysis)
                if isinstance(outcome["parameter"], str)
                else None
            )
            if role and analysis["response"][role]["visit"] == outcome["visit"]:
                named.setdefault(role, outcome["role"])
    if "main" not in named.values():
        named.setdefault(primary_role(analysis), "main")
    roles = [(role, named.get(role, "")) for role in analysis["response"]]
    return sorted(roles, key=lambda pair: pair[1] != "main")


def efficacy_lines(context: dict, outcomes: pd.DataFrame) -> list[dict]:
    """The response criteria (main outcome first) with their intervals, the change behind
    each, who carries it and who could reach it; then every other measure on the scale it
    is read on."""
    analysis, cohort, rows = context["analysis"], context["cohort"], context["rows"]
    lines = []
    for role, kind in response_roles(outcomes, analysis):
        text = response_sentence(role, context)
        if text:
            heading = {"main": "Main outcome", "secondary": "Secondary outcome"}.get(
                kind, "Response"
            )
            lines.append({"heading": heading, "text": text})
    others = [r for r in rows if role_of(r["measure"], analysis) is None]
    for measure in dict.fromkeys(r["measure"] for r in others):
        parts = [marker_words(r, analysis, cohort) for r in others if r["measure"] == measure]
        text = "; ".join(parts)
        lines.append(
            {"heading": short_name(cohort, measure), "text": text[0].upper() + text[1:] + "."}
        )
    return lines


def marker_words(row: dict, analysis: dict, cohort: dict) -> str:
    """A measure's change to one visit: on the log scale, as a ratio of geometric means,
    where the results have it (skewed laboratory values), else as a change."""
    visit = visit_label(cohort, row["visit"])
    if not np.isfinite(row["gmr"]):
        return f"to {visit}, {change_words(row, analysis)}"
    low, high = row["gmr_ci"]
    level = f"{analysis['confidence_level']:.0%}"
    return (
        f"at {visit} the typical value was {fixed(row['gmr'], 2)} times its baseline (ratio of "
        f"geometric means, {level} CI {fixed(low, 2)} to {fixed(high, 2)}; "
        f"{p_phrase(row['p_log'])}, paired t-test on the log scale, {row['n']} patients)"
    )


def audited_against(cohort: dict) -> str:
    """What the audit checks the claims against, from the cohort's settings."""
    return cohort.get("design_facts", {}).get("data_checked", "this cohort's own per-patient data")


def audit_block(audit: pd.DataFrame, outcomes: pd.DataFrame, analysis: dict, cohort: dict) -> dict:
    """The audit's result in plain words and what it does and does not check."""
    if audit.empty:
        return {"sentence": "", "scope": ""}
    against = audited_against(cohort)
    scope = (
        f"What this audit checks: the claims against {against}, not against source records "
        "(case notes, laboratory reports): a number that agrees is reproduced from those data, "
        "not verified at its source."
    )
    sentence = audit_sentence(audit, outcomes, analysis, cohort.get("sources"), cohort)
    if cohort.get("drafted_claims"):
        sentence = (
            "These claims are an unreviewed draft the workflow made from the text given for this "
            "cohort, not a list of claims a person checked: review it and, once checked, save it as the "
            f"cohort's list of published claims before trusting a verdict. {sentence}"
        )
    return {"sentence": sentence, "scope": scope}


def bottom_line(
    adsl: pd.DataFrame, ard: pd.DataFrame, outcomes: pd.DataFrame, audit: pd.DataFrame,
    safety: dict, analysis: dict, cohort: dict,
) -> str:  # fmt: skip
    """The study and the audit in one sentence."""
    facts = cohort.get("design_facts", {})
    design = design_words(cohort)
    control = ", without a control group" if facts.get("control") == "none" else ""
    role = response_roles(outcomes, analysis)[0][0]
    parts = [f"In this {design} of {len(adsl)} treated patients{control}, " + (
        response_words(ard, analysis, cohort, role) or "no response could be computed"
    )]  # fmt: skip
    if safety["findings"]:
        parts.append(
            "safety events reported: "
            + joined_words([f"{f['what'][0].lower()}{f['what'][1:]} {f['reported']}" for f in safety["findings"]])
            + f" ({safety['findings'][0]['source']})"
        )  # fmt: skip
    if not audit.empty:
        # a draft's claims are said to be one before they are counted
        drafted = cohort.get("drafted_claims")
        parts.append(
            (
                "the claims are an unreviewed draft made from the text given for this cohort; "
                if drafted
                else ""
            )
            + f"checked against {audited_against(cohort)}, "
            + verdict_words(audit)
        )
    return "; ".join(parts) + "."


def verdict_words(audit: pd.DataFrame) -> str:
    """'18 of the 54 claims (44 of the paper and 10 of the news) are reproduced exactly or
    within rounding, 5 only on a reading that is ours, not the source's, 6 approximately or
    only under a population or test not stated, 25 reach beyond those data and none is
    inconsistent' (parts with no claim left out)."""
    counts = audit["verdict"].value_counts()
    count = lambda group: int(sum(counts.get(v, 0) for v in VERDICT_GROUPS[group]))  # noqa: E731
    by_source = audit["source"].astype(str).value_counts(sort=False)
    sources = (
        f" ({joined_words([f'{n} of the {source}' for source, n in by_source.items()])})"
        if len(by_source) > 1
        else ""
    )
    parts = [
        f"{count('exact or within rounding')} of the {len(audit)} claims{sources} are "
        "reproduced exactly or within rounding"
    ]
    ours = count("only on our reading")
    if ours:
        parts.append(f"{ours} only on a reading that is ours, not the source's")
    close = count("approximate or under a population or test not stated")
    if close:
        parts.append(f"{close} approximately or only under a population or test not stated")
    beyond = count("beyond the per-patient data")
    if beyond:
        parts.append(f"{beyond} {'reaches' if beyond == 1 else 'reach'} beyond those data")
    inconsistent = count("inconsistent")
    parts.append(
        f"{inconsistent} {'is' if inconsistent == 1 else 'are'} inconsistent"
        if inconsistent
        else "none is inconsistent"
    )
    return joined_words(parts)
