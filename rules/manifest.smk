rule manifest:
    input:
        rules.extract.output,
        rules.validate.output,
        rules.table1.output,
        rules.endpoints.output,
        rules.stats.output,
        rules.audit.output,
        rules.figures.output,
        rules.tables.output,
        rules.power.output,
        rules.report.output,
    output:
        "results/{cohort}/{variant}/MANIFEST.sha256",
    log:
        "logs/{cohort}/{variant}/manifest.log",
    benchmark:
        variant_benchmark_path("manifest")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(0),
        runtime=runtime_minutes,
    script:
        "../scripts/manifest.py"
