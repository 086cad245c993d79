"""The draft ledger (issue 23): every pattern and every trap on worked sentences, the
look-ups from the settings, and the measure of the draft on the pilot's paper against its
hand-written ledger."""

import functools
import time

import matplotlib
import pandas as pd
import pytest
import yaml

from clinrepro.base.settings import cohort_analysis, drafting_settings
from clinrepro.drafting.compare import compared, measured
from clinrepro.drafting.draft import draft, study_of
from clinrepro.drafting.run import drafted, read_ledger
from clinrepro.drafting.schemas import ClaimsDraft
from clinrepro.drafting.statements import statements
from clinrepro.drafting.text import located_lines, location, read_text, sentences
from clinrepro.reading.schemas import ClaimsLedger
from conftest import ROOT, cohort_of

CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))
SUBJECTS = CONFIG["drafting"]["subjects"]
PAPER = ROOT.parent / "shared/seeds/000_1d42a4933288283d.txt"
LEDGER = "data/raw/landon_cardinal_2022/claims.csv"


def found(sentence):
    """(statistic, reported, comparator, value, precision) of each statement."""
    return [
        (s.statistic, s.reported, s.comparator, s.value, s.precision)
        for s in statements(sentence, SUBJECTS)
    ]


# ---- the patterns --------------------------------------------------------------------


def test_a_fraction_with_its_percentage_gives_the_count_the_denominator_and_the_percentage():
    assert found("14 of 16 (88%) had active cutaneous disease activity") == [
        ("n", "14", "=", 14.0, 0),
        ("denominator", "16", "=", 16.0, 0),
        ("pct", "88%", "=", 88.0, 0),
    ]
    assert [s.n for s in statements("in 10 of 15 (67%) patients", SUBJECTS)] == [15, None, 15]


def test_counts_in_digits_and_in_words():
    assert found("Sixteen DM patients were treated") == [("n", "16", "=", 16.0, 0)]
    assert found("One patient died, and 2 patients relapsed") == [
        ("n", "1", "=", 1.0, 0),
        ("n", "2", "=", 2.0, 0),
    ]
    assert found("twenty-one participants") == [("n", "21", "=", 21.0, 0)]
    assert found("No patients developed cancer.") == [("n", "0", "=", 0.0, 0)]
    assert found("13 and 5 patients were treated with prednisone and IVIg") == [
        ("n", "13", "=", 13.0, 0),
        ("n", "5", "=", 5.0, 0),
    ]


def test_another_counts_one_more_patient_after_one():
    assert found("One patient developed thromboembolic events and another presented with") == [
        ("n", "1", "=", 1.0, 0),
        ("n", "1", "=", 1.0, 0),
    ]
    assert found("Another study found it") == []


def test_proportions_in_words_keep_their_word():
    assert found("half of patients also had active muscle disease") == [
        ("pct", "half", "=", 50.0, 0)
    ]
    assert found("All patients with active disease improved") == [("pct", "All", "=", 100.0, 0)]


def test_a_percentage_and_a_percent_change():
    assert found("90% of patients had a clinical cutaneous improvement") == [
        ("pct", "90%", "=", 90.0, 0)
    ]
    assert found("mean CDASI was 5 ± 4 (-81%, p < 0.0001)") == [
        ("mean", "5", "=", 5.0, 0),
        ("sd", "4", "=", 4.0, 0),
        ("pct", "-81%", "=", -81.0, 0),
        ("p_value", "< 0.0001", "<", 0.0001, 4),
    ]


def test_mean_and_sd():
    assert found("mean ± SD CDASI was 27 ± 13 and MMT8 was 120±31") == [
        ("mean", "27", "=", 27.0, 0),
        ("sd", "13", "=", 13.0, 0),
        ("mean", "120", "=", 120.0, 0),
        ("sd", "31", "=", 31.0, 0),
    ]
    assert found("After 1.8 ± 0.7 years of follow-up") == [
        ("mean", "1.8", "=", 1.8, 1),
        ("sd", "0.7", "=", 0.7, 1),
    ]


def test_median_with_range_or_iqr():
    assert found("the median MMT8 was 131 (range 69-150)") == [
        ("median", "131", "=", 131.0, 0),
        ("min", "69", "=", 69.0, 0),
        ("max", "150", "=", 150.0, 0),
    ]
    assert found("Median CK was 142 IU/L (IQR 80-310)") == [
        ("median", "142", "=", 142.0, 0),
        ("q1", "80", "=", 80.0, 0),
        ("q3", "310", "=", 310.0, 0),
    ]
    assert found("median CDASI 20.5 (IQR 12–30)") == [
        ("median", "20.5", "=", 20.5, 1),
        ("q1", "12", "=", 12.0, 0),
        ("q3", "30", "=", 30.0, 0),
    ]


def test_mean_and_sd_in_brackets_when_the_sentence_says_so():
    assert found("The mean (SD) CDASI-A fell from 30.2 (9.1) at Week 0 to 18.4 (8.8)") == [
        ("mean", "30.2", "=", 30.2, 1),
        ("sd", "9.1", "=", 9.1, 1),
        ("mean", "18.4", "=", 18.4, 1),
        ("sd", "8.8", "=", 8.8, 1),
    ]
    assert found("CDASI was 27 (SD 13)") == [
        ("mean", "27", "=", 27.0, 0),
        ("sd", "13", "=", 13.0, 0),
    ]
    # without a word of SDs, a number in brackets is no SD
    assert found("at visit 3 (12) and visit 4") == []


def test_a_count_with_its_percentage_and_a_group_size():
    assert found("Of these, 15 (75%) had active cutaneous disease") == [
        ("n", "15", "=", 15.0, 0),
        ("pct", "75%", "=", 75.0, 0),
    ]
    assert found("baricitinib (n = 6)") == [("n", "6", "=", 6.0, 0)]
    assert found("in 90 percent of them") == [("pct", "90%", "=", 90.0, 0)]


def test_from_one_mean_to_another_and_a_change_by_its_verb():
    assert found("CDASI fell from 27 at baseline to 14 at week 12") == [
        ("mean", "27", "=", 27.0, 0),
        ("mean", "14", "=", 14.0, 0),
    ]
    assert found("CDASI decreased by a mean of 11.8 points") == [
        ("mean_change", "11.8", "=", -11.8, 1)
    ]


def test_a_no_significant_change_with_its_p_is_the_p():
    assert found("Muscle strength did not change significantly (p = 0.21)") == [
        ("p_value", "0.21", "=", 0.21, 2)
    ]


def test_a_mean_or_median_without_its_spread():
    assert found("At Week 12, mean CDASI-A was 20.5.") == [("mean", "20.5", "=", 20.5, 1)]
    assert found("a mean follow-up of 1.5 years") == [("mean", "1.5", "=", 1.5, 1)]
    assert found("the median age was 52 years") == [("median", "52", "=", 52.0, 0)]
    # a change, a dose and a threshold are not a mean
    assert found("the mean dose was 4 mg/day and mean CDASI of patients ≥ 10") == []


def test_a_change_is_signed_by_its_word():
    assert found("a mean decrease of 10.9 points") == [("mean_change", "10.9", "=", -10.9, 1)]
    assert found("an increase of 12 points") == [("mean_change", "12", "=", 12.0, 0)]


def test_p_values_with_their_comparator():
    assert found("(p < 0.0001)") == [("p_value", "< 0.0001", "<", 0.0001, 4)]
    assert found("P = .03") == [("p_value", ".03", "=", 0.03, 2)]
    assert found("*p ≤0.05") == [("p_value", "p ≤ 0.05", "<=", 0.05, 2)]
    assert found("p-value > 0.2") == [("p_value", "> 0.2", ">", 0.2, 1)]


def test_a_confidence_interval_and_not_its_level():
    assert found("a mean change of -10.9 (95% CI -16.7 to -5.1)") == [
        ("mean_change", "-10.9", "=", -10.9, 1),
        ("ci_lower", "-16.7", "=", -16.7, 1),
        ("ci_upper", "-5.1", "=", -5.1, 1),
    ]


def test_no_significant_change_is_a_p_above_the_level():
    assert found("MMT8 was unchanged (Supplemental-Figure-3)") == [
        ("p_value", "unchanged", ">", 0.0, 0)  # the level comes from the settings (draft)
    ]
    assert found("there was no significant difference") == [
        ("p_value", "no significant difference", ">", 0.0, 0)
    ]


def test_an_interval_named_for_its_statistic_and_one_of_a_percentage():
    assert found("(95% CI of the mean change, -15.5 to -10.5 points; Figure 1)") == [
        ("ci_lower", "-15.5", "=", -15.5, 1),
        ("ci_upper", "-10.5", "=", -10.5, 1),
    ]
    lower, upper = statements("(90%; 95% CI, 70–99%)", SUBJECTS)[1:]
    assert (lower.value, upper.value, lower.words, upper.reported) == (
        70.0, 99.0, {"level": 95.0, "percent": True}, "99",
    )  # fmt: skip


def test_a_summary_at_two_times_gives_both_values():
    assert found("mean MMT-8 was 125.4 at baseline and 123.8 after 3 months (P = .52)") == [
        ("mean", "125.4", "=", 125.4, 1),
        ("mean", "123.8", "=", 123.8, 1),
        ("p_value", ".52", "=", 0.52, 2),
    ]
    # a unit of concentration is no dose: 103 IU/L is read
    assert found("median CK was 137 IU/L (range, 14–410) at inclusion and 103 IU/L at week 12") == [
        ("median", "137", "=", 137.0, 0),
        ("min", "14", "=", 14.0, 0),
        ("max", "410", "=", 410.0, 0),
        ("median", "103", "=", 103.0, 0),
    ]


def test_a_count_whose_noun_the_sentence_gave_and_all_but_a_few():
    assert found("At inclusion, 22 of the 24 patients had active cutaneous disease and 23 had active muscle disease.") == [
        ("n", "22", "=", 22.0, 0),
        ("denominator", "24", "=", 24.0, 0),
        ("n", "23", "=", 23.0, 0),
    ]  # fmt: skip
    (but,) = statements("All but two patients had received a previous treatment", SUBJECTS)
    assert (but.statistic, but.reported, but.value, but.words) == (
        "n", "all but two", 2.0, {"complement": True},
    )  # fmt: skip


def test_a_range_after_a_mean_and_a_mean_change_by_its_name():
    assert found("the mean (SD) age was 56.0 (14.1) years (range, 23 to 86)") == [
        ("mean", "56.0", "=", 56.0, 1),
        ("sd", "14.1", "=", 14.1, 1),
        ("min", "23", "=", 23.0, 0),
        ("max", "86", "=", 86.0, 0),
    ]
    assert found("The mean change from baseline to week 24 was -14.8 points") == [
        ("mean_change", "-14.8", "=", -14.8, 1),
    ]


def test_an_interval_of_a_decrease_is_signed_as_the_decrease():
    # 13.7 printed as a decrease is a change of -13.7; its interval, printed as the decrease
    # is, runs from -16.6 (lower) to -10.9 (upper)
    assert found("a mean decrease of 13.7 points (95% CI 10.9 to 16.6; p < 0.001)") == [
        ("mean_change", "13.7", "=", -13.7, 1),
        ("ci_upper", "10.9", "=", -10.9, 1),
        ("ci_lower", "16.6", "=", -16.6, 1),
        ("p_value", "< 0.001", "<", 0.001, 3),
    ]
    # a change printed with its sign keeps its interval as printed
    assert found("The mean change was -14.8 points (95% CI -18.2 to -11.3)")[1:] == [
        ("ci_lower", "-18.2", "=", -18.2, 1),
        ("ci_upper", "-11.3", "=", -11.3, 1),
    ]


def test_a_journals_brackets_and_a_change_with_its_sd():
    # square brackets inside round ones, an interval with its unit on both limits
    assert found("(median [IQR] age, 54 [45-61] years; 20 [83%] women)") == [
        ("median", "54", "=", 54.0, 0),
        ("q1", "45", "=", 45.0, 0),
        ("q3", "61", "=", 61.0, 0),
        ("n", "20", "=", 20.0, 0),
        ("pct", "83%", "=", 83.0, 0),
    ]
    assert found("in 19 of 21 patients (90% [95% CI, 70%-99%])")[2:] == [
        ("pct", "90%", "=", 90.0, 0),
        ("ci_lower", "70", "=", 70.0, 0),
        ("ci_upper", "99", "=", 99.0, 0),
    ]
    assert found("achieved by 19 (90%) of 21 evaluable patients") == [
        ("n", "19", "=", 19.0, 0),
        ("pct", "90%", "=", 90.0, 0),
        ("denominator", "21", "=", 21.0, 0),
    ]
    # a level after a negation is its other level
    assert lookups_of("synthetic_tofacitinib", "1 and two (8%) had no previous treatment.\n") == [
        ("2", "cohort", "categorical", "ANYPRIOR", "M0", "N", "n"),
        ("8%", "cohort", "categorical", "ANYPRIOR", "M0", "N", "pct"),
    ]
    assert found("a mean (SD) decrease of 13.0 (8.2) points") == [
        ("mean_change", "13.0", "=", -13.0, 1),
        ("sd_change", "8.2", "=", 8.2, 1),
    ]


def test_from_one_summary_to_another_is_baseline_then_follow_up():
    cohort = cohort_of("synthetic_tofacitinib")
    analysis = cohort_analysis(CONFIG, cohort)
    drafting = drafting_settings(CONFIG, cohort)
    text = (
        "1 At week 12, CDASI fell from a mean (SD) of 30.6 (9.1) to 17.6 (10.4), and MMT-8 did\n"
        "2 not change (mean [SD], 135.2 [12.1] vs 137.0 [10.3]; P = .24).\n"
    )
    rows = draft(located_lines(text), study_of(cohort, analysis, drafting), drafting)
    assert rows[["parameter", "visit", "statistic", "value"]].values.tolist() == [
        ["CDASI", "M0", "mean", 30.6], ["CDASI", "M0", "sd", 9.1],
        ["CDASI", "M3", "mean", 17.6], ["CDASI", "M3", "sd", 10.4],
        ["MMT8", "M0", "mean", 135.2], ["MMT8", "M0", "sd", 12.1],
        ["MMT8", "M3", "mean", 137.0], ["MMT8", "M3", "sd", 10.3],
        ["MMT8", "M3", "p_value", 0.24],
    ]  # fmt: skip


def test_numbers_in_words_past_a_hundred_and_an_abbreviated_noun():
    assert found("One thousand patients were included.") == [("n", "1000", "=", 1000.0, 0)]
    assert found("Nine hundred forty-five pts were women") == [("n", "945", "=", 945.0, 0)]
    assert found("two thousand three hundred and one participants") == [
        ("n", "2301", "=", 2301.0, 0)
    ]
    # thousands grouped by commas (it was read as "000", 0); a decimal comma is no group
    assert found("We retrospectively analysed 1,000 patients.") == [("n", "1000", "=", 1000.0, 0)]
    assert found("Of 12,345 patients, 2,301 of 10,000 (23.0%) responded.") == [
        ("n", "12345", "=", 12345.0, 0), ("n", "2301", "=", 2301.0, 0),
        ("denominator", "10000", "=", 10000.0, 0), ("pct", "23.0%", "=", 23.0, 1),
    ]  # fmt: skip


def lookups_of(name: str, text: str) -> list[tuple]:
    """(reported, look-up...) of each row the draft makes of a text with a cohort's settings."""
    cohort = cohort_of(name)
    analysis, drafting = cohort_analysis(CONFIG, cohort), drafting_settings(CONFIG, cohort)
    rows = draft(located_lines(text), study_of(cohort, analysis, drafting), drafting)
    return [(r.reported, *[r[c] for c in LOOKUP]) for _, r in rows.fillna("").iterrows()]


def test_a_dense_letter_and_a_structured_article():
    assert found("mainly corticosteroids (CS, n = 19), most often ruxolitinib (n = 15; 37.5%)") == [
        ("n", "19", "=", 19.0, 0),
        ("n", "15", "=", 15.0, 0),
        ("pct", "37.5%", "=", 37.5, 1),
    ]  # fmt: skip
    assert found("38 patients had an active cutaneous disease and 37 an active muscle disease") == [
        ("n", "38", "=", 38.0, 0),
        ("n", "37", "=", 37.0, 0),
    ]  # fmt: skip
    assert found("with a mean change of +4.2 points at W12 (p < 0.001) vs. +2.1 points at W24") == [
        ("mean_change", "+4.2", "=", 4.2, 1),
        ("p_value", "< 0.001", "<", 0.001, 3),
        ("mean_change", "+2.1", "=", 2.1, 1),
    ]  # fmt: skip
    assert found("none of the 32 evaluable patients reached the muscle response") == [
        ("n", "0", "=", 0.0, 0),
        ("denominator", "32", "=", 32.0, 0),
    ]
    assert found("The median age was 53.5 years (IQR, 40.0-54.8 years).") == [
        ("median", "53.5", "=", 53.5, 1),
        ("q1", "40.0", "=", 40.0, 1),
        ("q3", "54.8", "=", 54.8, 1),
    ]
    text = {
        "synthetic_registry_dated": (
            "1 In patients with active cutaneous disease, CDASI decreased from 28.1 ± 11.6 at\n"
            "2 baseline to 19.4 at W12 and 13.6 at W24. Already the W12 vs. baseline comparison\n"
            "3 was significant (p < 0.001); at W24 the mean change was -14.8 points.\n"
        ),
        "synthetic_rheumatoid": (
            "1 Between January 2021 and June 2023, 20 patients started a JAK inhibitor and were\n"
            "2 included. Eighteen patients had active disease. In these patients, the mean change in\n"
            "3 DAS28-CRP at week 12 was -1.98 points, and 12 of 17 evaluable patients (71%) had a\n"
            "4 decrease of 1.2 points or more. The response rate was similar in the whole cohort,\n"
            "5 with 14 of 19 evaluable patients (74%) meeting the criterion.\n"
        ),
    }
    text["synthetic_registry_export"] = (
        "1 In pts with active skin disease, mean CDASI was 28.1 (SD 11.6) at BL and 18.6 (SD\n"
        "2 12.7) at wk 24, and none of 32 evaluable pts met the muscle response criterion.\n"
    )
    text["synthetic_upadacitinib"] = (
        "1 We retrospectively reviewed 23 patients with DM who started tofacitinib or upadacitinib.\n"
    )
    rows = {name: lookups_of(name, words) for name, words in text.items()}
    # a congress abstract's abbreviations: 'BL' (drafting.baseline_words), 'wk 24'
    assert rows["synthetic_registry_export"] == [
        ("28.1", "cutaneous", "summary", "CDASI", "D0", "", "mean"),
        ("11.6", "cutaneous", "summary", "CDASI", "D0", "", "sd"),
        ("18.6", "cutaneous", "summary", "CDASI", "W24", "", "mean"),
        ("12.7", "cutaneous", "summary", "CDASI", "W24", "", "sd"),
        ("0", "muscle", "response", "MMT8", "W24", "", "n_responders"),
        ("32", "muscle", "response", "MMT8", "W24", "", "n_evaluable"),
    ]
    # the patients studied, not those on the first molecule named after them
    assert rows["synthetic_upadacitinib"] == [
        ("23", "cohort", "categorical", "SAFFL", "M0", "Y", "n")
    ]
    assert rows["synthetic_registry_dated"] == [
        ("28.1", "cutaneous", "summary", "CDASI", "D0", "", "mean"),
        ("11.6", "cutaneous", "summary", "CDASI", "D0", "", "sd"),
        # the value after 'to', at the visit printed as its code; the next after 'and'
        ("19.4", "cutaneous", "summary", "CDASI", "W12", "", "mean"),
        ("13.6", "cutaneous", "summary", "CDASI", "W24", "", "mean"),
        # the visit of its own clause, not the one printed just after the semicolon
        ("< 0.001", "cutaneous", "paired_test", "CDASI", "W12", "", "p_value"),
        ("-14.8", "cutaneous", "paired_test", "CDASI", "W24", "", "mean_change"),
    ]
    assert rows["synthetic_rheumatoid"] == [
        # the patients studied, said with words between them and 'were included'
        ("20", "cohort", "categorical", "SAFFL", "W0", "Y", "n"),
        ("18", "cohort", "categorical", "ACTJNTFL", "W0", "Y", "n"),
        ("-1.98", "joint", "paired_test", "DAS28", "W12", "", "mean_change"),
        # the criterion restated in the clause, its measure in another
        ("12", "joint", "response", "DAS28", "W12", "", "n_responders"),
        ("17", "joint", "response", "DAS28", "W12", "", "n_evaluable"),
        ("71%", "joint", "response", "DAS28", "W12", "", "pct"),
        # 'in the whole cohort' (drafting.populations cohort), a criterion 'met'
        ("14", "cohort", "response", "DAS28", "W12", "", "n_responders"),
        ("19", "cohort", "response", "DAS28", "W12", "", "n_evaluable"),
        ("74%", "cohort", "response", "DAS28", "W12", "", "pct"),
    ]


def test_an_observational_study_and_a_general_journal():
    assert found("39 of whom were women (97.5%)")[:1] == [("n", "39", "=", 39.0, 0)]
    assert found("a decrease of 14.0 points (95% confidence interval [CI] -17.4 to -10.5)") == [
        ("mean_change", "14.0", "=", -14.0, 1),
        ("ci_lower", "-17.4", "=", -17.4, 1),
        ("ci_upper", "-10.5", "=", -10.5, 1),
    ]
    assert found("the mean change at 24 weeks was an increase of only 2.1 points") == [
        ("mean_change", "2.1", "=", 2.1, 1)
    ]
    assert found("(mean change 0.7 points; p=0.52)") == [
        ("mean_change", "0.7", "=", 0.7, 1),
        ("p_value", "0.52", "=", 0.52, 2),
    ]
    text = (
        "1 Twenty-four patients started a JAK inhibitor during the study period (table 1).\n"
        "2 At week 12, 19 (90%) of 21 evaluable patients with active skin disease had a cutaneous\n"
        "3 response (95% CI 69.6–98.8), and their mean CDASI activity score fell by 13.0 points.\n"
        "4\n"
        "5 In the whole cohort, the mean ± SD CDASI activity score was 26.7 ± 12.9 at baseline and\n"
        "6 decreased to 18.6 at 12 weeks. The mean change in CDASI was a decrease of 14.0 points.\n"
    )
    assert lookups_of("synthetic_tofacitinib", text) == [
        # 'N patients started': the patients studied
        ("24", "cohort", "categorical", "SAFFL", "M0", "Y", "n"),
        ("19", "cutaneous", "response", "CDASI", "M3", "", "n_responders"),
        ("90%", "cutaneous", "response", "CDASI", "M3", "", "pct"),
        ("21", "cutaneous", "response", "CDASI", "M3", "", "n_evaluable"),
        # an interval without '%' after the response, in a clause naming no measure
        ("69.6", "cutaneous", "response", "CDASI", "M3", "", "ci_lower"),
        ("98.8", "cutaneous", "response", "CDASI", "M3", "", "ci_upper"),
        ("13.0", "cutaneous", "paired_test", "CDASI", "M3", "", "mean_change"),
        ("26.7", "cohort", "summary", "CDASI", "M0", "", "mean"),
        ("12.9", "cohort", "summary", "CDASI", "M0", "", "sd"),
        # 'decreased to 18.6 at 12 weeks' without a 'from'
        ("18.6", "cohort", "summary", "CDASI", "M3", "", "mean"),
        # the population the paragraph set for this measure ('In the whole cohort, ...')
        ("14.0", "cohort", "paired_test", "CDASI", "M3", "", "mean_change"),
    ]


def test_a_number_of_a_measure_in_no_population_named():
    # two domains (the pilot's settings): the whole cohort, unless the paragraph named before
    # the population whose active disease the measure defines (line 3's CDASI, not its MMT8);
    # a study of one domain reads it in that domain's population (OTHER_TEXT's line 2, below)
    text = (
        "1 At baseline, mean CDASI was 27 ± 13.\n"
        "2\n"
        "3 Fourteen patients had active cutaneous disease. At baseline, mean CDASI was 27 ± 13\n"
        "4 and MMT8 was 120 ± 31.\n"
    )
    assert lookups_of("landon_cardinal_2022", text) == [
        ("27", "cohort", "summary", "CDASI", "M0", "", "mean"),
        ("13", "cohort", "summary", "CDASI", "M0", "", "sd"),
        ("14", "cohort", "categorical", "ACTCUTFL", "M0", "Y", "n"),
        ("27", "cutaneous", "summary", "CDASI", "M0", "", "mean"),
        ("13", "cutaneous", "summary", "CDASI", "M0", "", "sd"),
        ("120", "cohort", "summary", "MMT8", "M0", "", "mean"),
        ("31", "cohort", "summary", "MMT8", "M0", "", "sd"),
    ]
    cohort = cohort_of("landon_cardinal_2022")
    analysis, drafting = cohort_analysis(CONFIG, cohort), drafting_settings(CONFIG, cohort)
    rows = draft(located_lines(text), study_of(cohort, analysis, drafting), drafting)
    assert rows["draft_confidence"].str.partition("assumed: ")[2].tolist()[:4] == [
        "population cohort (the whole cohort: neither the sentence nor its paragraph names " "one)",
    ] * 2 + [
        "",  # the count names its population
        "population cutaneous (its active disease, defined on CDASI, named before in the "
        "paragraph)",
    ]


def test_what_a_letter_and_a_registry_leave_to_the_reader():
    text = {
        "synthetic_tofacitinib": (
            "1 Eleven patients were treated with tofacitinib and 13 with baricitinib. Patients had\n"
            "2 received a median of 2 systemic agents.\n"
            "3\n"
            "4 MMT-8 scores did not change significantly (P = .52), and no patient reached the 20%\n"
            "5 improvement threshold.\n"
        ),
        "synthetic_registry": (
            "1 The primary endpoint, a decrease of the CDASI activity score of at least 5 points at\n"
            "2 month 3, was reached by 91% of the evaluable pts with active skin disease. The median\n"
            "3 serum IFN-α decreased from 58 fg/mL at M0 to 33 fg/mL at M3.\n"
        ),
    }
    rows = {name: lookups_of(name, words) for name, words in text.items()}
    assert rows["synthetic_tofacitinib"] == [
        ("11", "cohort", "categorical", "TRTMOL", "M0", "tofacitinib", "n"),
        # "and 13 with": the count of the sentence's noun
        ("13", "cohort", "categorical", "TRTMOL", "M0", "baricitinib", "n"),
        # drafting.characteristics NPRIOR
        ("2", "cohort", "summary", "NPRIOR", "M0", "", "median"),
        # no visit named in the paragraph: the cohort's only follow-up (M3), marked assumed;
        # no population: the whole cohort (the key of synthetic_tofacitinib_letter reads the
        # same words in active muscle disease; both give .52)
        (".52", "cohort", "paired_test", "MMT8", "M3", "", "p_value"),
        # the response of the measure the sentence names: a criterion 'reached'
        ("0", "muscle", "response", "MMT8", "M3", "", "n_responders"),
    ]
    assert rows["synthetic_registry"] == [
        # the criterion restated in another clause of the sentence
        ("91%", "cutaneous", "response", "CDASI", "M3", "", "pct"),
        ("58", "cohort", "summary", "IFNA", "M0", "", "median"),
        ("33", "cohort", "summary", "IFNA", "M3", "", "median"),
    ]


def test_the_main_outcome_named_by_the_words_of_drafting_primary():
    # the first response criterion of the settings (cutaneous: CDASI decrease >= 5 at M3),
    # whatever criterion the sentence does not spell out
    text = (
        "1 Thirty patients were included. The primary endpoint was reached by 12 of 14\n"
        "2 evaluable patients (86%). The main outcome was met by 11 of 20 patients overall.\n"
        "3 The primary endpoint was the cutaneous response at month 3.\n"
    )
    assert lookups_of("synthetic_tofacitinib", text) == [
        ("30", "cohort", "categorical", "SAFFL", "M0", "Y", "n"),  # the number, as a reading
        ("12", "cutaneous", "response", "CDASI", "M3", "", "n_responders"),
        ("14", "cutaneous", "response", "CDASI", "M3", "", "n_evaluable"),
        ("86%", "cutaneous", "response", "CDASI", "M3", "", "pct"),
        ("11", "cutaneous", "response", "CDASI", "M3", "", "n_responders"),
        ("20", "cutaneous", "response", "CDASI", "M3", "", "n_evaluable"),
    ]
    # named, not reached: 'the primary endpoint was the response at month 3' counts nothing;
    # and a count that neither reaches nor names the main outcome is not its responders
    assert lookups_of("synthetic_tofacitinib", "1 The primary endpoint was assessed in 14 of 16 patients.\n") == [
        ("14", "cohort", "categorical", "SAFFL", "M0", "Y", "n"),  # the text's first count
        ("16", "", "", "", "", "", "n"),  # not computable: what it counts is not settled
    ]  # fmt: skip


def test_an_abstracts_counts_without_verbs():
    assert found("Twenty-three patients (22 women; mean age 53.6 years) were included; 11 received upadacitinib") == [
        ("n", "23", "=", 23.0, 0),
        ("n", "22", "=", 22.0, 0),
        ("mean", "53.6", "=", 53.6, 1),
        ("n", "11", "=", 11.0, 0),
    ]  # fmt: skip
    # the second count leaves out the first's verb
    assert found("23 patients were included; 11 received upadacitinib and 12 tofacitinib.") == [
        ("n", "23", "=", 23.0, 0),
        ("n", "11", "=", 11.0, 0),
        ("n", "12", "=", 12.0, 0),
    ]
    assert found("Of them, 11 patients received upadacitinib and twelve tofacitinib.") == [
        ("n", "11", "=", 11.0, 0),
        ("n", "12", "=", 12.0, 0),
    ]
    # not a count of patients: a time, or centres, after the 'and'
    assert found("Eleven patients received upadacitinib and 12 weeks later a biopsy.") == [
        ("n", "11", "=", 11.0, 0),
    ]
    assert found("11 patients received prednisone and 12 weeks.") == [("n", "11", "=", 11.0, 0)]
    assert found("40 patients were enrolled and 3 centres.") == [("n", "40", "=", 40.0, 0)]
    assert found("Tofacitinib was given at 10 mg/day in 8 patients and at 20 mg/day in 4.") == [
        ("n", "8", "=", 8.0, 0),
        ("n", "4", "=", 4.0, 0),
    ]


# ---- the traps: numbers that are not claims ---------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        # dates
        "approved by the committee (2013-12-19) and submitted on 31 Mar 2025",
        "patients seen between March 2019 and 2021",
        # doses of the regimen
        "4 mg daily baricitinib or ruxolitinib 20 mg/day",
        "prednisone >5 mg/day",
        # thresholds of definitions
        "active cutaneous activity (CDASI ≥ 10), despite ≥ 1 immunosuppressant",
        "increased Manual Muscle Testing 8 (MMT8) ≥ 20%",
        "a decrease of total prednisone dose ≤ 5 mg/day",
        # the scale's maximum
        "MMT8 is scored out of 150",
        "the CDASI activity score (0-100)",
        "on a 0 to 10-point scale",
        "Response was defined as a decrease of 5 points or more in CDASI activity",
        # the methods' significance level, power and confidence level
        "A p < 0.05 was considered significant; 95% confidence intervals are given",
        "with an alpha of 0.05 and 80% power",
        "Statistical significance was set at p < 0.05",
        "differences were considered statistically significant if p ≤ 0.05",
        # durations of the design
        "mainly within the first 3 months of treatment",
        "patients were followed for twelve weeks",
        # references, figure and table numbers, registrations
        "Two other smaller studies [3, 4] reached similar conclusions",
        "the interferon pathway in DM¹ and tofacitinib^{3,4}",
        "(Table-1, Figure 1, Supplemental-Figure-2, Fig. 2A, Tables 1 and 2)",
        "a randomized controlled trial (NCT04972760)",
        # a time point's number, a number counting no patients
        "a decrease of CDASI-A at week 12 in patients with active cutaneous disease",
        "Lines join the two values of each patient",
        # a scale's range, an amount an argument names, a change without its significance
        "The CDASI activity score (range 0-100) and the MMT-8 (range 0-150) were recorded",
        "the MMT8 ceiling of 150 leaves little room for a 20% gain",
        "Serum CK did not change consistently (Figure 2).",
        "reached the 20% improvement that defined a muscle response",
        "which leaves little room for an improvement of 20%",
        "an MMT8 gain of 20% lies beyond the scale's maximum of 150",
        # who was studied, and the significance level without a verb
        "We reviewed all adults with DM who started a JAK inhibitor at our center",
        "The registry was approved by the ethics committee and all patients gave written consent",
        "All tests were two-sided, with p < 0.05 considered significant.",
        "All adult pts fulfilling the 2017 EULAR/ACR criteria for DM [1] who started a JAK inhibitor were included",
        "the ethics committee approved it; all pts received a written information",
        # another study's number, cited
        "These results are in line with the first French series of 16 pts [6]",
        "Values were compared with paired Student t-test, p < 0.05 being considered significant.",
        "a chronic arthritis that affects approximately 0.5% to 1% of adults [1]",
    ],
)
def test_a_trap_is_no_statement(sentence):
    from clinrepro.drafting.text import cleaned

    assert found(cleaned(sentence)) == []


# ---- the text ---------------------------------------------------------------------------


def test_a_reference_is_no_statement():
    lines = located_lines(
        "Paik JJ, et al. An Open-Label Pilot Study of Ten patients. Arthritis Rheumatol. "
        "2021;73(5):858-865.\n"
    )
    assert draft(lines, study_of(OTHER, OTHER_ANALYSIS, OTHER_DRAFTING), OTHER_DRAFTING).empty


def test_printed_line_numbers_are_the_location_and_blank_artefacts_no_paragraph():
    text = "TITLE\n75 Sixteen DM patients were treated and\n\n76 another one was not.\n77\n78 Next."
    lines = located_lines(text)
    assert [(line.number, line.words) for line in lines if line.words] == [
        (0, "TITLE"),
        (75, "Sixteen DM patients were treated and"),
        (76, "another one was not."),
        (78, "Next."),
    ]
    found_sentences = [(s.words, s.lines[0], s.lines[-1]) for s in sentences(lines)]
    assert found_sentences == [
        ("Sixteen DM patients were treated and another one was not.", 75, 76),
        ("Next.", 78, 78),
    ]


def test_without_printed_numbers_the_file_line_is_the_location():
    lines = located_lines("We treated 12 patients.\nThe mean was 3 ± 1 at week 12.\n")
    assert [(line.number, line.words) for line in lines] == [
        (1, "We treated 12 patients."),
        (2, "The mean was 3 ± 1 at week 12."),
    ]


def test_latex_markup_is_read_as_its_symbols():
    from clinrepro.drafting.text import cleaned

    assert cleaned(r"mean \pm SD CDASI was 14 \pm 11 ($p < 0.0001$), $\geq 20\%$") == (
        "mean ± SD CDASI was 14 ± 11 (p < 0.0001), ≥ 20%"
    )


def test_a_text_of_another_kind_is_refused_with_what_is_read(tmp_path):
    with pytest.raises(ValueError) as error:
        read_text(tmp_path / "paper.docx")
    assert str(error.value) == (
        f"{tmp_path / 'paper.docx'}: a text must be .txt or .md (UTF-8), or a .pdf with a text layer"
    )


# ---- the look-ups -----------------------------------------------------------------------

# a cohort with other measures and visits, in weeks
OTHER = {
    "measures": {
        "DAS28": {"printed": "DAS28", "label": "Disease Activity Score 28", "unit": "points",
                  "aliases": ["disease activity"]},
        "HAQ": {"printed": "HAQ-DI", "label": "Health Assessment Questionnaire", "unit": "points"},
    },
    "visits": [
        {"code": "W0", "printed": "Week 0", "label": "W0 (baseline)", "time": 0},
        {"code": "W12", "printed": "Week 12", "label": "W12", "time": 12},
        {"code": "W52", "label": "W52 (extension)", "time": 52, "reported_only": True},
    ],
    "baseline_visit": "W0",
    "time_unit": "weeks",
}  # fmt: skip
OTHER_ANALYSIS = {
    "domains": {
        "active": {
            "flag": "ACTFL",
            "label": "arthritis",
            "active": "active arthritis",
            "population": "patients with active arthritis at week 0",
        },
    },
    "populations": {"cohort": "SAFFL", "active": "ACTFL"},
    "active_disease": {"active": {"parameter": "DAS28", "comparator": ">", "threshold": 3.2}},
    "response": {"active": {"parameter": "DAS28", "visit": "W12"}},
}
OTHER_DRAFTING = CONFIG["drafting"] | {
    "populations": {"active": ["active arthritis"]},
    "time_unit": "weeks",
}
# line 2: "disease activity" is an alias of DAS28; HAQ-DI has no active-disease role, so its
# population is the whole cohort (assumed); line 4: "extension" names W52 by its label's
# bracketed word, a visit with no per-patient data
OTHER_TEXT = """1 We included 30 patients, of whom 18 of 30 (60%) had active arthritis.
2 At week 12, mean disease activity was 3.1 ± 1.2 (p = 0.002) and HAQ-DI was 0.9 ± 0.5.
3 At 12 weeks, 11 patients (61%) with active disease responded.
4 In the extension, mean DAS28 was 2.8 ± 1.0.
5 Three patients stopped because of nausea.
"""
LOOKUP = ["population", "analysis", "parameter", "visit", "category", "statistic"]


def test_look_ups_from_another_cohorts_settings():
    study = study_of(OTHER, OTHER_ANALYSIS, OTHER_DRAFTING)
    rows = draft(located_lines(OTHER_TEXT), study, OTHER_DRAFTING).fillna("")
    got = [
        (r.location, r.reported, *[r[c] for c in LOOKUP], r.not_computable_reason)
        for _, r in rows.iterrows()
    ]
    assert got == [
        ("text l.1", "30", "cohort", "categorical", "SAFFL", "W0", "Y", "n", ""),
        ("text l.1", "18", "cohort", "categorical", "ACTFL", "W0", "Y", "n", ""),
        ("text l.1", "60%", "cohort", "categorical", "ACTFL", "W0", "Y", "pct", ""),
        ("text l.2", "3.1", "active", "summary", "DAS28", "W12", "", "mean", ""),
        ("text l.2", "1.2", "active", "summary", "DAS28", "W12", "", "sd", ""),
        ("text l.2", "0.002", "active", "paired_test", "DAS28", "W12", "", "p_value", ""),
        ("text l.2", "0.9", "cohort", "summary", "HAQ", "W12", "", "mean", ""),
        ("text l.2", "0.5", "cohort", "summary", "HAQ", "W12", "", "sd", ""),
        # "with active disease responded": the response criterion of the role named
        ("text l.3", "11", "active", "response", "DAS28", "W12", "", "n_responders", ""),
        ("text l.3", "61%", "active", "response", "DAS28", "W12", "", "pct", ""),
        ("text l.4", "2.8", "active", "", "DAS28", "W52", "", "mean", "visit W52 (W52 (extension)) has no per-patient data (reported only)"),
        ("text l.4", "1.0", "active", "", "DAS28", "W52", "", "sd", "visit W52 (W52 (extension)) has no per-patient data (reported only)"),
        ("text l.5", "3", "", "", "", "", "", "n", "what is counted is not a population the settings declare"),
    ]  # fmt: skip


def test_the_draft_says_what_it_matched_and_what_it_assumed():
    study = study_of(OTHER, OTHER_ANALYSIS, OTHER_DRAFTING)
    rows = draft(located_lines(OTHER_TEXT), study, OTHER_DRAFTING).set_index("claim_id")
    assert rows.loc["das28_w12_mean", "draft_confidence"] == (
        "review; matched: measure DAS28 ('disease activity'), visit W12 ('week 12'); "
        "assumed: population active (the study's one domain, its active disease defined on "
        "DAS28)"
    )
    assert rows.loc["actfl_w0_n", "draft_confidence"] == (
        "high; matched: population active ('active arthritis')"
    )
    assert rows.loc["saffl_w0_n", "draft_confidence"] == (
        "review; assumed: population cohort (the text's first count)"
    )
    assert rows.loc["l5_n", "draft_confidence"] == "not computable"
    # each description written from its look-up and the settings' words
    assert rows["description"].tolist() == [
        "Number of treated patients",
        "Number of patients with active arthritis at week 0",
        "Percentage of patients with active arthritis at week 0",
        "Mean Disease Activity Score 28 at W12, in patients with active arthritis at week 0",
        "SD of Disease Activity Score 28 at W12, in patients with active arthritis at week 0",
        "p-value of the change in Disease Activity Score 28 from W0 (baseline) to W12, in "
        "patients with active arthritis at week 0",
        "Mean Health Assessment Questionnaire at W12, in treated patients",
        "SD of Health Assessment Questionnaire at W12, in treated patients",
        "Number of arthritis responders (Disease Activity Score 28) at W12, in patients with "
        "active arthritis at week 0",
        "Percentage of arthritis responders (Disease Activity Score 28) at W12, in patients "
        "with active arthritis at week 0",
        "Mean Disease Activity Score 28 at W52 (extension), in patients with active arthritis "
        "at week 0",
        "SD of Disease Activity Score 28 at W52 (extension), in patients with active arthritis "
        "at week 0",
        # what the draft could not place says so, not a placeholder
        "Not looked up (what is counted is not a population the settings declare): a number "
        "the text states",
    ]
    # what the sentence states of how each number was obtained: the population where it
    # names one (line 1's "active arthritis", line 3's "with active disease"), no test
    assert rows["states"].fillna("").tolist() == [
        "", "population", "population", "", "", "", "", "", "population", "population", "",
        "", "",
    ]  # fmt: skip


def test_the_draft_states_a_test_the_sentence_names():
    study = study_of(OTHER, OTHER_ANALYSIS, OTHER_DRAFTING)
    text = (
        "1 At week 12, DAS28 in patients with active arthritis fell (paired t-test, p = 0.002).\n"
        "2 At week 12, DAS28 fell (p = 0.002).\n"
    )
    rows = draft(located_lines(text), study, OTHER_DRAFTING).fillna("")
    assert rows[["statistic", "states"]].values.tolist() == [
        ["p_value", "population; test"], ["p_value", ""],
    ]  # fmt: skip


# a cohort's baseline table in words, and a figure legend: the levels of ADSL columns (the
# cohort's vocabularies and drafting.categories), a characteristic (drafting.characteristics),
# the baseline by a word of drafting.baseline_words, an interval of a response percentage
BASELINE_TEXT = """1 Twenty-two patients were women (92%), and the mean age was 53.5 ± 11.8 years.
2 All but two patients had received a previous treatment, including IVIg in 11 (46%).
3 One patient died (anti-MDA5+ with lung disease).
4 At 3 months, 13 and 5 patients were treated with MTX and IVIg, respectively.
5 In patients with active cutaneous disease, 19 of 21 (90%; 95% CI, 70–99%) met the cutaneous response.
6 Median CK was 137 (range, 14–410) at inclusion and 103 at week 12.

7 Figure 1. CDASI at week 0 and week 12 in patients with active cutaneous disease at baseline.
8 P < .0001, paired t test.
"""


def test_levels_characteristics_and_what_a_sentence_carries():
    cohort = cohort_of("synthetic_tofacitinib")
    analysis = cohort_analysis(CONFIG, cohort)
    drafting = drafting_settings(CONFIG, cohort)
    rows = draft(located_lines(BASELINE_TEXT), study_of(cohort, analysis, drafting), drafting)
    got = [
        (r.location, r.reported, *[r[c] for c in LOOKUP], r.not_computable_reason)
        for _, r in rows.fillna("").iterrows()
    ]
    assert got == [
        ("text l.1", "22", "cohort", "categorical", "SEX", "M0", "F", "n", ""),
        ("text l.1", "92%", "cohort", "categorical", "SEX", "M0", "F", "pct", ""),
        ("text l.1", "53.5", "cohort", "summary", "AGE", "M0", "", "mean", ""),
        ("text l.1", "11.8", "cohort", "summary", "AGE", "M0", "", "sd", ""),
        # all but two had one: two had none
        ("text l.2", "all but two", "cohort", "categorical", "ANYPRIOR", "M0", "N", "n", ""),
        ("text l.2", "11", "cohort", "categorical", "PRIORTRT", "M0", "IVIg", "n", ""),
        ("text l.2", "46%", "cohort", "categorical", "PRIORTRT", "M0", "IVIg", "pct", ""),
        # an antibody in brackets says who died, not what is counted
        ("text l.3", "1", "", "", "", "", "", "n", "what is counted is not a population the settings declare"),
        # at a follow-up visit, and "respectively": no level proposed
        ("text l.4", "13", "", "", "", "", "", "n", "what is counted is not a population the settings declare"),
        ("text l.4", "5", "", "", "", "", "", "n", "what is counted is not a population the settings declare"),
        ("text l.5", "19", "cutaneous", "response", "CDASI", "M3", "", "n_responders", ""),
        # the denominator of a response: the patients evaluable for it
        ("text l.5", "21", "cutaneous", "response", "CDASI", "M3", "", "n_evaluable", ""),
        ("text l.5", "90%", "cutaneous", "response", "CDASI", "M3", "", "pct", ""),
        ("text l.5", "70", "cutaneous", "response", "CDASI", "M3", "", "ci_lower", ""),
        ("text l.5", "99", "cutaneous", "response", "CDASI", "M3", "", "ci_upper", ""),
        # "at inclusion" names the baseline; the second median is at week 12
        ("text l.6", "137", "cohort", "summary", "CK", "M0", "", "median", ""),
        ("text l.6", "14", "cohort", "summary", "CK", "M0", "", "min", ""),
        ("text l.6", "410", "cohort", "summary", "CK", "M0", "", "max", ""),
        ("text l.6", "103", "cohort", "summary", "CK", "M3", "", "median", ""),
        # the legend's p: the follow-up visit its paragraph named, not the baseline after it
        ("text l.8", "< .0001", "cutaneous", "paired_test", "CDASI", "M3", "", "p_value", ""),
    ]  # fmt: skip
    described = rows.set_index("claim_id")["description"]
    assert described["sex_m0_n"] == "Number of treated patients: female"
    assert described["age_m0_mean"] == "Mean age at week 0 (baseline), in treated patients"
    assert described["anyprior_m0_n"] == "Number of treated patients without previous treatment"
    assert described["cdasi_m3_ci_lower"] == (
        "Lower confidence limit of the percentage of cutaneous responders (CDASI activity "
        "score) at week 12, in patients with active cutaneous disease at baseline"
    )


ABSTRACT_TEXT = """1 Methods. Adults were assessed at baseline and after 3 months. Results. Twenty-three
2 patients (22 women) were included. Among patients with active skin disease, CDASI decreased
3 by a mean of 13.7 points at month 3, and 89% of evaluable patients met the response criterion.
4
5 Forty patients were included. All but one patient had received at least one
6 immunomodulatory treatment. Ruxolitinib was the JAK inhibitor most often given (15
7 patients). Tofacitinib was given at 10 mg/day in 8 patients and at 5 mg twice daily in 4.
8 Anti-TIF1γ antibodies were found in six, and anti-MDA5 and anti-NXP2 antibodies in four
9 patients each.
10
11 In patients with active cutaneous disease, the mean CDASI was 31.4 at baseline. It fell
12 by month 3, when the median score was 10 (IQR 5–19).
"""


def test_what_an_abstract_and_a_results_section_count():
    cohort = cohort_of("synthetic_upadacitinib")
    analysis = cohort_analysis(CONFIG, cohort)
    drafting = drafting_settings(CONFIG, cohort)
    rows = draft(located_lines(ABSTRACT_TEXT), study_of(cohort, analysis, drafting), drafting)
    got = [(r.reported, r.value, *[r[c] for c in LOOKUP]) for _, r in rows.fillna("").iterrows()]
    assert got == [
        ("23", 23.0, "cohort", "categorical", "SAFFL", "M0", "Y", "n"),
        # 'Results.' starts afresh: the methods' 3 months is not this count's visit
        ("22", 22.0, "cohort", "categorical", "SEX", "M0", "F", "n"),
        ("13.7", -13.7, "cutaneous", "paired_test", "CDASI", "M3", "", "mean_change"),
        # the response criterion of the measure another clause names
        ("89%", 89.0, "cutaneous", "response", "CDASI", "M3", "", "pct"),
        # the patients studied, said again
        ("40", 40.0, "cohort", "categorical", "SAFFL", "M0", "Y", "n"),
        # all but one of the text's 23 patients (its first count) had one
        ("All but one", 22.0, "cohort", "categorical", "ANYPRIOR", "M0", "Y", "n"),
        ("15", 15.0, "cohort", "categorical", "TRTMOL", "M0", "ruxolitinib", "n"),
        # a dose group: ADSL's TRT01A, the daily dose (5 mg twice daily is 10 mg/day)
        ("8", 8.0, "cohort", "categorical", "TRT01A", "M0", "tofacitinib 10 mg/day", "n"),
        ("4", 4.0, "cohort", "categorical", "TRT01A", "M0", "tofacitinib 10 mg/day", "n"),
        ("6", 6.0, "cohort", "categorical", "ABTYPE", "M0", "TIF1G", "n"),
        ("4", 4.0, "cohort", "categorical", "ABTYPE", "M0", "NXP2", "n"),
        ("4", 4.0, "cohort", "categorical", "ABTYPE", "M0", "MDA5", "n"),
        ("31.4", 31.4, "cutaneous", "summary", "CDASI", "M0", "", "mean"),
        # 'It ... the median score': the measure of the sentence before, marked assumed
        ("10", 10.0, "cutaneous", "summary", "CDASI", "M3", "", "median"),
        ("5", 5.0, "cutaneous", "summary", "CDASI", "M3", "", "q1"),
        ("19", 19.0, "cutaneous", "summary", "CDASI", "M3", "", "q3"),
    ]
    median = rows.set_index("claim_id").loc["cdasi_m3_median", "draft_confidence"]
    assert "assumed: measure CDASI (named in the sentence before)" in median


def test_words_any_text_gives_measures_visits_and_levels():
    cohort = cohort_of("synthetic_registry_dated")  # visits D0, W12, W24 in weeks; coded export
    analysis = cohort_analysis(CONFIG, cohort)
    drafting = drafting_settings(CONFIG, cohort)
    text = (
        "1 SYNTHETIC DATA; no real patients are described.\n"
        "2 Prior treatment was most often methotrexate (n = 17).\n"
        "3 Mean CDASI-A was 18.4 at the 12-week visit and 13.6 at 6 months.\n"
        "4 Strength rose by a mean of 4.2 points by the week-12 visit (P < .001).\n"
    )
    rows = draft(located_lines(text), study_of(cohort, analysis, drafting), drafting)
    got = [(r.location, r.reported, *[r[c] for c in LOOKUP]) for _, r in rows.fillna("").iterrows()]
    assert got == [
        # the disclaimer is no claim; a count in brackets counts the level before it
        ("text l.2", "17", "cohort", "categorical", "PRIORTRT", "D0", "MTX", "n"),
        # CDASI-A and strength by drafting.measures; 6 months are the 24 weeks of W24; no
        # population named in the paragraph: the whole cohort
        ("text l.3", "18.4", "cohort", "summary", "CDASI", "W12", "", "mean"),
        ("text l.3", "13.6", "cohort", "summary", "CDASI", "W24", "", "mean"),
        ("text l.4", "4.2", "cohort", "paired_test", "MMT8", "W12", "", "mean_change"),
        ("text l.4", "< .001", "cohort", "paired_test", "MMT8", "W12", "", "p_value"),
    ]  # fmt: skip
    # the export's codes of one character or a number ('1' for female) name no level
    levels = study_of(cohort, analysis, drafting).categories
    assert levels["SEX=F"] == ["female", "women", "woman", "females"]


def test_the_draft_fits_its_model_and_promoted_the_ledgers(tmp_path):
    path = tmp_path / "paper.txt"
    path.write_text(OTHER_TEXT, encoding="utf-8")
    frame = drafted(str(path), OTHER, OTHER_ANALYSIS, OTHER_DRAFTING)
    ClaimsDraft.validate(frame)
    # a reviewed draft, without the review columns, is a claims ledger
    ClaimsLedger.validate(frame.drop(columns=["pattern", "draft_confidence"]))
    assert list(frame.columns[:22]) == list(ClaimsLedger.to_schema().columns)


# ---- the measure on the pilot's paper ---------------------------------------------------

needs_paper = pytest.mark.skipif(not PAPER.exists(), reason=f"the paper's text {PAPER} is absent")


@pytest.fixture(scope="module")
def pilot():
    cohort = cohort_of("landon_cardinal_2022")
    analysis = cohort_analysis(CONFIG, cohort)
    drafting = drafting_settings(CONFIG, cohort)
    started = time.perf_counter()
    frame = drafted(str(PAPER), cohort, analysis, drafting)
    ledger = read_ledger(LEDGER)
    comparison = compared(frame.astype(object).where(frame.notna(), None), ledger)
    return frame, comparison, measured(comparison, ledger), time.perf_counter() - started


@needs_paper
def test_the_pilot_draft_finds_the_ledgers_text_claims(pilot):
    frame, comparison, measure, seconds = pilot
    # 39 of the ledger's 54 claims are located in the text; the draft finds 38 at their
    # line with their value (97%, target 90%), the 17 of them the ledger looks up all with
    # its look-up (target 75%), and proposes 1 row that is no claim (target at most 5)
    assert measure == {
        "text_claims": 39, "found": 38, "with_lookup": 17, "same_lookup": 17, "not_claims": 1,
    }  # fmt: skip
    missed = comparison[
        (comparison["kind"] == "missed") & comparison["ledger_location"].str.startswith("text")
    ]
    # "most cases had mild muscle weakness": a word the ledger reads as median MMT8 > 120
    assert list(missed["ledger_claim_id"]) == ["mild_weakness"]
    extra = comparison[comparison["kind"] == "not in the ledger"]
    assert list(extra["draft_location"]) == ["text l.91-93"]  # "no significant effect"
    assert list(extra["draft_quote"].str[-39:]) == ["but no significant effect was observed."]
    # the figure legend restates 8 of the ledger's summaries and its *p ≤0.05
    assert (comparison["kind"] == "repeated").sum() == 9
    assert seconds < 2


@needs_paper
def test_the_pilot_draft_rows_as_the_ledger_writes_them(pilot):
    frame = pilot[0].set_index("claim_id")
    assert frame.loc["actcutfl_m0_pct", ["location", "reported", "value", "n", "check"]].tolist() == [
        "text l.75-76", "88%", 88.0, 16.0, "percent(actcutfl_m0_n, saffl_m0_n)",
    ]  # fmt: skip
    assert frame.loc["cdasi_m3_p_value", ["reported", "comparator", "value", "precision", "unit"]].tolist() == [
        "< 0.0001", "<", 0.0001, 4, "p",
    ]  # fmt: skip
    assert frame.loc["mmt8_m3_p_value", ["reported", "comparator", "value", "precision"]].tolist() == [
        "unchanged", ">", 0.05, 2,
    ]  # fmt: skip
    assert frame.loc["l81_mean", ["reported", "unit", "not_computable_reason"]].tolist() == [
        "1.8", "years", "no measure of the settings is named",
    ]  # fmt: skip
    assert frame.loc["l81_sd", "description"] == (
        "Not looked up (no measure of the settings is named): an SD the text states"
    )
    # "mean CDASI was 5 ± 4 (-81%, p < 0.0001)": a percent change of the mean, checked as the
    # ledger checks it from the two printed means (27 at baseline, 5 at last follow-up)
    change = frame.loc["cdasi_fu_pct_change"]
    assert change[["reported", "value", "unit", "statistic", "check"]].tolist() == [
        "-81%", -81.0, "%", "pct_change", "percent_change(cdasi_m0_mean, cdasi_fu_mean)",
    ]  # fmt: skip
    assert pd.isna(change["analysis"])  # not looked up: it is checked
    assert change["description"] == (
        "Percent change of mean CDASI activity score from M0 (baseline) to FU (last "
        "follow-up), in patients with active cutaneous disease at baseline"
    )
    # "After 1.8 ± 0.7 years of follow-up ... All patients with initial active cutaneous
    # disease activity improved": a response at the follow-up the paragraph named, not at the
    # criterion's visit (M3), so not looked up in the per-patient data
    assert frame.loc["cdasi_fu_pct", ["reported", "analysis", "visit"]].fillna("").tolist() == [
        "All", "", "FU",
    ]  # fmt: skip
    # "10 of 15": 15 was not stated before, so it is a claim of its own (patients at follow-up)
    assert frame.loc["l85_n_2", ["reported", "location"]].tolist() == ["15", "text l.85-86"]


# ---- the measure on texts written independently of the drafting code ---------------------
#
# tests/texts/<cohort>_independent.txt: a paper about a SYNTHETIC cohort, written by a helper
# that read the cohort's data, settings and results but none of the drafting code nor any
# other text of the project, with its answer key (the ledger's columns, and `planted`: its
# two deliberately wrong numbers). synthetic_tofacitinib's in the style of a short letter,
# without line numbers; synthetic_registry_dated's (three visits, coded export) in another
# journal's style ("mean (SD)", "P = .24", "at the 12-week visit", "at 6 months"), with them;
# synthetic_rheumatoid's (one domain, another disease) in a third; synthetic_upadacitinib's
# (a brief report) and synthetic_registry_export's (a registry study, three visits, HAQ-DI),
# written side by side, in a fourth and a fifth. Each was written after the draft had been
# mended on the texts before it, and measured before it was mended on itself (the second at
# 31 of 36 found, 14 with the key's look-up, 4 rows no claim; the fifth at 35 of 36, 30 of
# 35, 2 rows no claim: the targets for a hidden text met before any mending).
TEXTS = ROOT / "tests/texts"
# cohort -> the measure, and the look-ups of the two planted numbers and their draft rows
INDEPENDENT = {
    "synthetic_tofacitinib": (
        # "All but two patients had received at least one previous treatment": this key reads
        # the two who had not (ANYPRIOR = N, 2), the draft, as the keys of
        # synthetic_registry_dated and synthetic_upadacitinib do, the 22 who had (the text's
        # 24 less two); the audit finds both true
        {"text_claims": 36, "found": 35, "with_lookup": 35, "same_lookup": 35, "not_claims": 3},
        # 64% on baricitinib (13 of 24 is 54%) and a baseline CDASI mean of 33.6 (30.6)
        {"trtmol_m0_pct": "mismatch", "cdasi_m0_mean": "mismatch"},
    ),
    "synthetic_registry_dated": (
        # MMT8's p at week 24 ("no longer significant at week 24 (P = .24)"), which the key
        # reads in active muscle disease and the draft, the paragraph naming no population,
        # in the whole cohort (both give .24)
        {"text_claims": 36, "found": 36, "with_lookup": 36, "same_lookup": 35, "not_claims": 0},
        # 37 with active muscle disease printed as 82.5% (92.5%), CDASI at week 12 as 18.4
        # (15.4)
        {"actmusfl_d0_pct": "mismatch", "cdasi_w12_mean": "mismatch"},
    ),
    "synthetic_rheumatoid": (
        # one domain, another disease, British English; measured first at 31 of 36 found, 19
        # of 31 with the key's look-up, 1 row no claim. The 5 look-ups that still differ: the
        # abstract's response (14 of 19, 74%), which the key reads in the whole cohort and
        # the draft, naming no population, in the response's own (marked assumed), and two
        # counts the key looks up where the draft gives a reason (6 on 30 mg daily, a dose
        # group; the patient who missed week 12)
        {"text_claims": 36, "found": 36, "with_lookup": 34, "same_lookup": 29, "not_claims": 0},
        # MTX in 11 printed as 45% (55%), DAS28 at week 12 as 3.48 (3.84)
        {"priortrt_w0_pct": "mismatch", "das28_w12_mean": "mismatch"},
    ),
    "synthetic_upadacitinib": (
        # a brief report without line numbers, a one-paragraph abstract; measured first at 24
        # of 36 found, 19 of 24 with the key's look-up (11 of the 16 claims about measures,
        # 69%), 7 rows no claim. What still differs: MMT8's change and responders, which the
        # key reads in the whole cohort and the draft, naming no population, in the active
        # muscle disease population (the same patients here: every baseline MMT8 is < 150);
        # since numbers naming no population read in the whole cohort, one of the two
        {"text_claims": 36, "found": 36, "with_lookup": 36, "same_lookup": 35, "not_claims": 1},
        # CDASI's change printed in the abstract as 17.3 (13.7), 8 seronegative as 45% (35%)
        {"cdasi_m3_mean_change": "mismatch", "abtype_m0_pct": "mismatch"},
    ),
    "synthetic_registry_export": (
        # a registry study with printed line numbers, three visits, HAQ-DI; measured first at
        # 35 of 36 found, 30 of 35 with the key's look-up (20 of the 24 claims about
        # measures, 83%), 2 rows no claim
        {"text_claims": 36, "found": 36, "with_lookup": 36, "same_lookup": 36, "not_claims": 0},
        # CDASI at baseline printed as 31.4 (28.1), MMT8's change at week 12 as 7.2 (4.2)
        {"cdasi_d0_mean": "mismatch", "mmt8_w12_mean_change": "mismatch"},
    ),
    "synthetic_registry": (
        # the generated registry of 1000 patients, by non-native writers ("pts", "One
        # thousand", "Nine hundred forty-five"), the interferon measure; written side by side
        # with the next and measured first (after the mends on the two before) at 28 of 36
        # found, 25 of 28 with the key's look-up (16 of the 23 claims about measures, 70%),
        # 4 rows no claim. "The primary endpoint was reached by 762 of 833 evaluable pts
        # (91.5%; 95% CI 89.4-93.3)" is looked up since the words of drafting.primary name
        # the first response criterion (the 833 and the 642 of "75 of 642 evaluable pts" are
        # the rows the key leaves out)
        {"text_claims": 36, "found": 34, "with_lookup": 34, "same_lookup": 34, "not_claims": 2},
        # anti-MDA5 printed as 27.4% (17.4%), MMT8 at baseline as 114.7 (124.7)
        {"abtype_m0_pct_2": "mismatch", "mmt8_m0_mean": "mismatch"},
    ),
    "synthetic_tofacitinib_letter": (
        # a research letter in an American journal's style ("P = .52", "mean ± SD", "(90%;
        # 95% CI, 70%-99%)"), numbered lines; measured first at 35 of 36 found, 31 of 35 with
        # the key's look-up (13 of the 16 claims about measures, 81%), no row no claim. Still
        # differs: "MMT-8 scores did not change significantly (P = .52)", the key's in active
        # muscle disease, the draft's in the whole cohort (both .52)
        {"text_claims": 36, "found": 36, "with_lookup": 36, "same_lookup": 35, "not_claims": 0},
        # anti-TIF1-γ in 9 patients (7), CDASI at week 12 printed as 14.5 (17.5)
        {"abtype_m0_n": "mismatch", "cdasi_m3_mean": "mismatch"},
    ),
    "synthetic_registry_dated_letter": (
        # a dense letter by non-native writers ("n = 19", "W12 vs. baseline", "+4.2 points",
        # "CDASI decreased from 28.1 ± 11.6 at baseline to 19.4 at W12 and 13.6 at W24"),
        # written side by side with the next after the mends on the four before, measured
        # first at 28 of 36 found, 20 of 28 with the key's look-up (9 of the 21 claims about
        # measures, 43%: the visits printed as codes, W12, were not read), 1 row no claim,
        # and one of the two planted numbers not found
        {"text_claims": 36, "found": 36, "with_lookup": 36, "same_lookup": 36, "not_claims": 0},
        # rituximab in 21 (15), CDASI at week 12 printed as 19.4 (15.4)
        {"priortrt_d0_n_2": "mismatch", "cdasi_w12_mean": "mismatch"},
    ),
    "synthetic_rheumatoid_article": (
        # an American original investigation (structured abstract, "mean [SD] age, 48.4
        # [13.4] years; 18 [90%] women", "(IQR, 40.0-54.8 years)"), numbered lines; measured
        # first at 34 of 36 found, 28 of 34 with the key's look-up (13 of the 18 claims about
        # measures, 72%), 4 rows no claim. Still differs: "one of these patients had no
        # DAS28-CRP recorded at week 12" (the key: the count of missing values)
        {"text_claims": 36, "found": 36, "with_lookup": 36, "same_lookup": 35, "not_claims": 2},
        # the median age printed as 53.5 (47.5), nine seronegative (14)
        {"age_w0_median": "mismatch", "abtype_w0_n": "mismatch"},
    ),
    "synthetic_upadacitinib_series": (
        # a case series of an Asian journal ("n=8 (34.8%)", sub-headings per outcome), written
        # side by side with the next after the mends on the six before; measured first at 35
        # of 36 found, 32 of 35 with the key's look-up (12 of the 15 claims about measures,
        # 80%), 2 rows no claim: every target met. Still differs: MMT8's change, p and
        # responders, which the key reads in the whole cohort ("patients with MMT8 recorded
        # at both visits") and the draft in active muscle disease (the same 18 patients); since
        # numbers naming no population read in the whole cohort, the change and p as the key
        {"text_claims": 36, "found": 36, "with_lookup": 36, "same_lookup": 35, "not_claims": 2},
        # the mean age printed as 58.6 (53.6), CDASI at month 3 as 12.9 (15.9)
        {"age_m0_mean": "mismatch", "cdasi_m3_mean": "mismatch"},
    ),
    "synthetic_registry_export_abstract": (
        # a congress abstract ("wk 12", "BL", "(SD 11.2)", "p=0.24"); measured first at 35 of
        # 36 found, 23 of 35 with the key's look-up (10 of the 23 claims about measures, 43%:
        # "wk 24" and "BL" were not read as visits), 1 row no claim ("an MMT8 gain of 20% lies
        # beyond the scale's maximum": an argument's amount)
        {"text_claims": 36, "found": 36, "with_lookup": 36, "same_lookup": 36, "not_claims": 0},
        # CDASI at week 24 printed as 18.6 (13.6), HAQ-DI at baseline as 1.21 (0.91)
        {"cdasi_w24_mean": "mismatch", "haq_d0_mean": "mismatch"},
    ),
    "synthetic_registry_dated_observational": (
        # an observational study by Spanish-speaking writers ("85.3 percent", "95% confidence
        # interval [CI] -17.4 to -10.5", "decreased to 18.6 at 12 weeks and to 12.9 after 24
        # weeks"), written side by side with the next after the mends on the eight before;
        # measured first at 30 of 36 found, 23 of 30 with the key's look-up (9 of the 20
        # claims about measures, 45%), 2 rows no claim. Still differs: the abstract's mean
        # CDASI, which names no population (the key: the whole cohort; the draft: active
        # cutaneous disease, marked assumed), and MMT8 (the key: the whole cohort)
        {"text_claims": 36, "found": 36, "with_lookup": 36, "same_lookup": 31, "not_claims": 2},
        # CDASI at 12 weeks printed as 18.6 (14.6), HAQ-DI after 24 weeks as 0.64 (0.44)
        {"cdasi_w12_mean": "mismatch", "haq_w24_mean": "mismatch"},
    ),
    "synthetic_tofacitinib_summary": (
        # a British general journal's style ("19 (90%) of 21", "p<0·0001" as "p<0.0001",
        # "(mean change 0.7 points; p=0.52)"), numbered lines; measured first at 35 of 36
        # found, 32 of 35 with the key's look-up (20 of the 23 claims about measures, 87%),
        # 2 rows no claim: every target met. Still differs: "Muscle strength did not change
        # (p=0.52)", the key's in active muscle disease, the draft's in the whole cohort
        {"text_claims": 36, "found": 36, "with_lookup": 36, "same_lookup": 35, "not_claims": 2},
        # the mean age printed as 58.5 (53.5), CDASI at week 12 as 21.5 (17.5)
        {"age_m0_mean": "mismatch", "cdasi_m3_mean": "mismatch"},
    ),
    # the last two, written side by side after every mend above and NOT mended on (their
    # first measure is what the draft does today with a text it has not seen)
    "synthetic_rheumatoid_letter": (
        # a German-style clinical letter ("mean±SD", "ACPA resp. RF ... in three patients
        # each", "Methotrexate had been given previously to 11 (55%) patients and a TNF
        # inhibitor to 6"): every hidden-text target met (32 found, 13 of 15 claims about
        # measures with the key's look-up, 2 rows no claim); the methotrexate count is
        # looked up as TNFI's (a false mismatch to review)
        {"text_claims": 36, "found": 32, "with_lookup": 31, "same_lookup": 24, "not_claims": 2},
        # DAS28-CRP at week 12 printed as 3.48 (3.84), the whole cohort's response as 79% (74%)
        {"das28_w12_mean": "mismatch", "das28_w12_pct_2": "mismatch"},
    ),
    "synthetic_upadacitinib_translated": (
        # an article translated from French, numbered lines: found 33, but the key reads
        # every CDASI number the text gives without a population in the whole cohort and
        # the draft in active cutaneous disease (1 of the 16 claims about measures with the
        # key's look-up); "17 of 19 evaluable patients (95%)" names no measure nor response
        # (the planted 95% is not looked up: not computable). Found 34 since the mend for
        # the brief's "11 received upadacitinib and 12 tofacitinib" (the same words here, its
        # 12 found but, as the 11, given no look-up: the sentence spans two lines). 24 with
        # the key's look-up (11 of the 16 about measures) since a measure's number naming no
        # population reads in the whole cohort unless the paragraph named the measure's own
        # (a change made with this text's failures in view: no longer an unseen measure);
        # its cutaneous response ("19 of 22 evaluable patients (86%) achieved a cutaneous
        # response"), the key's in the whole cohort, is still the response's population
        {"text_claims": 36, "found": 34, "with_lookup": 33, "same_lookup": 24, "not_claims": 0},
        # 7 patients on 30 mg/day (5); 95% responders (17 of 19 is 89%)
        {"trt01a_m0_n": "mismatch", "l81_pct": "not_computable"},
    ),
    # two more, written side by side on 2026-12-07 after every change above (their writers
    # saw the cohort's data, results and the ledger's docs, nothing of the drafting nor any
    # other text) and NOT mended on: their first measure is the draft's on unseen texts
    "synthetic_registry_export_nordic": (
        # a Nordic registry study, numbered lines, "29/34 (85%)", "28.1 (SD 11.6)": every
        # hidden-text target met (34 found, 20 of the 22 claims about measures with the
        # key's look-up, 1 row no claim, both planted numbers mismatches). Missed: "a mean
        # change of -12.9" and the 34 of "29/34"; "38 (95%) had received previous systemic
        # treatment" and "Ruxolitinib (n=15)" get no look-up; the row no claim is the
        # figure legend's threshold ("a decrease of 5 points")
        {"text_claims": 36, "found": 34, "with_lookup": 34, "same_lookup": 31, "not_claims": 1},
        # the mean age printed as 61.0 (56.0), CDASI at week 24 as 10.6 (13.6)
        {"age_d0_mean": "mismatch", "cdasi_w24_mean": "mismatch"},
    ),
    "synthetic_registry_multicentre": (
        # a Japanese multicentre cohort, no line numbers, "mean (SD)", "45.2%": every
        # hidden-text target met (35 found, 15 of the 21 claims about measures with the key's
        # look-up, 71%, 2 rows no claim, both planted numbers mismatches). Missed: the
        # abstract's "1,000 patients" (read as 0: the thousands separator, a bug mended since:
        # 36 found, 29 of 36, 1 row no claim); "762 of 833 evaluable patients (91.5%)" names
        # no response and gets none; the IFN-α geometric mean ratio 0.49 read as a mean
        {"text_claims": 36, "found": 36, "with_lookup": 36, "same_lookup": 29, "not_claims": 1},
        # 684 with active muscle disease printed as 64.8% (68.4%), CDASI at baseline as 33.4
        # (28.4)
        {"actmusfl_m0_pct_2": "mismatch", "cdasi_m0_mean": "mismatch"},
    ),
}
# the cohort of a text named otherwise (a second text about the same cohort)
COHORT_OF_TEXT = {
    "synthetic_tofacitinib_letter": "synthetic_tofacitinib",
    "synthetic_registry_dated_letter": "synthetic_registry_dated",
    "synthetic_rheumatoid_article": "synthetic_rheumatoid",
    "synthetic_upadacitinib_series": "synthetic_upadacitinib",
    "synthetic_registry_export_abstract": "synthetic_registry_export",
    "synthetic_registry_dated_observational": "synthetic_registry_dated",
    "synthetic_tofacitinib_summary": "synthetic_tofacitinib",
    "synthetic_rheumatoid_letter": "synthetic_rheumatoid",
    "synthetic_upadacitinib_translated": "synthetic_upadacitinib",
    "synthetic_registry_export_nordic": "synthetic_registry_export",
    "synthetic_registry_multicentre": "synthetic_registry",
}


# each text is drafted once and read by three tests (the frames are not changed by them)
@functools.cache
def independent_draft(name: str):
    cohort = cohort_of(COHORT_OF_TEXT.get(name, name))
    analysis = cohort_analysis(CONFIG, cohort)
    text = str(TEXTS / f"{name}_independent.txt")
    frame = drafted(text, cohort, analysis, drafting_settings(CONFIG, cohort))
    key = read_ledger(TEXTS / f"{name}_independent_key.csv")
    comparison = compared(
        frame.astype(object).where(frame.notna(), None), key.drop(columns="planted")
    )
    return cohort, frame, key, comparison


@pytest.mark.parametrize("name", INDEPENDENT)
def test_an_independent_text_is_drafted_as_its_key_says(name):
    _, frame, key, comparison = independent_draft(name)
    assert measured(comparison, key) == INDEPENDENT[name][0]


def test_what_the_independent_drafts_propose_beyond_their_keys():
    extra = {
        name: independent_draft(name)[3].query("kind == 'not in the ledger'")
        for name in INDEPENDENT
    }
    # "did not change significantly" (read as p > 0.05, as the pilot's ledger reads
    # "unchanged") and the 21 of "Nineteen of the 21 evaluable patients", stated nowhere else
    # (the patients evaluable for the response, which the audit finds true)
    assert extra["synthetic_tofacitinib"][["draft_claim_id", "draft_value"]].values.tolist() == [
        ["ck_m3_p_value", 0.05], ["anyprior_m0_n", 22.0], ["cdasi_m3_n_evaluable", 21.0],
    ]  # fmt: skip
    # "Seventeen of the 19 evaluable patients met the cutaneous response criterion"
    assert extra["synthetic_upadacitinib"][["draft_claim_id", "draft_value"]].values.tolist() == [
        ["cdasi_m3_n_evaluable", 19.0],
    ]  # fmt: skip
    # "762 of 833 evaluable pts", "75 of 642 evaluable pts"
    assert extra["synthetic_registry"][["draft_claim_id", "draft_value"]].values.tolist() == [
        ["cdasi_m3_n_evaluable", 833.0], ["mmt8_m3_n_evaluable", 642.0],
    ]  # fmt: skip
    # "12 of 17 evaluable patients (71%)", "14 of 19 evaluable patients (74%)"
    assert extra["synthetic_rheumatoid_article"][["draft_claim_id", "draft_value"]].values.tolist() == [
        ["das28_w12_n_evaluable", 17.0], ["das28_w12_n_evaluable_2", 19.0],
    ]  # fmt: skip
    assert [len(extra[name]) for name in INDEPENDENT] == [
        3,
        0,
        0,
        1,
        0,
        2,
        0,
        0,
        2,
        2,
        0,
        2,
        2,
        2,
        0,
        1,
        1,
    ]


def generated_table(name: str, folder) -> str:
    from clinrepro.synthetic.generate import run as generate

    made = CONFIG["generate"][name]
    outputs = {
        kind: str(folder / f"{kind}.{ext}")
        for kind, ext in (("table", "csv"), ("claims", "csv"), ("reported_summaries", "csv"))
    } | {"profile": str(folder / "profile.json")}
    source = cohort_of(made["from"])
    generate(
        source["raw"]["table"], source, made["patients"], made["seed"], outputs, CONFIG["analysis"]
    )
    return outputs["table"]


PAPER_RESULTS = {}


def paper_results(cohort_name: str, tmp_path_factory):
    """A cohort's analysis settings and results of variant paper, built in process once for
    all the texts written of it."""
    if cohort_name in PAPER_RESULTS:
        return PAPER_RESULTS[cohort_name]
    from clinrepro.adam.endpoints import build_adeff, build_adsl
    from clinrepro.base.settings import variant_settings
    from clinrepro.reading.extract import extract_cohort
    from clinrepro.statistics.results import analysis_results

    cohort = cohort_of(cohort_name)
    analysis = variant_settings(CONFIG, "paper", cohort)
    if "raw" in cohort:
        raw = {k: v for k, v in cohort["raw"].items() if k in ("table", "patients", "measurements")}
    else:  # a generated cohort: its table, generated as the workflow does
        raw = {"table": generated_table(cohort_name, tmp_path_factory.mktemp(cohort_name))}
    tables, baseline = extract_cohort(raw, cohort), cohort["baseline_visit"]
    adsl = build_adsl(tables, analysis, baseline)
    adeff = build_adeff(tables["measurements"], adsl, analysis, cohort)
    PAPER_RESULTS[cohort_name] = analysis, analysis_results(adsl, adeff, analysis, baseline)
    return PAPER_RESULTS[cohort_name]


@pytest.mark.parametrize("name", INDEPENDENT)
def test_the_audit_of_an_independent_draft_finds_its_two_planted_errors(
    name, tmp_path, tmp_path_factory
):
    from clinrepro.audit.recompute import audit_claims
    from clinrepro.base.files import read_table

    _, frame, key, comparison = independent_draft(name)
    cohort_name = COHORT_OF_TEXT.get(name, name)
    analysis, ard = paper_results(cohort_name, tmp_path_factory)
    # the draft as the audit reads it (the rule draft_ledger writes it without review columns)
    path = tmp_path / "claims.csv"
    frame.drop(columns=["pattern", "draft_confidence"]).to_csv(path, index=False)
    ledger = read_table(str(path), text_columns=("claim_id", "reported", "visit", "category"))
    status = audit_claims(ledger, ard.copy(), analysis).set_index("claim_id")["status"]
    drafted_as = comparison.dropna(subset=["ledger_claim_id", "draft_claim_id"])
    drafted_as = drafted_as.set_index("ledger_claim_id")["draft_claim_id"]
    planted = drafted_as[key.loc[key["planted"] == "1", "claim_id"]]
    assert status[planted].to_dict() == INDEPENDENT[name][1]
    # every other number of the draft reproduces, but synthetic_rheumatoid's abstract response
    # (14 of 19, 74%: the whole cohort's, looked up in the response's population, 12 of 17)
    # and its counts of no declared population (6 seropositive, 6 on 30 mg, 1 absent at week
    # 12, 2 in remission)
    others = status.drop(planted)
    assert others[others != "match"].to_dict() == {
        "synthetic_rheumatoid": {
            "das28_w12_n_responders": "mismatch", "das28_w12_n_evaluable": "mismatch",
            "das28_w12_pct": "mismatch", "l46_n": "not_computable", "l48_n": "not_computable",
            "l52_n": "not_computable", "l57_n": "not_computable",
        },
        "synthetic_rheumatoid_article": {"l105_n": "not_computable"},
        # the abstract's mean CDASI, the whole cohort's, looked up in active cutaneous disease
        "synthetic_registry_dated_observational": {
            "cdasi_d0_mean": "mismatch", "cdasi_w24_mean": "mismatch",
        },
        # not mended on: the methotrexate count read as TNFI's, and what is not looked up
        "synthetic_rheumatoid_letter": {
            "l31_median": "not_computable", "l31_q1": "not_computable", "l31_q3": "not_computable",
            "priortrt_w0_n": "mismatch", "priortrt_w0_pct": "mismatch", "l38_n": "not_computable",
            "l43_n": "not_computable",
        },
        # the cutaneous response the key reads in the whole cohort, and others (its CDASI
        # summaries, read in the whole cohort as the key does, reproduce since that change)
        "synthetic_upadacitinib_translated": {
            "l19_n": "not_computable", "l19_n_2": "not_computable", "l19_n_3": "not_computable",
            "cdasi_m3_n_responders": "mismatch", "cdasi_m3_pct": "mismatch",
            "priortrt_m0_n": "mismatch", "l81_n": "not_computable", "l89_n": "not_computable",
        },
        # not mended on: counts the draft does not look up, and the legend's threshold
        # read as a change (a row no claim)
        "synthetic_registry_export_nordic": {
            "l84_n": "not_computable", "l84_pct": "not_computable", "l85_n": "not_computable",
            "cdasi_w24_mean_change_2": "mismatch",
        },
        # not mended on: the abstract's 839 at M3, a response percentage read as a count of
        # active muscle disease, the geometric mean ratio read as a mean
        "synthetic_registry_multicentre": {
            "actcutfl_m3_n": "not_computable",
            "actmusfl_m0_pct": "mismatch", "l94_n": "not_computable",
            "l94_n_2": "not_computable", "l94_pct": "not_computable",
            "l99_pct": "not_computable", "l104_n": "not_computable", "ifna_m0_mean": "mismatch",
        },
    }.get(name, {})  # fmt: skip


# ---- the rules --------------------------------------------------------------------------


@needs_paper
@pytest.mark.workflow
def test_the_rules_draft_the_pilot_from_a_text_given_on_the_command_line(tmp_path, pilot):
    from workflow import copy_project, snakemake

    project = copy_project(tmp_path / "project")
    targets = [f"results/landon_cardinal_2022/claims_draft{s}.csv" for s in ("", "_vs_ledger")]
    # a fresh clone without the text builds no draft, and says nothing of it
    dry = snakemake(project, "-n", "--cores", "1")
    assert dry.returncode == 0 and "rule sensitivity" in dry.stdout
    assert "claims_draft" not in dry.stdout
    run = snakemake(
        project, "--cores", "1", *targets, "--config", f"texts={{landon_cardinal_2022: {PAPER}}}"
    )
    assert run.returncode == 0, run.stderr
    written = pd.read_csv(project / targets[0], dtype=str, keep_default_na=False)
    assert len(written) == len(pilot[0]) == 48
    assert list(written.columns) == [
        *ClaimsLedger.to_schema().columns,
        "pattern",
        "draft_confidence",
    ]
    vs = pd.read_csv(project / targets[1], dtype=str, keep_default_na=False)
    assert vs["kind"].value_counts().to_dict() == {
        "found": 38, "missed": 16, "repeated": 9, "not in the ledger": 1,
    }  # fmt: skip


# ---- the SYNTHETIC paper text and the audit on its draft ---------------------------------

TEXT_COHORT = "synthetic_tofacitinib_text"


def test_the_generator_writes_the_synthetic_ledger_as_a_paper_text():
    from clinrepro.synthetic.paper import paper_text

    ledger = pd.read_csv("data/raw/synthetic_tofacitinib/claims.csv", dtype=str)
    text = paper_text(ledger, cohort_of(TEXT_COHORT))
    assert text == (ROOT / "data/raw/synthetic_tofacitinib_text/paper.txt").read_text("utf-8")
    assert text.splitlines()[1:] == [
        "2 24 patients were treated with a JAK inhibitor.",
        "3 At Week 0, mean CDASI-A was 30.6 in patients with active cutaneous disease.",
        "4 At Week 12, 90% of patients with active cutaneous disease had a cutaneous response.",
        "5 CDASI-A decreased from Week 0 to Week 12 (p < 0.05).",
        # the ledger's planted number: the data give 17.48
        "6 At Week 12, mean CDASI-A was 20.5.",
        "7 Patients were seen for a mean follow-up of 1.5 years.",
    ]


def test_the_draft_of_the_synthetic_text_has_the_ledgers_look_ups():
    cohort = cohort_of(TEXT_COHORT)
    analysis = cohort_analysis(CONFIG, cohort)
    frame = drafted(cohort["raw"]["text"], cohort, analysis, drafting_settings(CONFIG, cohort))
    ledger = read_ledger("data/raw/synthetic_tofacitinib/claims.csv").set_index("claim_id")
    mine = frame.set_index("claim_id").fillna("")
    for draft_id, ledger_id in [
        ("saffl_m0_n", "n_patients"),
        ("cdasi_m0_mean", "cdasi_m0_mean"),
        ("cdasi_m3_pct", "cutaneous_response_m3_pct"),
        ("cdasi_m3_p_value", "cdasi_m0_m3_p"),
        ("cdasi_m3_mean", "cdasi_m3_mean_planted_mismatch"),
    ]:
        assert (
            mine.loc[draft_id, LOOKUP].tolist() == ledger.loc[ledger_id, LOOKUP].fillna("").tolist()
        )
        assert float(mine.loc[draft_id, "value"]) == float(ledger.loc[ledger_id, "value"])
    assert mine.loc["l7_mean", ["value", "unit", "not_computable_reason"]].tolist() == [
        1.5, "years", "no measure of the settings is named",
    ]  # fmt: skip


def test_a_cohort_with_a_text_and_no_ledger_is_audited_on_the_draft(built_synthetic):
    # the session's run of the SYNTHETIC cohorts (tests/conftest.py) built this one too
    results = built_synthetic / "results" / TEXT_COHORT
    audit = pd.read_csv(results / "paper/claims.csv").set_index("claim_id")
    assert audit["verdict"].to_dict() == {
        "saffl_m0_n": "exact",
        "cdasi_m0_mean": "within rounding",
        "cdasi_m3_pct": "within rounding",
        "cdasi_m3_p_value": "exact",
        "cdasi_m3_mean": "inconsistent",  # the planted number: 20.5 printed, 17.48 in the data
        "l7_mean": "not computable",
    }
    assert round(audit.loc["cdasi_m3_mean", "recomputed"], 2) == 17.48
    report = (results / "paper/report.html").read_text("utf-8")
    assert (
        "<b>These claims are an unreviewed draft</b>, made by the workflow from the text given "
        "for this cohort (data/raw/synthetic_tofacitinib_text/paper.txt), not a list of claims written by a person: 6 "
        "numbers found in the text, 5 of them looked up in the per-patient data." in report
    )
    # and the first screen says so before any verdict, its bottom line before it counts them
    first = report.index("These claims are an unreviewed draft the workflow made from the")
    assert first < report.index("<b>These claims are an unreviewed draft</b>")
    bottom = report.index(
        "the claims are an unreviewed draft made from the text given for this cohort; checked "
        "against this cohort&#39;s own per-patient data, 4 of the 6 claims are reproduced exactly or within "
        "rounding"
    )
    assert bottom < first and report.index(" of the 6 claims") > bottom
    # the draft ledger the audit read is the draft without its review columns
    ledger = pd.read_csv(results / "draft/claims.csv")
    assert list(ledger.columns) == list(ClaimsLedger.to_schema().columns)
    assert not (results / "claims_draft_vs_ledger.csv").exists()


def test_a_response_named_by_its_measure():
    study = study_of(OTHER, OTHER_ANALYSIS, OTHER_DRAFTING)
    text = "1 We included 30 patients.\n2 DAS28 improved in 12 of 18 patients (67%) at week 12.\n"
    rows = draft(located_lines(text), study, OTHER_DRAFTING).fillna("")
    got = [(r.reported, r.n, *[r[c] for c in LOOKUP], r.check) for _, r in rows.iterrows()]
    assert got == [
        ("30", "", "cohort", "categorical", "SAFFL", "W0", "Y", "n", ""),
        ("12", 18.0, "active", "response", "DAS28", "W12", "", "n_responders", ""),
        # 18 was not stated before: a count of its own, the patients evaluable for the response
        ("18", "", "active", "response", "DAS28", "W12", "", "n_evaluable", ""),
        ("67%", 18.0, "active", "response", "DAS28", "W12", "", "pct", "percent(das28_w12_n_responders, das28_w12_n_evaluable)"),
    ]  # fmt: skip


def write_pdf(pages: list[list[str]], path) -> None:
    """A PDF with a text layer (TrueType fonts), one text line a printed line."""
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(path) as pdf:
        for lines in pages:
            figure = Figure(figsize=(8.5, 11))
            for number, line in enumerate(lines):
                figure.text(0.02, 0.95 - number * 0.017, line, fontsize=5, parse_math=False)
            pdf.savefig(figure)


def test_a_pdf_without_line_numbers_is_located_by_page_and_line(tmp_path):
    write_pdf(
        [["Results", "Sixteen patients were treated."], ["CDASI fell from 26 ± 9 to 13 ± 8."]],
        tmp_path / "paper.pdf",
    )
    lines = read_text(tmp_path / "paper.pdf")
    assert [(line.number, line.words) for line in lines] == [
        (10001, "Results"),
        (10002, "Sixteen patients were treated."),
        (20001, "CDASI fell from 26 ± 9 to 13 ± 8."),
    ]
    assert (location(10002, 10002), location(20001, 20002)) == ("text p.1 l.2", "text p.2 l.1-2")


def test_a_pdf_without_a_text_layer_is_refused(tmp_path):
    write_pdf([[]], tmp_path / "scan.pdf")
    with pytest.raises(ValueError) as error:
        read_text(tmp_path / "scan.pdf")
    assert str(error.value) == (
        f"{tmp_path / 'scan.pdf'}: the PDF has no text layer (a scan?); give its text instead"
    )


@needs_paper
def test_the_pilot_as_a_pdf_drafts_the_same_ledger_as_its_text(pilot, tmp_path):
    # the manuscript's text set in 50-line pages: its printed line numbers locate the claims
    lines = PAPER.read_text("utf-8").splitlines()
    write_pdf([lines[i : i + 50] for i in range(0, len(lines), 50)], tmp_path / "paper.pdf")
    cohort = cohort_of("landon_cardinal_2022")
    analysis = cohort_analysis(CONFIG, cohort)
    frame = drafted(
        str(tmp_path / "paper.pdf"), cohort, analysis, drafting_settings(CONFIG, cohort)
    )
    pd.testing.assert_frame_equal(frame, pilot[0])
    assert len(frame) == 48


@pytest.mark.workflow
def test_a_text_given_on_the_command_line_that_is_not_there_stops_the_run():
    from workflow import snakemake

    # the settings are read and refused before any job is planned (nothing is written)
    run = snakemake(
        ROOT, "-n", "--config", "run={cohorts: [synthetic_rheumatoid], variants: [paper]}",
        "texts={synthetic_rheumatoid: papr.txt}",
    )  # fmt: skip
    assert run.returncode == 1
    assert run.stderr.strip().endswith(
        "Error: The text given for cohort 'synthetic_rheumatoid' on the command line (texts=) "
        "does not exist: papr.txt"
    )
