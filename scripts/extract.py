import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.errors import running_step
from clinrepro import extract

with running_step(problems=snakemake.log.problems, max_problems=snakemake.params.max_problems):
    extract.run(
        table=snakemake.input.table,
        settings=snakemake.params.cohort,
        outputs=dict(snakemake.output.items()),
    )
