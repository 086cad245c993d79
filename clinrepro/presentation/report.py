"""The self-contained reproduction report and the HTML pages of the tables.

Rendered from Jinja2 templates with autoescaping on, so every string from the data is
escaped; images are embedded as data URIs, so the file opens offline and can be mailed.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
import hashlib
import json
import logging
import platform
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd

from clinrepro.presentation.pages import (
    HtmlTable,
    first_rows,
    html_table,
    png_uri,
    render,
    table1_groups,
    write_text,
)
from clinrepro.adam.endpoints import read_adeff, read_adsl
from clinrepro.audit.eligibility import attainability_summary, eligibility_summary
from clinrepro.base.files import read_display_table, read_first_rows, read_table, sha256_of
from clinrepro.presentation.first_screen import (
    audit_block,
    bottom_line,
    efficacy_lines,
    safety_block,
    secondary_block,
    with_measures,
)
from clinrepro.base.study import population_label
from clinrepro.presentation.words import (
    attainability_display,
    eligibility_display,
    change_rows,
    cohort_sentence,
    change_table,
    claim_p_text,
    distinct_best,
    multiplicity,
    other_tests_words,
    never_reproduced,
    readable,
)
from clinrepro.presentation.clinical import ADEFF_READ, reading_notes
from clinrepro.presentation.limitations import limitations
from clinrepro.presentation.methods import methods
from clinrepro.presentation.variant_words import settings_changes
from clinrepro.base.settings import REPORT_FIGURES
from clinrepro.base.study import (
    design_words,
    has_ledger,
    trial_name,
)
from clinrepro.base.printed import percent
from clinrepro.statistics.ard import read_ard
from clinrepro.base.terms import CHECK_NAMES, TEST_NAMES, shown
from clinrepro.base import typed

logger = logging.getLogger(__name__)
PACKAGES = ("snakemake", "pandas", "pandera", "scipy", "numpy", "matplotlib", "jinja2")


def inline_script(path: str) -> tuple[str, str]:
    """A script to inline, and the source its Content-Security-Policy allows it by: its
    SHA-256, so that no other script runs."""
    text = Path(path).read_text("utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return text, f"'sha256-{digest}'"


def first_screen(
    adsl, adeff, ard, rows, audit, outcomes, attainable, analysis: dict, cohort: dict
) -> dict:
    """The three questions the first screen answers, from the results and the settings."""
    safety = safety_block(outcomes, audit, cohort)
    context = {"ard": ard, "analysis": analysis, "cohort": cohort, "rows": rows,
               "attainable": attainable, "adeff": adeff}  # fmt: skip
    return {
        "bottom_line": bottom_line(adsl, ard, outcomes, audit, safety, analysis, cohort),
        "lead": cohort_sentence(cohort, adsl, rows),
        "efficacy": efficacy_lines(context, outcomes),
        "safety": safety,
        "secondary": secondary_block(outcomes, audit, cohort, attainable, analysis),
        "audit": audit_block(audit, outcomes, analysis, cohort),
    }


def settings_digest(settings: Mapping) -> str:
    """SHA-256 of settings written canonically (sorted keys, no spaces)."""
    text = json.dumps(
        typed.plain(settings), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def git_commit(project: str) -> str:
    """The checkout's commit, marked '(modified)' when tracked files differ from it."""

    def git(*args):
        return subprocess.run(
            ["git", "-C", project, *args], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        return commit + (
            " (modified)" if git("status", "--porcelain", "--untracked-files=no") else ""
        )
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"


# a claim's details list at most this many cells and explanations; the CSV files have all
LISTED_CELLS = 60
LISTED_EXPLANATIONS = 10


def shown_number(value) -> str:
    return "" if pd.isna(value) else f"{float(value):.6g}"


def recomputed_shown(claim: pd.Series) -> str:
    """The data's value beside the printed one: at the claim's precision, a p-value as
    '< 0.001', a percentage with its sign."""
    if pd.isna(claim["recomputed"]):
        return ""
    if claim["comparator"] != "=" and claim["unit"] == "p":
        return claim_p_text(float(claim["recomputed"]), claim["precision"])
    if claim["comparator"] != "=":
        return f"{float(claim['recomputed']):.4g}"
    return str(claim["recomputed_rounded"]) + ("%" if claim["unit"] == "%" else "")


def checks_in_words(text) -> str:
    """A claim's checks from the printed numbers, each named in words ('at_most: 15 <= 16:
    passes' -> 'at most: 15 <= 16: passes')."""
    if pd.isna(text) or not text:
        return ""
    names = "|".join(sorted(CHECK_NAMES, key=len, reverse=True))
    return re.sub(rf"(^|; )({names}): ", lambda m: f"{m[1]}{CHECK_NAMES[m[2]]}: ", str(text))


def more_words(n: int, what: str) -> str:
    return f"{n:,} more {what}{'s' if n > 1 else ''}" if n > 0 else ""


def cells_by_column(cells: pd.DataFrame, words, limit: int) -> tuple[list[str], str]:
    """A claim's cells, at most `limit` patients' (or cells), and how many more in words
    ('4 more patients', '' for none). Columns that hold the
    same patients (a paired change's two visits, a population flag and the cell it is read
    from) are read side by side, each patient once: "'MMT8 Baseline' / 'MMT8 M3': 145 / 145
    (patient 1)"; otherwise each column's header once, then each value and whose it is:
    "'MMT8 Baseline': 145 (patient 1), 131 (patient 4)"."""
    parts = [part for _, part in cells.groupby("column", sort=False)]
    patients = [part["patient"].tolist() for part in parts]
    if len(parts) > 1 and all(p == patients[0] for p in patients[1:]):
        header = " / ".join(f"'{words(part['column'].iloc[0])}'" for part in parts)
        values = [["" if pd.isna(cell) else str(cell) for cell in part["cell"]] for part in parts]
        listed = [
            f"{' / '.join(column[i] for column in values)} (patient {patient})"
            for i, patient in enumerate(patients[0][:limit])
        ]
        return [f"{header}: " + ", ".join(listed)], more_words(len(patients[0]) - limit, "patient")
    shown = cells.head(limit)
    return [
        f"'{words(column)}': "
        + ", ".join(
            f"{'' if pd.isna(r.cell) else r.cell} (patient {r.patient})" for r in part.itertuples()
        )
        for column, part in shown.groupby("column", sort=False)
    ], more_words(len(cells) - limit, "cell")


def claim_records(
    audit: pd.DataFrame,
    cells: pd.DataFrame,
    explanations: pd.DataFrame,
    analysis: dict,
    cohort: dict | None = None,
) -> list:
    """One record a claim for the report: its row and what its details open to (the quote,
    the cells used, the patients left out and why, the explanations found)."""

    def words(text) -> str:
        return "" if pd.isna(text) else readable(str(text), analysis, cohort)

    records = []
    for _, claim in audit.iterrows():
        mine = cells[cells["claim_id"] == claim["claim_id"]]
        counted = mine["patient"].isna() | (mine["patient"] == "")  # 'N more not listed'
        used = mine[(mine["used"] == "Y") & ~counted]
        left = mine[(mine["used"] == "N") & ~counted]
        unlisted = mine.loc[counted, "reason"].tolist()
        found = explanations[explanations["claim_id"] == claim["claim_id"]]
        method = (
            TEST_NAMES.get(claim["method"], claim["method"]) if pd.notna(claim["method"]) else ""
        )
        records.append(
            {
                "status": claim["status"],
                "verdict": claim["verdict"],
                "verdict_reason": words(claim["verdict_reason"]),
                "direction": "" if pd.isna(claim["direction"]) else claim["direction"],
                "checks": checks_in_words(claim["summary_checks"]),
                "source": claim["source"],
                "description": shown(claim["description"]),
                "reported": claim["reported"],
                "recomputed": recomputed_shown(claim),
                "n": "" if pd.isna(claim["n"]) else str(int(claim["n"])),
                "claim_id": claim["claim_id"],
                "quote": claim["quote"],
                "where": f"{claim['location']} ({claim['source']})",
                "full": shown_number(claim["recomputed"]),
                "population": (
                    ""
                    if pd.isna(claim["population_flag"])
                    else population_label(claim["population_flag"], analysis)
                ),
                "method": method,
                "other": (
                    ""
                    if pd.isna(claim["other_methods"])
                    else other_tests_words(claim["other_methods"], claim["precision"])
                ),
                "reason": next(
                    (
                        words(claim[c])
                        for c in ("reason", "note")
                        if pd.notna(claim[c]) and claim[c]
                    ),
                    "",
                ),
                **dict(zip(("cells", "more_cells"), cells_by_column(used, words, LISTED_CELLS))),
                "unlisted": unlisted,
                "n_cells": len(used),
                "left_out": [
                    f"{words(reason)}: patient {', '.join(map(str, part['patient']))}"
                    for reason, part in left.groupby("reason", sort=False)
                ],
                "explanations": [
                    f"{r.kind}: {words(r.detail)} (gives {shown_number(r.value)}, {r.printed} at the claim's precision)"
                    for r in found.head(LISTED_EXPLANATIONS).itertuples()
                ],
                "more_explanations": max(len(found) - LISTED_EXPLANATIONS, 0),
                "search": words(claim.get("explanations")),
            }
        )
    return records


def provenance(
    raw: dict[str, str], cohort: dict, analysis: dict, project: str
) -> list[tuple[str, str]]:
    items = [(f"SHA-256 of {path}", sha256_of(path)) for path in raw.values()]
    items += [
        ("SHA-256 of the cohort's settings in force", settings_digest(cohort)),
        ("SHA-256 of the analysis settings in force", settings_digest(analysis)),
        ("git commit", git_commit(project)),
        ("python", platform.python_version()),
    ]
    items += [(package, metadata.version(package)) for package in PACKAGES]
    return items


def trial_words(cohort: dict) -> str:
    """The following trial in words, from the cohort's settings; '' without one."""
    trial = cohort.get("follow_up_trial")
    if not trial:
        return ""
    planned = f" plans {trial['planned_n']} patients" if trial.get("planned_n") else " follows"
    return f"; {trial_name(trial)}{planned}"


def power_intro(power: dict, cohort: dict) -> str:
    """The settings every power row shares, in one sentence."""
    targets = " and ".join(percent(t) for t in power["targets"])
    grid = power["placebo"]["grid"]
    return (
        f"Two-sided alpha {power['alpha']:g}, target powers {targets}{trial_words(cohort)}; sizes "
        f"are searched up to {power['max_n']} patients (per arm). The placebo column gives the "
        f"two-arm size for {percent(power['targets'][0])} power as the placebo arm responds in "
        f"{percent(grid[0])} to {percent(grid[-1])} of patients (responses) or improves by that "
        "share of the treated arm's improvement (changes)."
    )


@dataclass
class PowerSection:
    """The report's power table (offered rows only), its numbered notes, and why the other
    rows were withdrawn."""

    table: HtmlTable
    notes: list[str]
    withdrawn: list[str]


def power_section(path: str, power: dict) -> PowerSection:
    """One compact table from the power summary: a row per endpoint, design, analysis and
    assumed effect offered for planning, with the sizes for each target and the numbers of
    the notes that say what the row assumes; rows of one effect merged (a criterion that is
    also an MCID). Observed effects (a reference) and the withdrawn rows are left to the CSV;
    the reasons for withdrawing are listed once."""
    summary = read_display_table(path)
    sizes = [f"n for {percent(t)} power" for t in power["targets"]]
    grid = [f"placebo {percent(value)}" for value in power["placebo"]["grid"]]
    grid_column = f"n for {percent(power['targets'][0])}, placebo {grid[0][8:]} to {grid[-1][8:]}"
    offered = summary[(summary["status"] == "offered") & summary[sizes[0]].ne("")]
    same = ["endpoint", "design", "analysis", "method", "effect", "placebo"]
    notes: dict[str, int] = {}
    rows = []
    for _, group in offered.groupby(same, sort=False):
        first = group.iloc[0]
        said = dict.fromkeys(n for text in group["assumes"] for n in text.split("\n") if n)
        marks = [notes.setdefault(note, len(notes) + 1) for note in said]
        rows.append({
            "endpoint": first["endpoint"],
            "assumed effect": f"{first['effect']} ({'; '.join(group['assumption'])})",
            "design": first["design"],
            "analysis": first["analysis"] + ("" if first["method"] != "simulation" else ", simulated"),
            **{column.replace(" power", ""): first[column] for column in sizes},
            grid_column: _span(first[grid[0]], first[grid[-1]]),
            "notes": ", ".join(map(str, sorted(marks))),
        })  # fmt: skip
    # withdrawn rows, and the lower limits kept for reference only, each with its reason
    withdrawn = summary[summary["reason"].fillna("").astype(str).ne("")]
    kind = withdrawn["reason"].str.split(",").str[0]  # unattainable, or carried by one patient
    reasons = [
        f"{endpoint} ({'; '.join(dict.fromkeys(group['assumption']))}): "
        + max(group["reason"], key=len)
        for (endpoint, _), group in withdrawn.groupby(["endpoint", kind], sort=False)
    ]
    return PowerSection(html_table(pd.DataFrame(rows)), list(notes), reasons)


def _span(low: str, high: str) -> str:
    """'51 to 138' (two-arm rows), '' (single-arm rows: no placebo arm)."""
    return f"{low} to {high}" if low else ""


VERDICT_ORDER = {
    "inconsistent": 0,
    "population or test not stated": 1,
    "approximate": 2,
    "reading-dependent": 3,
    "within rounding": 4,
    "exact": 5,
    "consistent with reported numbers": 6,
    "not computable": 7,
}
VERDICT_CLASSES = {
    "inconsistent": "mismatch",
    "population or test not stated": "unstated",
    "approximate": "approximate",
    "reading-dependent": "unstated",
    "within rounding": "match",
    "exact": "match",
    "consistent with reported numbers": "not_computable",
    "not computable": "not_computable",
}
SPECIFICATIONS_SHOWN = 5
FLAG_IN_WORDS = re.compile(r"(\w+): [^;]*\((\w+)\)")


def verdict_counts(audit: pd.DataFrame) -> list[dict]:
    """Per source, how many claims got each verdict (the headline boxes)."""
    rows = []
    for source, claims in audit.groupby("source", sort=False):
        counts = claims["verdict"].value_counts()
        rows.append(
            {
                "source": source,
                "total": len(claims),
                "counts": [(v, int(counts.get(v, 0)), VERDICT_CLASSES[v]) for v in VERDICT_ORDER],
            }
        )
    return rows


def reading_words(text: str, analysis: dict) -> str:
    """A specification's populations with readable labels instead of flags."""
    return "; ".join(
        f"{role}: {population_label(flag, analysis)}" for role, flag in FLAG_IN_WORDS.findall(text)
    )


def specification_records(path: str, audit: pd.DataFrame, analysis: dict) -> dict:
    """The best specifications with distinct results, and the claims none reproduces."""
    specifications = read_table(path, text_columns=("reproduced_ids", "left_out_ids"))
    described = dict(zip(audit["claim_id"], audit["description"]))
    shown_rows = distinct_best(specifications, SPECIFICATIONS_SHOWN)
    records = [
        {
            "rank": int(row.rank),
            "reproduced": f"{int(row.reproduced)} of {int(row.claims)}",
            "populations": reading_words(str(row.populations), analysis),
            "choices": ", ".join(
                str(v) for v in (row.summaries, row.missing, row.test, row.rounding) if str(v)
            ),
            "own": row.own == "Y",
            "equivalent": int(row.equivalent),
            "left_out": [described.get(c, c) for c in str(row.left_out_ids or "").split()],
        }
        for row in shown_rows.itertuples()
    ]
    own = specifications[specifications["own"] == "Y"]
    return {
        "rows": records,
        "total": f"{len(specifications):,}",
        "own": (
            f"{int(own['reproduced'].iloc[0])} of {int(own['claims'].iloc[0])}" if len(own) else ""
        ),
        "never": [described.get(c, c) for c in never_reproduced(specifications)],
    }


def read_claims(inputs: dict, analysis: dict, cohort: dict) -> tuple[pd.DataFrame, list[dict]]:
    """The audited claims, least consistent first (within a verdict, claims about an effect
    first), and each claim's record for the page: its cells and explanations."""
    text = ("claim_id", "reported", "recomputed_rounded", "quote", "location", "description")
    audit = read_table(inputs["claims"], text_columns=text)
    order = audit["verdict"].map(VERDICT_ORDER) * 2 + audit["direction"].isna()
    audit = audit.assign(_order=order).sort_values("_order", kind="stable")
    cells = read_table(inputs["cells"], text_columns=("claim_id", "patient", "cell", "column"))
    explanations = read_table(
        inputs["reconciliation"], text_columns=("claim_id", "printed", "detail")
    )
    return audit, claim_records(audit, cells, explanations, analysis, cohort)


def report_figures(inputs: dict) -> list[dict]:
    """The report's figures: each one's name, title, caption and PNG inlined, shown at a
    third of its pixels."""
    figures = []
    for name in REPORT_FIGURES:
        uri, width, height = png_uri(inputs[f"{name}_png"])
        record = json.loads(Path(inputs[f"{name}_caption"]).read_text("utf-8"))
        figures.append(
            {
                "name": name,
                "title": record["title"],
                "uri": uri,
                "caption": record["caption"],
                "width": width // 3,
                "height": height // 3,
            }
        )
    return figures


# the raw files the provenance lists, in words
RAW_FILES = {"table": "table", "patients": "patients file", "measurements": "measurements file",
             "claims": "list of claims", "reported_summaries": "reported summaries",
             "outcomes": "stated outcomes"}  # fmt: skip


def raw_files(inputs: dict) -> dict[str, str]:
    """The cohort's raw files among the inputs, by their names in words."""
    return {
        words: inputs[f"raw_{kind}"] for kind, words in RAW_FILES.items() if f"raw_{kind}" in inputs
    }


def drafted_note(cohort: dict, audit: pd.DataFrame) -> dict | None:
    """For a cohort audited on the draft of its text: how many numbers the draft found and
    how many of them the data answer."""
    if not cohort.get("drafted_claims"):
        return None
    looked_up = int((audit["status"] != "not_computable").sum())
    return {"text": cohort["raw"]["text"], "found": len(audit), "looked_up": looked_up}


def run(
    inputs: dict,
    cohort: dict,
    analysis: dict,
    power: dict,
    variant: str,
    project: str,
    output: str,
    max_rows_shown: int,
    default: dict | None = None,
) -> None:
    """Render the reproduction report of one cohort and variant; `default`, the cohort's
    default analysis, which the page says the variant departs from."""
    cohort, analysis, power = typed.cohort(cohort), typed.analysis(analysis), typed.power(power)
    departures = settings_changes(analysis, typed.analysis(default), cohort) if default else []
    audit, claims = read_claims(inputs, analysis, cohort)
    ard = read_ard(inputs["ard"])
    adsl = read_adsl(inputs["adsl"])
    adeff = read_adeff(inputs["adeff"], columns=(*ADEFF_READ, *analysis["populations"].values()))
    outcomes = with_measures(
        read_table(inputs["outcomes"], text_columns=("recomputed", "reported_by")),
        read_table(inputs["raw_outcomes"]) if "raw_outcomes" in inputs else None,
    )
    attainable = attainability_summary(read_table(inputs["attainability"]))
    eligible = eligibility_summary(read_table(inputs["eligibility"]), max_listed=20)
    rows = change_rows(ard, analysis, cohort)
    inventory = multiplicity(rows, ard, analysis)
    n_tests = int((inventory["p"] != "none shown").sum()) if len(inventory) else 0
    figures = report_figures(inputs)
    first, total = read_first_rows(inputs["table1"], max_rows_shown)
    first, table1_note = first_rows(first, total, max_rows_shown, inputs["table1"])
    table1 = html_table(first)
    groups, table1.sub_headers = table1_groups(cohort, list(first.columns))
    power_rows = power_section(inputs["power_summary"], power)
    script, script_source = inline_script(inputs["script"])
    html = render(
        inputs["template"],
        cohort=cohort,
        variant=variant,
        departures=departures,
        first=first_screen(adsl, adeff, ard, rows, audit, outcomes, attainable, analysis, cohort),
        script=script,
        script_source=script_source,
        verdicts=verdict_counts(audit),
        verdict_classes=VERDICT_CLASSES,
        claims=claims,
        specifications=(
            specification_records(inputs["specifications"], audit, analysis) if len(audit) else None
        ),
        outcomes=outcomes.fillna("").to_dict("records"),
        attainable=(
            html_table(attainability_display(attainable, analysis)) if len(attainable) else None
        ),
        eligible=html_table(eligibility_display(eligible, cohort)) if len(eligible) else None,
        eligibility_rule=cohort.get("eligibility_rule", ""),
        changes=html_table(change_table(rows, analysis)),
        marker_notes=reading_notes(rows, ard, adeff, cohort, analysis),
        multiplicity=html_table(inventory),
        limitations=limitations(cohort, analysis, adsl, ard, n_tests, eligible),
        sources=cohort.get("sources", {}),
        measures=[
            (m.get("short", code), m["label"], m["unit"], m["low"], m.get("high"), m["improvement"])
            for code, m in cohort["measures"].items()
        ],
        figures=figures,
        table1=table1,
        table1_groups=groups,
        table1_note=table1_note,
        baseline=html_table(read_display_table(inputs["baseline"])),
        methods=methods(cohort, analysis, read_table(inputs["not_analysed"])),
        power=power_rows,
        power_intro=power_intro(power, cohort),
        has_ledger=has_ledger(cohort),
        drafted=drafted_note(cohort, audit),
        design=design_words(cohort),
        provenance=provenance(raw_files(inputs), cohort, analysis, project),
    )
    write_text(output, html)
    logger.info("report: %d figures, %d claims", len(figures), len(claims))
