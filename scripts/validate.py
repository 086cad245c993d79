from clinrepro.base.resident import hand_over

hand_over()

import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.base.errors import running_step
from clinrepro.reading import validate

with running_step(
    problems=snakemake.log.problems, max_problems=snakemake.params.max_problems, job=snakemake
):
    validate.run(
        tidy={name: snakemake.input[name] for name in validate.TIDY_TABLES},
        claims=snakemake.input.get("claims"),
        reported=snakemake.input.get("reported_summaries"),
        outcomes=snakemake.input.get("outcomes"),
        settings=snakemake.params.cohort,
        roles=snakemake.params.roles,
        output=snakemake.output[0],
    )
