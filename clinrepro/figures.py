"""Figures: the published figures and their kin, rebuilt from the analysis datasets.

Each figure function takes the tables, the variant's analysis settings, the figure settings
and the cohort's settings (its measures, visits and words), draws on a house-style figure
and returns it with its title, caption and a record of what it shows; every caption names
the population and n, and counts the patients left out for a missing value. Significance
marks come from the workflow's own tests (the ARD), never from the published text.
"""

from __future__ import annotations

import json
import logging

import numpy as np
import pandas as pd
from matplotlib.patches import Circle

from clinrepro import style
from clinrepro.ard import read_ard, value as result
from clinrepro.columns import among
from clinrepro.endpoints import read_adeff, read_adsl
from clinrepro.files import read_table
from clinrepro.study import (
    active_words,
    criterion_text,
    measure_label,
    measured_visits,
    primary_method,
    primary_role,
    short_name,
    unit,
    visit_codes,
    visit_label,
)
from clinrepro.reader import p_text, population_label
from clinrepro.terms import (
    ANTIBODIES,
    POPULATION_FLAGS,
    SUBGROUP_NAMES,
    TEST_NAMES,
    joined_words,
    shown,
)

logger = logging.getLogger(__name__)


def wide(
    adeff: pd.DataFrame, parameter: str, flag: str, visits: list[str], column: str = "AVAL"
) -> pd.DataFrame:
    """One row a patient of the population, one column a visit (all missing where nobody
    was seen)."""
    rows = adeff[(adeff["PARAMCD"] == parameter) & (adeff[flag] == "Y")]
    table = rows.pivot(index="SUBJID", columns="AVISIT", values=column)
    return table.reindex(index=pd.unique(rows["SUBJID"]), columns=visits)


def tick_label(cohort: dict, code: str) -> str:
    """A visit's label on an axis, its parenthesis on a second line."""
    return visit_label(cohort, code).replace(" (", "\n(")


def measured_codes(cohort: dict) -> list[str]:
    return [visit["code"] for visit in measured_visits(cohort)]


# captions name at most this many patients; the others are counted
LISTED_PATIENTS = 10
# over max_patients_drawn patients (config figures:), distributions replace patients
AGGREGATE_WORDS = "boxes: median and quartiles, whiskers: 5th to 95th percentile"


def patient_list(patients: list[str]) -> str:
    """'patient 3', 'patients 3 and 11' or, for many, the first ones and how many more."""
    listed = [str(patient) for patient in patients[:LISTED_PATIENTS]]
    more = len(patients) - len(listed)
    if more > 0:
        listed.append(f"{more:,} more")
    return f"patient{'s' if len(patients) > 1 else ''} {joined_words(listed)}"


def missing_words(patients: list[str], what: str) -> str:
    if not patients:
        return f"no patient without {what}"
    return f"{len(patients)} without {what} ({patient_list(patients)})"


def population_phrase(flag: str, analysis: dict, n: int | None = None) -> str:
    """'the 14 patients with active cutaneous disease (CDASI ≥ 10)', 'all 16 treated
    patients'; without n, 'the patients with ...', 'all treated patients'."""
    count = "" if n is None else f"{n:,} "
    if flag == "SAFFL":
        return f"all {count}{POPULATION_FLAGS[flag]}"
    return f"the {count}patients with {population_label(flag, analysis)}"


def p_words(p: float) -> str:
    """'p < 0.001', 'p = 0.030'."""
    text = p_text(p)
    return f"p {text}" if text[0] in "<>" else f"p = {text}"


def aggregated(n: int, settings: dict) -> bool:
    """Whether n patients are too many to draw one by one."""
    return n > settings["max_patients_drawn"]


def visit_boxes(ax, columns: list[np.ndarray], positions: list[float], colour: str) -> None:
    """The distribution at each visit (at `positions`), medians joined."""
    present = [(x, values[~np.isnan(values)]) for x, values in zip(positions, columns)]
    present = [(x, values) for x, values in present if len(values)]
    if not present:
        return
    parts = ax.boxplot(
        [values for _, values in present],
        positions=[x for x, _ in present],
        widths=0.3,
        whis=(5, 95),
        showfliers=False,
        patch_artist=True,
        medianprops={"color": style.INK},
    )
    for box in parts["boxes"]:
        box.set(facecolor=colour, alpha=0.6)
    ax.plot([x for x, _ in present], [np.median(v) for _, v in present], color=colour, lw=1.2)


def patient_lines(ax, values: pd.DataFrame, positions: list[float], colour_of, **style_options):
    """One line a patient through the visits they were seen at."""
    for patient, row in values.iterrows():
        seen = row.notna().to_numpy()
        if seen.sum() >= 2:
            x = np.asarray(positions)[seen]
            ax.plot(x, row.to_numpy(dtype=float)[seen], color=colour_of(patient), **style_options)


def test_words(ard, analysis, parameter, flag, visit, alpha) -> tuple[str, float]:
    """'* p = 0.03, paired t-test' for the change from baseline to `visit`."""
    test = primary_method(analysis, parameter)
    p = result(
        ard,
        analysis="paired_test",
        population=flag,
        parameter=parameter,
        visit=visit,
        method=test,
        statistic="p_value",
    )
    if np.isnan(p):
        return f"no test ({TEST_NAMES[test]}: too few pairs)", p
    mark = "*" if p <= alpha else "n.s."
    return f"{mark} {p_words(p)}, {TEST_NAMES[test]}", p


def significance_sentence(words: str, alpha: float, test: str, base: str, target: str) -> str:
    """The caption's sentence about the bracket."""
    mark = words.split(",")[0].replace("n.s.", "Not significant:")
    return (
        f"{mark} (two-sided, {base} vs {target}, {TEST_NAMES[test]} run by the workflow; * marks "
        f"p ≤ {alpha:g})."
    )


def bracket(ax, left: float, right: float, top: float, words: str) -> None:
    """A significance bracket from `left` to `right` at height `top`, its words above."""
    tick = 0.03 * top
    ax.plot([left, left, right, right], [top - tick, top, top, top - tick], color=style.INK, lw=0.8)
    ax.text((left + right) / 2, top + tick / 2, words, ha="center", va="bottom", fontsize=8)


def reported_course(reported: pd.DataFrame | None, parameter: str, visits: list[str]):
    """The reported mean and SD of a measure at each visit they are given for."""
    if reported is None or reported.empty:
        return pd.DataFrame(columns=["mean", "sd"])
    rows = reported[reported["parameter"] == parameter]
    table = rows.pivot_table(index="visit", columns="statistic", values="value", aggfunc="first")
    table = table.reindex(index=[v for v in visits if v in table.index])
    return table.reindex(columns=["mean", "sd"])


def course(data: dict, analysis: dict, settings: dict, cohort: dict):
    """The main outcome's measure at every visit: recomputed next to reported."""
    role = primary_role(analysis)
    parameter, target = analysis["response"][role]["parameter"], analysis["response"][role]["visit"]
    flag, base = analysis["populations"][role], cohort["baseline_visit"]
    visits, measured = visit_codes(cohort), measured_codes(cohort)
    x = {visit: i for i, visit in enumerate(visits)}
    values = wide(data["adeff"], parameter, flag, measured)
    paired = values.dropna(subset=[base, target])
    name, short = measure_label(cohort, parameter), short_name(cohort, parameter)
    figure, (ax,) = style.new_figure(6.2, 4.2)
    many = aggregated(len(values), settings)
    positions = [x[v] for v in measured]
    if many:
        shifted = [p - 0.2 for p in positions]
        visit_boxes(ax, [values[v].to_numpy(float) for v in measured], shifted, style.MUTED)
        patients_words = f"grey {AGGREGATE_WORDS}, at each visit"
    else:
        patient_lines(ax, values, positions, lambda _: style.MUTED, lw=0.8, alpha=0.7, zorder=1)
        patients_words = "grey lines: each patient through the visits they were seen at"
    ax.plot([], [], color=style.MUTED, lw=6 if many else 0.8,
            label=f"{'distribution' if many else 'each patient'} (n = {len(values)})")  # fmt: skip
    summary = {
        (visit, statistic): result(data["ard"], analysis="summary", population=flag,
                                   parameter=parameter, visit=visit, statistic=statistic)
        for visit in measured for statistic in ("mean", "sd")
    }  # fmt: skip
    means = [summary[(v, "mean")] for v in measured]
    sds = [summary[(v, "sd")] for v in measured]
    ax.errorbar(positions, means, yerr=sds, color=style.INK, marker="o", ms=6, capsize=4,
                lw=1.6, zorder=3, label="recomputed from the per-patient data, mean ± SD")  # fmt: skip
    reported = reported_course(data["reported"], parameter, visits)
    shift = 0.08
    if len(reported):
        ax.errorbar([x[v] + shift for v in reported.index], reported["mean"],
                    yerr=reported["sd"].fillna(0), color=style.PALETTE[0], marker="o", mfc="white",
                    ms=6, capsize=4, lw=1.2, ls="--", zorder=2, label="reported, mean ± SD")  # fmt: skip
    # in time order: the visits only the reported summaries describe
    reported_only = [visit for visit in reported.index if visit not in measured]
    for visit in reported_only:
        top_of_bar = reported.at[visit, "mean"] + np.nan_to_num(reported.at[visit, "sd"])
        ax.annotate("reported", (x[visit] + shift, top_of_bar), xytext=(0, 4),
                    textcoords="offset points", ha="center", fontsize=8, color=style.PALETTE[0])  # fmt: skip
    alpha = settings["significance_level"]
    words, p = test_words(data["ard"], analysis, parameter, flag, target, alpha)
    present = values.to_numpy(dtype=float)
    present = present[~np.isnan(present)]
    highest = np.percentile(present, 95) if many else present.max(initial=0)
    top = np.nanmax([highest, *(np.array(means) + np.nan_to_num(sds))]) * 1.08 + 1
    bracket(ax, x[base], x[target], top, words)
    ax.set_xticks(range(len(visits)), [tick_label(cohort, v) for v in visits])
    ax.set_xlim(-0.4, len(visits) - 0.6)
    ax.set_ylim(bottom=0, top=top * 1.15 + 1)
    ax.set_ylabel(f"{name} ({unit(cohort, parameter)})")
    ax.set_title(f"{name} at every visit")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    missing = values.index[~among(values.index, paired.index)].tolist()
    only_reported = [visit_label(cohort, v) for v in reported_only]
    caption = (
        f"{name} in {population_phrase(flag, analysis, len(values))}. Filled: mean ± SD recomputed from "
        f"the per-patient data at each visit ({', '.join(visit_label(cohort, v) for v in measured)}); "
        f"{patients_words}; {len(paired)} with values at {visit_label(cohort, base)} and "
        f"{visit_label(cohort, target)}, {missing_words(missing, 'both')}. "
        + ("Open markers, dashed: mean ± SD as reported" + (
            f"; {', '.join(only_reported)}: reported summaries only (no per-patient data), so "
            "no test is made for them. " if only_reported else ". ") if len(reported)
           else "No summaries are reported for this measure. ")
        + significance_sentence(words, alpha, primary_method(analysis, parameter),
                                visit_label(cohort, base), visit_label(cohort, target))
    )  # fmt: skip
    style.footnote(figure, f"Population: {population_label(flag, analysis)}, n = {len(values)}; "
                   f"paired n = {len(paired)}.")  # fmt: skip
    title = f"{name} at every visit"
    return figure, title, caption, {"population": flag, "n": len(values),
                                    "n_missing": len(missing), "p_value": p}  # fmt: skip


def disease_overlap(data: dict, analysis: dict, settings: dict, cohort: dict):
    """Overlap of the two active-disease criteria at baseline."""
    adsl = data["adsl"]
    (left_role, left), (right_role, right) = list(analysis["active_disease"].items())[:2]
    flags = {role: analysis["populations"][role] for role in (left_role, right_role)}
    first, second = adsl[flags[left_role]] == "Y", adsl[flags[right_role]] == "Y"
    counts = {
        f"{left_role} only": int((first & ~second).sum()),
        "both": int((first & second).sum()),
        f"{right_role} only": int((~first & second).sum()),
        "neither": int((~first & ~second).sum()),
    }
    figure, (ax,) = style.new_figure(5.4, 3.6)
    for centre, colour in ((-0.55, style.PALETTE[1]), (0.55, style.PALETTE[0])):
        ax.add_patch(
            Circle((centre, 0), 1.0, facecolor=colour, alpha=0.25, edgecolor=colour, lw=1.5)
        )
    for position, count in zip((-0.95, 0, 0.95), list(counts.values())[:3]):
        ax.text(position, 0, str(count), ha="center", va="center", fontsize=16)
    for position, role, criterion, flag in (
        (-0.9, left_role, left, first),
        (0.9, right_role, right, second),
    ):
        ax.text(position, 1.12, f"Active {role} disease\n{active_words(criterion)}: n = {int(flag.sum())}",
                ha="center", va="bottom", fontsize=8.5)  # fmt: skip
    ax.text(1.75, -1.0, f"neither: {counts['neither']}", ha="right", va="bottom", fontsize=8.5)
    ax.set_xlim(-1.8, 1.8)
    ax.set_ylim(-1.15, 1.65)
    ax.set_aspect("equal")
    ax.axis("off")
    baseline = data["adeff"][(data["adeff"]["ABLFL"] == "Y")]
    unknown = {
        role: baseline[(baseline["PARAMCD"] == criterion["parameter"]) & baseline["AVAL"].isna()][
            "SUBJID"
        ].tolist()
        for role, criterion in ((left_role, left), (right_role, right))
    }
    notes = [
        f"{len(ids)} without a baseline {criterion['parameter']} ({patient_list(ids)}) "
        + (
            f"judged by {active_words(criterion['otherwise'])} instead"
            if criterion.get("otherwise")
            else "counted as not active"
        )
        + f" ({role})"
        for (role, ids), criterion in zip(unknown.items(), (left, right))
        if ids
    ]
    caption = (
        f"Active {left_role} ({active_words(left)} at baseline) and active {right_role} disease "
        f"({active_words(right)} at baseline) among all {len(adsl)} treated patients: "
        + ", ".join(f"{n} {what}" for what, n in counts.items())
        + ". "
        + ("; ".join(notes) + "." if notes else "No baseline value is missing.")
    )
    style.footnote(figure, f"Population: {population_label('SAFFL', analysis)}, n = {len(adsl)}.")
    title = f"Active {left_role} and active {right_role} disease at baseline"
    meta = {"population": "SAFFL", "n": len(adsl),
            "n_missing": sum(len(i) for i in unknown.values()), **counts}  # fmt: skip
    return figure, title, caption, meta


def response_values(
    adeff: pd.DataFrame, response: dict, flag: str, cohort: dict
) -> tuple[pd.Series, pd.Series, str]:
    """Each patient's change (or percent change) at the response visit, with their flag and
    an axis label."""
    percent = response["measure"] == "percent_change"
    rows = adeff[
        (adeff["PARAMCD"] == response["parameter"])
        & (adeff["AVISIT"] == response["visit"])
        & (adeff[flag] == "Y")
    ].set_index("SUBJID")
    label = (
        f"{short_name(cohort, response['parameter'])} {'percent ' if percent else ''}change at "
        f"{visit_label(cohort, response['visit'])} "
        + ("(%)" if percent else f"({unit(cohort, response['parameter'])})")
    )
    return rows["PCHG" if percent else "CHG"], rows["CRIT1FL"].astype(object).fillna(""), label


def threshold_line(response: dict) -> float:
    return -response["threshold"] if response["direction"] == "decrease" else response["threshold"]


def secondary_role(analysis: dict) -> str:
    """The second response criterion's role (the first's when there is only one)."""
    roles = list(analysis["response"])
    return roles[1] if len(roles) > 1 else roles[0]


def response_patients(data: dict, analysis: dict, settings: dict, cohort: dict):
    """The second response criterion per patient: its measure at every visit, and each
    patient's improvement at the response visit against the threshold."""
    role = secondary_role(analysis)
    flag, response = analysis["populations"][role], analysis["response"][role]
    parameter, target, base = response["parameter"], response["visit"], cohort["baseline_visit"]
    measured = measured_codes(cohort)
    values = wide(data["adeff"], parameter, flag, measured)
    paired = values.dropna(subset=[base, target])
    change, responder, label = response_values(data["adeff"], response, flag, cohort)
    change = change.dropna().sort_values()
    many = aggregated(len(values), settings)
    # one bar a patient: the figure grows with them so their labels stay apart
    height = 4.0 if many else max(4.0, 1.4 + 0.17 * len(change))
    figure, (left, right) = style.new_figure(8.0, height, columns=2)
    figure.subplots_adjust(wspace=0.45)
    positions = list(range(len(measured)))
    colour = lambda patient: (
        style.RESPONDER if responder.get(patient) == "Y" else style.MUTED
    )  # noqa: E731
    if many:
        for part_colour, part in ((style.RESPONDER, "Y"), (style.MUTED, "N")):
            rows = values[values.index.map(responder).isin([part])]
            visit_boxes(left, [rows[v].to_numpy(float) for v in measured], positions, part_colour)
    else:
        patient_lines(left, values, positions, colour, marker="o", ms=3.5, lw=1.1)
    high = cohort["measures"][parameter].get("high")
    name = short_name(cohort, parameter)
    left.set_xticks(positions, [tick_label(cohort, v) for v in measured])
    left.set_xlim(-0.2, len(measured) - 0.8)
    left.set_ylabel(
        f"{name} ({unit(cohort, parameter)}" + (f", maximum {high:g})" if high is not None else ")")
    )
    left.set_title(f"{name} per patient")
    criterion = shown(criterion_text(response, cohort))
    left.plot([], [], color=style.RESPONDER, label=f"responder ({criterion})")
    left.plot([], [], color=style.MUTED, label="non-responder")
    figure.legend(loc="upper center", ncol=2, bbox_to_anchor=(0.5, 1.07))
    line = threshold_line(response)
    if many:
        is_responder = change.index.map(responder).isin(["Y"])
        right.hist([change[is_responder].to_numpy(), change[~is_responder].to_numpy()], bins=40,
                   stacked=True, color=[style.RESPONDER, style.MUTED])  # fmt: skip
        right.set_ylabel("patients")
        top = right.get_ylim()[1]
    else:
        right.barh(range(len(change)), change.to_numpy(), color=[colour(p) for p in change.index])
        for position, value in enumerate(change.to_numpy()):
            right.text(
                max(value, 0), position, f" {value:+.1f}", va="center", ha="left", fontsize=7
            )
        right.set_yticks(range(len(change)), [f"patient {p}" for p in change.index], fontsize=7)
        top = len(change) - 0.4
    percent = "%" if response["measure"] == "percent_change" else ""
    right.axvline(line, color=style.NON_RESPONDER, ls="--", lw=1)
    right.text(line, top, f" {line:+g}{percent} threshold", color=style.NON_RESPONDER, fontsize=8,
               va="bottom")  # fmt: skip
    right.axvline(0, color=style.INK, lw=0.6)
    right.set_xlabel(label)
    right.set_title(
        f"Improvement at {visit_label(cohort, target)}" + (", distribution" if many else "")
    )
    missing = values.index[~among(values.index, paired.index)].tolist()
    n_responders = int((responder == "Y").sum())
    caption = (
        f"{name} at every visit in {population_phrase(flag, analysis, len(values))}: {len(paired)} with "
        f"values at {visit_label(cohort, base)} and {visit_label(cohort, target)}, "
        f"{missing_words(missing, 'both')}. Green: responders ({criterion}), {n_responders} of "
        f"{len(change)}; the dashed line is the response threshold."
        + (f" Drawn as distributions (over {settings['max_patients_drawn']} patients): left, "
           f"{AGGREGATE_WORDS}, responders and non-responders; right, a histogram of the "
           "improvements." if many else "")
    )  # fmt: skip
    style.footnote(figure, f"Population: {population_label(flag, analysis)}, n = {len(values)}; "
                   f"paired n = {len(paired)}.")  # fmt: skip
    title = f"{measure_label(cohort, parameter)} per patient, {role} response"
    meta = {"population": flag, "n": len(values), "n_missing": len(missing),
            "n_responders": n_responders}  # fmt: skip
    return figure, title, caption, meta


def waterfall(data: dict, analysis: dict, settings: dict, cohort: dict):
    """Each patient's change in the main outcome's measure at the response visit, coloured by
    treatment."""
    role = primary_role(analysis)
    flag, response = analysis["populations"][role], analysis["response"][role]
    target = visit_label(cohort, response["visit"])
    change, _, label = response_values(data["adeff"], response, flag, cohort)
    missing = change[change.isna()].index.tolist()
    change = change.dropna().sort_values(ascending=False, kind="stable")
    treatment = data["adsl"].set_index("SUBJID")["TRT01A"]
    groups = sorted(treatment.unique())
    colour_of = {group: style.PALETTE[i % len(style.PALETTE)] for i, group in enumerate(groups)}
    figure, (ax,) = style.new_figure(7.0, 4.0)
    many = aggregated(len(change), settings)
    if many:
        # each group's changes, sorted, against the patients' rank within the group
        group_of = change.index.map(treatment)
        for group in groups:
            part = change[group_of == group].to_numpy()
            ax.plot(np.linspace(0, 100, len(part)), part, color=colour_of[group], lw=1.6)
        ax.set_xlabel("patients of the group, ranked by change (percentile)")
    else:
        ax.bar(range(len(change)), change.to_numpy(),
               color=[colour_of[treatment[p]] for p in change.index], width=0.8)  # fmt: skip
        # patient ids longer than a few characters stand upright so they do not overlap
        upright = max((len(str(p)) for p in change.index), default=0) * len(change) > 60
        ax.set_xticks(range(len(change)), change.index.tolist(), fontsize=8,
                      rotation=90 if upright else 0)  # fmt: skip
        ax.set_xlabel("patient")
    ax.set_ylabel(label)
    ax.axhline(0, color=style.INK, lw=0.6)
    for group in groups:
        ax.bar([0], [0], color=colour_of[group], label=group)
    criterion = shown(criterion_text(response, cohort))
    ax.axhline(threshold_line(response), color=style.INK, ls="--", lw=1,
               label=f"response threshold:\n{criterion}")  # fmt: skip
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="treatment")
    name = measure_label(cohort, response["parameter"])
    ax.set_title(f"{name}: change from baseline at {target}, per patient")
    caption = (
        f"Change in {name} from baseline to {target} in {population_phrase(flag, analysis, len(change))} "
        f"with both values, largest increase left, largest decrease "
        f"right; {missing_words(missing, 'a value at ' + target)}. "
        f"{'Each line is one group, its patients ranked by change' if many else 'Bars are coloured by treatment and daily dose'}; "
        f"the dashed line is the response threshold ({criterion})."
    )
    style.footnote(figure, f"Population: {population_label(flag, analysis)}, n = {len(change) + len(missing)}; "
                   f"shown n = {len(change)}.")  # fmt: skip
    title = f"{name}: change at {target}, per patient"
    meta = {"population": flag, "n": len(change) + len(missing), "n_missing": len(missing)}
    return figure, title, caption, meta


def other_measures(data: dict, analysis: dict, settings: dict, cohort: dict):
    """The measures no response criterion names, at every visit, each patient a line; a log
    axis where the range calls for it."""
    flag, base = analysis["populations"]["cohort"], cohort["baseline_visit"]
    target = analysis["response"][primary_role(analysis)]["visit"]
    named = {response["parameter"] for response in analysis["response"].values()}
    present = set(data["adeff"]["PARAMCD"].unique())
    shown_measures = [code for code in cohort["measures"] if code not in named and code in present]
    measured = measured_codes(cohort)
    positions = list(range(len(measured)))
    columns = max(len(shown_measures), 1)
    figure, axes = style.new_figure(4.0 * columns, 4.0, columns=columns)
    parts, meta = [], {"population": flag}
    if not shown_measures:
        axes[0].text(0.5, 0.5, "every measure of this cohort is a response measure",
                     ha="center", transform=axes[0].transAxes)  # fmt: skip
        axes[0].axis("off")
        parts.append("Every measure of this cohort is named by a response criterion")
    many, logged, with_sd = False, [], []
    for ax, parameter in zip(axes, shown_measures):
        values = wide(data["adeff"], parameter, flag, measured)
        paired = values.dropna(subset=[base, target])
        many = many or aggregated(len(values), settings)
        if aggregated(len(values), settings):
            visit_boxes(
                ax, [values[v].to_numpy(float) for v in measured], positions, style.PALETTE[0]
            )
        else:
            sds = wide(data["adeff"], parameter, flag, measured, "AVALSD")
            if sds.notna().any().any():
                with_sd.append(short_name(cohort, parameter))
            for patient, row in values.iterrows():
                seen = row.notna().to_numpy()
                if seen.sum() >= 2:
                    ax.errorbar(np.asarray(positions)[seen], row.to_numpy(float)[seen],
                                yerr=sds.loc[patient].to_numpy(float)[seen], color=style.PALETTE[0],
                                marker="o", ms=3.5, lw=1, capsize=2, elinewidth=0.8)  # fmt: skip
        drawn = values.to_numpy(dtype=float)
        drawn = drawn[~np.isnan(drawn)]
        logarithmic = (
            bool(len(drawn))
            and drawn.min() > 0
            and drawn.max() / drawn.min() > settings["log_scale_ratio"]
        )
        if logarithmic:
            ax.set_yscale("log")
            logged.append(short_name(cohort, parameter))
        name = f"{measure_label(cohort, parameter)} ({unit(cohort, parameter)})"
        ax.set_ylabel(name + (", log scale" if logarithmic else ""))
        ax.set_xticks(positions, [tick_label(cohort, v) for v in measured])
        ax.set_xlim(-0.2, len(measured) - 0.8)
        words, p = test_words(data["ard"], analysis, parameter, flag, target,
                              settings["significance_level"])  # fmt: skip
        ax.set_title(
            f"{short_name(cohort, parameter)}: n = {len(paired)} pairs\n{words}", fontsize=9
        )
        missing = values.index[~among(values.index, paired.index)].tolist()
        test = TEST_NAMES[primary_method(analysis, parameter)]
        tested = f"{p_words(p)}, {test}" if np.isfinite(p) else f"no {test} (too few pairs)"
        parts.append(f"{name}: {len(paired)} patients with values at {visit_label(cohort, base)} and "
                     f"{visit_label(cohort, target)}, {missing_words(missing, 'both')}; {tested}")  # fmt: skip
        meta |= {f"{parameter}_n_pairs": len(paired), f"{parameter}_n_missing": len(missing),
                 f"{parameter}_p_value": p}  # fmt: skip
    n = len(data["adsl"][data["adsl"][flag] == "Y"])
    meta["n"] = n
    names = (
        joined_words([measure_label(cohort, code) for code in shown_measures]) or "No other measure"
    )
    caption = (
        f"{names} at every visit in {population_phrase(flag, analysis, n)}"
        + (f", drawn as distributions (over {settings['max_patients_drawn']} patients): "
           f"{AGGREGATE_WORDS}. " if many else ", each patient a line. ")
        + ". ".join(parts) + ". "
        + (f"Error bars: SD of the replicate assays of {joined_words(with_sd)}, where the table "
           "prints one. " if with_sd else "")
        + (f"Logarithmic axis for {joined_words(logged)}: the largest value is more than "
           f"{settings['log_scale_ratio']:g} times the smallest. " if logged else "")
        + (f"p-values: two-sided paired tests of {visit_label(cohort, base)} against "
           f"{visit_label(cohort, target)}." if shown_measures else "")
    ).strip()  # fmt: skip
    style.footnote(figure, f"Population: {population_label(flag, analysis)}, n = {n}.")
    title = f"{names} at every visit" if shown_measures else "Other measures"
    return figure, title, caption, meta


def forest(ax, rows: pd.DataFrame, xlabel: str, reference: float | None = None) -> None:
    """Estimates with their intervals, one row each, top to bottom, n and p on the right.

    `rows` has columns label, value, ci_lower, ci_upper and annotation; a row without an
    interval (one patient) is drawn as a hollow point, a row without a value only labelled.
    """
    positions = np.arange(len(rows))[::-1]
    for y, (_, row) in zip(positions, rows.iterrows()):
        if pd.notna(row["ci_lower"]) and pd.notna(row["ci_upper"]):
            ax.plot([row["ci_lower"], row["ci_upper"]], [y, y], color=style.INK, lw=1.2)
            ax.plot(row["value"], y, "s", color=style.PALETTE[0], ms=5)
        elif pd.notna(row["value"]):
            ax.plot(row["value"], y, "s", mfc="white", color=style.PALETTE[0], ms=5)
        ax.annotate(
            row["annotation"],
            (1.01, y),
            xycoords=("axes fraction", "data"),
            va="center",
            fontsize=7,
        )
    if reference is not None:
        ax.axvline(reference, color=style.MUTED, lw=0.8, ls="--")
    ax.set_yticks(positions, rows["label"].tolist(), fontsize=8)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel(xlabel)


def subgroup_label(category: str) -> str:
    """'ABTYPE=MDA5' -> 'antibody: anti-MDA5'."""
    variable, level = category.split("=", 1)
    return f"{SUBGROUP_NAMES[variable]}: {ANTIBODIES.get(level, level) if variable == 'ABTYPE' else level}"


def subgroup_rows(
    ard: pd.DataFrame, analysis: str, flag: str, parameter: str, value: str
) -> pd.DataFrame:
    """One row per subgroup level of the ARD: estimate, interval and n."""
    part = ard[
        (ard["analysis"] == analysis)
        & (ard["population"] == flag)
        & (ard["parameter"] == parameter)
    ]
    wide_part = part.pivot_table(index="category", columns="statistic", values="value", sort=False)
    count = "n_evaluable" if analysis == "subgroup_response" else "n_pairs"
    rows = pd.DataFrame(
        {
            "label": [subgroup_label(category) for category in wide_part.index],
            "value": wide_part.get(value),
            "ci_lower": wide_part.get("ci_lower"),
            "ci_upper": wide_part.get("ci_upper"),
            "n": wide_part.get(count),
        }
    ).reset_index(drop=True)
    rows["annotation"] = [f"n = {n:.0f}" for n in rows["n"]]
    return rows


def subgroups(data: dict, analysis: dict, settings: dict, cohort: dict):
    """Forest plot: the main outcome's response rate and mean change by subgroup."""
    role = primary_role(analysis)
    flag, response = analysis["populations"][role], analysis["response"][role]
    parameter, level = response["parameter"], analysis["confidence_level"]
    target = visit_label(cohort, response["visit"])
    rates = subgroup_rows(data["ard"], "subgroup_response", flag, parameter, "pct")
    changes = subgroup_rows(data["ard"], "subgroup_paired_test", flag, parameter, "mean_change")
    height = 1.2 + 0.32 * max(len(rates), len(changes))
    figure, (left, right) = style.new_figure(9.0, height, columns=2)
    criterion = shown(criterion_text(response, cohort))
    forest(left, rates, f"response rate, % ({criterion})")
    left.set_xlim(-5, 105)
    forest(right, changes, f"mean {short_name(cohort, parameter)} change at {target} "
           f"({unit(cohort, parameter)})", reference=0)  # fmt: skip
    left.set_title(f"Response rate, exact {level:.0%} CI", fontsize=9)
    right.set_title(f"Mean change, {level:.0%} t-interval", fontsize=9)
    figure.subplots_adjust(wspace=0.9)
    small = changes[changes["value"].notna() & changes["ci_lower"].isna()]["label"].tolist()
    caption = (
        f"{role.capitalize()} response ({criterion}) and mean {short_name(cohort, parameter)} "
        f"change at {target} in {population_phrase(flag, analysis)}, by "
        + joined_words([SUBGROUP_NAMES.get(v, v) for v in analysis["subgroups"]])
        + ". Every level is shown with its n, however small; hollow points have "
        f"no interval (fewer than two patients): {', '.join(small) if small else 'none'}. Response rates: exact "
        "Clopper-Pearson intervals; mean changes: t-intervals."
    )
    style.footnote(
        figure, f"Population: {population_label(flag, analysis)}; n per level on the right."
    )
    title = f"{role.capitalize()} response and {short_name(cohort, parameter)} change by subgroup"
    return figure, title, caption, {"population": flag, "levels": len(rates)}


FIGURES = {
    "course": course,
    "disease_overlap": disease_overlap,
    "response_patients": response_patients,
    "waterfall": waterfall,
    "other_measures": other_measures,
    "subgroups": subgroups,
}


def load_inputs(adsl: str, adeff: str, ard: str, reported: str | None) -> dict:
    """The tables every figure draws from (no reported summaries where there are none)."""
    return {
        "adsl": read_adsl(adsl),
        "adeff": read_adeff(adeff),
        "ard": read_ard(ard),
        "reported": None if reported is None else read_table(reported),
    }


def run(
    inputs: dict, analysis: dict, settings: dict, cohort: dict, outputs: dict, workers: int = 1
) -> None:
    """Draw every figure of a variant; write each one's images, title and caption. With
    `workers` above 1 the figures are drawn by that many processes forked once the tables are
    read: each figure is drawn by one of them alone, so the files are the same bytes."""
    tables = load_inputs(
        inputs["adsl"], inputs["adeff"], inputs["ard"], inputs.get("reported_summaries")
    )
    job = (tables, analysis, settings, cohort, outputs)
    if workers <= 1:
        for name in FIGURES:
            draw_figure(name, job)
        return
    import multiprocessing

    _FORKED["job"] = job  # inherited by the forked workers, never pickled
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(FIGURES))) as pool:
            pool.map(_draw_forked, FIGURES, chunksize=1)
    finally:
        _FORKED.clear()


_FORKED: dict = {}


def _draw_forked(name: str) -> None:
    draw_figure(name, _FORKED["job"])


def draw_figure(name: str, job: tuple) -> None:
    """Draw one figure and write its PNG, SVG and caption."""
    tables, analysis, settings, cohort, outputs = job
    figure, title, caption, meta = FIGURES[name](tables, analysis, settings, cohort)
    if cohort["synthetic"]:
        style.mark_synthetic(figure)
        caption = f"SYNTHETIC DATA. {caption}"
    style.save(figure, {fmt: outputs[f"{name}_{fmt}"] for fmt in style.FORMATS}, settings["dpi"])
    write_caption(
        outputs[f"{name}_caption"], {"figure": name, "title": title, "caption": caption, **meta}
    )
    logger.info("%s: %s", name, caption)


def write_caption(path: str, record: dict) -> None:
    """A figure's title, caption and counts as JSON, keys sorted."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=2, sort_keys=True, ensure_ascii=False)
        handle.write("\n")
