"""What each figure draws: a table of drawn values, each with the key that finds it again.

A figure is a data step (here: settings and tables in, a table of marks out) and a thin
drawing step (clinrepro.presentation.figures). Every number a figure draws is a row of its table, keyed
to where it comes from: an ARD row (its analysis, population, parameter, visit, category,
method and statistic), a patient's ADEFF value (category: the patient, statistic: the ADEFF
column), a reported summary, a count of ADSL flags, or a visit setting. The tables are
written next to the figures (`figures/<name>.csv`) and the tests look every row up again.
Nothing here reshapes with an aggregation: a duplicate key raises.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from clinrepro.base.columns import TEXT, arrow_text, is_text
from clinrepro.statistics.ard import select
from clinrepro.base.study import primary_method, visit_label, visits

ARD_KEYS = ["analysis", "population", "parameter", "visit", "category", "method", "statistic"]
DRAWN_COLUMNS = ["panel", "mark", "label", "x", "value", "source", *ARD_KEYS]


class DuplicateKey(ValueError):
    """Two rows where a figure draws one value."""


def ard_mark(ard: pd.DataFrame, panel: str, mark: str, label: str, x: float, **key) -> dict:
    """One value of the ARD as drawn, with its key; missing where the ARD has none, an
    error where it has two."""
    key = {"category": "", "method": "", **key}
    found = select(ard, key)["value"]
    if len(found) > 1:
        raise DuplicateKey(f"the analysis results have {len(found)} rows for {key}")
    value = float(found.iloc[0]) if len(found) else np.nan
    return {"panel": panel, "mark": mark, "label": label, "x": x, "value": value,
            "source": "ard", **key}  # fmt: skip


def wide(
    adeff: pd.DataFrame, parameter: str, flag: str, codes: list[str], column: str = "AVAL"
) -> pd.DataFrame:
    """One row a patient of the population, in the order of ADEFF, one column a visit (all
    missing where nobody was seen); a patient with two rows at one visit raises, as
    pandas' pivot does. What `pivot` then `reindex` gave, without a hierarchical index
    of 10^6 patients and a copy of every ADEFF column of the population (a third of the
    figures' time on a registry: docs/scale.md)."""
    chosen = (adeff["PARAMCD"] == parameter) & (adeff[flag] == "Y")
    rows = adeff.loc[chosen, ["SUBJID", "AVISIT", column]]
    patient, patients = pd.factorize(rows["SUBJID"], use_na_sentinel=False)
    visit, seen = pd.factorize(rows["AVISIT"], use_na_sentinel=False)
    if pd.Series(patient * len(seen) + visit).duplicated().any():
        raise ValueError("Index contains duplicate entries, cannot reshape")
    values = rows[column].to_numpy(dtype=float, na_value=np.nan)
    table = np.full((len(patients), len(codes)), np.nan)
    for place, which in enumerate(pd.Index(seen).get_indexer(codes)):
        if which >= 0:
            at = visit == which
            table[patient[at], place] = values[at]
    return pd.DataFrame(
        table,
        index=pd.Index(patients, name="SUBJID"),
        columns=pd.Index(codes, name="AVISIT"),
    )


def patient_marks(values: pd.DataFrame, panel: str, flag: str, parameter: str,
                  x: dict, column: str = "AVAL", mark: str = "patient") -> list:  # fmt: skip
    """Each patient's drawn values (a `wide` table), keyed by patient and ADEFF column; in
    the table's order, patient by patient. Whole columns (a registry has 10^6 rows): one
    block of rows, which `drawn_table` reads among the single rows."""
    long = values.stack(future_stack=True)
    long = long[long.notna()]
    visits = long.index.get_level_values(1)
    labels = long.index.get_level_values(0).astype(str)
    return [pd.DataFrame(
        {"panel": panel, "mark": mark, "label": labels, "x": visits.map(x),
         "value": long.to_numpy(), "source": "adeff", "analysis": "", "population": flag,
         "parameter": parameter, "visit": visits, "category": labels, "method": "",
         "statistic": column}, columns=DRAWN_COLUMNS,
    )]  # fmt: skip


def drawn_table(rows: list) -> pd.DataFrame:
    """The drawn rows in order: single rows (dicts) and blocks of rows (data frames), each
    column typed as pandas types the list of all its values."""
    single = [row for row in rows if not isinstance(row, pd.DataFrame)]
    if sum(len(row) for row in rows if isinstance(row, pd.DataFrame)) == 0:
        return pd.DataFrame(single, columns=DRAWN_COLUMNS)
    return pd.DataFrame({column: _joined(rows, column) for column in DRAWN_COLUMNS})


def _joined(rows: list, column: str):
    """One column of the drawn rows. A column of numbers only, or of texts only (missing
    values aside, at least one text), is joined array by array: a block of 10^6 rows is
    never turned into Python objects (time and memory: docs/scale.md); any other mix as a
    list of values."""
    parts = [row[column] if isinstance(row, pd.DataFrame) else row.get(column, np.nan)
             for row in rows]  # fmt: skip
    blocks = [part for part in parts if isinstance(part, pd.Series)]
    values = [part for part in parts if not isinstance(part, pd.Series)]
    if all(
        isinstance(block.dtype, np.dtype) and block.dtype.kind == "f" for block in blocks
    ) and all(isinstance(value, float) for value in values):
        return np.concatenate([np.asarray(part, dtype=float).reshape(-1) for part in parts])
    some_text = any(isinstance(value, str) for value in values) or any(
        block.notna().any() for block in blocks
    )
    if (
        some_text
        and all(map(is_text, blocks))
        and all(isinstance(value, str) or _missing(value) for value in values)
    ):
        arrays = [
            arrow_text(part) if isinstance(part, pd.Series)
            else pa.array([None if _missing(part) else part])
            for part in parts
        ]  # fmt: skip
        joined = pa.concat_arrays([array.cast(pa.large_string()) for array in arrays])
        return pd.array(joined, dtype=TEXT)
    return [value for part in parts for value in (
        part.tolist() if isinstance(part, pd.Series) else [part])]  # fmt: skip


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def one(drawn: pd.DataFrame, **where) -> float:
    """The one drawn value matching `where` (NaN when none; two raise)."""
    found = part(drawn, **where)["value"]
    if len(found) > 1:
        raise DuplicateKey(f"{len(found)} drawn values for {where}")
    return float(found.iloc[0]) if len(found) else np.nan


def part(drawn: pd.DataFrame, **where) -> pd.DataFrame:
    mask = np.ones(len(drawn), dtype=bool)
    for column, wanted in where.items():
        mask &= (drawn[column] == wanted).to_numpy(dtype=bool)  # text compared by Arrow
    return drawn[mask]


def visit_times(cohort: dict) -> dict[str, float]:
    """Visit code -> its time in the cohort's time unit: the figures' time axis."""
    return {visit["code"]: float(visit["time"]) for visit in visits(cohort)}


def course_data(adeff, ard, reported, analysis, cohort, flag, parameter, target) -> pd.DataFrame:
    """The course figure's marks: each patient's values and the recomputed mean, SD and n
    at each measured visit (ARD), the reported mean, SD and n where given, the follow-up
    spread of a visit whose settings give one, and the p-value of the bracket."""
    x = visit_times(cohort)
    measured = [v["code"] for v in visits(cohort) if not v.get("reported_only", False)]
    rows = patient_marks(wide(adeff, parameter, flag, measured), "course", flag, parameter, x)
    for visit in measured:
        rows += [ard_mark(ard, "course", statistic, visit_label(cohort, visit), x[visit],
                          analysis="summary", population=flag, parameter=parameter, visit=visit,
                          statistic=statistic) for statistic in ("mean", "sd", "n")]  # fmt: skip
    rows += reported_marks(reported, parameter, cohort)
    rows += [
        {"panel": "course", "mark": "time_sd", "label": visit_label(cohort, v["code"]),
         "x": x[v["code"]], "value": float(v["time_sd"]), "source": "settings",
         "analysis": "", "population": "", "parameter": "", "visit": v["code"],
         "category": "", "method": "", "statistic": "time_sd"}
        for v in visits(cohort) if "time_sd" in v
    ]  # fmt: skip
    rows.append(p_mark(ard, "course", analysis, flag, parameter, target,
                       primary_method(analysis, parameter)))  # fmt: skip
    return drawn_table(rows)


def p_mark(ard, panel, analysis, flag, parameter, visit, method) -> dict:
    return ard_mark(ard, panel, "p_value", parameter, np.nan, analysis="paired_test",
                    population=flag, parameter=parameter, visit=visit, method=method,
                    statistic="p_value")  # fmt: skip


def reported_marks(reported: pd.DataFrame | None, parameter: str, cohort: dict) -> list[dict]:
    """The reported mean, SD and n of a measure at each visit they are given for (one row
    each: a visit reported twice raises)."""
    if reported is None or reported.empty:
        return []
    rows = reported[reported["parameter"] == parameter]
    if rows.duplicated(["visit", "statistic"]).any():
        raise DuplicateKey(f"the reported summaries give {parameter} twice at one visit")
    x = visit_times(cohort)
    return [
        {"panel": "course", "mark": f"reported_{row.statistic}",
         "label": visit_label(cohort, row.visit), "x": x[row.visit], "value": float(row.value),
         "source": "reported", "analysis": "", "population": "", "parameter": parameter,
         "visit": row.visit, "category": "", "method": "", "statistic": row.statistic}
        for row in rows.itertuples()
        if row.statistic in ("mean", "sd", "n") and row.visit in x
    ]  # fmt: skip


def overlap_data(adsl: pd.DataFrame, flags: list[str], names: dict) -> pd.DataFrame:
    """The active-disease flags' overlap: a count of ADSL for each combination of their
    levels in `names` (('Y', 'N') -> 'cutaneous only'), each with the flags that define it
    (category 'FLAG=Y,FLAG=N')."""
    rows = []
    for levels, label in names.items():
        inside = np.logical_and.reduce(
            [(adsl[f] == level).to_numpy() for f, level in zip(flags, levels)]
        )
        category = ",".join(f"{flag}={level}" for flag, level in zip(flags, levels))
        rows.append({"panel": "overlap", "mark": "count", "label": label, "x": np.nan,
                     "value": float(int(inside.sum())), "source": "adsl", "analysis": "",
                     "population": "SAFFL", "parameter": "", "visit": "",
                     "category": category, "method": "", "statistic": "count"})  # fmt: skip
    return drawn_table(rows)


def response_data(adeff, response, flag, cohort, attainable: pd.DataFrame) -> pd.DataFrame:
    """Per patient of the criterion's population: values at every measured visit, the
    change at the response visit, and the best improvement the scale allows (attainability)."""
    x = visit_times(cohort)
    measured = [v["code"] for v in visits(cohort) if not v.get("reported_only", False)]
    parameter = response["parameter"]
    rows = patient_marks(wide(adeff, parameter, flag, measured), "course", flag, parameter, x)
    rows += change_marks(adeff, response, flag, "improvement")
    chosen = attainable[(attainable["population"] == flag) & (attainable["parameter"] == parameter)]
    patients = chosen["patient"].map(str).to_numpy(dtype=object)  # as str(patient) does
    rows.append(pd.DataFrame(
        {"panel": "improvement", "mark": "best_possible", "label": patients, "x": np.nan,
         "value": chosen["best_possible"].to_numpy(dtype=float), "source": "attainability",
         "analysis": "", "population": flag, "parameter": parameter, "visit": response["visit"],
         "category": patients, "method": "", "statistic": "best_possible"},
        columns=DRAWN_COLUMNS,
    ))  # fmt: skip
    return drawn_table(rows)


def change_column(response: dict) -> str:
    return "PCHG" if response["measure"] == "percent_change" else "CHG"


def change_marks(adeff, response, flag, panel) -> list[dict]:
    """Each patient's change (or percent change) at the response visit, from ADEFF."""
    visit = response["visit"]
    values = wide(adeff, response["parameter"], flag, [visit], change_column(response))
    return patient_marks(values, panel, flag, response["parameter"], {visit: np.nan},
                         change_column(response), mark="change")  # fmt: skip


def waterfall_data(adeff, response, flag) -> pd.DataFrame:
    return drawn_table(change_marks(adeff, response, flag, "waterfall"))


def shown_method(analysis: dict, parameter: str, logarithmic: bool) -> str:
    """The test a panel states: on a log axis the log-scale t-test where the measure's test
    is the t-test (the rank test does not depend on the scale)."""
    method = primary_method(analysis, parameter)
    return "paired_t_log" if logarithmic and method == "paired_t" else method


def measures_data(adeff, ard, analysis, cohort, flag, parameters, target, log_ratio):
    """Per measure: each patient's values (and replicate SDs) at every measured visit, and
    the p of the test on the scale its axis draws (log where the values span more than
    `log_ratio`-fold)."""
    x = visit_times(cohort)
    measured = [v["code"] for v in visits(cohort) if not v.get("reported_only", False)]
    rows = []
    for parameter in parameters:
        values = wide(adeff, parameter, flag, measured)
        rows += patient_marks(values, parameter, flag, parameter, x)
        rows += patient_marks(wide(adeff, parameter, flag, measured, "AVALSD"), parameter, flag,
                              parameter, x, "AVALSD", mark="sd")  # fmt: skip
        logarithmic = log_axis(values.to_numpy(dtype=float), log_ratio)
        rows.append(p_mark(ard, parameter, analysis, flag, parameter, target,
                           shown_method(analysis, parameter, logarithmic)))  # fmt: skip
        rows.append(ard_mark(ard, parameter, "n_pairs", parameter, np.nan,
                             analysis="paired_test", population=flag, parameter=parameter,
                             visit=target, method=primary_method(analysis, parameter),
                             statistic="n_pairs"))  # fmt: skip
    return drawn_table(rows)


def log_axis(values: np.ndarray, ratio: float) -> bool:
    """A log axis where every value is positive and the largest is over `ratio` times the
    smallest."""
    present = values[~np.isnan(values)]
    return bool(len(present)) and present.min() > 0 and present.max() / present.min() > ratio


SUBGROUP_STATISTICS = {
    "subgroup_response": ("pct", "ci_lower", "ci_upper", "n_evaluable"),
    "subgroup_paired_test": ("mean_change", "ci_lower", "ci_upper", "n_pairs"),
}
SUBGROUP_METHODS = {"subgroup_response": "clopper_pearson", "subgroup_paired_test": "paired_t"}


def subgroup_data(ard, flag, parameter, visit, levels: list[str]) -> pd.DataFrame:
    """Per subgroup level, at the one response visit: the response rate and mean change
    with their intervals and n (the ARD rows; a level given twice raises)."""
    rows = [
        ard_mark(ard, analysis, statistic, level, np.nan, analysis=analysis, population=flag,
                 parameter=parameter, visit=visit, category=level,
                 method=SUBGROUP_METHODS[analysis], statistic=statistic)
        for analysis, statistics in SUBGROUP_STATISTICS.items()
        for level in levels
        for statistic in statistics
    ]  # fmt: skip
    return drawn_table(rows)


def subgroup_levels(ard, flag, parameter, visit) -> list[str]:
    """The subgroup levels of the ARD at one visit, in the ARD's order."""
    rows = ard[(ard["analysis"].isin(list(SUBGROUP_STATISTICS))) & (ard["population"] == flag)
               & (ard["parameter"] == parameter) & (ard["visit"] == visit)]  # fmt: skip
    return list(pd.unique(rows["category"]))


def forest_rows(drawn: pd.DataFrame, analysis: str, value: str) -> pd.DataFrame:
    """One row a level (label, value, ci_lower, ci_upper, n) of one subgroup analysis."""
    rows = part(drawn, panel=analysis)
    table = rows.pivot(index="label", columns="mark", values="value")  # duplicates raise
    table = table.reindex(index=pd.unique(rows["label"]))
    count = SUBGROUP_STATISTICS[analysis][-1]
    return pd.DataFrame({"category": table.index, "value": table[value].to_numpy(),
                         "ci_lower": table["ci_lower"].to_numpy(),
                         "ci_upper": table["ci_upper"].to_numpy(),
                         "n": table[count].to_numpy()})  # fmt: skip
