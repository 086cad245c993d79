"""Controlled terminology and the words the workflow uses for people.

Plain data, no heavy imports: every stage may use it.
"""

from __future__ import annotations

# The controlled vocabularies are data: config/vocabularies.yaml (clinrepro.base.vocabularies);
# the populations' words come from the settings' domains (clinrepro.base.study).


def joined_words(words: list[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (or another conjunction: 'a, b or c')."""
    last = f" {conjunction} "
    return last.join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


SYMBOLS = {">=": "≥", "<=": "≤", "<": "<", ">": ">"}
# ADSL's characteristics of a patient that an eligibility criterion may name (cohort
# settings eligibility:): numbers with their meaning, and codes with the vocabulary of the
# cohort's settings that gives them
NUMERIC_CHARACTERISTICS = {
    "AGE": "age at inclusion (years)",
    "DISDUR": "disease duration (years)",
    "NPRIOR": "number of distinct previous treatments",
}
CODED_CHARACTERISTICS = {"SEX": "sex", "ABTYPE": "antibody"}
# ADSL columns a subgroup analysis splits by, in words
SUBGROUP_NAMES = {"TRTMOL": "molecule", "TRT01A": "dose", "ABTYPE": "antibody", "SEX": "sex"}
TEST_NAMES = {
    "paired_t": "paired t-test",
    "wilcoxon_signed_rank": "Wilcoxon signed-rank test",
    "paired_t_log": "paired t-test on the log scale",
    "clopper_pearson": "exact (Clopper-Pearson) CI",
}


# the checks of a claim from the printed numbers alone (summary_checks.csv `check`), in words
CHECK_NAMES = {
    "at_most": "at most",
    "difference": "difference of two printed numbers",
    "sum": "sum of printed numbers",
    "percent": "percentage of its printed count",
    "percent_change": "percent change between two printed means",
    "welch_p": "Welch test from the printed means, SDs and n",
    "paired_p": "paired t-test from the printed means, SDs and n",
}


def shown(text: str) -> str:
    """Text for people: comparison signs as printed."""
    return text.replace(">=", "≥").replace("<=", "≤")


def probability_text(value: float | None) -> str:
    """A probability (power) as people read it: '0.35', '0.995', '> 0.999', '< 0.001'; light
    (no numpy), so that the power step, which never imports pandas, can print it too."""
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return ""
    if not 0.001 <= value <= 0.999:
        return "> 0.999" if value > 0.999 else "< 0.001"
    return f"{value:.{2 if 0.01 <= value <= 0.99 else 3}f}"
