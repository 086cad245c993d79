"""Time the workflow against one plain Python process doing the same work
(benchmarks/plain_pipeline.py: the same stage functions in order, every output written, one
core), each in a fresh temporary copy of the project. Targets (issue 27):

- cold default run (every variant and the side-by-side page): at most 0.6x the plain process;
- the edit loop (one variant's response threshold changed, rerun to its new report): at most
  0.8x the plain process's run of that variant with the same change; timed as a user
  rerunning within minutes of the run before meets it (its resident process, which holds
  the libraries imported, still there: clinrepro/base/resident.py), then, for the record,
  with the change undone after that process ended (the first run of a session);
- the no-op rerun: at most 1.5x `snakemake --version`;
- and, for the record, the cold report of one variant against the plain process's.

The plain process writes its files under `results/` of its copy, and each round checks that
they are the workflow's files, byte for byte (the problem lists, which are the jobs' logs,
aside): the yardstick does the same work, or the benchmark stops.

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
from workflow import copy_project, tree  # noqa: E402  (the tests' copy of the project)

VARIANT = "paper"
# the variant whose threshold the edit loop changes, and the change
EDITED = ("mcid4", "response: {cutaneous: {threshold: 4}}", "response: {cutaneous: {threshold: 3}}")
TARGETS = {"paper": 2.0, "default": 0.6, "edit": 0.8, "noop": 1.5}
# files of the workflow that are its jobs' logs, not outputs the plain process writes
LOGS = ("extract_problems.csv", "validate_problems.csv")


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
    times["plain_default"] = timed([*plain, "results"], here)
    paper = copy_project(tmp / "paper", project)
    times["paper"] = timed(snakemake(f"results/{cohort}/{VARIANT}/report.html"), paper)
    default = copy_project(tmp / "default", project)
    times["default"] = timed(snakemake(), default)
    if project == ROOT:
        same_work(here / "results", default / "results")
    times["noop"] = timed(snakemake(), default)
    times["version"] = timed(snakemake("--version"), default)
    variant = EDITED[0]
    for folder in (default, here):
        edit(folder)
    times["edit"] = timed(snakemake(f"results/{cohort}/{variant}/report.html"), default)
    times["plain_edit"] = timed([*plain, "out-edit", "--variant", variant], here)
    end_residents(default)
    for folder in (default, here):
        edit(folder, undo=True)
    times["edit_fresh"] = timed(snakemake(f"results/{cohort}/{variant}/report.html"), default)
    times["plain_edit_fresh"] = timed([*plain, "out-fresh", "--variant", variant], here)
    end_residents(tmp)
    return times


def end_residents(folder: Path) -> None:
    """End the resident processes of the workflow's runs in `folder` (each would wait for a
    next job for minutes)."""
    import psutil

    for process in psutil.process_iter(["cmdline", "cwd"]):
        cmdline, cwd = process.info["cmdline"] or [], process.info["cwd"] or "/"
        if "clinrepro.base.resident" in cmdline and Path(cwd).is_relative_to(folder):
            process.terminate()
            process.wait(10)


def edit(project: Path, undo: bool = False) -> None:
    """The edit loop's change (or its undoing), made in the project's config."""
    _, before, after = EDITED
    if undo:
        before, after = after, before
    config = project / "config/config.yaml"
    text = config.read_text("utf-8")
    assert before in text, f"{config} no longer has {before!r}"
    config.write_text(text.replace(before, after), "utf-8")


def same_work(plain: Path, workflow: Path) -> None:
    """The plain process wrote the workflow's files, the same bytes (the logs aside)."""
    written, built = tree(plain), tree(workflow)
    built = {path: data for path, data in built.items() if Path(path).name not in LOGS}
    differ = sorted(path for path in built if written.get(path) != built[path])
    extra = sorted(set(written) - set(built))
    if differ or extra:
        raise SystemExit(
            f"the plain process is not the workflow's work: {len(differ)} files missing or "
            f"different ({', '.join(differ[:5])}), {len(extra)} files the workflow lacks "
            f"({', '.join(extra[:5])})"
        )


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
            "edit": seconds["edit"] / seconds["plain_edit"],
            "edit_fresh": seconds["edit_fresh"] / seconds["plain_edit_fresh"],
            "noop": seconds["noop"] / seconds["version"],
        },
        "runs": rounds,
    }


def table(result: dict) -> str:
    s, r, t = result["seconds"], result["ratios"], TARGETS
    rows = [
        ("cold report of variant `paper`", s["paper"], f"plain process {s['plain_paper']:.2f} s", f"{r['paper']:.2f}x", f"<= {t['paper']}x"),
        ("cold default run (8 variants, side by side)", s["default"], f"plain process {s['plain_default']:.2f} s", f"{r['default']:.2f}x", f"<= {t['default']}x"),
        ("edit loop: `mcid4` threshold 4 -> 3, its report, within minutes of the run before", s["edit"], f"plain process, that variant, {s['plain_edit']:.2f} s", f"{r['edit']:.2f}x", f"<= {t['edit']}x"),
        ("edit loop, the first run of a session: 3 -> 4", s["edit_fresh"], f"plain process, that variant, {s['plain_edit_fresh']:.2f} s", f"{r['edit_fresh']:.2f}x", "(for the record)"),
        ("no-op rerun", s["noop"], f"`snakemake --version` {s['version']:.2f} s", f"{r['noop']:.2f}x", f"<= {t['noop']}x"),
    ]  # fmt: skip
    lines = ["| run | seconds | yardstick | ratio | target |", "|---|---|---|---|---|"]
    lines += [
        f"| {name} | {value:.2f} | {yard} | {ratio} | {target} |"
        for name, value, yard, ratio, target in rows
    ]
    return "\n".join(lines)


def run_benchmark(doc: str, measure, table, name: str) -> None:
    """A benchmark's command: `--repeats N` rounds measured, the table printed, the result
    written as benchmarks/out/NAME.json."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    result = measure(parser.parse_args().repeats)
    print(table(result))
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n", "utf-8")


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
