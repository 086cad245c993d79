from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "report/workflow.rst"


include: "rules/common.smk"
include: "rules/synthesize.smk"
include: "rules/extract.smk"
include: "rules/validate.smk"
include: "rules/table1.smk"
include: "rules/draft.smk"
include: "rules/analyse.smk"
include: "rules/report.smk"
include: "rules/sensitivity.smk"


rule all:
    default_target: True
    input:
        final_targets(),
