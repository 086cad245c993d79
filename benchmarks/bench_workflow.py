"""Time the cold workflow against one plain Python process, and the no-op rerun against
`snakemake --version`, in one run on this machine. Prints a Markdown table for the README.

Usage: .venv/bin/python benchmarks/bench_workflow.py [--repeats N]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from workflow import (
    copy_project,
)  # noqa: E402  (the tests' helper: a temporary copy of the project)

TARGETS = {"cold": 2.0, "noop": 2.5}


def timed(command, cwd) -> float:
    start = time.perf_counter()
    subprocess.run(
        command,
        cwd=cwd,
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(cwd)},
    )
    return time.perf_counter() - start


def measure(repeats: int) -> dict:
    python = sys.executable
    times = {"cold": [], "plain": [], "noop": [], "version": []}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            project = copy_project(Path(tmp) / "project")
            times["plain"].append(
                timed([python, str(ROOT / "benchmarks/plain_pipeline.py"), "plain-out"], project)
            )
            times["cold"].append(timed([python, "-m", "snakemake"], project))
            times["noop"].append(timed([python, "-m", "snakemake"], project))
            times["version"].append(timed([python, "-m", "snakemake", "--version"], project))
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "seconds": medians,
        "ratios": {
            "cold": medians["cold"] / medians["plain"],
            "noop": medians["noop"] / medians["version"],
        },
        "repeats": repeats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    result = measure(parser.parse_args().repeats)
    s, r = result["seconds"], result["ratios"]
    print(f"median of {result['repeats']} runs, {os.cpu_count()} cores\n")
    print("| comparison | workflow (s) | yardstick (s) | ratio | target |")
    print("|---|---|---|---|---|")
    print(
        f"| cold run vs plain Python process | {s['cold']:.2f} | {s['plain']:.2f} | {r['cold']:.2f}x | <= {TARGETS['cold']}x |"
    )
    print(
        f"| no-op rerun vs `snakemake --version` | {s['noop']:.2f} | {s['version']:.2f} | {r['noop']:.2f}x | <= {TARGETS['noop']}x |"
    )
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_workflow.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
