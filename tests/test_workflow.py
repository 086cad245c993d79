"""End to end: the workflow in a temporary copy, its claims audit and how it refuses bad input."""

import csv
import math
import statistics

import pytest

from conftest import in_one_thread
from hand import t_two_sided_p
from workflow import copy_project, snakemake

CLAIMS = "results/landon_cardinal_2022/paper/claims.csv"


@pytest.fixture(scope="module")
def project(built):
    return built


@pytest.fixture(scope="module")
def claims(project):
    with open(project / CLAIMS, encoding="utf-8", newline="") as handle:
        return {row["claim_id"]: row for row in csv.DictReader(handle)}


# (status, recomputed worked out by hand from Table 1; None where not computable)
EXPECTED = {
    "n_patients": ("match", 16),
    "n_active_cutaneous": ("match", 14),
    "n_active_muscle": ("match", 9),  # MMT8 < 150 at baseline: 1, 4, 5, 7, 8, 11, 13, 14, 15
    "n_active_both": ("match", 7),
    "pct_active_cutaneous": ("match", 87.5),
    "pct_active_muscle": ("match", 56.25),
    "pct_active_both": ("match", 43.75),
    "cdasi_m0_mean": ("match", 379 / 14),
    "cdasi_m0_sd": (
        "match",
        statistics.stdev([26, 27, 44, 49, 49, 30, 29, 34, 10, 17, 20, 18, 16, 10]),
    ),
    "cdasi_m3_mean": ("mismatch", 187 / 14),  # 13.36 prints as 13, not 14
    "cdasi_m3_sd": ("match", statistics.stdev([15, 7, 14, 30, 39, 22, 17, 11, 7, 1, 7, 7, 6, 4])),
    "cutaneous_response_m3_pct": ("mismatch", 100 * 13 / 14),  # 92.9%, printed 90%
    "mmt8_m0_mean": ("mismatch", 1089 / 9),  # 121, printed 120
    "mmt8_m0_sd": ("mismatch", statistics.stdev([145, 131, 146, 69, 131, 144, 79, 109, 135])),
    "n_female": ("match", 15),
    "age_min": ("match", 18),
    "age_max": ("match", 84),
    "n_baricitinib_2mg": ("match", 6),
    "n_baricitinib_4mg": ("match", 6),
    "n_ruxolitinib_20mg": ("match", 2),
    "n_ruxolitinib_30mg": ("match", 2),
    "cdasi_m6_mean": ("not_computable", None),
    "cdasi_m6_sd": ("not_computable", None),
    "cdasi_fu_mean": ("not_computable", None),
    "cdasi_fu_sd": ("not_computable", None),
    "n_prednisone_gt5_m0": ("not_computable", None),
    "n_ivig_m0": ("not_computable", None),
}


@pytest.mark.parametrize("claim_id", sorted(EXPECTED))
def test_claim(claims, claim_id):
    status, value = EXPECTED[claim_id]
    row = claims[claim_id]
    assert row["status"] == status
    if value is None:
        assert row["recomputed"] == "" and row["reason"] != ""
    else:
        assert float(row["recomputed"]) == pytest.approx(value, rel=1e-12)


def test_p_values_with_the_test_named(claims):
    cdasi = claims["cdasi_m0_m3_p"]
    assert (cdasi["status"], cdasi["method"], cdasi["n"]) == ("match", "paired_t", "14")
    assert float(cdasi["recomputed"]) < 0.0001
    others = other_methods(cdasi)
    assert others["wilcoxon_signed_rank"] == "0.00012207"  # 2 / 2^14: cannot be < 0.0001
    # the t-test of log(M3 / M0) of the 14 active-cutaneous pairs: t on 13 df, p = 0.000165
    assert float(others["paired_t_log"]) == pytest.approx(log_t_p(CDASI_PAIRS), rel=1e-5)
    assert float(others["paired_t_log"]) == pytest.approx(0.000165128, rel=1e-5)
    mmt8 = claims["mmt8_m0_m3_p"]
    # the paper says 'unchanged'; the paired t-test of the 8 active-muscle pairs says p = 0.03
    assert (mmt8["status"], mmt8["method"], mmt8["n"]) == ("mismatch", "paired_t", "8")
    assert float(mmt8["recomputed"]) == pytest.approx(0.0298325, abs=1e-7)
    others = other_methods(mmt8)
    assert others["wilcoxon_signed_rank"] == "0.078125"
    # on the log scale (every MMT8 > 0): p = 0.0600, on 7 df
    assert float(others["paired_t_log"]) == pytest.approx(log_t_p(MMT8_PAIRS), rel=1e-5)
    assert float(others["paired_t_log"]) == pytest.approx(0.059995, rel=1e-5)


# M0, M3 of the active-cutaneous patients (CDASI >= 10) and the active-muscle ones with MMT8
# at both visits (1 4 5 7 8 13 14 15), from Table 1
CDASI_PAIRS = list(
    zip(
        [26, 27, 44, 49, 49, 30, 29, 34, 10, 17, 20, 18, 16, 10],
        [15, 7, 14, 30, 39, 22, 17, 11, 7, 1, 7, 7, 6, 4],
    )
)
MMT8_PAIRS = [(145, 145), (131, 143), (146, 144), (69, 93), (131, 145), (79, 78), (109, 124),
              (135, 144)]  # fmt: skip


def log_t_p(pairs) -> float:
    """Two-sided p of the t-test of log(after / before), by the closed form (odd df)."""
    logs = [math.log(after / before) for before, after in pairs]
    t = statistics.mean(logs) / (statistics.stdev(logs) / math.sqrt(len(logs)))
    return t_two_sided_p(t, len(logs) - 1)


def other_methods(claim) -> dict[str, str]:
    """'wilcoxon_signed_rank: 0.078125; paired_t_log: 0.059995' as a dict."""
    return dict(item.split(": ") for item in claim["other_methods"].split("; "))


def test_ledger_order_and_full_precision(project, claims):
    assert list(claims)[:3] == ["n_patients", "n_active_cutaneous", "pct_active_cutaneous"]
    assert claims["cdasi_m0_mean"]["recomputed"] == repr(379 / 14)
    assert claims["cdasi_m0_mean"]["recomputed_rounded"] == "27"
    statuses = [row["status"] for row in claims.values()]
    assert (
        statuses.count("match"),
        statuses.count("mismatch"),
        statuses.count("not_computable"),
    ) == (
        23,
        6,
        25,
    )  # the 51 of the first ledger, and n_followup, 'half', 'most'
    verdicts = [row["verdict"] for row in claims.values()]
    # exact: the news summary's 10, 16, 14 and the two CDASI p bounds; within rounding: 88%,
    # 27, 13, 11; reading-dependent: 9, 56%, 7, 44% and 'most' (our readings)
    assert (verdicts.count("exact"), verdicts.count("within rounding")) == (14, 4)
    assert verdicts.count("reading-dependent") == 5
    assert verdicts.count("inconsistent") == 0


def test_a_second_run_has_nothing_to_do(project):
    run = snakemake(project, "--dry-run")
    assert run.returncode == 0
    assert "Nothing to be done" in run.stdout + run.stderr


def test_out_of_range_value_stops_before_any_analysis(tmp_path):
    project = copy_project(tmp_path / "bad")
    table = project / "data/raw/landon_cardinal_2022/table1.csv"
    text = table.read_text("utf-8")
    table.write_text(text.replace(",49,30,144 ± 12,", ",101,30,144 ± 12,"), "utf-8")  # patient 4
    before = table.read_bytes()
    run = snakemake(project)
    assert run.returncode != 0
    log = (project / "logs/landon_cardinal_2022/extract.log").read_text("utf-8")
    assert log == (
        "Input validation failed: 1 problem(s).\n"
        "In data/raw/landon_cardinal_2022/table1.csv:\n"
        "  - patient 4, column 'CDASI activity Baseline', value '101': value is outside the "
        "measure's range (CDASI 0-100, IFNA >= 0, MMT8 0-150, CK >= 0)\n"
    )
    assert "Traceback" not in log
    assert not (project / "results/landon_cardinal_2022/tidy").exists()
    assert not (project / "results/landon_cardinal_2022/paper").exists()
    assert table.read_bytes() == before


def test_invalid_variant_setting_is_refused_before_any_job(tmp_path):
    project = copy_project(tmp_path / "badconfig")
    config = project / "config/config.yaml"
    config.write_text(
        config.read_text("utf-8").replace("  paper: {}", "  paper: {tests: {CDASI: ttest}}"),
        "utf-8",
    )
    run = snakemake(project)
    assert run.returncode != 0
    assert "'ttest' is not one of ['paired_t', 'wilcoxon_signed_rank']" in run.stderr
    assert "(at tests.CDASI)" in run.stderr
    assert "Traceback" not in run.stderr and 'File "' not in run.stderr
    assert not (project / "results").exists()


def test_figures_drawn_side_by_side_by_a_direct_call_are_the_bytes_the_workflow_drew(
    project, tmp_path
):
    import yaml

    from clinrepro.base.parallel import run_parts
    from clinrepro.presentation import figures
    from clinrepro.base.settings import FIGURES, cohort_settings, variant_settings

    config = yaml.safe_load((project / "config/config.yaml").read_text("utf-8"))
    cohort = cohort_settings(config, "landon_cardinal_2022", project)
    variant = project / "results/landon_cardinal_2022/paper"
    outputs = {}
    for name in FIGURES:
        outputs |= {f"{name}_{kind}": str(tmp_path / f"{name}.{kind}") for kind in ("png", "svg")}
        outputs[f"{name}_caption"] = str(tmp_path / f"{name}.json")
        outputs[f"{name}_data"] = str(tmp_path / f"{name}.csv")
    inputs = {name: str(variant / f"{name}.csv") for name in ("adsl", "adeff", "ard")}
    inputs["reported_summaries"] = str(project / cohort["raw"]["reported_summaries"])
    settings = config["figures"] | {"synthetic": False}
    analysis = variant_settings(config, "paper", cohort)
    study = {key: value for key, value in cohort.items() if key != "analysis"}
    # on two processes, as the report job of an edit loop draws them (clinrepro.base.parallel)
    in_one_thread(lambda: run_parts(figures.parts(inputs, analysis, settings, study, outputs), 2))
    for name in FIGURES:
        for kind in ("png", "svg", "json", "csv"):
            drawn = (tmp_path / f"{name}.{kind}").read_bytes()
            assert drawn == (variant / f"figures/{name}.{kind}").read_bytes(), (name, kind)
