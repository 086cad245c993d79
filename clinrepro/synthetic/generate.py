"""Synthetic cohorts of any size, resampled from a seed cohort's published table.

Each synthetic patient is a seed patient drawn at random (so ages, antibodies, molecules
and doses, prior treatments, the pairing of baseline and M3 values and the pattern of
missing values follow the seed cohort), with every number moved by a kernel of
Silverman's bandwidth (on the log scale for a measure with no upper limit, such as a
laboratory value), rounded as the seed prints it and kept within the measure's range. The table is written in the seed
cohort's layout, with a claims ledger and reported summaries; all of it says SYNTHETIC.
"""

from __future__ import annotations

import json
import logging
import re

import numpy as np
import pandas as pd

from clinrepro.reading.extract import expected_headers, extract_cohort, map_headers
from clinrepro.base.files import read_text_table, write_tables
from clinrepro.base.printed import printed_numbers
from clinrepro.base.vocabularies import cohort_terms
from clinrepro.synthetic.generator import claims_ledger, reported_summaries
from clinrepro.base import typed

logger = logging.getLogger(__name__)


def log_scale(measures: dict) -> list[str]:
    """Measures with no upper limit (laboratory values, skewed and positive): smoothed on
    the log scale."""
    return [code for code, measure in measures.items() if measure.get("high") is None]


def bandwidth(values: np.ndarray) -> float:
    """Silverman's rule of thumb for a normal kernel: 1.06 * SD * n^(-1/5)."""
    present = values[~np.isnan(values)]
    if len(present) < 2:
        return 0.0
    return 1.06 * present.std(ddof=1) * len(present) ** -0.2


def decimals(printed: pd.Series) -> int:
    """The most decimal places the seed prints in a column."""
    places = [
        len(number.partition(".")[2])
        for cell in printed
        for number in re.findall(r"-?\d+(?:\.\d+)?", cell)[:1]
    ]
    return max(places, default=0)


def rounded_text(values: np.ndarray, places: int, missing: str) -> np.ndarray:
    """Numbers rounded to `places` decimals and printed as the tables print them."""
    return printed_numbers(pd.Series(np.round(values, places)), missing).to_numpy(dtype=object)


def smoothed(values: np.ndarray, rng, log: bool, low=None, high=None) -> np.ndarray:
    """Resampled values plus kernel noise, within [low, high]."""
    scale = np.log(values) if log else values
    width = bandwidth(scale)
    moved = scale + rng.normal(0.0, width, len(values))
    moved = np.exp(moved) if log else moved
    return np.clip(moved, low, high)


def generate(seed_table: str, seed_settings: dict, n: int, seed: int) -> dict:
    """The synthetic table (canonical columns, printed cells) and its profile."""
    rng = np.random.default_rng(seed)
    printed = map_headers(read_text_table(seed_table), seed_settings, seed_table)
    tables = extract_cohort({"table": seed_table}, seed_settings)
    pick = rng.integers(0, len(printed), n)
    missing = seed_settings["missing_tokens"][0]
    width = len(str(n))
    out = {"subject": np.char.add("R", np.char.zfill(np.arange(1, n + 1).astype(str), width))}
    for column in ("sex", "antibody", "prior_treatment", "regimen"):
        out[column] = printed[column].to_numpy(dtype=object)[pick]
    subjects = tables["subjects"]
    adult = cohort_terms(seed_settings)["adult_age"]
    age = smoothed(subjects["age"].to_numpy(float)[pick], rng, False, *adult)
    places = decimals(printed["age"])
    age = np.round(age, places)
    out["age"] = rounded_text(age, places, missing)
    duration = smoothed(subjects["disease_duration"].to_numpy(float)[pick], rng, False, 0, None)
    places = decimals(printed["disease_duration"])
    out["disease_duration"] = rounded_text(np.minimum(duration, age), places, missing)
    measurements = tables["measurements"]
    numbers = {"age": age}
    for (parameter, visit), rows in measurements.groupby(["parameter", "visit"], sort=False):
        rows = rows.set_index("subject_id").loc[subjects["subject_id"]]
        column = f"{parameter}@{visit}"
        limits = seed_settings["measures"][parameter]
        log = parameter in log_scale(seed_settings["measures"])
        values = smoothed(
            rows["value"].to_numpy(float)[pick], rng, log, limits["low"], limits.get("high")
        )
        places = decimals(printed[column])
        values = np.round(values, places)
        numbers[column] = values
        cell = rounded_text(values, places, missing)
        # a replicate SD keeps its seed patient's ratio to the value
        seed_values = rows["value"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(seed_values > 0, rows["replicate_sd"] / seed_values, np.nan)[pick]
        sd = rounded_text(np.round(values * ratio, places), places, missing)
        with_sd = rows["sd_printed"].to_numpy(bool)[pick] & ~np.isnan(values)
        out[column] = np.where(with_sd, cell + " ± " + sd, cell)
    frame = pd.DataFrame(out)[list(expected_headers(seed_settings).values())]
    vocabularies = seed_settings["vocabularies"]
    regimen = frame["regimen"].str.split(",", n=1, expand=True)
    facts = pd.DataFrame(
        {
            "subject": frame["subject"],
            "sex": frame["sex"].map(vocabularies["sex"]),
            "molecule": regimen[0].str.strip().map(vocabularies["molecule"]),
            "dose": regimen[1].astype(float),
        }
        | numbers
    )
    profile = {
        "seed_table": seed_table,
        "seed_patients": len(printed),
        "patients": n,
        "seed": seed,
        "method": "smoothed bootstrap of whole patients (Silverman's bandwidth)",
        "log_scale": log_scale(seed_settings["measures"]),
        "patients_drawn_per_seed_patient": dict(
            zip(printed["subject"], np.bincount(pick, minlength=len(printed)).tolist())
        ),
    }
    return {"frame": frame, "facts": facts, "profile": profile}


def run(
    seed_table: str, seed_settings: dict, n: int, seed: int, outputs: dict, defaults: dict
) -> None:
    """Generate a cohort of n patients and write its raw files and the generator's profile;
    `defaults` the config's analysis settings, which the ledger's criteria come from."""
    seed_settings = typed.cohort(seed_settings)
    result = generate(seed_table, seed_settings, n, seed)
    facts = result["facts"]
    regimens = sorted(set(zip(facts["molecule"], facts["dose"])))
    headers = {name: printed for printed, name in expected_headers(seed_settings).items()}
    write_tables(
        {
            outputs["table"]: result["frame"].rename(columns=headers),
            outputs["claims"]: claims_ledger(facts, seed_settings, defaults, regimens),
            outputs["reported_summaries"]: reported_summaries(facts, seed_settings, defaults),
        }
    )
    with open(outputs["profile"], "w", encoding="utf-8") as handle:
        json.dump(result["profile"], handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    logger.info("wrote %d SYNTHETIC patients resampled from %s", n, seed_table)
