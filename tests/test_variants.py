"""Variants, subgroups and a second cohort from config alone; rebuilds limited to what changed."""

import csv
import re
import shutil

import pytest
import yaml

from conftest import ROOT
from workflow import copy_project, snakemake

PILOT = "landon_cardinal_2022"
SYNTHETIC = "synthetic_tofacitinib"
ALL_VARIANTS = ["paper", "nonparametric", "mcid4", "all_patients", "nonresponder"]


def planned_jobs(project, *args) -> list[tuple[str, dict]]:
    """The jobs a dry run lists: (rule, wildcards)."""
    run = snakemake(project, "--dry-run", *args)
    assert run.returncode == 0, run.stderr[-2000:]
    jobs = []
    for match in re.finditer(r"^(?:local)?rule (\w+):\n((?:    .*\n)*)", run.stdout, re.M):
        found = re.search(r"^    wildcards: (.*)$", match.group(2), re.M)
        wildcards = dict(item.split("=", 1) for item in found.group(1).split(", ")) if found else {}
        jobs.append((match.group(1), wildcards))
    return jobs


@pytest.fixture()
def rebuilt(built, tmp_path):
    """A copy of the fully built project, results and Snakemake's records included."""
    return shutil.copytree(built, tmp_path / "copy", symlinks=True)


def test_changing_one_variant_reruns_only_that_variant(rebuilt):
    config = rebuilt / "config/config.yaml"
    text = config.read_text("utf-8")
    assert "response: {cutaneous: {threshold: 4}}" in text
    config.write_text(
        text.replace(
            "response: {cutaneous: {threshold: 4}}", "response: {cutaneous: {threshold: 3}}"
        ),
        "utf-8",
    )
    jobs = planned_jobs(rebuilt)
    per_variant = {(rule, w["variant"]) for rule, w in jobs if "variant" in w}
    assert per_variant == {
        (rule, "mcid4")
        for rule in (
            "endpoints",
            "stats",
            "audit",
            "figures",
            "tables",
            "power",
            "report",
            "manifest",
        )
    }
    # the side-by-side page of the cohort depends on every variant, so it is rebuilt too
    assert sorted(rule for rule, w in jobs if "variant" not in w) == ["all", "sensitivity"]


def test_adding_a_cohort_reruns_nothing_of_the_others(rebuilt):
    both = f"run={{cohorts: [{PILOT}, {SYNTHETIC}], variants: [{', '.join(ALL_VARIANTS)}]}}"
    jobs = planned_jobs(rebuilt, "--config", both)
    cohorts = {w.get("cohort") for rule, w in jobs if rule != "all"}
    assert cohorts == {SYNTHETIC}
    assert len([rule for rule, _ in jobs if rule == "report"]) == len(ALL_VARIANTS)


def test_a_variant_with_an_unknown_key_is_refused_before_any_job(tmp_path):
    project = copy_project(tmp_path / "typo")
    config = project / "config/config.yaml"
    text = config.read_text("utf-8").replace(
        "missing_response: nonresponder", "missing_respons: nonresponder"
    )
    config.write_text(text, "utf-8")
    run = snakemake(project)
    assert run.returncode != 0
    assert "Additional properties are not allowed ('missing_respons' was unexpected)" in run.stderr
    assert not (project / "results").exists()


def rows(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_which_conclusions_survive_which_choices(built):
    conclusions = {
        row["claim"]: row for row in rows(built / f"results/{PILOT}/sensitivity/conclusions.csv")
    }
    mmt8 = conclusions["mmt8_m0_m3_p"]
    # paired t in the 8 active-muscle pairs: p = 0.030; exact Wilcoxon: 10/128; all 14 pairs: t p = 0.063
    assert mmt8["paper"] == "mismatch (0.0298)"
    assert mmt8["nonparametric"] == "match (0.0781)"
    assert mmt8["all_patients"] == "match (0.0625)"
    assert mmt8["holds under"] == "2 of 5 variants"
    cdasi = conclusions["cdasi_m0_m3_p"]
    assert cdasi["nonparametric"] == "mismatch (0.000122)"  # 2 / 2^14 cannot be < 0.0001
    assert cdasi["holds under"] == "4 of 5 variants"


def test_estimates_per_variant(built):
    table = {
        (r["variant"], r["estimate"].split(",")[0]): r
        for r in rows(built / f"results/{PILOT}/sensitivity/sensitivity.csv")
    }
    # all patients with paired CDASI: 13 of 15 fell by >= 5 (not 9: -3, not 14: 0)
    assert float(table[("all_patients", "cutaneous response rate")]["value"]) == pytest.approx(
        100 * 13 / 15
    )
    # patient 11 (active muscle disease, no MMT8 at M3) counts as a non-responder: 1 of 9
    nonresponder = table[("nonresponder", "muscle response rate")]
    assert (float(nonresponder["n"]), float(nonresponder["value"])) == (9, pytest.approx(100 / 9))
    assert float(table[("paper", "muscle response rate")]["n"]) == 8
    wilcoxon = table[("nonparametric", "mean CDASI change at M3")]
    assert (wilcoxon["test"], float(wilcoxon["p_value"])) == (
        "Wilcoxon signed-rank test",
        2 / 2**14,
    )


def test_subgroup_figure_counts_every_level(built):
    import json

    caption = json.loads(
        (built / f"results/{PILOT}/paper/figures/subgroups.json").read_text("utf-8")
    )
    assert (
        caption["levels"] == 2 + 4 + 5
    )  # molecules, doses, antibodies among active cutaneous disease
    assert "antibody: anti-NXP2" in caption["caption"]  # one patient: shown, without an interval


def test_a_second_cohort_from_config_alone(tmp_path):
    project = copy_project(tmp_path / "second")
    run = snakemake(project, "--config", f"run={{cohorts: [{SYNTHETIC}], variants: [paper]}}")
    assert run.returncode == 0, run.stderr[-3000:]
    base = project / "results" / SYNTHETIC
    statuses = {r["claim_id"]: r["status"] for r in rows(base / "paper/claims.csv")}
    assert statuses.pop("cdasi_m3_mean_planted_mismatch") == "mismatch"
    assert statuses.pop("followup_years_mean") == "not_computable"
    assert set(statuses.values()) == {"match"}
    # the table is rebuilt in its own layout, 'n/a' and 'nil' included
    assert (base / "tables/table1.csv").read_bytes() == (
        project / f"data/raw/{SYNTHETIC}/patients.csv"
    ).read_bytes()
    report = (base / "paper/report.html").read_text("utf-8")
    assert "Synthetic data: this cohort was generated" in report
    assert "SYNTHETIC cohort" in report
    caption = (base / "paper/figures/course.json").read_text("utf-8")
    assert '"caption": "SYNTHETIC DATA.' in caption
    assert not (project / "results" / PILOT).exists()
