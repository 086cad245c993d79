import copy
import os

import yaml
from snakemake.utils import validate

validate(config, schema="../config/schema/config.schema.yaml")

TIDY_TABLES = ("subjects", "regimens", "prior_treatments", "measurements")


def merged(defaults, overrides):
    """Defaults with a variant's overrides applied, nested keys merged one by one."""
    result = copy.deepcopy(defaults)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def load_cohort(name):
    if name not in config["cohorts"]:
        raise ValueError(
            f"run.cohorts names '{name}', which is not among the cohorts "
            f"({', '.join(config['cohorts'])})"
        )
    with open(os.path.join(workflow.basedir, config["cohorts"][name]), encoding="utf-8") as handle:
        settings = yaml.safe_load(handle)
    validate(settings, schema="../config/schema/cohort.schema.yaml")
    return settings


def load_variant(name):
    if name not in config["variants"]:
        raise ValueError(
            f"run.variants names '{name}', which is not among the variants "
            f"({', '.join(config['variants'])})"
        )
    settings = merged(config["analysis"], config["variants"][name] or {})
    validate(settings, schema="../config/schema/analysis.schema.yaml")
    return settings


COHORTS = {name: load_cohort(name) for name in config["run"]["cohorts"]}
VARIANTS = {name: load_variant(name) for name in config["run"]["variants"]}


wildcard_constraints:
    cohort="|".join(COHORTS),
    variant="|".join(VARIANTS),


def tidy_path(name):
    return f"results/{{cohort}}/tidy/{name}.csv"


TIDY = {name: tidy_path(name) for name in TIDY_TABLES}


def cohort_settings(wildcards):
    return COHORTS[wildcards.cohort]


def raw_table(wildcards):
    return COHORTS[wildcards.cohort]["raw"]["table"]


def claims_ledger(wildcards):
    return COHORTS[wildcards.cohort]["raw"]["claims"]


def reported_summaries(wildcards):
    return COHORTS[wildcards.cohort]["raw"]["reported_summaries"]


def baseline_visit(wildcards):
    return COHORTS[wildcards.cohort]["baseline_visit"]


def analysis_settings(wildcards):
    return VARIANTS[wildcards.variant]


def population_roles(wildcards):
    return VARIANTS[wildcards.variant]["populations"]


def variant_tests(wildcards):
    return VARIANTS[wildcards.variant]["tests"]


def final_targets():
    return [f"results/{cohort}/{variant}/claims.csv" for cohort in COHORTS for variant in VARIANTS]
