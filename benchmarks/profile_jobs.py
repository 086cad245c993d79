"""Where the seconds of a cold default run go, job by job, beside the one-process pipeline's
own profile (issue 27: measure first).

In a fresh temporary copy of the project: one cold default run (`snakemake`, both cores),
its wall time and Snakemake's benchmark file of every job; for each rule's script, the
seconds a fresh interpreter takes to import what the script imports (median of --repeats);
and one run of benchmarks/plain_pipeline.py with --timings (the seconds of each stage
function in one process). For each rule: its jobs, their summed wall time, the imports they
pay, the work (the same stage functions in the plain process) and the rest (Snakemake
starting the job's script, reading and writing what the stage function does not, the
benchmark's own sampling). Prints a Markdown table; writes benchmarks/out/profile_jobs.json.

Usage: .venv/bin/python benchmarks/profile_jobs.py [--repeats 3]
"""

import ast
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from workflow import copy_project  # noqa: E402

from bench_workflow import run_benchmark  # noqa: E402

# the stage functions of the plain process each rule's script calls
STAGES = {
    "extract": ("extract",),
    "validate": ("validate",),
    "table1": ("table1",),
    "analyse": ("endpoints", "statistics", "audit"),
    "report": ("figures", "power", "tables", "report", "manifest"),
    "sensitivity": ("sensitivity",),
}


def script_imports(script: Path) -> str:
    """The script's own import statements, as code."""
    tree = ast.parse(script.read_text("utf-8"))
    kinds = (ast.Import, ast.ImportFrom)
    return "\n".join(ast.unparse(node) for node in tree.body if isinstance(node, kinds))


def import_seconds(script: Path, repeats: int) -> float:
    """A fresh interpreter importing what the script imports, less a bare interpreter."""
    statement = script_imports(script)

    def once(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
        return time.perf_counter() - start

    bare = statistics.median(once("pass") for _ in range(repeats))
    return statistics.median(once(statement) for _ in range(repeats)) - bare


def job_seconds(project: Path) -> dict[str, list[float]]:
    """Each rule's jobs' wall seconds, from Snakemake's benchmark files."""
    seconds = defaultdict(list)
    for path in sorted((project / "logs").rglob("benchmark/*.tsv")):
        with open(path, encoding="utf-8") as handle:
            row = next(csv.DictReader(handle, delimiter="\t"))
        seconds[path.stem].append(float(row["s"]))
    return seconds


def measure(repeats: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "project")
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "snakemake"], cwd=project, check=True, capture_output=True
        )
        wall = time.perf_counter() - start
        jobs = job_seconds(project)
        timings = Path(tmp) / "plain.json"
        plain = [sys.executable, str(ROOT / "benchmarks/plain_pipeline.py")]
        subprocess.run([*plain, "out", "--timings", str(timings)], cwd=project, check=True)
        stages = json.loads(timings.read_text("utf-8"))
    rules = {}
    for rule, names in STAGES.items():
        imports = import_seconds(ROOT / "scripts" / f"{rule}.py", repeats)
        count = len(jobs[rule])
        total = sum(jobs[rule])
        work = sum(stages[name] for name in names)
        rules[rule] = {
            "jobs": count,
            "seconds": total,
            "imports": imports * count,
            "work": work,
            "rest": total - imports * count - work,
        }
    return {"wall": wall, "rules": rules, "plain": stages, "cores": os.cpu_count()}


def table(result: dict) -> str:
    lines = [
        "| rule | jobs | job seconds | imports | work (plain process) | rest |",
        "|---|---|---|---|---|---|",
    ]
    totals = defaultdict(float)
    for rule, row in result["rules"].items():
        lines.append(
            f"| {rule} | {row['jobs']} | {row['seconds']:.1f} | {row['imports']:.1f} | "
            f"{row['work']:.1f} | {row['rest']:.1f} |"
        )
        for key in ("jobs", "seconds", "imports", "work", "rest"):
            totals[key] += row[key]
    lines.append(
        f"| **all** | {totals['jobs']:.0f} | {totals['seconds']:.1f} | {totals['imports']:.1f} "
        f"| {totals['work']:.1f} | {totals['rest']:.1f} |"
    )
    plain = result["plain"]
    lines += [
        "",
        f"Cold default run: {result['wall']:.1f} s on two cores. The plain process: "
        f"{plain['total']:.1f} s on one, of which imports {plain['imports']:.1f} s; "
        + ", ".join(
            f"{name} {seconds:.1f}"
            for name, seconds in plain.items()
            if name not in ("imports", "total", "other")
        )
        + ".",
    ]
    return "\n".join(lines)


def main() -> None:
    run_benchmark(__doc__, measure, table, "profile_jobs")


if __name__ == "__main__":
    main()
