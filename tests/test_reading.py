"""The report's words read clinically, and the internal names none may show: the change table at each measure's decimals, the
estimate one patient carries, a marker against its normal range and the treatment's known
effect, confounders, entry criteria as our reading, visit labels; worked out by hand from
Table 1 and from the registry export's raw files."""

import statistics
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
import yaml
from scipy import stats as scipy_stats

from clinrepro.presentation.clinical import pairs_of, reading_notes
from clinrepro.audit.eligibility import eligibility, eligibility_summary
from clinrepro.adam.endpoints import build_adeff, build_adsl
from clinrepro.reading.extract import extract_cohort
from clinrepro.audit.eligibility import attainability, attainability_summary
from clinrepro.presentation.limitations import (
    eligibility_limitation,
    limitations,
    multiple_testing_limitation,
)
from clinrepro.presentation.words import (
    change_rows,
    change_table,
    cohort_sentence,
    multiplicity,
    response_sentence,
)
from clinrepro.base.settings import variant_settings
from clinrepro.statistics.results import analysis_results
from conftest import ROOT, cohort_of
from words import internal_names

REGISTRY = "synthetic_registry_export"
SETTINGS = yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))
# Table 1, M0 -> M3 (tests/hand.py): the 14 CDASI changes of active cutaneous disease, the
# 8 MMT8 changes of active muscle disease, the 8 IFN-α and 12 CK changes of everyone
CDASI = [-11, -20, -30, -19, -10, -8, -12, -23, -3, -16, -13, -11, -10, -6]
MMT8 = [0, 12, -2, 24, 14, -1, 15, 9]
IFNA = [-45, -6, -82, 44, -162, -15, -5, -1728]
CK = [118, 102, -2333, -9, 109, 64, -21, 11, -23, -22, -121, 31]


def half_up(value: float, places: int, sign: str = "+") -> str:
    """Half-up rounding worked in the test, a change with its sign ('+8.9')."""
    text = str(
        Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    )
    return f"{sign}{text}" if value > 0 else text


def t_interval(changes: list[float], places: int) -> str:
    mean, n = statistics.mean(changes), len(changes)
    half = scipy_stats.t.ppf(0.975, n - 1) * statistics.stdev(changes) / n**0.5
    return f"{half_up(mean - half, places)} to {half_up(mean + half, places)}"


@pytest.fixture(scope="module")
def pilot_results(pilot, analysis, cohort):
    adsl, adeff, _ = pilot
    ard = analysis_results(adsl, adeff, analysis, "M0", cohort["measures"])
    return adsl, adeff, ard, change_rows(ard, analysis, cohort)


@pytest.fixture(scope="module")
def registry():
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))
    cohort = cohort_of(REGISTRY)
    tables = extract_cohort(cohort["raw"], cohort)
    analysis = variant_settings(config, "paper", cohort)
    adsl = build_adsl(tables, analysis, cohort["baseline_visit"])
    adeff = build_adeff(tables["measurements"], adsl, analysis, cohort)
    ard = analysis_results(adsl, adeff, analysis, cohort["baseline_visit"], cohort["measures"])
    return cohort, analysis, adsl, adeff, ard, change_rows(ard, analysis, cohort)


def raw_changes(code: str, visit: str) -> pd.Series:
    """A measure's change from day 0 to a visit, patient by patient, from the raw export."""
    raw = pd.read_csv(ROOT / "data/raw" / REGISTRY / "measurements.csv", dtype=str)
    raw["value"] = pd.to_numeric(raw["value"], errors="coerce")
    names = {"CK": "CK", "HAQ": "HAQ-DI", "CDASI": "CDASI", "MMT8": "MMT8"}
    wide = raw[raw["measure"] == names[code]].pivot(
        index="patient_id", columns="visit", values="value"
    )
    return (wide[visit] - wide["Day 0"]).dropna()


def test_the_change_table_of_the_pilot(pilot_results, analysis):
    *_, rows = pilot_results
    table = change_table(rows, analysis).set_index("measure")
    # CDASI -192 / 14 = -13.71; MMT8 71 / 8 = 8.875 -> +8.9 (half up); IFN-α -1999 / 8 =
    # -249.875 -> -249.9; CK -2094 / 12 = -174.5
    for label, changes in (
        ("CDASI (points)", CDASI), ("MMT8 (points)", MMT8),
        ("IFN-α (fg/mL)", IFNA), ("CK (IU/L)", CK),
    ):  # fmt: skip
        row = table.loc[label]
        assert row["change"] == f"{half_up(statistics.mean(changes), 1)} (mean)"
        assert row["95% CI"] == t_interval(changes, 1)
        assert row["pairs"] == len(changes) and row["visit"] == "M3"
    assert table.loc["MMT8 (points)", "change"] == "+8.9 (mean)"
    # the main outcome is the response rate: the mean change's test supports it, is not it
    assert table["role"].tolist() == [
        "supports the main outcome", "exploratory", "supports a secondary outcome", "exploratory",
    ]  # fmt: skip
    assert "primary" not in " ".join(multiplicity(rows, pilot_results[2], analysis)["role"])


def test_the_change_table_honours_decimals_and_visit_labels(registry):
    cohort, analysis, *_, rows = registry
    table = change_table(rows, analysis)
    haq = table[table["measure"] == "HAQ (points)"].set_index("visit")
    # HAQ-DI is recorded in hundredths (decimals 2): means and limits with 3 decimals
    for visit, label in (("Week 12", "week 12"), ("Week 24", "week 24")):
        changes = raw_changes("HAQ", visit).tolist()
        assert haq.loc[label, "change"] == f"{half_up(statistics.mean(changes), 3)} (mean)"
        assert haq.loc[label, "95% CI"] == t_interval(changes, 3)
        assert haq.loc[label, "pairs"] == len(changes)
    assert haq.loc["week 24", "change"] == "-0.467 (mean)"
    assert set(table["visit"]) == {"week 12", "week 24"}
    cdasi = table[table["measure"] == "CDASI (points)"].set_index("visit")["role"]
    assert cdasi.to_dict() == {"week 12": "exploratory", "week 24": "supports the main outcome"}


def test_the_pilot_read_clinically(pilot_results, analysis, cohort):
    _, adeff, ard, rows = pilot_results
    # IFN-α: without patient 12 (-1728) the mean change is -271 / 7 = -38.7. CK: without
    # patient 3 (-2333) it is 239 / 11 = +21.7. Above 192 IU/L at M0: patients 3 (2559) and
    # 14 (221); at M3: 3 (226), 5 (219), 6 (236). Up >= 1.5-fold: 1 (65 -> 183, x2.82),
    # 2 (79 -> 181, x2.29), 16 (27 -> 58, x2.15), 5 (110 -> 219, x1.99); 219 / 192 = 1.14.
    # With MMT8 too (not patient 3, no MMT8 at M0): 11; MMT8 held in 1 (145) and 16 (150)
    assert reading_notes(rows, ard, adeff, cohort, analysis) == [
        "IFN-α at M3, 8 patients with a value at both visits: mean change -249.9 fg/mL; one "
        "patient carries it: patient 12 (12292 -> 10564); without that patient it is -38.7 "
        "fg/mL.",
        "CK at M3, 12 patients with a value at both visits: mean change -174.5 IU/L; one "
        "patient carries it: patient 3 (2559 -> 226); without that patient it is +21.7 IU/L. "
        "Its normal range (upper limit 192 IU/L: a common laboratory reference range for adult "
        "women (26-192 IU/L); the paper gives none): above it 2 of the 12 at M0 (baseline) and "
        "3 at M3. CK rose at least 1.5-fold in 4 of the 12: patient 1 (65 -> 183), patient 2 "
        "(79 -> 181), patient 16 (27 -> 58) and patient 5 (110 -> 219); 3 of them end within "
        "the normal range, 1 above it (patient 5: 1.1 times the upper limit). CK rises, mostly "
        "within or just above the normal range, are a known effect of JAK inhibitors "
        "(creatine phosphokinase elevations are listed in the prescribing information of "
        "baricitinib, one of the two drugs given here), not a sign of muscle disease by "
        "themselves. CK tracks MMT8: "
        "of the 11 patients with CK and MMT8 at both visits, CK rose at least 1.5-fold in 4, "
        "and MMT8 did not fall in 2 of them.",
    ]
    assert sorted(pairs_of(adeff, "CK", "M3", "SAFFL")["CHG"]) == sorted(CK)


def test_one_patient_carries_an_estimate_of_the_registry(registry):
    cohort, analysis, _, adeff, ard, rows = registry
    changes = raw_changes("CK", "Week 24")
    # the patient whose removal moves the mean most, and the mean without them
    mean = changes.mean()
    without = {patient: changes.drop(patient).mean() for patient in changes.index}
    most = max(without, key=lambda patient: abs(without[patient] - mean))
    # it carries the mean when it moves it by more than half of the mean or of its SE
    scale = max(abs(mean), changes.std(ddof=1) / len(changes) ** 0.5)
    assert most == "S009" and abs(without[most] - mean) > 0.5 * scale
    assert reading_notes(rows, ard, adeff, cohort, analysis) == [
        f"CK at week 24, {len(changes)} patients with a value at both visits: mean change "
        f"{half_up(mean, 1)} IU/L; one patient carries it: patient S009 (200 -> 473); without "
        f"that patient it is {half_up(without[most], 1)} IU/L."
    ]


def test_the_registrys_main_outcome_in_words_from_its_raw_files(registry):
    cohort, analysis, adsl, adeff, ard, rows = registry
    # active cutaneous disease: CDASI >= 10 on day 0; responders: a fall of 5 or more by
    # week 24; the exact (Clopper-Pearson) 95% interval from the beta distribution
    change = raw_changes("CDASI", "Week 24")
    raw = pd.read_csv(ROOT / "data/raw" / REGISTRY / "measurements.csv", dtype=str)
    raw["value"] = pd.to_numeric(raw["value"], errors="coerce")
    day0 = raw[(raw["measure"] == "CDASI") & (raw["visit"] == "Day 0")].set_index("patient_id")
    active = change[change.index.isin(day0.index[day0["value"] >= 10])]
    k, n = int((active <= -5).sum()), len(active)
    low, high = scipy_stats.beta.ppf(0.025, k, n - k + 1), scipy_stats.beta.ppf(0.975, k + 1, n - k)
    context = {"ard": ard, "analysis": analysis, "cohort": cohort, "rows": rows, "adeff": adeff,
               "attainable": attainability_summary(attainability(adsl, adeff, analysis, cohort))}  # fmt: skip
    falls = [-c for c in active]
    # the population counts those without a week-24 value too: k of the n evaluable of them
    population = int((day0["value"] >= 10).sum())
    assert population > n
    assert response_sentence("cutaneous", context) == (
        f"{k} of {n} evaluable of the {population} patients with active cutaneous disease "
        "(CDASI ≥ 10) fell by at least 5 "
        f"points on the CDASI activity by week 24 ({half_up(100 * k / n, 1, '')}%, 95% CI "
        f"{half_up(100 * low, 1, '')}% to {half_up(100 * high, 1, '')}%); the mean CDASI fell "
        f"by {half_up(statistics.mean(falls), 1, '')} points (95% CI "
        f"{t_interval(falls, 1).replace('+', '')}; p < 0.001, paired t-test, {n} patients)."
    )
    assert (k, n) == (29, 34)


def test_limitations_name_confounders_the_data_stop_and_our_readings(
    pilot_results, analysis, cohort
):
    adsl, adeff, ard, _ = pilot_results
    eligible = eligibility_summary(eligibility(adsl, adeff, cohort))
    lines = limitations(cohort, analysis, adsl, ard, 8, eligible)
    assert (
        "Confounder: IVIg, given alongside in 5 patients (text l.77-78), is itself an effective "
        "treatment of the skin in dermatomyositis (ProDERM trial, Aggarwal et al., N Engl J Med "
        "2022): a confounder of the change in CDASI activity score, which cannot be credited to "
        "the study treatment alone in those patients."
    ) in lines
    assert (
        "Follow-up: the per-patient data stop at M3 (3 months after baseline); M6 and FU (last "
        "follow-up) are reported only as summaries, which this report shows as printed and "
        "cannot check patient by patient."
    ) in lines
    # age minus disease duration: 6 (13), 14 (17.1), 15 (16): our reading of 'adult DM'
    assert eligibility_limitation(cohort, eligible) == [
        "Entry criteria, our reading: the study states that it included adult DM (ENMC "
        "criteria) with (i) CDASI ≥ 10 and/or active muscle disease despite ≥ 1 "
        "immunosuppressant, or (ii) new-onset ILD with anti-MDA5 positivity (text l.67). Read "
        "as 'adult onset' (age minus disease duration >= 18; our reading: the paper says 'adult "
        "DM patients', which may mean adults at inclusion; read here as adult-onset DM (age at "
        "onset 18 or more)), of 16 patients 2 fail it whatever the rounding of the printed "
        "numbers (patients 6, 15) and 1 cannot be decided from the printed numbers (patient 14)."
    ]
    assert lines[-1] == (
        "Multiple testing: the report shows 8 p-values, none adjusted for multiplicity; without "
        "a control group, none of them is confirmatory: each describes a change from baseline, "
        "not an effect of the treatment."
    )
    assert not any("only the primary" in line for line in lines)


def test_the_registry_in_words_with_visit_labels(registry):
    cohort, analysis, adsl, _, ard, rows = registry
    assert cohort_sentence(cohort, adsl, rows) == (
        "This synthetic registry followed 40 patients treated with baricitinib, ruxolitinib, "
        "tofacitinib or upadacitinib and measured CDASI activity, MMT8, Creatine kinase and HAQ "
        "disability index at day 0 (baseline), week 12 and week 24."
    )
    lines = limitations(cohort, analysis, adsl, ard, 12, None)
    assert "CDASI at week 24: 4 of 40" in " ".join(lines)
    assert not any(code in " ".join(lines) for code in ("W12", "W24", "D0"))
    assert multiple_testing_limitation(cohort, 12).endswith(
        "without a control group (the settings declare none), none of them is confirmatory: "
        "each describes a change from baseline, not an effect of the treatment."
    )


PAGE = """<html><head><title>x (paper)</title></head><body>
<p>Cohort <code>c</code>, analysis variant <code>paper</code>; the set named
<code class="variant">mcid4</code>; variant mmt8_142 unlabelled.</p>
<p>set in power.placebo; ACTMUSFL; n_evaluable in claims_cells.csv; IFNA change at W24;
IFN-α at week 24.</p>
<p>0.4 patient of 14; the ledger's reading; 1056 in all; 1,056 specifications in all;
(paper, printed unchanged); GRIMMER: sum 1080.</p>
<figure><img alt="HAQ at D0" src="data:image/png;base64,AAAA"></figure>
</body></html>"""


def test_the_internal_names_a_page_shows():
    cohort = cohort_of("synthetic_registry_export")
    cohort["measures"]["IFNA"] = {"printed": "IFN", "short": "IFN-α", "unit": "fg/mL"}
    found = internal_names(PAGE, cohort, SETTINGS, {"n_evaluable", "ACTMUSFL"})
    names = [hit.split(" in '")[0] for hit in found]
    assert names == [
        "an unlabelled variant id: 'variant  paper'",  # the tag between is taken out
        "an unlabelled variant id: 'mmt8_142'",
        "an internal name: 'ACTMUSFL'",
        "an internal name: 'D0'",
        "an internal name: 'IFNA'",
        "an internal name: 'W24'",
        "an internal name: 'n_evaluable'",
        "a setting path: 'power.placebo'",
        "a fraction of a patient: '0.4 patient of'",
        "the ledger: 'ledger'",
        "a count with no noun: '1056 in all'",
        "a source id and a printed word in brackets: '(paper, printed'",
        "a test the glossary does not explain: GRIMMER",
    ]
    # explained in a glossary, GRIMMER is a word a reader can look up
    explained = PAGE.replace("</body>", "<dl><dt>GRIM, GRIMMER</dt><dd>...</dd></dl></body>")
    found = internal_names(explained, cohort, SETTINGS, set())
    assert not [hit for hit in found if hit.startswith("a test the glossary")]


def test_a_change_near_zero_is_not_said_to_be_carried_by_one_patient(cohort):
    from clinrepro.presentation.clinical import carried_words

    # 20 changes, mean 14 / 20 = +0.7, SE about 9 / √20 = 2.0; without the +10 the mean is
    # 4 / 19 = +0.21: a move of 0.49, more than half of 0.7 but not of the SE
    changes = [-9, 9] * 9 + [4, 10]
    pairs = pd.DataFrame(
        {"SUBJID": [str(i) for i in range(20)], "BASE": 100.0, "AVAL": 100.0, "CHG": changes}
    )
    row = {"measure": "MMT8", "test": "paired t-test", "unit": "points"}
    assert carried_words(row, pairs, cohort) == ""
    # a change carried by one patient is said so, with that patient's values
    pairs.loc[19, ["AVAL", "CHG"]] = [160.0, 60.0]  # mean 64 / 20 = +3.2, without: +0.21
    assert carried_words(row, pairs, cohort) == (
        "; one patient carries it: patient 19 (100 -> 160); without that patient it is +0.2 points"
    )


def test_a_change_significant_by_one_test_only_says_so(pilot, analysis, cohort):
    """MMT8 in active muscle disease, M0 to M3 (8 pairs): paired t p = 0.030, exact Wilcoxon
    p = 0.078 (exact, one zero change dropped: 5/64), log-scale t p = 0.060; CDASI:
    every test below 0.001, nothing to say."""
    from clinrepro.presentation.words import change_rows, other_tests_disagree

    _, _, ard = pilot
    rows = {r["measure"]: r for r in change_rows(ard, analysis, cohort) if r["visit"] == "M3"}
    assert other_tests_disagree(ard, rows["MMT8"], analysis) == (
        "; the Wilcoxon signed-rank test gives p = 0.078 and the paired t-test on the log scale "
        "gives p = 0.060: whether the change passes the 5% level depends on the test"
    )
    assert other_tests_disagree(ard, rows["CDASI"], analysis) == ""
