"""The draft against a hand-written ledger: for each ledger claim the draft row that found it
(same location and value) or none, each draft row the ledger lacks, and the measure of the
draft (how many of the ledger's text claims it finds, how many look-ups it gets right, how
many rows are not claims)."""

from __future__ import annotations

import re

import pandas as pd

LOOKUP = ["population", "analysis", "parameter", "visit", "category", "statistic"]
KINDS = {
    "found": "the ledger's claim, found at its location with its value",
    "missed": "the ledger's claim, which the draft does not find",
    "repeated": "a draft row restating a claim the ledger locates elsewhere (a figure legend)",
    "not in the ledger": "a draft row that is no claim of the ledger",
}
_LINES = re.compile(r"text l\.(\d+)(?:-(\d+))?")


def text_lines(location) -> set[int]:
    """'text l.77-78; Figure 1 legend' -> {77, 78}; empty for a location outside the text."""
    found = _LINES.search(str(location)) if isinstance(location, str) else None
    if found is None:
        return set()
    first = int(found.group(1))
    return set(range(first, int(found.group(2) or first) + 1))


def _plain(text) -> str:
    return re.sub(r"[\s*]", "", str(text)).lower() if isinstance(text, str) else ""


def _lookup(row) -> tuple:
    return tuple("" if pd.isna(row[c]) else str(row[c]) for c in LOOKUP)


def _restates(row, claim) -> bool:
    """A draft row restating a ledger claim printed outside the text's lines too."""
    if str(claim["location"]).startswith("text l.") and ";" not in str(claim["location"]):
        return False
    fragments = [_plain(f) for f in str(claim["quote"]).split("[...]")]
    quoted = any(len(f) >= 6 and f in _plain(row["quote"]) for f in fragments)
    same = _lookup(row)[2:] == _lookup(claim)[2:] and _lookup(row)[2]
    return float(row["value"]) == float(claim["value"]) and (quoted or bool(same))


def _found(claim, draft: list[dict], used: set) -> int | None:
    """The first unused draft row at the claim's lines with its value, one with the claim's
    look-up first ('anti-MDA5 and anti-NXP2 in four patients each': two rows of 4)."""
    lines = text_lines(claim["location"])
    candidates = [
        index
        for index, row in enumerate(draft)
        if index not in used
        and float(row["value"]) == float(claim["value"])
        and lines & text_lines(row["location"])
    ]
    same = [index for index in candidates if _lookup(draft[index]) == _lookup(claim)]
    return (same or candidates or [None])[0]


def compared(draft: pd.DataFrame, ledger: pd.DataFrame) -> pd.DataFrame:
    """One row a ledger claim (found or missed), then one a draft row the ledger lacks."""
    rows, used = [], set()
    draft, ledger = draft.to_dict("records"), ledger.to_dict("records")
    for claim in ledger:
        index = _found(claim, draft, used)
        row = draft[index] if index is not None else None
        used |= {index} if index is not None else set()
        has_lookup = isinstance(claim["analysis"], str) and claim["analysis"] != ""
        same = (
            "" if row is None or not has_lookup else "Y" if _lookup(row) == _lookup(claim) else "N"
        )
        rows.append(_row("found" if row is not None else "missed", claim, row, same))
    for index, row in enumerate(draft):
        if index in used:
            continue
        restated = [c for c in ledger if _restates(row, c)]
        rows.append(_row("repeated" if restated else "not in the ledger",
                         restated[0] if restated else None, row, ""))  # fmt: skip
    return pd.DataFrame(rows)


def _row(kind: str, claim, row, same: str) -> dict:
    def of(what, column):
        return None if what is None or pd.isna(what[column]) else what[column]

    return {
        "kind": kind,
        "ledger_claim_id": of(claim, "claim_id"),
        "draft_claim_id": of(row, "claim_id"),
        "ledger_location": of(claim, "location"),
        "draft_location": of(row, "location"),
        "ledger_value": of(claim, "value"),
        "draft_value": of(row, "value"),
        "ledger_lookup": " / ".join(_lookup(claim)) if claim is not None else "",
        "draft_lookup": " / ".join(_lookup(row)) if row is not None else "",
        "same_lookup": same,
        "draft_quote": of(row, "quote"),
    }


def measured(comparison: pd.DataFrame, ledger: pd.DataFrame) -> dict:
    """The draft's measure against the ledger's claims located in the text."""
    in_text = set(ledger.loc[ledger["location"].map(lambda l: bool(text_lines(l))), "claim_id"])
    mine = comparison[comparison["ledger_claim_id"].isin(in_text)]
    found = mine[mine["kind"] == "found"]
    looked = found[found["same_lookup"] != ""]
    return {
        "text_claims": len(in_text),
        "found": len(found),
        "with_lookup": len(looked),
        "same_lookup": int((looked["same_lookup"] == "Y").sum()),
        "not_claims": int((comparison["kind"] == "not in the ledger").sum()),
    }
