rule audit:
    input:
        unpack(ledger),
        code=stage_code("audit"),
        ard="results/{cohort}/{variant}/ard.csv",
    output:
        "results/{cohort}/{variant}/claims.csv",
    log:
        "logs/{cohort}/{variant}/audit.log",
    benchmark:
        variant_benchmark_path("audit")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(1),
        runtime=runtime_minutes,
    params:
        analysis=analysis_settings,
    script:
        "../scripts/audit.py"
