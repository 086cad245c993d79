"""A variant in words: what its analysis settings change from the cohort's default analysis,
one phrase per change, in the order of the settings."""

from __future__ import annotations

from clinrepro.base.study import (
    domain_label,
    domains,
    scale_for,
    short_name,
    test_for,
    unit,
    visit_label,
)
from clinrepro.base.terms import SUBGROUP_NAMES, SYMBOLS, TEST_NAMES, joined_words
from clinrepro.base.study import population_label

# the population role of every treated patient, as the analyses it is read in (a domain's
# role by its declared label)
COHORT_ROLE = {"cohort": "whole-cohort"}
# what becomes of a patient without a value at the response visit: as a verb, and as what
# it replaces
MISSING_RESPONSE_WORDS = {
    "exclude": ("are left out", "being left out"),
    "nonresponder": ("count as non-responders", "counting as non-responders"),
}
SCALE_WORDS = {"log": "on the log scale", "raw": "on the raw scale"}


def article(word: str) -> str:
    """'a CDASI', 'an MMT8', 'an increase': the article as the word is said (an
    abbreviation letter by letter)."""
    vowel_sounds = "AEFHILMNORSX" if word[:2].isupper() else "AEIOU"
    return "an" if word[:1].upper() in vowel_sounds else "a"


def role_name(role: str, analysis: dict) -> str:
    """'whole-cohort', 'cutaneous', 'combined': a population role as the analyses read in it."""
    return COHORT_ROLE.get(role) or domain_label(role, analysis)


def level_words(criterion: dict, cohort: dict, parameter_shown: bool = True) -> str:
    """'MMT8 ≤ 142 points', or without the measure ('< 150')."""
    words = f"{SYMBOLS[criterion['comparator']]} {criterion['threshold']:g}"
    if not parameter_shown:
        return words
    return f"{short_name(cohort, criterion['parameter'])} {words} {unit(cohort, criterion['parameter'])}"


def population_changes(analysis: dict, default: dict) -> list[str]:
    """'cutaneous, muscle and combined analyses in all treated patients, not only in those
    with active disease at baseline'."""
    changed = {
        role: flag
        for role, flag in analysis["populations"].items()
        if flag != default["populations"][role]
    }
    phrases = []
    for flag in dict.fromkeys(changed.values()):
        roles = [role for role, new in changed.items() if new == flag]
        names = joined_words([role_name(role, analysis) for role in roles])
        before = [default["populations"][role] for role in roles]
        if flag == "SAFFL" and "SAFFL" not in before:
            phrases.append(
                f"{names} analyses in all treated patients, not only in those with active "
                "disease at baseline"
            )
        else:
            olds = joined_words(list(dict.fromkeys(population_name(f, default) for f in before)))
            phrases.append(
                f"{names} analyses in {population_name(flag, analysis)} instead of {olds}"
            )
    return phrases


def population_name(flag: str, analysis: dict) -> str:
    """A population's name without its criterion: 'active muscle disease'."""
    return population_label(flag, analysis).split(" (")[0]


def active_changes(analysis: dict, default: dict, cohort: dict) -> list[str]:
    """'active muscle disease at MMT8 ≤ 142 points instead of < 150', and who without a
    baseline value counts as active."""
    phrases = []
    for role, criterion in analysis["active_disease"].items():
        before = default["active_disease"][role]
        active = domains(analysis)[role]["active"]
        main = ("parameter", "comparator", "threshold")
        if any(criterion[key] != before[key] for key in main):
            same = criterion["parameter"] == before["parameter"]
            phrases.append(
                f"{active} at {level_words(criterion, cohort)} instead of "
                f"{level_words(before, cohort, parameter_shown=not same)}"
            )
        otherwise, was = criterion.get("otherwise"), before.get("otherwise")
        if otherwise == was:
            continue
        without = f"patients without a baseline {short_name(cohort, criterion['parameter'])}"
        if otherwise is None:
            phrases.append(
                f"{without} count as not having {active} instead of when "
                f"{level_words(was, cohort)}"
            )
            continue
        phrase = f"{without} count as having {active} when {level_words(otherwise, cohort)}"
        phrases.append(phrase + (f" instead of {level_words(was, cohort)}" if was else ""))
    return phrases


def response_words(response: dict, cohort: dict) -> str:
    """'CDASI decrease ≥ 5 points', 'MMT8 increase ≥ 20%'."""
    size = f"{response['threshold']:g}" + (
        "%"
        if response["measure"] == "percent_change"
        else f" {unit(cohort, response['parameter'])}"
    )
    return f"{short_name(cohort, response['parameter'])} {response['direction']} ≥ {size}"


def response_changes(analysis: dict, default: dict, cohort: dict) -> list[str]:
    """'cutaneous response at a CDASI decrease ≥ 4 points instead of ≥ 5'."""
    phrases = []
    for role, response in analysis["response"].items():
        before = default["response"][role]
        kind = ("parameter", "measure", "direction")
        new_kind = any(response[key] != before[key] for key in kind)
        size = new_kind or response["threshold"] != before["threshold"]
        moved = response["visit"] != before["visit"]
        if not (size or moved):
            continue
        name = short_name(cohort, response["parameter"])
        label = domain_label(role, analysis)
        phrase = f"{label} response at {article(name)} {response_words(response, cohort)}"
        was = []
        if new_kind:
            was.append(response_words(before, cohort))
        elif size:
            percent = "%" if before["measure"] == "percent_change" else ""
            was.append(f"≥ {before['threshold']:g}{percent}")
        if moved:
            phrase += f" at {visit_label(cohort, response['visit'])}"
            was.append(f"at {visit_label(cohort, before['visit'])}")
        phrases.append(f"{phrase} instead of {' '.join(was)}")
    return phrases


def per_measure_changes(analysis: dict, default: dict, cohort: dict, choice, words) -> list[str]:
    """The measures whose choice (test, scale) differs from the default's, grouped by the
    old and new choice, each group in `words(new, old, measures)`."""
    codes = list(cohort["measures"])
    groups: dict[tuple, list[str]] = {}
    for code in codes:
        new, old = choice(analysis, code), choice(default, code)
        if new != old:
            groups.setdefault((new, old), []).append(code)
    return [
        words(
            new,
            old,
            (
                "every measure"
                if len(measures) == len(codes)
                else joined_words([short_name(cohort, code) for code in measures])
            ),
        )
        for (new, old), measures in groups.items()
    ]


def marker_changes(analysis: dict, default: dict, cohort: dict) -> list[str]:
    """The thresholds of marker discordance (a marker rising while the measure it tracks
    does not worsen)."""
    markers = [code for code, measure in cohort["measures"].items() if "tracks" in measure]
    marker = joined_words([short_name(cohort, code) for code in markers]) or "a marker"
    tracked = (
        joined_words([short_name(cohort, cohort["measures"][code]["tracks"]) for code in markers])
        or "the measure it tracks"
    )
    phrases = []
    ratio, was = analysis["marker_rise_ratio"], default["marker_rise_ratio"]
    if ratio != was:
        phrases.append(
            f"{marker} counts as worsened at a {ratio:g}-fold rise instead of {was:g}-fold"
        )
    tolerated, before = analysis["tracked_worsening_pct"], default["tracked_worsening_pct"]
    if tolerated != before:
        phrases.append(
            f"{tracked} counts as not worsened after a move against its improvement of up to "
            f"{tolerated:g}% of baseline instead of {before:g}%"
        )
    return phrases


def other_changes(analysis: dict, default: dict) -> list[str]:
    """Missing responses, the confidence level and the subgroups."""
    phrases = []
    missing, was = analysis["missing_response"], default["missing_response"]
    if missing != was:
        phrases.append(
            f"patients without a value at the response visit {MISSING_RESPONSE_WORDS[missing][0]} "
            f"instead of {MISSING_RESPONSE_WORDS[was][1]}"
        )
    level, before = analysis["confidence_level"], default["confidence_level"]
    if level != before:
        phrases.append(f"{level:.0%} confidence intervals instead of {before:.0%}")
    groups, before_groups = analysis["subgroups"], default["subgroups"]
    if groups != before_groups:
        names = [
            joined_words([SUBGROUP_NAMES.get(g, g) for g in s]) or "none"
            for s in (groups, before_groups)
        ]
        phrases.append(f"subgroups by {names[0]} instead of {names[1]}")
    return phrases


def settings_changes(analysis: dict, default: dict, cohort: dict) -> list[str]:
    """What a variant's analysis settings change from the cohort's default analysis, one
    phrase per change, in the order of the settings."""
    return [
        *population_changes(analysis, default),
        *active_changes(analysis, default, cohort),
        *response_changes(analysis, default, cohort),
        *per_measure_changes(
            analysis, default, cohort, test_for,
            lambda new, old, measures: f"{TEST_NAMES[new]} instead of the {TEST_NAMES[old]} for {measures}",
        ),
        *per_measure_changes(
            analysis, default, cohort, scale_for,
            lambda new, old, measures: f"{measures} tested {SCALE_WORDS[new]}",
        ),
        *marker_changes(analysis, default, cohort),
        *other_changes(analysis, default),
    ]  # fmt: skip


def variant_description(analysis: dict, default: dict, cohort: dict) -> str:
    """A variant in words, by what it changes from the cohort's default analysis."""
    changes = settings_changes(analysis, default, cohort)
    return "; ".join(changes) if changes else "none: the cohort's default analysis"
