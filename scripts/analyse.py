from clinrepro.base.resident import hand_over

hand_over()

import sys

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.base.errors import running_step
from clinrepro.audit import run as audit
from clinrepro.adam import endpoints
from clinrepro.statistics import results as stats
from clinrepro.base.settings import TIDY_TABLES

out = snakemake.output
with running_step(job=snakemake):
    endpoints.run(
        tidy={name: snakemake.input[name] for name in TIDY_TABLES},
        analysis=snakemake.params.analysis,
        cohort=snakemake.params.cohort,
        outputs={"adsl": out.adsl, "adeff": out.adeff},
    )
    stats.run(
        adsl=out.adsl,
        adeff=out.adeff,
        analysis=snakemake.params.analysis,
        cohort=snakemake.params.cohort,
        output=out.ard,
    )
    audit.run(
        claims=snakemake.input.get("claims"),
        outcomes=snakemake.input.get("outcomes"),
        ard=out.ard,
        adsl=out.adsl,
        adeff=out.adeff,
        analysis=snakemake.params.analysis,
        cohort=snakemake.params.cohort,
        limits=snakemake.params.limits,
        default=snakemake.params.default,
        outputs={name: out[name] for name in audit.OUTPUTS},
    )
