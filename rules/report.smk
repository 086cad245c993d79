# One job per variant from the results to the page: the baseline and claims tables, the
# report that shows them, then the manifest of every file of the variant. The tables and
# the manifest are always made just before and just after the report, and each took a
# process of its own for a fraction of a second (docs/benchmarks.md).
rule report:
    input:
        unpack(report_inputs),
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
            rules.figures.output,
        ],
    output:
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
        mem_mb=memory_mb(1.2),
        runtime=runtime_minutes,
    params:
        cohort=cohort_settings,
        analysis=analysis_settings,
        # the cohort's analysis without the variant's overrides, which the page says the
        # variant departs from
        default=cohort_analysis,
        power=power_settings,
        max_rows_shown=config["tables"]["max_rows_shown"],
    script:
        "../scripts/report.py"
