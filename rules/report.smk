rule report:
    input:
        unpack(report_inputs),
        **TEMPLATES,
        code=stage_code("report"),
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
        claims_table="results/{cohort}/{variant}/tables/claims_audit.csv",
        baseline="results/{cohort}/{variant}/tables/baseline.csv",
        table1="results/{cohort}/tables/table1.csv",
        template="report/templates/report.html.j2",
    output:
        report(
            "results/{cohort}/{variant}/report.html",
            caption="../report/report.rst",
            category="Reproduction report",
            labels={"cohort": "{cohort}", "variant": "{variant}"},
        ),
    log:
        "logs/{cohort}/{variant}/report.log",
    benchmark:
        variant_benchmark_path("report")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(1),
        runtime=runtime_minutes,
    params:
        cohort=cohort_settings,
        analysis=analysis_settings,
        power=power_settings,
        max_rows_shown=config["tables"]["max_rows_shown"],
    script:
        "../scripts/report.py"
