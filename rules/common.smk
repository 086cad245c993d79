from snakemake.utils import validate

from clinrepro.settings import TIDY_TABLES, cohort_settings as read_cohort, variant_settings

validate(config, schema="../config/schema/config.schema.yaml")


def load_cohort(name):
    settings = read_cohort(config, name, workflow.basedir)
    validate(settings, schema="../config/schema/cohort.schema.yaml")
    return settings


def load_variant(name):
    settings = variant_settings(config, name)
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
