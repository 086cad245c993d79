import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.errors import running_step
from clinrepro import audit

with running_step(job=snakemake):
    audit.run(
        claims=snakemake.input.get("claims"),
        ard=snakemake.input.ard,
        analysis=snakemake.params.analysis,
        output=snakemake.output[0],
    )
