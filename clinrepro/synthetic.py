"""A seeded generator of synthetic cohorts in a cohort's published layout.

Distributions follow the seed cohort (Landon-Cardinal et al. 2022, Table 1): ages,
antibodies, CDASI, MMT8 and CK at baseline and M3, and its missing-value rates. Every
file it writes says it is synthetic. Usage:

    python -m clinrepro.synthetic config/cohorts/synthetic_tofacitinib.yaml --patients 24 --seed 2026
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

# from Table 1 of the seed cohort: share of each antibody and of women
ANTIBODY_SHARES = {"TIF1G": 5, "SAE": 2, "MDA5": 3, "NXP2": 2, "SERONEG": 4}
FEMALE_SHARE = 15 / 16
REGIMENS = (("tofacitinib", 10.0), ("tofacitinib", 20.0), ("baricitinib", 4.0))
CLAIM_COLUMNS = [
    "claim_id", "source", "location", "quote", "description", "reported", "comparator", "value",
    "precision", "unit", "population", "analysis", "parameter", "visit", "category", "statistic",
    "not_computable_reason",
]  # fmt: skip


def _integers(values: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.clip(np.rint(values), low, high)


def simulate(n: int, seed: int) -> pd.DataFrame:
    """One row per synthetic patient, in codes and numbers (NaN where missing)."""
    rng = np.random.default_rng(seed)
    codes = [code for code in ANTIBODY_SHARES]
    shares = np.array(list(ANTIBODY_SHARES.values()), dtype=float)
    cdasi_m0 = _integers(rng.normal(27, 13, n), 0, 100)
    mmt8_m0 = _integers(150 - np.abs(rng.normal(0, 30, n)), 40, 150)
    ck_m0 = np.rint(np.exp(rng.normal(np.log(110), 0.9, n)))
    frame = pd.DataFrame(
        {
            "subject": [f"S{i:03d}" for i in range(1, n + 1)],
            "age": _integers(rng.normal(55, 17, n), 18, 90),
            "sex": np.where(rng.random(n) < FEMALE_SHARE, "F", "M"),
            "disease_duration": np.round(np.exp(rng.normal(np.log(4), 1.1, n)), 1),
            "antibody": rng.choice(codes, size=n, p=shares / shares.sum()),
            "regimen": rng.integers(0, len(REGIMENS), n),
            "CDASI@M0": cdasi_m0,
            "CDASI@M3": _integers(cdasi_m0 - rng.normal(12, 7, n), 0, 100),
            "MMT8@M0": mmt8_m0,
            "MMT8@M3": _integers(mmt8_m0 + rng.normal(4, 8, n), 0, 150),
            "CK@M0": ck_m0,
            "CK@M3": np.rint(ck_m0 * np.exp(rng.normal(-0.1, 0.5, n))),
        }
    )
    frame["disease_duration"] = np.minimum(frame["disease_duration"], frame["age"] - 1).clip(
        lower=0.1
    )
    treatments = ["prednisone", "HCQ", "MTX", "AZA", "IVIG", "MMF", "RTX"]
    frame["prior"] = [
        (
            []
            if rng.random() < 0.08
            else sorted(
                rng.choice(treatments, size=rng.integers(1, 6), replace=False).tolist(),
                key=treatments.index,
            )
        )
        for _ in range(n)
    ]
    # missing values as in the seed cohort: M3 drop-outs, unmeasured CK, a missing MMT8
    for column, rate in (
        ("CDASI@M3", 0.08),
        ("MMT8@M3", 0.12),
        ("CK@M0", 0.12),
        ("CK@M3", 0.2),
        ("MMT8@M0", 0.06),
    ):
        frame.loc[rng.random(n) < rate, column] = np.nan
    frame["molecule"] = [REGIMENS[i][0] for i in frame["regimen"]]
    frame["dose"] = [REGIMENS[i][1] for i in frame["regimen"]]
    return frame


def printed(value: float, missing: str) -> str:
    if pd.isna(value):
        return missing
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def printed_table(frame: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """The simulated patients as the cohort's table prints them."""
    label = {
        kind: {code: text for text, code in words.items()}
        for kind, words in settings["vocabularies"].items()
    }
    columns, missing = settings["columns"], settings["missing_tokens"][0]
    table = pd.DataFrame(
        {
            columns["subject"]: frame["subject"],
            columns["age"]: [printed(v, missing) for v in frame["age"]],
            columns["sex"]: frame["sex"].map(label["sex"]),
            columns["disease_duration"]: [printed(v, missing) for v in frame["disease_duration"]],
            columns["antibody"]: frame["antibody"].map(
                lambda code: label["antibody"].get(code, label["antibody"]["SERONEG"])
            ),
            columns["prior_treatment"]: [
                ", ".join(p) if p else settings["no_treatment_token"] for p in frame["prior"]
            ],
            columns["regimen"]: [
                f"{label['molecule'][REGIMENS[i][0]]}, {printed(REGIMENS[i][1], missing)}"
                for i in frame["regimen"]
            ],
        }
    )
    for text, parameter in settings["measurements"].items():
        for visit_label, visit in settings["visits"].items():
            table[f"{text} {visit_label}"] = [
                printed(v, missing) for v in frame[f"{parameter}@{visit}"]
            ]
    return table


def claim(
    claim_id,
    description,
    reported,
    value,
    precision,
    unit,
    population="",
    analysis="",
    parameter="",
    visit="",
    category="",
    statistic="",
    reason="",
    comparator="=",
):
    return dict(zip(CLAIM_COLUMNS, [
        claim_id, "synthetic", "generated with the data", "SYNTHETIC: generated together with the data", f"SYNTHETIC: {description}",
        reported, comparator, value, precision, unit, population, analysis, parameter, visit, category, statistic, reason,
    ]))  # fmt: skip


def claims_ledger(frame: pd.DataFrame, regimens=REGIMENS) -> pd.DataFrame:
    """Claims the generator knows to be true of its data, one planted mismatch, one not computable.

    `frame` has one row per patient: sex (code), age, molecule, dose, CDASI@M0, CDASI@M3.
    """
    n = len(frame)
    active = frame[frame["CDASI@M0"] >= 10]
    paired = active.dropna(subset=["CDASI@M3"])
    responders = int(((paired["CDASI@M0"] - paired["CDASI@M3"]) >= 5).sum())
    pct = 100 * responders / len(paired)
    rows = [
        claim(
            "n_patients",
            "patients treated",
            str(n),
            n,
            0,
            "count",
            "cohort",
            "categorical",
            "SAFFL",
            "M0",
            "Y",
            "n",
        ),
        claim(
            "n_female",
            "women",
            str((frame["sex"] == "F").sum()),
            (frame["sex"] == "F").sum(),
            0,
            "count",
            "cohort",
            "categorical",
            "SEX",
            "M0",
            "F",
            "n",
        ),
        claim(
            "age_max",
            "oldest patient, years",
            printed(frame["age"].max(), "NA"),
            frame["age"].max(),
            0,
            "years",
            "cohort",
            "summary",
            "AGE",
            "M0",
            "",
            "max",
        ),
    ]
    for molecule, dose in regimens:
        count = int(((frame["molecule"] == molecule) & (frame["dose"] == dose)).sum())
        rows.append(
            claim(
                f"n_{molecule}_{dose:g}mg",
                f"patients on {molecule} {dose:g} mg/day",
                str(count),
                count,
                0,
                "count",
                "cohort",
                "categorical",
                "TRT01A",
                "M0",
                f"{molecule} {dose:g} mg/day",
                "n",
            )
        )
    rows += [
        claim(
            "cdasi_m0_mean",
            "mean CDASI at baseline, active cutaneous disease",
            f"{active['CDASI@M0'].mean():.1f}",
            round(active["CDASI@M0"].mean(), 1),
            1,
            "points",
            "cutaneous",
            "summary",
            "CDASI",
            "M0",
            "",
            "mean",
        ),
        claim(
            "cutaneous_response_m3_pct",
            "CDASI decrease >= 5 at Week 12",
            f"{pct:.0f}%",
            round(pct),
            0,
            "%",
            "cutaneous",
            "response",
            "CDASI",
            "M3",
            "",
            "pct",
        ),
        claim(
            "cdasi_m0_m3_p",
            "CDASI decreased from Week 0 to Week 12",
            "p < 0.05",
            0.05,
            2,
            "p",
            "cutaneous",
            "paired_test",
            "CDASI",
            "M3",
            "",
            "p_value",
            comparator="<",
        ),
        claim(
            "cdasi_m3_mean_planted_mismatch",
            "mean CDASI at Week 12, PLANTED 3 points too high to exercise a mismatch",
            f"{paired['CDASI@M3'].mean() + 3:.1f}",
            round(paired["CDASI@M3"].mean() + 3, 1),
            1,
            "points",
            "cutaneous",
            "summary",
            "CDASI",
            "M3",
            "",
            "mean",
        ),
        claim(
            "followup_years_mean",
            "mean follow-up",
            "1.5",
            1.5,
            1,
            "years",
            reason="the synthetic table has no follow-up durations",
        ),
    ]
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def reported_summaries(frame: pd.DataFrame) -> pd.DataFrame:
    """A 'reported' CDASI at M6 without per-patient data, as the seed paper has."""
    m3 = frame["CDASI@M3"].dropna()
    rows = [
        {
            "parameter": "CDASI",
            "visit": "M6",
            "population": "SYNTHETIC",
            "statistic": name,
            "value": round(value, 1),
            "source": "SYNTHETIC",
        }
        for name, value in (("mean", m3.mean() * 0.7), ("sd", m3.std() * 0.8))
    ]
    return pd.DataFrame(rows)


def write_cohort(settings: dict, n: int, seed: int) -> None:
    """Write the synthetic table, its claims ledger and its reported summaries."""
    frame = simulate(n, seed)
    raw = settings["raw"]
    for path, table in (
        (raw["table"], printed_table(frame, settings)),
        (raw["claims"], claims_ledger(frame)),
        (raw["reported_summaries"], reported_summaries(frame)),
    ):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description="Write a seeded synthetic cohort in a cohort's layout."
    )
    parser.add_argument(
        "settings",
        help="the cohort's settings file, e.g. config/cohorts/synthetic_tofacitinib.yaml",
    )
    parser.add_argument("--patients", type=int, default=24)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    settings = yaml.safe_load(Path(args.settings).read_text("utf-8"))
    if not settings.get("synthetic"):
        parser.error(f"{args.settings} is not marked synthetic: refusing to overwrite real data")
    write_cohort(settings, args.patients, args.seed)


if __name__ == "__main__":
    main()
