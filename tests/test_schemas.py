"""Each pandera model accepts a good frame and reports every problem of a bad one."""

import pandas as pd
import pytest

from clinrepro.base.errors import InputError
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
from clinrepro.reading.validation import check_table


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
        ("1", "age", "12", "below the allowed minimum: greater_than_or_equal_to(18)"),
        ("2", "sex", "U", "not in the controlled vocabulary; one of: F, M"),
        ("3", "disease_duration", "90", "disease duration is longer than the patient's age"),
    ]


def test_regimens(tables):
    assert problems(Regimens, tables["regimens"])[1] == []
    bad = tables["regimens"].head(2).copy()
    bad.loc[0, "dose"] = 0
    bad.loc[1, "molecule"] = "imatinib"
    assert problems(Regimens, bad)[1] == [
        ("1", "dose", "0", "must be greater than: greater_than(0)"),
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
        ("1", "replicate_sd", "-4", "below the allowed minimum: greater_than_or_equal_to(0)"),
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
