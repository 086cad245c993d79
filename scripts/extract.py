from clinrepro.base.resident import hand_over

hand_over()

import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.base.errors import running_step
from clinrepro.reading import extract

with running_step(
    problems=snakemake.log.problems, max_problems=snakemake.params.max_problems, job=snakemake
):
    extract.run(
        raw={
            kind: snakemake.input[kind]
            for kind in extract.RAW_KINDS
            if kind in snakemake.input.keys()
        },
        settings=snakemake.params.cohort,
        outputs=dict(snakemake.output.items()),
    )
