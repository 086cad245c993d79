"""Tables for people: Table 1 in the printed layout, baseline characteristics, the audit.

Each is a plain data frame of display strings, written as CSV; the HTML versions are
rendered by clinrepro.presentation.report from the same frames.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from clinrepro.base.columns import as_codes, joined, positions, split_list
from clinrepro.adam.endpoints import read_adeff, read_adsl
from clinrepro.base.files import read_table, write_tables
from clinrepro.base.printed import fixed, percent, printed_numbers, significant
from clinrepro.presentation import pages
from clinrepro.base.study import population_label
from clinrepro.presentation.words import (
    claim_p_text,
    other_tests_words,
    readable,
)
from clinrepro.base.study import (
    follow_up_visits,
    list_separator,
    measured_visits,
    no_treatment_words,
    population_flags,
    visit_label,
)
from clinrepro.base.terms import TEST_NAMES, shown
from clinrepro.base.vocabularies import cohort_terms
from clinrepro.base import typed

logger = logging.getLogger(__name__)


def inverse(vocabulary: dict) -> dict:
    return {code: label for label, code in vocabulary.items()}


def checkbox_cells(priors: pd.DataFrame, n_prior: pd.Series, settings: dict) -> dict:
    """A REDCap-style export's checkbox columns: 1 where the patient had the treatment, 0
    where not, the word for missing where the answer is."""
    missing = settings["missing_tokens"][0]
    cells = {}
    for header, code in settings["prior_treatment_checkboxes"].items():
        had = n_prior.index.isin(priors.loc[priors["treatment"] == code, "subject_id"])
        box = pd.Series(np.where(had, "1", "0"), index=n_prior.index)
        cells[header] = box.where(n_prior.notna(), missing)
    return cells


def publication_table1(tables: dict[str, pd.DataFrame], settings: dict) -> pd.DataFrame:
    """Table 1 rebuilt from the tidy tables, cell for cell in the printed layout."""
    vocab = {kind: inverse(words) for kind, words in settings["vocabularies"].items()}
    columns = settings["columns"]
    subjects = tables["subjects"].set_index("subject_id", drop=False)
    patients = subjects.index
    regimens = tables["regimens"].set_index("subject_id").reindex(patients)
    priors = tables["prior_treatments"]
    missing = settings["missing_tokens"][0]
    treatments = priors["treatment"].map(vocab["prior_treatment"])
    prior = joined(treatments, priors["subject_id"], f"{list_separator(settings)} ")
    prior = prior.reindex(patients).where(
        subjects["n_prior_treatments"] != 0, no_treatment_words(settings)[0]
    )
    prior = prior.where(subjects["n_prior_treatments"].notna(), missing)
    molecule = regimens["molecule"].map(vocab["molecule"])
    dose = printed_numbers(regimens["dose"], missing)
    table = pd.DataFrame(
        {
            columns["subject"]: patients,
            columns["age"]: printed_numbers(subjects["age"], missing),
            columns["sex"]: subjects["sex"].map(vocab["sex"]),
            columns["disease_duration"]: printed_numbers(subjects["disease_duration"], missing),
            columns["antibody"]: subjects["antibody"].map(vocab["antibody"]),
        }
        | (
            {columns["prior_treatment"]: prior}
            if "prior_treatment" in columns
            else checkbox_cells(priors, subjects["n_prior_treatments"], settings)
        )
        | (
            {columns["regimen"]: molecule + ", " + dose}
            if "regimen" in columns
            else {columns["molecule"]: molecule}
            | ({columns["dose"]: dose} if "dose" in columns else {})
        ),
        index=patients,
    )
    measurements = tables["measurements"]
    row = positions(patients, measurements["subject_id"])  # each record's line of Table 1
    parameters, visits = as_codes(measurements["parameter"]), as_codes(measurements["visit"])
    for code, measure in settings["measures"].items():
        for visit in measured_visits(settings):
            rows = ((parameters == code) & (visits == visit["code"])).to_numpy()
            cells = pd.DataFrame(
                {
                    column: on_lines(measurements[column], rows, row, len(patients))
                    for column in ("value", "replicate_sd", "sd_printed")
                },
                index=patients,
            )
            # each value with the measure's decimals, as a table prints a column (0.20, not 0.2)
            text = fixed_numbers(cells["value"], measure["decimals"], missing)
            with_sd = cells["sd_printed"].eq(True)
            text[with_sd] = text[with_sd] + " ± " + printed_numbers(cells["replicate_sd"], missing)
            table[f"{measure['printed']} {visit['printed']}"] = text
    return table.reset_index(drop=True)


def fixed_numbers(values: pd.Series, places: int, missing: str) -> pd.Series:
    """Numbers with a fixed number of decimals; the missing word where missing."""
    text = values.map(lambda v: fixed(v, places, missing))
    return text.astype(str)


def on_lines(values: pd.Series, rows: np.ndarray, line: np.ndarray, n: int) -> np.ndarray:
    """The selected records' values on their lines of a table of n lines; NaN elsewhere."""
    cells = np.full(n, np.nan, dtype=object if values.dtype == bool else float)
    cells[line[rows]] = values.to_numpy()[rows]
    return cells


def mean_sd(values: pd.Series, places: int = 1) -> str:
    """'27.1 ± 13.0'; one decimal more than the measure is recorded with."""
    present = values.dropna().to_numpy(dtype=float)
    if len(present) == 0:
        return "-"
    sd = fixed(present.std(ddof=1), places) if len(present) > 1 else "-"
    return f"{fixed(present.mean(), places)} ± {sd}"


def median_iqr(values: pd.Series, places: int = 1) -> str:
    """'26.5 [17.3, 34.0]': quartiles by linear interpolation (Hyndman-Fan type 7)."""
    present = values.dropna().to_numpy(dtype=float)
    if len(present) == 0:
        return "-"
    q1, median, q3 = np.quantile(present, [0.25, 0.5, 0.75])
    return f"{fixed(median, places)} [{fixed(q1, places)}, {fixed(q3, places)}]"


def n_pct(condition: pd.Series, known: pd.Series) -> str:
    n, denominator = int(condition[known].sum()), int(known.sum())
    return f"{n} ({percent(n / denominator)})" if denominator else "-"


class BaselineRows:
    """The rows of the baseline table: one a characteristic and statistic, its cell in every
    group of patients (all, then each molecule), its missing count, and for a measure its
    value at each follow-up visit in all treated patients."""

    def __init__(self, groups: dict[str, pd.DataFrame], later: dict[str, str]):
        self.groups, self.later, self.rows = groups, later, []
        self.labels = {name: f"{name} (n = {len(part)})" for name, part in groups.items()}

    def add(self, characteristic, statistic, cell, missing, visits=None):
        row = {"characteristic": characteristic, "statistic": statistic}
        row |= {self.labels[name]: cell(part) for name, part in self.groups.items()}
        row |= {"missing (all)": str(missing)}
        for code, label in self.later.items():
            row[f"{label} (all)"] = (visits or {}).get(code, "")
        self.rows.append(row)


def characteristic_rows(table: BaselineRows, adsl: pd.DataFrame, cohort: dict) -> None:
    """Age, disease duration, sex, antibody, treatment and previous treatments."""
    for column, name in (("AGE", "Age, years"), ("DISDUR", "Disease duration, years")):
        missing = int(adsl[column].isna().sum())
        table.add(name, "mean ± SD", lambda part, c=column: mean_sd(part[c]), missing)
        table.add(name, "median [IQR]", lambda part, c=column: median_iqr(part[c]), "")
    table.add(
        "Female",
        "n (%)",
        lambda part: n_pct(part["SEX"] == "F", part["SEX"].notna()),
        int(adsl["SEX"].isna().sum()),
    )
    terms = cohort_terms(cohort)
    for column, words, label in (
        ("ABTYPE", terms["antibodies"], "Antibody"),
        ("TRT01A", {}, "Treatment"),
    ):
        for level in sorted(adsl[column].unique()):
            table.add(
                f"{label}: {words.get(level, level)}",
                "n (%)",
                lambda part, c=column, v=level: n_pct(part[c] == v, part[c].notna()),
                "",
            )
    known_prior = adsl["NPRIOR"].notna()
    table.add(
        "Previous treatments, number",
        "median [IQR]",
        lambda part: median_iqr(part["NPRIOR"]),
        int((~known_prior).sum()),
    )
    listed = split_list(adsl["PRIORTRT"], ";")
    for code, name in terms["prior_treatments"].items():
        took = pd.Series(adsl.index.isin(listed.index[listed == code]), index=adsl.index)
        if took.any():
            table.add(
                f"Previously: {name}",
                "n (%)",
                lambda part, t=took: n_pct(t.loc[part.index], part["NPRIOR"].notna()),
                "",
            )


def population_rows(table: BaselineRows, analysis: dict) -> None:
    """One row a disease population the settings declare: its domains', then the combined."""
    for flag in list(population_flags(analysis))[1:]:
        label = population_label(flag, analysis)
        table.add(
            label[0].upper() + label[1:],
            "n (%)",
            lambda part, f=flag: n_pct(part[f] == "Y", part[f].notna()),
            "",
        )


def measure_rows(table: BaselineRows, adeff: pd.DataFrame, cohort: dict) -> None:
    """Each measure at baseline (mean ± SD, median [IQR]), and at each follow-up visit."""
    baseline = adeff[adeff["AVISIT"] == cohort["baseline_visit"]].pivot(
        index="SUBJID", columns="PARAMCD", values="AVAL"
    )
    rows = {}  # each group's patients' rows of `baseline` (-1: none), found once a group

    def values(part: pd.DataFrame, parameter: str) -> pd.Series:
        if id(part) not in rows:
            rows[id(part)] = baseline.index.get_indexer(part["SUBJID"])
        return pd.Series(np.append(baseline[parameter].to_numpy(float), np.nan)[rows[id(part)]])

    for parameter, meta in cohort["measures"].items():
        if parameter not in baseline:
            continue
        records = adeff[adeff["PARAMCD"] == parameter]
        at = {code: records.loc[records["AVISIT"] == code, "AVAL"] for code in table.later}
        places = meta["decimals"] + 1
        name = f"{meta['label']}, {meta['unit']}"
        table.add(
            name,
            "mean ± SD",
            lambda part, p=parameter: mean_sd(values(part, p), places),
            int(baseline[parameter].isna().sum()),
            {code: mean_sd(values_at, places) for code, values_at in at.items()},
        )
        table.add(
            name,
            "median [IQR]",
            lambda part, p=parameter: median_iqr(values(part, p), places),
            "",
            {code: median_iqr(values_at, places) for code, values_at in at.items()},
        )


def baseline_table(
    adsl: pd.DataFrame, adeff: pd.DataFrame, analysis: dict, cohort: dict
) -> pd.DataFrame:
    """Baseline characteristics for the cohort and by molecule, with missing counts.

    For each measure the last columns give its mean and median at every follow-up visit in
    all treated patients with a value there; the change from baseline and its test are the
    report's change-from-baseline table, not this one.
    """
    later = {code: visit_label(cohort, code) for code in follow_up_visits(cohort)}
    groups = {"All": adsl} | {
        molecule: part for molecule, part in adsl.groupby("TRTMOL", sort=True)
    }
    table = BaselineRows(groups, later)
    characteristic_rows(table, adsl, cohort)
    population_rows(table, analysis)
    measure_rows(table, adeff, cohort)
    return pd.DataFrame(table.rows)


STATUS_ORDER = {"mismatch": 0, "match": 1, "not_computable": 2}


def claims_table(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims audit for reading: mismatches first, then matches, then not computable."""
    order = claims["status"].map(STATUS_ORDER)
    table = (
        claims.assign(_order=order).sort_values(["_order"], kind="stable").drop(columns="_order")
    )
    method = table["method"].fillna("").map(lambda m: TEST_NAMES.get(m, m))
    recomputed = [
        claim_p_text(value, precision) if unit == "p" and pd.notna(value) else str(rounded)
        for value, precision, unit, rounded in zip(
            table["recomputed"],
            table["precision"],
            table["unit"],
            table["recomputed_rounded"].fillna(""),
        )
    ]
    return pd.DataFrame(
        {
            "claim": table["claim_id"],
            "description": table["description"].map(shown),
            "reported": table["reported"],
            "recomputed": recomputed,
            "full precision": table["recomputed"].map(lambda v: significant(v, 6, missing="")),
            "status": table["status"],
            "reason or note": table["reason"].fillna(table["note"]).fillna(""),
            "explanations": table["explanations"].fillna(""),
            "n": table["n"].map(lambda v: "" if pd.isna(v) else str(int(v))),
            "population": table["population_flag"].fillna(""),
            "test or method": method,
            "other test": [
                other_tests_words(other, precision) if other else ""
                for other, precision in zip(table["other_methods"].fillna(""), table["precision"])
            ],
            "where": table["location"],
        }
    )


def claims_for_reading(table: pd.DataFrame, analysis: dict) -> pd.DataFrame:
    """The claims audit table as a person reads it (the HTML page): no claim ids, populations
    in words, statuses without underscores."""
    return table.drop(columns="claim").assign(
        status=table["status"].str.replace("_", " "),
        population=table["population"].map(
            lambda flag: population_label(flag, analysis) if flag else ""
        ),
        **{
            column: table[column].map(lambda text: shown(readable(text, analysis)))
            for column in ("reason or note", "explanations")
        },
    )


# Table 1 does not read where each measurement was printed, nor the treatments as printed
TABLE1_READS = {
    "measurements": lambda name: name not in ("source_column", "source_cell"),
    "prior_treatments": lambda name: name != "treatment_name",
}
# the measurements' repeated texts, read from Parquet as codes
TABLE1_CODES = {"measurements": ("parameter", "visit")}


def run_table1(
    tidy: dict[str, str], settings: dict, template: str, outputs: dict, max_rows_shown: int
) -> None:
    """Write Table 1 rebuilt from the tidy tables, as CSV and as an HTML page (its first
    `max_rows_shown` patients)."""
    settings = typed.cohort(settings)
    tables = {
        name: read_table(path, columns=TABLE1_READS.get(name), codes=TABLE1_CODES.get(name, ()))
        for name, path in tidy.items()
    }
    table1 = publication_table1(tables, settings)
    write_tables({outputs["csv"]: table1})
    shown, note = pages.first_rows(table1, len(table1), max_rows_shown, outputs["csv"])
    page = pages.html_table(shown)
    groups, page.sub_headers = pages.table1_groups(settings, list(table1.columns))
    title = f"Table 1 of {settings['title']}, rebuilt from the tidy tables"
    pages.write_table_page(
        shown,
        outputs["html"],
        title,
        template,
        settings["synthetic"],
        table=page,
        groups=groups,
        note=note,
    )


# the files run() writes, by the key of its `outputs`
OUTPUTS = ("baseline_csv", "baseline_html", "claims_csv", "claims_html")


def run(
    adsl: str,
    adeff: str,
    claims: str,
    analysis: dict,
    cohort: dict,
    template: str,
    outputs: dict,
) -> None:
    """Write the baseline-characteristics and claims-audit tables, as CSV and HTML pages
    (the change from baseline and its tests are the report's own table)."""
    analysis, cohort = typed.analysis(analysis), typed.cohort(cohort)
    subjects = read_adsl(adsl)
    records = read_adeff(adeff, columns=("SUBJID", "PARAMCD", "AVISIT", "ABLFL", "AVAL"))
    audit = read_table(claims, text_columns=("claim_id", "reported", "recomputed_rounded"))
    baseline = baseline_table(subjects, records, analysis, cohort)
    audit_table = claims_table(audit)
    write_tables({outputs["baseline_csv"]: baseline, outputs["claims_csv"]: audit_table})
    synthetic = cohort["synthetic"]
    title = "Baseline characteristics, all treated patients and by molecule"
    pages.write_table_page(baseline, outputs["baseline_html"], title, template, synthetic)
    title = "Claims audit, mismatches first"
    pages.write_table_page(
        claims_for_reading(audit_table, analysis),
        outputs["claims_html"],
        title,
        template,
        synthetic,
        status_column="status",
    )
