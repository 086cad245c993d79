"""The cells behind every claim: which printed cells of the source table a recomputed value
used, and which patients it left out and why.

ADEFF keeps each value's printed column and cell (SRCCOL, SRCCELL); ADSL's characteristics
are printed back as the table prints them, under the cohort's header for the column.
"""

from __future__ import annotations

import pandas as pd

from clinrepro.base.printed import printed_number
from clinrepro.base.study import combined, domains

CELL_COLUMNS = ["claim_id", "patient", "used", "reason", "column", "cell"]
# ADSL column -> the cohort's canonical column it is read from (its printed header)
ADSL_SOURCE = {
    "AGE": "age",
    "SEX": "sex",
    "DISDUR": "disease_duration",
    "ABTYPE": "antibody",
    "NPRIOR": "prior_treatment",
    "ANYPRIOR": "prior_treatment",
    "PRIORTRT": "prior_treatment",
    "TRTMOL": "molecule",
    "TRTDOSE": "dose",
    "TRT01A": "molecule",
}


class Records(dict):
    """Each (measure, visit)'s records indexed by patient, each looked up once."""

    def __init__(self, adeff: pd.DataFrame):
        super().__init__()
        columns = ["SUBJID", "PARAMCD", "AVISIT", "AVAL", "SRCCOL", "SRCCELL"]
        self.groups = adeff[columns].groupby(["PARAMCD", "AVISIT"], observed=True)

    def __missing__(self, key):
        try:
            rows = self.groups.get_group(key).set_index("SUBJID")
        except KeyError:
            rows = pd.DataFrame(columns=["AVAL", "SRCCOL", "SRCCELL"])
        self[key] = rows
        return rows


def _head(values, limit: int) -> list:
    """The first `limit` values as a list (a long column is not turned into Python objects)."""
    return list(values[:limit]) if not isinstance(values, (str, list)) else values[:limit]


def _rows(claim_id, patients, used, reason, columns, cells, limit: int) -> list[dict]:
    """One row a patient's cell, the first `limit` listed and the others counted on one row."""
    heads = [_head(values, limit) for values in (patients, columns, cells)]
    rows = [
        {"claim_id": claim_id, "patient": p, "used": used, "reason": reason, "column": c, "cell": v}
        for p, c, v in zip(*heads)
    ]
    if len(patients) > limit:
        more = f"{reason}; " if reason else ""
        rows.append({"claim_id": claim_id, "patient": "", "used": used, "column": heads[1][0],
                     "reason": f"{more}{len(patients) - limit:,} more not listed", "cell": ""})  # fmt: skip
    return rows


def _left_out(claim_id, adsl: pd.DataFrame, flag: str, limit: int) -> list:
    """The patients outside the claim's population, in ADSL's order: those not flagged
    'Y' (ADSL's ids are unique, by its schema)."""
    others = pd.Index(adsl.loc[(adsl[flag] != "Y").to_numpy(), "SUBJID"])
    blank = [""] * min(len(others), limit + 1)
    return _rows(claim_id, others, "N", f"not in the population ({flag})", blank, blank, limit)


def measure_cells(claim, adsl, records: Records, flag, visits, limit: int) -> list[dict]:
    """Cells of a claim on a measure: every visit it reads, patients with every value used."""
    members = pd.Index(adsl.loc[adsl[flag] == "Y", "SUBJID"])
    records = {visit: records[(claim["parameter"], visit)].reindex(members) for visit in visits}
    present = pd.concat([r["AVAL"].notna() for r in records.values()], axis=1).all(axis=1)
    rows = []
    for visit, part in records.items():
        used = part[present.to_numpy()]
        rows += _rows(
            claim["claim_id"], used.index, "Y", "", used["SRCCOL"], used["SRCCELL"], limit
        )
    for patient in members[~present.to_numpy()][:limit]:
        missing = [v for v, part in records.items() if pd.isna(part.at[patient, "AVAL"])]
        column = records[missing[0]].at[patient, "SRCCOL"]
        cell = records[missing[0]].at[patient, "SRCCELL"]
        reason = f"no {claim['parameter']} value at {', '.join(missing)}"
        rows += _rows(claim["claim_id"], [patient], "N", reason, [column], [cell], limit)
    return rows + _left_out(claim["claim_id"], adsl, flag, limit)


def characteristic_cells(claim, adsl, flag, cohort, limit: int) -> list[dict]:
    """Cells of a claim on a patient characteristic (ADSL), printed as the table prints them."""
    members = adsl[adsl[flag] == "Y"].set_index("SUBJID")
    column = claim["parameter"]
    columns = cohort["columns"]
    # the treatment is printed in one cell (regimen) or as molecule and dose apart
    source = (
        "regimen" if column == "TRT01A" and "regimen" in columns else ADSL_SOURCE.get(column, "")
    )
    header = columns.get(source, column) if source else column
    values = members[column] if column in members else pd.Series("Y", index=members.index)
    present = values.notna().to_numpy()
    kept = values[present].iloc[:limit]
    # no prior treatment is an empty PRIORTRT; the table prints the cohort's token for it
    blank = cohort.get("no_treatment_token", "") if source == "prior_treatment" else ""
    shown = [printed_number(v) if isinstance(v, float) else str(v) or blank for v in kept]
    headers = [header] * (limit + 1)  # the rows listed, and the one counting the others
    rows = _rows(claim["claim_id"], values.index[present], "Y", "", headers, shown, limit)
    absent = values.index[~present]
    rows += _rows(claim["claim_id"], absent, "N", f"no {column} recorded", headers,
                  [""] * min(len(absent), limit), limit)  # fmt: skip
    return rows + _left_out(claim["claim_id"], adsl, flag, limit)


def flag_sources(analysis: dict | None) -> dict[str, list[str]]:
    """Each disease population's flag -> the measures its active-disease criterion reads at
    baseline (the criterion's, then its `otherwise`'s); the combined population's, every
    domain's."""
    if analysis is None:
        return {}
    sources = {}
    for code, domain in domains(analysis).items():
        criterion = analysis["active_disease"][code]
        otherwise = criterion.get("otherwise")
        sources[domain["flag"]] = [criterion["parameter"]] + (
            [otherwise["parameter"]] if otherwise else []
        )
    both = combined(analysis)
    if both:
        sources[both["flag"]] = list(dict.fromkeys(p for ps in sources.values() for p in ps))
    return sources


def criterion_cells(claim, adsl, records: Records, flag, measure, base, limit: int) -> list:
    """The baseline cells a population flag is derived from, for every patient the claim
    counts (a missing value as printed: the criterion decides without it)."""
    members = pd.Index(adsl.loc[adsl[flag] == "Y", "SUBJID"])
    part = records[(measure, base)].reindex(members)
    # a patient without a baseline record (a layout that leaves missing visits out) is
    # listed under the measure's column, with no cell
    printed = part["SRCCOL"].dropna()
    columns = part["SRCCOL"].fillna(printed.iloc[0] if len(printed) else measure)
    cells = part["SRCCELL"].fillna("")
    return _rows(claim["claim_id"], members, "Y", "", columns, cells, limit)


def claim_cells(
    ledger: pd.DataFrame,
    audit: pd.DataFrame,
    adsl: pd.DataFrame,
    adeff: pd.DataFrame,
    cohort: dict,
    limit: int = 10_000,
    analysis: dict | None = None,
) -> pd.DataFrame:
    """For each claim the data answer, every cell it used (used = Y) and every patient it
    left out with the reason (used = N); over `limit` patients a claim lists the first and
    counts the others. A claim on a disease population's flag also lists the baseline cells
    the flag is derived from (`analysis`'s active-disease criteria)."""
    flags = audit.set_index("claim_id")["population_flag"]
    sources = flag_sources(analysis)
    base = cohort["baseline_visit"]
    records = Records(adeff)
    measures = set(pd.Series(adeff["PARAMCD"].unique()).astype(str))  # not a value a record
    rows = []
    for _, claim in ledger.iterrows():
        flag = flags.get(claim["claim_id"])
        if pd.isna(claim["analysis"]) or pd.isna(flag) or not flag:
            continue
        parameter = claim["parameter"]
        if parameter in measures:
            visit = claim["visit"]
            paired = claim["analysis"] in ("paired_test", "response") and visit != base
            visits = [base, visit] if paired else [visit]
            rows += measure_cells(claim, adsl, records, flag, visits, limit)
        else:
            rows += characteristic_cells(claim, adsl, flag, cohort, limit)
            for measure in [m for m in sources.get(parameter, []) if m in measures]:
                rows += criterion_cells(claim, adsl, records, flag, measure, base, limit)
    return pd.DataFrame(rows, columns=CELL_COLUMNS)
