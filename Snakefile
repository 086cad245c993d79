from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


include: "rules/common.smk"
include: "rules/extract.smk"
include: "rules/validate.smk"
include: "rules/endpoints.smk"
include: "rules/stats.smk"
include: "rules/audit.smk"


rule all:
    default_target: True
    input:
        final_targets(),
