"""Registry scale: the N-patient generator, bounded failure reports, aggregated figures,
and Parquet intermediates giving the same results as CSV ones."""

import csv
import json

import pandas as pd
import pytest
import yaml

from clinrepro.base import errors
from clinrepro.base.errors import InputError, write_problems
from clinrepro.reading.extract import extract_cohort
from clinrepro.synthetic.generate import run as generate
from conftest import ROOT, TABLE, build, built_project

REGISTRY = "synthetic_registry"
PILOT = "landon_cardinal_2022"


# the analysis defaults the generated ledger's criteria come from
DEFAULTS = yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))["analysis"]


def settings_of(name):
    return yaml.safe_load((ROOT / f"config/cohorts/{name}.yaml").read_text("utf-8"))


def generated_files(folder) -> dict[str, str]:
    """Where the generator writes the table, claims, summaries and its profile."""
    kinds = ("table", "claims", "reported_summaries")
    return {kind: str(folder / f"{kind}.csv") for kind in kinds} | {
        "profile": str(folder / "generator.json")
    }


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    """1,000 SYNTHETIC patients resampled from the pilot's Table 1, seed 2026."""
    outputs = generated_files(tmp_path_factory.mktemp("registry"))
    generate(str(ROOT / TABLE), settings_of(PILOT), 1000, 2026, outputs, DEFAULTS)
    return outputs


def test_generator_resamples_whole_seed_patients(registry):
    table = pd.read_csv(registry["table"], dtype=str, keep_default_na=False)
    seed = pd.read_csv(ROOT / TABLE, dtype=str, keep_default_na=False)
    drawn = json.loads(open(registry["profile"], encoding="utf-8").read())
    counts = drawn["patients_drawn_per_seed_patient"]
    assert list(table.columns) == list(seed.columns)  # the published layout
    assert len(table) == 1000 == sum(counts.values())
    assert table["Patients"].iloc[[0, -1]].tolist() == ["R0001", "R1000"]

    def drawn_where(condition):
        return sum(counts[p] for p in seed.loc[condition, "Patients"])

    # patient 11 is the seed's only man; 8 seed patients have no IFN-alpha at baseline,
    # 7 print a replicate SD there: every synthetic patient keeps their seed patient's
    assert (table["Sex"] == "M").sum() == counts["11"]
    ifn = "IFN-α (fg/mL) Baseline"
    assert (table[ifn] == "NA").sum() == drawn_where(seed[ifn] == "NA")
    assert table[ifn].str.contains("±").sum() == drawn_where(seed[ifn].str.contains("±"))
    assert set(table["Previous treatment"]) <= set(seed["Previous treatment"])
    # numbers are smoothed, printed as the seed prints them and kept in range
    cdasi = pd.to_numeric(table["CDASI activity Baseline"], errors="coerce").dropna()
    assert cdasi.between(0, 100).all() and (cdasi % 1 == 0).all()
    assert pd.to_numeric(table["Age (yrs)"]).between(18, 110).all()
    assert not table["Age (yrs)"].isin(seed["Age (yrs)"]).all()


def test_generator_is_seeded(registry, tmp_path):
    again = generated_files(tmp_path)
    generate(str(ROOT / TABLE), settings_of(PILOT), 1000, 2026, again, DEFAULTS)
    for kind in ("table", "claims", "reported_summaries"):
        assert open(again[kind], "rb").read() == open(registry[kind], "rb").read(), kind
    generate(str(ROOT / TABLE), settings_of(PILOT), 1000, 2027, again, DEFAULTS)
    assert open(again["table"], "rb").read() != open(registry["table"], "rb").read()


def test_failure_report_is_bounded(registry, tmp_path, monkeypatch):
    monkeypatch.setattr(errors, "MAX_PROBLEMS", 20)
    table = pd.read_csv(registry["table"], dtype=str, keep_default_na=False)
    table["Sex"] = "X"  # every one of the 1,000 patients
    table.loc[:, "Age (yrs)"] = "abc"
    path = tmp_path / "bad.csv"
    table.to_csv(path, index=False)
    settings = settings_of(REGISTRY) | {"raw": {"table": str(path)}}
    with pytest.raises(InputError) as caught:
        extract_cohort(str(path), settings)
    lines = caught.value.block().splitlines()
    # the printed forms are checked first: all 1,000 ages, 20 listed and one count
    assert lines[0] == "Input validation failed: 1000 problem(s)."
    assert lines[2].startswith("  - patient R0001, column 'Age (yrs)', value 'abc'")
    assert lines[21].startswith("  - patient R0020, column 'Age (yrs)'")
    assert lines[22] == (
        "  - whole file, column 'Age (yrs)': 980 more not listed: not of the form expected: "
        "a number (e.g. 42 or 3.5)"
    )
    assert len(lines) == 23  # header, file, 20 problems, the count (each says its form)
    table["Age (yrs)"] = "50"
    table.to_csv(path, index=False)
    with pytest.raises(InputError) as caught:
        extract_cohort(str(path), settings)
    assert caught.value.total == 1000 and len(caught.value.problems) == 21
    write_problems(str(tmp_path / "problems.csv"), caught.value.problems)
    with open(tmp_path / "problems.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 21
    assert rows[-1]["message"] == "980 more not listed: unknown sex; known: 'F', 'M'"


build("registry_run", ("--config", f"run={{cohorts: [{REGISTRY}], variants: [paper]}}"))


@pytest.fixture(scope="module")
def registry_run():
    return built_project("registry_run") / "results" / REGISTRY


def test_registry_of_1000_runs_end_to_end(registry_run):
    claims = pd.read_csv(registry_run / "paper/claims.csv").set_index("claim_id")
    assert claims.loc["n_patients", "reported"] == "1000"
    assert (
        claims.pop("status")
        .drop(["cdasi_m3_mean_planted_mismatch", "followup_years_mean"])
        .eq("match")
        .all()
    )
    # Table 1 rebuilt from the tidy tables is the generated table, byte for byte
    assert (registry_run / "tables/table1.csv").read_bytes() == (
        registry_run / "raw/table.csv"
    ).read_bytes()


def test_table1_page_shows_the_first_rows_and_says_so(registry_run):
    page = (registry_run / "tables/table1.html").read_text("utf-8")
    note = "The first 500 of 1,000 patients are shown; table1.csv has them all."
    assert note in page
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr") == 500
    first, shown_last = "<td>R0001</td>", "<td>R0500</td>"
    assert first in body and shown_last in body and "<td>R0501</td>" not in body
    report = (registry_run / "paper/report.html").read_text("utf-8")
    assert note in report and "<td>R0501</td>" not in report


def test_every_value_the_registrys_figures_draw_is_found_where_it_comes_from(registry_run):
    from drawn import check_variant

    checked = check_variant(registry_run.parents[1], REGISTRY, "paper")
    assert checked["ard"] > 0 and checked["adeff"] > 0


def test_figures_draw_distributions_over_the_threshold(registry_run):
    figures = registry_run / "paper/figures"
    course = json.loads((figures / "course.json").read_text("utf-8"))["caption"]
    assert "grey boxes: median and quartiles, whiskers: 5th to 95th percentile" in course
    mmt8 = json.loads((figures / "response_patients.json").read_text("utf-8"))["caption"]
    assert "right, a histogram of the improvements" in mmt8
    waterfall = json.loads((figures / "waterfall.json").read_text("utf-8"))["caption"]
    assert "Each line is one group, its patients ranked by change" in waterfall
    # missing patients are named up to 10, the others counted
    assert (
        " and 50 more) counted as not active"
        in json.loads((figures / "disease_overlap.json").read_text("utf-8"))["caption"]
    )


build(
    "parquet_run",
    (
        "--config",
        f"run={{cohorts: [{PILOT}], variants: [paper]}}",
        "storage={intermediates: parquet}",
    ),
)


@pytest.fixture(scope="module")
def parquet_run():
    return built_project("parquet_run")


def test_parquet_intermediates_give_the_csv_results(built, parquet_run):
    project = parquet_run
    assert (project / f"results/{PILOT}/paper/adeff.parquet").exists()
    # one variant: the intermediates are read and written alike in every variant
    compared = ["tables/table1.csv"] + [
        f"paper/{name}"
        for name in ("ard.csv", "claims.csv", "power/power.csv", "tables/baseline.csv")
    ]
    for name in compared:
        ours = project / f"results/{PILOT}/{name}"
        assert ours.read_bytes() == (built / f"results/{PILOT}/{name}").read_bytes(), name
