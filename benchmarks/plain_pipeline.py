"""The workflow's whole analysis in one plain Python process, no Snakemake: the yardstick
of the benchmark. Same functions, same order, same outputs under OUTDIR.

Usage: python benchmarks/plain_pipeline.py OUTDIR  (run from the project's top folder)
"""

import sys
from pathlib import Path

import yaml

from clinrepro import (
    audit,
    endpoints,
    extract,
    figures,
    power,
    report,
    sensitivity,
    stats,
    tables,
    validate,
)
from clinrepro.settings import FIGURES, TIDY_TABLES, cohort_settings, variant_settings

TEMPLATES = Path("report/templates")


def run_variant(
    cohort: dict,
    analysis: dict,
    tidy: dict,
    figure_settings: dict,
    folder: Path,
    table1: str,
    name: str,
    config_power: dict,
    max_rows_shown: int,
    config_reconciliation: dict,
):
    raw = cohort["raw"]
    data = {"adsl": str(folder / "adsl.csv"), "adeff": str(folder / "adeff.csv")}
    endpoints.run(tidy, analysis, cohort, data)
    ard, claims = str(folder / "ard.csv"), str(folder / "claims.csv")
    stats.run(data["adsl"], data["adeff"], analysis, cohort, ard)
    audit_outputs = {
        "claims": claims,
        "reconciliation": str(folder / "reconciliation.csv"),
        "cells": str(folder / "claims_cells.csv"),
    }
    limits = config_reconciliation
    audit.run(
        raw.get("claims"), ard, data["adsl"], data["adeff"], analysis, cohort, limits, audit_outputs
    )
    inputs = {**data, "ard": ard}
    if "reported_summaries" in raw:
        inputs["reported_summaries"] = raw["reported_summaries"]
    figure_outputs = {}
    for figure in FIGURES:
        stem = folder / "figures" / figure
        figure_outputs |= {f"{figure}_{kind}": f"{stem}.{kind}" for kind in ("png", "svg")}
        figure_outputs[f"{figure}_caption"] = f"{stem}.json"
    figures.run(inputs, analysis, figure_settings, cohort, figure_outputs)
    report_inputs = {k: v for k, v in figure_outputs.items() if not k.endswith("_svg")}
    table_outputs = {
        f"{name}_{kind}": str(folder / "tables" / f"{name}.{kind}")
        for name in ("baseline", "claims")
        for kind in ("csv", "html")
    }
    tables.run(
        data["adsl"],
        data["adeff"],
        ard,
        claims,
        analysis,
        cohort,
        str(TEMPLATES / "table.html.j2"),
        table_outputs,
    )
    report_inputs |= {f"raw_{kind}": path for kind, path in raw.items()} | {
        "claims": claims,
        "reconciliation": audit_outputs["reconciliation"],
        "cells": audit_outputs["cells"],
        "claims_table": table_outputs["claims_csv"],
        "baseline": table_outputs["baseline_csv"],
        "table1": table1,
        "template": str(TEMPLATES / "report.html.j2"),
    }
    power_settings = config_power | {"dpi": figure_settings["dpi"]}
    stem = folder / "power"
    power_outputs = {
        "csv": f"{stem}/power.csv",
        "summary": f"{stem}/power_summary.csv",
        "curve": f"{stem}/power_curve.csv",
        "png": f"{stem}/power_curve.png",
        "svg": f"{stem}/power_curve.svg",
        "caption": f"{stem}/power_curve.json",
    }
    power.run(data["adeff"], analysis, power_settings, cohort, power_outputs)
    report_inputs |= {
        "power_curve_png": power_outputs["png"],
        "power_curve_caption": power_outputs["caption"],
        "power_summary": power_outputs["summary"],
    }
    report.run(
        report_inputs,
        cohort,
        analysis,
        power_settings,
        name,
        ".",
        str(folder / "report.html"),
        max_rows_shown,
    )
    return ard, claims


def run_everything(config: dict, out: Path) -> None:
    for cohort_name in config["run"]["cohorts"]:
        cohort = cohort_settings(config, cohort_name)
        raw = cohort["raw"]
        patient_data = {kind: raw[kind] for kind in extract.RAW_KINDS if kind in raw}
        base = out / cohort_name
        tidy = {name: str(base / "tidy" / f"{name}.csv") for name in TIDY_TABLES}
        extract.run(patient_data, cohort, tidy)
        validate.run(
            tidy,
            raw.get("claims"),
            raw.get("reported_summaries"),
            cohort,
            str(base / "validation" / "report.csv"),
        )
        table1 = {
            "csv": str(base / "tables" / "table1.csv"),
            "html": str(base / "tables" / "table1.html"),
        }
        shown = config["tables"]["max_rows_shown"]
        tables.run_table1(tidy, cohort, str(TEMPLATES / "table.html.j2"), table1, shown)
        analyses, results = {}, {}
        for variant in config["run"]["variants"]:
            analyses[variant] = variant_settings(config, variant, cohort)
            ard, claims = run_variant(
                cohort,
                analyses[variant],
                tidy,
                config["figures"],
                base / variant,
                table1["csv"],
                variant,
                config["power"],
                shown,
                config["reconciliation"],
            )
            results |= {f"{variant}_ard": ard, f"{variant}_claims": claims}
        folder = base / "sensitivity"
        outputs = {
            kind: str(folder / f"sensitivity.{kind}") for kind in ("csv", "png", "svg", "html")
        }
        outputs["conclusions"] = str(folder / "conclusions.csv")
        sensitivity.run(
            results,
            list(analyses),
            analyses,
            cohort,
            config["figures"]["dpi"],
            str(TEMPLATES / "sensitivity.html.j2"),
            outputs,
        )


if __name__ == "__main__":
    with open("config/config.yaml", encoding="utf-8") as handle:
        run_everything(yaml.safe_load(handle), Path(sys.argv[1]))
