"""Sensitivity: every variant's answers side by side, and which conclusions survive them.

Estimates per variant: each response rate with its exact CI, and the change of each
response parameter estimated as the variant's primary test estimates it (the mean with its
t-interval, the Hodges-Lehmann median with its signed-rank interval, or the geometric mean
ratio with the exp of the t-interval of the logs), beside that test's p-value.

Each variant is described in words by what its settings change from the cohort's default
analysis, with the patients whose population membership or responder status it changes
against the reference variant (the one with the default analysis).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd

from clinrepro.presentation import pages
from clinrepro.presentation import style
from clinrepro.statistics.ard import read_ard, value as result
from clinrepro.adam.endpoints import read_adeff
from clinrepro.presentation.figures import forest, p_words, patient_list
from clinrepro.base.files import read_table, write_tables
from clinrepro.presentation.words import p_text, population_label
from clinrepro.base.study import (
    criterion_text,
    has_ledger,
    primary_method,
    scale_for,
    short_name,
    test_for,
    unit,
    visit_label,
)
from clinrepro.presentation.tables import claim_p_text
from clinrepro.base.terms import (
    POPULATION_FLAGS,
    SUBGROUP_NAMES,
    SYMBOLS,
    TEST_NAMES,
    joined_words,
    shown,
)

logger = logging.getLogger(__name__)
# the ARD statistics (estimate, interval) of the change that each primary method gives, the
# estimator in words and its mark on the figure; the t-test's mean never stands beside a rank
# test's p-value
CHANGE_ESTIMATES = {
    "paired_t": (("mean_change", "ci_lower", "ci_upper"), "mean"),
    "wilcoxon_signed_rank": (
        ("hl_estimate", "hl_ci_lower", "hl_ci_upper"),
        "Hodges-Lehmann median",
    ),
    "paired_t_log": (("gmr", "ci_lower", "ci_upper"), "geometric mean ratio"),
}
MARKS = {"Hodges-Lehmann median": "HL", "geometric mean ratio": "GMR"}


def change_label(parameter: str, method: str, visit: str, cohort: dict) -> str:
    """'CDASI change at M3, points', or 'CK ratio at M3, follow-up / baseline' (log scale)."""
    if method == "paired_t_log":
        return f"{parameter} ratio at {visit_label(cohort, visit)}, follow-up / baseline"
    return f"{parameter} change at {visit_label(cohort, visit)}, {cohort['measures'][parameter]['unit']}"


def estimates(ard: pd.DataFrame, analysis: dict, cohort: dict) -> list[dict]:
    """The headline estimates of one variant, from its ARD: every response rate, and the
    change of every response measure as its primary test estimates it."""
    rows = []
    for role in analysis["response"]:
        response = analysis["response"][role]
        flag = analysis["populations"][role]
        key = dict(
            analysis="response",
            population=flag,
            parameter=response["parameter"],
            visit=response["visit"],
        )
        key["method"] = "clopper_pearson"
        rows.append(
            {
                "estimate": f"{role} response rate, % ({shown(criterion_text(response, cohort))})",
                "estimator": "proportion",
                "population": flag,
                "n": result(ard, **key, statistic="n_evaluable"),
                "value": result(ard, **key, statistic="pct"),
                "ci_lower": result(ard, **key, statistic="ci_lower"),
                "ci_upper": result(ard, **key, statistic="ci_upper"),
                "p_value": float("nan"),
                "test": TEST_NAMES["clopper_pearson"],
            }
        )
    for role in analysis["response"]:
        response = analysis["response"][role]
        parameter, flag = response["parameter"], analysis["populations"][role]
        key = dict(
            analysis="paired_test", population=flag, parameter=parameter, visit=response["visit"]
        )
        method = primary_method(analysis, parameter)
        statistics, estimator = CHANGE_ESTIMATES[method]
        value, lower, upper = (result(ard, **key, method=method, statistic=s) for s in statistics)
        rows.append(
            {
                "estimate": change_label(parameter, method, response["visit"], cohort),
                "estimator": estimator,
                "population": flag,
                "n": result(ard, **key, method=method, statistic="n_pairs"),
                "value": value,
                "ci_lower": lower,
                "ci_upper": upper,
                "p_value": result(ard, **key, method=method, statistic="p_value"),
                "test": TEST_NAMES[method],
            }
        )
    return rows


def sensitivity_table(
    ards: dict[str, pd.DataFrame], analyses: dict[str, dict], cohort: dict
) -> pd.DataFrame:
    """One row per variant and estimate."""
    rows = [
        {"variant": variant, **row}
        for variant, ard in ards.items()
        for row in estimates(ard, analyses[variant], cohort)
    ]
    return pd.DataFrame(rows)


def status_cell(claim: pd.Series) -> str:
    """A claim's status and recomputed value in conclusions.csv: 'mismatch (0.0298)'."""
    if pd.isna(claim["recomputed"]):
        return claim["status"]
    return f"{claim['status']} ({claim['recomputed']:.3g})"


def status_words(claim: pd.Series) -> str:
    """A claim's status and recomputed value for reading: 'match (< 0.0001)',
    'mismatch (92.9%)', 'not computable'."""
    status = claim["status"].replace("_", " ")
    if pd.isna(claim["recomputed"]):
        return status
    value = claim["recomputed"]
    if claim["unit"] == "p":
        return f"{status} ({claim_p_text(value, claim['precision'])})"
    return f"{status} ({value:.3g}{'%' if claim['unit'] == '%' else ''})"


def conclusions_table(
    claims: dict[str, pd.DataFrame], claim_ids: list[str], cell=status_cell
) -> pd.DataFrame:
    """For each of the cohort's key claims, where it is printed (its source), its status and
    recomputed value under every variant (`cell` writes them), and how many variants it
    holds under."""
    if not claim_ids:
        return pd.DataFrame(
            columns=["claim", "source", "description", "reported", *claims, "holds under"]
        )
    first = next(iter(claims.values())).set_index("claim_id")
    table = pd.DataFrame(
        {
            "claim": claim_ids,
            "source": [first.at[c, "source"] for c in claim_ids],
            "description": [shown(first.at[c, "description"]) for c in claim_ids],
            "reported": [first.at[c, "reported"] for c in claim_ids],
        }
    )
    for variant, frame in claims.items():
        frame = frame.set_index("claim_id")
        table[variant] = [cell(frame.loc[c]) for c in claim_ids]
    survives = [
        sum(claims[v].set_index("claim_id").at[c, "status"] == "match" for v in claims)
        for c in claim_ids
    ]
    table["holds under"] = [f"{n} of {len(claims)} variants" for n in survives]
    return table


def claim_counts(claims: pd.DataFrame) -> str:
    """How a variant's claims fare, per source: 'paper: 13 match, 6 do not, 25 not
    computable; news: 10 match'."""
    if claims.empty:
        return "no claims"
    parts = []
    for source, part in claims.groupby("source", sort=False):
        counts = part["status"].value_counts()
        words = [f"{int(counts.get('match', 0))} match"]
        words += [
            f"{int(counts[status])} {what}"
            for status, what in (("mismatch", "do not"), ("not_computable", "not computable"))
            if counts.get(status, 0)
        ]
        parts.append(f"{source}: {', '.join(words)}")
    return "; ".join(parts)


def draw(
    table: pd.DataFrame, dpi: int, paths: dict[str, str], synthetic: bool, level: float
) -> str:
    """Forest plot: one panel per estimate, one row per variant; returns its caption."""
    names = list(dict.fromkeys(table["estimate"].str.replace(r" \(.*\)", "", regex=True)))
    rows_per_panel = 1.0 + 0.4 * table["variant"].nunique()
    columns = 2
    grid_rows = -(-len(names) // columns)
    figure, axes = style.new_figure(
        10.0, rows_per_panel * grid_rows, columns=columns, rows=grid_rows
    )
    for ax, name in zip(axes, names):
        part = table[table["estimate"].str.startswith(name)]
        rows = part.rename(columns={"variant": "label"}).reset_index(drop=True)
        rows["annotation"] = [
            (f"{MARKS[estimator]}, " if estimator in MARKS else "")
            + f"n = {n:.0f}"
            + ("" if pd.isna(p) else f", {p_words(p)}")
            for estimator, n, p in zip(rows["estimator"], rows["n"], rows["p_value"])
        ]
        reference = None if "rate" in name else (1 if "ratio" in name else 0)
        forest(ax, rows, name, reference=reference)
        ax.set_title(name, fontsize=9)
    figure.subplots_adjust(wspace=0.95, hspace=0.7)
    style.footnote(
        figure,
        f"Each row a variant (config/config.yaml); squares: estimate (a mean change unless marked "
        f"HL, the Hodges-Lehmann median, or GMR, the geometric mean ratio), lines: {level:.0%} "
        "interval; p from the variant's test.",
    )
    if synthetic:
        style.mark_synthetic(figure)
    style.save(figure, paths, dpi)
    return (
        f"Estimate and {level:.0%} interval per variant: response rates (exact Clopper-Pearson); "
        "changes as each variant's test estimates them: the mean (t-interval), the Hodges-Lehmann "
        "median (signed-rank interval) under the rank test, or, on the log scale, the geometric "
        "mean ratio of follow-up to baseline; p from that test of the change from baseline to the "
        "response visit."
    )


# --- what each variant changes, in words, from the settings ------------------------------

# the population roles of the settings, as the analyses they are read in
ROLE_NAMES = {"cohort": "whole-cohort", "both": "combined"}
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
        names = joined_words([ROLE_NAMES.get(role, role) for role in roles])
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
        main = ("parameter", "comparator", "threshold")
        if any(criterion[key] != before[key] for key in main):
            same = criterion["parameter"] == before["parameter"]
            phrases.append(
                f"active {role} disease at {level_words(criterion, cohort)} instead of "
                f"{level_words(before, cohort, parameter_shown=not same)}"
            )
        otherwise, was = criterion.get("otherwise"), before.get("otherwise")
        if otherwise == was:
            continue
        without = f"patients without a baseline {short_name(cohort, criterion['parameter'])}"
        if otherwise is None:
            phrases.append(
                f"{without} count as not having active {role} disease instead of when "
                f"{level_words(was, cohort)}"
            )
            continue
        phrase = (
            f"{without} count as having active {role} disease when {level_words(otherwise, cohort)}"
        )
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
        phrase = f"{role} response at {article(name)} {response_words(response, cohort)}"
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


# --- which patients' results a variant changes --------------------------------------------

RESPONSE_STATUS = {"Y": "responder", "N": "non-responder", "": "not evaluable"}
ADSL_READ = ("SUBJID", *POPULATION_FLAGS)
ADEFF_READ = ("SUBJID", "PARAMCD", "AVISIT", "CRIT1FL")


@dataclass
class Patients:
    """A variant's patient-level results: population flags (ADSL) and responder flags at
    the response visit (ADEFF), with its analysis settings."""

    adsl: pd.DataFrame
    adeff: pd.DataFrame
    analysis: dict


def read_patients(adsl: str, adeff: str, analysis: dict) -> Patients:
    """The columns of a variant's ADSL and ADEFF that say who is in which population and
    who responded."""
    flags = read_table(adsl, text_columns=("SUBJID",), columns=lambda c: c in ADSL_READ)
    return Patients(flags, read_adeff(adeff, columns=ADEFF_READ), analysis)


def members(patients: Patients, role: str) -> pd.Index:
    """The patients in a role's population, in ADSL's order."""
    flag = patients.analysis["populations"][role]
    adsl = patients.adsl
    return pd.Index(adsl.loc[(adsl[flag] == "Y").to_numpy(), "SUBJID"].astype(str))


def responder_status(patients: Patients, role: str) -> pd.Series:
    """Each patient's responder flag ('Y', 'N', '' not evaluable) for a role's criterion at
    its response visit."""
    response = patients.analysis["response"][role]
    adeff = patients.adeff
    rows = adeff[
        (adeff["PARAMCD"] == response["parameter"]) & (adeff["AVISIT"] == response["visit"])
    ]
    status = rows["CRIT1FL"].astype(object).fillna("").to_numpy()
    return pd.Series(status, index=rows["SUBJID"].astype(str).to_numpy())


def membership_changes(reference: Patients, variant: Patients) -> list[str]:
    """'removes patients 1, 5 and 11 from active muscle disease', per population role."""
    phrases = []
    for role in variant.analysis["populations"]:
        before, after = members(reference, role), members(variant, role)
        flags = (reference.analysis["populations"][role], variant.analysis["populations"][role])
        name = (
            population_name(flags[1], variant.analysis)
            if flags[0] == flags[1]
            else f"the {ROLE_NAMES.get(role, role)} analyses"
        )
        joined, left = after.difference(before, sort=False), before.difference(after, sort=False)
        if len(joined):
            phrases.append(f"adds {patient_list(list(joined))} to {name}")
        if len(left):
            phrases.append(f"removes {patient_list(list(left))} from {name}")
    return phrases


def status_words_of(status: str, many: bool, role: str = "") -> str:
    """'a muscle non-responder', 'cutaneous responders', 'a responder', 'not evaluable'."""
    if not status:
        return "not evaluable" + (f" for the {role} response" if role else "")
    words = f"{role} {RESPONSE_STATUS[status]}".strip() + ("s" if many else "")
    return words if many else f"{article(words)} {words}"


def responder_changes(reference: Patients, variant: Patients) -> list[str]:
    """'patient 11 counts as a muscle non-responder instead of not evaluable': the patients of
    a role's population under both variants whose responder status differs."""
    phrases = []
    for role in variant.analysis["response"]:
        both = members(reference, role).intersection(members(variant, role), sort=False)
        before = responder_status(reference, role).reindex(both).fillna("")
        after = responder_status(variant, role).reindex(both).fillna("")
        differ = (before != after).to_numpy()
        moves = pd.DataFrame({"old": before[differ], "new": after[differ]})
        for (old, new), part in moves.groupby(["old", "new"], sort=False):
            many = len(part) > 1
            phrases.append(
                f"{patient_list(list(part.index))} {'count' if many else 'counts'} as "
                f"{status_words_of(new, many, role)} instead of {status_words_of(old, many)}"
            )
    return phrases


def patient_changes(reference: Patients, variant: Patients) -> str:
    """Which patients' results a variant changes against the reference variant: population
    membership and responder status, or that it changes none."""
    changes = membership_changes(reference, variant) + responder_changes(reference, variant)
    return "; ".join(changes) if changes else "changes no patient's result"


def reference_variant(variants: list[str], overrides: dict) -> str:
    """The variant the others are described against and compared with: the first that
    overrides nothing, whose settings are the cohort's default analysis (on the pilot
    `paper`), else the first built."""
    return next((v for v in variants if not overrides.get(v)), variants[0])


def variants_table(
    variants: list[str],
    analyses: dict,
    reference: str,
    cohort: dict,
    patients: dict[str, Patients],
    claims: dict[str, pd.DataFrame],
    default: bool = True,
) -> pd.DataFrame:
    """One row a variant, for reading: what it changes from the reference variant's
    settings (the cohort's `default` analysis, or not), whose results it changes against
    the reference, and how its claims fare."""
    baseline = "the cohort's default analysis" if default else reference
    return pd.DataFrame(
        {
            "variant": variants,
            f"what it changes from {baseline}": [
                (
                    "the reference: every other variant is described against it"
                    if v == reference and not default
                    else variant_description(analyses[v], analyses[reference], cohort)
                )
                for v in variants
            ],
            f"whose result it changes, against {reference}": [
                (
                    "the reference"
                    if v == reference
                    else patient_changes(patients[reference], patients[v])
                )
                for v in variants
            ],
            "claims, per source": [claim_counts(claims[v]) for v in variants],
        }
    )


def estimates_for_reading(table: pd.DataFrame, analyses: dict) -> pd.DataFrame:
    """The estimates per variant for a person: populations in words, p-values as printed."""
    number = lambda v: "" if pd.isna(v) else f"{v:.3g}"  # noqa: E731
    return pd.DataFrame(
        {
            "variant": table["variant"],
            "estimate": table["estimate"],
            "estimator": table["estimator"],
            "population": [
                population_label(flag, analyses[v])
                for v, flag in zip(table["variant"], table["population"])
            ],
            "n": table["n"].map(number),
            "value": table["value"].map(number),
            "interval": [
                "" if pd.isna(low) else f"{number(low)} to {number(high)}"
                for low, high in zip(table["ci_lower"], table["ci_upper"])
            ],
            "p": table["p_value"].map(lambda p: "" if pd.isna(p) else p_text(p)),
            "test": table["test"],
        }
    )


def run(
    inputs: dict,
    variants: list[str],
    analyses: dict,
    overrides: dict,
    cohort: dict,
    dpi: int,
    template: str,
    outputs: dict,
) -> None:
    """Put the variants of one cohort side by side: tables, figure and an HTML page.

    `inputs` holds each variant's ARD and claims (`<variant>_ard`, `<variant>_claims`) and
    the lists of their ADSL and ADEFF (`adsl`, `adeff`) in the order of `variants`;
    `overrides` are the variants' own settings (config `variants:`). Each variant is
    described by what it changes from the first that overrides nothing (the cohort's default
    analysis), and compared with it patient by patient.
    """
    ards = {v: read_ard(inputs[f"{v}_ard"]) for v in variants}
    claims = {
        v: read_table(inputs[f"{v}_claims"], text_columns=("claim_id", "reported"))
        for v in variants
    }
    reference = reference_variant(variants, overrides)
    # a single variant is compared with nothing: its datasets are not read
    datasets = zip(variants, inputs["adsl"], inputs["adeff"]) if len(variants) > 1 else []
    patients = {v: read_patients(adsl, adeff, analyses[v]) for v, adsl, adeff in datasets}
    table = sensitivity_table(ards, analyses, cohort)
    key_claims = cohort.get("key_claims") or []
    conclusions = conclusions_table(claims, key_claims)
    write_tables({outputs["csv"]: table, outputs["conclusions"]: conclusions})
    level = analyses[variants[0]]["confidence_level"]
    caption = draw(
        table, dpi, {"png": outputs["png"], "svg": outputs["svg"]}, cohort["synthetic"], level
    )
    uri, width, height = pages.png_uri(outputs["png"])
    readable_conclusions = conclusions_table(claims, key_claims, cell=status_words).drop(
        columns="claim"
    )
    html = pages.render(
        template,
        cohort=cohort,
        estimates=pages.html_table(estimates_for_reading(table, analyses)),
        conclusions=pages.html_table(readable_conclusions),
        figure={"uri": uri, "width": width // 2, "height": height // 2, "caption": caption},
        variants=pages.html_table(
            variants_table(
                variants,
                analyses,
                reference,
                cohort,
                patients,
                claims,
                default=not overrides.get(reference),
            )
        ),
        reference=reference,
        has_ledger=has_ledger(cohort),
    )
    pages.write_text(outputs["html"], html)
    logger.info("%d variants side by side, compared with %s", len(variants), reference)
