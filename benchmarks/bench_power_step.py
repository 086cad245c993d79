"""Time the power step cold: a fresh Python process running `power.run` on one variant's ADEFF.

What the rule's job does, start-up included (the interpreter, the imports, the tables, the
figure): the pilot's ADEFF of each variant is built once from its published table, then each
variant's step runs in a new process, `--repeats` times; the median is printed, with the CPU
seconds of the child (user + system), which a busy machine inflates less than the wall time.

Usage:
    .venv/bin/python benchmarks/bench_power_step.py [--repeats 3] [--variants paper nonparametric]
    # another version of the module (e.g. a copy of an older clinrepro/power/run.py) with the
    # config it expects:
    .venv/bin/python benchmarks/bench_power_step.py --module /tmp/power.py --config /tmp/config.yaml
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clinrepro.adam.endpoints import build_adeff, build_adsl  # noqa: E402
from clinrepro.reading.extract import extract_cohort  # noqa: E402
from clinrepro.base.settings import cohort_settings, variant_settings  # noqa: E402

COHORT = "landon_cardinal_2022"
CHILD = """
import importlib.util, json, sys
job = json.load(open(sys.argv[1], encoding="utf-8"))
spec = importlib.util.spec_from_file_location("power_under_test", job["module"])
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module  # dataclasses look their module up there
spec.loader.exec_module(module)
module.run(job["adeff"], job["analysis"], job["settings"], job["cohort"], job["outputs"])
"""


def adeff_file(config: dict, variant: str, folder: Path) -> tuple[str, dict, dict]:
    """The variant's ADEFF built from the published table, written as the workflow writes it."""
    cohort = cohort_settings(config, COHORT, ROOT)
    analysis = variant_settings(config, variant, cohort)
    tables = extract_cohort(str(ROOT / cohort["raw"]["table"]), cohort)
    adsl = build_adsl(tables, analysis, cohort["baseline_visit"])
    adeff = build_adeff(tables["measurements"], adsl, analysis, cohort)
    path = folder / f"{variant}_adeff.csv"
    adeff.to_csv(path, index=False, lineterminator="\n")
    return str(path), analysis, cohort


def time_child(job_path: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process running the step."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = os.environ | {"PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    subprocess.run([sys.executable, "-c", CHILD, str(job_path)], check=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", default=str(ROOT / "clinrepro/power/run.py"))
    parser.add_argument("--config", default=str(ROOT / "config/config.yaml"))
    parser.add_argument("--variants", nargs="+", default=["paper", "nonparametric"])
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    config = yaml.safe_load(Path(options.config).read_text("utf-8"))
    settings = config["power"] | {"dpi": config["figures"]["dpi"]}
    print(f"power step, {options.module}, median of {options.repeats} cold runs (seconds)\n")
    print("| variant | wall | CPU (user + system) |")
    print("|---|---|---|")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for variant in options.variants:
            adeff, analysis, cohort = adeff_file(config, variant, folder)
            out = folder / variant
            names = {"csv": "power.csv", "summary": "power_summary.csv",
                     "curve": "power_curve.csv", "png": "power_curve.png",
                     "svg": "power_curve.svg", "caption": "power_curve.json"}  # fmt: skip
            job = {"module": options.module, "adeff": adeff, "analysis": analysis,
                   "settings": settings, "cohort": cohort,
                   "outputs": {key: str(out / name) for key, name in names.items()}}  # fmt: skip
            job_path = folder / f"{variant}.json"
            job_path.write_text(json.dumps(job), "utf-8")
            times = [time_child(job_path) for _ in range(options.repeats)]
            wall = statistics.median(t[0] for t in times)
            cpu = statistics.median(t[1] for t in times)
            print(f"| {variant} | {wall:.2f} | {cpu:.2f} |", flush=True)


if __name__ == "__main__":
    main()
