"""A SYNTHETIC dated export, REDCap style, made from a visit-labelled registry export.

The same patients and values, written as an electronic case report form exports them: a
treatment start date a patient, a date on every measurement instead of a visit label
(each inside its visit's window), sex and antibody as numeric codes, previous treatments
as one checkbox column an answer, creatine kinase in two units, and a few values the
windows do not analyse (an earlier baseline, a value between two windows, a second
follow-up value farther from the target). Deterministic: no random numbers.

    python -m clinrepro.synthetic.dated <visit-labelled cohort settings> <dated cohort settings>
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from clinrepro.base.settings import cohort_settings
from clinrepro.base.study import no_treatment_words

FIRST_START = pd.Timestamp("2024-01-08")
DATE_FORMAT = "%d/%m/%Y"


def inverse(words: dict) -> dict:
    return {code: label for label, code in words.items()}


def visit_days(dated: dict) -> dict[str, list[int]]:
    """Each visit's study days, patient k's day the k-th of a cycle around the target that
    stays inside the window: baseline days -1 to -5, follow-ups target - 3 to target + 3."""
    days = {}
    for visit in dated["visits"]:
        window = visit["window"]
        if visit["code"] == dated["baseline_visit"]:
            days[visit["printed"]] = [-1, -2, -3, -4, -5]
        else:
            days[visit["printed"]] = [window["target"] + d for d in (-3, -1, 0, 1, 3, 2, -2)]
    return days


def on_day(start: pd.Timestamp, day: int) -> str:
    """The date of a study day (no day 0: day 1 is the start, day -1 the day before)."""
    return (start + pd.Timedelta(days=day - 1 if day > 0 else day)).strftime(DATE_FORMAT)


def dated_patients(patients: pd.DataFrame, source: dict, dated: dict) -> pd.DataFrame:
    columns, out = source["columns"], {}
    codes = {kind: inverse(words) for kind, words in dated["vocabularies"].items()}
    for name, header in dated["columns"].items():
        if name == "start_date":
            out[header] = [
                (FIRST_START + pd.Timedelta(days=3 * k)).strftime(DATE_FORMAT)
                for k in range(len(patients))
            ]
        elif name in ("sex", "antibody"):
            out[header] = patients[columns[name]].map(
                lambda label, kind=name: codes[kind][source["vocabularies"][kind][label]]
            )
        else:
            out[header] = patients[columns[name]]
    none = no_treatment_words(source)
    lists = patients[columns["prior_treatment"]].map(
        lambda cell: (
            []
            if cell in none
            else [source["vocabularies"]["prior_treatment"][x.strip()] for x in cell.split(",")]
        )
    )
    for header, code in dated["prior_treatment_checkboxes"].items():
        out[header] = lists.map(lambda items, code=code: "1" if code in items else "0")
    return pd.DataFrame(out)


def dated_rows(rows: pd.DataFrame, starts: dict, source: dict, dated: dict) -> pd.DataFrame:
    header = source["measurement_columns"]
    days = visit_days(dated)
    order = {patient: k for k, patient in enumerate(starts)}
    patient = rows[header["subject"]]
    day = [
        days[visit][order[p] % len(days[visit])] for p, visit in zip(patient, rows[header["visit"]])
    ]
    unit_of = {m["printed"]: m["unit"] for m in dated["measures"].values()}
    out = pd.DataFrame(
        {
            "subject": patient,
            "date": [on_day(starts[p], d) for p, d in zip(patient, day)],
            "measure": rows[header["measure"]],
            "value": rows[header["value"]],
            "unit": rows[header["measure"]].map(unit_of),
        }
    )
    # creatine kinase in µkat/L where the U/L value is a multiple of 3 (it then prints
    # exactly: 189 U/L = 3.15 µkat/L)
    ck = dated["measures"]["CK"]
    numbers = pd.to_numeric(out["value"], errors="coerce")
    other = out["measure"].eq(ck["printed"]) & (numbers % 3 == 0)
    ukat, factor = next(iter(ck["units"].items()))
    out.loc[other, "value"] = (numbers[other] / factor).map(lambda v: f"{v:g}")
    out.loc[other, "unit"] = ukat
    rows = pd.concat([out, not_analysed_rows(starts, dated)], ignore_index=True)
    return rows.rename(columns=dated["measurement_columns"])


def not_analysed_rows(starts: dict, dated: dict) -> pd.DataFrame:
    """Values the windows leave out: three earlier baselines (superseded), one value between
    the windows, one follow-up value farther from its target than the patient's own."""
    patients = list(starts)
    cdasi, mmt8 = (dated["measures"][code]["printed"] for code in ("CDASI", "MMT8"))
    follow_up = dated["visits"][1]["window"]
    between = follow_up["high"] + 10
    extra = [
        (patients[0], -25, cdasi, "40"),
        (patients[1], -20, cdasi, "35"),
        (patients[2], -28, cdasi, "30"),
        (patients[3], between, cdasi, "12"),
        (patients[4], follow_up["high"], mmt8, "140"),
    ]
    unit_of = {m["printed"]: m["unit"] for m in dated["measures"].values()}
    return pd.DataFrame(
        {
            "subject": [p for p, *_ in extra],
            "date": [on_day(starts[p], d) for p, d, *_ in extra],
            "measure": [m for *_, m, _ in extra],
            "value": [v for *_, v in extra],
            "unit": [unit_of[m] for *_, m, _ in extra],
        }
    )


def dated_tables(source: dict, dated: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The dated export's patients and measurements files, from the source's."""
    patients = pd.read_csv(source["raw"]["patients"], dtype=str, keep_default_na=False)
    rows = pd.read_csv(source["raw"]["measurements"], dtype=str, keep_default_na=False)
    out = dated_patients(patients, source, dated)
    starts = {
        patient: pd.to_datetime(start, format=DATE_FORMAT)
        for patient, start in zip(
            out[dated["columns"]["subject"]], out[dated["columns"]["start_date"]]
        )
    }
    return out, dated_rows(rows, starts, source, dated)


def main(source_path: str, dated_path: str) -> None:
    source = cohort_settings({"cohorts": {"source": source_path}}, "source")
    dated = cohort_settings({"cohorts": {"dated": dated_path}}, "dated")
    patients, rows = dated_tables(source, dated)
    Path(dated["raw"]["patients"]).parent.mkdir(parents=True, exist_ok=True)
    patients.to_csv(dated["raw"]["patients"], index=False)
    rows.to_csv(dated["raw"]["measurements"], index=False)
    if "claims" in dated["raw"]:
        Path(dated["raw"]["claims"]).write_bytes(Path(source["raw"]["claims"]).read_bytes())
    print("\n".join(dated["raw"].values()))


if __name__ == "__main__":
    main(*sys.argv[1:3])
