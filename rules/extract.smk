rule extract:
    input:
        unpack(patient_data),
        code=script_code("extract"),
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
        cohort=cohort_settings,
        max_problems=config["storage"]["max_problems"],
    script:
        "../scripts/extract.py"
