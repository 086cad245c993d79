"""The workflow's whole analysis in one plain Python process, no Snakemake: the yardstick
of the benchmark. The same stage functions in the same order, the same outputs under
OUTDIR (each stage reads what the one before wrote, as the rules do), the figures drawn one
after the other.

Usage: python benchmarks/plain_pipeline.py OUTDIR [--variant NAME] [--timings FILE]  (from
the project's top folder; with --variant, that variant's report alone, as `snakemake <its
report.html>` makes; with --timings, the seconds of each stage summed over the run, and of
the imports, written as JSON: the one-process profile of docs/benchmarks.md)
"""

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402

from clinrepro.audit import run as audit  # noqa: E402
from clinrepro.adam import endpoints  # noqa: E402
from clinrepro.reading import extract  # noqa: E402
from clinrepro.presentation import figures  # noqa: E402
from clinrepro.power import run as power  # noqa: E402
from clinrepro.presentation import report  # noqa: E402
from clinrepro.presentation import sensitivity  # noqa: E402
from clinrepro.statistics import results as stats  # noqa: E402
from clinrepro.presentation import tables  # noqa: E402
from clinrepro.reading import validate  # noqa: E402
from clinrepro.base.files import write_manifest  # noqa: E402
from clinrepro.base.settings import (  # noqa: E402
    FIGURES,
    TIDY_TABLES,
    cohort_analysis,
    cohort_settings,
    population_roles,
    variant_settings,
)

IMPORTED = time.perf_counter()

TEMPLATES = Path("report/templates")


def run_variant(config: dict, cohort: dict, name: str, upstream: dict, folder: Path) -> dict:
    """One variant from the tidy tables to its report and manifest; its files by key."""
    raw = cohort["raw"]
    analysis = variant_settings(config, name, cohort)
    study = {key: value for key, value in cohort.items() if key != "analysis"}
    files = {"adsl": str(folder / "adsl.csv"), "adeff": str(folder / "adeff.csv")}
    files["ard"] = str(folder / "ard.csv")
    named = {"cells": "claims_cells", "checks": "summary_checks"}  # as rules/analyse.smk
    audit_files = {key: str(folder / f"{named.get(key, key)}.csv") for key in audit.OUTPUTS}
    endpoints.run(
        upstream["tidy"], analysis, study, {"adsl": files["adsl"], "adeff": files["adeff"]}
    )
    stats.run(files["adsl"], files["adeff"], analysis, study, files["ard"])
    limits = config["reconciliation"]
    audit.run(
        raw.get("claims"), raw.get("outcomes"), files["ard"], files["adsl"], files["adeff"],
        analysis, study, limits, audit_files, cohort_analysis(config, cohort),
    )  # fmt: skip
    figure_files = {}
    for figure in FIGURES:
        stem = folder / "figures" / figure
        figure_files |= {f"{figure}_{kind}": f"{stem}.{kind}" for kind in ("png", "svg")}
        figure_files[f"{figure}_caption"] = f"{stem}.json"
        figure_files[f"{figure}_data"] = f"{stem}.csv"
    inputs = dict(files)
    if "reported_summaries" in raw:
        inputs["reported_summaries"] = raw["reported_summaries"]
    settings = config["figures"] | {"synthetic": cohort["synthetic"]}
    figures.run(inputs, analysis, settings, study, figure_files)
    power_settings = config["power"] | {"dpi": config["figures"]["dpi"]}
    stem = folder / "power"
    power_files = {
        key: f"{stem}/{name}"
        for key, name in (
            ("csv", "power.csv"),
            ("summary", "power_summary.csv"),
            ("curve", "power_curve.csv"),
            ("png", "power_curve.png"),
            ("svg", "power_curve.svg"),
            ("caption", "power_curve.json"),
        )
    }
    power.run(files["adeff"], analysis, power_settings, study, power_files)
    table_files = {
        "baseline_csv": str(folder / "tables" / "baseline.csv"),
        "baseline_html": str(folder / "tables" / "baseline.html"),
        "claims_csv": str(folder / "tables" / "claims_audit.csv"),
        "claims_html": str(folder / "tables" / "claims_audit.html"),
    }
    tables.run(
        files["adsl"], files["adeff"], audit_files["claims"], analysis, study,
        str(TEMPLATES / "table.html.j2"), table_files,
    )  # fmt: skip
    page = str(folder / "report.html")
    report_inputs = (
        files
        | audit_files
        | {key: path for key, path in figure_files.items() if not key.endswith("_svg")}
        | {f"raw_{kind}": path for kind, path in raw.items()}
        | {
            "power_curve_png": power_files["png"],
            "power_curve_caption": power_files["caption"],
            "power_summary": power_files["summary"],
            "claims_table": table_files["claims_csv"],
            "baseline": table_files["baseline_csv"],
            "table1": upstream["table1"]["csv"],
            "not_analysed": upstream["not_analysed"],
            "template": str(TEMPLATES / "report.html.j2"),
            "script": str(TEMPLATES / "appendices.js"),
            "table_template": str(TEMPLATES / "table.html.j2"),
        }
    )
    shown = config["tables"]["max_rows_shown"]
    default = cohort_analysis(config, cohort)
    report.run(report_inputs, study, analysis, power_settings, name, ".", page, shown, default)
    every = [
        *upstream["tidy"].values(), upstream["not_analysed"], upstream["validation"], *upstream["table1"].values(),
        *files.values(), *audit_files.values(), *figure_files.values(), *power_files.values(),
        *table_files.values(), page,
    ]  # fmt: skip
    write_manifest(every, str(folder / "MANIFEST.sha256"))
    return {"ard": files["ard"], "claims": audit_files["claims"], **files}


def run_cohort(config: dict, name: str, out: Path, variants: list[str]) -> None:
    cohort = cohort_settings(config, name) | {"file": config["cohorts"][name]}
    raw = cohort["raw"]
    study = {key: value for key, value in cohort.items() if key != "analysis"}
    base = out / name
    tidy = {table: str(base / "tidy" / f"{table}.csv") for table in TIDY_TABLES}
    not_analysed = {"not_analysed": str(base / "tidy" / "not_analysed.csv")}
    extract.run(
        {kind: raw[kind] for kind in extract.RAW_KINDS if kind in raw}, study, tidy | not_analysed
    )
    validation = str(base / "validation" / "report.csv")
    every_variant = config["run"]["variants"]
    analyses = {variant: variant_settings(config, variant, cohort) for variant in every_variant}
    validate.run(
        tidy=tidy,
        claims=raw.get("claims"),
        reported=raw.get("reported_summaries"),
        settings=study,
        output=validation,
        outcomes=raw.get("outcomes"),
        roles=population_roles(analyses),
    )
    table1 = {
        "csv": str(base / "tables" / "table1.csv"),
        "html": str(base / "tables" / "table1.html"),
    }
    shown = config["tables"]["max_rows_shown"]
    tables.run_table1(tidy, study, str(TEMPLATES / "table.html.j2"), table1, shown)
    upstream = {"tidy": tidy, "validation": validation, "table1": table1} | not_analysed
    results = {
        variant: run_variant(config, cohort, variant, upstream, base / variant)
        for variant in variants
    }
    if len(variants) < len(config["run"]["variants"]):
        return  # one variant's report: no side-by-side page
    inputs = {
        "adsl": [r["adsl"] for r in results.values()],
        "adeff": [r["adeff"] for r in results.values()],
    }
    for variant, files in results.items():
        inputs |= {f"{variant}_ard": files["ard"], f"{variant}_claims": files["claims"]}
    folder = base / "sensitivity"
    outputs = {kind: str(folder / f"sensitivity.{kind}") for kind in ("csv", "png", "svg", "html")}
    outputs["conclusions"] = str(folder / "conclusions.csv")
    sensitivity.run(
        inputs, variants, analyses, config["variants"], study, config["figures"]["dpi"],
        str(TEMPLATES / "sensitivity.html.j2"), outputs,
    )  # fmt: skip


SECONDS: Counter = Counter()


def timing(name: str, function):
    """The stage function, adding the seconds of each call to SECONDS[name]."""

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            SECONDS[name] += time.perf_counter() - start

    return timed


def time_stages() -> None:
    """Count the seconds of every stage function this pipeline calls."""
    stages = {
        "extract": (extract, "run"), "validate": (validate, "run"),
        "table1": (tables, "run_table1"), "endpoints": (endpoints, "run"),
        "statistics": (stats, "run"), "audit": (audit, "run"), "figures": (figures, "run"),
        "power": (power, "run"), "tables": (tables, "run"), "report": (report, "run"),
        "manifest": (globals(), "write_manifest"), "sensitivity": (sensitivity, "run"),
    }  # fmt: skip
    for name, (owner, attribute) in stages.items():
        if isinstance(owner, dict):
            owner[attribute] = timing(name, owner[attribute])
        else:
            setattr(owner, attribute, timing(name, getattr(owner, attribute)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--variant", help="this variant's report alone")
    parser.add_argument("--timings", type=Path, help="write the seconds of each stage here")
    args = parser.parse_args()
    if args.timings:
        time_stages()
    with open("config/config.yaml", encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    variants = [args.variant] if args.variant else config["run"]["variants"]
    for name in config["run"]["cohorts"]:
        run_cohort(config, name, args.outdir, variants)
    if args.timings:
        total = time.perf_counter() - STARTED
        record = {"imports": IMPORTED - STARTED, **SECONDS}
        record["other"] = total - sum(record.values())
        record["total"] = total
        args.timings.write_text(json.dumps(record, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
