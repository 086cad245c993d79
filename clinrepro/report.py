"""The self-contained reproduction report and the HTML pages of the tables.

Rendered from Jinja2 templates with autoescaping on, so every string from the data is
escaped; images are embedded as data URIs, so the file opens offline and can be mailed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import platform
import struct
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import jinja2
import pandas as pd

from clinrepro.files import read_display_table, read_first_rows, read_table
from clinrepro.settings import EXACT_MAX_PAIRS, REPORT_FIGURES
from clinrepro.study import (
    active_words,
    criterion_text,
    design_words,
    follow_up_visits,
    has_ledger,
    measured_visits,
    visit_label,
)
from clinrepro.terms import POPULATION_FLAGS, TEST_NAMES, shown

logger = logging.getLogger(__name__)
PACKAGES = ("snakemake", "pandas", "pandera", "scipy", "numpy", "matplotlib", "jinja2")


@dataclass
class HtmlTable:
    """What the table macro needs: headers, rows of display strings, grouped sub-headers."""

    columns: list[str]
    rows: list[dict]
    sub_headers: dict[str, list[str]] = field(default_factory=dict)


def html_table(frame: pd.DataFrame) -> HtmlTable:
    shown_frame = frame.astype(object).where(frame.notna(), "")
    return HtmlTable(list(frame.columns), shown_frame.to_dict("records"))


def first_rows(frame: pd.DataFrame, total: int, limit: int, csv: str) -> tuple[pd.DataFrame, str]:
    """The rows a page shows of a table of `total` patients, and a note if it is cut."""
    if total <= limit:
        return frame, ""
    note = f"The first {limit:,} of {total:,} patients are shown; {Path(csv).name} has them all."
    return frame.head(limit), note


def table1_groups(settings: dict) -> tuple[list[tuple[str, int]], dict[str, list[str]]]:
    """The two-level header of Table 1: fixed columns span both rows, measurements their visits."""
    visits = [visit["printed"] for visit in measured_visits(settings)]
    printed = [measure["printed"] for measure in settings["measures"].values()]
    groups = [(header, 0) for header in settings["columns"].values()]
    groups += [(label, len(visits)) for label in printed]
    return groups, {label: visits for label in printed}


def environment(template_dir: str) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context) -> str:
    path = Path(template)
    return environment(str(path.parent)).get_template(path.name).render(**context)


def write_text(path: str, text: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(path).with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def png_uri(path: str) -> tuple[str, int, int]:
    """The PNG as a data URI, with its size in pixels (read from its header)."""
    data = Path(path).read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii"), width, height


def sha256(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def settings_digest(settings: dict) -> str:
    """SHA-256 of settings written canonically (sorted keys, no spaces)."""
    text = json.dumps(settings, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
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


def data_words(cohort: dict) -> str:
    """Where the per-patient data come from, in words."""
    raw = cohort["raw"]
    if cohort["layout"] == "registry":
        return (
            f"Data: {raw['patients']} (one row a patient) and {raw['measurements']} (one row a "
            "patient, visit and measure), read with the mapping in the cohort's settings"
        )
    return (
        f"Data: {raw['table']}, the per-patient table, parsed cell for cell with the mapping in "
        "the cohort's settings"
    )


def methods(cohort: dict, analysis: dict) -> list[str]:
    """The analysis in words, written from the settings in force."""
    roles = analysis["populations"]
    active = analysis["active_disease"]
    base = visit_label(cohort, cohort["baseline_visit"])
    later = ", ".join(visit_label(cohort, code) for code in follow_up_visits(cohort))
    lines = [
        f"{data_words(cohort)}; baseline visit {base}; follow-up visits {later}.",
        "Populations: "
        + "; ".join(f"{role}: {POPULATION_FLAGS[flag]} ({flag})" for role, flag in roles.items())
        + ".",
    ]
    for side, criterion in active.items():
        lines.append(
            f"Active {side} disease: baseline {active_words(criterion)}; a missing baseline value "
            "counts as not active."
        )
    for side, response in analysis["response"].items():
        lines.append(f"{side.capitalize()} response: {shown(criterion_text(response, cohort))}.")
    policy = {
        "exclude": "patients without a value at the response visit are left out of response rates",
        "nonresponder": "patients without a value at the response visit count as non-responders",
    }[analysis["missing_response"]]
    lines += [
        f"Missing data: {policy}. Percent change from a baseline of 0 is missing.",
        f"Tests behind the p-values (two-sided, {base} vs each follow-up visit, patients with both "
        "values): "
        + ", ".join(
            f"{'every other measure' if measure == 'default' else measure}: {TEST_NAMES[test]}"
            for measure, test in sorted(
                analysis["tests"].items(), key=lambda item: item[0] == "default"
            )
        )
        + ". Both tests are computed for every parameter and population (see ard.csv); the Wilcoxon "
        "signed-rank test drops zero changes; its p-value is exact (given the tied ranks, if any) up to "
        f"{EXACT_MAX_PAIRS} non-zero changes, from the tie-corrected normal approximation beyond.",
        f"Intervals: {analysis['confidence_level']:.0%} t-interval of the mean change; exact Clopper-Pearson "
        "interval of response rates. Effect sizes: Cohen's d_z, matched-pairs rank-biserial correlation.",
        "Claims: a recomputed value matches when, rounded half up to the precision printed, it equals the "
        "reported value, or when it satisfies the bound stated (such as p < 0.0001).",
    ]
    return lines


def provenance(
    raw: dict[str, str], cohort: dict, analysis: dict, project: str
) -> list[tuple[str, str]]:
    items = [(f"SHA-256 of {path}", sha256(path)) for path in raw.values()]
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
    registration = f" ({trial['registration']})" if trial.get("registration") else ""
    planned = f" plans {trial['planned_n']} patients" if trial.get("planned_n") else " follows"
    return f"; the {trial['name']}{registration}{planned}"


def power_assumptions(power: dict, analysis: dict, cohort: dict) -> list[str]:
    """The assumptions behind the power and sample-size table, from the settings in force."""
    placebo = power["placebo"]
    design = design_words(cohort)
    response = (
        f"{placebo['response_rate']:.0%}"
        if placebo["response_rate"] is not None
        else f"'no change': the share of the {design}'s changes, moved to a mean of zero, that "
        "still meet the criterion"
    )
    targets = ", ".join(f"{t:.0%}" for t in power["targets"])
    tests = ", ".join(f"{p}: {TEST_NAMES[t]}" for p, t in analysis["tests"].items())
    return [
        f"Two-sided alpha {power['alpha']:g}; target powers {targets}{trial_words(cohort)}.",
        "Changes: effect d_z = mean change / SD of the changes, its CI by inverting the noncentral t "
        f"distribution; tests as in this variant: {tests} (two arms: Welch's t-test, or the "
        "Mann-Whitney test for a rank test).",
        f"Two-arm trials: the placebo arm's mean change is {placebo['mean_change']:g} with the SD of "
        f"the {design}'s changes; its response proportion is {response}.",
        "Responses: proportion with its exact Clopper-Pearson CI; single arm: exact binomial test "
        "against the placebo proportion; two arms: pooled two-proportion z-test; analytic sizes from "
        "Cohen's h.",
        "Analytic power and sample size: statsmodels (TTestPower, TTestIndPower, NormalIndPower), "
        f"assuming normal changes. Simulation: {power['simulations']:,} seeded trials (seed "
        f"{power['seed']}) per point, each resampling the {design}'s own changes (bootstrap) and "
        f"running the same test; it keeps their skew and ties, so with few or skewed changes the two can "
        "differ by more than the simulation error (about one point of power). Sizes are searched up "
        f"to {power['max_n']} patients (per arm); empty where not reached.",
    ]


def run(
    inputs: dict,
    cohort: dict,
    analysis: dict,
    power: dict,
    variant: str,
    project: str,
    output: str,
    max_rows_shown: int,
) -> None:
    """Render the reproduction report of one cohort and variant."""
    claims = read_display_table(inputs["claims_table"])
    counts = read_table(inputs["claims"], text_columns=("claim_id",))["status"].value_counts()
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
    first, total = read_first_rows(inputs["table1"], max_rows_shown)
    first, table1_note = first_rows(first, total, max_rows_shown, inputs["table1"])
    table1 = html_table(first)
    groups, table1.sub_headers = table1_groups(cohort)
    names = {"table": "table", "patients": "patients file", "measurements": "measurements file",
             "claims": "claims ledger", "reported_summaries": "reported summaries"}  # fmt: skip
    raw = {words: inputs[kind] for kind, words in names.items() if kind in inputs}
    html = render(
        inputs["template"],
        cohort=cohort,
        variant=variant,
        counts={
            status: int(counts.get(status, 0)) for status in ("match", "mismatch", "not_computable")
        }
        | {"total": int(counts.sum())},
        claims=html_table(claims),
        figures=figures,
        table1=table1,
        table1_groups=groups,
        table1_note=table1_note,
        baseline=html_table(read_display_table(inputs["baseline"])),
        methods=methods(cohort, analysis),
        power=html_table(read_display_table(inputs["power_summary"])),
        power_assumptions=power_assumptions(power, analysis, cohort),
        has_ledger=has_ledger(cohort),
        design=design_words(cohort),
        provenance=provenance(raw, cohort, analysis, project),
    )
    write_text(output, html)
    logger.info("report: %d figures, %d claims", len(figures), len(claims))


def write_table_page(
    frame: pd.DataFrame, path: str, title: str, template: str, synthetic: bool, **extra
) -> None:
    """One table as a standalone HTML page."""
    extra.setdefault("groups", None)
    extra.setdefault("note", "")
    extra.setdefault("status_column", None)
    table = extra.pop("table", None) or html_table(frame)
    write_text(path, render(template, title=title, frame=table, synthetic=synthetic, **extra))
