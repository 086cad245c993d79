# The figures of a variant and its power and sample size, in one job: the power step's
# work (1.6 s) is a fraction of what a job of its own paid to start (8.1 s, docs/benchmarks.md)
rule figures:
    input:
        unpack(summaries),
        code=script_code("figures"),
        adsl=dataset("adsl"),
        adeff=dataset("adeff"),
        ard="results/{cohort}/{variant}/ard.csv",
    output:
        **figure_outputs(),
        power_csv="results/{cohort}/{variant}/power/power.csv",
        power_summary=report(
            "results/{cohort}/{variant}/power/power_summary.csv",
            caption="../report/power.rst",
            category="Power",
            labels={
                "cohort": "{cohort}",
                "variant": "{variant}",
                "table": "power and sample size",
            },
        ),
        power_curve="results/{cohort}/{variant}/power/power_curve.csv",
        power_png=report(
            "results/{cohort}/{variant}/power/power_curve.png",
            caption="../report/power.rst",
            category="Power",
            labels={"cohort": "{cohort}", "variant": "{variant}", "figure": "power curve"},
        ),
        power_svg="results/{cohort}/{variant}/power/power_curve.svg",
        power_caption="results/{cohort}/{variant}/power/power_curve.json",
    log:
        "logs/{cohort}/{variant}/figures.log",
    benchmark:
        variant_benchmark_path("figures")
    conda:
        "../envs/analysis.yaml"
    threads: 1
    resources:
        mem_mb=memory_mb(1.5),
        runtime=runtime_minutes,
    params:
        analysis=analysis_settings,
        settings=figure_settings,
        power=power_figure_settings,
        cohort=cohort_settings,
    script:
        "../scripts/figures.py"
