EXTRACT_SETTINGS, EXTRACT_PARAMS = job_settings(
    "extract",
    cohort=cohort_settings,
    max_problems=config["storage"]["max_problems"],
)


rule extract:
    input:
        unpack(patient_data),
        code=script_code("extract"),
        settings=EXTRACT_SETTINGS,
    output:
        **TIDY,
        not_analysed=tidy_path("not_analysed"),
    log:
        "logs/{cohort}/extract.log",
        problems="results/{cohort}/validation/extract_problems.csv",
    benchmark:
        benchmark_path("extract")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(21),
        runtime=runtime_minutes,
    params:
        **EXTRACT_PARAMS,
    script:
        "../scripts/extract.py"
