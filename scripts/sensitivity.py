from clinrepro.base.resident import hand_over

hand_over()

import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.base.errors import running_step
from clinrepro.presentation import sensitivity

with running_step(job=snakemake):
    sensitivity.run(
        inputs=dict(snakemake.input.items()),
        variants=snakemake.params.variants,
        analyses=snakemake.params.analyses,
        overrides=snakemake.params.overrides,
        cohort=snakemake.params.cohort,
        dpi=snakemake.params.dpi,
        template=snakemake.input.template,
        outputs=dict(snakemake.output.items()),
    )
