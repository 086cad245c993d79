import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.errors import running_step
from clinrepro import audit

with running_step():
    audit.run(
        claims=snakemake.input.claims,
        ard=snakemake.input.ard,
        populations=snakemake.params.populations,
        tests=snakemake.params.tests,
        output=snakemake.output[0],
    )
