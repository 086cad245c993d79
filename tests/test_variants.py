"""Variants, subgroups and a second cohort from config alone; rebuilds limited to what changed."""

import csv
import json
import math
import re
import shutil
import statistics

import pytest
import yaml

from conftest import ROOT
from hand import t_two_sided_p
from workflow import copy_project, snakemake

PILOT = "landon_cardinal_2022"
SYNTHETIC = "synthetic_tofacitinib"
ALL_VARIANTS = [
    *("paper", "nonparametric", "mcid4", "all_patients", "nonresponder"),
    *("mmt8_142", "ck_when_no_mmt8", "log_scale"),
]


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
    assert per_variant == {(rule, "mcid4") for rule in ("analyse", "report")}
    # the side-by-side page of the cohort depends on every variant, so it is rebuilt too
    assert sorted(rule for rule, w in jobs if "variant" not in w) == ["all", "sensitivity"]
    # the dry run kept the new settings in a file of their own, beside the built one;
    # changed back, the jobs' settings are the built file again: nothing reruns
    folder = rebuilt / ".snakemake/clinrepro/settings" / PILOT / "mcid4" / "analyse"
    held = sorted(path.read_text("utf-8").count('"threshold": 3') for path in folder.iterdir())
    assert held == [0, 1]
    config.write_text(text, "utf-8")
    assert planned_jobs(rebuilt) == []


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
    # MMT8 <= 142: the 6 pairs of 4 7 8 13 14 15, changes 12 24 14 -1 15 9, mean 73/6, SD
    # 8.183, t = 3.642 on 5 df: p = 0.0149 (closed form of the t distribution)
    changes = [12, 24, 14, -1, 15, 9]
    t = statistics.mean(changes) / (statistics.stdev(changes) / math.sqrt(6))
    assert f"{t_two_sided_p(t, 5):.3g}" == "0.0149"
    assert mmt8["mmt8_142"] == "mismatch (0.0149)"
    # patient 3, added by CK, has no MMT8: the same 8 pairs as the paper; log_scale is about
    # IFN-α and CK only
    assert mmt8["ck_when_no_mmt8"] == mmt8["log_scale"] == "mismatch (0.0298)"
    assert mmt8["holds under"] == "2 of 8 variants"
    cdasi = conclusions["cdasi_m0_m3_p"]
    assert cdasi["nonparametric"] == "mismatch (0.000122)"  # 2 / 2^14 cannot be < 0.0001
    assert cdasi["holds under"] == "7 of 8 variants"


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
    # active muscle disease at MMT8 <= 142 (4 7 8 13 14 15): only 7 (69 -> 93, +35%) gains 20%
    strict = table[("mmt8_142", "muscle response rate")]
    assert (float(strict["n"]), float(strict["value"])) == (6, pytest.approx(100 / 6))
    # patient 3 joins active muscle disease by CK, but has no MMT8: still 1 of 8
    by_ck = table[("ck_when_no_mmt8", "muscle response rate")]
    assert (float(by_ck["n"]), float(by_ck["value"])) == (8, 12.5)
    wilcoxon = table[("nonparametric", "CDASI change at M3")]
    assert (wilcoxon["test"], wilcoxon["estimator"], float(wilcoxon["p_value"])) == (
        "Wilcoxon signed-rank test",
        "Hodges-Lehmann median",
        2 / 2**14,
    )
    # the rank test's own estimate beside its p: the Hodges-Lehmann median of the 8 MMT8
    # changes and its interval (worked out in test_stats), not the t-test's mean and interval
    muscle = table[("nonparametric", "MMT8 change at M3")]
    assert [float(muscle[c]) for c in ("value", "ci_lower", "ci_upper")] == [8.25, -1, 18]
    assert table[("paper", "MMT8 change at M3")]["estimator"] == "mean"
    assert float(table[("paper", "MMT8 change at M3")]["value"]) == 71 / 8


def test_subgroup_figure_counts_every_level(built):
    import json

    caption = json.loads(
        (built / f"results/{PILOT}/paper/figures/subgroups.json").read_text("utf-8")
    )
    assert (
        caption["levels"] == 2 + 4 + 5
    )  # molecules, doses, antibodies among active cutaneous disease
    assert "antibody: anti-NXP2" in caption["caption"]  # one patient: shown, without an interval


def test_a_second_cohort_from_config_alone(built_synthetic):
    project = built_synthetic  # the session's run of the SYNTHETIC cohorts (not the pilot)
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


# --- each variant in words, and whose results it changes ----------------------------------


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))


def test_each_variant_is_described_by_what_it_changes(config, cohort):
    from clinrepro.presentation.variant_words import variant_description
    from clinrepro.base.settings import merged, variant_settings

    default = merged(config["analysis"], cohort.get("analysis") or {})
    words = {
        name: variant_description(variant_settings(config, name, cohort), default, cohort)
        for name in ALL_VARIANTS
    }
    assert words == {
        "paper": "none: the cohort's default analysis",
        "nonparametric": "Wilcoxon signed-rank test instead of the paired t-test for every measure",
        "mcid4": "cutaneous response at a CDASI decrease ≥ 4 points instead of ≥ 5",
        "all_patients": "cutaneous, muscle and combined analyses in all treated patients, not "
        "only in those with active disease at baseline",
        "nonresponder": "patients without a value at the response visit count as "
        "non-responders instead of being left out",
        "mmt8_142": "active muscle disease at MMT8 ≤ 142 points instead of < 150",
        "ck_when_no_mmt8": "patients without a baseline MMT8 count as having active muscle "
        "disease when CK > 1000 IU/L",
        # the cohort's measures in their order: CDASI, IFN-α, MMT8, CK
        "log_scale": "IFN-α and CK tested on the log scale",
    }


def test_a_variant_changing_several_settings_names_each_change(config, cohort):
    from clinrepro.presentation.variant_words import settings_changes
    from clinrepro.base.settings import merged

    default = merged(config["analysis"], cohort.get("analysis") or {})
    variant = merged(
        default,
        {
            "response": {"muscle": {"threshold": 15, "visit": "M3"}},
            "active_disease": {"cutaneous": {"parameter": "CDASI", "threshold": 14}},
            "tests": {"CK": "wilcoxon_signed_rank"},
            "scales": {"IFNA": "log"},
            "confidence_level": 0.9,
            "subgroups": ["TRTMOL", "SEX"],
            "marker_rise_ratio": 2,
        },
    )
    assert settings_changes(variant, default, cohort) == [
        "active cutaneous disease at CDASI ≥ 14 points instead of ≥ 10",
        "muscle response at an MMT8 increase ≥ 15% instead of ≥ 20%",
        "Wilcoxon signed-rank test instead of the paired t-test for CK",
        "IFN-α tested on the log scale",
        "CK counts as worsened at a 2-fold rise instead of 1.5-fold",
        "90% confidence intervals instead of 95%",
        "subgroups by molecule and sex instead of molecule, dose and antibody",
    ]


def hand_patients(analysis, active_muscle, muscle_responders):
    """Four patients, all treated and with active cutaneous disease; `active_muscle` and the
    muscle responder flags ('Y', 'N', '' not evaluable) at M3 as given."""
    import pandas as pd

    from clinrepro.presentation.variant_patients import Patients

    ids = ["1", "2", "3", "10"]
    muscle = ["Y" if p in active_muscle else "N" for p in ids]
    adsl = pd.DataFrame(
        {"SUBJID": ids, "SAFFL": "Y", "ACTCUTFL": "Y", "ACTMUSFL": muscle, "ACTBOTFL": muscle}
    )
    adeff = pd.DataFrame(
        {
            "SUBJID": ids * 2,
            "PARAMCD": ["CDASI"] * 4 + ["MMT8"] * 4,
            "AVISIT": "M3",
            "CRIT1FL": ["Y", "Y", "N", "Y", *(muscle_responders[p] for p in ids)],
        }
    )
    return Patients(adsl, adeff, analysis)


def test_patients_whose_membership_or_response_changes(analysis):
    from clinrepro.presentation.variant_patients import patient_changes

    reference = hand_patients(analysis, {"1", "2", "10"}, {"1": "N", "2": "", "3": "Y", "10": "N"})
    assert patient_changes(reference, reference) == "changes no patient's result"
    # 2 leaves active muscle disease (and both); 3 joins; 1 and 10 turn responders; patient
    # 3 was a responder outside the population, which does not count
    variant = hand_patients(analysis, {"1", "3", "10"}, {"1": "Y", "2": "N", "3": "Y", "10": "Y"})
    assert patient_changes(reference, variant) == (
        "adds patient 3 to active muscle disease; removes patient 2 from active muscle disease; "
        "adds patient 3 to both active cutaneous and active muscle disease; removes patient 2 "
        "from both active cutaneous and active muscle disease; patients 1 and 10 count as "
        "muscle responders instead of non-responders"
    )
    # every treated patient in the muscle analyses: 3 joins them, 2 stays not evaluable
    everyone = hand_patients(
        {**analysis, "populations": {**analysis["populations"], "muscle": "SAFFL"}},
        {"1", "2", "10"},
        {"1": "N", "2": "", "3": "Y", "10": "N"},
    )
    assert patient_changes(reference, everyone) == "adds patient 3 to the muscle analyses"


@pytest.fixture(scope="module")
def pilot_patients(tables, cohort, config):
    """Every variant's ADSL and ADEFF of the pilot, built from Table 1."""
    from clinrepro.adam.endpoints import build_adeff, build_adsl
    from clinrepro.presentation.variant_patients import ADEFF_READ, Patients
    from clinrepro.base.settings import variant_settings

    patients = {}
    for name in ALL_VARIANTS:
        analysis = variant_settings(config, name, cohort)
        adsl = build_adsl(tables, analysis, cohort["baseline_visit"])
        adeff = build_adeff(tables["measurements"], adsl, analysis, cohort)
        patients[name] = Patients(adsl, adeff[list(ADEFF_READ)], analysis)
    return patients


def test_which_pilot_patients_each_variant_changes(pilot_patients):
    from clinrepro.presentation.variant_patients import patient_changes

    changes = {
        name: patient_changes(pilot_patients["paper"], pilot_patients[name])
        for name in ALL_VARIANTS
    }
    assert changes == {
        "paper": "changes no patient's result",
        # tests and scales only
        "nonparametric": "changes no patient's result",
        "log_scale": "changes no patient's result",
        # the only active patient whose CDASI fell by less than 5 is 9 (10 -> 7): by 3, less
        # than 4 too
        "mcid4": "changes no patient's result",
        # not active cutaneous: 11 (CDASI 5) and 14 (0); not active muscle (MMT8 < 150): 2, 3
        # (no MMT8), 6, 9, 10, 12, 16; not both: those and 11, 14
        "all_patients": "adds patients 11 and 14 to the cutaneous analyses; adds patients 2, 3, "
        "6, 9, 10, 12 and 16 to the muscle analyses; adds patients 2, 3, 6, 9, 10, 11, 12, 14 "
        "and 16 to the combined analyses",
        # 11 has active muscle disease and no MMT8 at M3; every active cutaneous patient has
        # a CDASI at M3 (11, without one, is not active: CDASI 5)
        "nonresponder": "patient 11 counts as a muscle non-responder instead of not evaluable",
        # MMT8 at baseline 145 (1), 146 (5), 144 (11) is < 150 but > 142; 11 (CDASI 5) was not
        # in both
        "mmt8_142": "removes patients 1, 5 and 11 from active muscle disease; removes "
        "patients 1 and 5 from both active cutaneous and active muscle disease",
        # 3: no MMT8 at baseline, CK 2,559 IU/L > 1000, CDASI 44
        "ck_when_no_mmt8": "adds patient 3 to active muscle disease; adds patient 3 to both "
        "active cutaneous and active muscle disease",
    }


def test_claims_are_counted_per_source():
    import pandas as pd

    from clinrepro.presentation.sensitivity import claim_counts

    # in the report's groups: exact and within rounding together, approximate with a
    # population or test not stated, not computable with consistent with reported numbers
    claims = pd.DataFrame(
        {
            "source": ["paper", "paper", "news", "paper", "news", "paper", "paper"],
            "verdict": ["exact", "approximate", "within rounding", "not computable", "exact",
                        "population or test not stated", "inconsistent"],
        }
    )  # fmt: skip
    assert claim_counts(claims) == (
        "paper: 1 exact or within rounding, 2 approximate or under a population or test not "
        "stated, 1 beyond the per-patient data, 1 inconsistent; news: 2 exact or within "
        "rounding, none inconsistent"
    )
    assert claim_counts(claims.iloc[:0]) == "no claims"


def test_the_variants_page_reads_in_words(built):
    html = (built / f"results/{PILOT}/sensitivity/sensitivity.html").read_text("utf-8")
    assert "cutaneous response at a CDASI decrease ≥ 4 points instead of ≥ 5" in html
    assert (
        "<td>mcid4</td><td>cutaneous response at a CDASI decrease ≥ 4 points instead of ≥ 5" in html
    )
    assert (
        "removes patients 1, 5 and 11 from active muscle disease; removes patients 1 and 5 from "
        "both active cutaneous and active muscle disease</td>"
    ) in html
    # the pilot's audit under the paper's choices, in the report's groups of verdicts: of the
    # paper's 44 claims 8 + 5 + 6 + 25, of the news summary 10 (README, 'What the audit finds')
    assert (
        "paper: 8 exact or within rounding, 5 only on our reading, 6 approximate or under a "
        "population or test not stated, 25 beyond the per-patient data, none inconsistent; "
        "news: 10 exact or within rounding, none inconsistent"
    ) in html
    # the key claims as the report grades them: the CDASI p < 0.0001, and the exact rank
    # test's 2/2^14
    assert "<td>exact (&lt; 0.0001)</td><td>population or test not stated (0.00012)</td>" in html
    # the MMT8 change in active muscle disease: paired t p = 0.0298
    assert "<td>active muscle disease (MMT8 &lt; 150)</td><td>8</td><td>8.88</td>" in html
    for code in ("SAFFL", "ACTCUTFL", "ACTMUSFL", "ACTBOTFL", "mmt8_m0_m3_p", "{'", "e-0"):
        assert code not in html, code


def test_variants_are_described_against_the_first_that_overrides_nothing(config):
    from clinrepro.presentation.sensitivity import reference_variant

    assert reference_variant(["mcid4", "paper", "log_scale"], config["variants"]) == "paper"
    # without it the first built stands in, and the page names it
    assert reference_variant(["mcid4", "mmt8_142"], config["variants"]) == "mcid4"


@pytest.mark.parametrize("step, key", [("analyse", "analysis"), ("report", "figures")])
def test_each_jobs_log_names_the_code_and_settings_it_ran_with(built, step, key):
    log = (built / "logs" / PILOT / "mcid4" / f"{step}.log").read_text("utf-8")
    code, last = log.splitlines()[-2:]
    # the code it ran, the line before: the file listing its sources' digests
    code = code.removeprefix("INFO clinrepro.base.errors: code: ")
    assert code.startswith(f".snakemake/clinrepro/code/{step}/") and code.endswith(".sha256")
    assert "  clinrepro/base/errors.py\n" in (built / code).read_text("utf-8")
    prefix = "INFO clinrepro.base.errors: settings: "
    assert last.startswith(prefix)
    path = last.removeprefix(prefix)
    assert path.startswith(f".snakemake/clinrepro/settings/{PILOT}/mcid4/{step}/")
    held = json.loads((built / path).read_text("utf-8"))
    # the variant's own threshold, and the cohort's default it is compared with
    assert held["analysis"]["response"]["cutaneous"]["threshold"] == 4
    assert held["default"]["response"]["cutaneous"]["threshold"] == 5
    assert key in held and held["cohort"]["name"] == PILOT
