"""Figures, tables and the self-contained report, end to end in a temporary copy."""

import csv
import json
import re
import struct
from pathlib import Path

import pytest

import browser
from workflow import copy_project, snakemake

BASE = "results/landon_cardinal_2022"


@pytest.fixture(scope="module")
def project(built):
    return built


def test_table1_rebuilt_cell_for_cell(project):
    rebuilt = (project / BASE / "tables/table1.csv").read_bytes()
    assert rebuilt == (project / "data/raw/landon_cardinal_2022/table1.csv").read_bytes()


def test_table1_html_has_the_two_level_header(project):
    html = (project / BASE / "tables/table1.html").read_text("utf-8")
    assert '<th colspan="2" scope="colgroup">CDASI activity</th>' in html
    assert '<th rowspan="2" scope="col">JAKinh Molecule, dose (mg/day)</th>' in html
    assert "<td>68 ± 19</td>" in html and "<td>12 ± NA</td>" in html
    assert html.count("<tr>") == 2 + 16


def png_size(path: Path) -> tuple[int, int]:
    return struct.unpack(">II", path.read_bytes()[16:24])


def png_dpi(path: Path) -> float:
    """Resolution from the PNG's pHYs chunk (pixels per metre)."""
    data = path.read_bytes()
    at = data.index(b"pHYs") + 4
    per_metre, _, unit = struct.unpack(">IIB", data[at : at + 9])
    assert unit == 1  # metres
    return per_metre * 0.0254


@pytest.mark.parametrize(
    "name",
    ["course", "disease_overlap", "response_patients", "waterfall", "other_measures", "subgroups"],
)
def test_figures_are_written_at_300_dpi_with_an_svg(project, name):
    folder = project / BASE / "paper/figures"
    assert round(png_dpi(folder / f"{name}.png")) == 300
    assert png_size(folder / f"{name}.png")[0] > 1200
    assert (folder / f"{name}.svg").read_text("utf-8").startswith("<?xml")


def test_captions_state_population_n_and_missing(project):
    captions = {
        path.stem: json.loads(path.read_text("utf-8"))
        for path in (project / BASE / "paper/figures").glob("*.json")
    }
    course = captions["course"]
    assert (course["population"], course["n"], course["n_missing"]) == ("ACTCUTFL", 14, 0)
    assert "14 patients with active cutaneous disease at baseline (ACTCUTFL)" in course["caption"]
    assert course["title"] == "CDASI activity score at every visit"
    assert "M6, FU (last follow-up): reported summaries only" in course["caption"]
    mmt8 = captions["response_patients"]
    assert (mmt8["population"], mmt8["n"], mmt8["n_missing"], mmt8["n_responders"]) == (
        "ACTMUSFL",
        9,
        1,
        1,
    )
    assert "8 with values at M0 (baseline) and M3, 1 without both (patient 11)" in mmt8["caption"]
    overlap = captions["disease_overlap"]
    counts = [overlap[k] for k in ("cutaneous only", "both", "muscle only", "neither")]
    assert counts == [7, 7, 2, 0]
    assert "1 without a baseline MMT8 (patient 3) counted as not active" in overlap["caption"]
    laboratory = captions["other_measures"]
    # CK: both values for 12 (not 9, 10, 11, 15); IFN-alpha: 8
    assert (laboratory["CK_n_pairs"], laboratory["IFNA_n_pairs"]) == (12, 8)
    assert "(patient 9, 10, 11, 15)" in laboratory["caption"]


def test_claims_audit_table_lists_mismatches_first(project):
    with open(project / BASE / "paper/tables/claims_audit.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["status"] for row in rows[:6]] == ["mismatch"] * 5 + ["match"]
    assert rows[0]["claim"] == "mmt8_m0_mean"


def test_baseline_table_by_molecule(project):
    with open(project / BASE / "paper/tables/baseline.csv", encoding="utf-8") as handle:
        rows = {(r["characteristic"], r["statistic"]): r for r in csv.DictReader(handle)}
    female = rows[("Female", "n (%)")]
    assert (
        female["All (n = 16)"],
        female["baricitinib (n = 12)"],
        female["ruxolitinib (n = 4)"],
    ) == (
        "15 (94%)",
        "11 (92%)",
        "4 (100%)",
    )
    age = rows[("Age, years", "mean ± SD")]
    assert age["All (n = 16)"] == "55.4 ± 19.3"  # 887 / 16 = 55.44
    mmt8 = rows[("Manual Muscle Testing 8, points", "mean ± SD")]
    assert mmt8["missing (all)"] == "1"
    assert mmt8["M0 (baseline) vs M3 (all)"] == "p = 0.063 (paired t-test, n = 14 pairs)"
    # MMT8 at M3 in every patient with a value there: 14 values, 1910 / 14 = 136.4 (SD 22.7)
    assert mmt8["M3 (all)"] == "136.4 ± 22.7"


def test_report_is_self_contained_and_escaped(project):
    html = (project / BASE / "paper/report.html").read_text("utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html
    assert html.count('src="data:image/png;base64,') == 7
    assert "default-src 'none'; img-src data:" in html
    assert "<b>5</b>mismatch" in html.replace("\n", "")
    assert "CDASI decrease ≥ 5 points at M3" in html
    assert "Mean MMT8 at baseline" in html
    # the ledger's quote 'p ≤0.05' and the '>' of '> 0.05' come from data and are escaped
    assert "&gt; 0.05" in html or "read as p &gt; 0.05" in html
    for digest in re.findall(r"SHA-256 of data/raw/[^<]+</td><td><code>([0-9a-f]+)</code>", html):
        assert len(digest) == 64


def test_markup_in_the_data_is_escaped(tmp_path):
    project = copy_project(tmp_path / "markup")
    ledger = project / "data/raw/landon_cardinal_2022/claims.csv"
    text = ledger.read_text("utf-8").replace(
        "Patients treated with a JAK inhibitor", "<script>alert(1)</script> treated"
    )
    ledger.write_text(text, "utf-8")
    run = snakemake(project, "--config", "run={cohorts: [landon_cardinal_2022], variants: [paper]}")
    assert run.returncode == 0, run.stderr[-2000:]
    html = (project / BASE / "paper/report.html").read_text("utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; treated" in html


def test_snakemake_report_also_works(project, tmp_path):
    run = snakemake(project, "--report", str(tmp_path / "smk-report.html"))
    assert run.returncode == 0, run.stderr[-2000:]
    html = (tmp_path / "smk-report.html").read_text("utf-8")
    for name in (
        "course",
        "disease_overlap",
        "table1.csv",
        "claims_audit.csv",
        "report.html",
    ):
        assert name in html


@pytest.mark.skipif(not browser.available(), reason="chromium and chromedriver are not installed")
def test_report_renders_in_a_real_browser(project, tmp_path):
    report = project / BASE / "paper/report.html"
    driver = browser.open_browser()
    try:
        driver.get(report.as_uri())
        height = driver.execute_script("return document.documentElement.scrollHeight")
        images = driver.execute_script(
            "return Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
        )
        headings = driver.execute_script(
            "return Array.from(document.querySelectorAll('h2')).map(h => h.textContent)"
        )
        driver.set_window_size(1280, min(height, 16000))
        shot = tmp_path / "report.png"
        driver.save_screenshot(str(shot))
        # every claim opened: its cells and explanations wrap, nothing runs past 1280 px
        driver.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
        widths = driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth,"
            " document.querySelector('table.claims').getBoundingClientRect().right]"
        )
    finally:
        driver.quit()
    assert height > 3000
    assert len(images) == 7
    assert all(complete and width > 1000 and h > 500 for complete, width, h in images), images
    assert headings[:2] == ["Claims against the data", "Figures"]
    assert png_size(shot)[1] >= min(height, 16000) * 0.9
    assert widths[0] <= widths[1] and widths[2] <= widths[1], widths


def test_power_in_the_report(project):
    html = (project / BASE / "paper/report.html").read_text("utf-8")
    section = html[html.index('<h2 id="power">') : html.index('<h2 id="methods">')]
    assert '<h2 id="power">Power and sample size</h2>' in section
    assert "plans 62 patients" in section
    assert "never at the effect it observed" in section
    assert "Two-arm sample size (per arm) for 80% power against the placebo response" in section
    with open(project / BASE / "paper/power/power_summary.csv", encoding="utf-8") as handle:
        rows = {
            (r["endpoint"], r["assumption"], r["analysis"], r["method"]): r
            for r in csv.DictReader(handle)
        }
    # the observed effect sizes a trial, labelled optimistic, and has no power of its own
    observed = rows[("MMT8 change at M3", "observed (optimistic)", "paired t-test", "analytic")]
    assert observed["power at the cohort's n"] == "not computed (effect from the data)"
    assert observed["n for 80% power"] == "11"
    # the criterion itself (20% of the baseline mean) is what the pilot's n is judged against
    criterion = rows[
        ("MMT8 change at M3", "muscle response criterion", "paired t-test", "analytic")
    ]
    assert criterion["power at the cohort's n"] == "0.99 (n = 8)"
    assert "MCID (lower)" in section and "optimistic" in section


def test_claims_open_to_their_cells_and_explanations(project):
    html = (project / BASE / "paper/report.html").read_text("utf-8")
    assert "<details><summary>Mean MMT8 at baseline</summary>" in html
    assert (
        "one patient: leaving out patient 4 (MMT8 Baseline 131) (gives 119.75, printed 120)" in html
    )
    assert "patient 7: &#39;MMT8 Baseline&#39; 69" in html
    assert "not in the population (ACTMUSFL): patient 2, 3, 6, 9, 10, 12, 16" in html
    with open(project / BASE / "paper/reconciliation.csv", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["claim_id"] == "mmt8_m0_mean"]
    # (145+146+69+144+79+109+135+131) / 8 = 958 / 8 = 119.75, once without each 131
    assert [(r["kind"], r["detail"], float(r["value"]), r["printed"]) for r in rows] == [
        ("one patient", "leaving out patient 4 (MMT8 Baseline 131)", 119.75, "120"),
        ("one patient", "leaving out patient 8 (MMT8 Baseline 131)", 119.75, "120"),
    ]
    with open(project / BASE / "paper/claims.csv", encoding="utf-8") as handle:
        claims = {r["claim_id"]: r for r in csv.DictReader(handle)}
    # at least every single patient (9) and every pair (36) of the population were tried
    assert int(claims["mmt8_m0_mean"]["explanations_tried"]) >= 9 + 36
    assert claims["cutaneous_response_m3_pct"]["explanations"].startswith("no explanation among ")
    assert claims["n_patients"]["explanations"] == ""
    # a note belongs to the statistics it is about: the quartiles, not the mean
    with open(project / BASE / "paper/ard.csv", encoding="utf-8") as handle:
        ard = [r for r in csv.DictReader(handle) if r["analysis"] == "summary"]
    notes = {r["statistic"]: r["note"] for r in ard if r["parameter"] == "MMT8"}
    assert notes["mean"] == "" and notes["q1"].startswith("quartiles by linear interpolation")
