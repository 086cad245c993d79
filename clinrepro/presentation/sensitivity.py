"""Sensitivity: every variant's answers side by side, and which conclusions survive them.

Estimates per variant: each response rate with its exact CI, and the change of each
response parameter estimated as the variant's primary test estimates it (the mean with its
t-interval, the Hodges-Lehmann median with its signed-rank interval, or the geometric mean
ratio with the exp of the t-interval of the logs), beside that test's p-value.

Each variant is described in words by what its settings change from the cohort's default
analysis, with the patients whose population membership or responder status it changes
against the reference variant (the one with the default analysis).
"""

from __future__ import annotations

import logging

import pandas as pd

from clinrepro.base.files import read_table, write_tables
from clinrepro.base.study import criterion_text, has_ledger, primary_method, visit_label
from clinrepro.base.terms import TEST_NAMES, shown
from clinrepro.presentation import pages, style
from clinrepro.presentation.figure_parts import forest
from clinrepro.presentation.figure_words import p_words
from clinrepro.presentation.variant_patients import Patients, patient_changes, read_patients
from clinrepro.presentation.variant_words import variant_description
from clinrepro.presentation.words import claim_p_text, grouped_verdicts, p_text
from clinrepro.base.study import population_label
from clinrepro.statistics.ard import read_ard, value as result
from clinrepro.base import typed

logger = logging.getLogger(__name__)
# the ARD statistics (estimate, interval) of the change that each primary method gives, the
# estimator in words and its mark on the figure; the t-test's mean never stands beside a rank
# test's p-value
CHANGE_ESTIMATES = {
    "paired_t": (("mean_change", "ci_lower", "ci_upper"), "mean"),
    "wilcoxon_signed_rank": (
        ("hl_estimate", "hl_ci_lower", "hl_ci_upper"),
        "Hodges-Lehmann median",
    ),
    "paired_t_log": (("gmr", "ci_lower", "ci_upper"), "geometric mean ratio"),
}
MARKS = {"Hodges-Lehmann median": "HL", "geometric mean ratio": "GMR"}


def change_label(parameter: str, method: str, visit: str, cohort: dict) -> str:
    """'CDASI change at M3, points', or 'CK ratio at M3, follow-up / baseline' (log scale)."""
    if method == "paired_t_log":
        return f"{parameter} ratio at {visit_label(cohort, visit)}, follow-up / baseline"
    return f"{parameter} change at {visit_label(cohort, visit)}, {cohort['measures'][parameter]['unit']}"


def estimates(ard: pd.DataFrame, analysis: dict, cohort: dict) -> list[dict]:
    """The headline estimates of one variant, from its ARD: every response rate, and the
    change of every response measure as its primary test estimates it."""
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
                "estimator": "proportion",
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
        method = primary_method(analysis, parameter)
        statistics, estimator = CHANGE_ESTIMATES[method]
        value, lower, upper = (result(ard, **key, method=method, statistic=s) for s in statistics)
        rows.append(
            {
                "estimate": change_label(parameter, method, response["visit"], cohort),
                "estimator": estimator,
                "population": flag,
                "n": result(ard, **key, method=method, statistic="n_pairs"),
                "value": value,
                "ci_lower": lower,
                "ci_upper": upper,
                "p_value": result(ard, **key, method=method, statistic="p_value"),
                "test": TEST_NAMES[method],
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


def status_cell(claim: pd.Series) -> str:
    """A claim's status and recomputed value in conclusions.csv: 'mismatch (0.0298)'."""
    if pd.isna(claim["recomputed"]):
        return claim["status"]
    return f"{claim['status']} ({claim['recomputed']:.3g})"


def verdict_cell(claim: pd.Series) -> str:
    """A claim's verdict and recomputed value for reading, as the report grades it:
    'exact (< 0.0001)', 'approximate (92.9%)', 'not computable'."""
    status = claim["verdict"]
    if pd.isna(claim["recomputed"]):
        return status
    value = claim["recomputed"]
    if claim["unit"] == "p":
        return f"{status} ({claim_p_text(value, claim['precision'])})"
    return f"{status} ({value:.3g}{'%' if claim['unit'] == '%' else ''})"


def conclusions_table(
    claims: dict[str, pd.DataFrame], claim_ids: list[str], cell=status_cell
) -> pd.DataFrame:
    """For each of the cohort's key claims, where it is printed (its source), its status and
    recomputed value under every variant (`cell` writes them), and how many variants it
    holds under."""
    if not claim_ids:
        return pd.DataFrame(
            columns=["claim", "source", "description", "reported", *claims, "holds under"]
        )
    first = next(iter(claims.values())).set_index("claim_id")
    table = pd.DataFrame(
        {
            "claim": claim_ids,
            "source": [first.at[c, "source"] for c in claim_ids],
            "description": [shown(first.at[c, "description"]) for c in claim_ids],
            "reported": [first.at[c, "reported"] for c in claim_ids],
        }
    )
    for variant, frame in claims.items():
        frame = frame.set_index("claim_id")
        table[variant] = [cell(frame.loc[c]) for c in claim_ids]
    survives = [
        sum(claims[v].set_index("claim_id").at[c, "status"] == "match" for v in claims)
        for c in claim_ids
    ]
    table["holds under"] = [f"{n} of {len(claims)} variants" for n in survives]
    return table


def claim_counts(claims: pd.DataFrame) -> str:
    """How a variant's claims fare, per source, in the report's groups of verdicts: 'paper:
    8 exact or within rounding, 5 only on our reading, ..., none inconsistent; news: 10
    exact or within rounding, none inconsistent'."""
    if claims.empty:
        return "no claims"
    return "; ".join(
        f"{source}: {grouped_verdicts(part['verdict'])}"
        for source, part in claims.groupby("source", sort=False)
    )


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
            (f"{MARKS[estimator]}, " if estimator in MARKS else "")
            + f"n = {n:.0f}"
            + ("" if pd.isna(p) else f", {p_words(p)}")
            for estimator, n, p in zip(rows["estimator"], rows["n"], rows["p_value"])
        ]
        reference = None if "rate" in name else (1 if "ratio" in name else 0)
        forest(ax, rows, name, reference=reference)
        ax.set_title(name, fontsize=9)
    figure.subplots_adjust(wspace=0.95, hspace=0.7)
    style.footnote(
        figure,
        f"Each row a variant (config/config.yaml); squares: estimate (a mean change unless marked "
        f"HL, the Hodges-Lehmann median, or GMR, the geometric mean ratio), lines: {level:.0%} "
        "interval; p from the variant's test.",
    )
    if synthetic:
        style.mark_synthetic(figure)
    style.save(figure, paths, dpi)
    return (
        f"Estimate and {level:.0%} interval per variant: response rates (exact Clopper-Pearson); "
        "changes as each variant's test estimates them: the mean (t-interval), the Hodges-Lehmann "
        "median (signed-rank interval) under the rank test, or, on the log scale, the geometric "
        "mean ratio of follow-up to baseline; p from that test of the change from baseline to the "
        "response visit."
    )


def reference_variant(variants: list[str], overrides: dict) -> str:
    """The variant the others are described against and compared with: the first that
    overrides nothing, whose settings are the cohort's default analysis (on the pilot
    `paper`), else the first built."""
    return next((v for v in variants if not overrides.get(v)), variants[0])


def variants_table(
    variants: list[str],
    analyses: dict,
    reference: str,
    cohort: dict,
    patients: dict[str, Patients],
    claims: dict[str, pd.DataFrame],
    default: bool = True,
) -> pd.DataFrame:
    """One row a variant, for reading: what it changes from the reference variant's
    settings (the cohort's `default` analysis, or not), whose results it changes against
    the reference, and how its claims fare."""
    baseline = "the cohort's default analysis" if default else reference
    return pd.DataFrame(
        {
            "variant": variants,
            f"what it changes from {baseline}": [
                (
                    "the reference: every other variant is described against it"
                    if v == reference and not default
                    else variant_description(analyses[v], analyses[reference], cohort)
                )
                for v in variants
            ],
            f"whose result it changes, against {reference}": [
                (
                    "the reference"
                    if v == reference
                    else patient_changes(patients[reference], patients[v])
                )
                for v in variants
            ],
            "claims, per source": [claim_counts(claims[v]) for v in variants],
        }
    )


def estimates_for_reading(table: pd.DataFrame, analyses: dict) -> pd.DataFrame:
    """The estimates per variant for a person: populations in words, p-values as printed."""
    number = lambda v: "" if pd.isna(v) else f"{v:.3g}"  # noqa: E731
    return pd.DataFrame(
        {
            "variant": table["variant"],
            "estimate": table["estimate"],
            "estimator": table["estimator"],
            "population": [
                population_label(flag, analyses[v])
                for v, flag in zip(table["variant"], table["population"])
            ],
            "n analysed": table["n"].map(number),
            "value": table["value"].map(number),
            "interval": [
                "" if pd.isna(low) else f"{number(low)} to {number(high)}"
                for low, high in zip(table["ci_lower"], table["ci_upper"])
            ],
            "p": table["p_value"].map(lambda p: "" if pd.isna(p) else p_text(p)),
            "test": table["test"],
        }
    )


def run(
    inputs: dict,
    variants: list[str],
    analyses: dict,
    overrides: dict,
    cohort: dict,
    dpi: int,
    template: str,
    outputs: dict,
) -> None:
    """Put the variants of one cohort side by side: tables, figure and an HTML page.

    `inputs` holds each variant's ARD and claims (`<variant>_ard`, `<variant>_claims`) and
    the lists of their ADSL and ADEFF (`adsl`, `adeff`) in the order of `variants`;
    `overrides` are the variants' own settings (config `variants:`). Each variant is
    described by what it changes from the first that overrides nothing (the cohort's default
    analysis), and compared with it patient by patient.
    """
    analyses = {variant: typed.analysis(settings) for variant, settings in analyses.items()}
    cohort = typed.cohort(cohort)
    ards = {v: read_ard(inputs[f"{v}_ard"]) for v in variants}
    claims = {
        v: read_table(inputs[f"{v}_claims"], text_columns=("claim_id", "reported"))
        for v in variants
    }
    reference = reference_variant(variants, overrides)
    # a single variant is compared with nothing: its datasets are not read
    datasets = zip(variants, inputs["adsl"], inputs["adeff"]) if len(variants) > 1 else []
    patients = {v: read_patients(adsl, adeff, analyses[v]) for v, adsl, adeff in datasets}
    table = sensitivity_table(ards, analyses, cohort)
    key_claims = cohort.get("key_claims") or []
    conclusions = conclusions_table(claims, key_claims)
    write_tables({outputs["csv"]: table, outputs["conclusions"]: conclusions})
    level = analyses[variants[0]]["confidence_level"]
    caption = draw(
        table, dpi, {"png": outputs["png"], "svg": outputs["svg"]}, cohort["synthetic"], level
    )
    uri, width, height = pages.png_uri(outputs["png"])
    readable_conclusions = conclusions_table(claims, key_claims, cell=verdict_cell).drop(
        columns="claim"
    )
    html = pages.render(
        template,
        cohort=cohort,
        estimates=pages.html_table(estimates_for_reading(table, analyses)),
        conclusions=pages.html_table(readable_conclusions),
        figure={"uri": uri, "width": width // 2, "height": height // 2, "caption": caption},
        variants=pages.html_table(
            variants_table(
                variants,
                analyses,
                reference,
                cohort,
                patients,
                claims,
                default=not overrides.get(reference),
            )
        ),
        reference=reference,
        has_ledger=has_ledger(cohort),
    )
    pages.write_text(outputs["html"], html)
    logger.info("%d variants side by side, compared with %s", len(variants), reference)
