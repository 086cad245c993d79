from clinrepro.base.resident import hand_over

hand_over()

import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.base.errors import running_step
from clinrepro.drafting import run

with running_step(job=snakemake):
    run.run_ledger(draft=snakemake.input.draft, output=snakemake.output[0])
