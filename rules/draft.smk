DRAFT_SETTINGS, DRAFT_PARAMS = job_settings(
    "draft",
    cohort=cohort_settings,
    analysis=cohort_analysis,
    drafting=drafting_settings,
)


rule draft:
    input:
        text=raw_text,
        code=script_code("draft"),
        settings=DRAFT_SETTINGS,
    output:
        "results/{cohort}/claims_draft.csv",
    log:
        "logs/{cohort}/draft.log",
    benchmark:
        benchmark_path("draft")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(5),
        runtime=runtime_minutes,
    params:
        **DRAFT_PARAMS,
    script:
        "../scripts/draft.py"


rule draft_vs_ledger:
    input:
        draft="results/{cohort}/claims_draft.csv",
        ledger=ledger_claims,
        code=script_code("draft_vs_ledger"),
    output:
        "results/{cohort}/claims_draft_vs_ledger.csv",
    log:
        "logs/{cohort}/draft_vs_ledger.log",
    benchmark:
        benchmark_path("draft_vs_ledger")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(5),
        runtime=runtime_minutes,
    script:
        "../scripts/draft_vs_ledger.py"


rule draft_ledger:
    input:
        draft="results/{cohort}/claims_draft.csv",
        code=script_code("draft_ledger"),
    output:
        DRAFT_LEDGER,
    log:
        "logs/{cohort}/draft_ledger.log",
    benchmark:
        benchmark_path("draft_ledger")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(5),
        runtime=runtime_minutes,
    script:
        "../scripts/draft_ledger.py"
