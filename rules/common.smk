import os

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from clinrepro.settings import (
    FIGURES,
    TIDY_TABLES,
    cohort_settings as read_cohort,
    module_sources,
    variant_settings,
)

# --config gives nested values as text: whole numbers in generate: are read as numbers
GENERATE = config.get("generate", {})
for spec in GENERATE.values():
    for key in ("patients", "seed"):
        if str(spec.get(key, "")).isdigit():
            spec[key] = int(spec[key])

validate(config, schema="../config/schema/config.schema.yaml")


def generated_path(kind):
    return f"results/{{cohort}}/raw/{kind}.csv"


def load_cohort(name):
    settings = read_cohort(config, name, workflow.basedir)
    try:
        validate(settings, schema="../config/schema/cohort.schema.yaml")
    except WorkflowError as error:
        raise WorkflowError(f"The settings of cohort '{name}' are invalid.", error)
    if name in GENERATE:
        if not settings["synthetic"] or "raw" in settings:
            raise WorkflowError(
                f"Cohort '{name}' is generated (config generate:), so its settings must say "
                "synthetic: true and have no raw: files."
            )
        kinds = ("table", "claims", "reported_summaries")
        settings["raw"] = {kind: generated_path(kind).format(cohort=name) for kind in kinds}
    elif "raw" not in settings:
        raise WorkflowError(f"Cohort '{name}' has no raw: files and is not generated.")
    return settings


def load_variant(name):
    settings = variant_settings(config, name)
    try:
        validate(settings, schema="../config/schema/analysis.schema.yaml")
    except WorkflowError as error:
        raise WorkflowError(f"Variant '{name}' of the config is invalid.", error)
    return settings


COHORTS = {name: load_cohort(name) for name in config["run"]["cohorts"]}
# the cohorts generated ones are resampled from, whether they are run or not
SEEDS = {
    seed: load_cohort(seed)
    for seed in {GENERATE[name]["from"] for name in COHORTS if name in GENERATE}
}
# every variant of the config is checked, built or not: a typo is caught before it is used
DEFINED_VARIANTS = {name: load_variant(name) for name in config["variants"]}
VARIANTS = {name: variant_settings(config, name) for name in config["run"]["variants"]}


wildcard_constraints:
    cohort="|".join(COHORTS),
    variant="|".join(VARIANTS),


# the format of the tidy tables and analysis datasets (config storage: intermediates)
INTERMEDIATES = config["storage"]["intermediates"]


def tidy_path(name):
    return f"results/{{cohort}}/tidy/{name}.{INTERMEDIATES}"


def dataset(name):
    """An analysis dataset (ADSL, ADEFF) of a cohort and variant."""
    return f"results/{{cohort}}/{{variant}}/{name}.{INTERMEDIATES}"


TIDY = {name: tidy_path(name) for name in TIDY_TABLES}


def stage_code(module):
    """The package sources a stage runs, so that editing them reruns the stage."""
    return module_sources(module, "clinrepro")


def seed_settings(wildcards):
    return SEEDS[GENERATE[wildcards.cohort]["from"]]


def seed_table(wildcards):
    return seed_settings(wildcards)["raw"]["table"]


def benchmark_path(step):
    """Wall time and peak memory of each job (Snakemake's benchmark files)."""
    return f"logs/{{cohort}}/benchmark/{step}.tsv"


def variant_benchmark_path(step):
    return f"logs/{{cohort}}/{{variant}}/benchmark/{step}.tsv"


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


# templates the HTML pages include; the page's own template is an input of its rule
TEMPLATES = {
    "macros": "report/templates/macros.html.j2",
    "style": "report/templates/style.css.j2",
}


def final_targets():
    per_variant = [
        f"results/{cohort}/{variant}/{name}"
        for cohort in COHORTS
        for variant in VARIANTS
        for name in ("claims.csv", "report.html", "MANIFEST.sha256")
    ]
    return per_variant + [f"results/{cohort}/sensitivity/sensitivity.html" for cohort in COHORTS]


def variant_results(wildcards):
    """Every variant's ARD and claims audit of the cohort, keyed for the script."""
    inputs = {}
    for variant in VARIANTS:
        inputs[f"{variant}_ard"] = f"results/{wildcards.cohort}/{variant}/ard.csv"
        inputs[f"{variant}_claims"] = f"results/{wildcards.cohort}/{variant}/claims.csv"
    return inputs


def all_variant_settings(wildcards):
    return VARIANTS


def figure_dpi(wildcards):
    return config["figures"]["dpi"]


def figure_settings(wildcards):
    return config["figures"] | {"synthetic": COHORTS[wildcards.cohort]["synthetic"]}


def figure_outputs():
    """Each figure's PNG (in Snakemake's report), SVG and caption, named for the script."""
    outputs = {}
    for name in FIGURES:
        stem = f"results/{{cohort}}/{{variant}}/figures/{name}"
        outputs[f"{name}_png"] = report(
            f"{stem}.png",
            caption="../report/figure.rst",
            category="Figures",
            subcategory="{cohort}, variant {variant}",
            labels={"figure": name, "variant": "{variant}"},
        )
        outputs[f"{name}_svg"] = f"{stem}.svg"
        outputs[f"{name}_caption"] = f"{stem}.json"
    return outputs


def power_settings(wildcards):
    return config["power"] | {
        "dpi": config["figures"]["dpi"],
        "synthetic": COHORTS[wildcards.cohort]["synthetic"],
    }


def report_figures(wildcards):
    """Every figure's PNG and caption, keyed for the report script."""
    folder = f"results/{wildcards.cohort}/{wildcards.variant}/power"
    inputs = {
        "power_curve_png": f"{folder}/power_curve.png",
        "power_curve_caption": f"{folder}/power_curve.json",
        "power_summary": f"{folder}/power_summary.csv",
    }
    for name in FIGURES:
        folder = f"results/{wildcards.cohort}/{wildcards.variant}/figures/{name}"
        inputs[f"{name}_png"] = f"{folder}.png"
        inputs[f"{name}_caption"] = f"{folder}.json"
    return inputs


# Resources for schedulers (SLURM, Kubernetes, ...): every step is single-threaded; its
# memory is a base plus a factor per MB of the tables it reads, and grows with each retry.
# A Parquet MB counts as PARQUET_EXPANSION MB of CSV (58 MB of tidy CSV are 3.7 MB of
# Parquet at 10^5 patients); the factors cover each step's peak measured at 10^6 patients
# (benchmarks/bench_scale.py, README "Scale").
MEMORY_BASE_MB = 800
PARQUET_EXPANSION = 16


def table_mb(input):
    """The size of a step's inputs in MB of CSV text (files not written yet count 0)."""
    sizes = [
        os.path.getsize(path) * (PARQUET_EXPANSION if path.endswith(".parquet") else 1)
        for path in input
        if os.path.exists(path)
    ]
    return sum(sizes) / 1e6


def memory_mb(per_mb):
    def estimate(wildcards, input, attempt):
        return int(MEMORY_BASE_MB + per_mb * table_mb(input)) * attempt

    return estimate


def synthesis_memory_mb(wildcards, attempt):
    """The generator holds the cohort it writes: about 1 kB a patient (1.7 GB at 10^6)."""
    patients = config["generate"][wildcards.cohort]["patients"]
    return int(MEMORY_BASE_MB + patients / 1000) * attempt


def runtime_minutes(wildcards, input, attempt):
    return int(10 + input.size_mb) * attempt
