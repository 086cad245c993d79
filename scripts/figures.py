import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.errors import running_step
from clinrepro import figures

with running_step():
    figures.run(
        inputs=dict(snakemake.input.items()),
        analysis=snakemake.params.analysis,
        settings=snakemake.params.settings,
        outputs=dict(snakemake.output.items()),
    )
