rule power:
    input:
        code=script_code("power"),
        adeff=dataset("adeff"),
    output:
        csv="results/{cohort}/{variant}/power/power.csv",
        summary=report(
            "results/{cohort}/{variant}/power/power_summary.csv",
            caption="../report/power.rst",
            category="Power",
            labels={
                "cohort": "{cohort}",
                "variant": "{variant}",
                "table": "power and sample size",
            },
        ),
        curve="results/{cohort}/{variant}/power/power_curve.csv",
        png=report(
            "results/{cohort}/{variant}/power/power_curve.png",
            caption="../report/power.rst",
            category="Power",
            labels={"cohort": "{cohort}", "variant": "{variant}", "figure": "power curve"},
        ),
        svg="results/{cohort}/{variant}/power/power_curve.svg",
        caption="results/{cohort}/{variant}/power/power_curve.json",
    log:
        "logs/{cohort}/{variant}/power.log",
    benchmark:
        variant_benchmark_path("power")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(0.3),
        runtime=runtime_minutes,
    params:
        analysis=analysis_settings,
        settings=power_settings,
        cohort=cohort_settings,
    script:
        "../scripts/power.py"
