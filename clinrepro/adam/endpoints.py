"""Endpoints: the ADaM-shaped analysis datasets, derived step by step.

ADSL has one row per patient (characteristics, treatment, population flags); ADEFF has
one row per patient, parameter and visit (value, baseline, change, percent change,
responder flags). Each derivation is a small function named for what it derives.
"""

from __future__ import annotations

import logging
import operator
import re

import numpy as np
import pandas as pd

from clinrepro.base.columns import POPULATION_FLAG as POPULATION_COLUMN
from clinrepro.base.columns import as_codes, joined, positions, repeated
from clinrepro.adam.schemas import ADEFF, ADSL
from clinrepro.base.files import let_go, read_table
from clinrepro.base.study import (
    combined,
    criterion_text,
    domains,
    population_flags,
    visit_time,
)
from clinrepro.reading.validation import write_checked_tables
from clinrepro.base import typed

logger = logging.getLogger(__name__)
COMPARATORS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def yes_no(condition: pd.Series) -> pd.Series:
    """Boolean -> 'Y'/'N' flag; a missing condition is 'N'."""
    return condition.fillna(False).astype(bool).map({True: "Y", False: "N"})


def baseline_values(measurements: pd.DataFrame, parameter: str, baseline_visit: str) -> pd.Series:
    """Baseline value of one parameter, indexed by patient."""
    rows = measurements[
        (measurements["parameter"] == parameter) & (measurements["visit"] == baseline_visit)
    ]
    return rows.set_index("subject_id")["value"]


def meets_at_baseline(
    adsl: pd.DataFrame, measurements: pd.DataFrame, criterion: dict, baseline_visit: str
) -> pd.Series:
    """Per ADSL patient: True/False where the baseline value meets the criterion or not,
    missing where there is no baseline value."""
    baseline = baseline_values(measurements, criterion["parameter"], baseline_visit)
    meets = COMPARATORS[criterion["comparator"]](baseline, criterion["threshold"])
    return adsl["SUBJID"].map(meets.where(baseline.notna()))


def flag_active_disease(
    adsl: pd.DataFrame, measurements: pd.DataFrame, criterion: dict, baseline_visit: str
) -> pd.Series:
    """'Y' where the baseline value meets the criterion. Where it is missing, the
    criterion's `otherwise` decides if it has one (e.g. CK where MMT8 was not measured);
    a patient missing what decides is 'N'."""
    meets = meets_at_baseline(adsl, measurements, criterion, baseline_visit)
    if criterion.get("otherwise"):
        instead = meets_at_baseline(adsl, measurements, criterion["otherwise"], baseline_visit)
        meets = meets.where(meets.notna(), instead)
    return yes_no(meets)


def build_adsl(
    tables: dict[str, pd.DataFrame], analysis: dict, baseline_visit: str
) -> pd.DataFrame:
    """Subject-level analysis dataset with the population flags of `analysis`."""
    subjects, regimens = tables["subjects"], tables["regimens"].set_index("subject_id")
    prior = tables["prior_treatments"]
    priors = joined(prior["treatment"], prior["subject_id"], ";")
    adsl = pd.DataFrame(
        {
            "STUDYID": subjects["study_id"],
            "USUBJID": subjects["study_id"] + "-" + subjects["subject_id"],
            "SUBJID": subjects["subject_id"],
            "AGE": subjects["age"],
            "SEX": subjects["sex"],
            "DISDUR": subjects["disease_duration"],
            "ABTYPE": subjects["antibody"],
            "NPRIOR": subjects["n_prior_treatments"],
            "PRIORTRT": subjects["subject_id"].map(priors).fillna(""),
        }
    )
    adsl["ANYPRIOR"] = yes_no(adsl["NPRIOR"] > 0).where(adsl["NPRIOR"].notna(), "")
    adsl["TRTMOL"] = adsl["SUBJID"].map(regimens["molecule"])
    adsl["TRTDOSE"] = adsl["SUBJID"].map(regimens["dose"])
    dose = adsl["TRTDOSE"].map({dose: f"{dose:g}" for dose in adsl["TRTDOSE"].unique()})
    # the treatment as given: molecule and dose, or the molecule alone where no dose is printed
    adsl["TRT01A"] = (adsl["TRTMOL"] + " " + dose + " mg/day").where(
        adsl["TRTDOSE"].notna(), adsl["TRTMOL"]
    )
    adsl["SAFFL"] = "Y"  # every patient of the table received a JAK inhibitor
    measurements = tables["measurements"]
    return flag_populations(adsl, measurements, analysis, baseline_visit)


def flag_populations(
    adsl: pd.DataFrame, measurements: pd.DataFrame, analysis: dict, baseline_visit: str
) -> pd.DataFrame:
    """One flag a declared domain (active at baseline by its criterion), then the combined
    population's: every domain active."""
    active = analysis["active_disease"]
    flags = [domain["flag"] for domain in domains(analysis).values()]
    for code, domain in domains(analysis).items():
        adsl[domain["flag"]] = flag_active_disease(adsl, measurements, active[code], baseline_visit)
    both = combined(analysis)
    if both:
        adsl[both["flag"]] = yes_no((adsl[flags] == "Y").all(axis=1))
    return adsl


def derive_baseline(adeff: pd.DataFrame, baseline_visit: str) -> pd.DataFrame:
    """ABLFL on the baseline record and BASE on every record of the patient and parameter."""
    is_base = (adeff["AVISIT"] == baseline_visit).to_numpy()
    adeff["ABLFL"] = pd.Categorical.from_codes(is_base.astype(np.int8), ["", "Y"])
    # one integer per patient and parameter, so the lookup hashes numbers, not text
    patient, parameter = pd.factorize(adeff["USUBJID"])[0], pd.factorize(adeff["PARAMCD"])[0]
    key = patient.astype(np.int64) * (parameter.max(initial=0) + 1) + parameter
    base = pd.Series(adeff["AVAL"].to_numpy()[is_base], index=key[is_base])
    adeff["BASE"] = base.reindex(key).to_numpy()
    return adeff


def derive_change(adeff: pd.DataFrame) -> pd.DataFrame:
    """CHG = AVAL - BASE on post-baseline records."""
    adeff["CHG"] = (adeff["AVAL"] - adeff["BASE"]).where(adeff["ABLFL"] != "Y")
    return adeff


def derive_percent_change(adeff: pd.DataFrame) -> pd.DataFrame:
    """PCHG = 100 * CHG / BASE; missing, not infinite, when BASE is 0."""
    adeff["PCHG"] = (100 * adeff["CHG"] / adeff["BASE"]).where(adeff["BASE"] != 0)
    return adeff


def flag_responders(
    adeff: pd.DataFrame, response: dict, missing_response: str, cohort: dict
) -> pd.DataFrame:
    """CRIT1/CRIT1FL on the response visit's records of the response parameter.

    With missing_response 'nonresponder', a patient with a baseline but no value at the
    response visit is a non-responder (CRIT1IMP = 'Y'); with 'exclude' the flag stays empty.
    """
    rows = (adeff["PARAMCD"] == response["parameter"]) & (adeff["AVISIT"] == response["visit"])
    measure = adeff.loc[rows, "CHG" if response["measure"] == "change" else "PCHG"]
    signed = -measure if response["direction"] == "decrease" else measure
    flag = yes_no(signed >= response["threshold"]).where(measure.notna(), "")
    imputed = measure.isna() & adeff.loc[rows, "BASE"].notna()
    imputed &= missing_response == "nonresponder"
    adeff.loc[rows, "CRIT1"] = criterion_text(response, cohort)
    adeff.loc[rows, "CRIT1FL"] = flag.mask(imputed, "N")
    adeff.loc[imputed[imputed].index, "CRIT1IMP"] = "Y"
    return adeff


def build_adeff(
    measurements: pd.DataFrame, adsl: pd.DataFrame, analysis: dict, cohort: dict
) -> pd.DataFrame:
    """Parameter-level analysis dataset: one row per patient, parameter and visit; AVISITN
    is the visit's time in the cohort's settings."""
    return derived_adeff(*adeff_records(measurements, adsl, cohort), adsl, analysis, cohort)


def adeff_records(
    measurements: pd.DataFrame, adsl: pd.DataFrame, cohort: dict
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """ADEFF's columns taken from the tidy measurements, before anything is derived, in
    ADEFF's order (patients in ADSL's order, then parameter, then visit), and each record's
    patient row in ADSL (-1: none), and its row in the tidy table: the records are numbered
    from 0 while ADEFF is derived (lookups by position, not by label), then by that row."""
    patient = positions(adsl["SUBJID"], measurements["subject_id"])
    parameter, visit = as_codes(measurements["parameter"]), as_codes(measurements["visit"])
    time = visit.map(visit_time(cohort)).astype(float).to_numpy()
    # a stable sort on numbers
    order = np.lexsort((time, parameter.cat.codes, patient))
    labels = parameter.map(
        {code: f"{m['label']} ({m['unit']})" for code, m in cohort["measures"].items()}
    )
    patient = patient[order]
    records = pd.DataFrame(
        {
            # patient-level columns are repeated as codes
            "STUDYID": repeated(adsl["STUDYID"], patient),
            "USUBJID": repeated(adsl["USUBJID"], patient),
            "SUBJID": measurements["subject_id"].array.take(order),
            "PARAMCD": parameter.array.take(order),
            "PARAM": labels.array.take(order),
            "AVISIT": visit.array.take(order),
            "AVISITN": time[order],
            "AVAL": measurements["value"].to_numpy()[order],
            "AVALSD": measurements["replicate_sd"].to_numpy()[order],
            "SRCCOL": as_codes(measurements["source_column"]).array.take(order),
            "SRCCELL": measurements["source_cell"].array.take(order),
        }
    )
    for column, name in WINDOW_COLUMNS.items():  # dated registries: each value's window
        if column in measurements:
            records[name] = measurements[column].to_numpy()[order]
    return records, patient, order


def derived_adeff(
    records: pd.DataFrame,
    patient: np.ndarray,
    rows: np.ndarray,
    adsl: pd.DataFrame,
    analysis: dict,
    cohort: dict,
) -> pd.DataFrame:
    """ADEFF derived from its records (adeff_records): baseline, change, population and
    responder flags, then the traceability columns; each record indexed by `rows`, its row
    in the tidy table."""
    adeff = derive_baseline(records, cohort["baseline_visit"])
    adeff = derive_change(adeff)
    adeff = derive_percent_change(adeff)
    for flag in population_flags(analysis):
        adeff[flag] = repeated(adsl[flag], patient)
    # responder columns as codes, '' where a record is no response visit
    texts = [criterion_text(response, cohort) for response in analysis["response"].values()]
    for column, values in (
        ("CRIT1", dict.fromkeys(texts)),
        ("CRIT1FL", ("N", "Y")),
        ("CRIT1IMP", ("Y",)),
    ):
        adeff[column] = pd.Categorical.from_codes(np.zeros(len(adeff), np.int8), ["", *values])
    for response in analysis["response"].values():
        adeff = flag_responders(adeff, response, analysis["missing_response"], cohort)
    trace = ["SRCCOL", "SRCCELL", *(name for name in WINDOW_COLUMNS.values() if name in adeff)]
    columns = [name for name in adeff.columns if name not in trace] + trace
    return adeff[columns].set_axis(pd.Index(rows))


# a dated registry's tidy columns -> ADEFF's (ADaM: analysis date, study day, window)
WINDOW_COLUMNS = {
    "date": "ADT",
    "study_day": "ADY",
    "window_low": "AWLO",
    "window_high": "AWHI",
    "window_target": "AWTARGET",
}
ADSL_TEXT = ("SUBJID", "PRIORTRT", "ANYPRIOR")
# the printed source column and cell stay text as printed ("0.20", not 0.2)
ADEFF_TEXT = ("SUBJID", "ABLFL", "CRIT1", "CRIT1FL", "CRIT1IMP", "SRCCOL", "SRCCELL", "ADT")
# ADEFF's columns of repeated codes, read as categoricals (see clinrepro.base.columns.as_codes),
# and every flag (the population flags of the settings' domains too)
ADEFF_CODES = ("PARAMCD", "AVISIT", "CRIT1", "CRIT1IMP")
FLAG_COLUMN = re.compile(r"^[A-Z][A-Z0-9]*FL$")
POPULATION_FLAG = re.compile(POPULATION_COLUMN)


def read_adsl(path: str) -> pd.DataFrame:
    """ADSL as written by `run`: ids and codes as text, no prior treatment as ''."""
    adsl = read_table(path, text_columns=ADSL_TEXT)
    return adsl.assign(PRIORTRT=adsl["PRIORTRT"].fillna(""))


# ADEFF's columns for traceability, which no analysis reads: left on disk by read_adeff
ADEFF_TRACE = ("STUDYID", "USUBJID", "PARAM", "SRCCOL", "SRCCELL")


def read_adeff(path: str, columns=None) -> pd.DataFrame:
    """ADEFF as written by `run`: the given `columns` and the population flags, or all but
    the traceability ones.

    Ids are text; codes and flags are categoricals, '' missing, the same from CSV and
    Parquet.
    """
    if columns is None:
        wanted = lambda name: name not in ADEFF_TRACE  # noqa: E731
    else:
        wanted = lambda name: name in columns or POPULATION_FLAG.match(name)  # noqa: E731
    adeff = read_table(path, text_columns=ADEFF_TEXT, columns=wanted)
    for column in adeff.columns:
        if column in ADEFF_CODES or FLAG_COLUMN.match(column):
            adeff[column] = as_codes(adeff[column])
    return adeff


def built(tidy: dict[str, str], analysis: dict, cohort: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """ADSL and ADEFF from the tidy tables' files; the tables are let go before the datasets
    are checked and written (at 10^6 patients they hold more than a GB)."""
    tables = {
        name: read_table(path, columns=ADAM_READS.get(name), codes=CODES)
        for name, path in tidy.items()
    }
    adsl = build_adsl(tables, analysis, cohort["baseline_visit"])
    measurements = tables.pop("measurements")
    del tables  # the other tidy tables let go before ADEFF's records are taken, the
    records, patient, rows = adeff_records(measurements, adsl, cohort)
    del measurements  # measurements once they are
    let_go()
    return adsl, derived_adeff(records, patient, rows, adsl, analysis, cohort)


# what ADSL and ADEFF leave of the tidy tables, unread
ADAM_READS = {
    "measurements": lambda name: name != "sd_printed",
    "prior_treatments": lambda name: name != "treatment_name",
}
# the tidy tables' repeated texts that ADEFF holds as codes (as_codes)
CODES = ("parameter", "visit", "source_column")


def run(tidy: dict[str, str], analysis: dict, cohort: dict, outputs: dict[str, str]) -> None:
    """Build ADSL and ADEFF from the validated tidy tables."""
    analysis, cohort = typed.analysis(analysis), typed.cohort(cohort)
    adsl, adeff = built(tidy, analysis, cohort)
    logger.info("ADSL: %d patients; ADEFF: %d records", len(adsl), len(adeff))
    sizes = {flag: int((adsl[flag] == "Y").sum()) for flag in population_flags(analysis)}
    logger.info("population sizes: %s", sizes)
    write_checked_tables({outputs["adsl"]: (adsl, ADSL), outputs["adeff"]: (adeff, ADEFF)})
