import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.errors import running_step
from clinrepro import endpoints
from clinrepro.settings import TIDY_TABLES

with running_step(job=snakemake):
    endpoints.run(
        tidy={name: snakemake.input[name] for name in TIDY_TABLES},
        analysis=snakemake.params.analysis,
        cohort=snakemake.params.cohort,
        outputs=dict(snakemake.output.items()),
    )
