"""Figures: the published figures and their kin, rebuilt from the analysis datasets.

Each figure function takes the tables, the variant's analysis settings, the figure settings
and the cohort's settings (its measures, visits and words), takes what it draws from its
data step (clinrepro.presentation.figure_data: a table of every drawn value and where it comes from),
draws it on a house-style figure and returns it with its title, caption, a record of what
it shows and the drawn table; every caption names the population and n, and counts the
patients left out for a missing value. p-values come from the workflow's own tests (the
ARD), never from the published text, and are stated, not starred.
"""

from __future__ import annotations

import json
import logging

import numpy as np
import pandas as pd
from matplotlib.patches import Circle

from clinrepro.presentation import style
from clinrepro.statistics.ard import read_ard
from clinrepro.base.columns import among
from clinrepro.audit.eligibility import attainability
from clinrepro.adam.endpoints import read_adeff, read_adsl
from clinrepro.presentation.figure_data import (
    course_data,
    log_axis,
    measures_data,
    one,
    overlap_data,
    part,
    response_data,
    shown_method,
    subgroup_data,
    subgroup_levels,
    forest_rows,
    visit_times,
    waterfall_data,
    wide,
)
from clinrepro.base.files import read_table, write_tables
from clinrepro.base.printed import fixed
from clinrepro.base.study import (
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
from clinrepro.presentation.words import p_text, population_label
from clinrepro.base.terms import (
    ANTIBODIES,
    POPULATION_FLAGS,
    SUBGROUP_NAMES,
    TEST_NAMES,
    joined_words,
    shown,
)

logger = logging.getLogger(__name__)


def tick_label(cohort: dict, code: str) -> str:
    """A visit's label on an axis, its parenthesis on a second line."""
    return visit_label(cohort, code).replace(" (", "\n(")


def measured_codes(cohort: dict) -> list[str]:
    return [visit["code"] for visit in measured_visits(cohort)]


def criterion_words(response: dict, cohort: dict) -> str:
    """A response criterion for people: the visit by its label ('... at week 24')."""
    return shown(
        criterion_text({**response, "visit": visit_label(cohort, response["visit"])}, cohort)
    )


# captions name at most this many patients; the others are counted
LISTED_PATIENTS = 10
# over max_patients_drawn patients (config figures:), distributions replace patients
AGGREGATE_WORDS = "boxes: median and quartiles, whiskers: 5th to 95th percentile"
# lines ending this close (a fraction of the axis) get their labels moved apart
LABEL_GAP = 0.045
# at most this many patients' lines are labelled one by one
LABELLED_LINES = 20


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


def tested_words(p: float, method: str) -> str:
    """'p = 0.026, paired t-test on the log scale', or why there is no p."""
    if np.isnan(p):
        return f"no {TEST_NAMES[method]} (too few pairs)"
    return f"{p_words(p)}, {TEST_NAMES[method]}"


def aggregated(n: int, settings: dict) -> bool:
    """Whether n patients are too many to draw one by one."""
    return n > settings["max_patients_drawn"]


def visit_boxes(ax, columns: list[np.ndarray], positions: list[float], colour: str,
                width: float = 0.3) -> None:  # fmt: skip
    """The distribution at each visit (at `positions`), medians joined."""
    present = [(x, values[~np.isnan(values)]) for x, values in zip(positions, columns)]
    present = [(x, values) for x, values in present if len(values)]
    if not present:
        return
    parts = ax.boxplot(
        [values for _, values in present],
        positions=[x for x, _ in present],
        widths=width,
        whis=(5, 95),
        showfliers=False,
        patch_artist=True,
        medianprops={"color": style.INK},
        manage_ticks=False,
    )
    for box in parts["boxes"]:
        box.set(facecolor=colour, alpha=0.6)
    ax.plot([x for x, _ in present], [np.median(v) for _, v in present], color=colour, lw=1.2)


def lines_of(drawn: pd.DataFrame, mark: str = "patient") -> dict[str, pd.Series]:
    """Each patient's drawn values against x, in time order."""
    rows = part(drawn, mark=mark)
    return {
        patient: group.set_index("x")["value"].sort_index()
        for patient, group in rows.groupby("label", sort=False)
    }


def patient_lines(ax, lines: dict[str, pd.Series], colour_of, **style_options) -> list[str]:
    """One line a patient through the visits they were seen at; a patient seen once is a
    point. Returns the patients seen once."""
    once = []
    for patient, values in lines.items():
        ax.plot(values.index, values.to_numpy(), color=colour_of(patient), **style_options)
        if len(values) < 2:
            once.append(patient)
    return once


def end_labels(ax, lines: dict[str, pd.Series], colour_of, y_span: float, x_step: float) -> None:
    """Each line's patient at its right end; where lines end together their labels are
    spread apart around them, a thin stroke joining each moved label to its line."""
    ends = sorted((values.iloc[-1], values.index[-1], p) for p, values in lines.items())
    placed = spread_apart([y for y, _, _ in ends], LABEL_GAP * y_span)
    for (y, x, patient), at in zip(ends, placed):
        ax.annotate(str(patient), (x, y), xytext=(x + x_step, at), textcoords="data",
                    va="center", fontsize=8, color=colour_of(patient), annotation_clip=False,
                    arrowprops={"arrowstyle": "-", "color": style.MUTED, "lw": 0.5})  # fmt: skip


def spread_apart(positions: list[float], gap: float) -> list[float]:
    """Sorted positions moved apart to at least `gap`: each crowded group is laid out
    `gap` apart around the mean of where its members were."""
    groups: list[list[float]] = []  # the original positions of each group, in order
    for position in positions:
        groups.append([position])
        while len(groups) > 1 and group_start(groups[-1], gap) < group_end(groups[-2], gap) + gap:
            last = groups.pop()
            groups[-1] += last
    return [group_start(group, gap) + i * gap for group in groups for i in range(len(group))]


def group_start(group: list[float], gap: float) -> float:
    return float(np.mean(group)) - (len(group) - 1) * gap / 2


def group_end(group: list[float], gap: float) -> float:
    return group_start(group, gap) + (len(group) - 1) * gap


def bracket(ax, left: float, right: float, top: float, words: str) -> None:
    """A bracket from `left` to `right` at height `top`, its words above."""
    tick = 0.03 * top
    ax.plot([left, left, right, right], [top - tick, top, top, top - tick], color=style.INK, lw=0.8)
    ax.text((left + right) / 2, top + tick / 2, words, ha="center", va="bottom", fontsize=8)


def count_words(n: float) -> str:
    return "n not reported" if np.isnan(n) else f"n = {n:.0f}"


def time_axis(ax, cohort: dict, codes: list[str], reach: float = 0.0) -> None:
    """Visits at their times, to scale; the axis reaches `reach` beyond the last visit."""
    times = visit_times(cohort)
    ax.set_xticks([times[c] for c in codes], [tick_label(cohort, c) for c in codes])
    first, last = min(times[c] for c in codes), max(times[c] for c in codes)
    span = last - first or 1
    ax.set_xlim(first - 0.06 * span, last + max(reach, 0.08 * span))
    ax.set_xlabel(f"time since baseline ({cohort['time_unit']}), to scale")


def counts_under(ax, counts: dict[float, float], top: float) -> None:
    """Each visit's n in the band under zero (room made for it: the axis starts at
    -COUNT_BAND x `top`), neighbours on alternate rows so that close visits stay legible."""
    for row, (x, n) in enumerate(sorted(counts.items())):
        y = -(0.35 if row % 2 == 0 else 0.75) * COUNT_BAND * top
        ax.text(x, y, count_words(n), ha="center", va="center", fontsize=8, color=style.INK)


# the band under zero where the course figure writes each visit's n, a fraction of the top
COUNT_BAND = 0.2


def course(data: dict, analysis: dict, settings: dict, cohort: dict):
    """The main outcome's measure at every visit, on a time axis: recomputed next to
    reported, n under every visit."""
    role = primary_role(analysis)
    parameter, target = analysis["response"][role]["parameter"], analysis["response"][role]["visit"]
    flag, base = analysis["populations"][role], cohort["baseline_visit"]
    drawn = course_data(data["adeff"], data["ard"], data["reported"], analysis, cohort, flag,
                        parameter, target)  # fmt: skip
    codes, measured, times = visit_codes(cohort), measured_codes(cohort), visit_times(cohort)
    lines = lines_of(drawn)
    values = wide(data["adeff"], parameter, flag, measured)
    paired = values.dropna(subset=[base, target]).index
    missing = values.index[~among(values.index, paired)].tolist()
    n = len(values)
    name = measure_label(cohort, parameter)
    figure, (ax,) = style.new_figure(6.6, 4.4)
    many = aggregated(n, settings)
    span = max(times.values()) - min(times.values()) or 1
    if many:
        visit_boxes(ax, [values[v].to_numpy(float) for v in measured],
                    [times[v] - 0.025 * span for v in measured], style.MUTED, 0.03 * span)  # fmt: skip
        patients_words = f"grey {AGGREGATE_WORDS}, at each visit"
    else:
        patient_lines(
            ax, lines, lambda _: style.MUTED, lw=0.8, alpha=0.7, zorder=1, marker=".", ms=3
        )
        patients_words = "grey lines: each patient through the visits they were seen at"
    at = {
        v: {mark: one(drawn, mark=mark, visit=v) for mark in ("mean", "sd", "n")} for v in measured
    }
    ax.errorbar([times[v] for v in measured], [at[v]["mean"] for v in measured],
                yerr=[at[v]["sd"] for v in measured], color=style.INK, marker="o", ms=6, capsize=4,
                lw=1.6, zorder=3, label="recomputed from the per-patient data, mean ± SD")  # fmt: skip
    reported = {v: {m: one(drawn, mark=f"reported_{m}", visit=v) for m in ("mean", "sd", "n")}
                for v in codes if not np.isnan(one(drawn, mark="reported_mean", visit=v))}  # fmt: skip
    shift = 0.012 * span
    spread = {v: one(drawn, mark="time_sd", visit=v) for v in reported}
    if reported:
        ax.errorbar([times[v] + shift for v in reported], [r["mean"] for r in reported.values()],
                    yerr=[np.nan_to_num(r["sd"]) for r in reported.values()],
                    xerr=[np.nan_to_num(spread[v]) for v in reported], color=style.PALETTE[0],
                    marker="o", mfc="white", ms=6, capsize=4, lw=1.2, ls="--", zorder=2,
                    label="reported, mean ± SD")  # fmt: skip
    reported_only = [v for v in reported if v not in measured]
    p = one(drawn, mark="p_value")
    method = primary_method(analysis, parameter)
    present = part(drawn, mark="patient")["value"].to_numpy(dtype=float)
    highest = np.percentile(present, 95) if many and len(present) else present.max(initial=0)
    tops = [at[v]["mean"] + np.nan_to_num(at[v]["sd"]) for v in measured]
    tops += [r["mean"] + np.nan_to_num(r["sd"]) for r in reported.values()]
    top = np.nanmax([highest, *tops]) * 1.08 + 1
    bracket(ax, times[base], times[target], top, tested_words(p, method))
    counts_under(ax, {times[v]: at[v]["n"] for v in measured}
                 | {times[v]: reported[v]["n"] for v in reported_only}, top)  # fmt: skip
    time_axis(
        ax, cohort, codes, max([0.0, *(np.nan_to_num(s) for s in spread.values())]) + 0.04 * span
    )
    # room under zero for the counts, no tick below it
    ax.set_ylim(bottom=-COUNT_BAND * top, top=top * 1.15 + 1)
    ax.axhline(0, color=style.MUTED, lw=0.5)
    ax.set_yticks([tick for tick in ax.get_yticks() if 0 <= tick <= top * 1.15 + 1])
    ax.set_ylabel(f"{name} ({unit(cohort, parameter)})")
    ax.set_title(f"{name} at every visit")
    ax.plot([], [], color=style.MUTED, lw=6 if many else 0.8,
            label=f"{'distribution' if many else 'each patient'} (n = {n})")  # fmt: skip
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    caption = (
        f"{name} in {population_phrase(flag, analysis, n)}, "
        f"against time since baseline drawn to scale ({cohort['time_unit']}). Filled: mean ± SD "
        f"recomputed from the per-patient data at each visit "
        f"({', '.join(visit_label(cohort, v) for v in measured)}), its n under it (in the band below zero); "
        f"{patients_words}; {len(paired)} with values at {visit_label(cohort, base)} and "
        f"{visit_label(cohort, target)}, {missing_words(missing, 'both')}. "
        + reported_words(cohort, reported, reported_only, spread)
        + f"The bracket states the p of the {TEST_NAMES[method]} of {visit_label(cohort, base)} "
        f"against {visit_label(cohort, target)} (two-sided), run by the workflow on the "
        "per-patient data."
    )  # fmt: skip
    style.footnote(figure, f"Population: {population_label(flag, analysis)}, n = {n}; "
                   f"paired n = {len(paired)}.")  # fmt: skip
    title = f"{name} at every visit"
    meta = {"population": flag, "n": n,
            "n_missing": len(missing), "p_value": p}  # fmt: skip
    return figure, title, caption, meta, drawn


def reported_words(cohort: dict, reported: dict, reported_only: list[str], spread: dict) -> str:
    """The caption's sentence on the reported summaries."""
    if not reported:
        return "No summaries are reported for this measure. "
    words = "Open markers, dashed: mean ± SD as reported"
    if reported_only:
        words += (f"; {', '.join(visit_label(cohort, v) for v in reported_only)}: reported "
                  "summaries only (no per-patient data), so no test is made for them")  # fmt: skip
    spreads = [f"{visit_label(cohort, v)} at {fixed(visit_times(cohort)[v], 1)} ± "
               f"{fixed(s, 1)} {cohort['time_unit']} (mean ± SD, the horizontal bar)"
               for v, s in spread.items() if not np.isnan(s)]  # fmt: skip
    if spreads:
        words += f"; the follow-up time varies between patients: {joined_words(spreads)}"
    unknown = [
        visit_label(cohort, v)
        for v, r in reported.items()
        if np.isnan(r["n"]) and v in reported_only
    ]
    if unknown:
        words += f"; n not reported at {joined_words(unknown)}"
    return words + ". "


def disease_overlap(data: dict, analysis: dict, settings: dict, cohort: dict):
    """Overlap of the two active-disease criteria at baseline."""
    adsl = data["adsl"]
    (left_role, left), (right_role, right) = list(analysis["active_disease"].items())[:2]
    flags = {role: analysis["populations"][role] for role in (left_role, right_role)}
    first, second = adsl[flags[left_role]] == "Y", adsl[flags[right_role]] == "Y"
    names = {("Y", "N"): f"{left_role} only", ("Y", "Y"): "both", ("N", "Y"): f"{right_role} only",
             ("N", "N"): "neither"}  # fmt: skip
    drawn = overlap_data(adsl, flags[left_role], flags[right_role], names)
    counts = {label: int(one(drawn, label=label)) for label in names.values()}
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
    return figure, title, caption, meta, drawn


def response_values(
    adeff: pd.DataFrame, response: dict, flag: str, cohort: dict
) -> tuple[pd.Series, pd.Series, str]:
    """Each patient's responder flag at the response visit, and the axis label of its
    change."""
    percent = response["measure"] == "percent_change"
    rows = adeff[
        (adeff["PARAMCD"] == response["parameter"])
        & (adeff["AVISIT"] == response["visit"])
        & (adeff[flag] == "Y")
    ].set_index("SUBJID")
    rows.index = rows.index.astype(str)
    label = (
        f"{short_name(cohort, response['parameter'])} {'percent ' if percent else ''}change at "
        f"{visit_label(cohort, response['visit'])} "
        + ("(%)" if percent else f"({unit(cohort, response['parameter'])})")
    )
    return rows["CRIT1FL"].astype(object).fillna(""), label


def changes_of(drawn: pd.DataFrame, panel: str) -> pd.Series:
    """Each patient's drawn change, keyed by patient."""
    rows = part(drawn, mark="change", panel=panel)
    return pd.Series(rows["value"].to_numpy(dtype=float), index=rows["label"].to_numpy())


def threshold_line(response: dict) -> float:
    return -response["threshold"] if response["direction"] == "decrease" else response["threshold"]


def secondary_role(analysis: dict) -> str:
    """The second response criterion's role (the first's when there is only one)."""
    roles = list(analysis["response"])
    return roles[1] if len(roles) > 1 else roles[0]


def response_patients(data: dict, analysis: dict, settings: dict, cohort: dict):
    """The second response criterion per patient: its measure at every visit against the
    scale's ceiling, and each patient's improvement at the response visit against the
    threshold and against the best the scale allows."""
    role = secondary_role(analysis)
    flag, response = analysis["populations"][role], analysis["response"][role]
    parameter, target, base = response["parameter"], response["visit"], cohort["baseline_visit"]
    attainable = attainability(data["adsl"], data["adeff"], analysis, cohort)
    drawn = response_data(data["adeff"], response, flag, cohort, attainable)
    measured, times = measured_codes(cohort), visit_times(cohort)
    values = wide(data["adeff"], parameter, flag, measured)
    paired = values.dropna(subset=[base, target])
    responder, label = response_values(data["adeff"], response, flag, cohort)
    change = changes_of(drawn, "improvement").sort_values(kind="stable")
    best = part(drawn, mark="best_possible").set_index("label")["value"]
    reachable = best[best >= response["threshold"]].index.tolist()
    reach = [patient for patient in reachable if patient in change.index]  # of those with a bar
    many = aggregated(len(values), settings)
    # one bar a patient: the figure grows with them so their labels stay apart
    height = 4.4 if many else max(4.4, 1.6 + 0.2 * len(change))
    figure, (left, right) = style.new_figure(9.0, height, columns=2)
    figure.subplots_adjust(wspace=0.55)
    colour = lambda patient: (
        style.RESPONDER if responder.get(patient) == "Y" else style.MUTED
    )  # noqa: E731
    high = cohort["measures"][parameter].get("high")
    name = short_name(cohort, parameter)
    lines = lines_of(drawn)
    once = []
    if many:
        for part_colour, flagged in ((style.RESPONDER, "Y"), (style.MUTED, "N")):
            rows = values[values.index.astype(str).map(responder).isin([flagged])]
            visit_boxes(left, [rows[v].to_numpy(float) for v in measured],
                        [times[v] for v in measured], part_colour, 0.06 * max(times.values()))  # fmt: skip
    else:
        once = patient_lines(left, lines, colour, marker="o", ms=3.5, lw=1.1)
    if high is not None:
        left.axhline(high, color=style.INK, ls=":", lw=1)
        left.text(times[base], high, f"scale maximum {high:g}", va="bottom", fontsize=8)
    time_axis(left, cohort, measured)
    left.set_xlabel("")
    labelled = not many and len(lines) <= LABELLED_LINES
    if labelled:
        y_low, y_high = left.get_ylim()
        end_labels(left, lines, colour, y_high - y_low, 0.08 * (times[target] - times[base]))
    left.set_ylabel(f"{name} ({unit(cohort, parameter)})")
    left.set_title(f"{name} per patient")
    criterion = criterion_words(response, cohort)
    left.plot([], [], color=style.RESPONDER, label=f"responder ({criterion})")
    left.plot([], [], color=style.MUTED, label="non-responder")
    if not many:
        left.plot([], [], marker="|", ls="", ms=10, color=style.INK,
                  label="best change the scale allows (right)")  # fmt: skip
    figure.legend(loc="upper center", ncol=3, bbox_to_anchor=(0.5, 1.07))
    line = threshold_line(response)
    if many:
        is_responder = change.index.map(responder).isin(["Y"])
        right.hist([change[is_responder].to_numpy(), change[~is_responder].to_numpy()], bins=40,
                   stacked=True, color=[style.RESPONDER, style.MUTED])  # fmt: skip
        right.set_ylabel("patients")
        top = right.get_ylim()[1]
    else:
        improvement_bars(right, change, best, colour, response)
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
        f"{missing_words(missing, 'both')}"
        + (f"; drawn as a single point with no bar on the right: {patient_list(once)}" if once else "")
        + f". Green: responders ({criterion}), {n_responders} of {len(change)}."
        + (f" Left: the dotted line is the scale's maximum ({high:g})." if high is not None else "")
        + (" Each line is labelled with its patient at its last visit." if labelled else "")
        + (f" Right: each patient's {'percent ' if percent else ''}change; the dashed line is "
           f"the response threshold ({line:+g}{percent}); a tick marks the best improvement "
           f"the scale allows from the patient's baseline (beyond the axis where it has no "
           f"limit); {len(reach)} of the {len(change)} with both values could reach the "
           f"threshold at all ({patient_list(reach) if reach else 'none'}). A zero change is "
           "drawn as a short mark on the zero line." if not many else "")
        + (f" Drawn as distributions (over {settings['max_patients_drawn']} patients): left, "
           f"{AGGREGATE_WORDS}, responders and non-responders; right, a histogram of the "
           "improvements." if many else "")
    )  # fmt: skip
    style.footnote(figure, f"Population: {population_label(flag, analysis)}, n = {len(values)}; "
                   f"paired n = {len(paired)}.")  # fmt: skip
    title = f"{measure_label(cohort, parameter)} per patient, {role} response"
    meta = {"population": flag, "n": len(values), "n_missing": len(missing),
            "n_responders": n_responders, "n_attainable": len(reachable)}  # fmt: skip
    return figure, title, caption, meta, drawn


def improvement_bars(ax, change: pd.Series, best: pd.Series, colour, response: dict) -> None:
    """One bar a patient, its value in its label; a zero a visible mark; the best
    improvement the scale allows a tick."""
    sign = -1 if response["direction"] == "decrease" else 1
    ax.barh(range(len(change)), change.to_numpy(), color=[colour(p) for p in change.index])
    for position, (patient, value) in enumerate(change.items()):
        if value == 0:
            ax.plot([0], [position], marker="|", ms=10, mew=2.5, color=colour(patient))
        reach = best.get(patient, np.nan)
        if np.isfinite(reach):
            ax.plot([sign * reach], [position], marker="|", ms=12, mew=1.2, color=style.INK)
    labels = [f"patient {p}: {'+' if v > 0 else ''}{fixed(v, 1)}" for p, v in change.items()]
    ax.set_yticks(range(len(change)), labels, fontsize=8)


def order_words(change: pd.Series) -> str:
    """How the bars are ordered, in the words the data allow."""
    if (change > 0).any() and (change < 0).any():
        return "largest increase left, largest decrease right"
    if (change <= 0).all():
        return "smallest decrease left, largest decrease right"
    return "largest increase left, smallest increase right"


def waterfall(data: dict, analysis: dict, settings: dict, cohort: dict):
    """Each patient's change in the main outcome's measure at the response visit, coloured by
    treatment."""
    role = primary_role(analysis)
    flag, response = analysis["populations"][role], analysis["response"][role]
    target = visit_label(cohort, response["visit"])
    drawn = waterfall_data(data["adeff"], response, flag)
    _, label = response_values(data["adeff"], response, flag, cohort)
    population = wide(data["adeff"], response["parameter"], flag, [response["visit"]])
    change = changes_of(drawn, "waterfall").sort_values(ascending=False, kind="stable")
    missing = [p for p in population.index.astype(str) if p not in change.index]
    treatment = data["adsl"].set_index(data["adsl"]["SUBJID"].astype(str))["TRT01A"]
    groups = sorted(treatment.unique())
    colour_of = {group: style.PALETTE[i % len(style.PALETTE)] for i, group in enumerate(groups)}
    figure, (ax,) = style.new_figure(7.0, 4.0)
    many = aggregated(len(change), settings)
    if many:
        # each group's changes, sorted, against the patients' rank within the group
        group_of = change.index.map(treatment)
        for group in groups:
            values = change[group_of == group].to_numpy()
            ax.plot(np.linspace(0, 100, len(values)), values, color=colour_of[group], lw=1.6)
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
    criterion = criterion_words(response, cohort)
    ax.axhline(threshold_line(response), color=style.INK, ls="--", lw=1,
               label=f"response threshold:\n{criterion}")  # fmt: skip
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="treatment")
    name = measure_label(cohort, response["parameter"])
    ax.set_title(f"{name}: change from baseline at {target}, per patient")
    caption = (
        f"Change in {name} from baseline to {target} in {population_phrase(flag, analysis, len(change))} "
        f"with both values, {order_words(change)}; {missing_words(missing, 'a value at ' + target)}. "
        f"{'Each line is one group, its patients ranked by change' if many else 'Bars are coloured by treatment and daily dose'}; "
        f"the dashed line is the response threshold ({criterion})."
    )  # fmt: skip
    style.footnote(figure, f"Population: {population_label(flag, analysis)}, n = {len(change) + len(missing)}; "
                   f"shown n = {len(change)}.")  # fmt: skip
    title = f"{name}: change at {target}, per patient"
    meta = {"population": flag, "n": len(change) + len(missing), "n_missing": len(missing)}
    return figure, title, caption, meta, drawn


def other_measures(data: dict, analysis: dict, settings: dict, cohort: dict):
    """The measures no response criterion names, at every visit, each patient a line; a log
    axis where the range calls for it, the test of the scale drawn, the normal range where
    the settings declare one."""
    flag, base = analysis["populations"]["cohort"], cohort["baseline_visit"]
    target = analysis["response"][primary_role(analysis)]["visit"]
    named = {response["parameter"] for response in analysis["response"].values()}
    present = set(data["adeff"]["PARAMCD"].unique())
    shown_measures = [code for code in cohort["measures"] if code not in named and code in present]
    drawn = measures_data(data["adeff"], data["ard"], analysis, cohort, flag, shown_measures,
                          target, settings["log_scale_ratio"])  # fmt: skip
    measured, times = measured_codes(cohort), visit_times(cohort)
    columns = max(len(shown_measures), 1)
    figure, axes = style.new_figure(4.2 * columns, 4.4, columns=columns)
    figure.subplots_adjust(wspace=0.45)
    parts, meta = [], {"population": flag}
    if not shown_measures:
        axes[0].text(0.5, 0.5, "every measure of this cohort is a response measure",
                     ha="center", transform=axes[0].transAxes)  # fmt: skip
        axes[0].axis("off")
        parts.append("Every measure of this cohort is named by a response criterion")
    many, logged, with_sd, clipped = False, [], [], []
    antibody = data["adsl"].set_index(data["adsl"]["SUBJID"].astype(str))["ABTYPE"]
    for ax, parameter in zip(axes, shown_measures):
        values = wide(data["adeff"], parameter, flag, measured)
        paired = values.dropna(subset=[base, target])
        panel = part(drawn, panel=parameter)
        many = many or aggregated(len(values), settings)
        logarithmic = log_axis(values.to_numpy(dtype=float), settings["log_scale_ratio"])
        if logarithmic:
            ax.set_yscale("log")
            logged.append(short_name(cohort, parameter))
        limits = value_limits(part(panel, mark="patient")["value"].to_numpy(float), logarithmic)
        if aggregated(len(values), settings):
            visit_boxes(ax, [values[v].to_numpy(float) for v in measured],
                        [times[v] for v in measured], style.PALETTE[0],
                        0.06 * max(times.values()))  # fmt: skip
        else:
            sds = lines_of(panel, "sd")
            if sds:
                with_sd.append(short_name(cohort, parameter))
            for patient, line in lines_of(panel).items():
                clipped += sd_bars(ax, line, sds.get(patient), limits, patient)
            highest = part(panel, mark="patient").sort_values("value", kind="stable").iloc[-1]
            patient_note(ax, highest, antibody, last=highest["x"] == times[measured[-1]])
            meta[f"{parameter}_highest_patient"] = highest["label"]
        ax.set_ylim(*limits)
        normal = normal_range(ax, cohort, parameter)
        name = f"{measure_label(cohort, parameter)} ({unit(cohort, parameter)})"
        ax.set_ylabel(name + (", log scale" if logarithmic else ""))
        time_axis(ax, cohort, measured)
        ax.set_xlabel("")
        method = shown_method(analysis, parameter, logarithmic)
        p = one(panel, mark="p_value")
        ax.set_title(f"{short_name(cohort, parameter)}: {len(paired)} pairs\n"
                     f"{tested_words(p, method)}", fontsize=9)  # fmt: skip
        missing = values.index[~among(values.index, paired.index)].tolist()
        parts.append(f"{name}: {len(paired)} patients with values at {visit_label(cohort, base)} and "
                     f"{visit_label(cohort, target)}, {missing_words(missing, 'both')}; "
                     f"{tested_words(p, method)}{normal}")  # fmt: skip
        meta |= {f"{parameter}_n_pairs": len(paired), f"{parameter}_n_missing": len(missing),
                 f"{parameter}_p_value": p, f"{parameter}_method": method}  # fmt: skip
    n = len(data["adsl"][data["adsl"][flag] == "Y"])
    meta["n"] = n
    names = (
        joined_words([measure_label(cohort, code) for code in shown_measures]) or "No other measure"
    )
    caption = (
        f"{names} at every visit in {population_phrase(flag, analysis, n)}"
        + (f", drawn as distributions (over {settings['max_patients_drawn']} patients): "
           f"{AGGREGATE_WORDS}. " if many else ", each patient a line; the highest value is "
           "labelled with its patient. ")
        + ". ".join(parts) + ". "
        + (f"Error bars: SD of the replicate assays of {joined_words(with_sd)}, where the table "
           "prints one" + (f"; a triangle marks a bar cut at the axis ({patient_list(sorted(set(clipped), key=str))})"
                           if clipped else "") + ". " if with_sd else "")
        + (f"Logarithmic axis for {joined_words(logged)}: the largest value is more than "
           f"{settings['log_scale_ratio']:g} times the smallest; its p is that of the paired "
           "t-test on the log scale (the scale drawn). " if logged else "")
        + (f"p-values: two-sided paired tests of {visit_label(cohort, base)} against "
           f"{visit_label(cohort, target)}." if shown_measures else "")
    ).strip()  # fmt: skip
    style.footnote(figure, f"Population: {population_label(flag, analysis)}, n = {n}.")
    title = f"{names} at every visit" if shown_measures else "Other measures"
    return figure, title, caption, meta, drawn


def patient_note(ax, point: pd.Series, antibody: pd.Series, last: bool) -> None:
    """A point labelled with its patient and antibody, on the side away from the panel's edge."""
    level = antibody.get(point["label"])
    ax.annotate(f"patient {point['label']} ({ANTIBODIES.get(level, level)})",
                (point["x"], point["value"]), xytext=(-6 if last else 6, -2),
                textcoords="offset points", ha="right" if last else "left", va="top", fontsize=8)  # fmt: skip


def value_limits(values: np.ndarray, logarithmic: bool) -> tuple[float, float]:
    """The axis range of the values themselves (error bars beyond it are cut and marked)."""
    if not len(values):
        return (0.1, 1.0) if logarithmic else (0.0, 1.0)
    low, high = values.min(), values.max()
    if logarithmic:
        return low / 1.6, high * 1.6
    pad = 0.08 * (high - low or 1)
    return low - pad, high + pad


def sd_bars(ax, line: pd.Series, sds: pd.Series | None, limits, patient: str) -> list[str]:
    """A patient's values joined, with their replicate SDs as bars cut at the axis (a
    triangle where cut); returns the patient once for each bar cut."""
    ax.plot(line.index, line.to_numpy(), color=style.PALETTE[0], marker="o", ms=3.5, lw=1)
    cut = []
    if sds is None:
        return cut
    for x, sd in sds.items():
        value = line.get(x, np.nan)
        if np.isnan(value) or np.isnan(sd):
            continue
        low, high = max(value - sd, limits[0]), min(value + sd, limits[1])
        ax.plot([x, x], [low, high], color=style.PALETTE[0], lw=0.8)
        for end, edge, marker in ((value - sd, limits[0], "v"), (value + sd, limits[1], "^")):
            if (end < edge) if marker == "v" else (end > edge):
                ax.plot([x], [edge], marker=marker, ms=5, color=style.PALETTE[0], clip_on=False)
                cut.append(patient)
    return cut


def normal_range(ax, cohort: dict, parameter: str) -> str:
    """The measure's declared normal range as lines, and the caption's words about it."""
    normal = cohort["measures"][parameter].get("normal")
    if not normal:
        return ""
    words = []
    for end, name in (("low", "lower"), ("high", "upper")):
        if end in normal:
            ax.axhline(normal[end], color=style.RESPONDER, ls="--", lw=1)
            ax.annotate(f"{name} limit of normal {normal[end]:g}", (1.0, normal[end]),
                        xycoords=("axes fraction", "data"), ha="right", va="bottom", fontsize=8,
                        color=style.RESPONDER)  # fmt: skip
            words.append(f"{name} limit of normal, {normal[end]:g} {unit(cohort, parameter)}")
    return f"; the green dashed line is the {joined_words(words)}, from {normal['source']}"


def forest(ax, rows: pd.DataFrame, xlabel: str, reference: float | None = None,
           limits: tuple[float, float] | None = None) -> list[str]:  # fmt: skip
    """Estimates with their intervals, one row each, top to bottom, n and p on the right.

    `rows` has columns label, value, ci_lower, ci_upper and annotation; a row without an
    interval (one patient) is drawn as a hollow point, a row without a value only labelled.
    With `limits`, an interval beyond them is cut at the axis and a triangle marks the cut
    end; returns the labels of the rows cut.
    """
    low, high = limits if limits is not None else (-np.inf, np.inf)
    positions = np.arange(len(rows))[::-1]
    cut = []
    for y, (_, row) in zip(positions, rows.iterrows()):
        if pd.notna(row["ci_lower"]) and pd.notna(row["ci_upper"]):
            ax.plot([max(row["ci_lower"], low), min(row["ci_upper"], high)], [y, y],
                    color=style.INK, lw=1.2)  # fmt: skip
            ax.plot(row["value"], y, "s", color=style.PALETTE[0], ms=5)
            for end, edge, marker in ((row["ci_lower"], low, "<"), (row["ci_upper"], high, ">")):
                if (end < edge) if marker == "<" else (end > edge):
                    ax.plot([edge], [y], marker=marker, ms=6, color=style.INK, clip_on=False)
                    cut.append(row["label"])
        elif pd.notna(row["value"]):
            ax.plot(row["value"], y, "s", mfc="white", color=style.PALETTE[0], ms=5)
        ax.annotate(row["annotation"], (1.05, y), xycoords=("axes fraction", "data"),
                    va="center", fontsize=8)  # fmt: skip
    if reference is not None:
        ax.axvline(reference, color=style.MUTED, lw=0.8, ls="--")
    if limits is not None:
        ax.set_xlim(*limits)
    ax.set_yticks(positions, rows["label"].tolist(), fontsize=8)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel(xlabel)
    return list(dict.fromkeys(cut))


def subgroup_label(category: str) -> str:
    """'ABTYPE=MDA5' -> 'antibody: anti-MDA5'."""
    variable, level = category.split("=", 1)
    return f"{SUBGROUP_NAMES[variable]}: {ANTIBODIES.get(level, level) if variable == 'ABTYPE' else level}"


def interval_words(row, places: int) -> str:
    """'n = 3: -12.7 (-25.1 to -0.3)', or without an interval 'n = 1: -4.0'."""
    if pd.isna(row["value"]):
        return "no estimate"
    words = f"n = {row['n']:.0f}: {fixed(row['value'], places)}"
    if pd.notna(row["ci_lower"]):
        words += f" ({fixed(row['ci_lower'], places)} to {fixed(row['ci_upper'], places)})"
    return words


def subgroup_rows(drawn: pd.DataFrame, analysis: str, value: str, places: int) -> pd.DataFrame:
    """The forest's rows of one subgroup analysis: label, estimate, interval, n and its
    numbers, from the drawn table."""
    rows = forest_rows(drawn, analysis, value)
    rows.insert(0, "label", [subgroup_label(category) for category in rows["category"]])
    rows["annotation"] = [interval_words(row, places) for _, row in rows.iterrows()]
    return rows


def sensible_limits(rows: pd.DataFrame) -> tuple[float, float]:
    """An axis for estimates and most intervals: every estimate and 0, with the median
    half-width of the intervals on each side (wider intervals are cut and marked)."""
    values = rows["value"].dropna().to_numpy(dtype=float)
    widths = (rows["ci_upper"] - rows["ci_lower"]).dropna().to_numpy(dtype=float)
    half = np.median(widths) / 2 if len(widths) else 1.0
    low = min(values.min(initial=0), 0) - half
    high = max(values.max(initial=0), 0) + half
    return low, high


def subgroups(data: dict, analysis: dict, settings: dict, cohort: dict):
    """Forest plot: the main outcome's response rate and mean change by subgroup, at the
    response visit."""
    role = primary_role(analysis)
    flag, response = analysis["populations"][role], analysis["response"][role]
    parameter, level, visit = response["parameter"], analysis["confidence_level"], response["visit"]
    target = visit_label(cohort, visit)
    levels = subgroup_levels(data["ard"], flag, parameter, visit)
    drawn = subgroup_data(data["ard"], flag, parameter, visit, levels)
    places = cohort["measures"][parameter]["decimals"] + 1
    rates = subgroup_rows(drawn, "subgroup_response", "pct", 0)
    changes = subgroup_rows(drawn, "subgroup_paired_test", "mean_change", places)
    height = 1.4 + 0.36 * max(len(rates), len(changes))
    figure, (left, right) = style.new_figure(10.5, height, columns=2)
    criterion = criterion_words(response, cohort)
    forest(left, rates, f"response rate, % ({criterion})", limits=(-5, 105))
    cut = forest(right, changes, f"mean {short_name(cohort, parameter)} change at {target} "
                 f"({unit(cohort, parameter)})", reference=0, limits=sensible_limits(changes))  # fmt: skip
    left.set_title(f"Response rate, exact {level:.0%} CI", fontsize=9)
    right.set_title(f"Mean change, {level:.0%} t-interval", fontsize=9)
    figure.subplots_adjust(wspace=1.45)
    small = changes[changes["value"].notna() & changes["ci_lower"].isna()]["label"].tolist()
    caption = (
        f"{role.capitalize()} response ({criterion}) and mean {short_name(cohort, parameter)} "
        f"change from baseline to {target} in {population_phrase(flag, analysis)}, by "
        + joined_words([SUBGROUP_NAMES.get(v, v) for v in analysis["subgroups"]])
        + f", at {target} alone. Every level is shown with its n, estimate and interval on the "
        f"right, however small; hollow points have no interval (fewer than two patients): "
        f"{', '.join(small) if small else 'none'}. Response rates: exact Clopper-Pearson "
        "intervals; mean changes: t-intervals"
        + (f"; intervals wider than the axis are cut at it, a triangle marking the cut end "
           f"({joined_words(cut)})" if cut else "")
        + "."
    )  # fmt: skip
    style.footnote(
        figure, f"Population: {population_label(flag, analysis)}; n per level on the right."
    )
    title = f"{role.capitalize()} response and {short_name(cohort, parameter)} change by subgroup"
    meta = {"population": flag, "levels": len(rates), "visit": visit, "cut": cut}
    return figure, title, caption, meta, drawn


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
    """Draw one figure and write its PNG, SVG, caption and the table of what it draws."""
    tables, analysis, settings, cohort, outputs = job
    figure, title, caption, meta, drawn = FIGURES[name](tables, analysis, settings, cohort)
    if cohort["synthetic"]:
        style.mark_synthetic(figure)
        caption = f"SYNTHETIC DATA. {caption}"
    style.save(figure, {fmt: outputs[f"{name}_{fmt}"] for fmt in style.FORMATS}, settings["dpi"])
    write_tables({outputs[f"{name}_data"]: drawn})
    write_caption(
        outputs[f"{name}_caption"], {"figure": name, "title": title, "caption": caption, **meta}
    )
    logger.info("%s: %s", name, caption)


def write_caption(path: str, record: dict) -> None:
    """A figure's title, caption and counts as JSON, keys sorted."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=2, sort_keys=True, ensure_ascii=False)
        handle.write("\n")
