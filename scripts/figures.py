import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.base.errors import running_step
from clinrepro.power import run as power
from clinrepro.presentation import figures

# the outputs named power_* are the power step's (rules/figures.smk)
outputs = dict(snakemake.output.items())
with running_step(job=snakemake):
    figures.run(
        inputs=dict(snakemake.input.items()),
        analysis=snakemake.params.analysis,
        settings=snakemake.params.settings,
        cohort=snakemake.params.cohort,
        outputs={k: v for k, v in outputs.items() if not k.startswith("power_")},
    )
    power.run(
        adeff=snakemake.input.adeff,
        analysis=snakemake.params.analysis,
        settings=snakemake.params.power,
        cohort=snakemake.params.cohort,
        outputs={k.removeprefix("power_"): v for k, v in outputs.items() if k.startswith("power_")},
    )
