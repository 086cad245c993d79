"""A short SYNTHETIC paper text written from a synthetic cohort's own ledger, its planted
wrong number included, so that the draft ledger (clinrepro.drafting) runs end to end on a
fresh clone: its statements are the ledger's, in sentences a paper would print, each line
with its printed number."""

from __future__ import annotations

import pandas as pd

from clinrepro.drafting.numbers import WORD_VALUES

NUMBER_WORDS = {value: word for word, value in WORD_VALUES.items()}


def _in_words(count: int) -> str:
    """A count that opens a sentence, in words where it has one ('Twenty')."""
    return NUMBER_WORDS.get(count, str(count)).capitalize()


def _row(ledger: pd.DataFrame, **where) -> pd.Series | None:
    found = ledger
    for column, value in where.items():
        found = found[found[column].astype(str).str.endswith(value)]
    return found.iloc[0] if len(found) else None


def _visit_words(settings: dict, code: str) -> str:
    visit = next(v for v in settings["visits"] if v["code"] == code)
    return visit.get("printed", visit["label"])


def paper_sentences(ledger: pd.DataFrame, settings: dict) -> list[str]:
    """One sentence a claim the text states: the cohort, the measure at baseline, the
    response, its test, the measure at the response visit (the planted one), follow-up."""
    treated = _row(ledger, claim_id="n_patients")
    base = _row(ledger, analysis="summary", statistic="mean", visit=settings["baseline_visit"])
    responders = _row(ledger, analysis="response", statistic="pct")
    test = _row(ledger, analysis="paired_test", statistic="p_value")
    planted = _row(ledger, claim_id="_planted_mismatch")
    follow = _row(ledger, claim_id="followup_years_mean")
    measure = settings["measures"][base["parameter"]]
    name, before = measure["printed"], _visit_words(settings, base["visit"])
    after = _visit_words(settings, responders["visit"])
    moved = f"{measure['improvement']}d"
    return [
        "SYNTHETIC paper text, written by clinrepro.synthetic with the data; nothing in it is "
        "real.",
        f"{_in_words(int(float(treated['value'])))} patients were treated with a JAK inhibitor.",
        f"At {before}, mean {name} was {base['reported']} in patients with active cutaneous "
        "disease.",
        f"At {after}, {responders['reported']} of patients with active cutaneous disease had a "
        "cutaneous response.",
        f"{name} {moved} from {before} to {after} ({test['reported']}).",
        f"At {after}, mean {name} was {planted['reported']}.",
        f"Patients were seen for a mean follow-up of {follow['reported']} years.",
    ]


def paper_text(ledger: pd.DataFrame, settings: dict) -> str:
    """The sentences, one a line, each line with its printed number."""
    sentences = paper_sentences(ledger, settings)
    return "".join(f"{number} {words}\n" for number, words in enumerate(sentences, start=1))
