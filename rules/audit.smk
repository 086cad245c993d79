rule audit:
    input:
        code=stage_code("audit"),
        claims=claims_ledger,
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
        populations=population_roles,
        tests=variant_tests,
    script:
        "../scripts/audit.py"
