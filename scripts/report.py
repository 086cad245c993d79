from clinrepro.base.resident import hand_over

hand_over()

import sys
from functools import partial
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w")

from clinrepro.base.errors import running_step
from clinrepro.base.files import write_manifest
from clinrepro.base.parallel import processes, run_parts
from clinrepro.power import run as power
from clinrepro.presentation import figures
from clinrepro.presentation import report
from clinrepro.presentation import tables

out = snakemake.output
# the power step's outputs, as it names them (rules/report.smk)
POWER = {"csv": "power_csv", "summary": "power_summary", "curve": "power_curve"}
POWER |= {part: f"power_curve_{part}" for part in ("png", "svg", "caption")}
with running_step(job=snakemake):
    # the figures, the power step and the tables read none of each other's files: side by
    # side on the cores the run has to spare (clinrepro.base.parallel); the page shows them
    figure_parts = figures.parts(
        inputs=dict(snakemake.input.items()),
        analysis=snakemake.params.analysis,
        settings=snakemake.params.figures,
        cohort=snakemake.params.cohort,
        outputs=dict(out.items()),
    )
    power_part = partial(
        power.run,
        adeff=snakemake.input.adeff,
        analysis=snakemake.params.analysis,
        settings=snakemake.params.power,
        cohort=snakemake.params.cohort,
        outputs={part: out[name] for part, name in POWER.items()},
    )
    tables_part = partial(
        tables.run,
        adsl=snakemake.input.adsl,
        adeff=snakemake.input.adeff,
        claims=snakemake.input.claims,
        analysis=snakemake.params.analysis,
        cohort=snakemake.params.cohort,
        template=snakemake.input.table_template,
        outputs={name: out[name] for name in tables.OUTPUTS},
    )
    shared = processes(snakemake.threads, snakemake.resources.run_cores)
    run_parts([power_part, *figure_parts, tables_part], shared)
    report.run(
        inputs=dict(snakemake.input.items())
        | dict(out.items())
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
    own = [path for name, path in out.items() if name != "manifest"]
    write_manifest(paths=list(snakemake.input.upstream) + own, output=out.manifest)
