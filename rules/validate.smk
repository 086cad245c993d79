rule validate:
    input:
        unpack(published),
        **TIDY,
        code=script_code("validate"),
    output:
        "results/{cohort}/validation/report.csv",
    log:
        "logs/{cohort}/validate.log",
        problems="results/{cohort}/validation/validate_problems.csv",
    benchmark:
        benchmark_path("validate")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(3.5),
        runtime=runtime_minutes,
    params:
        cohort=cohort_settings,
        roles=population_roles,
        max_problems=config["storage"]["max_problems"],
    script:
        "../scripts/validate.py"
