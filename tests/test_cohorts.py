"""Any cohort from its settings alone: layouts, visits, measures, per-cohort analysis, strict
settings, and the workflow's own words when a step fails. Values are worked out by hand
from the committed example files."""

import copy
import json
import math
import sys
import types

import numpy as np
import pandas as pd
import pytest
import yaml

from clinrepro.adam.endpoints import build_adeff, build_adsl
from clinrepro.base.errors import InputError, running_step
from clinrepro.reading.extract import extract_cohort
from clinrepro.base.settings import (
    cohort_problems,
    foreign_domains,
    numbers_read,
    undeclared_domains,
    variant_settings,
)
from clinrepro.base.study import domain_label, population_flags, population_words
from clinrepro.base.vocabularies import cohort_terms
from clinrepro.statistics.results import analysis_results
from clinrepro.presentation.tables import baseline_table, publication_table1
from conftest import ROOT, build, built_project, cohort_of
from workflow import copy_project, snakemake

REGISTRY = "synthetic_registry_export"
FIGURE_SUFFIXES = {"caption": "json", "data": "csv"}
WIDE = "synthetic_upadacitinib"


@pytest.fixture(scope="module")
def registry():
    settings = cohort_of(REGISTRY)
    return settings, extract_cohort(settings["raw"], settings)


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))


def test_text_that_reads_as_a_number_becomes_one():
    given = {"response": {"cutaneous": {"threshold": "4", "visit": "M3"}}, "level": "0.9"}
    assert numbers_read(given) == {
        "response": {"cutaneous": {"threshold": 4, "visit": "M3"}},
        "level": 0.9,
    }
    assert numbers_read(["W24", "1e3", "-2"]) == ["W24", 1000.0, -2]


def test_a_cohort_overrides_the_defaults_and_variants_apply_on_top(config):
    cohort = cohort_of(REGISTRY)
    paper = variant_settings(config, "paper", cohort)
    assert paper["response"]["cutaneous"] == {
        "parameter": "CDASI", "visit": "W24", "measure": "change", "direction": "decrease",
        "threshold": 5,
    }  # fmt: skip
    mcid4 = variant_settings(config, "mcid4", cohort)
    assert (
        mcid4["response"]["cutaneous"]["visit"],
        mcid4["response"]["cutaneous"]["threshold"],
    ) == ("W24", 4)
    # the pilot has no overrides: its settings are the defaults
    assert (
        variant_settings(config, "paper", cohort_of("landon_cardinal_2022")) == config["analysis"]
    )


def test_a_domain_flag_named_like_a_record_flag_is_refused(config):
    # ADEFF keeps ABLFL (the baseline record) and CRIT1FL (a response criterion) beside the
    # population flags: a population flag named ABL... or CRIT... would be read as neither
    cohort = cohort_of(WIDE)
    analysis = copy.deepcopy(variant_settings(config, "paper", cohort))
    analysis["domains"]["muscle"]["flag"] = "CRITMUSFL"
    analysis["populations"]["muscle"] = "CRITMUSFL"
    assert cohort_problems(cohort, {"paper": analysis}, None) == [
        "domains.muscle.flag names 'CRITMUSFL' (the default of config/config.yaml's "
        "analysis:), a name ADaM keeps for a record's flag (ABLFL, CRIT1FL: names "
        "beginning ABL or CRIT); give the population a flag of its own, e.g. ACTMUSFL"
    ]


def test_what_the_settings_name_must_exist_in_the_cohort(config):
    cohort = cohort_of(WIDE)  # CDASI, MMT8, CK at M0 and M3; no ledger
    analysis = variant_settings(config, "paper", cohort)
    assert cohort_problems(cohort, {"paper": analysis}, None) == []
    wrong = copy.deepcopy(analysis)
    wrong["active_disease"]["muscle"]["parameter"] = "IFNA"
    wrong["response"]["cutaneous"]["visit"] = "W24"
    wrong["tests"]["HAQ"] = "wilcoxon_signed_rank"
    odd = {
        "active_disease": {"muscle": {"parameter": "IFNA"}},
        "response": {"cutaneous": {"visit": "W24"}},
        "tests": {"HAQ": "wilcoxon_signed_rank"},
    }
    problems = cohort_problems(
        cohort | {"key_claims": ["cdasi_m3_mean"]},
        {"odd": wrong, "paper": analysis},
        None,
        {"odd": odd, "paper": {}},
    )
    assert problems == [
        "active_disease.muscle.parameter names 'IFNA' (set by variant 'odd' in "
        "config/config.yaml), which is not among the cohort's measures (CDASI, MMT8, CK)",
        "response.cutaneous.visit names 'W24' (set by variant 'odd' in config/config.yaml), "
        "which is not a follow-up visit of the cohort (M3)",
        "tests.HAQ names 'HAQ' (set by variant 'odd' in config/config.yaml), which is not among "
        "the cohort's measures",
        "key_claims names claims, but the cohort has no claims ledger (raw: claims)",
    ]
    # an inherited default every variant shares is said once, with where to mend it
    registry = cohort_of(REGISTRY)
    del registry["analysis"]
    analyses = {v: variant_settings(config, v, registry) for v in ("paper", "mcid4")}
    assert cohort_problems(registry, analyses, ["cdasi_d0_w24_p"])[0] == (
        "response.cutaneous.visit names 'M3' (the default of config/config.yaml's analysis:), "
        "which is not a follow-up visit of the cohort (W12, W24); set it in the cohort's own "
        "analysis: settings, e.g. analysis: {response: {cutaneous: {visit: W24}}}"
    )
    # a value the cohort's own analysis sets is blamed on it
    registry = cohort_of(REGISTRY) | {"file": "config/cohorts/x.yaml"}
    registry["analysis"]["response"]["muscle"]["visit"] = "W36"
    analyses = {v: variant_settings(config, v, registry) for v in ("paper", "mcid4")}
    assert cohort_problems(registry, analyses, registry["key_claims"]) == [
        "response.muscle.visit names 'W36' (set in the cohort's own analysis: settings "
        "(config/cohorts/x.yaml)), which is not a follow-up visit of the cohort (W12, W24)"
    ]
    ledger = cohort_of(REGISTRY)
    found = cohort_problems(
        ledger | {"key_claims": ["cdasi_d0_w24_p", "no_such_claim"]},
        {"paper": variant_settings(config, "paper", ledger)},
        ["cdasi_d0_w24_p"],
    )
    assert found == [
        "key_claims names 'no_such_claim', not in the claims ledger "
        "data/raw/synthetic_registry_export/claims.csv"
    ]


def test_scales_otherwise_and_tracks_name_measures_of_the_cohort(config):
    cohort = cohort_of(WIDE)  # CDASI, MMT8, CK
    analysis = variant_settings(config, "paper", cohort)
    odd = copy.deepcopy(analysis)
    odd["scales"]["IFNA"] = "log"
    odd["active_disease"]["muscle"]["otherwise"] = {
        "parameter": "IFNA", "comparator": ">", "threshold": 100
    }  # fmt: skip
    # the log scale has the paired t-test only: not with the rank test of every measure
    rank = copy.deepcopy(analysis)
    rank["tests"]["default"] = "wilcoxon_signed_rank"
    rank["scales"]["CK"] = "log"
    measures = copy.deepcopy(cohort["measures"])
    measures["CK"]["tracks"], measures["MMT8"]["tracks"] = "HAQ", "MMT8"
    problems = cohort_problems(
        cohort | {"measures": measures, "file": "config/cohorts/x.yaml"},
        {"odd": odd, "rank": rank},
        None,
        {"odd": {"scales": {"IFNA": "log"},
                 "active_disease": {"muscle": {"otherwise": {"parameter": "IFNA"}}}},
         "rank": {"scales": {"CK": "log"}}},
    )  # fmt: skip
    assert problems == [
        "active_disease.muscle.otherwise.parameter names 'IFNA' (set by variant 'odd' in "
        "config/config.yaml), which is not among the cohort's measures (CDASI, MMT8, CK)",
        "scales.IFNA names 'IFNA' (set by variant 'odd' in config/config.yaml), which is not "
        "among the cohort's measures",
        "scales.CK names 'log' (set by variant 'rank' in config/config.yaml), but the test of CK "
        "is wilcoxon_signed_rank, and the log scale has the paired t-test only: set tests: "
        "{CK: paired_t} or keep its scale raw",
        "measures.MMT8.tracks names 'MMT8' (config/cohorts/x.yaml), which is not another of the "
        "cohort's measures (CDASI, MMT8, CK)",
        "measures.CK.tracks names 'HAQ' (config/cohorts/x.yaml), which is not another of the "
        "cohort's measures (CDASI, MMT8, CK)",
    ]
    # the pilot's settings and every shipped variant fit together
    pilot = cohort_of("landon_cardinal_2022")
    variants = {v: variant_settings(config, v, pilot) for v in config["variants"]}
    assert cohort_problems(pilot, variants, pilot["key_claims"]) == []
    # log_scale names IFN-α, which this cohort lacks: allowed as another cohort declares it
    variants = {v: variant_settings(config, v, cohort) for v in config["variants"]}
    assert (
        cohort_problems(cohort, variants, None, config["variants"], list(pilot["measures"])) == []
    )
    assert cohort_problems(cohort, variants, None, config["variants"]) == [
        "scales.IFNA names 'IFNA' (set by variant 'log_scale' in config/config.yaml), which is "
        "not among the cohort's measures"
    ]


def test_registry_rows_in_any_order_fill_a_grid_of_patients_measures_and_visits(registry):
    settings, tables = registry
    measurements = tables["measurements"].set_index(["subject_id", "parameter", "visit"])
    # 40 patients x 4 measures x 3 visits, whatever the 463 rows of the file leave out
    assert len(measurements) == 40 * 4 * 3
    # patient S001's rows, read by hand from measurements.csv
    assert measurements.loc[("S001", "CDASI", "D0"), "value"] == 31.0
    assert measurements.loc[("S001", "CDASI", "W24"), "value"] == 9.0
    assert measurements.loc[("S001", "HAQ", "D0"), ["value", "source_cell"]].tolist() == [
        0.41,
        "0.41",
    ]
    assert math.isnan(measurements.loc[("S001", "MMT8", "D0"), "value"])  # printed NA
    assert measurements.loc[("S001", "MMT8", "D0"), "source_cell"] == "NA"
    assert measurements.loc[("S001", "HAQ", "W12"), "source_column"] == "HAQ-DI Week 12"
    # rows the file does not have are missing values, traceable as such
    absent = measurements[measurements["source_cell"] == "(no row)"]
    assert len(absent) == 40 * 4 * 3 - 463 + 0
    assert absent["value"].isna().all()
    # the patients' own order, then the measures and visits of the settings
    first = tables["measurements"].head(12)
    assert first["parameter"].tolist() == ["CDASI"] * 3 + ["MMT8"] * 3 + ["CK"] * 3 + ["HAQ"] * 3
    assert first["visit"].tolist() == ["D0", "W12", "W24"] * 4
    regimens = tables["regimens"].set_index("subject_id")
    assert regimens.loc["S001", ["molecule", "dose"]].tolist() == ["baricitinib", 2.0]


def test_every_follow_up_visit_is_summarised_and_tested(registry, config):
    settings, tables = registry
    analysis = variant_settings(config, "paper", settings)
    adsl = build_adsl(tables, analysis, settings["baseline_visit"])
    adeff = build_adeff(tables["measurements"], adsl, analysis, settings)
    # AVISITN is the visit's time in the settings' unit (weeks)
    assert adeff.drop_duplicates("AVISIT").set_index("AVISIT")["AVISITN"].to_dict() == {
        "D0": 0.0, "W12": 12.0, "W24": 24.0,
    }  # fmt: skip
    ard = analysis_results(adsl, adeff, analysis, settings["baseline_visit"])
    tested = ard[(ard["analysis"] == "paired_test") & (ard["population"] == "SAFFL")]
    assert sorted(tested["visit"].unique()) == ["W12", "W24"]
    assert sorted(tested["parameter"].unique()) == ["CDASI", "CK", "HAQ", "MMT8"]
    # HAQ-DI change to week 24, by hand from the tidy table
    haq = (
        tables["measurements"]
        .query("parameter == 'HAQ'")
        .pivot(index="subject_id", columns="visit", values="value")
    )
    change = (haq["W24"] - haq["D0"]).dropna()
    mean = tested.query("parameter == 'HAQ' and visit == 'W24' and method == 'paired_t'")
    mean = mean.set_index("statistic")["value"]
    assert mean["n_pairs"] == len(change)
    assert mean["mean_change"] == pytest.approx(change.mean(), abs=1e-12)
    # responders judged at the cohort's own response visit
    assert set(adeff.loc[adeff["CRIT1FL"].isin(["Y", "N"]), "AVISIT"]) == {"W24"}
    # the baseline table has a column for every follow-up visit; the change tests are
    # the report's change-from-baseline table, not the baseline table's
    records = adeff[["SUBJID", "PARAMCD", "AVISIT", "ABLFL", "AVAL"]]
    table = baseline_table(adsl, records, analysis, settings).set_index(
        ["characteristic", "statistic"]
    )
    haq_row = table.loc[("HAQ disability index, points", "mean ± SD")]
    at_24 = haq["W24"].dropna()
    assert haq_row["week 24 (all)"] == f"{at_24.mean():.3f} ± {at_24.std(ddof=1):.3f}"
    assert not [column for column in table.columns if " vs " in column]
    assert "M3 (all)" not in table.columns


def test_registry_table1_prints_each_measure_with_its_decimals(registry):
    settings, tables = registry
    table = publication_table1(tables, settings).set_index("patient_id")
    assert table.loc["S001", "HAQ-DI Day 0"] == "0.41"
    assert table.loc["S001", "HAQ-DI Week 12"] == "0.00"
    assert table.loc["S001", "CDASI Day 0"] == "31"
    assert table.loc["S001", "MMT8 Day 0"] == "NA"
    assert table.loc["S001", "jak_inhibitor"] == "baricitinib"
    assert table.loc["S001", "dose_mg_per_day"] == "2"


def test_molecule_and_dose_in_columns_of_their_own_or_no_dose(tmp_path):
    settings = cohort_of(WIDE)
    tables = extract_cohort(settings["raw"]["table"], settings)
    regimens = tables["regimens"].set_index("subject_id")
    assert regimens.loc["S001", ["molecule", "dose"]].tolist() == ["upadacitinib", 15.0]
    assert regimens.loc["S002", ["molecule", "dose"]].tolist() == ["tofacitinib", 20.0]
    # a table that prints no dose: the treatment is the molecule alone
    raw = pd.read_csv(settings["raw"]["table"], dtype=str, keep_default_na=False)
    path = tmp_path / "no_dose.csv"
    raw.drop(columns="Daily dose (mg)").to_csv(path, index=False)
    no_dose = copy.deepcopy(settings)
    del no_dose["columns"]["dose"]
    tables = extract_cohort(str(path), no_dose)
    assert tables["regimens"]["dose"].isna().all()
    adsl = build_adsl(tables, variant_settings_for(no_dose), no_dose["baseline_visit"])
    assert adsl.set_index("SUBJID").loc["S001", "TRT01A"] == "upadacitinib"


def variant_settings_for(cohort):
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))
    return variant_settings(config, "paper", cohort)


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_registry_rows_that_do_not_fit_name_file_patient_column_and_value(tmp_path):
    settings = cohort_of(REGISTRY)
    patients = settings["raw"]["patients"]
    header = "patient_id,visit,measure,value\n"
    long = write(
        tmp_path / "long.csv",
        header + "S001,Day 0,CDASI,31.0\nS001,Day 0,CDASI,30.0\nS001,Week 36,CDASI,9.0\n"
        "S999,Day 0,MMT8,150.0\nS002,Day 0,HAQ,0.5\nS003,Day 0,CK,-4.0\n",
    )
    with pytest.raises(InputError) as caught:
        extract_cohort({"patients": patients, "measurements": long}, settings)
    found = [(p.patient, p.column, p.value, p.message) for p in caught.value.problems]
    assert found == [
        ("S001", "visit", "Week 36", "unknown visit; known: 'Day 0', 'Week 12', 'Week 24'"),
        ("S002", "measure", "HAQ", "unknown measure; known: 'CDASI', 'MMT8', 'CK', 'HAQ-DI'"),
        ("S999", "patient_id", "S999", "patient not in the patients file"),
    ]
    assert {p.file for p in caught.value.problems} == {long}
    # once every row is known: a repeated row, then a value out of range
    long = write(tmp_path / "long.csv", header + "S001,Day 0,CDASI,31.0\nS001,Day 0,CDASI,30.0\n")
    with pytest.raises(InputError) as caught:
        extract_cohort({"patients": patients, "measurements": long}, settings)
    assert [(p.patient, p.column, p.message) for p in caught.value.problems] == [
        ("S001", "visit", "the same patient, measure and visit appear twice")
    ] * 2
    long = write(tmp_path / "long.csv", header + "S003,Week 12,HAQ-DI,3.5\n")
    with pytest.raises(InputError) as caught:
        extract_cohort({"patients": patients, "measurements": long}, settings)
    (problem,) = caught.value.problems
    assert (problem.file, problem.patient, problem.column, problem.value) == (
        long, "S003", "HAQ-DI Week 12", "3.5",
    )  # fmt: skip
    assert problem.message == (
        "value is outside the measure's range (CDASI 0-100, MMT8 0-150, CK >= 0, HAQ 0-3)"
    )


def test_an_unexpected_failure_ends_with_the_workflows_words(tmp_path, capsys, monkeypatch):
    log = tmp_path / "figures.log"
    job = types.SimpleNamespace(
        rule="figures",
        wildcards={"cohort": "x", "variant": "paper"},
        params=types.SimpleNamespace(cohort={"file": "config/cohorts/x.yaml"}),
    )
    job.wildcards = types.SimpleNamespace(items=lambda: [("cohort", "x"), ("variant", "paper")])
    monkeypatch.setattr(sys, "stderr", open(log, "w"))
    with pytest.raises(SystemExit) as ended:
        with running_step(job=job):
            {}["mean"]
    sys.stderr.close()
    assert ended.value.code == 1
    text = log.read_text("utf-8")
    assert text.startswith(
        "The step 'figures' (cohort 'x', variant 'paper', settings config/cohorts/x.yaml) "
        "failed: KeyError: 'mean'."
    )
    assert "Traceback" not in text
    assert "Traceback" in (tmp_path / "figures.log.trace").read_text("utf-8")


# ---- through the workflow, in a copy of the project


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project(tmp_path_factory.mktemp("cohorts"))


def settings_error(project, cohort, change, *args):
    """Dry-run the workflow with a cohort's settings changed; return what it says."""
    path = project / f"config/cohorts/{cohort}.yaml"
    original = path.read_text("utf-8")
    settings = yaml.safe_load(original)
    change(settings)
    path.write_text(yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), "utf-8")
    try:
        run = snakemake(
            project, "-n", "--config", f"run={{cohorts: [{cohort}], variants: [paper]}}", *args
        )
    finally:
        path.write_text(original, "utf-8")
    return run.returncode, run.stdout + run.stderr


def test_unknown_keys_are_refused_at_every_level_naming_key_and_file(project):
    def unknown_everywhere(settings):  # one unknown key at each level, in one run
        settings.update(dose="Daily dose (mg)")
        settings["columns"].update(weight="Weight")
        settings["measures"]["CDASI"].update(range="0-100")
        settings["visits"][0].update(day=0)

    code, said = settings_error(project, WIDE, unknown_everywhere)
    assert code != 0
    assert (
        "The settings of cohort 'synthetic_upadacitinib' (config/cohorts/synthetic_upadacitinib.yaml) are invalid"
        in said
    )
    # every one is listed, with where it is
    for key, where in (
        ("dose", ""),
        ("weight", " (at columns)"),
        ("range", " (at measures.CDASI)"),
        ("day", " (at visits.0)"),
    ):
        assert f"('{key}' was unexpected){where}" in said, key
    assert "Traceback" not in said


def test_key_claims_are_checked_against_the_ledger_before_any_job(project):
    code, said = settings_error(
        project, REGISTRY, lambda s: s.update(key_claims=["cdasi_d0_w24_p", "cdasi_typo"])
    )
    assert code != 0
    assert "key_claims names 'cdasi_typo', not in the claims ledger" in said
    assert "Job stats" not in said


def test_config_numbers_arrive_as_numbers(project):
    run = snakemake(
        project, "-n", "--config", "run={cohorts: [landon_cardinal_2022], variants: [paper]}",
        "analysis={response: {cutaneous: {threshold: 4}}}",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]


DATED = "synthetic_registry_dated"
build(
    "built_examples",
    ("--config", f"run={{cohorts: [{WIDE}, {REGISTRY}, {DATED}], variants: [paper, mcid4]}}"),
)


@pytest.fixture(scope="module")
def built_examples():
    """The layout examples built to their reports (variants paper and mcid4): a wide table,
    a registry export, and the same export dated (REDCap style)."""
    return built_project("built_examples")


def test_the_examples_build_to_their_reports(built_examples):
    results = built_examples / "results"
    wide = (results / WIDE / "paper/report.html").read_text("utf-8")
    assert "This cohort has no list of published claims, so there are no claims to check" in wide
    assert "Serum interferon-alpha" not in wide
    assert pd.read_csv(results / WIDE / "paper/claims.csv").empty
    conclusions = pd.read_csv(results / WIDE / "sensitivity/conclusions.csv")
    assert conclusions.empty
    registry = (results / REGISTRY / "paper/report.html").read_text("utf-8")
    assert "follow-up visits week 12, week 24" in registry
    course = yaml.safe_load((results / REGISTRY / "paper/figures/course.json").read_text("utf-8"))
    assert course["title"] == "CDASI activity at every visit"
    other = yaml.safe_load(
        (results / REGISTRY / "paper/figures/other_measures.json").read_text("utf-8")
    )
    assert set(other) >= {"CK_p_value", "HAQ_p_value"}
    ard = pd.read_csv(results / REGISTRY / "paper/ard.csv", keep_default_na=False)
    response = ard[(ard["analysis"] == "response") & (ard["statistic"] == "n_evaluable")]
    assert set(response["visit"]) == {"W24"}


def test_every_value_the_examples_figures_draw_is_found_where_it_comes_from(built_examples):
    from drawn import check_variant

    for cohort in (WIDE, REGISTRY, DATED):
        for variant in ("paper", "mcid4"):
            checked = check_variant(built_examples, cohort, variant)
            assert checked["ard"] > 0 and checked["adeff"] > 0, (cohort, variant)


def test_who_could_reach_the_muscle_response_is_counted_alike_in_caption_and_record(
    built_examples,
):
    # the registry export: active muscle disease with MMT8 at day 0 and week 24, and a
    # baseline from which +20% stays within the scale's 150 (at most 125); the record said
    # 15, counting also the 5 patients without both values, while the caption said 12
    results = built_examples / "results" / REGISTRY / "paper"
    adeff = pd.read_csv(results / "adeff.csv", dtype={"SUBJID": str})
    mmt8 = adeff[(adeff["PARAMCD"] == "MMT8") & (adeff["ACTMUSFL"] == "Y")]
    values = mmt8.pivot(index="SUBJID", columns="AVISIT", values="AVAL")
    both = values.dropna(subset=["D0", "W24"])
    reachable = int((both["D0"] * 1.2 <= 150).sum())
    assert (len(both), reachable) == (32, 12)
    record = json.loads((results / "figures/response_patients.json").read_text("utf-8"))
    assert record["n_attainable"] == reachable
    assert f"{reachable} of the {len(both)} with both values could reach" in record["caption"]


def test_the_subgroup_figure_draws_the_response_visit_alone(built_examples):
    # two follow-up visits, W12 and W24: the figure draws W24 (the response visit), never
    # their average. With CDASI >= 10 at day 0, from the export: tofacitinib S011 32 -> 27 and
    # S017 18 -> 7, n = 2, mean -16/2 = -8.0 at W24 (the ARD gives -11.0 at W12; averaged,
    # -9.5); anti-TIF1-gamma S001 31 -> 9, S021 33 -> 6, S022 33 -> 10, S024 24 -> 0, S025
    # 38 -> 17, S029 13 -> 14, S031 49 -> 13, S034 51 -> 38, S038 14 -> 0: n = 9, -179/9
    from drawn import read_drawn

    drawn = read_drawn(built_examples / f"results/{REGISTRY}/paper/figures/subgroups.csv")
    assert set(drawn["visit"]) == {"W24"}
    changes = drawn[drawn["panel"] == "subgroup_paired_test"].set_index(["label", "mark"])["value"]
    assert changes[("TRTMOL=tofacitinib", "mean_change")] == -8.0
    assert changes[("TRTMOL=tofacitinib", "n_pairs")] == 2
    assert changes[("ABTYPE=TIF1G", "mean_change")] == pytest.approx(-179 / 9)
    assert changes[("ABTYPE=TIF1G", "n_pairs")] == 9


def test_nothing_of_the_pilot_appears_in_another_cohorts_outputs(built_examples):
    words = ("pilot", "paper's", "NCT0", "Landon", "the paper")
    for cohort in (WIDE, REGISTRY):
        for path in (built_examples / "results" / cohort).rglob("*"):
            if path.suffix in (".html", ".csv", ".json", ".svg"):
                text = path.read_text("utf-8")
                # the variant is named 'paper' in paths and tables; the words are what count
                found = [word for word in words if word in text]
                assert not found, f"{path}: {found}"


def test_header_only_ledger_and_summaries_give_figures_and_an_empty_audit(tmp_path, config):
    from clinrepro.audit import run as audit
    from clinrepro.presentation import figures
    from clinrepro.base.settings import FIGURES

    cohort = cohort_of("landon_cardinal_2022")
    analysis = variant_settings(config, "paper", cohort)
    tables = extract_cohort(cohort["raw"]["table"], cohort)
    adsl = build_adsl(tables, analysis, "M0")
    adeff = build_adeff(tables["measurements"], adsl, analysis, cohort)
    ard = analysis_results(adsl, adeff, analysis, "M0")
    paths = {name: str(tmp_path / f"{name}.csv") for name in ("adsl", "adeff", "ard")}
    for name, frame in (("adsl", adsl), ("adeff", adeff), ("ard", ard)):
        frame.to_csv(paths[name], index=False)
    summaries = write(
        tmp_path / "summaries.csv", "parameter,visit,population,statistic,value,source\n"
    )
    ledger_header = (ROOT / cohort["raw"]["claims"]).read_text("utf-8").splitlines()[0]
    ledger = write(tmp_path / "claims.csv", ledger_header + "\n")
    claim_tables = ("claims", "reconciliation", "cells", "specifications", "checks", "outcomes")
    outputs = {
        name: str(tmp_path / f"{name}.csv")
        for name in (*claim_tables, "attainability", "eligibility")
    }
    limits = config["reconciliation"]
    audit.run(
        ledger, None, paths["ard"], paths["adsl"], paths["adeff"], analysis, cohort, limits, outputs
    )
    assert all(pd.read_csv(outputs[name]).empty for name in claim_tables)
    # who could respond does not need a ledger: 14 patients with active cutaneous disease
    # and 9 with active muscle disease
    assert len(pd.read_csv(outputs["attainability"])) == 14 + 9
    figure_outputs = {
        f"{name}_{kind}": str(tmp_path / f"{name}.{FIGURE_SUFFIXES.get(kind, kind)}")
        for name in FIGURES
        for kind in ("png", "svg", "caption", "data")
    }
    inputs = {**paths, "reported_summaries": summaries}
    figures.run(inputs, analysis, config["figures"] | {"dpi": 72}, cohort, figure_outputs)
    course = yaml.safe_load((tmp_path / "course.json").read_text("utf-8"))
    assert "No summaries are reported for this measure." in course["caption"]
    assert (course["n"], course["n_missing"]) == (14, 0)


def test_the_dated_export_gives_the_numbers_of_the_visit_labelled_one(built_examples):
    # the same patients and values, read from dates through the windows, checkboxes, coded
    # categories and CK in two units: every analysis and audit table byte for byte
    results = built_examples / "results"
    for variant in ("paper", "mcid4"):
        for table in ("ard", "claims", "reconciliation", "summary_checks", "specifications"):
            dated = (results / DATED / variant / f"{table}.csv").read_bytes()
            assert dated == (results / REGISTRY / variant / f"{table}.csv").read_bytes(), table
    adeff = pd.read_csv(results / DATED / "paper/adeff.csv", keep_default_na=False)
    s001 = adeff.query("SUBJID == 'S001' and PARAMCD == 'CDASI'")
    # S001 starts on 2024-01-08: baseline the day before (day -1), week 12 on day 82
    # (target 85 - 3), week 24 on day 166
    assert s001[["AVISIT", "ADT", "ADY", "AWLO", "AWHI", "AWTARGET"]].values.tolist() == [
        ["D0", "2024-01-07", "-1.0", "-30.0", "1.0", "1.0"],
        ["W12", "2024-03-29", "82.0", "57.0", "112.0", "85.0"],
        ["W24", "2024-06-21", "166.0", "141.0", "210.0", "169.0"],
    ]
    kept = pd.read_csv(results / DATED / "tidy/not_analysed.csv", keep_default_na=False)
    assert kept["reason"].tolist() == [
        "superseded by 2024-01-07",
        "superseded by 2024-01-09",
        "superseded by 2024-01-11",
        "not in any window",
        "superseded by 2024-04-16",
    ]
    report = (results / DATED / "paper/report.html").read_text("utf-8")
    assert (
        "5 values not analysed (4 superseded, 1 not in any window), listed in tidy/not_analysed"
        in report
    )
    assert pd.read_csv(results / REGISTRY / "tidy/not_analysed.csv").empty


RHEUMATOID = "synthetic_rheumatoid"


def test_a_cohort_declaring_its_domains_replaces_the_defaults(config):
    # one domain, joint (ACTJNTFL): nothing of cutaneous, muscle or both is left
    paper = variant_settings(config, "paper", cohort_of(RHEUMATOID))
    assert list(paper["domains"]) == ["joint"]
    assert "combined" not in paper
    assert paper["populations"] == {"cohort": "SAFFL", "joint": "ACTJNTFL"}
    assert paper["active_disease"] == {
        "joint": {"parameter": "DAS28", "comparator": ">", "threshold": 3.2}
    }
    assert list(paper["response"]) == ["joint"]
    assert population_flags(paper) == {
        "SAFFL": "treated patients",
        "ACTJNTFL": "patients with active rheumatoid arthritis at baseline",
    }
    assert population_words("ACTJNTFL", paper) == (
        "patients with active rheumatoid arthritis at baseline (ACTJNTFL)"
    )
    assert domain_label("joint", paper) == "joint"
    # the pilot's, in the order every table lists them
    pilot = variant_settings(config, "paper", cohort_of("landon_cardinal_2022"))
    assert list(population_flags(pilot)) == ["SAFFL", "ACTCUTFL", "ACTMUSFL", "ACTBOTFL"]
    assert domain_label("both", pilot) == "combined"
    # the variants that change a default domain are not this cohort's
    assert foreign_domains(config, "mcid4", paper) == ["cutaneous"]
    assert foreign_domains(config, "mmt8_142", paper) == ["muscle"]
    assert foreign_domains(config, "all_patients", paper) == ["both", "cutaneous", "muscle"]
    assert foreign_domains(config, "nonresponder", paper) == []
    assert foreign_domains(config, "mcid4", pilot) == []


def test_a_criterion_of_an_undeclared_domain_is_named(config):
    cohort = cohort_of(RHEUMATOID)
    analysis = variant_settings(config, "paper", cohort)
    wrong = copy.deepcopy(analysis)
    wrong["response"]["muscle"] = dict(wrong["response"]["joint"])
    wrong["populations"]["skin"] = "ACTSKNFL"
    assert undeclared_domains(wrong) == [(("response", "muscle"), "muscle")]
    problems = cohort_problems(cohort, {"paper": wrong}, cohort["key_claims"])
    assert problems == [
        "response.muscle names 'muscle' (the default of config/config.yaml's analysis:), which "
        "is not a declared domain (joint) of analysis.domains",
        "populations.skin names 'skin' (the default of config/config.yaml's analysis:), which "
        "is not a population role (cohort, joint)",
        "populations.skin names 'ACTSKNFL' (the default of config/config.yaml's analysis:), "
        "which is not a population flag (SAFFL, ACTJNTFL)",
    ]


def test_a_cohorts_terms_extend_the_shipped_vocabularies():
    terms = cohort_terms(cohort_of(RHEUMATOID))
    assert list(terms["prior_treatments"])[-3:] == ["LEF", "SSZ", "TNFI"]
    assert terms["prior_treatments"]["LEF"] == "leflunomide"
    assert terms["prior_treatments"]["CS"] == "corticosteroids"  # shipped, kept
    assert terms["antibodies"]["ACPA"] == "anti-citrullinated protein antibodies"
    assert terms["adult_age"] == (18, 110)
    assert "LEF" not in cohort_terms(cohort_of("landon_cardinal_2022"))["prior_treatments"]
    # the table's leflunomide: S001, S004, S005, S006, S012, S015, S016, S018, S020
    tables = extract_cohort(cohort_of(RHEUMATOID)["raw"], cohort_of(RHEUMATOID))
    prior = tables["prior_treatments"]
    took = prior.loc[prior["treatment"] == "LEF", "subject_id"].tolist()
    assert took == ["S001", "S004", "S005", "S006", "S012", "S015", "S016", "S018", "S020"]
    assert set(prior.loc[prior["treatment"] == "LEF", "treatment_name"]) == {"leflunomide"}


def test_a_new_code_only_another_cohort_declares_is_refused():
    # without its terms: the cohort's leflunomide (LEF) is refused by the tidy table's
    # model, naming the file, patient, column, value and the codes allowed
    from clinrepro.reading.validate import tidy_models
    from clinrepro.reading.validation import check_table

    cohort = cohort_of(RHEUMATOID)
    prior = extract_cohort(cohort["raw"], cohort)["prior_treatments"]
    plain = {key: value for key, value in cohort.items() if key != "terms"}
    _, problems = check_table(tidy_models(plain)["prior_treatments"], prior, "prior.csv")
    lef = [p for p in problems if p.value == "LEF"]
    assert [p.patient for p in lef] == ["S001", "S004", "S005", "S006", "S012", "S015",
                                        "S016", "S018", "S020"]  # fmt: skip
    assert {(p.file, p.column) for p in lef} == {("prior.csv", "treatment")}
    assert lef[0].message == (
        "not in the controlled vocabulary; one of: CS, HCQ, PLEX, MTX, AZA, IVIg, MMF, RTX, "
        "CYC, TAC, Cic"
    )
    # with them, it passes
    assert check_table(tidy_models(cohort)["prior_treatments"], prior, "prior.csv")[1] == []


def test_a_criterion_of_an_undeclared_domain_stops_the_run_before_any_job(project):
    def add_muscle(settings):
        settings["analysis"]["response"]["muscle"] = {
            "parameter": "DAS28", "visit": "W12", "measure": "change", "direction": "decrease",
            "threshold": 1,
        }  # fmt: skip

    code, said = settings_error(project, RHEUMATOID, add_muscle)
    assert code != 0
    assert (
        "The analysis settings of variant 'paper' for cohort 'synthetic_rheumatoid' "
        "(config/config.yaml, config/cohorts/synthetic_rheumatoid.yaml) name a domain that is "
        "not declared in analysis.domains (joint): response.muscle"
    ) in said
    assert "Traceback" not in said and "Job stats" not in said
    # a variant of the default domains (mcid4: a CDASI decrease >= 4) is this cohort's only
    # if the run names it, and then it is refused
    run = snakemake(
        project, "-n", "--config", f"run={{cohorts: [{RHEUMATOID}], variants: [mcid4]}}"
    )
    assert run.returncode != 0
    assert "variant 'mcid4' for cohort 'synthetic_rheumatoid'" in run.stdout + run.stderr
    assert "(joint): response.cutaneous" in run.stdout + run.stderr


def with_markup_in_the_ledger(project) -> None:
    """A claim's description with a script in it (tests/test_report.py: the report escapes
    it)."""
    ledger = project / f"data/raw/{RHEUMATOID}/claims.csv"
    text = ledger.read_text("utf-8")
    assert text.count("SYNTHETIC: patients treated") == 1
    ledger.write_text(
        text.replace("SYNTHETIC: patients treated", "<script>alert(1)</script> treated"), "utf-8"
    )


build(
    "built_rheumatoid",
    ("--config", f"run={{cohorts: [{RHEUMATOID}], variants: [paper, nonresponder]}}"),
    with_markup_in_the_ledger,
)


@pytest.fixture(scope="module")
def built_rheumatoid():
    """The one-domain SYNTHETIC rheumatoid arthritis cohort built to its reports."""
    return built_project("built_rheumatoid")


def test_the_one_domain_study_builds_to_its_report(built_rheumatoid):
    # DAS28 > 3.2 at week 0: every patient but S003 (2.02) and S006 (3.04), 18 of 20; of
    # them S012 has no week 12 value: 17 evaluable, of whom S001 (6.16 -> 5.10, -1.06),
    # S002 (-1.13), S005 (-1.01), S008 (-0.50) and S017 (-0.83) fell by less than 1.2:
    # 12 responders, 12/17 = 70.6% (the ledger prints 71%); counting S012 as a
    # non-responder (variant nonresponder) 12/18 = 66.7%
    results = built_rheumatoid / f"results/{RHEUMATOID}"
    adsl = pd.read_csv(results / "paper/adsl.csv", dtype={"SUBJID": str})
    assert [c for c in adsl.columns if c.endswith("FL")] == ["SAFFL", "ACTJNTFL"]
    assert adsl.loc[adsl["ACTJNTFL"] == "N", "SUBJID"].tolist() == ["S003", "S006"]
    ard = pd.read_csv(results / "paper/ard.csv", keep_default_na=False)
    response = ard[(ard["analysis"] == "response") & (ard["population"] == "ACTJNTFL")]
    value = response.set_index("statistic")["value"].astype(float)
    assert (value["n_responders"], value["n_evaluable"]) == (12, 17)
    assert value["pct"] == pytest.approx(100 * 12 / 17)
    # mean DAS28 at week 0 of the 18: 104.47 / 18
    mean = ard[
        (ard["analysis"] == "summary") & (ard["population"] == "ACTJNTFL")
        & (ard["parameter"] == "DAS28") & (ard["visit"] == "W0") & (ard["statistic"] == "mean")
    ]  # fmt: skip
    assert float(mean["value"].iloc[0]) == pytest.approx(104.47 / 18)
    other = pd.read_csv(results / "nonresponder/ard.csv", keep_default_na=False)
    rate = other[(other["analysis"] == "response") & (other["population"] == "ACTJNTFL")]
    assert rate.set_index("statistic")["value"].astype(float)["pct"] == pytest.approx(100 * 12 / 18)
    claims = pd.read_csv(results / "paper/claims.csv").set_index("claim_id")
    # the ledger's 5.8 (5.804) and 71% reproduce; the planted 6.8 at week 12 does not
    # (the 17 values at week 12 average 65.26 / 17 = 3.84)
    assert claims.loc["das28_w0_mean", "status"] == "match"
    assert claims.loc["joint_response_w12_pct", "status"] == "match"
    assert claims.loc["das28_w12_mean_planted_mismatch", "status"] == "mismatch"
    assert claims.loc["das28_w12_mean_planted_mismatch", "recomputed"] == pytest.approx(65.26 / 17)
    report = (results / "paper/report.html").read_text("utf-8")
    assert "active rheumatoid arthritis (DAS28 &gt; 3.2)" in report or (
        "active rheumatoid arthritis (DAS28 > 3.2)" in report
    )
    for word in ("cutaneous", "muscle", "ACTCUTFL", "ACTBOTFL", "CDASI", "MMT8"):
        assert word not in report, word
    assert (results / "sensitivity/sensitivity.html").exists()


def test_a_new_prior_treatment_reaches_table_1_and_the_baseline_table(built_rheumatoid):
    results = built_rheumatoid / f"results/{RHEUMATOID}"
    tidy = pd.read_csv(results / "tidy/prior_treatments.csv", dtype=str)
    names = dict(zip(tidy["treatment"], tidy["treatment_name"]))
    assert (names["LEF"], names["SSZ"], names["TNFI"]) == (
        "leflunomide",
        "sulfasalazine",
        "a TNF inhibitor",
    )
    baseline = pd.read_csv(results / "paper/tables/baseline.csv", dtype=str).set_index(
        ["characteristic", "statistic"]
    )
    # leflunomide: 9 of 20 (S001, S004, S005, S006, S012, S015, S016, S018, S020);
    # a TNF inhibitor (adalimumab): S003, S008, S009, S015, S017, S018, 6 of 20
    assert baseline.loc[("Previously: leflunomide", "n (%)"), "All (n = 20)"] == "9 (45%)"
    assert baseline.loc[("Previously: a TNF inhibitor", "n (%)"), "All (n = 20)"] == "6 (30%)"
    label = "Active rheumatoid arthritis (DAS28 > 3.2)"
    assert baseline.loc[(label, "n (%)"), "All (n = 20)"] == "18 (90%)"
