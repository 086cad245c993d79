SYNTHESIZE_SETTINGS, SYNTHESIZE_PARAMS = job_settings(
    "synthesize",
    seed_cohort=seed_settings,
    patients=generation("patients"),
    seed=generation("seed"),
    # the analysis defaults, which the generated ledger's criteria come from
    defaults=config["analysis"],
)


rule synthesize:
    input:
        code=script_code("synthesize"),
        seed_table=seed_table,
        settings=SYNTHESIZE_SETTINGS,
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
        **SYNTHESIZE_PARAMS,
    script:
        "../scripts/synthesize.py"
