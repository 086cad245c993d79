rule synthesize:
    input:
        code=script_code("synthesize"),
        seed_table=seed_table,
    output:
        table=generated_path("table"),
        claims=generated_path("claims"),
        reported_summaries=generated_path("reported_summaries"),
        profile="results/{cohort}/raw/generator.json",
    log:
        "logs/{cohort}/synthesize.log",
    benchmark:
        benchmark_path("synthesize")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=synthesis_memory_mb,
        runtime=runtime_minutes,
    params:
        seed_cohort=seed_settings,
        patients=lambda wildcards: config["generate"][wildcards.cohort]["patients"],
        seed=lambda wildcards: config["generate"][wildcards.cohort]["seed"],
    script:
        "../scripts/synthesize.py"
