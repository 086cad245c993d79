"""The forest plot by subgroup: the main outcome's response rate and mean change, each level
with its n and interval."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clinrepro.base.printed import fixed
from clinrepro.base.study import primary_role, short_name, unit, visit_label
from clinrepro.base.terms import SUBGROUP_NAMES, joined_words
from clinrepro.base.vocabularies import cohort_terms
from clinrepro.presentation import style
from clinrepro.presentation.figure_data import forest_rows, subgroup_data, subgroup_levels
from clinrepro.presentation.figure_parts import forest
from clinrepro.presentation.figure_words import criterion_words, population_phrase
from clinrepro.base.study import population_label


def subgroup_label(category: str, antibodies: dict | None = None) -> str:
    """'ABTYPE=MDA5' -> 'antibody: anti-MDA5' (the antibodies' words of the cohort's terms,
    by default the shipped ones)."""
    variable, level = category.split("=", 1)
    antibodies = cohort_terms()["antibodies"] if antibodies is None else antibodies
    return f"{SUBGROUP_NAMES[variable]}: {antibodies.get(level, level) if variable == 'ABTYPE' else level}"


def interval_words(row, places: int) -> str:
    """'n = 3: -12.7 (-25.1 to -0.3)', or without an interval 'n = 1: -4.0'."""
    if pd.isna(row["value"]):
        return "no estimate"
    words = f"n = {row['n']:.0f}: {fixed(row['value'], places)}"
    if pd.notna(row["ci_lower"]):
        words += f" ({fixed(row['ci_lower'], places)} to {fixed(row['ci_upper'], places)})"
    return words


def subgroup_rows(
    drawn: pd.DataFrame, analysis: str, value: str, places: int, antibodies: dict | None = None
) -> pd.DataFrame:
    """The forest's rows of one subgroup analysis: label, estimate, interval, n and its
    numbers, from the drawn table."""
    rows = forest_rows(drawn, analysis, value)
    labels = [subgroup_label(category, antibodies) for category in rows["category"]]
    rows.insert(0, "label", labels)
    rows["annotation"] = [interval_words(row, places) for _, row in rows.iterrows()]
    return rows


def sensible_limits(rows: pd.DataFrame) -> tuple[float, float]:
    """An axis for estimates and most intervals: every estimate and 0, with the median
    half-width of the intervals on each side (wider intervals are cut and marked)."""
    values = rows["value"].dropna().to_numpy(dtype=float)
    widths = (rows["ci_upper"] - rows["ci_lower"]).dropna().to_numpy(dtype=float)
    half = np.median(widths) / 2 if len(widths) else 1.0
    low = min(values.min(initial=0), 0) - half
    high = max(values.max(initial=0), 0) + half
    return low, high


def subgroups(data: dict, analysis: dict, settings: dict, cohort: dict):
    """Forest plot: the main outcome's response rate and mean change by subgroup, at the
    response visit."""
    role = primary_role(analysis)
    flag, response = analysis["populations"][role], analysis["response"][role]
    parameter, level, visit = response["parameter"], analysis["confidence_level"], response["visit"]
    target = visit_label(cohort, visit)
    levels = subgroup_levels(data["ard"], flag, parameter, visit)
    drawn = subgroup_data(data["ard"], flag, parameter, visit, levels)
    places = cohort["measures"][parameter]["decimals"] + 1
    antibodies = cohort_terms(cohort)["antibodies"]
    rates = subgroup_rows(drawn, "subgroup_response", "pct", 0, antibodies)
    changes = subgroup_rows(drawn, "subgroup_paired_test", "mean_change", places, antibodies)
    height = 1.4 + 0.36 * max(len(rates), len(changes))
    figure, (left, right) = style.new_figure(10.5, height, columns=2)
    criterion = criterion_words(response, cohort)
    forest(left, rates, f"response rate, % ({criterion})", limits=(-5, 105))
    cut = forest(right, changes, f"mean {short_name(cohort, parameter)} change at {target} "
                 f"({unit(cohort, parameter)})", reference=0, limits=sensible_limits(changes))  # fmt: skip
    left.set_title(f"Response rate, exact {level:.0%} CI", fontsize=9)
    right.set_title(f"Mean change, {level:.0%} t-interval", fontsize=9)
    figure.subplots_adjust(wspace=1.45)
    small = changes[changes["value"].notna() & changes["ci_lower"].isna()]["label"].tolist()
    caption = (
        f"{role.capitalize()} response ({criterion}) and mean {short_name(cohort, parameter)} "
        f"change from baseline to {target} in {population_phrase(flag, analysis)}, by "
        + joined_words([SUBGROUP_NAMES.get(v, v) for v in analysis["subgroups"]])
        + f", at {target} alone. Every level is shown with its n, estimate and interval on the "
        f"right, however small; hollow points have no interval (fewer than two patients): "
        f"{', '.join(small) if small else 'none'}. Response rates: exact Clopper-Pearson "
        "intervals; mean changes: t-intervals"
        + (f"; intervals wider than the axis are cut at it, a triangle marking the cut end "
           f"({joined_words(cut)})" if cut else "")
        + "."
    )  # fmt: skip
    style.footnote(
        figure, f"Population: {population_label(flag, analysis)}; n per level on the right."
    )
    title = f"{role.capitalize()} response and {short_name(cohort, parameter)} change by subgroup"
    meta = {"population": flag, "levels": len(rates), "visit": visit, "cut": cut}
    return figure, title, caption, meta, drawn
