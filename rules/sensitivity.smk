SENSITIVITY_SETTINGS, SENSITIVITY_PARAMS = job_settings(
    "sensitivity",
    variants=list(VARIANTS),
    analyses=all_variant_settings,
    overrides=config["variants"],
    cohort=cohort_settings,
    dpi=figure_dpi,
)


rule sensitivity:
    input:
        unpack(variant_results),
        **TEMPLATES,
        adsl=expand(dataset("adsl"), variant=VARIANTS, allow_missing=True),
        adeff=expand(dataset("adeff"), variant=VARIANTS, allow_missing=True),
        code=script_code("sensitivity"),
        template="report/templates/sensitivity.html.j2",
        settings=SENSITIVITY_SETTINGS,
    output:
        csv=report(
            "results/{cohort}/sensitivity/sensitivity.csv",
            caption="../report/sensitivity.rst",
            category="Sensitivity",
            labels={"cohort": "{cohort}", "table": "estimates per variant"},
        ),
        conclusions=report(
            "results/{cohort}/sensitivity/conclusions.csv",
            caption="../report/sensitivity.rst",
            category="Sensitivity",
            labels={"cohort": "{cohort}", "table": "conclusions per variant"},
        ),
        png=report(
            "results/{cohort}/sensitivity/sensitivity.png",
            caption="../report/sensitivity.rst",
            category="Sensitivity",
            labels={"cohort": "{cohort}", "figure": "estimates per variant"},
        ),
        svg="results/{cohort}/sensitivity/sensitivity.svg",
        html="results/{cohort}/sensitivity/sensitivity.html",
    log:
        "logs/{cohort}/sensitivity.log",
    benchmark:
        benchmark_path("sensitivity")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(1),
        runtime=runtime_minutes,
    params:
        **SENSITIVITY_PARAMS,
    script:
        "../scripts/sensitivity.py"
