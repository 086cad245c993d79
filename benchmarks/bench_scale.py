"""Scale benchmark: the whole workflow on SYNTHETIC registries of N patients.

For each N and intermediate format, in a scratch copy of the project:
1. rule synthesize writes the N-patient table (not timed: it is the input);
2. `snakemake --cores 2` runs everything else (extraction, validation, endpoints,
   statistics, claims audit, figures, tables, power, report, manifest): its wall time,
   each job's time and peak memory (Snakemake's benchmark files), and the largest memory
   of all running jobs together (sampled every 0.2 s);
3. the baseline: one Python process reads the raw table once and writes its tidy tables
   once, with pandas, in the same format (no checks, no analysis).

    .venv/bin/python benchmarks/bench_scale.py --patients 1000 10000 100000 1000000

Writes benchmarks/out/scale.json and prints the table the README shows.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from workflow import copy_project  # noqa: E402  (the tests' helper: a copy of the project)

OUT = ROOT / "benchmarks" / "out"
COHORT = "synthetic_registry"
BASELINE = """
import sys, time
import pandas as pd
from clinrepro.reading.extract import expected_headers, tidy_tables
from clinrepro.base.files import write_tables
from clinrepro.base.settings import cohort_settings
import yaml
table, out, fmt = sys.argv[1:4]
config = yaml.safe_load(open("config/config.yaml", encoding="utf-8"))
settings = cohort_settings(config, "synthetic_registry")
settings["raw"] = {"table": table}
start = time.perf_counter()
raw = pd.read_csv(table, dtype=str, keep_default_na=False, encoding="utf-8")
raw = raw.rename(columns=expected_headers(settings))
tables = tidy_tables(raw, settings, table)
write_tables({f"{out}/{name}.{fmt}": frame for name, frame in tables.items()})
print(time.perf_counter() - start)
"""


def scratch_copy(target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    return copy_project(target)


def config_for(n: int, fmt: str) -> list[str]:
    return [
        "--config",
        f"run={{cohorts: [{COHORT}], variants: [paper]}}",
        f"generate={{{COHORT}: {{patients: {n}}}}}",
        f"storage={{intermediates: {fmt}}}",
    ]


def tree_rss_mb(process: psutil.Process) -> float:
    """Resident memory of a process and all its children, in MB."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            pass  # ended while being counted
    return total / 1e6


def snakemake(project: Path, *args: str) -> tuple[float, float]:
    """Wall time (s) of a run, and the largest memory (MB) of Snakemake and its jobs."""
    start = time.perf_counter()
    with open(project / "snakemake.out", "w") as out:
        run = subprocess.Popen(
            [str(ROOT / ".venv/bin/snakemake"), "--cores", "2", *args],
            cwd=project,
            # each job in its own process, so that its benchmark file has its memory and
            # every job is in Snakemake's process tree (clinrepro/base/resident.py)
            env={**os.environ, "CLINREPRO_RESIDENT": "0"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        peak, watched = 0.0, psutil.Process(run.pid)
        while run.poll() is None:
            peak = max(peak, tree_rss_mb(watched))
            time.sleep(0.2)
    if run.returncode:
        sys.exit(
            f"snakemake failed in {project}:\n{(project / 'snakemake.out').read_text()[-4000:]}"
        )
    return time.perf_counter() - start, peak


def job_benchmarks(project: Path) -> dict[str, dict]:
    """Each job's wall time (s) and peak resident memory (MB), from its benchmark file."""
    jobs = {}
    for path in sorted((project / "logs" / COHORT).rglob("benchmark/*.tsv")):
        with open(path, encoding="utf-8") as handle:
            row = next(csv.DictReader(handle, delimiter="\t"))
        jobs[path.stem] = {"s": float(row["s"]), "max_rss_mb": float(row["max_rss"])}
    return jobs


def measure(n: int, fmt: str, memory_mb: int | None) -> dict:
    project = scratch_copy(OUT / "scale" / f"{fmt}-{n}")
    options = config_for(n, fmt)
    snakemake(project, f"results/{COHORT}/raw/table.csv", *options)
    cap = ["--resources", f"mem_mb={memory_mb}"] if memory_mb else []
    wall, workflow_peak = snakemake(project, *cap, *options)
    jobs = job_benchmarks(project)
    generated = jobs.pop("synthesize")
    tidy = project / "baseline"
    tidy.mkdir()
    baseline = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", BASELINE, f"results/{COHORT}/raw/table.csv",
         str(tidy), fmt],
        cwd=project, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result = {
        "patients": n,
        "format": fmt,
        "memory_cap_mb": memory_mb,
        "wall_s": round(wall, 2),
        "jobs_s": round(sum(job["s"] for job in jobs.values()), 2),
        "peak_rss_mb": round(max(job["max_rss_mb"] for job in jobs.values()), 1),
        "workflow_peak_mb": round(workflow_peak, 1),
        "baseline_s": round(float(baseline.stdout.strip()), 2),
        "synthesize_s": generated["s"],
        "raw_mb": round((project / f"results/{COHORT}/raw/table.csv").stat().st_size / 1e6, 1),
        "jobs": jobs,
    }
    result["ratio_to_baseline"] = round(result["wall_s"] / result["baseline_s"], 2)
    shutil.rmtree(project / "results", ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--formats", nargs="+", default=["parquet"], choices=["csv", "parquet"])
    parser.add_argument(
        "--memory-mb",
        type=int,
        help="run with --resources mem_mb=MEMORY_MB: Snakemake runs at once only jobs "
        "whose declared memory fits",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "scale.json"
    results = json.loads(path.read_text("utf-8")) if path.exists() else []
    for fmt in args.formats:
        for n in args.patients:
            result = measure(n, fmt, args.memory_mb)
            key = (n, fmt, args.memory_mb)
            results = [
                r for r in results if (r["patients"], r["format"], r.get("memory_cap_mb")) != key
            ] + [result]
            path.write_text(json.dumps(results, indent=1) + "\n", "utf-8")
            slowest = max(result["jobs"].items(), key=lambda item: item[1]["s"])
            print(
                f"{fmt:8} N={n:>9,} cap {args.memory_mb}: workflow {result['wall_s']:8.1f} s (jobs {result['jobs_s']:.1f} s), "
                f"baseline {result['baseline_s']:.1f} s, x{result['ratio_to_baseline']}, "
                f"peak job {result['peak_rss_mb']:.0f} MB, all jobs together "
                f"{result['workflow_peak_mb']:.0f} MB, slowest job {slowest[0]} {slowest[1]['s']:.1f} s",
                flush=True,
            )


if __name__ == "__main__":
    main()
