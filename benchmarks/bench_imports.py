"""What each rule's script pays to start: a fresh interpreter running the script's imports
(`python -c`), wall time, median of --repeats, against a budget per stage; and, by
`python -X importtime`, the heavy libraries among them (tests/test_imports.py checks these
are only the ones the stages call).

Usage: .venv/bin/python benchmarks/bench_imports.py [--repeats 3]
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from test_imports import ALLOWED, heavy_among, imported_modules, script_imports  # noqa: E402

# seconds a script's imports may take on the 2-core development machine: python and pandas
# (about 0.5 s) plus what the stage calls
BUDGETS = {
    "extract": 1.2,  # pandera
    "validate": 1.2,  # pandera
    "table1": 0.8,  # jinja2
    "analyse": 1.5,  # scipy.stats
    "figures": 1.3,  # matplotlib
    "power": 1.0,  # matplotlib, scipy.special
    "report": 0.8,  # jinja2
    "sensitivity": 1.3,  # matplotlib, jinja2
    "synthesize": 1.2,  # pandera
}


def seconds(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    seconds("import clinrepro")  # compiled files written before the first timing
    rows = {}
    for script in sorted(ALLOWED):
        code = script_imports(script)
        timings = [seconds(code) for _ in range(repeats)]
        (modules,) = imported_modules(code)
        rows[script] = {
            "seconds": statistics.median(timings),
            "budget": BUDGETS[script],
            "heavy": sorted(heavy_among(modules)),
        }
    print(f"median of {repeats} runs\n")
    print("| script | imports (s) | budget (s) | heavy libraries imported |")
    print("|---|---|---|---|")
    for script, row in rows.items():
        mark = "" if row["seconds"] <= row["budget"] else " (over)"
        heavy = ", ".join(row["heavy"]) or "none"
        print(f"| {script} | {row['seconds']:.2f}{mark} | {row['budget']:.1f} | {heavy} |")
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_imports.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
