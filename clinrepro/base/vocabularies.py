"""The controlled vocabularies (sexes, antibodies, molecules, previous treatments) and the
adult age range: data in config/vocabularies.yaml, which a cohort's settings may extend.

A cohort adds codes under `terms:` (`terms: {prior_treatments: {JAKI: another JAK
inhibitor}, antibodies: {...}, molecules: [...]}`) and may set its own `adult_age: [18,
110]`; it never removes a shipped code. Imports nothing heavier than yaml.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

# the data files this module reads, relative to the project's folder: code inputs of every
# rule whose script imports it (clinrepro.base.imports)
DATA_FILES = ("config/vocabularies.yaml",)
PROJECT = Path(__file__).resolve().parents[2]
# the vocabularies a cohort may extend: code -> words, or (molecules) a list of codes
VOCABULARIES = ("sexes", "antibodies", "molecules", "prior_treatments")


@functools.cache
def shipped() -> dict:
    """The vocabularies and the adult age range of config/vocabularies.yaml."""
    with open(PROJECT / DATA_FILES[0], encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def cohort_terms(cohort: dict | None = None) -> dict:
    """The vocabularies in force for a cohort: the shipped ones, each extended by the
    cohort's `terms:`, and its `adult_age` (the shipped range where it sets none)."""
    found = shipped()
    own = (cohort or {}).get("terms") or {}
    terms = {}
    for name in VOCABULARIES:
        added = own.get(name) or ({} if isinstance(found[name], dict) else [])
        if isinstance(found[name], dict):
            terms[name] = {**found[name], **added}
        else:
            terms[name] = [*found[name], *(code for code in added if code not in found[name])]
    terms["adult_age"] = tuple((cohort or {}).get("adult_age") or found["adult_age"])
    return terms
