rule figure:
    input:
        code=stage_code("figures"),
        adsl="results/{cohort}/{variant}/adsl.csv",
        adeff="results/{cohort}/{variant}/adeff.csv",
        ard="results/{cohort}/{variant}/ard.csv",
        reported=reported_summaries,
    output:
        png=report(
            figure_path("png"),
            caption="../report/figure.rst",
            category="Figures",
            subcategory="{cohort}, variant {variant}",
            labels={"figure": "{figure}"},
        ),
        svg=figure_path("svg"),
        caption=figure_path("json"),
    log:
        "logs/{cohort}/{variant}/figure_{figure}.log",
    conda:
        "../envs/analysis.yaml"
    params:
        analysis=analysis_settings,
        settings=figure_settings,
        title=figure_title,
    script:
        "../scripts/figure.py"
