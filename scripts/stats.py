import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.errors import running_step
from clinrepro import stats

with running_step(job=snakemake):
    stats.run(
        adsl=snakemake.input.adsl,
        adeff=snakemake.input.adeff,
        analysis=snakemake.params.analysis,
        cohort=snakemake.params.cohort,
        output=snakemake.output[0],
    )
