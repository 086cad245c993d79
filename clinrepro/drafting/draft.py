"""The draft ledger: every statement of the text, one row a number, with the ledger's
columns and two for review (the pattern that found it, how sure the look-up is)."""

from __future__ import annotations

import re

import pandas as pd

from clinrepro.drafting.lookup import Context, Lookup, Study, look_up
from clinrepro.drafting.mentions import (
    Mention,
    measure_phrases,
    mentions,
    role_phrases,
    visit_phrases,
)
from clinrepro.drafting.statements import REFERENCE, Statement, statements
from clinrepro.drafting.text import Line, Sentence, location, sentences
from clinrepro.reading.schemas import ClaimsLedger

LEDGER_COLUMNS = list(ClaimsLedger.to_schema().columns)
REVIEW_COLUMNS = ["pattern", "draft_confidence"]
STATISTIC_WORDS = {
    "mean": "Mean", "sd": "SD", "median": "Median", "min": "Minimum", "max": "Maximum",
    "q1": "First quartile", "q3": "Third quartile", "n": "Patients", "denominator": "Patients",
    "pct": "Percentage of patients", "n_responders": "Responders", "p_value": "p-value",
    "mean_change": "Mean change", "ci_lower": "Lower confidence limit",
    "ci_upper": "Upper confidence limit",
}  # fmt: skip
_CLAUSE_END = re.compile(r"[,;:]\s")


def study_of(cohort: dict, analysis: dict, drafting: dict) -> Study:
    """What the look-ups read of the cohort's settings and the analysis defaults."""
    alpha = str(drafting["significance"])
    return Study(
        measures=cohort["measures"],
        visits={visit["code"]: visit for visit in cohort["visits"]},
        baseline=cohort["baseline_visit"],
        populations=analysis["populations"],
        everyone=drafting["everyone"],
        active=analysis["active_disease"],
        response=analysis["response"],
        significance=float(alpha),
        significance_printed=alpha,
    )


def clauses(words: str) -> list[tuple[int, int]]:
    """The clauses of a sentence: split at , ; : outside brackets."""
    depth, cuts = 0, [0]
    for index, char in enumerate(words):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if depth <= 0 and _CLAUSE_END.match(words, index):
            cuts.append(index + 1)
    cuts.append(len(words))
    return [(a, b) for a, b in zip(cuts, cuts[1:])]


def _respectively(sentence: str, found: list[Statement], visits: list[Mention]) -> dict:
    """'14±11, 8±6 and 5±4 at 3-month, 6-month and last follow-up, respectively': the k-th
    of the last numbers of a kind takes the k-th visit named after them."""
    if "respectively" not in sentence or not found:
        return {}
    after = [m for m in visits if m.start >= found[-1].end]
    forced = {}
    for statistic in {s.statistic for s in found}:
        same = [s for s in found if s.statistic == statistic][-len(after) :] if after else []
        if len(same) == len(after) and len(after) > 1:
            forced |= {id(s): m for s, m in zip(same, after)}
    return forced


class Drafter:
    """Reads sentences in order, keeping what a reader keeps: the visit and measure last
    named in the paragraph, which counts were already stated."""

    def __init__(self, study: Study, drafting: dict):
        self.study, self.drafting = study, drafting
        self.phrases = {
            "measure": measure_phrases(study.measures),
            "visit": visit_phrases(list(study.visits.values()), drafting["time_unit"]),
            "role": role_phrases(drafting["populations"]),
            "response": role_phrases({role: [role] for role in study.response}),
        }
        self.rows, self.counted, self.ids = [], {}, set()
        self.paragraph, self.carried = -1, {"visit": None, "measure": None}

    def read(self, sentence: Sentence) -> None:
        if sentence.paragraph != self.paragraph:
            self.paragraph, self.carried = sentence.paragraph, {"visit": None, "measure": None}
        words = sentence.words
        found = statements(words, self.drafting["subjects"])
        named = {kind: mentions(words, kind, p) for kind, p in self.phrases.items()}
        forced = _respectively(words, found, named["visit"])
        parts = clauses(words)
        for statement in found:
            clause = next(c for c in parts if c[0] <= statement.start < c[1])
            if statement.statistic == "denominator":
                if statement.value in self.counted:
                    continue
                statement.statistic = "n"
                statement.words["denominator"] = True
            context = Context(
                named["measure"], named["visit"], named["role"], named["response"], clause,
                self.carried["visit"], self.carried["measure"], not self.counted,
                forced.get(id(statement)), self.study.baseline,
            )  # fmt: skip
            if statement.pattern == "no significant change":
                statement.value = self.study.significance
                statement.precision = len(self.study.significance_printed.partition(".")[2])
            self._add(sentence, statement, look_up(self.study, context, statement, words))
        for kind in ("visit", "measure"):
            if named[kind]:
                self.carried[kind] = named[kind][-1]

    def _add(self, sentence: Sentence, statement: Statement, found: Lookup) -> None:
        start, end = next(c for c in clauses(sentence.words) if c[0] <= statement.start < c[1])
        first, last = sentence.span_lines(start, end)
        claim_id = self._id(found, statement, first)
        if found.unit == "count" and found.statistic in ("n", "n_responders"):
            self.counted[statement.value] = claim_id
        check = ""
        if statement.pattern == "x of n (%)":
            count, total = (self.counted.get(statement.words[k]) for k in ("count", "of"))
            check = f"percent({count}, {total})" if count and total else ""
        row = {column: "" for column in LEDGER_COLUMNS}
        row |= {
            "claim_id": claim_id,
            "source": self.drafting["source"],
            "location": location(first, last),
            "quote": sentence.words[start:end].strip(" ,;:"),
            "description": self._description(found),
            "reported": statement.reported,
            "comparator": statement.comparator,
            "value": statement.value,
            "precision": statement.precision,
            "unit": found.unit or statement.unit or "number",
            "population": found.population,
            "analysis": found.analysis,
            "parameter": found.parameter,
            "visit": found.visit,
            "category": found.category if not found.reason else "",
            "statistic": found.statistic,
            "not_computable_reason": found.reason,
            "n": statement.n if statement.n is not None else "",
            "check": check,
            "pattern": statement.pattern,
            "draft_confidence": confidence(found),
        }
        self.rows.append(row)

    def _id(self, found: Lookup, statement: Statement, line: int) -> str:
        parts = (
            [found.parameter, found.visit, found.statistic]
            if found.parameter
            else [f"l{line}", found.statistic]
        )
        stem = re.sub(r"[^a-z0-9_]", "_", "_".join(p for p in parts if p).lower())
        claim_id, number = stem, 1
        while claim_id in self.ids:
            number += 1
            claim_id = f"{stem}_{number}"
        self.ids.add(claim_id)
        return claim_id

    def _description(self, found: Lookup) -> str:
        words = STATISTIC_WORDS.get(found.statistic, found.statistic)
        measure = self.study.measures.get(found.parameter)
        what = measure["label"] if measure else found.parameter
        if found.analysis == "categorical" or (found.statistic in ("n", "pct") and not measure):
            what = f"population {found.parameter}" if found.parameter else "what the quote counts"
        visit = self.study.visits.get(found.visit, {}).get("label", found.visit)
        return (
            f"{words}: {what}"
            + (f" at {visit}" if visit else "")
            + (f" ({found.population})" if found.population else "")
        )


def confidence(found: Lookup) -> str:
    """How sure the draft is: 'high' when every part was matched in the words, 'review' when
    one was assumed, 'not computable' with the reason; then what was matched and assumed."""
    level = "not computable" if found.reason else "review" if found.assumed else "high"
    parts = [level]
    if found.matched:
        parts.append("matched: " + ", ".join(found.matched))
    if found.assumed:
        parts.append("assumed: " + ", ".join(found.assumed))
    return "; ".join(parts)


def draft(lines: list[Line], study: Study, drafting: dict) -> pd.DataFrame:
    """The draft ledger of a text: the ledger's columns, then the review columns."""
    drafter = Drafter(study, drafting)
    found = sentences(lines)
    references = {s.paragraph for s in found if REFERENCE.search(s.words)}
    for sentence in found:
        if sentence.paragraph not in references:
            drafter.read(sentence)
    return pd.DataFrame(drafter.rows, columns=LEDGER_COLUMNS + REVIEW_COLUMNS)
