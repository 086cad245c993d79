import csv
import os
import sys
from pathlib import Path


from clinrepro.base.imports import code_file
from clinrepro.base.settings import (
    FIGURES,
    TIDY_TABLES,
    SettingsError,
    cohort_problems,
    cohort_analysis as analysis_of_cohort,
    cohort_settings as read_cohort,
    drafting_settings as drafting_of,
    foreign_domains,
    numbers_read,
    schema_problems,
    population_roles as roles_of,
    undeclared_domains,
    variant_settings,
    keep_job_settings,
)

# the rules' scripts import this workflow's own package, as the line above did, whichever
# other copy is installed (the code inputs are this workflow's files)
os.environ.update(
    PYTHONPATH=os.pathsep.join(filter(None, (workflow.basedir, os.environ.get("PYTHONPATH"))))
)
# The jobs load no test plugins: where the test tools share the environment (`make` puts
# them in .venv), pandera's first validation imports hypothesis, which would load its
# plugins (pytest, trio) in every job, 0.2 s each (docs/benchmarks.md)
os.environ.setdefault("HYPOTHESIS_NO_PLUGINS", "1")

# --config hands nested values over as text: what reads as a number becomes one
for section in set(config) - {"run", "cohorts"}:
    config[section] = numbers_read(config[section])
GENERATE = config.get("generate", {})
CONFIG_FILE = "config/config.yaml"


def refuse(message):
    """Stop before any job runs with the workflow's own message (no traceback)."""
    print(f"Error: {message}", file=sys.stderr)
    sys.exit(1)


# settings that passed their schema before (clinrepro.base.settings.schema_problems)
PASSED_FOLDER = Path(workflow.basedir, ".snakemake", "clinrepro", "passed")


def checked(settings, schema, what):
    """Validate settings against a JSON schema; the error names the key, what and where."""
    lines = schema_problems(settings, Path(workflow.basedir, schema), PASSED_FOLDER)
    if lines:
        refuse(f"{what} are invalid:\n  - " + "\n  - ".join(lines))


checked(config, "config/schema/config.schema.yaml", f"The settings of {CONFIG_FILE}")


# the unreviewed draft ledger of a cohort audited on the draft of its text (rule draft_ledger)
DRAFT_LEDGER = "results/{cohort}/draft/claims.csv"


def generated_path(kind):
    return f"results/{{cohort}}/raw/{kind}.csv"


def load_cohort(name):
    try:
        settings = read_cohort(config, name, workflow.basedir)
    except SettingsError as error:
        refuse(str(error))
    path = config["cohorts"][name]
    checked(
        settings, "config/schema/cohort.schema.yaml", f"The settings of cohort '{name}' ({path})"
    )
    if name in GENERATE:
        if not settings["synthetic"] or "raw" in settings:
            refuse(
                f"Cohort '{name}' is generated (config generate:), so its settings ({path}) must "
                "say synthetic: true and have no raw: files."
            )
        kinds = ("table", "claims", "reported_summaries")
        settings["raw"] = {kind: generated_path(kind).format(cohort=name) for kind in kinds}
    elif "raw" not in settings:
        refuse(f"Cohort '{name}' has no raw: files and is not generated ({path}).")
    if name in config.get("texts", {}):
        # a text given on the command line (--config 'texts={cohort: path}') over raw: text
        given = config["texts"][name]
        if not os.path.exists(given):
            refuse(
                f"The text given for cohort '{name}' on the command line (texts=) does not "
                f"exist: {given}"
            )
        settings["raw"] = settings["raw"] | {"text": given}
    text = settings["raw"].get("text")
    if "claims" not in settings["raw"] and text and os.path.exists(text):
        # no ledger, but the paper's text: the audit runs on the unreviewed draft
        settings["raw"]["claims"] = DRAFT_LEDGER.format(cohort=name)
        settings["drafted_claims"] = True
    settings["file"] = path
    needed = ("patients", "measurements") if settings["layout"] == "registry" else ("table",)
    for kind in needed:
        if kind not in settings["raw"]:
            refuse(
                f"Cohort '{name}' ({path}) is in the {settings['layout']} layout, so raw: needs {kind}:."
            )
    return settings


def ledger_ids(settings):
    """The claim ids of a cohort's ledger; None without one, or before it is generated."""
    path = settings["raw"].get("claims")
    if not path or not os.path.exists(path):
        return None
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [row.get("claim_id", "") for row in csv.DictReader(handle)]


def config_measures():
    """The measure codes the config's cohorts declare: a variant's `scales` may name one that
    only some of them measure (a cohort file that does not read adds none)."""
    codes = set()
    for name in config["cohorts"]:
        try:
            codes |= set(read_cohort(config, name, workflow.basedir)["measures"])
        except (SettingsError, KeyError, TypeError):
            pass
    return sorted(codes)


def load_analyses(name, settings):
    """Every variant's analysis settings for one cohort, each validated, then checked
    against what the cohort measured."""
    analyses = {}
    for variant in config["variants"]:
        analysis = variant_settings(config, variant, settings)
        if variant not in config["run"]["variants"] and foreign_domains(config, variant, analysis):
            continue  # a variant of the default domains, which this cohort does not have
        undeclared = undeclared_domains(analysis)
        if undeclared:
            declared = ", ".join(analysis.get("domains") or {})
            refuse(
                f"The analysis settings of variant '{variant}' for cohort '{name}' "
                f"({CONFIG_FILE}, {config['cohorts'][name]}) name a domain that is not declared "
                f"in analysis.domains ({declared}): "
                + ", ".join(".".join(path) for path, _ in undeclared)
            )
        checked(
            analysis,
            "config/schema/analysis.schema.yaml",
            f"The analysis settings of variant '{variant}' for cohort '{name}' ({CONFIG_FILE}, "
            f"{config['cohorts'][name]})",
        )
        analyses[variant] = analysis
    ids = ledger_ids(settings)
    if ids is None and name in GENERATE:
        ids = settings.get("key_claims")  # checked against the ledger once it is generated
    problems = cohort_problems(settings, analyses, ids, config["variants"], CONFIG_MEASURES)
    if problems:
        refuse(
            f"The settings of cohort '{name}' ({config['cohorts'][name]}) do not fit together:\n  - "
            + "\n  - ".join(problems)
        )
    return analyses


for section in ("cohorts", "variants"):
    for name in config["run"][section]:
        if name not in config[section]:
            refuse(
                f"run.{section} names '{name}', which is not among the {section} "
                f"({', '.join(config[section])}) of {CONFIG_FILE}"
            )
CONFIG_MEASURES = config_measures()
COHORTS = {name: load_cohort(name) for name in config["run"]["cohorts"]}
# the cohorts generated ones are resampled from, whether they are run or not
SEEDS = {
    seed: load_cohort(seed)
    for seed in {GENERATE[name]["from"] for name in COHORTS if name in GENERATE}
}
# every variant of the config is checked for every cohort run, built or not: a typo is
# caught before it is used
ANALYSES = {name: load_analyses(name, settings) for name, settings in COHORTS.items()}
VARIANTS = list(config["run"]["variants"])


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


# the code inputs of the last start, kept while no source changed (clinrepro.base.imports)
CODE_INPUTS_STORE = Path(workflow.basedir, ".snakemake", "clinrepro", "code_inputs.json")
# each job's code input: a file listing the digests of the sources it runs
CODE_FOLDER = Path(".snakemake", "clinrepro", "code")


def script_code(script):
    """A file standing for the package sources a rule's script imports, transitively (the
    real import graph), and the data files they read: editing code a job runs reruns it,
    editing any other code does not (clinrepro.base.imports.code_file)."""
    try:
        return code_file(f"scripts/{script}.py", workflow.basedir, CODE_INPUTS_STORE, CODE_FOLDER)
    except FileNotFoundError as error:
        missing = os.path.relpath(error.filename, workflow.basedir)
        refuse(f"The code of scripts/{script}.py reads {missing}, which is missing.")
    except OSError as error:
        refuse(f"The code inputs of the {script} jobs cannot be kept in {CODE_FOLDER}: {error}")


# Each job's settings, kept in a file named by a digest of them, written once and an input
# of the job (clinrepro.base.settings.keep_job_settings): changed settings are another
# file, so the job reruns (its set of inputs changed), a start running at the same time
# never alters the file of a job it did not run, and a start with nothing to do compares no
# params, for which Snakemake would import pandas (0.3 s of each start; docs/benchmarks.md).
# The params are the settings themselves, as this start computed them for the file.
SETTINGS_FOLDER = Path(".snakemake", "clinrepro", "settings")
# the settings of each file this start named
SETTINGS_HELD = {}


def job_settings(step, **values):
    """A step's settings file, an input function (`input: settings=...`), and its params,
    the settings that file holds (`params: **...`); each value a setting, or a function of
    the wildcards giving one."""

    def settings_file(wildcards):
        variant = [wildcards.variant] if "variant" in wildcards.keys() else []
        folder = SETTINGS_FOLDER.joinpath(wildcards.cohort, *variant, step)
        settings = {
            name: value(wildcards) if callable(value) else value for name, value in values.items()
        }
        try:
            path = keep_job_settings(folder, settings)
        except OSError as error:
            refuse(f"The settings of the {step} job cannot be kept in {folder}: {error}")
        SETTINGS_HELD[path] = settings
        return path

    def param(name):
        def read(wildcards, input):
            return SETTINGS_HELD[input.settings][name]

        return read

    return settings_file, {name: param(name) for name in values}


def seed_settings(wildcards):
    return SEEDS[GENERATE[wildcards.cohort]["from"]]


def generation(key):
    """A setting of the cohort's generation (config generate:)."""

    def setting(wildcards):
        return GENERATE[wildcards.cohort][key]

    return setting


def seed_table(wildcards):
    return seed_settings(wildcards)["raw"]["table"]


def benchmark_path(step):
    """Wall time and peak memory of each job (Snakemake's benchmark files)."""
    return f"logs/{{cohort}}/benchmark/{step}.tsv"


def variant_benchmark_path(step):
    return f"logs/{{cohort}}/{{variant}}/benchmark/{step}.tsv"


def cohort_settings(wildcards):
    """The cohort's study facts; its analysis overrides reach the steps merged into the
    variant's analysis settings, so changing them reruns only the analysis. The paper's text
    and the drafting settings reach only the draft's rules (and, for a cohort audited on the
    draft, the report, which names the text): giving a text reruns no extraction."""
    settings = COHORTS[wildcards.cohort]
    facts = {k: v for k, v in settings.items() if k not in ("analysis", "drafting")}
    if not settings.get("drafted_claims"):
        facts["raw"] = {k: v for k, v in settings["raw"].items() if k != "text"}
    return facts


def raw_files(*kinds):
    """The cohort's raw files of these kinds that it has, keyed by kind (for unpack)."""

    def files(wildcards):
        raw = COHORTS[wildcards.cohort]["raw"]
        return {kind: raw[kind] for kind in kinds if kind in raw}

    return files


# the per-patient data (a wide table, or a registry's patients and measurements files)
patient_data = raw_files("table", "patients", "measurements")
# the claims ledger and the reported summaries, where the cohort has them
published = raw_files("claims", "reported_summaries", "outcomes")
ledger = raw_files("claims", "outcomes")
summaries = raw_files("reported_summaries")
every_raw_file = raw_files(
    "table", "patients", "measurements", "claims", "reported_summaries", "outcomes"
)


def population_roles(wildcards):
    """The population roles the cohort's variants declare: a ledger's look-ups name them."""
    return roles_of(ANALYSES[wildcards.cohort])


def analysis_settings(wildcards):
    return ANALYSES[wildcards.cohort][wildcards.variant]


# templates the HTML pages include; the page's own template is an input of its rule
TEMPLATES = {
    "macros": "report/templates/macros.html.j2",
    "style": "report/templates/style.css.j2",
}


def has_text(cohort):
    """Whether the cohort gives a text to draft its ledger from, and the text is there (a
    fresh clone without it builds everything else)."""
    path = COHORTS[cohort]["raw"].get("text")
    return bool(path) and os.path.exists(path)


def raw_text(wildcards):
    return COHORTS[wildcards.cohort]["raw"]["text"]


def ledger_claims(wildcards):
    return COHORTS[wildcards.cohort]["raw"]["claims"]


def cohort_analysis(wildcards):
    """The analysis defaults with the cohort's own overrides (no variant's): the roles and
    criteria a draft's look-ups name."""
    return analysis_of_cohort(config, COHORTS[wildcards.cohort])


def drafting_settings(wildcards):
    return drafting_of(config, COHORTS[wildcards.cohort])


def draft_targets():
    """The draft ledger of each cohort with a text, and the draft against its ledger."""
    targets = []
    for cohort in COHORTS:
        if has_text(cohort):
            targets.append(f"results/{cohort}/claims_draft.csv")
            if not COHORTS[cohort].get("drafted_claims"):
                targets.append(f"results/{cohort}/claims_draft_vs_ledger.csv")
    return targets


def final_targets():
    per_variant = [
        f"results/{cohort}/{variant}/{name}"
        for cohort in COHORTS
        for variant in VARIANTS
        for name in ("claims.csv", "report.html", "MANIFEST.sha256")
    ]
    sensitivity = [f"results/{cohort}/sensitivity/sensitivity.html" for cohort in COHORTS]
    return per_variant + sensitivity + draft_targets()


def variant_results(wildcards):
    """Every variant's ARD and claims audit of the cohort, keyed for the script."""
    inputs = {}
    for variant in VARIANTS:
        inputs[f"{variant}_ard"] = f"results/{wildcards.cohort}/{variant}/ard.csv"
        inputs[f"{variant}_claims"] = f"results/{wildcards.cohort}/{variant}/claims.csv"
    return inputs


def all_variant_settings(wildcards):
    return {variant: ANALYSES[wildcards.cohort][variant] for variant in VARIANTS}


def figure_dpi(wildcards):
    return config["figures"]["dpi"]


# figures drawn before, by what they draw: most are the same in several variants
# (clinrepro.presentation.figure_cache; docs/benchmarks.md)
FIGURE_CACHE = ".snakemake/clinrepro/figures"


def figure_settings(wildcards):
    synthetic = COHORTS[wildcards.cohort]["synthetic"]
    return config["figures"] | {"synthetic": synthetic, "cache": FIGURE_CACHE}


def figure_outputs():
    """Each figure's PNG (in Snakemake's report), SVG, caption (with its title) and the
    table of the values it draws, named for the script."""
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
        outputs[f"{name}_data"] = f"{stem}.csv"
    return outputs


def power_settings(wildcards):
    """The power settings with the figures' dpi and the folder of figures drawn before."""
    return config["power"] | {"dpi": config["figures"]["dpi"], "cache": FIGURE_CACHE}


def report_inputs(wildcards):
    """Every raw file of the cohort, keyed for the report script (the page lists them)."""
    return {f"raw_{kind}": path for kind, path in every_raw_file(wildcards).items()}


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
