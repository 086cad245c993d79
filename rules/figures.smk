rule figures:
    input:
        unpack(summaries),
        code=script_code("figures"),
        adsl=dataset("adsl"),
        adeff=dataset("adeff"),
        ard="results/{cohort}/{variant}/ard.csv",
    output:
        **figure_outputs(),
    log:
        "logs/{cohort}/{variant}/figures.log",
    benchmark:
        variant_benchmark_path("figures")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(1.5),
        runtime=runtime_minutes,
    params:
        analysis=analysis_settings,
        settings=figure_settings,
        cohort=cohort_settings,
    script:
        "../scripts/figures.py"
