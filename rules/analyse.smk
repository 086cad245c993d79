ANALYSE_SETTINGS, ANALYSE_PARAMS = job_settings(
    "analyse",
    analysis=analysis_settings,
    # the cohort's analysis without the variant's overrides: the ledger's readings
    # are written for it (clinrepro/audit/readings.py)
    default=cohort_analysis,
    cohort=cohort_settings,
    limits=config["reconciliation"],
)


# One job per variant from the tidy tables to the claims audit: the endpoints (ADSL, ADEFF),
# the statistics (ARD) and the audit run one after the other in one process, each reading
# what the one before wrote. Apart, they were three processes that each imported pandas and
# two of them scipy.stats, for stages of a second or two (docs/benchmarks.md).
rule analyse:
    input:
        unpack(ledger),
        **TIDY,
        code=script_code("analyse"),
        validation="results/{cohort}/validation/report.csv",
        settings=ANALYSE_SETTINGS,
    output:
        adsl=dataset("adsl"),
        adeff=dataset("adeff"),
        ard="results/{cohort}/{variant}/ard.csv",
        claims="results/{cohort}/{variant}/claims.csv",
        reconciliation="results/{cohort}/{variant}/reconciliation.csv",
        cells="results/{cohort}/{variant}/claims_cells.csv",
        specifications="results/{cohort}/{variant}/specifications.csv",
        checks="results/{cohort}/{variant}/summary_checks.csv",
        outcomes="results/{cohort}/{variant}/outcomes.csv",
        attainability="results/{cohort}/{variant}/attainability.csv",
        eligibility="results/{cohort}/{variant}/eligibility.csv",
    log:
        "logs/{cohort}/{variant}/analyse.log",
    benchmark:
        variant_benchmark_path("analyse")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(6),
        runtime=runtime_minutes,
    params:
        **ANALYSE_PARAMS,
    script:
        "../scripts/analyse.py"
