"""Each pandera model accepts a good frame and reports every problem of a bad one."""

import pandas as pd
import pytest
import yaml

from clinrepro.adam.schemas import ADEFF, ADSL
from clinrepro.audit.schemas import (
    Attainability,
    Claims,
    ClaimsCells,
    Eligibility,
    Outcomes,
    Reconciliation,
    Specifications,
    SummaryChecks,
)
from clinrepro.base.errors import InputError
from clinrepro.power.schemas import Power, PowerCurve, PowerSummary
from clinrepro.reading.schemas import (
    ClaimsLedger,
    measurement_schema,
    PriorTreatments,
    RawTable,
    Regimens,
    ReportedSummaries,
    Subjects,
)
from clinrepro.reading.validate import validate_cohort
from clinrepro.reading import validation
from clinrepro.reading.validation import check_table, row_check_columns, write_checked_tables
from clinrepro.statistics.schemas import ARD
from conftest import ROOT


def problems(model, frame, **kwargs):
    validated, found = check_table(model, frame, "f.csv", **kwargs)
    return validated, sorted((p.patient, p.column, p.value, p.message) for p in found)


def test_subjects(tables):
    validated, found = problems(Subjects, tables["subjects"])
    assert found == [] and len(validated) == 16
    bad = tables["subjects"].head(3).copy()
    bad.loc[0, "age"] = 12  # not an adult
    bad.loc[1, "sex"] = "U"
    bad.loc[2, "disease_duration"] = 90.0  # longer than her age of 84
    _, found = problems(Subjects, bad)
    assert found == [
        ("1", "age", "12", "below the allowed minimum: must be at least 18"),
        ("2", "sex", "U", "not in the controlled vocabulary; one of: F, M"),
        ("3", "disease_duration", "90", "disease duration is longer than the patient's age"),
    ]


def test_regimens(tables):
    assert problems(Regimens, tables["regimens"])[1] == []
    bad = tables["regimens"].head(2).copy()
    bad.loc[0, "dose"] = 0
    bad.loc[1, "molecule"] = "imatinib"
    assert problems(Regimens, bad)[1] == [
        ("1", "dose", "0", "must be greater than 0"),
        (
            "2",
            "molecule",
            "imatinib",
            "not in the controlled vocabulary; one of: ruxolitinib, baricitinib, tofacitinib, "
            "upadacitinib",
        ),
    ]


def test_prior_treatments(tables):
    assert problems(PriorTreatments, tables["prior_treatments"])[1] == []
    bad = tables["prior_treatments"].head(2).copy()
    bad.loc[1, "treatment"] = "CS"  # patient 1 listed CS twice
    assert problems(PriorTreatments, bad)[1] == [
        ("1", "treatment", "CS", "the same treatment is listed twice for this patient"),
    ]


def test_measurements(tables, cohort):
    Measurements = measurement_schema(cohort)
    assert problems(Measurements, tables["measurements"])[1] == []
    bad = tables["measurements"].head(4).copy()  # patient 1: CDASI M0, M3, IFNA M0, M3
    bad.loc[0, "value"] = 101.0
    bad.loc[2, "value"] = -1.0
    bad.loc[3, "replicate_sd"] = -4.0
    _, found = problems(Measurements, bad)
    range_message = (
        "value is outside the measure's range (CDASI 0-100, IFNA >= 0, MMT8 0-150, CK >= 0)"
    )
    assert found == [
        ("1", "replicate_sd", "-4", "below the allowed minimum: must be at least 0"),
        ("1", "value", "-1", range_message),
        ("1", "value", "101", range_message),
    ]


def test_raw_table_printed_forms():
    raw = pd.DataFrame(
        {
            "subject": ["1", "2"],
            "age": ["59", "1e400"],
            "sex": ["F", "F"],
            "disease_duration": ["5", "NA"],
            "antibody": ["Anti-SAE", "Anti-SAE"],
            "prior_treatment": ["CS, HCQ", "None"],
            "regimen": ["Ruxolitinib, 30", "Ruxolitinib"],
            "CDASI@M0": ["26", "=1+1"],
        }
    )
    _, found = problems(RawTable, raw, patient_column="subject")
    assert [(patient, column, value) for patient, column, value, _ in found] == [
        ("2", "CDASI@M0", "=1+1"),
        ("2", "age", "1e400"),
        ("2", "regimen", "Ruxolitinib"),
    ]


def test_reported_summaries_and_claims_ledger(cohort):
    from clinrepro.base.files import read_table

    reported = read_table(cohort["raw"]["reported_summaries"])
    assert problems(ReportedSummaries, reported)[1] == []
    ledger = read_table(
        cohort["raw"]["claims"], text_columns=("claim_id", "reported", "visit", "category")
    )
    assert problems(ClaimsLedger, ledger, patient_column="claim_id")[1] == []
    bad = ledger.head(2).copy()
    bad.loc[0, "comparator"] = "~"
    bad.loc[1, "not_computable_reason"] = "both a look-up and a reason"
    _, found = problems(ClaimsLedger, bad, patient_column="claim_id")
    assert [(claim, column) for claim, column, _, _ in found] == [
        ("n_active_cutaneous", "analysis"),
        ("n_patients", "comparator"),
    ]


def test_claims_ledger_refuses_a_check_it_cannot_evaluate(cohort):
    from clinrepro.base.files import read_table

    ledger = read_table(
        cohort["raw"]["claims"], text_columns=("claim_id", "reported", "visit", "category")
    )
    bad = ledger.head(4).copy()
    bad.loc[0, "check"] = "ratio(n_active_cutaneous, n_active_muscle)"  # no such function
    bad.loc[1, "check"] = "percent(n_patients)"  # percent takes two
    bad.loc[2, "check"] = "percent(n_active_cutaneous, n_patient)"  # a typo for n_patients
    bad.loc[3, "check"] = "sum(n_patients, 2, n_active_cutaneous)"  # fine: any number of terms
    _, found = check_table(ClaimsLedger, bad, "claims.csv", patient_column="claim_id")
    signatures = (
        "percent(count, denominator), difference(a, b), sum(a, b, ...), at_most(a), "
        "percent_change(before, after), welch_p(mean1, sd1, n1, mean2, sd2, n2), "
        "paired_p(mean1, sd1, mean2, sd2, n)"
    )
    assert InputError(found).block().splitlines() == [
        "Input validation failed: 3 problem(s).",
        "In claims.csv:",
        "  - claim n_active_cutaneous, column 'check', value 'percent(n_patients)': "
        f"wrong number of arguments; the checks are {signatures}",
        "  - claim n_patients, column 'check', value "
        f"'ratio(n_active_cutaneous, n_active_muscle)': not a known check; the checks are "
        f"{signatures}",
        "  - claim pct_active_cutaneous, column 'check', value "
        "'percent(n_active_cutaneous, n_patient)': names a claim that is not in the ledger "
        "(an argument is a claim_id or a number)",
    ]


def test_validation_points_at_the_raw_file_and_printed_header(tmp_path, tables, cohort):
    paths = {}
    for name, frame in tables.items():
        frame = frame.copy()
        if name == "measurements":
            frame.loc[
                (frame.subject_id == "5") & (frame.parameter == "MMT8") & (frame.visit == "M3"),
                "value",
            ] = 151
        if name == "subjects":
            frame.loc[frame.subject_id == "14", "age"] = 12
        paths[name] = str(tmp_path / f"{name}.csv")
        frame.to_csv(paths[name], index=False)
    raw = cohort["raw"]
    with pytest.raises(InputError) as caught:
        validate_cohort(paths, raw["claims"], raw["reported_summaries"], cohort, raw["outcomes"])
    assert [(p.file, p.patient, p.column, p.value) for p in caught.value.problems] == [
        (raw["table"], "5", "MMT8 M3", "144"),  # the printed cell; the tidy value was altered
        (raw["table"], "14", "Age (yrs)", "12"),
    ]


# ---- the tables the workflow writes: checked where they are written ----------------------


def written_problems(tmp_path, frame, model) -> list[str]:
    """The lines of the error a table breaking its model raises; nothing is written."""
    path = str(tmp_path / "out.csv")
    with pytest.raises(InputError) as caught:
        write_checked_tables({path: (frame, model)})
    assert not (tmp_path / "out.csv").exists()
    return caught.value.block().replace(path, "out.csv").splitlines()[1:-1]


def test_the_pilot_analysis_datasets_and_ard_meet_their_models(tmp_path, pilot):
    adsl, adeff, ard = pilot
    paths = {name: str(tmp_path / f"{name}.csv") for name in ("adsl", "adeff", "ard")}
    write_checked_tables(
        {paths["adsl"]: (adsl, ADSL), paths["adeff"]: (adeff, ADEFF), paths["ard"]: (ard, ARD)}
    )
    # the check reads a copy: the file holds the frame as given (ADSL's first patient)
    with open(paths["adsl"], encoding="utf-8") as handle:
        assert handle.read().splitlines()[1] == (
            "LC2022,LC2022-1,1,59.0,F,5.0,TIF1G,6,CS;HCQ;IVIg;PLEX;MTX;AZA,Y,ruxolitinib,30.0,"
            "ruxolitinib 30 mg/day,Y,Y,Y,Y"
        )


def test_adsl_a_population_flag_is_y_or_n(tmp_path, pilot):
    adsl = pilot[0].copy()
    adsl.loc[2, "ACTMUSFL"] = "yes"  # patient 3
    assert written_problems(tmp_path, adsl, ADSL) == [
        "In out.csv:",
        "  - patient 3, column 'ACTMUSFL', value 'yes': not in the controlled vocabulary; "
        "one of: Y, N",
    ]


def test_adeff_a_replicate_sd_is_not_negative(tmp_path, pilot):
    adeff = pilot[1].copy()
    first = adeff.index[0]  # patient 1, CDASI at M0
    adeff.loc[first, "AVALSD"] = -2.0
    assert written_problems(tmp_path, adeff, ADEFF) == [
        "In out.csv:",
        "  - patient 1, column 'AVALSD', value '-2': below the allowed minimum: "
        "must be at least 0",
    ]


def test_ard_a_p_value_is_a_probability(tmp_path, pilot):
    ard = pilot[2].copy()
    row = ard.index[ard["statistic"] == "p_value"][0]
    ard.loc[row, "value"] = 1.5
    assert written_problems(tmp_path, ard, ARD) == [
        "In out.csv:",
        f"  - row {row + 1}, column 'value', value '1.5': a p-value is outside 0 to 1",
    ]


CLAIM = {
    "claim_id": "n_patients", "description": "Patients treated", "reported": "16",
    "recomputed": 16.0, "status": "match", "recomputed_rounded": 16.0, "comparator": "=",
    "precision": 0, "unit": "count", "population_flag": "SAFFL", "method": "", "n": 16,
    "other_methods": "", "note": "", "reason": "", "source": "paper", "location": "text l.75",
    "quote": "Sixteen DM patients", "explanations": "", "explanations_tried": None,
    "verdict": "exact", "verdict_reason": "the data give 16", "difference": 0.0,
    "difference_sd": None, "direction": "", "summary_checks": "", "best_specification": "Y",
}  # fmt: skip
SPECIFICATION = {
    "rank": 1, "reproduced": 24, "claims": 29, "departures": 1, "populations": "cohort: SAFFL",
    "summaries": "every value at the visit", "missing": "missing responses left out",
    "test": "each p-value by the analysis's own test", "rounding": "rounded half up",
    "own": "N", "reproduced_ids": "n_patients", "left_out_ids": "cdasi_m0_mean",
}  # fmt: skip
POWER_ROW = {
    "endpoint": "CDASI change at M3", "measure": "CDASI", "population": "ACTCUTFL",
    "assumption": None, "source": "observed", "design": "observed", "analysis": None,
    "method": "observed", "status": None, "reason": None, "quantity": "n", "n": None,
    "value": 14, "note": None, "mc_se": None, "effect": None, "placebo": None,
    "placebo_from": None, "difference": None, "sd": None, "standardized": None,
    "assumes": None,
}  # fmt: skip
SUMMARY_ROW = {
    "endpoint": "CDASI change at M3", "assumption": "cutaneous response criterion",
    "design": "single-arm paired", "analysis": "paired t-test", "method": "analytic",
    "status": "offered", "effect": "5", "placebo": "", "difference": "+5", "SD": "8.85",
    "d or h": "0.565", "power at the cohort's n": "0.50 (n = 14)", "n for 80% power": "27",
    "n for 90% power": "35", "MC SE": "", "placebo 0%": "", "placebo 20%": "",
    "assumes": "Treated patients improve by 5 points on average.", "reason": "",
}  # fmt: skip
# one good row a model, the column to spoil, the wrong value, and the line of the error
WRITTEN = [
    (Claims, CLAIM, "verdict", "exactly", "claim n_patients, column 'verdict', value "
     "'exactly': not in the controlled vocabulary; one of: exact, within rounding, "
     "reading-dependent, population or test not stated, approximate, inconsistent, "
     "consistent with reported numbers, not computable"),
    (Reconciliation, {"claim_id": "cdasi_m3_mean", "rank": 1, "kind": "rounding",
     "detail": "13.3571 rounded up", "value": 14.0, "printed": "14"}, "rank", 0,
     "claim cdasi_m3_mean, column 'rank', value '0': below the allowed minimum: "
     "must be at least 1"),
    (ClaimsCells, {"claim_id": "n_patients", "patient": "1", "used": "Y", "reason": "",
     "column": "SAFFL", "cell": "Y"}, "used", "yes", "claim n_patients, column 'used', value "
     "'yes': not in the controlled vocabulary; one of: Y, N"),
    (Specifications, SPECIFICATION, "reproduced", 30, "row 1, column 'reproduced', value "
     "'30': reproduces more claims than the data can give"),
    (SummaryChecks, {"claim_id": "pct_active_cutaneous", "check": "GRIM", "inputs": "88%",
     "implied": "14/16 = 87.5%", "result": "passes", "detail": "possible"}, "result", "pass",
     "claim pct_active_cutaneous, column 'result', value 'pass': not in the controlled "
     "vocabulary; one of: passes, fails, inconclusive, not informative"),
    (Outcomes, {"outcome_id": "cutaneous_response", "role": "main", "description": "CDASI",
     "source": "paper", "location": "text l.70", "reported_by": "", "status": "reported",
     "recomputed": "13 of 14", "population": "ACTCUTFL"}, "population", "active",
     "outcome cutaneous_response, column 'population', value 'active': not of the form "
     "expected: an ADSL population flag (e.g. SAFFL) (or empty)"),
    (Attainability, {"role": "cutaneous", "population": "ACTCUTFL", "parameter": "CDASI",
     "visit": "M3", "criterion": "CDASI decrease >= 5", "patient": "1", "baseline": 26.0,
     "followup": 15.0, "improvement": 11.0, "best_possible": 26.0, "attainable": "Y",
     "evaluable": "Y", "responder": "Y"}, "evaluable", "maybe", "patient 1, column "
     "'evaluable', value 'maybe': not in the controlled vocabulary; one of: Y, N, unknown "
     "(or empty)"),
    (Eligibility, {"criterion": "adult", "source": "text l.67", "definition": "AGE >= 18",
     "reading": "", "patient": "1", "value": 59.0, "low": 59.0, "high": 60.0, "category": "",
     "meets": "Y"}, "meets", "?", "patient 1, column 'meets', value '?': not in the controlled "
     "vocabulary; one of: Y, N, unknown, cannot be decided"),
    (Power, POWER_ROW, "mc_se", -0.01, "row 1, column 'mc_se', value '-0.01': below the "
     "allowed minimum: must be at least 0"),
    (PowerSummary, SUMMARY_ROW, "status", "dropped", "row 1, column 'status', value 'dropped': "
     "not in the controlled vocabulary; one of: offered, reference, withdrawn"),
    (PowerCurve, {"endpoint": "CDASI change at M3", "assumption": "criterion",
     "design": "single-arm paired", "analysis": "paired t-test", "method": "analytic",
     "n": 4, "power": 0.128, "mc_se": None}, "power", 1.2, "row 1, column 'power', value "
     "'1.2': above the allowed maximum: must be at most 1"),
]  # fmt: skip


@pytest.mark.parametrize("model, row, column, wrong, line", WRITTEN, ids=lambda v: "")
def test_a_written_table_breaking_its_model_names_file_row_and_column(
    tmp_path, model, row, column, wrong, line
):
    good = pd.DataFrame([row])
    write_checked_tables({str(tmp_path / "good.csv"): (good, model)})
    assert (tmp_path / "good.csv").exists()
    bad = good.astype({column: object})
    bad.loc[0, column] = wrong
    assert written_problems(tmp_path, bad, model) == ["In out.csv:", f"  - {line}"]


def test_row_checks_name_their_column_without_a_global():
    assert row_check_columns(Subjects.to_schema()) == {
        "disease duration is longer than the patient's age": "disease_duration"
    }
    range_message = (
        "value is outside the measure's range (CDASI 0-100, IFNA >= 0, MMT8 0-150, CK >= 0)"
    )
    cohort = yaml.safe_load((ROOT / "config/cohorts/landon_cardinal_2022.yaml").read_text())
    assert row_check_columns(measurement_schema(cohort))[range_message] == "value"


def test_a_long_table_is_checked_in_blocks_and_its_problems_name_their_rows(
    tmp_path, pilot, monkeypatch
):
    """ADEFF's checks are each about one row: a long ADEFF is checked CHECKED_ROWS rows at
    a time (bounded memory at 10^6 patients), and a problem in a later block names its own
    patient, as the check of the whole table does; a categorical column is checked as text."""
    adeff = pilot[1].copy()
    adeff["CRIT1FL"] = adeff["CRIT1FL"].cat.add_categories(["maybe"])
    last = adeff.index[-1]  # patient 16's last record
    adeff.loc[last, "CRIT1FL"] = "maybe"
    adeff.loc[adeff.index[0], "AVALSD"] = -2.0  # patient 1, in the first block
    whole = written_problems(tmp_path, adeff, ADEFF)
    monkeypatch.setattr(validation, "CHECKED_ROWS", 10)
    assert len(adeff) > 100
    assert (
        written_problems(tmp_path, adeff, ADEFF)
        == whole
        == [
            "In out.csv:",
            "  - patient 1, column 'AVALSD', value '-2': below the allowed minimum: "
            "must be at least 0",
            "  - patient 16, column 'CRIT1FL', value 'maybe': not in the controlled vocabulary; "
            "one of: Y, N (or empty)",
        ]
    )


def test_the_problems_of_a_table_checked_in_blocks_are_those_of_the_whole_table(
    tmp_path, pilot, monkeypatch
):
    """A column missing is one problem, not one a block; a patient whose records straddle
    two blocks is listed once; the problems listed and counted are the whole table's."""
    adeff = pilot[1].drop(columns="PARAM").assign(AVALSD=-1.0)
    whole = written_problems(tmp_path, adeff, ADEFF)
    monkeypatch.setattr(validation, "CHECKED_ROWS", 10)
    assert written_problems(tmp_path, adeff, ADEFF) == whole
    below = "below the allowed minimum: must be at least 0"
    assert whole == [
        "In out.csv:",
        *(f"  - patient {n}, column 'AVALSD', value '-1': {below}" for n in (1, 2, 3)),
        "  - whole file, column 'ADEFF', value 'PARAM': required column is missing",
        f"  - whole file, column 'AVALSD': 108 more not listed: {below}",
    ]


def test_a_unique_column_is_checked_across_the_whole_table(tmp_path, pilot, monkeypatch):
    """ADSL's patient numbers are unique: a table with a unique column is never cut into
    blocks, so a patient repeated 15 rows apart is found."""
    monkeypatch.setattr(validation, "CHECKED_ROWS", 4)
    adsl = pilot[0].copy()
    adsl.loc[15, ["SUBJID", "USUBJID"]] = ["1", "LC2022-1"]
    assert written_problems(tmp_path, adsl, ADSL) == [
        "In out.csv:",
        "  - patient 1, column 'SUBJID', value '1': appears more than once; each must be unique",
        "  - patient 1, column 'USUBJID', value 'LC2022-1': appears more than once; each must "
        "be unique",
    ]
