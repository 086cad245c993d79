import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.errors import running_step
from clinrepro import tables

with running_step(job=snakemake):
    tables.run(
        adsl=snakemake.input.adsl,
        adeff=snakemake.input.adeff,
        claims=snakemake.input.claims,
        analysis=snakemake.params.analysis,
        cohort=snakemake.params.cohort,
        template=snakemake.input.template,
        outputs=dict(snakemake.output.items()),
    )
