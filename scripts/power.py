import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.base.errors import running_step
from clinrepro.power import run as power

with running_step(job=snakemake):
    power.run(
        adeff=snakemake.input.adeff,
        analysis=snakemake.params.analysis,
        settings=snakemake.params.settings,
        cohort=snakemake.params.cohort,
        outputs=dict(snakemake.output.items()),
    )
