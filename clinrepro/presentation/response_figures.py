"""The figures of who is active and who responds: the overlap of the active-disease criteria,
the second response criterion per patient, and the waterfall of the main outcome."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Circle

from clinrepro.audit.eligibility import attainability
from clinrepro.base.columns import among
from clinrepro.base.printed import fixed
from clinrepro.base.study import (
    active_words,
    comparison_words,
    domains,
    measure_label,
    primary_role,
    short_name,
    unit,
    visit_label,
)
from clinrepro.presentation import style
from clinrepro.presentation.figure_data import (
    one,
    overlap_data,
    part,
    response_data,
    visit_times,
    waterfall_data,
    wide,
)
from clinrepro.presentation.figure_parts import (
    LABELLED_LINES,
    aggregated,
    end_labels,
    lines_of,
    measured_codes,
    patient_lines,
    time_axis,
    visit_boxes,
)
from clinrepro.presentation.figure_words import (
    AGGREGATE_WORDS,
    criterion_words,
    missing_words,
    patient_list,
    population_phrase,
)
from clinrepro.base.study import population_label


def disease_overlap(data: dict, analysis: dict, settings: dict, cohort: dict):
    """Overlap of the first two domains' active-disease criteria at baseline; with one
    domain, who has it active."""
    if len(domains(analysis)) < 2:
        return disease_activity(data, analysis)
    adsl = data["adsl"]
    (left_role, left), (right_role, right) = list(analysis["active_disease"].items())[:2]
    flags = {role: analysis["populations"][role] for role in (left_role, right_role)}
    first, second = adsl[flags[left_role]] == "Y", adsl[flags[right_role]] == "Y"
    names = {("Y", "N"): f"{left_role} only", ("Y", "Y"): "both", ("N", "Y"): f"{right_role} only",
             ("N", "N"): "neither"}  # fmt: skip
    drawn = overlap_data(adsl, [flags[left_role], flags[right_role]], names)
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
            f"judged by {comparison_words(criterion['otherwise'])} instead"
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


def disease_activity(data: dict, analysis: dict):
    """The one domain's active disease at baseline: how many of the treated patients have
    it, how many not (the overlap figure of a study with one domain)."""
    adsl = data["adsl"]
    ((role, criterion),) = analysis["active_disease"].items()
    flag, active = domains(analysis)[role]["flag"], domains(analysis)[role]["active"]
    names = {("Y",): active, ("N",): f"not {active}"}
    drawn = overlap_data(adsl, [flag], names)
    counts = {label: int(one(drawn, label=label)) for label in names.values()}
    figure, (ax,) = style.new_figure(5.4, 3.6)
    ax.add_patch(Circle((0, 0), 1.0, facecolor=style.PALETTE[0], alpha=0.25,
                        edgecolor=style.PALETTE[0], lw=1.5))  # fmt: skip
    ax.text(0, 0, str(counts[active]), ha="center", va="center", fontsize=16)
    ax.text(0, 1.12, f"{active[0].upper()}{active[1:]}\n{active_words(criterion)}",
            ha="center", va="bottom", fontsize=8.5)  # fmt: skip
    ax.text(1.75, -1.0, f"not active: {counts[names[('N',)]]}", ha="right", va="bottom",
            fontsize=8.5)  # fmt: skip
    ax.set_xlim(-1.8, 1.8)
    ax.set_ylim(-1.15, 1.65)
    ax.set_aspect("equal")
    ax.axis("off")
    baseline = data["adeff"][data["adeff"]["ABLFL"] == "Y"]
    unknown = baseline[(baseline["PARAMCD"] == criterion["parameter"]) & baseline["AVAL"].isna()]
    ids = unknown["SUBJID"].tolist()
    otherwise = criterion.get("otherwise")
    how = (
        f"judged by {comparison_words(otherwise)} instead" if otherwise else "counted as not active"
    )
    caption = (
        f"{active[0].upper()}{active[1:]} ({active_words(criterion)} at baseline) among all "
        f"{len(adsl)} treated patients: {counts[active]} active, {counts[names[('N',)]]} not. "
        + (
            f"{len(ids)} without a baseline {criterion['parameter']} ({patient_list(ids)}) {how}."
            if ids
            else "No baseline value is missing."
        )
    )
    style.footnote(figure, f"Population: {population_label('SAFFL', analysis)}, n = {len(adsl)}.")
    meta = {"population": "SAFFL", "n": len(adsl), "n_missing": len(ids), **counts}
    return figure, f"{active[0].upper()}{active[1:]} at baseline", caption, meta, drawn


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
    reachable = best.index[best >= response["threshold"]]
    reach = [*reachable[among(reachable, change.index)]]  # of those with a bar
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
    lines = {} if many else lines_of(drawn)  # one line a patient: up to max_patients_drawn
    once = []
    if many:
        for part_colour, flagged in ((style.RESPONDER, "Y"), (style.MUTED, "N")):
            rows = values[values.index.astype(str).map(responder).isin([flagged])]
            visit_boxes(left, [rows[v].to_numpy(float) for v in measured],
                        [times[v] for v in measured], part_colour)  # fmt: skip
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
    title = f"Improvement at {visit_label(cohort, target)}" + (", distribution" if many else "")
    improvement_panel(right, change, best, colour, responder, response, label, title, many)
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
        + improvement_words(response, change, reach, many, settings["max_patients_drawn"])
    )  # fmt: skip
    style.footnote(figure, f"Population: {population_label(flag, analysis)}, n = {len(values)}; "
                   f"paired n = {len(paired)}.")  # fmt: skip
    title = f"{measure_label(cohort, parameter)} per patient, {role} response"
    meta = {"population": flag, "n": len(values), "n_missing": len(missing),
            "n_responders": n_responders, "n_attainable": len(reach)}  # fmt: skip
    return figure, title, caption, meta, drawn


# the threshold's name above the improvements' axis (points), and the title's own gap
# above what is under it (Matplotlib's default, points)
THRESHOLD_FONT = 8
TITLE_PAD = 6.0


def improvement_panel(ax, change: pd.Series, best: pd.Series, colour, responder: pd.Series,
                      response: dict, label: str, title: str, many: bool) -> None:  # fmt: skip
    """Each patient's improvement at the response visit against the threshold (a bar a
    patient, or over many a histogram of responders and non-responders)."""
    line = threshold_line(response)
    if many:
        is_responder = change.index.map(responder).isin(["Y"])
        ax.hist([change[is_responder].to_numpy(), change[~is_responder].to_numpy()], bins=40,
                stacked=True, color=[style.RESPONDER, style.MUTED])  # fmt: skip
        ax.set_ylabel("patients")
    else:
        improvement_bars(ax, change, best, colour, response)
    percent = "%" if response["measure"] == "percent_change" else ""
    ax.axvline(line, color=style.NON_RESPONDER, ls="--", lw=1)
    # named just above the axis, at the line; the title is lifted clear of the name
    ax.text(line, 1.0, f" {line:+g}{percent} threshold", color=style.NON_RESPONDER,
            fontsize=THRESHOLD_FONT, va="bottom", transform=ax.get_xaxis_transform())  # fmt: skip
    ax.axvline(0, color=style.INK, lw=0.6)
    ax.set_xlabel(label)
    ax.set_title(title, pad=TITLE_PAD + 1.2 * THRESHOLD_FONT)


def improvement_words(response: dict, change: pd.Series, reach: list[str], many: bool,
                      max_drawn: int) -> str:  # fmt: skip
    """The caption's sentences on the improvements (the right panel)."""
    line = threshold_line(response)
    percent = "%" if response["measure"] == "percent_change" else ""
    return (
        (f" Right: each patient's {'percent ' if percent else ''}change; the dashed line is "
         f"the response threshold ({line:+g}{percent}); a tick marks the best improvement "
         f"the scale allows from the patient's baseline (beyond the axis where it has no "
         f"limit); {len(reach)} of the {len(change)} with both values could reach the "
         f"threshold at all ({patient_list(reach) if reach else 'none'}). A zero change is "
         "drawn as a short mark on the zero line." if not many else "")
        + (f" Drawn as distributions (over {max_drawn} patients): left, "
           f"{AGGREGATE_WORDS}, responders and non-responders; right, a histogram of the "
           "improvements." if many else "")
    )  # fmt: skip


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
    patients = population.index.astype(str)
    missing = [*patients[~among(patients, change.index)]]
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
