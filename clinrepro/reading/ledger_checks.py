"""The grammar of a claims ledger's `check` column: one call `name(arg, ...)` whose arguments
are claim ids or plain numbers. The ledger's schema refuses any other call; the audit's
summary checks (clinrepro.audit.summary_checks) evaluate them."""

from __future__ import annotations

import re

import pandas as pd

# the `check` grammar: function -> its arguments ("..." = as many more as wanted)
CHECK_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "percent": ("count", "denominator"),
    "difference": ("a", "b"),
    "sum": ("a", "b", "..."),
    "at_most": ("a",),
    "percent_change": ("before", "after"),
    "welch_p": ("mean1", "sd1", "n1", "mean2", "sd2", "n2"),
    "paired_p": ("mean1", "sd1", "mean2", "sd2", "n"),
}
CHECK_SIGNATURES = ", ".join(f"{name}({', '.join(a)})" for name, a in CHECK_ARGUMENTS.items())

_CALL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def parse_check(text: str) -> tuple[str, list[str]] | None:
    """'percent(n_a, n_b)' -> ('percent', ['n_a', 'n_b']); None when it is not a call."""
    call = _CALL.match(text)
    if call is None:
        return None
    arguments = [a.strip() for a in call.group(2).split(",")] if call.group(2).strip() else []
    return call.group(1), arguments


def takes(name: str, count: int) -> bool:
    """Whether the function takes `count` arguments."""
    names = CHECK_ARGUMENTS[name]
    if names[-1] == "...":
        return count >= len(names) - 1
    return count == len(names)


def check_problem(text, claim_ids: set[str]) -> str:
    """What is wrong with a `check` cell: 'function' (not a known call), 'arguments' (the
    wrong number), 'claim' (an argument neither a number nor a claim id), or ''."""
    if pd.isna(text):
        return ""
    call = parse_check(str(text))
    if call is None or call[0] not in CHECK_ARGUMENTS:
        return "function"
    name, arguments = call
    if not takes(name, len(arguments)):
        return "arguments"
    if any(not _NUMBER.match(a) and a not in claim_ids for a in arguments):
        return "claim"
    return ""
