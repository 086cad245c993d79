VALIDATE_SETTINGS, VALIDATE_PARAMS = job_settings(
    "validate",
    cohort=cohort_settings,
    roles=population_roles,
    max_problems=config["storage"]["max_problems"],
)


rule validate:
    input:
        unpack(published),
        **TIDY,
        code=script_code("validate"),
        settings=VALIDATE_SETTINGS,
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
        **VALIDATE_PARAMS,
    script:
        "../scripts/validate.py"
