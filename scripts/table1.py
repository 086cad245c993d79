from clinrepro.base.resident import hand_over

hand_over()

import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.base.errors import running_step
from clinrepro.presentation import tables
from clinrepro.base.settings import TIDY_TABLES

with running_step(job=snakemake):
    tables.run_table1(
        tidy={name: snakemake.input[name] for name in TIDY_TABLES},
        settings=snakemake.params.cohort,
        max_rows_shown=snakemake.params.max_rows_shown,
        template=snakemake.input.template,
        outputs=dict(snakemake.output.items()),
    )
