"""Sensitivity: every variant's answers side by side, and which conclusions survive them.

Estimates per variant: the cutaneous response rate with its exact CI, and the mean
change of the response parameters with their t-intervals; the p-value next to each
change is the one of the variant's own test.
"""

from __future__ import annotations

import logging

import pandas as pd

from clinrepro import report, style
from clinrepro.ard import read_ard, value as result
from clinrepro.figures import forest
from clinrepro.study import criterion_text, has_ledger, test_for, tests_words, visit_label
from clinrepro.terms import TEST_NAMES, shown
from clinrepro.files import read_table, write_tables

logger = logging.getLogger(__name__)


def estimates(ard: pd.DataFrame, analysis: dict, cohort: dict) -> list[dict]:
    """The headline estimates of one variant, from its ARD: every response rate, and the
    mean change of every response measure."""
    rows = []
    for role in analysis["response"]:
        response = analysis["response"][role]
        flag = analysis["populations"][role]
        key = dict(
            analysis="response",
            population=flag,
            parameter=response["parameter"],
            visit=response["visit"],
        )
        key["method"] = "clopper_pearson"
        rows.append(
            {
                "estimate": f"{role} response rate, % ({shown(criterion_text(response, cohort))})",
                "population": flag,
                "n": result(ard, **key, statistic="n_evaluable"),
                "value": result(ard, **key, statistic="pct"),
                "ci_lower": result(ard, **key, statistic="ci_lower"),
                "ci_upper": result(ard, **key, statistic="ci_upper"),
                "p_value": float("nan"),
                "test": TEST_NAMES["clopper_pearson"],
            }
        )
    for role in analysis["response"]:
        response = analysis["response"][role]
        parameter, flag = response["parameter"], analysis["populations"][role]
        key = dict(
            analysis="paired_test", population=flag, parameter=parameter, visit=response["visit"]
        )
        test = test_for(analysis, parameter)
        estimate = {
            s: result(ard, **key, method="paired_t", statistic=s)
            for s in ("n_pairs", "mean_change", "ci_lower", "ci_upper")
        }
        rows.append(
            {
                "estimate": f"mean {parameter} change at {visit_label(cohort, response['visit'])}, "
                f"{cohort['measures'][parameter]['unit']}",
                "population": flag,
                "n": estimate["n_pairs"],
                "value": estimate["mean_change"],
                "ci_lower": estimate["ci_lower"],
                "ci_upper": estimate["ci_upper"],
                "p_value": result(ard, **key, method=test, statistic="p_value"),
                "test": TEST_NAMES[test],
            }
        )
    return rows


def sensitivity_table(
    ards: dict[str, pd.DataFrame], analyses: dict[str, dict], cohort: dict
) -> pd.DataFrame:
    """One row per variant and estimate."""
    rows = [
        {"variant": variant, **row}
        for variant, ard in ards.items()
        for row in estimates(ard, analyses[variant], cohort)
    ]
    return pd.DataFrame(rows)


def conclusions_table(claims: dict[str, pd.DataFrame], claim_ids: list[str]) -> pd.DataFrame:
    """For each of the cohort's key claims, its status and recomputed value under every variant."""
    if not claim_ids:
        return pd.DataFrame(columns=["claim", "description", "reported", *claims, "holds under"])
    first = next(iter(claims.values())).set_index("claim_id")
    table = pd.DataFrame(
        {
            "claim": claim_ids,
            "description": [shown(first.at[c, "description"]) for c in claim_ids],
            "reported": [first.at[c, "reported"] for c in claim_ids],
        }
    )
    for variant, frame in claims.items():
        frame = frame.set_index("claim_id")
        table[variant] = [
            (
                f"{frame.at[c, 'status']} ({frame.at[c, 'recomputed']:.3g})"
                if pd.notna(frame.at[c, "recomputed"])
                else frame.at[c, "status"]
            )
            for c in claim_ids
        ]
    survives = [
        sum(claims[v].set_index("claim_id").at[c, "status"] == "match" for v in claims)
        for c in claim_ids
    ]
    table["holds under"] = [f"{n} of {len(claims)} variants" for n in survives]
    return table


def draw(
    table: pd.DataFrame, dpi: int, paths: dict[str, str], synthetic: bool, level: float
) -> str:
    """Forest plot: one panel per estimate, one row per variant; returns its caption."""
    names = list(dict.fromkeys(table["estimate"].str.replace(r" \(.*\)", "", regex=True)))
    rows_per_panel = 1.0 + 0.4 * table["variant"].nunique()
    columns = 2
    grid_rows = -(-len(names) // columns)
    figure, axes = style.new_figure(
        10.0, rows_per_panel * grid_rows, columns=columns, rows=grid_rows
    )
    for ax, name in zip(axes, names):
        part = table[table["estimate"].str.startswith(name)]
        rows = part.rename(columns={"variant": "label"}).reset_index(drop=True)
        rows["annotation"] = [
            f"n = {n:.0f}" + ("" if pd.isna(p) else f", p = {p:.2g}")
            for n, p in zip(rows["n"], rows["p_value"])
        ]
        forest(ax, rows, name, reference=None if "rate" in name else 0)
        ax.set_title(name, fontsize=9)
    figure.subplots_adjust(wspace=0.75, hspace=0.7)
    style.footnote(
        figure,
        f"Each row a variant (config/config.yaml); squares: estimate, lines: {level:.0%} interval; "
        "p from the variant's test.",
    )
    if synthetic:
        style.mark_synthetic(figure)
    style.save(figure, paths, dpi)
    return (
        f"Estimate and {level:.0%} interval per variant: response rates (exact Clopper-Pearson), "
        "mean changes (t-interval); p from each variant's own test of the change from baseline to "
        "the response visit."
    )


def variant_words(analysis: dict, cohort: dict) -> str:
    """A variant's settings in words: populations, tests, responses, missing responses."""
    populations = ", ".join(f"{role}: {flag}" for role, flag in analysis["populations"].items())
    tests = tests_words(analysis, list(cohort["measures"]))
    responses = "; ".join(
        f"{role} response {shown(criterion_text(r, cohort))}"
        for role, r in analysis["response"].items()
    )
    return (
        f"populations {populations}; {tests}; {responses}; patients without a value at the "
        f"response visit: {analysis['missing_response']}; {analysis['confidence_level']:.0%} intervals."
    )


def run(
    inputs: dict,
    variants: list[str],
    analyses: dict,
    cohort: dict,
    dpi: int,
    template: str,
    outputs: dict,
) -> None:
    """Put the variants of one cohort side by side: tables, figure and an HTML page."""
    ards = {v: read_ard(inputs[f"{v}_ard"]) for v in variants}
    claims = {
        v: read_table(inputs[f"{v}_claims"], text_columns=("claim_id", "reported"))
        for v in variants
    }
    table = sensitivity_table(ards, analyses, cohort)
    conclusions = conclusions_table(claims, cohort.get("key_claims") or [])
    write_tables({outputs["csv"]: table, outputs["conclusions"]: conclusions})
    level = analyses[variants[0]]["confidence_level"]
    caption = draw(
        table, dpi, {"png": outputs["png"], "svg": outputs["svg"]}, cohort["synthetic"], level
    )
    uri, width, height = report.png_uri(outputs["png"])
    shown_table = table.assign(
        **{
            c: table[c].map(lambda v: "" if pd.isna(v) else f"{v:.3g}")
            for c in ("n", "value", "ci_lower", "ci_upper", "p_value")
        }
    )
    html = report.render(
        template,
        cohort=cohort,
        estimates=report.html_table(shown_table),
        conclusions=report.html_table(conclusions),
        figure={"uri": uri, "width": width // 2, "height": height // 2, "caption": caption},
        variants={v: variant_words(analyses[v], cohort) for v in variants},
        has_ledger=has_ledger(cohort),
    )
    report.write_text(outputs["html"], html)
    logger.info("%d variants side by side", len(variants))
