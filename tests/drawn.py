"""Every value a figure draws, looked up again where it comes from.

Each figure writes the table of what it draws (`figures/<name>.csv`, clinrepro.presentation.figure_data);
`check_variant` reads those tables for one variant of a built cohort and finds every value
again in the ARD, ADEFF, attainability table, reported summaries, ADSL or visit settings,
so a figure that drew a number no table gives (an average over visits, say) fails.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from clinrepro.statistics.ard import read_ard
from clinrepro.adam.endpoints import read_adeff, read_adsl
from clinrepro.presentation.figure_data import ARD_KEYS, DRAWN_COLUMNS
from clinrepro.base.files import read_table

FIGURE_NAMES = ("course", "disease_overlap", "response_patients", "waterfall", "other_measures",
                "subgroups")  # fmt: skip


def read_drawn(path: Path) -> pd.DataFrame:
    text = [column for column in DRAWN_COLUMNS if column not in ("x", "value")]
    drawn = pd.read_csv(path, dtype={column: str for column in text}, keep_default_na=False,
                        na_values={"x": [""], "value": [""]})  # fmt: skip
    assert list(drawn.columns) == DRAWN_COLUMNS, path
    return drawn


def from_ard(drawn: pd.DataFrame, ard: pd.DataFrame) -> np.ndarray:
    keys = ard[ARD_KEYS].astype(str)
    found = pd.concat([keys, ard["value"]], axis=1)
    assert not found.duplicated(ARD_KEYS).any()
    merged = drawn[ARD_KEYS].merge(found, on=ARD_KEYS, how="left", validate="many_to_one")
    return merged["value"].to_numpy(dtype=float)


def from_adeff(drawn: pd.DataFrame, adeff: pd.DataFrame) -> np.ndarray:
    values = []
    for row in drawn.itertuples():
        rows = adeff[(adeff["SUBJID"].astype(str) == row.category)
                     & (adeff["PARAMCD"] == row.parameter) & (adeff["AVISIT"] == row.visit)
                     & (adeff[row.population] == "Y")]  # fmt: skip
        assert len(rows) == 1, row
        values.append(float(rows[row.statistic].iloc[0]))
    return np.array(values)


def from_attainability(drawn: pd.DataFrame, table: pd.DataFrame) -> np.ndarray:
    table = table.assign(patient=table["patient"].astype(str))
    merged = drawn.merge(table, left_on=["population", "parameter", "visit", "category"],
                         right_on=["population", "parameter", "visit", "patient"], how="left",
                         validate="many_to_one")  # fmt: skip
    return merged["best_possible"].to_numpy(dtype=float)


def from_reported(drawn: pd.DataFrame, reported: pd.DataFrame) -> np.ndarray:
    merged = drawn.merge(reported.rename(columns={"value": "reported"}),
                         on=["parameter", "visit", "statistic"], how="left", validate="many_to_one")  # fmt: skip
    return merged["reported"].to_numpy(dtype=float)


def from_adsl(drawn: pd.DataFrame, adsl: pd.DataFrame) -> np.ndarray:
    counts = []
    for conditions in drawn["category"]:
        mask = np.ones(len(adsl), dtype=bool)
        for condition in conditions.split(","):
            flag, level = condition.split("=")
            mask &= (adsl[flag] == level).to_numpy()
        counts.append(float(mask.sum()))
    return np.array(counts)


def from_settings(drawn: pd.DataFrame, cohort: dict) -> np.ndarray:
    visits = {visit["code"]: visit for visit in cohort["visits"]}
    return np.array([float(visits[row.visit][row.statistic]) for row in drawn.itertuples()])


def reported_file(project: Path, cohort: dict) -> Path:
    """The reported summaries a cohort's figures overlay: its raw file, or, for a cohort the
    workflow generates (no raw: files), the one written beside its generated table."""
    raw = cohort.get("raw", {}).get("reported_summaries")
    return project / (raw or f"results/{cohort['name']}/raw/reported_summaries.csv")


def check_variant(project: Path, cohort_name: str, variant: str) -> Counter:
    """Every drawn value of a variant's figures equals its source; returns how many values
    of each source were checked."""
    cohort = yaml.safe_load((project / f"config/cohorts/{cohort_name}.yaml").read_text("utf-8"))
    folder = project / f"results/{cohort_name}/{variant}"
    sources = {
        "ard": lambda part: from_ard(part, read_ard(str(folder / "ard.csv"))),
        "adeff": lambda part: from_adeff(part, read_adeff(str(folder / "adeff.csv"))),
        "adsl": lambda part: from_adsl(part, read_adsl(str(folder / "adsl.csv"))),
        "attainability": lambda part: from_attainability(
            part, read_table(str(folder / "attainability.csv"), text_columns=("patient",))
        ),
        "reported": lambda part: from_reported(
            part, read_table(str(reported_file(project, cohort)))
        ),
        "settings": lambda part: from_settings(part, cohort),
    }
    checked = Counter()
    for name in FIGURE_NAMES:
        drawn = read_drawn(folder / f"figures/{name}.csv")
        assert set(drawn["source"]) <= set(sources), name
        for source, part in drawn.groupby("source"):
            expected = sources[source](part)
            np.testing.assert_array_equal(
                part["value"].to_numpy(dtype=float), expected, err_msg=f"{name}: {source}"
            )
            checked[source] += len(part)
    return checked
