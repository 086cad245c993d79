"""The power step: the planning tables of every endpoint (clinrepro.power.planning), then
the figure that draws them (clinrepro.power.figure) and its caption."""

from __future__ import annotations

import json
import logging

from clinrepro.adam.endpoints import read_adeff
from clinrepro.power import estimates as power_estimates
from clinrepro.power import figure as power_figure
from clinrepro.power import planning
from clinrepro.power.schemas import Power, PowerCurve, PowerSummary
from clinrepro.reading.validation import write_checked_tables
from clinrepro.base import typed

logger = logging.getLogger(__name__)


def run(adeff: str, analysis: dict, settings: dict, cohort: dict, outputs: dict) -> None:
    """Power and sample size of every endpoint of one variant: tables, figure, caption."""
    analysis, cohort = typed.analysis(analysis), typed.cohort(cohort)
    settings = typed.power(settings)
    found = power_estimates.endpoints_of(
        read_adeff(adeff, columns=power_estimates.ADEFF_COLUMNS), analysis, cohort
    )
    results = planning.power_tables(found, analysis, settings, cohort)
    write_checked_tables(
        {
            outputs["csv"]: (planning.as_table(planning.LONG_COLUMNS, results.long), Power),
            outputs["curve"]: (
                planning.as_table(planning.CURVE_COLUMNS, results.curve),
                PowerCurve,
            ),
            outputs["summary"]: (planning.as_table(*results.summary), PowerSummary),
        }
    )
    caption = power_figure.draw(
        results, settings, cohort, {"png": outputs["png"], "svg": outputs["svg"]}
    )
    if cohort["synthetic"]:
        caption = f"SYNTHETIC DATA. {caption}"
    with open(outputs["caption"], "w", encoding="utf-8") as handle:
        # the endpoints the figure draws (those with an offered row), not all analysed
        drawn = len({row["endpoint"] for row in results.curve})
        record = {"figure": "power_curve", "title": "Power against sample size, per endpoint",
                  "caption": caption, "endpoints": drawn,
                  "endpoints analysed": len(found)}  # fmt: skip
        json.dump(record, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    logger.info("power: %d endpoints", len(found))
