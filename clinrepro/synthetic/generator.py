"""A seeded generator of SYNTHETIC cohorts, in the layout a cohort's settings describe.

It reads a cohort's settings (config/cohorts/<name>.yaml, the cohort format of
config/schema/cohort.schema.yaml) and simulates patients for the measures and visits
declared there: a baseline drawn to fit each measure's range, then a move towards the
measure's improvement at every later visit, and some missing values. It writes the files
the settings name under `raw:`: the wide table (layout wide), or a registry's patients
file and long measurements file (layout registry), plus the claims ledger and reported
summaries when named. Every file it writes says it is synthetic. Usage:

    python -m clinrepro.synthetic config/cohorts/<name>.yaml --patients 24 --seed 2026
"""

from __future__ import annotations

import argparse
import csv
import operator
import re
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import yaml

from clinrepro.base.settings import disease_defaults, merged
from clinrepro.base.study import domains, list_separator, no_treatment_words, primary_role
from clinrepro.synthetic.paper import paper_text

# share of each antibody among patients (Table 1 of Landon-Cardinal et al. 2022); an
# antibody a cohort names that is not listed here gets a share of 1
ANTIBODY_SHARES = {"TIF1G": 5, "SAE": 2, "MDA5": 3, "NXP2": 2, "SERONEG": 4}
FEMALE_SHARE = 15 / 16
# plausible daily doses (mg) of each JAK inhibitor a cohort may name
DOSES = {
    "tofacitinib": (10.0, 20.0),
    "baricitinib": (2.0, 4.0),
    "upadacitinib": (15.0, 30.0),
    "ruxolitinib": (20.0, 30.0),
}
NO_PRIOR_TREATMENT_SHARE = 0.08
MOST_PRIOR_TREATMENTS = 5
# every visit after the baseline loses this many more values (drop-outs accumulate)
LATER_MISSING = 0.07
# a registry leaves out some missing values and exports the others as a token
ABSENT_SHARE = 0.5
# the command line's config file, whose analysis defaults the ledger's criteria come from
# (a cohort's `analysis:` overrides them); the workflow gives its own (rules/synthesize.smk)
CONFIG = Path(__file__).resolve().parents[2] / "config" / "config.yaml"
COMPARATORS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
PLANTED_OFFSET = 3
CLAIM_COLUMNS = [
    "claim_id", "source", "location", "quote", "description", "reported", "comparator", "value",
    "precision", "unit", "population", "analysis", "parameter", "visit", "category", "statistic",
    "not_computable_reason",
]  # fmt: skip
# the columns that say where a claim's number comes from, in this order
WHERE = ("population", "analysis", "parameter", "visit", "category", "statistic")


class Shape(NamedTuple):
    """How a measure is drawn: its baseline, its move per later visit and its missing rate."""

    kind: str  # normal; ceiling (just short of the best value); lognormal (skewed, positive)
    centre: float  # normal: mean; ceiling: the best value; lognormal: median
    spread: float  # SD (lognormal: of the log)
    step: float  # mean move towards improvement at the first later visit (lognormal: log)
    step_sd: float
    missing: float  # share missing at baseline


# instruments whose course in dermatomyositis is known (the seed cohort's Table 1): CDASI
# ~27 (SD 13) falling ~12 by the first follow-up, MMT8 near its ceiling, CK log-normal
# (a log step larger than half the log variance, so that its mean falls too)
KNOWN_SHAPES = {
    "CDASI": Shape("normal", 27, 13, 12, 7, 0.0),
    "MMT8": Shape("ceiling", 150, 30, 4, 8, 0.06),
    "CK": Shape("lognormal", 110, 0.9, 0.3, 0.5, 0.12),
}


def generic_shape(measure: dict) -> Shape:
    """The shape the measure's settings declare (synthetic_shape: a normal baseline), else
    one from the declared range alone: normal within [low, high], else log-normal."""
    if "synthetic_shape" in measure:
        return Shape("normal", **measure["synthetic_shape"])
    low, high = measure.get("low", 0), measure.get("high")
    if high is None:
        return Shape("lognormal", max(low, 0) + 100, 0.8, 0.2, 0.4, 0.05)
    width = high - low
    best = high if measure["improvement"] == "increase" else low
    # patients start 30% of the range away from the best value
    centre = best - direction(measure) * 0.3 * width
    return Shape("normal", centre, 0.15 * width, 0.1 * width, 0.08 * width, missing=0.05)


def direction(measure: dict) -> float:
    """+1 when a higher value is better, -1 when a lower one is."""
    return 1.0 if measure["improvement"] == "increase" else -1.0


def key(code: str, visit: str) -> str:
    """The simulated frame's column of one measure at one visit."""
    return f"{code}@{visit}"


def measured_visits(settings: dict) -> list[dict]:
    """The visits with per-patient data, in time order (not those only summaries report)."""
    return [visit for visit in settings["visits"] if not visit.get("reported_only")]


def visit_codes(settings: dict) -> list[str]:
    """The codes of the visits with per-patient data, in time order."""
    return [visit["code"] for visit in measured_visits(settings)]


def codes(words: dict) -> list[str]:
    """A vocabulary's codes, once each, in declaration order."""
    return list(dict.fromkeys(words.values()))


def labels(settings: dict) -> dict:
    """Vocabulary -> code -> the first printed label the cohort declares for it."""
    out = {}
    for kind, words in settings["vocabularies"].items():
        out[kind] = {}
        for text, code in words.items():
            out[kind].setdefault(code, text)
    return out


def regimens(settings: dict) -> list[tuple[str, float]]:
    """Every (molecule, daily dose) the cohort's molecules come in."""
    molecules = codes(settings["vocabularies"]["molecule"])
    unknown = [molecule for molecule in molecules if molecule not in DOSES]
    if unknown:
        raise ValueError(f"no plausible doses known for {unknown}; add them to DOSES")
    return [(molecule, dose) for molecule in molecules for dose in DOSES[molecule]]


def _integers(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Whole numbers within [low, high]."""
    return np.clip(np.rint(values), low, high)


def prior_treatments(options: list[str], n: int, rng) -> list[list[str]]:
    """Each patient's previous treatments, in the vocabulary's order (none for a few)."""
    most = min(MOST_PRIOR_TREATMENTS, len(options))
    return [
        (
            []
            if rng.random() < NO_PRIOR_TREATMENT_SHARE
            else sorted(
                rng.choice(options, size=rng.integers(1, most + 1), replace=False).tolist(),
                key=options.index,
            )
        )
        for _ in range(n)
    ]


def simulate_patients(settings: dict, n: int, rng) -> pd.DataFrame:
    """One row per synthetic patient: demographics, antibody, prior treatments, regimen."""
    vocabularies = settings["vocabularies"]
    antibodies = codes(vocabularies["antibody"])
    shares = np.array([ANTIBODY_SHARES.get(code, 1) for code in antibodies], dtype=float)
    choices = regimens(settings)
    age = _integers(rng.normal(55, 17, n), 18, 90)
    duration = np.round(np.exp(rng.normal(np.log(4), 1.1, n)), 1)
    frame = pd.DataFrame(
        {
            "subject": [f"S{i:0{max(3, len(str(n)))}d}" for i in range(1, n + 1)],
            "age": age,
            "sex": np.where(rng.random(n) < FEMALE_SHARE, "F", "M"),
            # no longer than the patient has lived, and at least a month
            "disease_duration": np.clip(np.minimum(duration, age - 1), 0.1, None),
            "antibody": rng.choice(antibodies, size=n, p=shares / shares.sum()),
            "prior": prior_treatments(codes(vocabularies["prior_treatment"]), n, rng),
        }
    )
    pick = rng.integers(0, len(choices), n)
    frame["molecule"] = [choices[i][0] for i in pick]
    frame["dose"] = [choices[i][1] for i in pick]
    return frame


def baseline_values(shape: Shape, sign: float, n: int, rng) -> np.ndarray:
    """Baseline draws of one measure."""
    if shape.kind == "lognormal":
        return np.exp(rng.normal(np.log(shape.centre), shape.spread, n))
    if shape.kind == "ceiling":
        return shape.centre - sign * np.abs(rng.normal(0, shape.spread, n))
    return rng.normal(shape.centre, shape.spread, n)


def moved(values: np.ndarray, shape: Shape, mean: float, rng) -> np.ndarray:
    """The values at the next visit: a mean move plus noise (multiplicative when log-normal)."""
    noise = rng.normal(mean, shape.step_sd, len(values))
    return values * np.exp(noise) if shape.kind == "lognormal" else values + noise


def finished(values: np.ndarray, measure: dict) -> np.ndarray:
    """Values within the measure's range, rounded to its decimals (no -0.0)."""
    inside = np.clip(values, measure.get("low", -np.inf), measure.get("high", np.inf))
    return np.round(inside, measure["decimals"]) + 0.0


def course(shape: Shape, measure: dict, visits: int, start: int, n: int, rng) -> list:
    """One measure at every visit; after the baseline each visit improves, by half as much."""
    sign = direction(measure)
    values = [finished(baseline_values(shape, sign, n, rng), measure)]
    for index in range(1, visits):
        later = index - start
        mean = sign * shape.step * 0.5 ** (later - 1) if later >= 1 else 0.0
        values.append(finished(moved(values[-1], shape, mean, rng), measure))
    return values


def simulate_measures(settings: dict, n: int, rng) -> dict[str, np.ndarray]:
    """Every declared measure at every visit, NaN where missing (more at later visits)."""
    visits = visit_codes(settings)
    start = visits.index(settings["baseline_visit"])
    out = {}
    for code, measure in settings["measures"].items():
        shape = KNOWN_SHAPES.get(code) or generic_shape(measure)
        for index, values in enumerate(course(shape, measure, len(visits), start, n, rng)):
            rate = shape.missing + LATER_MISSING * max(index - start, 0)
            out[key(code, visits[index])] = np.where(rng.random(n) < rate, np.nan, values)
    return out


def simulate(settings: dict, n: int, seed: int) -> pd.DataFrame:
    """One row per synthetic patient, in codes and numbers (NaN where missing)."""
    rng = np.random.default_rng(seed)
    patients = simulate_patients(settings, n, rng)
    measures = pd.DataFrame(simulate_measures(settings, n, rng), index=patients.index)
    return pd.concat([patients, measures], axis=1)


def printed(value: float, missing: str) -> str:
    """A number as a table prints it: no trailing .0."""
    if pd.isna(value):
        return missing
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def printed_measure(value: float, decimals: int, missing: str) -> str:
    """A measurement as a table prints it: the measure's decimals."""
    return missing if pd.isna(value) else f"{value:.{decimals}f}"


def exported(value: float, decimals: int) -> str | None:
    """A measurement as a registry exports a float: shortest, one decimal at least (39.0, 0.7)."""
    if pd.isna(value):
        return None
    return np.format_float_positional(round(value, decimals), trim="0")


def patient_cells(frame: pd.DataFrame, settings: dict) -> dict[str, list]:
    """Every canonical patient column, printed as the cohort prints it."""
    label = labels(settings)
    missing = settings["missing_tokens"][0]
    return {
        "subject": frame["subject"].tolist(),
        "age": [printed(v, missing) for v in frame["age"]],
        "sex": [label["sex"][code] for code in frame["sex"]],
        "disease_duration": [printed(v, missing) for v in frame["disease_duration"]],
        "antibody": [label["antibody"][code] for code in frame["antibody"]],
        "prior_treatment": [
            f"{list_separator(settings)} ".join(label["prior_treatment"][code] for code in prior)
            or no_treatment_words(settings)[0]
            for prior in frame["prior"]
        ],
        "regimen": [
            f"{label['molecule'][molecule]}, {printed(dose, missing)}"
            for molecule, dose in zip(frame["molecule"], frame["dose"])
        ],
        "molecule": [label["molecule"][code] for code in frame["molecule"]],
        "dose": [printed(v, missing) for v in frame["dose"]],
    }


def patients_table(frame: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """One row a patient, with the cohort's `columns:` headers in their order."""
    cells = patient_cells(frame, settings)
    return pd.DataFrame({header: cells[name] for name, header in settings["columns"].items()})


def wide_tables(frame: pd.DataFrame, settings: dict, rng) -> dict[str, pd.DataFrame]:
    """Layout wide: the patients with a column per measure and visit (rows in order: no rng)."""
    table = patients_table(frame, settings)
    missing = settings["missing_tokens"][0]
    for code, measure in settings["measures"].items():
        for visit in measured_visits(settings):
            table[f"{measure['printed']} {visit['printed']}"] = [
                printed_measure(v, measure["decimals"], missing)
                for v in frame[key(code, visit["code"])]
            ]
    return {"table": table}


def long_measurements(frame: pd.DataFrame, settings: dict, rng) -> pd.DataFrame:
    """A registry's long export: a row per patient, visit and measure, in no order."""
    parts = [
        pd.DataFrame(
            {
                "subject": frame["subject"],
                "visit": visit["printed"],
                "measure": measure["printed"],
                "value": [
                    exported(v, measure["decimals"]) for v in frame[key(code, visit["code"])]
                ],
            }
        )
        for code, measure in settings["measures"].items()
        for visit in measured_visits(settings)
    ]
    rows = pd.concat(parts, ignore_index=True)
    missing = rows["value"].isna().to_numpy()
    rows = rows[~(missing & (rng.random(len(rows)) < ABSENT_SHARE))]
    rows = rows.fillna({"value": settings["missing_tokens"][0]})
    rows = rows.iloc[rng.permutation(len(rows))]
    headers = settings["measurement_columns"]
    return rows[list(headers)].rename(columns=headers)


def registry_tables(frame: pd.DataFrame, settings: dict, rng) -> dict[str, pd.DataFrame]:
    """Layout registry: a patients file and a long measurements file."""
    return {
        "patients": patients_table(frame, settings),
        "measurements": long_measurements(frame, settings, rng),
    }


LAYOUTS = {"wide": wide_tables, "registry": registry_tables}


def ledger_plan(settings: dict, defaults: dict) -> dict:
    """What the ledger claims about: the main outcome's domain (the first response
    criterion's), its criteria and the two visits compared; `defaults` the config's
    analysis settings."""
    own = settings.get("analysis") or {}
    analysis = merged(disease_defaults(defaults, own), own)
    role = primary_role(analysis)
    visits = visit_codes(settings)
    baseline = settings["baseline_visit"]
    return {
        "role": role,
        "disease": domains(analysis)[role]["active"],
        "active": analysis["active_disease"][role],
        "response": analysis["response"][role],
        "baseline": baseline,
        "follow_up": analysis["response"][role].get("visit", visits[visits.index(baseline) + 1]),
        "printed": {visit["code"]: visit["printed"] for visit in measured_visits(settings)},
    }


def claim(claim_id, description, reported, value, precision, unit, where=(), **fields) -> dict:
    """One row of the ledger, labelled SYNTHETIC; `where` fills WHERE, `fields` the rest."""
    row = dict.fromkeys(CLAIM_COLUMNS, "")
    row |= {
        "claim_id": claim_id,
        "source": "synthetic",
        "location": "generated with the data",
        "quote": "SYNTHETIC: generated together with the data",
        "description": f"SYNTHETIC: {description}",
        "reported": reported,
        "comparator": "=",
        "value": value,
        "precision": precision,
        "unit": unit,
    }
    return row | dict(zip(WHERE, where)) | fields


def count_claim(claim_id: str, description: str, count: int, where: tuple) -> dict:
    """How many patients of the whole cohort have something."""
    return claim(claim_id, description, str(count), count, 0, "count", where)


def mean_claim(claim_id: str, description: str, mean: float, unit: str, where: tuple) -> dict:
    """A mean, reported to one decimal."""
    return claim(claim_id, description, f"{mean:.1f}", round(mean, 1), 1, unit, where)


def cohort_claims(frame: pd.DataFrame, base: str, choices) -> list[dict]:
    """Counts and age of the whole cohort, and how many patients had each regimen."""
    n, women, oldest = len(frame), int((frame["sex"] == "F").sum()), frame["age"].max()
    rows = [
        count_claim(
            "n_patients", "patients treated", n, ("cohort", "categorical", "SAFFL", base, "Y", "n")
        ),
        count_claim("n_female", "women", women, ("cohort", "categorical", "SEX", base, "F", "n")),
        claim(
            "age_max",
            "oldest patient, years",
            printed(oldest, "NA"),
            oldest,
            0,
            "years",
            ("cohort", "summary", "AGE", base, "", "max"),
        ),
    ]
    for molecule, dose in choices:
        count = int(((frame["molecule"] == molecule) & (frame["dose"] == dose)).sum())
        regimen = f"{molecule} {dose:g} mg/day"
        where = ("cohort", "categorical", "TRT01A", base, regimen, "n")
        rows.append(count_claim(f"n_{molecule}_{dose:g}mg", f"patients on {regimen}", count, where))
    return rows


def outcome_claims(frame: pd.DataFrame, settings: dict, defaults: dict) -> list[dict]:
    """The main outcome from baseline to the response visit, one of them planted wrong."""
    plan = ledger_plan(settings, defaults)
    role = plan["role"]
    rule, response = plan["active"], plan["response"]
    parameter, base, follow_up = response["parameter"], plan["baseline"], plan["follow_up"]
    measure = settings["measures"][parameter]
    before, after = key(parameter, base), key(parameter, follow_up)
    compare = COMPARATORS[rule["comparator"]]
    active = frame[compare(frame[key(rule["parameter"], base)], rule["threshold"])]
    paired = active.dropna(subset=[after])
    change = direction(measure) * (paired[after] - paired[before])
    pct = 100 * int((change >= response["threshold"]).sum()) / len(paired)
    mean_before, planted = active[before].mean(), paired[after].mean() + PLANTED_OFFSET
    label, word, unit = plan["printed"], measure["improvement"], measure["unit"]
    name, base_id, follow_id = parameter.lower(), base.lower(), follow_up.lower()
    at_base = (role, "summary", parameter, base, "", "mean")
    response_rate = (role, "response", parameter, follow_up, "", "pct")
    test = (role, "paired_test", parameter, follow_up, "", "p_value")
    at_follow_up = (role, "summary", parameter, follow_up, "", "mean")
    threshold = f"{response['threshold']:g}"
    return [
        mean_claim(
            f"{name}_{base_id}_mean",
            f"mean {parameter} at baseline, {plan['disease']}",
            mean_before,
            unit,
            at_base,
        ),
        claim(
            f"{role}_response_{follow_id}_pct",
            f"{parameter} {word} >= {threshold} at {label[follow_up]}",
            f"{pct:.0f}%",
            round(pct),
            0,
            "%",
            response_rate,
        ),
        claim(
            f"{name}_{base_id}_{follow_id}_p",
            f"{parameter} {word}d from {label[base]} to {label[follow_up]}",
            "p < 0.05",
            0.05,
            2,
            "p",
            test,
            comparator="<",
        ),
        mean_claim(
            f"{name}_{follow_id}_mean_planted_mismatch",
            f"mean {parameter} at {label[follow_up]}, PLANTED {PLANTED_OFFSET} {unit} too high"
            " to exercise a mismatch",
            planted,
            unit,
            at_follow_up,
        ),
    ]


def claims_ledger(
    frame: pd.DataFrame, settings: dict, defaults: dict, choices=None
) -> pd.DataFrame:
    """Claims the generator knows to be true of its data, one planted mismatch, one not computable.

    `frame` has one row per patient: sex (code), age, molecule, dose and "<measure>@<visit>"
    values; `choices` are the regimens counted (default: every regimen of the cohort).
    """
    choices = regimens(settings) if choices is None else choices
    unknowable = claim(
        "followup_years_mean",
        "mean follow-up",
        "1.5",
        1.5,
        1,
        "years",
        not_computable_reason="the synthetic table has no follow-up durations",
    )
    rows = cohort_claims(frame, settings["baseline_visit"], choices)
    rows += outcome_claims(frame, settings, defaults) + [unknowable]
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def summary_visits(settings: dict) -> list[str]:
    """Visits only summaries report: as declared, else one twice as late as the last (M3 -> M6)."""
    declared = [visit["code"] for visit in settings["visits"] if visit.get("reported_only")]
    if declared:
        return declared
    last = visit_codes(settings)[-1]
    found = re.fullmatch(r"(\D*)(\d+)", last)
    return [f"{found.group(1)}{2 * int(found.group(2))}" if found else f"{last}_LATER"]


def reported_summaries(frame: pd.DataFrame, settings: dict, defaults: dict) -> pd.DataFrame:
    """'Reported' summaries at visits without per-patient data, as a publication may give."""
    # each such visit improves on the response visit by another 30% (mean) and 20% (SD)
    plan = ledger_plan(settings, defaults)
    parameter = plan["response"]["parameter"]
    values = frame[key(parameter, plan["follow_up"])].dropna()
    rows = [
        {
            "parameter": parameter,
            "visit": visit,
            "population": "SYNTHETIC",
            "statistic": name,
            "value": round(value * factor**later, 1),
            "source": "SYNTHETIC",
        }
        for later, visit in enumerate(summary_visits(settings), start=1)
        for name, value, factor in (("mean", values.mean(), 0.7), ("sd", values.std(), 0.8))
    ]
    return pd.DataFrame(rows)


def cohort_files(settings: dict, n: int, seed: int, defaults: dict) -> dict[str, pd.DataFrame]:
    """Every file the settings name under `raw:` -> its synthetic content."""
    frame = simulate(settings, n, seed)
    # a stream of its own, so the layout's choices leave the patients unchanged
    tables = LAYOUTS[settings["layout"]](frame, settings, np.random.default_rng([seed, 1]))
    raw = settings["raw"]
    if "claims" in raw:
        tables["claims"] = claims_ledger(frame, settings, defaults)
    if "reported_summaries" in raw:
        tables["reported_summaries"] = reported_summaries(frame, settings, defaults)
    if "text" in raw:
        tables["text"] = paper_text(claims_ledger(frame, settings, defaults), settings)
    return {raw[kind]: table for kind, table in tables.items()}


def write_cohort(settings: dict, n: int, seed: int, defaults: dict) -> None:
    """Write the cohort's synthetic raw files where its settings say."""
    for path, table in cohort_files(settings, n, seed, defaults).items():
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if isinstance(table, str):  # the paper's text
            Path(path).write_text(table, encoding="utf-8")
            continue
        table.to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description="Write a seeded synthetic cohort in a cohort's layout, to the raw files "
        "its settings name (relative to the folder it is run from)."
    )
    parser.add_argument(
        "settings",
        help="the cohort's settings file, e.g. config/cohorts/synthetic_tofacitinib.yaml",
    )
    parser.add_argument("--patients", type=int, default=24, help="how many (default 24)")
    parser.add_argument("--seed", type=int, default=2026, help="the draws' seed (default 2026)")
    parser.add_argument(
        "--config",
        default=str(CONFIG),
        help="the config file whose analysis defaults the ledger's criteria come from "
        "(default: the project's config/config.yaml)",
    )
    args = parser.parse_args(argv)
    settings = yaml.safe_load(Path(args.settings).read_text("utf-8"))
    if not settings.get("synthetic"):
        parser.error(f"{args.settings} is not marked synthetic: refusing to overwrite real data")
    defaults = yaml.safe_load(Path(args.config).read_text("utf-8"))["analysis"]
    write_cohort(settings, args.patients, args.seed, defaults)


if __name__ == "__main__":
    main()
