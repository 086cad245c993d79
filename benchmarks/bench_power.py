"""Time 100,000 simulated trials per endpoint (n = 62), for both designs and both tests.

Usage: .venv/bin/python benchmarks/bench_power.py  (after `make run`: it reads the pilot's ADEFF)
"""

import time

import yaml

from clinrepro.files import read_table
from clinrepro.power import DESIGNS, endpoints_of, simulated_power
from clinrepro.settings import cohort_settings

SIMULATIONS, N = 100_000, 62


def main() -> None:
    with open("config/config.yaml", encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    adeff = read_table(
        "results/landon_cardinal_2022/paper/adeff.csv", text_columns=("SUBJID", "CRIT1FL")
    )
    print(f"{SIMULATIONS:,} simulated trials of n = {N} (per arm), seconds\n")
    print("| endpoint | test | single-arm paired | two-arm parallel |")
    print("|---|---|---|---|")
    for test in ("paired_t", "wilcoxon_signed_rank"):
        analysis = config["analysis"] | {"tests": {"default": test}}
        cohort = cohort_settings(config, "landon_cardinal_2022")
        for endpoint in endpoints_of(adeff, analysis, config["power"]["placebo"], cohort):
            if endpoint["kind"] == "response" and test != "paired_t":
                continue
            seconds = []
            for design in DESIGNS:
                start = time.perf_counter()
                simulated_power(endpoint, design, N, 0.05, SIMULATIONS, seed=1)
                seconds.append(time.perf_counter() - start)
            print(
                f"| {endpoint['name']} | {endpoint['test']} | {seconds[0]:.2f} | {seconds[1]:.2f} |"
            )


if __name__ == "__main__":
    main()
