"""The joint specification search: one reading of the methods for every claim at once.

The reconciliation explains claims one at a time; a reader of the publication gets one set
of methods for all its numbers. A specification fixes, for every computable claim together:

- population: which patients each population role of the ledger means (the flag the
  analysis settings map it to, or the cohort's whole population);
- summaries: every value at the visit, or only patients with values at both the baseline
  and the response visit;
- missing responses: left out, or counted as non-responders;
- test: the paired test behind every p-value (test, reference distribution, sides);
- rounding: how every printed value was rounded.

Every specification is recomputed from the per-patient values (reconcile's recipes) and
scored by how many claims it reproduces; ties go to the specification that departs least
from the variant's own analysis. Pure: tables in, tables out.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP

import numpy as np
import pandas as pd

from clinrepro.adam.endpoints import COMPARATORS
from clinrepro.audit.reconcile.claims import ROUNDINGS, Claim, claims_to_search
from clinrepro.audit.reconcile.recipes import (
    REFERENCE_WORDS,
    TEST_VARIANTS,
    PairedTest,
    Recipe,
    Response,
    Summary,
    population_members,
    recipe_for,
)
from clinrepro.base.printed import round_half_up, rounded
from clinrepro.base.settings import EXACT_MAX_PAIRS
from clinrepro.base.study import population_words
from clinrepro.base.terms import TEST_NAMES

SPECIFICATION_COLUMNS = [
    "rank",
    "reproduced",
    "claims",
    "departures",
    "populations",
    "summaries",
    "missing",
    "test",
    "rounding",
    "own",
    "reproduced_ids",
    "left_out_ids",
]
SUMMARY_RULES = {
    "available": "every value at the visit",
    "paired": "only patients with values at both visits",
}
MISSING_WORDS = {"exclude": "left out", "nonresponder": "counted as non-responders"}
ALL_ROUNDINGS = (("rounded half up", ROUND_HALF_UP), *ROUNDINGS)


def computable_claims(audit: pd.DataFrame, ledger: pd.DataFrame, analysis: dict) -> list[Claim]:
    """Every claim the data give a value for (match or mismatch), as reconcile reads them."""
    computable = audit[audit["status"].isin(["match", "mismatch"])]
    every = computable.assign(status="mismatch")  # claims_to_search takes the mismatches
    return claims_to_search(every, ledger, analysis)


def role_choices(claims: list[Claim], analysis: dict) -> dict[str, list[str]]:
    """Each population role a claim names -> the flags it may mean: the analysis's own and
    the cohort's whole population."""
    whole = analysis["populations"].get("cohort", "SAFFL")
    roles = sorted({claim.role for claim in claims if claim.role})
    return {
        role: list(dict.fromkeys([analysis["populations"].get(role, whole), whole]))
        for role in roles
    }


def printed_with(value: float, claim: Claim, mode) -> bool:
    """Whether the value, rounded by `mode` at the claim's precision, gives the claim."""
    if value is None or not np.isfinite(value):
        return False
    if claim.comparator != "=":
        return bool(COMPARATORS[claim.comparator](value, claim.reported))
    return rounded(value, claim.precision, mode) == round_half_up(claim.reported, claim.precision)


class Values:
    """A claim's value under each setting, computed once."""

    def __init__(self, recipe):
        self.recipe, self.cache = recipe, {}

    def get(self, setting) -> float:
        if setting not in self.cache:
            numbers = self.recipe.all_numbers(setting)
            self.cache[setting] = self.recipe.statistic(numbers[~np.isnan(numbers)], setting)
        return self.cache[setting]


def setting_for(recipe, flag: str, summaries: str, missing: str, test: tuple, own_test):
    """The reconcile setting of one claim under a specification."""
    base = recipe.base()
    setting = replace(base, flag=flag)
    if isinstance(recipe, Summary) and summaries == "paired":
        table = recipe.table
        if recipe.column == table.baseline:
            others = [c for c in range(len(table.visits)) if c != recipe.column]
            other = others[0] if others else None
        else:
            other = table.baseline if table.baseline >= 0 else None
        setting = replace(setting, paired_with=other)
    if isinstance(recipe, Response):
        setting = replace(setting, missing=missing)
    if isinstance(recipe, PairedTest) and recipe.claim.statistic == "p_value":
        setting = replace(setting, test=None if test == own_test else test)
    return setting


OWN_TEST = "each p-value by the analysis's own test"


def test_words(test: tuple) -> str:
    name, reference, sides = test
    return f"{TEST_NAMES[name]}, {REFERENCE_WORDS[reference]}, {sides}"


def claim_recipes(claims, adsl, adeff, analysis) -> tuple[list[Claim], dict[str, Recipe]]:
    """The claims the data give a recipe for, and their recipes by claim id."""
    flags = population_members(adsl)
    tables: dict = {}
    recipes = {}
    for claim in claims:
        recipe = recipe_for(claim, adsl, adeff, flags, analysis, tables)
        if not isinstance(recipe, str):
            recipes[claim.claim_id] = recipe
    return [claim for claim in claims if claim.claim_id in recipes], recipes


@dataclass
class Choices:
    """What a specification may choose, each list the analysis's own choice first; and
    each paired test's own test, and which have too many pairs for the exact one."""

    roles: dict[str, list[str]]
    summaries: list[str]
    missing: list[str]
    tests: list  # None: each p-value by the analysis's own test for its measure
    own_missing: str
    own_tests: dict[str, tuple]
    too_many_for_exact: set[str]
    has_tests: bool

    def specifications(self):
        """Every specification: (meaning of each role, summaries, missing, test, rounding)."""
        roles = list(self.roles)
        for reading in itertools.product(*(self.roles[role] for role in roles)):
            meaning = dict(zip(roles, reading))
            for summaries, missing, test, rounding in itertools.product(
                self.summaries, self.missing, self.tests, ALL_ROUNDINGS
            ):
                yield meaning, summaries, missing, test, rounding

    def test_of(self, claim: Claim, test):
        """The test a specification's `test` means for a claim, and the claim's own test."""
        own = self.own_tests.get(claim.claim_id)
        chosen = own if test is None else test
        if test is not None and test[1] == "exact" and claim.claim_id in self.too_many_for_exact:
            chosen = (
                own  # beyond it clinrepro.statistics.results itself uses the normal approximation
            )
        return chosen, own


def choices_for(claims: list[Claim], recipes: dict[str, Recipe], analysis: dict) -> Choices:
    own_missing = analysis.get("missing_response", "exclude")
    own_tests, too_many_for_exact = {}, set()
    for claim in claims:
        recipe = recipes[claim.claim_id]
        if isinstance(recipe, PairedTest):
            numbers = recipe.all_numbers(recipe.base())
            numbers = numbers[~np.isnan(numbers)]
            own_tests[claim.claim_id] = recipe.own_test(numbers)
            if np.count_nonzero(numbers) > EXACT_MAX_PAIRS:
                too_many_for_exact.add(claim.claim_id)
    has_tests = any(claim.statistic == "p_value" for claim in claims if claim.claim_id in own_tests)
    kinds = {type(recipe) for recipe in recipes.values()}
    has_summaries = any(issubclass(kind, Summary) for kind in kinds)
    has_responses = Response in kinds
    return Choices(
        roles=role_choices(claims, analysis),
        summaries=list(SUMMARY_RULES) if has_summaries else ["available"],
        missing=(
            [own_missing, *[m for m in MISSING_WORDS if m != own_missing]]
            if has_responses
            else [own_missing]
        ),
        tests=[None, *TEST_VARIANTS] if has_tests else [None],
        own_missing=own_missing,
        own_tests=own_tests,
        too_many_for_exact=too_many_for_exact,
        has_tests=has_tests,
    )


class Reproduction:
    """Whether a claim is reproduced under a specification. It depends only on the choices
    its recipe reads (its own population, and summaries, missing responses or test by its
    kind) and the rounding: each such combination is settled once, however many
    specifications share it."""

    def __init__(self, recipes: dict[str, Recipe]):
        self.recipes = recipes
        self.values = {claim_id: Values(recipe) for claim_id, recipe in recipes.items()}
        self.settled: dict = {}

    def __call__(self, claim, flag, summaries, missing, chosen, own, mode) -> bool:
        recipe = self.recipes[claim.claim_id]
        key = (
            claim.claim_id,
            flag,
            summaries if isinstance(recipe, Summary) else None,
            missing if isinstance(recipe, Response) else None,
            chosen if isinstance(recipe, PairedTest) else None,
            mode,
        )
        if key not in self.settled:
            setting = setting_for(recipe, flag, summaries, missing, chosen, own)
            value = self.values[claim.claim_id].get(setting)
            self.settled[key] = printed_with(value, claim, mode)
        return self.settled[key]


def specification_row(specification, claims, choices: Choices, reproduces, analysis) -> dict:
    """One specification: the claims it reproduces and leaves out, its departures from
    the analysis's own choices, in words."""
    meaning, summaries, missing, test, (rounding, mode) = specification
    reproduced, left_out = [], []
    for claim in claims:
        chosen, own = choices.test_of(claim, test)
        flag = meaning.get(claim.role, claim.flag)
        (
            reproduced
            if reproduces(claim, flag, summaries, missing, chosen, own, mode)
            else left_out
        ).append(claim.claim_id)
    departures = sum(
        [
            *(flag != analysis["populations"].get(r, flag) for r, flag in meaning.items()),
            summaries != "available",
            missing != choices.own_missing,
            test is not None,
            mode != ROUND_HALF_UP,
        ]
    )
    return {
        "reproduced": len(reproduced),
        "claims": len(claims),
        "departures": departures,
        "populations": "; ".join(
            f"{role}: {population_words(flag, analysis)}" for role, flag in meaning.items()
        ),
        "summaries": SUMMARY_RULES[summaries],
        "missing": f"missing responses {MISSING_WORDS[missing]}",
        "test": test_words(test) if test is not None and choices.has_tests else OWN_TEST,
        "rounding": rounding,
        "own": "Y" if departures == 0 else "N",
        "reproduced_ids": " ".join(reproduced),
        "left_out_ids": " ".join(left_out),
    }


def specification_search(
    audit: pd.DataFrame,
    ledger: pd.DataFrame,
    adsl: pd.DataFrame,
    adeff: pd.DataFrame,
    analysis: dict,
) -> pd.DataFrame:
    """Every specification, best first (SPECIFICATION_COLUMNS); empty without claims."""
    computable = computable_claims(audit, ledger, analysis)
    claims, recipes = claim_recipes(computable, adsl, adeff, analysis)
    if not claims:
        return pd.DataFrame(columns=SPECIFICATION_COLUMNS)
    choices = choices_for(claims, recipes, analysis)
    reproduces = Reproduction(recipes)
    rows = [
        specification_row(specification, claims, choices, reproduces, analysis)
        for specification in choices.specifications()
    ]
    table = pd.DataFrame(rows)
    table["order"] = np.arange(len(table))
    table = table.sort_values(
        ["reproduced", "departures", "order"], ascending=[False, True, True], kind="stable"
    )
    table["rank"] = np.arange(1, len(table) + 1)
    return table.reindex(columns=SPECIFICATION_COLUMNS).reset_index(drop=True)
