"""The internal names that must not reach a reader, found in a rendered report.

A report is read by clinicians: its text (figure captions, image descriptions and table
cells included) must not show the workflow's own names: variant ids unless labelled as
such (an element of class "variant"), ADSL and ADEFF flag and column names, setting paths
such as power.placebo, the column names of the CSV files, measure and visit codes where
the settings give them a name, granularity tests the glossary does not explain, and the
phrasings the clinicians' review found (a fraction of a patient, "the ledger's", "1056 in
all", "(paper, printed unchanged)").
"""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

FILE_NAME = re.compile(r"[\w./-]+\.(?:csv|html|json|png|svg|sha256|yaml|tsv|parquet|log)\b")
# an identifier of the files: snake_case, or capitals and digits (ACTMUSFL, TRT01A)
IDENTIFIER = re.compile(r"^(?:[a-z][a-z0-9]*_[a-z0-9_]+|[A-Z][A-Z0-9]{2,})$")
PHRASES = {
    "a fraction of a patient": re.compile(r"\b\d+\.\d+ patients? of\b"),
    "the ledger": re.compile(r"\bledger", re.IGNORECASE),
    "a count with no noun": re.compile(r"\b[\d,]+ in all\b"),
    "a source id and a printed word in brackets": re.compile(r"\(\w+, printed\b"),
}
GRANULARITY_TESTS = ("GRIM", "GRIMMER")


def reader_text(page: str) -> tuple[str, set[str]]:
    """The text a reader sees in the page's body (alt and title attributes included), with
    labelled variant ids and file names taken out; and the terms its glossary explains."""
    body = page[page.index("<body") :]
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<code class="variant">[^<]*</code>', " ", body)
    glossary = {html.unescape(t).strip() for t in re.findall(r"<dt>(.*?)</dt>", body, re.S)}
    attributes = " ".join(re.findall(r'\s(?:alt|title)="([^"]*)"', body))
    body = re.sub(r'src="data:[^"]*"', "", body)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body) + " " + attributes)
    return FILE_NAME.sub(" ", text), glossary


def csv_columns(folder: Path) -> set[str]:
    """The column names of every CSV file under a results folder that look like
    identifiers (ordinary words such as 'criterion' are not internal)."""
    names = set()
    for path in folder.rglob("*.csv"):
        with open(path, encoding="utf-8") as handle:
            header = next(csv.reader(handle), [])
        names |= {name for name in header if IDENTIFIER.match(name)}
    return names


def coded_names(cohort: dict, settings: dict) -> set[str]:
    """Codes a reader must not see: measures with a name of their own, visits whose label
    does not contain the code, the keys of the settings that could start a setting path."""
    measures = {
        code for code, measure in cohort["measures"].items() if measure.get("short", code) != code
    }
    visits = {
        visit["code"]
        for visit in cohort["visits"]
        if not re.search(rf"\b{re.escape(visit['code'])}\b", visit.get("label", visit["code"]))
    }
    return measures | visits


def source_words(cohort: dict) -> set[str]:
    """The source's own names, which the report quotes (Table 1's headers, a registry
    export's column names, a cell's column), and the measures' short names."""
    words = {measure.get("short", code) for code, measure in cohort["measures"].items()}
    words |= {measure["printed"] for measure in cohort["measures"].values()}
    return (
        words
        | set(cohort["columns"].values())
        | set(cohort.get("measurement_columns", {}).values())
        | set(cohort.get("prior_treatment_checkboxes", {}))  # a form's checkbox headers
    )


def setting_path(settings: dict, cohort: dict) -> re.Pattern:
    keys = sorted(set(settings) | set(cohort), key=len, reverse=True)
    return re.compile(rf"\b(?:{'|'.join(map(re.escape, keys))})\.[a-z_]+\b")


def internal_names(page: str, cohort: dict, settings: dict, columns: set[str]) -> list[str]:
    """Each internal name the page shows a reader, with a few words around it."""
    text, glossary = reader_text(page)
    found = []

    def hit(rule: str, match: re.Match) -> None:
        around = " ".join(text[max(match.start() - 60, 0) : match.end() + 40].split())
        found.append(f"{rule}: {match.group(0)!r} in '...{around}...'")

    for variant in settings.get("variants", {}):
        # an id no one would take for a word, anywhere; a word ('paper') after 'variant'
        coined = IDENTIFIER.match(variant) or re.search(r"\d", variant)
        unlabelled = (
            rf"\b{re.escape(variant)}\b"
            if coined
            else rf"\bvariants?\s+['\"]?{re.escape(variant)}\b"
        )
        for match in re.finditer(unlabelled, text):
            hit("an unlabelled variant id", match)
    for name in sorted((columns - source_words(cohort)) | coded_names(cohort, settings)):
        for match in re.finditer(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text):
            hit("an internal name", match)
    for match in setting_path(settings, cohort).finditer(text):
        hit("a setting path", match)
    for rule, pattern in PHRASES.items():
        for match in pattern.finditer(text):
            hit(rule, match)
    for test in GRANULARITY_TESTS:
        if re.search(rf"\b{test}\b", text) and not any(test in term for term in glossary):
            found.append(f"a test the glossary does not explain: {test}")
    return found
