"""Figures: the paper's figure and supplemental figures, rebuilt from the analysis datasets.

Each figure function draws on a house-style figure and returns its caption; every caption
names the population and n, and counts the patients left out for a missing value.
Significance marks come from the workflow's own tests (the ARD), never from the paper.
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
from clinrepro.endpoints import criterion_text, read_adeff, read_adsl
from clinrepro.files import read_table
from clinrepro.terms import ANTIBODIES, SYMBOLS, TEST_NAMES, population_words, shown

logger = logging.getLogger(__name__)
COURSE_VISITS = ("M0", "M3", "M6", "FU")
VISIT_LABELS = {"M0": "M0\n(baseline)", "M3": "M3", "M6": "M6", "FU": "FU\n(last follow-up)"}


def wide(adeff: pd.DataFrame, parameter: str, flag: str, column: str = "AVAL") -> pd.DataFrame:
    """One row a patient of the population, one column a visit."""
    rows = adeff[(adeff["PARAMCD"] == parameter) & (adeff[flag] == "Y")]
    table = rows.pivot(index="SUBJID", columns="AVISIT", values=column)
    visits = list(
        dict.fromkeys([*table.columns, "M0", "M3"])
    )  # a visit nobody attended is all missing
    return table.reindex(index=pd.unique(rows["SUBJID"]), columns=visits)


# captions name at most this many patients; the others are counted
LISTED_PATIENTS = 10
# over max_patients_drawn patients (config figures:), distributions replace patients
AGGREGATE_WORDS = "boxes: median and quartiles, whiskers: 5th to 95th percentile"


def patient_list(patients: list[str]) -> str:
    """'patient 3, 11' or, for many, the first ones and how many more."""
    shown_ids = ", ".join(patients[:LISTED_PATIENTS])
    more = len(patients) - LISTED_PATIENTS
    return f"patient {shown_ids}" + (f" and {more:,} more" if more > 0 else "")


def missing_words(patients: list[str], what: str) -> str:
    if not patients:
        return f"no patient without {what}"
    return f"{len(patients)} without {what} ({patient_list(patients)})"


def aggregated(n: int, settings: dict) -> bool:
    """Whether n patients are too many to draw one by one."""
    return n > settings["max_patients_drawn"]


def paired_boxes(ax, before: np.ndarray, after: np.ndarray, colour: str, shift=0.0) -> None:
    """The distribution at M0 and at the later visit (x = 0 and 1, moved by `shift`),
    medians joined."""
    positions = [shift, 1 + shift]
    parts = ax.boxplot(
        [before, after],
        positions=positions,
        widths=0.3,
        whis=(5, 95),
        showfliers=False,
        patch_artist=True,
        medianprops={"color": style.INK},
    )
    for box in parts["boxes"]:
        box.set(facecolor=colour, alpha=0.6)
    ax.plot(positions, [np.median(before), np.median(after)], color=colour, lw=1.2)


def test_words(ard, analysis, parameter, flag, visit, alpha) -> tuple[str, float]:
    test = analysis["tests"][parameter]
    p = result(
        ard,
        analysis="paired_test",
        population=flag,
        parameter=parameter,
        visit=visit,
        method=test,
        statistic="p_value",
    )
    mark = "*" if p <= alpha else "n.s."
    return f"{mark} p = {p:.2g}, {TEST_NAMES[test]}", p


def cdasi_course(data: dict, analysis: dict, settings: dict):
    """Figure 1: CDASI over M0, M3, M6 and last follow-up, recomputed next to reported."""
    flag = analysis["populations"]["cutaneous"]
    values = wide(data["adeff"], "CDASI", flag)
    paired = values.dropna(subset=["M0", "M3"])
    figure, (ax,) = style.new_figure(6.2, 4.2)
    x = {visit: i for i, visit in enumerate(COURSE_VISITS)}
    many = aggregated(len(paired), settings)
    if many:
        paired_boxes(ax, paired["M0"].to_numpy(), paired["M3"].to_numpy(), style.MUTED, -0.2)
        patients_words = f"grey {AGGREGATE_WORDS}, of the {len(paired)} patients with both values"
    else:
        for _, patient in paired.iterrows():
            ax.plot(
                [0, 1],
                [patient["M0"], patient["M3"]],
                color=style.MUTED,
                lw=0.8,
                alpha=0.7,
                zorder=1,
            )
        patients_words = f"grey lines: the {len(paired)} patients with both values"
    ax.plot(
        [],
        [],
        color=style.MUTED,
        lw=6 if many else 0.8,
        label=f"{'distribution' if many else 'each patient'}, M0 to M3 (n = {len(paired)})",
    )
    stat = lambda visit, name: result(
        data["ard"],
        analysis="summary",
        population=flag,
        parameter="CDASI",
        visit=visit,
        statistic=name,
    )  # noqa: E731
    means = [stat(v, "mean") for v in ("M0", "M3")]
    sds = [stat(v, "sd") for v in ("M0", "M3")]
    ax.errorbar(
        [0, 1],
        means,
        yerr=sds,
        color=style.INK,
        marker="o",
        ms=6,
        capsize=4,
        lw=1.6,
        zorder=3,
        label="recomputed from the per-patient data, mean ± SD",
    )
    reported = data["reported"]
    reported = reported[reported["parameter"] == "CDASI"].pivot(
        index="visit", columns="statistic", values="value"
    )
    reported = reported.reindex([v for v in COURSE_VISITS if v in reported.index])
    shift = 0.08
    ax.errorbar(
        [x[v] + shift for v in reported.index],
        reported["mean"],
        yerr=reported["sd"],
        color=style.PALETTE[0],
        marker="o",
        mfc="white",
        ms=6,
        capsize=4,
        lw=1.2,
        ls="--",
        zorder=2,
        label="reported in the paper, mean ± SD",
    )
    for visit in reported.index.difference(["M0", "M3"]):
        top_of_bar = reported.at[visit, "mean"] + reported.at[visit, "sd"]
        ax.annotate(
            "reported",
            (x[visit] + shift, top_of_bar),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            color=style.PALETTE[0],
        )
    alpha = settings["significance_level"]
    words, p = test_words(data["ard"], analysis, "CDASI", flag, "M3", alpha)
    drawn = paired[["M0", "M3"]].to_numpy()
    highest = np.percentile(drawn, 95) if many else drawn.max()
    top = np.nanmax([highest, means[0] + sds[0]]) + 4
    ax.plot([0, 0, 1, 1], [top - 1.5, top, top, top - 1.5], color=style.INK, lw=0.8)
    ax.text(0.5, top + 1, words, ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(COURSE_VISITS)), [VISIT_LABELS[v] for v in COURSE_VISITS])
    ax.set_xlim(-0.4, len(COURSE_VISITS) - 0.6)
    ax.set_ylim(bottom=0, top=top + (20 if many else 8))
    ax.set_ylabel("CDASI activity (points)")
    ax.set_title("CDASI activity at follow-up")
    ax.legend(loc="upper right")
    missing = values.index[~among(values.index, paired.index)].tolist()
    caption = (
        f"CDASI activity in the {len(values)} {population_words(flag)}. Filled: mean ± SD "
        f"recomputed from the per-patient table at M0 and M3; {patients_words}; "
        f"{missing_words(missing, 'both values')}. Open markers, dashed: mean ± SD as reported in the paper; "
        "M6 and last follow-up are reported summaries only (no per-patient data; population not stated), "
        f"so no test is made for them. {words.split(',')[0].replace('n.s.', 'Not significant:')} "
        f"(two-sided, M0 vs M3, {TEST_NAMES[analysis['tests']['CDASI']]} run by the workflow; * marks p ≤ {alpha:g})."
    )
    paired_footnote(figure, flag, len(values), len(paired))
    return (
        figure,
        caption,
        {"population": flag, "n": len(values), "n_missing": len(missing), "p_value": p},
    )


def paired_footnote(figure, flag: str, n: int, n_paired: int) -> None:
    style.footnote(figure, f"Population: {population_words(flag)}, n = {n}; paired n = {n_paired}.")


def criterion_words(criterion: dict) -> str:
    return f"{criterion['parameter']} {SYMBOLS[criterion['comparator']]} {criterion['threshold']:g}"


def disease_overlap(data: dict, analysis: dict, settings: dict):
    """Supplemental figure 1: overlap of active cutaneous and active muscle disease."""
    adsl = data["adsl"]
    cutaneous, muscle = adsl["ACTCUTFL"] == "Y", adsl["ACTMUSFL"] == "Y"
    counts = {
        "cutaneous only": int((cutaneous & ~muscle).sum()),
        "both": int((cutaneous & muscle).sum()),
        "muscle only": int((~cutaneous & muscle).sum()),
        "neither": int((~cutaneous & ~muscle).sum()),
    }
    figure, (ax,) = style.new_figure(5.4, 3.6)
    for centre, colour in ((-0.55, style.PALETTE[1]), (0.55, style.PALETTE[0])):
        ax.add_patch(
            Circle((centre, 0), 1.0, facecolor=colour, alpha=0.25, edgecolor=colour, lw=1.5)
        )
    ax.text(-0.95, 0, str(counts["cutaneous only"]), ha="center", va="center", fontsize=16)
    ax.text(0, 0, str(counts["both"]), ha="center", va="center", fontsize=16)
    ax.text(0.95, 0, str(counts["muscle only"]), ha="center", va="center", fontsize=16)
    active = analysis["active_disease"]
    ax.text(
        -0.9,
        1.12,
        f"Active cutaneous disease\n{criterion_words(active['cutaneous'])}: n = {int(cutaneous.sum())}",
        ha="center",
        va="bottom",
        fontsize=8.5,
    )
    ax.text(
        0.9,
        1.12,
        f"Active muscle disease\n{criterion_words(active['muscle'])}: n = {int(muscle.sum())}",
        ha="center",
        va="bottom",
        fontsize=8.5,
    )
    ax.text(1.75, -1.0, f"neither: {counts['neither']}", ha="right", va="bottom", fontsize=8.5)
    ax.set_xlim(-1.8, 1.8)
    ax.set_ylim(-1.15, 1.65)
    ax.set_aspect("equal")
    ax.axis("off")
    baseline = data["adeff"][(data["adeff"]["ABLFL"] == "Y")]
    unknown = {
        side: baseline[
            (baseline["PARAMCD"] == active[side]["parameter"]) & baseline["AVAL"].isna()
        ]["SUBJID"].tolist()
        for side in ("cutaneous", "muscle")
    }
    notes = [
        f"{len(ids)} without a baseline {active[side]['parameter']} ({patient_list(ids)}) counted as not active"
        for side, ids in unknown.items()
        if ids
    ]
    caption = (
        f"Active cutaneous ({criterion_words(active['cutaneous'])} at baseline) and active muscle disease "
        f"({criterion_words(active['muscle'])} at baseline; the paper does not define it) among all {len(adsl)} "
        f"treated patients: {counts['cutaneous only']} cutaneous only, {counts['both']} both, "
        f"{counts['muscle only']} muscle only, {counts['neither']} neither. "
        + ("; ".join(notes) + "." if notes else "No baseline value is missing.")
    )
    style.footnote(figure, f"Population: every treated patient (SAFFL), n = {len(adsl)}.")
    return (
        figure,
        caption,
        {
            "population": "SAFFL",
            "n": len(adsl),
            "n_missing": sum(len(i) for i in unknown.values()),
            **counts,
        },
    )


def response_values(
    adeff: pd.DataFrame, response: dict, flag: str
) -> tuple[pd.Series, pd.Series, str]:
    """Each patient's change (or percent change) at the response visit, with their flag."""
    column = "CHG" if response["measure"] == "change" else "PCHG"
    rows = adeff[
        (adeff["PARAMCD"] == response["parameter"])
        & (adeff["AVISIT"] == response["visit"])
        & (adeff[flag] == "Y")
    ]
    rows = rows.set_index("SUBJID")
    unit = "%" if column == "PCHG" else " points"
    label = f"{response['parameter']} {'percent ' if column == 'PCHG' else ''}change at {response['visit']}"
    return (
        rows[column],
        rows["CRIT1FL"].astype(object).fillna(""),
        label + (" (%)" if column == "PCHG" else " (points)") + ("" if unit else ""),
    )


def threshold_line(response: dict) -> float:
    return -response["threshold"] if response["direction"] == "decrease" else response["threshold"]


def mmt8_patients(data: dict, analysis: dict, settings: dict):
    """Supplemental figure 3: MMT8 per patient, M0 to M3, with the improvement threshold."""
    flag = analysis["populations"]["muscle"]
    response = analysis["response"]["muscle"]
    values = wide(data["adeff"], response["parameter"], flag)
    paired = values.dropna(subset=["M0", response["visit"]])
    change, responder, label = response_values(data["adeff"], response, flag)
    change = change.dropna().sort_values()
    figure, (left, right) = style.new_figure(8.0, 4.0, columns=2)
    many = aggregated(len(paired), settings)
    if many:
        for colour, part in ((style.RESPONDER, "Y"), (style.MUTED, "N")):
            rows = paired[paired.index.map(responder).isin([part])]
            if len(rows):
                paired_boxes(
                    left, rows["M0"].to_numpy(), rows[response["visit"]].to_numpy(), colour
                )
    else:
        for patient, row in paired.iterrows():
            colour = style.RESPONDER if responder.get(patient) == "Y" else style.MUTED
            left.plot(
                [0, 1],
                [row["M0"], row[response["visit"]]],
                color=colour,
                marker="o",
                ms=3.5,
                lw=1.1,
            )
    left.set_xticks([0, 1], [VISIT_LABELS["M0"], response["visit"]])
    left.set_xlim(-0.2, 1.2)
    left.set_ylabel(f"{response['parameter']} (points, maximum 150)")
    left.set_title(f"{response['parameter']} per patient")
    left.plot([], [], color=style.RESPONDER, label=f"responder ({shown(criterion_text(response))})")
    left.plot([], [], color=style.MUTED, label="non-responder")
    figure.legend(loc="upper center", ncol=2, bbox_to_anchor=(0.5, 1.07))
    line = threshold_line(response)
    if many:
        is_responder = change.index.map(responder).isin(["Y"])
        right.hist(
            [change[is_responder].to_numpy(), change[~is_responder].to_numpy()],
            bins=40,
            stacked=True,
            color=[style.RESPONDER, style.MUTED],
        )
        right.set_ylabel("patients")
        top = right.get_ylim()[1]
    else:
        colours = [
            style.RESPONDER if responder.get(p) == "Y" else style.MUTED for p in change.index
        ]
        right.barh(range(len(change)), change.to_numpy(), color=colours)
        for position, value in enumerate(change.to_numpy()):
            right.text(
                max(value, 0), position, f" {value:+.1f}", va="center", ha="left", fontsize=7
            )
        right.set_yticks(range(len(change)), [f"patient {p}" for p in change.index])
        top = len(change) - 0.4
    right.axvline(line, color=style.NON_RESPONDER, ls="--", lw=1)
    right.text(
        line,
        top,
        f" {line:+g}{'%' if response['measure'] == 'percent_change' else ''} threshold",
        color=style.NON_RESPONDER,
        fontsize=8,
        va="bottom",
    )
    right.axvline(0, color=style.INK, lw=0.6)
    right.set_xlabel(label)
    right.set_title("Improvement at M3" + (", distribution" if many else ""))
    missing = values.index[~among(values.index, paired.index)].tolist()
    n_responders = int((responder == "Y").sum())
    caption = (
        f"{response['parameter']} at M0 and {response['visit']} in the {len(values)} {population_words(flag)}: "
        f"{len(paired)} with both values, {missing_words(missing, 'both values')}. Green: responders "
        f"({shown(criterion_text(response))}), {n_responders} of {len(change)}; the dashed line is the response threshold."
        + (f" Over {settings['max_patients_drawn']} patients: left, {AGGREGATE_WORDS}, "
           "responders and non-responders; right, a histogram of the improvements." if many else "")
    )  # fmt: skip
    paired_footnote(figure, flag, len(values), len(paired))
    return (
        figure,
        caption,
        {
            "population": flag,
            "n": len(values),
            "n_missing": len(missing),
            "n_responders": n_responders,
        },
    )


def cdasi_waterfall(data: dict, analysis: dict, settings: dict):
    """Waterfall of each patient's CDASI change at M3, coloured by molecule and dose."""
    flag = analysis["populations"]["cutaneous"]
    response = analysis["response"]["cutaneous"]
    change, _, label = response_values(data["adeff"], response, flag)
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
        ax.bar(
            range(len(change)),
            change.to_numpy(),
            color=[colour_of[treatment[p]] for p in change.index],
            width=0.8,
        )
        ax.set_xticks(range(len(change)), change.index.tolist(), fontsize=8)
        ax.set_xlabel("patient")
    ax.set_ylabel(label)
    line = threshold_line(response)
    ax.axhline(0, color=style.INK, lw=0.6)
    for group in groups:
        ax.bar([0], [0], color=colour_of[group], label=group)
    threshold_label = f"response threshold:\n{shown(criterion_text(response))}"
    ax.axhline(line, color=style.INK, ls="--", lw=1, label=threshold_label)
    ax.legend(loc="lower left", title="JAK inhibitor, dose")
    ax.set_title(
        f"{response['parameter']} change from baseline at {response['visit']}, per patient"
    )
    caption = (
        f"Change in {response['parameter']} from baseline to {response['visit']} for each of the {len(change)} "
        f"{population_words(flag)} with both values, largest increase left, largest decrease right; "
        f"{missing_words(missing, 'an ' + response['visit'] + ' value')}. {'Each line is one group, its patients ranked by change' if many else 'Bars are coloured by JAK inhibitor and daily dose'}; "
        f"the dashed line is the response threshold ({shown(criterion_text(response))})."
    )
    style.footnote(
        figure,
        f"Population: {population_words(flag)}, n = {len(change) + len(missing)}; shown n = {len(change)}.",
    )
    return (
        figure,
        caption,
        {"population": flag, "n": len(change) + len(missing), "n_missing": len(missing)},
    )


def laboratory_pairs(data: dict, analysis: dict, settings: dict):
    """Paired before/after plots of CK and IFN-alpha, log scale where the range calls for it."""
    flag = analysis["populations"]["cohort"]
    present_parameters = set(data["adeff"]["PARAMCD"].unique())
    measured = [p for p in ("CK", "IFNA") if p in present_parameters]
    figure, axes = style.new_figure(4.0 * max(len(measured), 1), 4.0, columns=max(len(measured), 1))
    parts, meta = [], {"population": flag}
    if not measured:
        axes[0].text(
            0.5,
            0.5,
            "neither CK nor IFN-α is measured in this cohort",
            ha="center",
            transform=axes[0].transAxes,
        )
        axes[0].axis("off")
        parts.append("Neither creatine kinase nor interferon-α is measured in this cohort")
    for ax, parameter in zip(axes, measured):
        values = wide(data["adeff"], parameter, flag)
        paired = values.dropna(subset=["M0", "M3"])
        if aggregated(len(paired), settings):
            paired_boxes(ax, paired["M0"].to_numpy(), paired["M3"].to_numpy(), style.PALETTE[0])
        else:
            sds = wide(data["adeff"], parameter, flag, "AVALSD")
            for patient, row in paired.iterrows():
                ax.errorbar(
                    [0, 1],
                    [row["M0"], row["M3"]],
                    yerr=[sds.at[patient, "M0"], sds.at[patient, "M3"]],
                    color=style.PALETTE[0],
                    marker="o",
                    ms=3.5,
                    lw=1,
                    capsize=2,
                    elinewidth=0.8,
                )
        present = paired.to_numpy(dtype=float).ravel()
        logarithmic = (
            bool(len(present))
            and present.min() > 0
            and present.max() / present.min() > settings["log_scale_ratio"]
        )
        if logarithmic:
            ax.set_yscale("log")
        name, short = {
            "CK": ("Creatine kinase (IU/L)", "CK"),
            "IFNA": ("Serum IFN-α (fg/mL)", "IFN-α"),
        }[parameter]
        ax.set_ylabel(name + (", log scale" if logarithmic else ""))
        ax.set_xticks([0, 1], [VISIT_LABELS["M0"], "M3"])
        ax.set_xlim(-0.2, 1.2)
        words, p = test_words(
            data["ard"], analysis, parameter, flag, "M3", settings["significance_level"]
        )
        ax.set_title(f"{short}: n = {len(paired)} pairs\n{words}", fontsize=9)
        missing = values.index[~among(values.index, paired.index)].tolist()
        parts.append(
            f"{name}: {len(paired)} patients with both values, {missing_words(missing, 'both values')}"
        )
        meta.update(
            {
                f"{parameter}_n_pairs": len(paired),
                f"{parameter}_n_missing": len(missing),
                f"{parameter}_p_value": p,
            }
        )
    n = len(data["adsl"][data["adsl"][flag] == "Y"])
    meta["n"] = n
    caption = (
        f"Creatine kinase and serum interferon-α at M0 and M3 in the {n} {population_words(flag)}. "
        + "; ".join(parts)
        + ". Error bars: SD of replicate assays where Table 1 prints one"
        + f" (over {settings['max_patients_drawn']} patients, {AGGREGATE_WORDS}, and no replicate SDs)"
        + ". A logarithmic axis is used when the largest "
        f"value exceeds {settings['log_scale_ratio']:g} times the smallest. Tests: the workflow's two-sided paired tests, M0 vs M3."
    )
    style.footnote(figure, f"Population: {population_words(flag)}, n = {n}.")
    return figure, caption, meta


FIGURES = {
    "cdasi_course": cdasi_course,
    "disease_overlap": disease_overlap,
    "mmt8_patients": mmt8_patients,
    "cdasi_waterfall": cdasi_waterfall,
    "laboratory_pairs": laboratory_pairs,
}


def load_inputs(adsl: str, adeff: str, ard: str, reported: str) -> dict:
    """The tables every figure draws from."""
    return {
        "adsl": read_adsl(adsl),
        "adeff": read_adeff(adeff),
        "ard": read_ard(ard),
        "reported": read_table(reported),
    }


def run(inputs: dict, analysis: dict, settings: dict, outputs: dict) -> None:
    """Draw every figure of a variant; write each one's images and caption."""
    tables = load_inputs(inputs["adsl"], inputs["adeff"], inputs["ard"], inputs["reported"])
    for name, draw in FIGURES.items():
        figure, caption, meta = draw(tables, analysis, settings)
        if settings["synthetic"]:
            style.mark_synthetic(figure)
            caption = f"SYNTHETIC DATA. {caption}"
        style.save(
            figure, {fmt: outputs[f"{name}_{fmt}"] for fmt in style.FORMATS}, settings["dpi"]
        )
        with open(outputs[f"{name}_caption"], "w", encoding="utf-8") as handle:
            record = {"figure": name, "caption": caption, **meta}
            json.dump(record, handle, indent=2, sort_keys=True, ensure_ascii=False)
            handle.write("\n")
        logger.info("%s: %s", name, caption)


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


SUBGROUP_NAMES = {"TRTMOL": "molecule", "TRT01A": "dose", "ABTYPE": "antibody", "SEX": "sex"}


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


def subgroups(data: dict, analysis: dict, settings: dict):
    """Forest plot: response rate and mean change by molecule, dose and antibody."""
    flag = analysis["populations"]["cutaneous"]
    response = analysis["response"]["cutaneous"]
    parameter = response["parameter"]
    rates = subgroup_rows(data["ard"], "subgroup_response", flag, parameter, "pct")
    changes = subgroup_rows(data["ard"], "subgroup_paired_test", flag, parameter, "mean_change")
    height = 1.2 + 0.32 * max(len(rates), len(changes))
    figure, (left, right) = style.new_figure(9.0, height, columns=2)
    forest(left, rates, f"response rate, % ({shown(criterion_text(response))})")
    left.set_xlim(-5, 105)
    forest(right, changes, f"mean {parameter} change at {response['visit']} (points)", reference=0)
    left.set_title("Response rate, exact 95% CI", fontsize=9)
    right.set_title("Mean change, 95% t-interval", fontsize=9)
    figure.subplots_adjust(wspace=0.9)
    small = changes[changes["value"].notna() & changes["ci_lower"].isna()]["label"].tolist()
    caption = (
        f"Cutaneous response ({shown(criterion_text(response))}) and mean {parameter} change at "
        f"{response['visit']} in the {population_words(flag)}, by JAK inhibitor, daily dose and "
        f"myositis-specific antibody. Every level is shown with its n, however small; hollow points have "
        f"no interval (fewer than two patients): {', '.join(small) if small else 'none'}. Response rates: exact "
        "Clopper-Pearson intervals; mean changes: t-intervals."
    )
    style.footnote(figure, f"Population: {population_words(flag)}; n per level on the right.")
    return figure, caption, {"population": flag, "levels": len(rates)}


FIGURES["subgroups"] = subgroups
