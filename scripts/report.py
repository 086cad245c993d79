import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.errors import running_step
from clinrepro import report

with running_step(job=snakemake):
    report.run(
        inputs=dict(snakemake.input.items()),
        cohort=snakemake.params.cohort,
        analysis=snakemake.params.analysis,
        power=snakemake.params.power,
        max_rows_shown=snakemake.params.max_rows_shown,
        variant=snakemake.wildcards.variant,
        project=str(Path(snakemake.scriptdir).parent),
        output=snakemake.output[0],
    )
