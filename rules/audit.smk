rule audit:
    input:
        unpack(ledger),
        code=stage_code("audit"),
        ard="results/{cohort}/{variant}/ard.csv",
        adsl=dataset("adsl"),
        adeff=dataset("adeff"),
    output:
        claims="results/{cohort}/{variant}/claims.csv",
        reconciliation="results/{cohort}/{variant}/reconciliation.csv",
        cells="results/{cohort}/{variant}/claims_cells.csv",
    log:
        "logs/{cohort}/{variant}/audit.log",
    benchmark:
        variant_benchmark_path("audit")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(1.8),
        runtime=runtime_minutes,
    params:
        analysis=analysis_settings,
        cohort=cohort_settings,
        limits=config["reconciliation"],
    script:
        "../scripts/audit.py"
