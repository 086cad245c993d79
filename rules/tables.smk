rule table1:
    input:
        **TIDY,
        **TEMPLATES,
        code=stage_code("tables"),
        validation="results/{cohort}/validation/report.csv",
        template="report/templates/table.html.j2",
    output:
        csv=report(
            "results/{cohort}/tables/table1.csv",
            caption="../report/table1.rst",
            category="Tables",
            labels={"table": "Table 1", "cohort": "{cohort}"},
        ),
        html="results/{cohort}/tables/table1.html",
    log:
        "logs/{cohort}/table1.log",
    benchmark:
        benchmark_path("table1")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(3.1),
        runtime=runtime_minutes,
    params:
        cohort=cohort_settings,
        max_rows_shown=config["tables"]["max_rows_shown"],
    script:
        "../scripts/table1.py"


rule tables:
    input:
        **TEMPLATES,
        code=stage_code("tables"),
        adsl=dataset("adsl"),
        adeff=dataset("adeff"),
        claims="results/{cohort}/{variant}/claims.csv",
        template="report/templates/table.html.j2",
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
    log:
        "logs/{cohort}/{variant}/tables.log",
    benchmark:
        variant_benchmark_path("tables")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(1.2),
        runtime=runtime_minutes,
    params:
        analysis=analysis_settings,
        cohort=cohort_settings,
    script:
        "../scripts/tables.py"
