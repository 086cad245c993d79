from clinrepro.base.resident import hand_over

hand_over()

import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.base.errors import running_step
from clinrepro.synthetic import generate

with running_step(job=snakemake):
    generate.run(
        seed_table=snakemake.input.seed_table,
        seed_settings=snakemake.params.seed_cohort,
        n=snakemake.params.patients,
        seed=snakemake.params.seed,
        outputs=dict(snakemake.output.items()),
        defaults=snakemake.params.defaults,
    )
