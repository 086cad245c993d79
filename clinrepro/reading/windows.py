"""Analysis windows, as an ADaM dataset derives them: a registry's dated measurements onto
the cohort's visits.

The study day of a date counts from the treatment's start (day 1; the day before is day
-1, there is no day 0). Each measured visit of the settings has a window in study days
(`window: {low, high, target}`): at the baseline visit the last value in its window is
analysed, at a follow-up visit the value closest to its target day (on a tie, the
earlier); a row without a value is analysed only where no row of its window has one.
Every other value is kept, with the reason it is not analysed.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from clinrepro.base.errors import Problem
from clinrepro.base.study import measured_visits, measures
from clinrepro.reading.schemas import NA_TOKEN
from clinrepro.reading.validation import raise_if_any

DEFAULT_DATE_FORMAT = "%Y-%m-%d"
NOT_IN_WINDOW = "not in any window"
NOT_ANALYSED_COLUMNS = (
    "subject_id",
    "parameter",
    "date",
    "study_day",
    "source_cell",
    "reason",
)


def date_format(settings: dict) -> str:
    return settings.get("date_format", DEFAULT_DATE_FORMAT)


def dates(printed: pd.Series, subjects: pd.Series, settings: dict, file: str, column: str):
    """The printed dates as dates; a cell that is not a date of the cohort's format is
    refused, naming patient, column and value, with an example of the format."""
    fmt = date_format(settings)
    parsed = pd.to_datetime(printed, format=fmt, errors="coerce")
    example = date(2024, 3, 1).strftime(fmt)
    bad = parsed.isna()
    raise_if_any(
        [
            Problem(file, subject, column, value, f"not a date of the form {example} (date_format)")
            for subject, value in zip(subjects[bad], printed[bad])
        ]
    )
    return parsed


def study_days(when: pd.Series, start: pd.Series) -> np.ndarray:
    """Study day: the start is day 1, the day before it day -1; there is no day 0."""
    days = (when.to_numpy() - start.to_numpy()).astype("timedelta64[D]").astype(float)
    return np.where(days >= 0, days + 1, days)


def window_of(day: np.ndarray, settings: dict) -> np.ndarray:
    """The index (in the measured visits) of the window each study day falls in, -1 where
    none (windows do not overlap: the settings check refuses that)."""
    found = np.full(len(day), -1)
    for number, visit in enumerate(measured_visits(settings)):
        window = visit["window"]
        found[(day >= window["low"]) & (day <= window["high"]) & (found < 0)] = number
    return found


def row_problems(
    raw: pd.DataFrame, printed: pd.DataFrame, starts: pd.Series, settings: dict, file: str
) -> None:
    """Refuse rows no window can place: an unknown measure or patient."""
    header = settings["measurement_columns"]
    known = [m["printed"] for m in measures(settings).values()]
    odd = ~raw["measure"].isin(known)
    unknown = ~raw["subject"].isin(starts.index)
    raise_if_any(
        [
            Problem(
                file,
                subject,
                header["measure"],
                measure,
                f"unknown measure; known: {', '.join(map(repr, known))}",
            )
            for subject, measure in zip(raw["subject"][odd], printed["measure"][odd])
        ]
        + [
            Problem(file, subject, header["subject"], subject, "patient not in the patients file")
            for subject in raw["subject"][unknown]
        ]
    )


def ranked_rows(
    raw: pd.DataFrame, printed: pd.DataFrame, day: np.ndarray, settings: dict, file: str
) -> pd.DataFrame:
    """Each row's window, and its rank in it: at baseline the last day first, else the day
    closest to the target, the earlier on a tie; a row without a value last. The same
    measure twice on one day is refused."""
    visits = measured_visits(settings)
    rows = pd.DataFrame(
        {
            "subject": raw["subject"].to_numpy(),
            "measure": raw["measure"].to_numpy(),
            "day": day,
            "window": window_of(day, settings),
            "no_value": (raw["value"] == NA_TOKEN).to_numpy(),
        }
    )
    twice = rows.duplicated(["subject", "measure", "day"], keep=False).to_numpy()
    raise_if_any(
        [
            Problem(
                file,
                subject,
                settings["measurement_columns"]["date"],
                value,
                f"{measure} twice on this date",
            )
            for subject, measure, value in zip(
                raw["subject"][twice], raw["measure"][twice], printed["date"][twice]
            )
        ]
    )
    baseline = np.array([v["code"] == settings["baseline_visit"] for v in visits])
    target = np.array([v["window"]["target"] for v in visits], dtype=float)
    at = np.where(rows["window"] >= 0, rows["window"], 0)
    rows["distance"] = np.where(baseline[at], -day, np.abs(day - target[at]))
    rows["tie"] = np.where(baseline[at], 0, day)
    return rows


def windowed(
    raw: pd.DataFrame, printed: pd.DataFrame, starts: pd.Series, settings: dict, file: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The rows analysed, each with the printed label of its visit (so that they read as a
    visit-labelled export), the windows of those rows, and the rows not analysed with why.

    `starts` are the patients' start dates, indexed by patient."""
    raw, printed = raw.reset_index(drop=True), printed.reset_index(drop=True)
    row_problems(raw, printed, starts, settings, file)
    when = dates(
        printed["date"], raw["subject"], settings, file, settings["measurement_columns"]["date"]
    )
    day = study_days(when, starts.reindex(raw["subject"]))
    rows = ranked_rows(raw, printed, day, settings, file)
    group = ["subject", "measure", "window"]
    ranked = rows[rows["window"] >= 0].sort_values([*group, "no_value", "distance", "tie"])
    chosen = ranked.drop_duplicates(group).index
    visits = measured_visits(settings)
    window = [visits[w] for w in rows.loc[chosen, "window"]]
    code_of = {m["printed"]: code for code, m in measures(settings).items()}
    analysed = raw.loc[chosen].assign(visit=[v.get("printed", v["code"]) for v in window])
    details = pd.DataFrame(
        {
            "subject_id": raw.loc[chosen, "subject"].to_numpy(),
            "parameter": raw.loc[chosen, "measure"].map(code_of).to_numpy(),
            "visit": [v["code"] for v in window],
            "date": when[chosen].dt.strftime("%Y-%m-%d").to_numpy(),
            "study_day": day[chosen],
            **{
                f"window_{end}": [float(v["window"][end]) for v in window]
                for end in ("low", "high", "target")
            },
        }
    )
    left = rows.index.difference(chosen)
    winner = pd.Series(
        when[chosen].to_numpy(), index=pd.MultiIndex.from_frame(rows.loc[chosen, group])
    )
    beaten_by = winner.reindex(pd.MultiIndex.from_frame(rows.loc[left, group]))
    reasons = [NOT_IN_WINDOW if pd.isna(by) else f"superseded by {by:%Y-%m-%d}" for by in beaten_by]
    not_analysed = pd.DataFrame(
        {
            "subject_id": raw.loc[left, "subject"].to_numpy(),
            "parameter": raw.loc[left, "measure"].map(code_of).to_numpy(),
            "date": when[left].dt.strftime("%Y-%m-%d").to_numpy(),
            "study_day": day[left],
            "source_cell": printed.loc[left, "value"].to_numpy(),
            "reason": reasons,
        },
        columns=list(NOT_ANALYSED_COLUMNS),
    )
    return analysed, printed.loc[chosen].assign(visit=analysed["visit"]), details, not_analysed
