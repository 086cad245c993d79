"""Which patients' results a variant changes against the reference variant: who joins or
leaves a population, whose responder status differs."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from clinrepro.adam.endpoints import read_adeff
from clinrepro.base.columns import POPULATION_FLAG
from clinrepro.base.files import read_table
from clinrepro.presentation.figure_words import patient_list
from clinrepro.base.study import domain_label
from clinrepro.presentation.variant_words import article, population_name, role_name

RESPONSE_STATUS = {"Y": "responder", "N": "non-responder", "": "not evaluable"}
ADEFF_READ = ("SUBJID", "PARAMCD", "AVISIT", "CRIT1FL")


@dataclass
class Patients:
    """A variant's patient-level results: population flags (ADSL) and responder flags at
    the response visit (ADEFF), with its analysis settings."""

    adsl: pd.DataFrame
    adeff: pd.DataFrame
    analysis: dict


def read_patients(adsl: str, adeff: str, analysis: dict) -> Patients:
    """The columns of a variant's ADSL and ADEFF that say who is in which population and
    who responded."""
    wanted = lambda column: column == "SUBJID" or re.match(POPULATION_FLAG, column)  # noqa: E731
    flags = read_table(adsl, text_columns=("SUBJID",), columns=wanted)
    return Patients(flags, read_adeff(adeff, columns=ADEFF_READ), analysis)


def members(patients: Patients, role: str) -> pd.Index:
    """The patients in a role's population, in ADSL's order."""
    flag = patients.analysis["populations"][role]
    adsl = patients.adsl
    return pd.Index(adsl.loc[(adsl[flag] == "Y").to_numpy(), "SUBJID"].astype(str))


def responder_status(patients: Patients, role: str) -> pd.Series:
    """Each patient's responder flag ('Y', 'N', '' not evaluable) for a role's criterion at
    its response visit."""
    response = patients.analysis["response"][role]
    adeff = patients.adeff
    rows = adeff[
        (adeff["PARAMCD"] == response["parameter"]) & (adeff["AVISIT"] == response["visit"])
    ]
    status = rows["CRIT1FL"].astype(object).fillna("").to_numpy()
    return pd.Series(status, index=rows["SUBJID"].astype(str).to_numpy())


def membership_changes(reference: Patients, variant: Patients) -> list[str]:
    """'removes patients 1, 5 and 11 from active muscle disease', per population role."""
    phrases = []
    for role in variant.analysis["populations"]:
        before, after = members(reference, role), members(variant, role)
        flags = (reference.analysis["populations"][role], variant.analysis["populations"][role])
        name = (
            population_name(flags[1], variant.analysis)
            if flags[0] == flags[1]
            else f"the {role_name(role, variant.analysis)} analyses"
        )
        joined, left = after.difference(before, sort=False), before.difference(after, sort=False)
        if len(joined):
            phrases.append(f"adds {patient_list(list(joined))} to {name}")
        if len(left):
            phrases.append(f"removes {patient_list(list(left))} from {name}")
    return phrases


def status_words_of(status: str, many: bool, role: str = "") -> str:
    """'a muscle non-responder', 'cutaneous responders', 'a responder', 'not evaluable'."""
    if not status:
        return "not evaluable" + (f" for the {role} response" if role else "")
    words = f"{role} {RESPONSE_STATUS[status]}".strip() + ("s" if many else "")
    return words if many else f"{article(words)} {words}"


def responder_changes(reference: Patients, variant: Patients) -> list[str]:
    """'patient 11 counts as a muscle non-responder instead of not evaluable': the patients of
    a role's population under both variants whose responder status differs."""
    phrases = []
    for role in variant.analysis["response"]:
        label = domain_label(role, variant.analysis)
        both = members(reference, role).intersection(members(variant, role), sort=False)
        before = responder_status(reference, role).reindex(both).fillna("")
        after = responder_status(variant, role).reindex(both).fillna("")
        differ = (before != after).to_numpy()
        moves = pd.DataFrame({"old": before[differ], "new": after[differ]})
        for (old, new), part in moves.groupby(["old", "new"], sort=False):
            many = len(part) > 1
            phrases.append(
                f"{patient_list(list(part.index))} {'count' if many else 'counts'} as "
                f"{status_words_of(new, many, label)} instead of {status_words_of(old, many)}"
            )
    return phrases


def patient_changes(reference: Patients, variant: Patients) -> str:
    """Which patients' results a variant changes against the reference variant: population
    membership and responder status, or that it changes none."""
    changes = membership_changes(reference, variant) + responder_changes(reference, variant)
    return "; ".join(changes) if changes else "changes no patient's result"
