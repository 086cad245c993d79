"""Figures: the published figures and their kin, rebuilt from the analysis datasets.

Each figure function takes the tables, the variant's analysis settings, the figure settings
and the cohort's settings (its measures, visits and words), takes what it draws from its
data step (clinrepro.presentation.figure_data: a table of every drawn value and where it
comes from), draws it on a house-style figure and returns it with its title, caption, a record of what
it shows and the drawn table; every caption names the population and n, and counts the
patients left out for a missing value. p-values come from the workflow's own tests (the
ARD), never from the published text, and are stated, not starred. The figures live by
family (course_figures, response_figures, subgroup_figure), drawn from the parts and words
they share (figure_parts, figure_words); this module draws them all, one after the other.
"""

from __future__ import annotations

import functools
import json
import logging

from clinrepro.adam.endpoints import read_adeff, read_adsl
from clinrepro.base.files import read_table, write_tables
from clinrepro.presentation import style
from clinrepro.presentation.course_figures import course, other_measures
from clinrepro.presentation.response_figures import disease_overlap, response_patients, waterfall
from clinrepro.presentation.subgroup_figure import subgroups
from clinrepro.statistics.ard import read_ard
from clinrepro.base import typed

logger = logging.getLogger(__name__)

FIGURES = {
    "course": course,
    "disease_overlap": disease_overlap,
    "response_patients": response_patients,
    "waterfall": waterfall,
    "other_measures": other_measures,
    "subgroups": subgroups,
}


def load_inputs(adsl: str, adeff: str, ard: str, reported: str | None) -> dict:
    """The tables every figure draws from (no reported summaries where there are none)."""
    return {
        "adsl": read_adsl(adsl),
        "adeff": read_adeff(adeff),
        "ard": read_ard(ard),
        "reported": None if reported is None else read_table(reported),
    }


def run(inputs: dict, analysis: dict, settings: dict, cohort: dict, outputs: dict) -> None:
    """Draw every figure of a variant, one after the other; write each one's images, title
    and caption."""
    for part in parts(inputs, analysis, settings, cohort, outputs):
        part()


def parts(inputs: dict, analysis: dict, settings: dict, cohort: dict, outputs: dict) -> list:
    """The drawing of each figure of a variant, a function of no arguments apiece, the
    tables they draw from read once (clinrepro.base.parallel runs them side by side)."""
    analysis, cohort = typed.analysis(analysis), typed.cohort(cohort)
    settings = typed.figures(settings)
    tables = load_inputs(
        inputs["adsl"], inputs["adeff"], inputs["ard"], inputs.get("reported_summaries")
    )
    drawn = (tables, analysis, settings, cohort, outputs)
    return [functools.partial(draw_figure, name, *drawn) for name in FIGURES]


def draw_figure(
    name: str, tables: dict, analysis: dict, settings: dict, cohort: dict, outputs: dict
) -> None:
    """Draw one figure and write its PNG, SVG, caption and the table of what it draws."""
    figure, title, caption, meta, drawn = FIGURES[name](tables, analysis, settings, cohort)
    if cohort["synthetic"]:
        style.mark_synthetic(figure)
        caption = f"SYNTHETIC DATA. {caption}"
    paths = {fmt: outputs[f"{name}_{fmt}"] for fmt in style.FORMATS}
    style.save(figure, paths, settings["dpi"], settings.cache)
    write_tables({outputs[f"{name}_data"]: drawn})
    write_caption(
        outputs[f"{name}_caption"], {"figure": name, "title": title, "caption": caption, **meta}
    )
    logger.info("%s: %s", name, caption)


def write_caption(path: str, record: dict) -> None:
    """A figure's title, caption and counts as JSON, keys sorted."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=2, sort_keys=True, ensure_ascii=False)
        handle.write("\n")
