import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.errors import running_step
from clinrepro import audit

with running_step(job=snakemake):
    audit.run(
        claims=snakemake.input.get("claims"),
        outcomes=snakemake.input.get("outcomes"),
        ard=snakemake.input.ard,
        adsl=snakemake.input.adsl,
        adeff=snakemake.input.adeff,
        analysis=snakemake.params.analysis,
        cohort=snakemake.params.cohort,
        limits=snakemake.params.limits,
        outputs=dict(snakemake.output.items()),
    )
