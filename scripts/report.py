import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.base.errors import running_step
from clinrepro.base.files import write_manifest
from clinrepro.presentation import report
from clinrepro.presentation import tables

out = snakemake.output
with running_step(job=snakemake):
    tables.run(
        adsl=snakemake.input.adsl,
        adeff=snakemake.input.adeff,
        claims=snakemake.input.claims,
        analysis=snakemake.params.analysis,
        cohort=snakemake.params.cohort,
        template=snakemake.input.table_template,
        outputs={name: out[name] for name in tables.OUTPUTS},
    )
    report.run(
        inputs=dict(snakemake.input.items())
        | {"claims_table": out.claims_csv, "baseline": out.baseline_csv},
        cohort=snakemake.params.cohort,
        analysis=snakemake.params.analysis,
        power=snakemake.params.power,
        default=snakemake.params.default,
        max_rows_shown=snakemake.params.max_rows_shown,
        variant=snakemake.wildcards.variant,
        project=str(Path(snakemake.scriptdir).parent),
        output=out.page,
    )
    own = [out[name] for name in tables.OUTPUTS] + [out.page]
    write_manifest(paths=list(snakemake.input.upstream) + own, output=out.manifest)
