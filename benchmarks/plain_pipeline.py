"""The workflow's analysis in one plain Python process, no Snakemake: the benchmark's yardstick.

Usage: python benchmarks/plain_pipeline.py OUTDIR  (run from the project's top folder)
"""

import sys
from pathlib import Path

import yaml

from clinrepro import audit, endpoints, extract, stats, validate
from clinrepro.settings import TIDY_TABLES, cohort_settings, variant_settings


def run_everything(config: dict, out: Path) -> None:
    for cohort_name in config["run"]["cohorts"]:
        cohort = cohort_settings(config, cohort_name)
        raw = cohort["raw"]
        base = out / cohort_name
        tidy = {name: str(base / "tidy" / f"{name}.csv") for name in TIDY_TABLES}
        extract.run(raw["table"], cohort, tidy)
        validation = str(base / "validation" / "report.csv")
        validate.run(tidy, raw["claims"], raw["reported_summaries"], cohort, validation)
        for variant_name in config["run"]["variants"]:
            analysis = variant_settings(config, variant_name)
            folder = base / variant_name
            datasets = {"adsl": str(folder / "adsl.csv"), "adeff": str(folder / "adeff.csv")}
            endpoints.run(tidy, analysis, cohort["baseline_visit"], datasets)
            ard = str(folder / "ard.csv")
            stats.run(datasets["adsl"], datasets["adeff"], analysis, cohort["baseline_visit"], ard)
            audit.run(
                raw["claims"],
                ard,
                analysis["populations"],
                analysis["tests"],
                str(folder / "claims.csv"),
            )


if __name__ == "__main__":
    with open("config/config.yaml", encoding="utf-8") as handle:
        run_everything(yaml.safe_load(handle), Path(sys.argv[1]))
