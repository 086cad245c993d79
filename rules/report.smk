REPORT_SETTINGS, REPORT_PARAMS = job_settings(
    "report",
    cohort=cohort_settings,
    analysis=analysis_settings,
    # the cohort's analysis without the variant's overrides, which the page says the
    # variant departs from
    default=cohort_analysis,
    figures=figure_settings,
    power=power_settings,
    max_rows_shown=config["tables"]["max_rows_shown"],
)


# One job per variant from the results to the page: the figures, the power and sample size,
# the baseline and claims tables, the report that shows them, then the manifest of every
# file of the variant. Each user edit (a threshold, a figure setting, the ledger) reruns all
# of them anyway, a figure drawn before is copied (FIGURE_CACHE), and each part took a
# process of its own for a few seconds, most of it imports (docs/benchmarks.md).
rule report:
    input:
        unpack(report_inputs),
        unpack(summaries),
        **TEMPLATES,
        code=script_code("report"),
        claims="results/{cohort}/{variant}/claims.csv",
        reconciliation="results/{cohort}/{variant}/reconciliation.csv",
        cells="results/{cohort}/{variant}/claims_cells.csv",
        specifications="results/{cohort}/{variant}/specifications.csv",
        checks="results/{cohort}/{variant}/summary_checks.csv",
        outcomes="results/{cohort}/{variant}/outcomes.csv",
        attainability="results/{cohort}/{variant}/attainability.csv",
        eligibility="results/{cohort}/{variant}/eligibility.csv",
        ard="results/{cohort}/{variant}/ard.csv",
        adsl=dataset("adsl"),
        adeff=dataset("adeff"),
        table1="results/{cohort}/tables/table1.csv",
        not_analysed=tidy_path("not_analysed"),
        template="report/templates/report.html.j2",
        script="report/templates/appendices.js",
        table_template="report/templates/table.html.j2",
        # what the manifest lists besides this job's own files
        upstream=[
            rules.extract.output,
            rules.validate.output,
            rules.table1.output,
            rules.analyse.output,
        ],
        settings=REPORT_SETTINGS,
    output:
        **figure_outputs(),
        power_csv="results/{cohort}/{variant}/power/power.csv",
        power_summary=report(
            "results/{cohort}/{variant}/power/power_summary.csv",
            caption="../report/power.rst",
            category="Power",
            labels={
                "cohort": "{cohort}",
                "variant": "{variant}",
                "table": "power and sample size",
            },
        ),
        power_curve="results/{cohort}/{variant}/power/power_curve.csv",
        power_curve_png=report(
            "results/{cohort}/{variant}/power/power_curve.png",
            caption="../report/power.rst",
            category="Power",
            labels={"cohort": "{cohort}", "variant": "{variant}", "figure": "power curve"},
        ),
        power_curve_svg="results/{cohort}/{variant}/power/power_curve.svg",
        power_curve_caption="results/{cohort}/{variant}/power/power_curve.json",
        baseline_csv=report(
            "results/{cohort}/{variant}/tables/baseline.csv",
            caption="../report/baseline.rst",
            category="Tables",
            labels={"table": "baseline characteristics", "variant": "{variant}"},
        ),
        baseline_html="results/{cohort}/{variant}/tables/baseline.html",
        claims_csv=report(
            "results/{cohort}/{variant}/tables/claims_audit.csv",
            caption="../report/claims.rst",
            category="Claims audit",
            labels={"table": "claims audit", "variant": "{variant}"},
        ),
        claims_html="results/{cohort}/{variant}/tables/claims_audit.html",
        page=report(
            "results/{cohort}/{variant}/report.html",
            caption="../report/report.rst",
            category="Reproduction report",
            labels={"cohort": "{cohort}", "variant": "{variant}"},
        ),
        manifest="results/{cohort}/{variant}/MANIFEST.sha256",
    log:
        "logs/{cohort}/{variant}/report.log",
    benchmark:
        variant_benchmark_path("report")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(1.5),
        # the run's cores: the job draws on those no other job is using when it starts
        # (clinrepro.base.parallel)
        run_cores=workflow.cores,
        runtime=runtime_minutes,
    params:
        **REPORT_PARAMS,
    script:
        "../scripts/report.py"
