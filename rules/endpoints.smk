rule endpoints:
    input:
        **TIDY,
        code=stage_code("endpoints"),
        validation="results/{cohort}/validation/report.csv",
    output:
        adsl=dataset("adsl"),
        adeff=dataset("adeff"),
    log:
        "logs/{cohort}/{variant}/endpoints.log",
    benchmark:
        variant_benchmark_path("endpoints")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(6),
        runtime=runtime_minutes,
    params:
        analysis=analysis_settings,
        cohort=cohort_settings,
    script:
        "../scripts/endpoints.py"
