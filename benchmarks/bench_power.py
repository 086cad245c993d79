"""Time the power simulation alone: a whole curve, n = 2..62 (per arm), of 10,000 trials per
change of the pilot, drawn with its own shape, for each test; one pass of common random
numbers per curve.

Usage: .venv/bin/python benchmarks/bench_power.py  (builds the pilot's ADEFF from Table 1)
"""

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clinrepro.power import estimates as power  # noqa: E402
from clinrepro.power import simulation as power_simulation  # noqa: E402
from clinrepro.adam.endpoints import build_adeff, build_adsl, read_adeff  # noqa: E402
from clinrepro.reading.extract import extract_cohort  # noqa: E402
from clinrepro.base.settings import cohort_settings, variant_settings  # noqa: E402

TRIALS, N, ALPHA = 10_000, 62, 0.05


def main() -> None:
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))
    cohort = cohort_settings(config, "landon_cardinal_2022", ROOT)
    analysis = variant_settings(config, "paper", cohort)
    tables = extract_cohort(str(ROOT / cohort["raw"]["table"]), cohort)
    adsl = build_adsl(tables, analysis, cohort["baseline_visit"])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "adeff.csv"
        build_adeff(tables["measurements"], adsl, analysis, cohort).to_csv(path, index=False)
        found = power.endpoints_of(
            read_adeff(str(path), columns=power.ADEFF_COLUMNS), analysis, cohort
        )
    print(f"a power curve n = 2..{N} of {TRIALS:,} simulated trials (per arm), seconds\n")
    print("| change | draws | paired t | Wilcoxon signed-rank | two-arm t |")
    print("|---|---|---|---|---|")
    for change in (e for e in found if isinstance(e, power.Change)):
        shape = power_simulation.standardized(change.improvement)
        rng = np.random.default_rng(1)
        start = time.perf_counter()
        first = 0.5 + power_simulation.draws(shape, N, TRIALS, rng)
        second = power_simulation.draws(shape, N, TRIALS, rng)
        seconds = [time.perf_counter() - start]
        for run in (
            lambda: power_simulation.paired_curve(first, "paired_t", ALPHA),
            lambda: power_simulation.paired_curve(first, "wilcoxon_signed_rank", ALPHA),
            lambda: power_simulation.parallel_t_curve(first, second, ALPHA),
        ):
            start = time.perf_counter()
            run()
            seconds.append(time.perf_counter() - start)
        print(f"| {change.name} | " + " | ".join(f"{s:.3f}" for s in seconds) + " |")


if __name__ == "__main__":
    main()
