import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.base.errors import running_step
from clinrepro.presentation import figures

with running_step(job=snakemake):
    figures.run(
        inputs=dict(snakemake.input.items()),
        analysis=snakemake.params.analysis,
        settings=snakemake.params.settings,
        cohort=snakemake.params.cohort,
        outputs=dict(snakemake.output.items()),
    )
