"""The figures of measures through the visits: the main outcome's course (recomputed next to
reported, n under every visit) and the other measures, each patient a line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clinrepro.base.columns import among
from clinrepro.base.printed import fixed
from clinrepro.base.study import (
    measure_label,
    primary_method,
    primary_role,
    short_name,
    unit,
    visit_codes,
    visit_label,
)
from clinrepro.base.terms import TEST_NAMES, joined_words
from clinrepro.base.vocabularies import cohort_terms
from clinrepro.presentation import style
from clinrepro.presentation.figure_data import (
    course_data,
    log_axis,
    measures_data,
    one,
    part,
    shown_method,
    visit_times,
    wide,
)
from clinrepro.presentation.figure_parts import (
    COUNT_BAND,
    aggregated,
    bracket,
    counts_under,
    lines_of,
    measured_codes,
    patient_lines,
    time_axis,
    visit_boxes,
)
from clinrepro.presentation.figure_words import (
    AGGREGATE_WORDS,
    missing_words,
    patient_list,
    population_phrase,
    tested_words,
)
from clinrepro.base.study import population_label


def course(data: dict, analysis: dict, settings: dict, cohort: dict):
    """The main outcome's measure at every visit, on a time axis: recomputed next to
    reported, n under every visit."""
    role = primary_role(analysis)
    parameter, target = analysis["response"][role]["parameter"], analysis["response"][role]["visit"]
    flag, base = analysis["populations"][role], cohort["baseline_visit"]
    drawn = course_data(data["adeff"], data["ard"], data["reported"], analysis, cohort, flag,
                        parameter, target)  # fmt: skip
    codes, measured, times = visit_codes(cohort), measured_codes(cohort), visit_times(cohort)
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
        # one line a patient, made only when drawn (up to figures.max_patients_drawn)
        lines, muted = lines_of(drawn), lambda _: style.MUTED
        patient_lines(ax, lines, muted, lw=0.8, alpha=0.7, zorder=1, marker=".", ms=3)
        patients_words = "grey lines: each patient through the visits they were seen at"
    at = {
        v: {mark: one(drawn, mark=mark, visit=v) for mark in ("mean", "sd", "n")} for v in measured
    }
    ax.errorbar([times[v] for v in measured], [at[v]["mean"] for v in measured],
                yerr=[at[v]["sd"] for v in measured], color=style.INK, marker="o", ms=6, capsize=4,
                lw=1.6, zorder=3, label="recomputed from the per-patient data, mean ± SD")  # fmt: skip
    reported, spread = reported_marks(ax, drawn, codes, times, span)
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


def reported_marks(ax, drawn: pd.DataFrame, codes: list[str], times: dict, span: float):
    """The reported summaries (mean ± SD, open markers, dashed) beside the recomputed ones,
    the spread of the follow-up times as a horizontal bar; returns each visit's reported
    mean, SD and n, and that spread."""
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
    return reported, spread


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
    codes = data["adsl"].set_index(data["adsl"]["SUBJID"].astype(str))["ABTYPE"]
    names = cohort_terms(cohort)["antibodies"]  # a code without words stays the code
    antibody = codes.map({code: names.get(code, code) for code in codes.unique()})
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
                        [times[v] for v in measured], style.PALETTE[0])  # fmt: skip
        else:
            has_sd, cut, highest = patient_values(ax, panel, limits, antibody, times[measured[-1]])
            with_sd += [short_name(cohort, parameter)] if has_sd else []
            clipped += cut
            meta[f"{parameter}_highest_patient"] = highest
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
        + scale_words(with_sd, clipped, logged, settings["log_scale_ratio"])
        + (f"p-values: two-sided paired tests of {visit_label(cohort, base)} against "
           f"{visit_label(cohort, target)}." if shown_measures else "")
    ).strip()  # fmt: skip
    style.footnote(figure, f"Population: {population_label(flag, analysis)}, n = {n}.")
    title = f"{names} at every visit" if shown_measures else "Other measures"
    return figure, title, caption, meta, drawn


def patient_values(ax, panel: pd.DataFrame, limits, antibody: pd.Series, last_time: float):
    """Each patient's values joined, with their replicate SDs as bars, the highest value
    labelled; returns whether any SD is drawn, the patients of the bars cut at the axis and
    the patient of the highest value."""
    sds = lines_of(panel, "sd")
    clipped = []
    for patient, line in lines_of(panel).items():
        clipped += sd_bars(ax, line, sds.get(patient), limits, patient)
    highest = part(panel, mark="patient").sort_values("value", kind="stable").iloc[-1]
    patient_note(ax, highest, antibody, last=highest["x"] == last_time)
    return bool(sds), clipped, highest["label"]


def scale_words(with_sd: list[str], clipped: list[str], logged: list[str], ratio: float) -> str:
    """The caption's sentences on the error bars and the logarithmic axes."""
    return (
        (f"Error bars: SD of the replicate assays of {joined_words(with_sd)}, where the table "
         "prints one" + (f"; a triangle marks a bar cut at the axis ({patient_list(sorted(set(clipped), key=str))})"
                         if clipped else "") + ". " if with_sd else "")
        + (f"Logarithmic axis for {joined_words(logged)}: the largest value is more than "
           f"{ratio:g} times the smallest; its p is that of the paired "
           "t-test on the log scale (the scale drawn). " if logged else "")
    )  # fmt: skip


def patient_note(ax, point: pd.Series, antibody: pd.Series, last: bool) -> None:
    """A point labelled with its patient and antibody (in words), on the side away from the
    panel's edge."""
    ax.annotate(f"patient {point['label']} ({antibody.get(point['label'])})",
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
            # named beside the axis, at the line's height: inside, the patients' lines would
            # cross the words, or the words hide a patient's value
            ax.annotate(f"{name} limit\nof normal {normal[end]:g}", (1.0, normal[end]),
                        xycoords=("axes fraction", "data"), xytext=(4, 0),
                        textcoords="offset points", ha="left", va="center", fontsize=8,
                        color=style.RESPONDER)  # fmt: skip
            words.append(f"{name} limit of normal, {normal[end]:g} {unit(cohort, parameter)}")
    return f"; the green dashed line is the {joined_words(words)}, from {normal['source']}"
