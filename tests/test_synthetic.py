"""The seeded generator of SYNTHETIC cohorts: committed example files and their contents."""

import csv
import re
from pathlib import Path
from statistics import mean

import pytest
import yaml

from clinrepro.synthetic.generator import main
from conftest import ROOT

# cohort -> patients and seed its committed files were generated with
EXAMPLES = {
    "synthetic_tofacitinib": (24, 2026),
    "synthetic_upadacitinib": (23, 2026),
    "synthetic_registry_export": (40, 2026),
    # a seed whose draws leave two patients without active disease at baseline
    "synthetic_rheumatoid": (20, 2027),
}
REGISTRY = "data/raw/synthetic_registry_export"
UPADACITINIB = "data/raw/synthetic_upadacitinib/table.csv"
TOFACITINIB = "data/raw/synthetic_tofacitinib"


def settings(cohort: str) -> dict:
    """A cohort's settings file."""
    return yaml.safe_load((ROOT / f"config/cohorts/{cohort}.yaml").read_text("utf-8"))


def rows(path: str) -> list[dict]:
    """A committed CSV file's rows, every cell as text."""
    with open(ROOT / path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def ledger(path: str) -> dict[str, dict]:
    """A claims ledger by claim id."""
    return {row["claim_id"]: row for row in rows(path)}


def number(cell: str) -> float | None:
    """A table's cell as a number, None for a missing-value token."""
    return None if cell in ("", "NA", "n/a") else float(cell)


def generate(cohort: str, folder: Path, monkeypatch, patients: int, seed: int = 2026) -> None:
    """Run the command line in `folder`, where the settings' relative raw paths land."""
    monkeypatch.chdir(folder)
    config = str(ROOT / f"config/cohorts/{cohort}.yaml")
    main([config, "--patients", str(patients), "--seed", str(seed)])


@pytest.mark.parametrize("cohort", EXAMPLES)
def test_regenerating_gives_the_committed_files(cohort, tmp_path, monkeypatch):
    generate(cohort, tmp_path, monkeypatch, *EXAMPLES[cohort])
    named = sorted(settings(cohort)["raw"].values())
    folder = Path(named[0]).parent
    assert sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / folder).iterdir()) == named
    assert sorted(str(p.relative_to(ROOT)) for p in (ROOT / folder).iterdir()) == named
    for path in named:
        assert (tmp_path / path).read_bytes() == (ROOT / path).read_bytes(), path


def test_the_ledger_s_criteria_come_from_the_config_given(tmp_path, monkeypatch):
    from clinrepro.synthetic.generator import ledger_plan

    config = yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))
    cohort = settings("synthetic_tofacitinib")
    assert "analysis" not in cohort  # the config's defaults are its own
    plan = ledger_plan(cohort, config["analysis"])
    assert plan["role"] == "cutaneous" and plan["response"]["threshold"] == 5
    config["analysis"]["response"]["cutaneous"]["threshold"] = 8
    assert ledger_plan(cohort, config["analysis"])["response"]["threshold"] == 8
    # the command line reads the config it is given (the workflow gives its params)
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config), "utf-8")
    monkeypatch.chdir(tmp_path)
    patients, seed = EXAMPLES["synthetic_tofacitinib"]
    main([str(ROOT / "config/cohorts/synthetic_tofacitinib.yaml"), "--patients", str(patients),
          "--seed", str(seed), "--config", str(tmp_path / "config.yaml")])  # fmt: skip
    with open(f"{TOFACITINIB}/claims.csv", newline="", encoding="utf-8") as handle:
        written = {row["claim_id"]: row for row in csv.DictReader(handle)}
    committed = ledger(f"{TOFACITINIB}/claims.csv")
    differ = sorted(key for key in committed if written[key] != committed[key])
    assert differ == ["cutaneous_response_m3_pct"]
    assert committed[differ[0]]["description"] == "SYNTHETIC: CDASI decrease >= 5 at Week 12"
    assert written[differ[0]]["description"] == "SYNTHETIC: CDASI decrease >= 8 at Week 12"
    assert (committed[differ[0]]["reported"], written[differ[0]]["reported"]) == ("90%", "86%")


def test_refuses_settings_not_marked_synthetic(tmp_path, monkeypatch):
    with pytest.raises(SystemExit):
        generate("landon_cardinal_2022", tmp_path, monkeypatch, 5)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("cohort", EXAMPLES)
def test_every_example_says_it_is_synthetic(cohort):
    cohort_settings = settings(cohort)
    assert cohort_settings["synthetic"] is True
    assert cohort_settings["title"].startswith("SYNTHETIC")
    if "claims" in cohort_settings["raw"]:
        claims = rows(cohort_settings["raw"]["claims"])
        assert {row["source"] for row in claims} == {"synthetic"}
        assert all(row["description"].startswith("SYNTHETIC: ") for row in claims)
        assert set(cohort_settings.get("key_claims", [])) <= {row["claim_id"] for row in claims}


def test_registry_export_is_long_unsorted_and_complete():
    measurements = rows(f"{REGISTRY}/measurements.csv")
    patients = rows(f"{REGISTRY}/patients.csv")
    assert list(measurements[0]) == ["patient_id", "visit", "measure", "value"]
    subjects = [row["patient_id"] for row in measurements]
    assert len(set(subjects)) == 40
    assert set(subjects) == {row["patient_id"] for row in patients} and len(patients) == 40
    assert {row["measure"] for row in measurements} == {"CDASI", "MMT8", "CK", "HAQ-DI"}
    assert {row["visit"] for row in measurements} == {"Day 0", "Week 12", "Week 24"}
    assert subjects != sorted(subjects)
    # one row at most per patient, visit and measure; some missing values left out
    # altogether (fewer than 40 x 3 x 4 rows), others exported as the token
    cells = [(row["patient_id"], row["visit"], row["measure"]) for row in measurements]
    assert len(cells) == len(set(cells)) < 480
    assert any(row["value"] == "NA" for row in measurements)


def test_registry_values_are_exported_floats_within_range():
    measurements = [r for r in rows(f"{REGISTRY}/measurements.csv") if r["value"] != "NA"]
    haq = [row["value"] for row in measurements if row["measure"] == "HAQ-DI"]
    assert haq and all(re.fullmatch(r"\d\.\d{1,2}", value) for value in haq)
    assert all(0 <= float(value) <= 3 for value in haq)
    # the whole-number measures as a registry exports a float: 39.0
    whole = [row["value"] for row in measurements if row["measure"] != "HAQ-DI"]
    assert all(re.fullmatch(r"\d+\.0", value) for value in whole)
    mmt8 = [float(row["value"]) for row in measurements if row["measure"] == "MMT8"]
    assert 0 <= min(mmt8) and max(mmt8) <= 150


def test_registry_patients_file():
    patients = rows(f"{REGISTRY}/patients.csv")
    cohort = settings("synthetic_registry_export")
    assert list(patients[0]) == list(cohort["columns"].values())
    treatments = set(cohort["vocabularies"]["prior_treatment"])
    for row in patients:
        prior = row["prior_treatments"]
        assert prior == "none" or set(prior.split(", ")) <= treatments
    doses = {
        "tofacitinib": {"10", "20"},
        "baricitinib": {"2", "4"},
        "upadacitinib": {"15", "30"},
        "ruxolitinib": {"20", "30"},
    }
    assert all(row["dose_mg_per_day"] in doses[row["jak_inhibitor"]] for row in patients)


def registry_values(measure: str, visit: str) -> dict[str, float]:
    """patient -> value of one measure at one visit, in the committed registry export."""
    return {
        row["patient_id"]: float(row["value"])
        for row in rows(f"{REGISTRY}/measurements.csv")
        if row["measure"] == measure and row["visit"] == visit and row["value"] != "NA"
    }


def test_registry_treated_cohort_improves():
    for measure in ("CDASI", "HAQ-DI"):
        day0, week24 = registry_values(measure, "Day 0"), registry_values(measure, "Week 24")
        assert mean(week24.values()) < mean(day0.values()), measure


def cutaneous_facts(before: dict, after: dict) -> dict:
    """The ledger's cutaneous numbers, recomputed: CDASI >= 10 at baseline, paired later."""
    active = {subject: value for subject, value in before.items() if value >= 10}
    paired = [subject for subject in active if subject in after]
    responders = sum(active[subject] - after[subject] >= 5 for subject in paired)
    return {
        "baseline_mean": round(mean(active.values()), 1),
        "response_pct": round(100 * responders / len(paired)),
        "planted": round(mean(after[subject] for subject in paired) + 3, 1),
    }


def test_registry_ledger_matches_its_data_at_day_0_and_week_24():
    claims = ledger(f"{REGISTRY}/claims.csv")
    facts = cutaneous_facts(registry_values("CDASI", "Day 0"), registry_values("CDASI", "Week 24"))
    assert float(claims["cdasi_d0_mean"]["value"]) == facts["baseline_mean"]
    assert float(claims["cutaneous_response_w24_pct"]["value"]) == facts["response_pct"]
    assert float(claims["cdasi_w24_mean_planted_mismatch"]["value"]) == facts["planted"]
    assert claims["cdasi_d0_w24_p"]["visit"] == "W24"
    assert {row["visit"] for row in claims.values()} == {"D0", "W24", ""}
    women = sum(row["sex"] == "F" for row in rows(f"{REGISTRY}/patients.csv"))
    assert float(claims["n_female"]["value"]) == women
    assert claims["n_patients"]["reported"] == "40"


def test_upadacitinib_table_has_molecule_and_dose_apart_and_no_ledger():
    table = rows(UPADACITINIB)
    assert list(table[0]) == [
        "Patient ID", "Age", "Sex", "Disease duration (years)", "Antibody", "Prior treatments",
        "JAK inhibitor", "Daily dose (mg)", "CDASI Baseline", "CDASI Month 3", "MMT8 Baseline",
        "MMT8 Month 3", "CK (IU/L) Baseline", "CK (IU/L) Month 3",
    ]  # fmt: skip
    assert not any("IFN" in header for header in table[0])
    assert len(table) == 23
    doses = {"Upadacitinib": {"15", "30"}, "Tofacitinib": {"10", "20"}}
    assert all(row["Daily dose (mg)"] in doses[row["JAK inhibitor"]] for row in table)
    assert {row["JAK inhibitor"] for row in table} == set(doses)
    assert any(row["MMT8 Month 3"] == "NA" for row in table)
    assert all(number(row["CDASI Baseline"]) is not None for row in table)
    assert not {"claims", "reported_summaries"} & set(settings("synthetic_upadacitinib")["raw"])
    assert sorted(p.name for p in (ROOT / UPADACITINIB).parent.iterdir()) == ["table.csv"]


def test_tofacitinib_ledger_matches_its_table():
    table = rows(f"{TOFACITINIB}/patients.csv")
    claims = ledger(f"{TOFACITINIB}/claims.csv")
    cdasi = {
        visit: {row["Subject"]: number(row[f"CDASI-A {visit}"]) for row in table}
        for visit in ("Week 0", "Week 12")
    }
    before, after = ({s: v for s, v in cdasi[w].items() if v is not None} for w in cdasi)
    facts = cutaneous_facts(before, after)
    assert float(claims["cdasi_m0_mean"]["value"]) == facts["baseline_mean"]
    assert float(claims["cutaneous_response_m3_pct"]["value"]) == facts["response_pct"]
    assert float(claims["cdasi_m3_mean_planted_mismatch"]["value"]) == facts["planted"]
    assert float(claims["n_female"]["value"]) == sum(r["Gender"] == "female" for r in table)
    assert float(claims["age_max"]["value"]) == max(int(r["Age at inclusion"]) for r in table)
    regimens = [row["JAK inhibitor, mg/day"] for row in table]
    assert all(re.fullmatch(r"(Tofacitinib, (10|20)|Baricitinib, (2|4))", r) for r in regimens)
    assert float(claims["n_baricitinib_4mg"]["value"]) == regimens.count("Baricitinib, 4")
    summaries = rows(f"{TOFACITINIB}/reported_summaries.csv")
    assert {(row["parameter"], row["visit"]) for row in summaries} == {("CDASI", "M6")}
