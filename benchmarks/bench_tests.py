"""Time `make check` (the unit loop, no workflow run; target under 30 s) and `make test` (the
whole suite, as CI runs it; target under 4 minutes) in a fresh clone of the committed
project, with this checkout's venv (its set-up is not timed). Median of --repeats runs each.

Usage: .venv/bin/python benchmarks/bench_tests.py [--repeats 3] [--only check|test]
"""

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"check": 30.0, "test": 240.0}
STAMP = ".venv/.installed-requirements"


def timed_make(clone: Path, target: str) -> float:
    start = time.perf_counter()
    # -o: the venv is this checkout's and up to date; do not reinstall it
    run = subprocess.run(["make", "-o", STAMP, target], cwd=clone, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"make {target} failed:\n{run.stdout[-3000:]}{run.stderr[-3000:]}")
    return seconds


def measure(targets: list[str], repeats: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {target: [] for target in targets}
    for _ in range(repeats):
        for target in targets:
            with tempfile.TemporaryDirectory() as tmp:
                clone = Path(tmp) / "clone"
                subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
                (clone / ".venv").symlink_to(ROOT / ".venv")
                times[target].append(timed_make(clone, target))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", choices=sorted(TARGETS))
    args = parser.parse_args()
    targets = [args.only] if args.only else sorted(TARGETS)
    times = measure(targets, args.repeats)
    print(f"median of {args.repeats} runs\n")
    print("| command | seconds | runs | target |")
    print("|---|---|---|---|")
    for target, values in times.items():
        runs = ", ".join(f"{value:.0f}" for value in values)
        print(
            f"| make {target} | {statistics.median(values):.0f} | {runs} | < {TARGETS[target]:.0f} |"
        )
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_tests.json").write_text(json.dumps(times, indent=2) + "\n")


if __name__ == "__main__":
    main()
