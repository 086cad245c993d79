"""The reader layer of the report: words for people, written from the results and settings.

A plain-language summary, the inventory of p-values shown, readable population labels and
sensible printed precision (the limitations: clinrepro.presentation.limitations). Every sentence is built from the cohort's settings,
the analysis settings in force and the analysis results; nothing names a study.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from clinrepro.statistics.ard import select
from clinrepro.presentation.clinical import (
    carried_words,
    pairs_of,
    places,
    response_carried_words,
    signed,
)
from clinrepro.base.printed import fixed, round_half_up
from clinrepro.base.study import (
    design_words,
    measure_label,
    measured_visits,
    primary_role,
    short_name,
    test_for,
    unit,
    visit_label,
)
from clinrepro.base.study import visits as study_visits
from clinrepro.base.study import SAFETY_FLAG, SAFETY_WORDS, population_flags, population_label
from clinrepro.base.terms import SUBGROUP_NAMES, TEST_NAMES, joined_words

# the role of a change's test at the response visit of a response measure: the outcome is
# the response rate, so the mean change's test supports it and is not it
RANKS = {True: "supports the main outcome", False: "supports a secondary outcome"}


def p_text(p: float) -> str:
    """A p-value as printed: '< 0.001', '0.026', '0.28', '> 0.999'."""
    if p is None or not np.isfinite(p):
        return "no test"
    if p < 0.001:
        return "< 0.001"
    if p > 0.999:
        return "> 0.999"
    return str(round_half_up(p, 3 if p < 0.1 else 2))


def p_phrase(p: float) -> str:
    """'p < 0.001', 'p = 0.03'."""
    text = p_text(p)
    return f"p {text}" if text[0] in "<>" else f"p = {text}" if text != "no test" else text


def percent_text(value: float) -> str:
    """A percentage with one decimal, rounded half up as tables print: 12.5%, 92.9%."""
    return f"{round_half_up(value, 1)}%"


def claim_p_text(p: float, precision: int) -> str:
    """A claim's p-value for reading: as the report prints p ('< 0.001', '0.030'), finer
    where the claim is printed finer (precision 4: '< 0.0001', or 0.000122 as '0.00012')."""
    places = int(precision) if pd.notna(precision) else 0
    if p >= 0.001 or places <= 3:
        return p_text(p)
    if p < 10.0**-places:
        return f"< {10.0**-places:.{places}f}"
    return np.format_float_positional(p, precision=2, unique=False, fractional=False)


def other_tests_words(text: str, precision: int) -> str:
    """A claim's other tests ('wilcoxon_signed_rank: 0.078125; paired_t_log: 0.059995') for
    reading: 'Wilcoxon signed-rank test: p = 0.078; paired t-test on the log scale:
    p = 0.060', at the claim's precision."""
    parts = []
    for part in filter(None, (piece.strip() for piece in text.split(";"))):
        method, _, value = part.partition(": ")
        try:
            words = claim_p_text(float(value), precision)
        except ValueError:
            parts.append(part)
            continue
        parts.append(
            f"{TEST_NAMES.get(method, method)}: p {words if words[0] in '<>' else '= ' + words}"
        )
    return "; ".join(parts)


# the verdicts as a reader counts them, in groups: the first screen's bottom line
# (first_screen.verdict_words) and the page of variants side by side
VERDICT_GROUPS = {
    "exact or within rounding": ("exact", "within rounding"),
    "only on our reading": ("reading-dependent",),
    "approximate or under a population or test not stated": (
        "approximate",
        "population or test not stated",
    ),
    "beyond the per-patient data": ("not computable", "consistent with reported numbers"),
    "inconsistent": ("inconsistent",),
}


def grouped_verdicts(verdicts: pd.Series) -> str:
    """'8 exact or within rounding, 5 only on our reading, 25 beyond the per-patient data,
    none inconsistent': each group with a claim, and always the inconsistent."""
    counts = verdicts.value_counts()
    words = []
    for group, members in VERDICT_GROUPS.items():
        n = int(sum(counts.get(v, 0) for v in members))
        if n or group == "inconsistent":
            words.append(f"{n or 'none'} {group}")
    return ", ".join(words)


# ADSL characteristics as an eligibility definition names them, in words
CHARACTERISTIC_WORDS = {
    "AGE - DISDUR": "age minus disease duration",
    "AGE": "age",
    "DISDUR": "disease duration",
    "NPRIOR": "number of previous treatments",
    "ABTYPE": "antibody",
}


def readable(text: str, analysis: dict, cohort: dict | None = None) -> str:
    """A text of the CSV files for people: population flags and their words replaced by
    the readable label ('patients with active muscle disease at baseline (ACTMUSFL)' ->
    'active muscle disease (MMT8 < 150)'); with the cohort's settings, visit and measure
    codes by their names ('at W24' -> 'at week 24', 'IFNA' -> 'IFN-α')."""
    for flag, words in population_flags(analysis).items():
        label = population_label(flag, analysis)
        text = text.replace(f"{words} ({flag})", label)
        text = text.replace(f"the population ({flag})", f"the population ({label})")
        text = text.replace(flag, label)
    return characteristic_words(named_codes(text, cohort) if cohort else text)


def named_codes(text: str, cohort: dict) -> str:
    """Visit and measure codes replaced by the names the settings give them, where the
    name does not already hold the code (M0 stays: its label is 'M0 (baseline)')."""
    names = {code: m.get("short", code) for code, m in cohort["measures"].items()}
    names |= {v["code"]: v.get("label", v["code"]) for v in cohort["visits"]}
    for code, name in names.items():
        if not re.search(rf"\b{re.escape(code)}\b", name):
            text = re.sub(rf"(?<![\w'-]){re.escape(code)}(?![\w'-])", name, text)
    return text


def characteristic_words(text: str) -> str:
    """ADSL characteristics named in words: 'AGE - DISDUR >= 18' -> 'age minus disease
    duration >= 18'."""
    for code, words in CHARACTERISTIC_WORDS.items():
        text = re.sub(rf"\b{code}\b", words, text)
    return text


def number(value: float, digits: int = 1) -> str:
    return "" if value is None or not np.isfinite(value) else f"{value:.{digits}f}"


def role_of(parameter: str, analysis: dict) -> str | None:
    """The response role whose criterion is on this measure."""
    return next((r for r, c in analysis["response"].items() if c["parameter"] == parameter), None)


def measure_population(parameter: str, analysis: dict) -> str:
    """The population a measure's change is read in: its response role's, else everyone."""
    role = role_of(parameter, analysis)
    return analysis["populations"].get(role, "SAFFL") if role else analysis["populations"]["cohort"]


def values(ard: pd.DataFrame, **key) -> dict[str, float]:
    found = select(ard, {"category": "", **key})
    return dict(zip(found["statistic"], found["value"].astype(float)))


def change_rows(ard: pd.DataFrame, analysis: dict, cohort: dict) -> list[dict]:
    """Every change from baseline the report shows with a p-value: each measure at each
    follow-up visit with paired data, in its own population, by the variant's test; and
    beside it, where the ARD has them, the log-scale test (geometric mean ratio)."""
    rows = []
    visits = [v["code"] for v in cohort["visits"][1:] if not v.get("reported_only")]
    primary = primary_role(analysis)
    for code in cohort["measures"]:
        flag = measure_population(code, analysis)
        test = test_for(analysis, code)
        role = role_of(code, analysis)
        for visit in visits:
            found = values(ard, analysis="paired_test", population=flag, parameter=code,
                           visit=visit, method=test)  # fmt: skip
            if not found.get("n_pairs"):
                continue
            criterion = analysis["response"].get(role or "", {})
            at_response = bool(criterion) and criterion.get("visit") == visit
            rank = "exploratory"
            if at_response:  # the outcome is the response rate; its measure's test supports it
                rank = RANKS[role == primary]
            estimate = found.get("mean_change", np.nan)
            low, high = found.get("ci_lower", np.nan), found.get("ci_upper", np.nan)
            if test == "wilcoxon_signed_rank":
                estimate = found.get("hl_estimate", found.get("median_change", np.nan))
                low, high = found.get("hl_ci_lower", np.nan), found.get("hl_ci_upper", np.nan)
            log = values(ard, analysis="paired_test", population=flag, parameter=code,
                         visit=visit, method="paired_t_log")  # fmt: skip
            rows.append(
                {
                    "measure": code,
                    "label": short_name(cohort, code),
                    "unit": unit(cohort, code),
                    "visit": visit,
                    "visit_label": visit_label(cohort, visit),
                    "places": places(cohort, code),
                    "flag": flag,
                    "population": population_label(flag, analysis),
                    "n": int(found["n_pairs"]),
                    "estimate": estimate,
                    "ci": (low, high),
                    "test": TEST_NAMES[test],
                    "method": test,
                    "p": found.get("p_value", np.nan),
                    "rank": rank,
                    "gmr": log.get("gmr", np.nan),
                    "gmr_ci": (log.get("ci_lower", np.nan), log.get("ci_upper", np.nan)),
                    "p_log": log.get("p_value", np.nan),
                }
            )
    return rows


def change_table(rows: list[dict], analysis: dict) -> pd.DataFrame:
    """The change-from-baseline table of the report."""
    level = f"{analysis['confidence_level']:.0%}"
    table = []
    for row in rows:
        low, high = row["ci"]
        what = "median (Hodges-Lehmann)" if "Wilcoxon" in row["test"] else "mean"
        decimals = row["places"]
        entry = {
            "measure": f"{row['label']} ({row['unit']})",
            "visit": row["visit_label"],
            "population": row["population"],
            "pairs": row["n"],
            "change": f"{signed(row['estimate'], decimals)} ({what})",
            f"{level} CI": (
                f"{signed(low, decimals)} to {signed(high, decimals)}" if np.isfinite(low) else ""
            ),
            "p": f"{p_text(row['p'])} ({row['test']})",
            "log scale": "",
            "role": row["rank"],
        }
        if np.isfinite(row["gmr"]):
            gl, gh = row["gmr_ci"]
            entry["log scale"] = (
                f"ratio {fixed(row['gmr'], 2)} ({level} CI {fixed(gl, 2)} to {fixed(gh, 2)}), "
                f"{p_phrase(row['p_log'])}"
            )
        table.append(entry)
    return pd.DataFrame(table)


def response_words(ard: pd.DataFrame, analysis: dict, cohort: dict, role: str) -> str:
    criterion = analysis["response"][role]
    flag = analysis["populations"][role]
    found = values(ard, analysis="response", population=flag, parameter=criterion["parameter"],
                   visit=criterion["visit"], method="clopper_pearson")  # fmt: skip
    if not found.get("n_evaluable"):
        return ""
    level = f"{analysis['confidence_level']:.0%}"
    pct, low, high = (percent_text(found[k]) for k in ("pct", "ci_lower", "ci_upper"))
    size = f"{criterion['threshold']:g}" + (
        "%"
        if criterion["measure"] == "percent_change"
        else f" {unit(cohort, criterion['parameter'])}"
    )
    evaluable = int(found["n_evaluable"])
    size_of = values(ard, analysis="categorical", population="SAFFL", parameter=flag,
                     category="Y", statistic="n")  # fmt: skip
    of_all = int(size_of.get("n", evaluable))
    who = (
        SAFETY_WORDS if flag == SAFETY_FLAG else f"patients with {population_label(flag, analysis)}"
    )
    if of_all > evaluable:  # the others left out, without the values to judge it
        who = f"evaluable of the {of_all} {who}"
    return (
        f"{int(found['n_responders'])} of {evaluable} {who} "
        f"{'gained' if criterion['direction'] == 'increase' else 'fell by'} "
        f"at least {size} on the {measure_label(cohort, criterion['parameter'])} by "
        f"{visit_label(cohort, criterion['visit'])} ({pct}, {level} CI {low} to {high})"
    )


def change_words(row: dict, analysis: dict, carried: str = "") -> str:
    """'the mean CDASI fell by 13.7 points (CI 9.5 to 17.9; p < 0.001, paired t-test,
    14 patients)', and, where one patient carries it, who (`carried`, clinical.carried_words)."""
    low, high = row["ci"]
    level = f"{analysis['confidence_level']:.0%}"
    what = "median" if "Wilcoxon" in row["test"] else "mean"
    moved = "rose" if row["estimate"] > 0 else "fell" if row["estimate"] < 0 else "did not move"
    if row["estimate"] < 0:  # a fall, and its interval, as positive amounts
        low, high = -high, -low
    decimals = row["places"]
    return (
        f"the {what} {row['label']} {moved} by {fixed(abs(row['estimate']), decimals)} "
        f"{row['unit']} ({level} CI {fixed(low, decimals, '')} to {fixed(high, decimals, '')}; "
        f"{p_phrase(row['p'])}, {row['test']}, {row['n']} patients){carried}"
    )


def other_tests_disagree(ard: pd.DataFrame, row: dict, analysis: dict) -> str:
    """'; the Wilcoxon signed-rank test gives p = 0.078 and the paired t-test on the log
    scale gives p = 0.060: whether the change passes the 5% level depends on the test',
    where the ARD's other tests of the same change fall on the other side of the level (one
    minus the confidence level); '' otherwise."""
    level = 1 - analysis["confidence_level"]
    found = select(ard, {"analysis": "paired_test", "population": row["flag"],
                         "parameter": row["measure"], "visit": row["visit"],
                         "category": "", "statistic": "p_value"})  # fmt: skip
    others = found[found["method"] != row["method"]]
    differ = others[(others["value"] <= level) != (row["p"] <= level)]
    if differ.empty or not np.isfinite(row["p"]):
        return ""
    named = [
        f"the {TEST_NAMES.get(method, method)} gives {p_phrase(p)}"
        for method, p in zip(differ["method"], differ["value"])
    ]
    return (
        f"; {joined_words(named)}: whether the change passes the {fixed(100 * level, 0)}% "
        "level depends on the test"
    )


def source_name(source: str, sources: dict) -> str:
    """'the paper' where the cohort's settings describe the source, else "source 'x'"."""
    return f"the {source}" if source in sources else f"source '{source}'"


# the first screen names at most this many inconsistent claims, and counts the others
NAMED_INCONSISTENT = 4


def audit_sentence(
    audit: pd.DataFrame,
    outcomes: pd.DataFrame,
    analysis: dict,
    sources: dict | None = None,
    cohort: dict | None = None,
) -> str:
    """The audit in one or two sentences, one part per source."""
    if audit.empty:
        return ""
    sources = sources or {}
    parts = []
    for source, claims in audit.groupby("source", sort=False):
        verdicts = claims["verdict"].value_counts()
        reproduced = int(verdicts.get("exact", 0) + verdicts.get("within rounding", 0))
        words = [f"{reproduced} reproduced exactly or within rounding"]
        for verdict, text in (
            ("reading-dependent", "only on a reading that is ours, not the source's"),
            ("approximate", "approximately"),
            ("population or test not stated", "only under a population or test it does not state"),
            ("inconsistent", "inconsistent with the data or with its own numbers"),
        ):
            if verdicts.get(verdict, 0):
                words.append(f"{int(verdicts[verdict])} {text}")
        unchecked = int(
            verdicts.get("not computable", 0) + verdicts.get("consistent with reported numbers", 0)
        )
        if unchecked:
            agree = int(verdicts.get("consistent with reported numbers", 0))
            words.append(
                f"{unchecked} beyond the per-patient data"
                + (f" ({agree} of them agree with its other numbers)" if agree else "")
            )
        if not verdicts.get("inconsistent", 0):
            words.append("none inconsistent")
        name = source_name(source, sources)
        parts.append(f"of the {len(claims)} claims of {name}, " + ", ".join(words))
    sentence = "Checked against the data: " + "; ".join(parts) + "."
    # every inconsistent claim is named (up to NAMED_INCONSISTENT), whether or not it bears
    # on the effect; then, up to two in all, the others that bear on it
    inconsistent = audit[audit["verdict"] == "inconsistent"]
    matters = audit[audit["direction"].fillna("").astype(bool)].sort_values(
        "verdict",
        key=lambda v: v.map({"inconsistent": 0, "population or test not stated": 1}).fillna(2),
    )
    shown = inconsistent.head(NAMED_INCONSISTENT)
    others = matters[~matters.index.isin(shown.index)]
    named = pd.concat([shown, others]).head(max(2, len(shown)))
    for _, claim in named.iterrows():
        sentence += (
            f" '{claim['description']}' ({source_name(claim['source'], sources)} prints "
            f"“{claim['reported']}”): {claim['verdict']}: "
            f"{readable(readable_reason(claim), analysis, cohort)}."
        )
    unnamed = len(inconsistent) - len(shown)
    if unnamed:
        are = "claims are" if unnamed > 1 else "claim is"
        sentence += f" {unnamed} more {are} inconsistent (the claims in full)."
    never = outcomes[outcomes["status"] == "never reported"] if not outcomes.empty else outcomes
    for _, outcome in never.iterrows():
        given = outcome["recomputed"]
        data = f" (the data give {given})" if isinstance(given, str) and given else ""
        sentence += (
            f" The {outcome['role']} outcome '{outcome['description']}' is stated in the "
            f"methods of {source_name(outcome['source'], sources)} but never reported{data}."
        )
    return sentence


def readable_reason(claim: pd.Series) -> str:
    """A verdict's reason, shortened for the summary: its first clause and the direction."""
    reason = str(claim["verdict_reason"]).split("; summary checks:")[0]
    if reason.startswith("the source does not state"):
        reason = reason.split("; ", 1)[-1]
    direction = claim["direction"] if isinstance(claim["direction"], str) else ""  # NaN: none
    if direction and direction not in reason:
        reason += f"; {direction}"
    return reason


def data_stop_words(cohort: dict) -> str:
    """'the per-patient data stop at M3 (3 months after baseline); M6 and FU (last
    follow-up) are reported only as summaries', or '' when every visit has them."""
    summaries_only = [visit for visit in study_visits(cohort) if visit.get("reported_only")]
    if not summaries_only:
        return ""
    last = measured_visits(cohort)[-1]
    labels = joined_words([visit_label(cohort, visit["code"]) for visit in summaries_only])
    return (
        f"the per-patient data stop at {visit_label(cohort, last['code'])} ({last['time']:g} "
        f"{cohort.get('time_unit', '')} after baseline); {labels} "
        f"{'is' if len(summaries_only) == 1 else 'are'} reported only as summaries"
    )


def cohort_sentence(cohort: dict, adsl: pd.DataFrame, rows: list[dict]) -> str:
    """Who, with what, measured how and when: the summary's first sentence."""
    treatments = sorted(adsl["TRTMOL"].dropna().astype(str).unique())
    visits = [cohort["baseline_visit"], *dict.fromkeys(r["visit"] for r in rows)]
    measures = joined_words([measure_label(cohort, code) for code in cohort["measures"]])
    stop = data_stop_words(cohort)
    return (
        f"This {design_words(cohort)} followed {len(adsl)} patients treated with "
        f"{joined_words(treatments, 'or')} and measured {measures} at "
        f"{joined_words([visit_label(cohort, v) for v in visits])}"
        + (f"; {stop}" if stop else "")
        + "."
    )


def response_sentence(role: str, context: dict) -> str:
    """A response criterion's result, the change of its measure and who carries it, and how
    many could reach it at all."""
    ard, analysis, cohort = context["ard"], context["analysis"], context["cohort"]
    response = response_words(ard, analysis, cohort, role)
    if not response:
        return ""
    criterion = analysis["response"][role]
    sentence = response[0].upper() + response[1:]
    if context.get("adeff") is not None:
        flag = analysis["populations"][role]
        sentence += response_carried_words(context["adeff"], criterion, flag, cohort)
    change = next(
        (r for r in context["rows"]
         if r["measure"] == criterion["parameter"] and r["visit"] == criterion["visit"]),
        None,
    )  # fmt: skip
    if change is not None:
        carried = ""
        if context.get("adeff") is not None:
            pairs = pairs_of(context["adeff"], change["measure"], change["visit"], change["flag"])
            carried = carried_words(change, pairs, cohort)
        sentence += f"; {change_words(change, analysis, carried)}"
        sentence += other_tests_disagree(ard, change, analysis)
    attainable = context["attainable"]
    mine = attainable[attainable["role"] == role] if not attainable.empty else attainable
    if len(mine) and int(mine.iloc[0]["n_evaluable_attainable"]) < int(mine.iloc[0]["n_evaluable"]):
        sentence += (
            f"; only {int(mine.iloc[0]['n_evaluable_attainable'])} of the "
            f"{int(mine.iloc[0]['n_evaluable'])} could have reached the criterion at all, "
            "given where the scale ends"
        )
    return sentence + "."


def attainability_display(summary: pd.DataFrame, analysis: dict) -> pd.DataFrame:
    """Who could respond, for people: both denominators of each response criterion."""
    if summary.empty:
        return summary
    return pd.DataFrame(
        {
            "criterion": summary["criterion"],
            "population": summary["population"].map(lambda f: population_label(f, analysis)),
            "responders / evaluable": [
                f"{int(r)} of {int(e)}"
                for r, e in zip(summary["n_responders"], summary["n_evaluable"])
            ],
            "could respond (evaluable)": [
                f"{int(a)} of {int(e)}"
                for a, e in zip(summary["n_evaluable_attainable"], summary["n_evaluable"])
            ],
            "responders / could respond": [
                f"{int(r)} of {int(a)}"
                for r, a in zip(summary["n_responders"], summary["n_evaluable_attainable"])
            ],
        }
    )


def eligibility_display(summary: pd.DataFrame, cohort: dict) -> pd.DataFrame:
    """Who meets each stated criterion, for people; whether every patient must meet it."""
    if summary.empty:
        return summary
    required = {c["name"] for c in cohort.get("eligibility", []) if c.get("required")}
    return pd.DataFrame(
        {
            "criterion": summary["criterion"],
            "applies to": [
                "every patient" if name in required else "one of the routes in"
                for name in summary["criterion"]
            ],
            "stated": summary["source"].fillna(""),
            "our reading": [characteristic_words(text) for text in summary["definition"]],
            "meet": [
                f"{int(m)} of {int(n)}" for m, n in zip(summary["n_meets"], summary["n_patients"])
            ],
            "fail (patients)": summary["patients_not_meeting"].fillna(""),
            "cannot be decided from the printed numbers (patients)": (
                summary["patients_undecided"].fillna("") if "patients_undecided" in summary else ""
            ),
            "cannot be checked, a value missing (patients)": summary["patients_unknown"].fillna(""),
            "our reading": summary["reading"].fillna("") if "reading" in summary else "",
        }
    )


def multiplicity(rows: list[dict], ard: pd.DataFrame, analysis: dict) -> pd.DataFrame:
    """Every p-value the report shows, primary, secondary or exploratory, and the subgroup
    estimates without p-values."""
    table = [
        {
            "result": f"{r['label']} change to {r['visit_label']}"
            + (" (log scale)" if scale else ""),
            "population": r["population"],
            "n": r["n"],
            "p": p_text(r["p_log"] if scale else r["p"]),
            "role": r["rank"] if not scale else "exploratory",
        }
        for r in rows
        for scale in (False, True)
        if not scale or np.isfinite(r["p_log"])
    ]
    groups = select(ard, {"analysis": "subgroup_response", "statistic": "n_evaluable"})
    if len(groups):
        sizes = groups["value"].astype(int)
        table.append(
            {
                "result": f"{len(groups)} subgroup response rates and mean changes, by "
                + ", ".join(SUBGROUP_NAMES.get(s, s) for s in analysis["subgroups"]),
                "population": "subgroups",
                "n": f"{sizes.min()} to {sizes.max()}",
                "p": "none shown",
                "role": "exploratory, estimates only",
            }
        )
    return pd.DataFrame(table)


# --- the joint specification search, as the report shows it ---------------------------------


def never_reproduced(specifications: pd.DataFrame) -> list[str]:
    """The claims no specification reproduces, in the order of the best one's left-outs."""
    if specifications.empty:
        return []
    reproduced = set(" ".join(specifications["reproduced_ids"].fillna("")).split())
    best = str(specifications["left_out_ids"].fillna("").iloc[0]).split()
    return [claim for claim in best if claim not in reproduced]


def distinct_best(specifications: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The best specification of each distinct set of claims reproduced, best first, with how
    many specifications give the same set (`equivalent`)."""
    if specifications.empty:
        return specifications.assign(equivalent=pd.Series(dtype=int))
    groups = specifications.groupby("reproduced_ids", sort=False)
    first = groups.head(1).copy()
    first["equivalent"] = first["reproduced_ids"].map(groups.size()).to_numpy()
    return first.head(limit).reset_index(drop=True)
