TABLE1_SETTINGS, TABLE1_PARAMS = job_settings(
    "table1",
    cohort=cohort_settings,
    max_rows_shown=config["tables"]["max_rows_shown"],
)


rule table1:
    input:
        **TIDY,
        **TEMPLATES,
        code=script_code("table1"),
        validation="results/{cohort}/validation/report.csv",
        template="report/templates/table.html.j2",
        settings=TABLE1_SETTINGS,
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
        **TABLE1_PARAMS,
    script:
        "../scripts/table1.py"
