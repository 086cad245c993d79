"""Time the workflow against its targets, each in a fresh temporary copy of the project:

- cold report of one variant (`snakemake <its report.html>`) against one plain Python
  process doing the same work (benchmarks/plain_pipeline.py --variant), at most 2.0x;
- cold default run (every variant and the side-by-side page), under 15 s;
- the edit loop: one variant's response threshold changed, rerun to its new report, under 5 s;
- the no-op rerun against `snakemake --version`, at most 1.5x.

Medians of --repeats runs. --project times another checkout of the workflow (e.g. an older
commit, for the figures before a change); the plain process is always this checkout's.
Prints a Markdown table; writes benchmarks/out/bench_workflow.json.

Usage: .venv/bin/python benchmarks/bench_workflow.py [--repeats 3] [--project DIR]
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

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from workflow import copy_project  # noqa: E402  (the tests' copy of the project)

VARIANT = "paper"
# the variant whose threshold the edit loop changes, and the change
EDITED = ("mcid4", "response: {cutaneous: {threshold: 4}}", "response: {cutaneous: {threshold: 3}}")
TARGETS = {"paper": 2.0, "default": 15.0, "edit": 5.0, "noop": 1.5}


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        command,
        cwd=cwd,
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(cwd)},
    )
    return time.perf_counter() - start


def snakemake(*args: str) -> list[str]:
    return [sys.executable, "-m", "snakemake", *args]


def cohort_of(project: Path) -> str:
    config = yaml.safe_load((project / "config/config.yaml").read_text("utf-8"))
    return config["run"]["cohorts"][0]


def one_round(project: Path, tmp: Path) -> dict[str, float]:
    plain = [sys.executable, str(ROOT / "benchmarks/plain_pipeline.py")]
    cohort = cohort_of(project)
    times = {}
    here = copy_project(tmp / "plain")
    times["plain_paper"] = timed([*plain, "out-paper", "--variant", VARIANT], here)
    times["plain_default"] = timed([*plain, "out-all"], here)
    paper = copy_project(tmp / "paper", project)
    times["paper"] = timed(snakemake(f"results/{cohort}/{VARIANT}/report.html"), paper)
    default = copy_project(tmp / "default", project)
    times["default"] = timed(snakemake(), default)
    times["noop"] = timed(snakemake(), default)
    times["version"] = timed(snakemake("--version"), default)
    config = default / "config/config.yaml"
    variant, before, after = EDITED
    text = config.read_text("utf-8")
    assert before in text, f"{config} no longer has {before!r}"
    config.write_text(text.replace(before, after), "utf-8")
    times["edit"] = timed(snakemake(f"results/{cohort}/{variant}/report.html"), default)
    return times


def measure(project: Path, repeats: int) -> dict:
    rounds = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            rounds.append(one_round(project, Path(tmp)))
    seconds = {name: statistics.median(r[name] for r in rounds) for name in rounds[0]}
    return {
        "project": str(project),
        "repeats": repeats,
        "cores": os.cpu_count(),
        "seconds": seconds,
        "ratios": {
            "paper": seconds["paper"] / seconds["plain_paper"],
            "default": seconds["default"] / seconds["plain_default"],
            "noop": seconds["noop"] / seconds["version"],
        },
        "runs": rounds,
    }


def table(result: dict) -> str:
    s, r, t = result["seconds"], result["ratios"], TARGETS
    rows = [
        ("cold report of variant `paper`", s["paper"], f"plain process {s['plain_paper']:.2f} s", f"{r['paper']:.2f}x", f"<= {t['paper']}x"),
        ("cold default run (8 variants, side by side)", s["default"], f"plain process {s['plain_default']:.2f} s", f"{r['default']:.2f}x", f"< {t['default']:.0f} s"),
        ("edit loop: `mcid4` threshold 4 -> 3, its report", s["edit"], "", "", f"< {t['edit']:.0f} s"),
        ("no-op rerun", s["noop"], f"`snakemake --version` {s['version']:.2f} s", f"{r['noop']:.2f}x", f"<= {t['noop']}x"),
    ]  # fmt: skip
    lines = ["| run | seconds | yardstick | ratio | target |", "|---|---|---|---|---|"]
    lines += [
        f"| {name} | {value:.2f} | {yard} | {ratio} | {target} |"
        for name, value, yard, ratio, target in rows
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--project", type=Path, default=ROOT)
    args = parser.parse_args()
    result = measure(args.project.resolve(), args.repeats)
    print(f"median of {result['repeats']} runs, {result['cores']} cores, {result['project']}\n")
    print(table(result))
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    name = "bench_workflow.json" if args.project.resolve() == ROOT else "bench_workflow_other.json"
    (out / name).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
