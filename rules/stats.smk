rule stats:
    input:
        code=stage_code("stats"),
        adsl=dataset("adsl"),
        adeff=dataset("adeff"),
    output:
        "results/{cohort}/{variant}/ard.csv",
    log:
        "logs/{cohort}/{variant}/stats.log",
    benchmark:
        variant_benchmark_path("stats")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(1.8),
        runtime=runtime_minutes,
    params:
        analysis=analysis_settings,
        cohort=cohort_settings,
    script:
        "../scripts/stats.py"
