rule figures:
    input:
        code=stage_code("figures"),
        adsl=dataset("adsl"),
        adeff=dataset("adeff"),
        ard="results/{cohort}/{variant}/ard.csv",
        reported=reported_summaries,
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
        titles=FIGURES,
    script:
        "../scripts/figures.py"
