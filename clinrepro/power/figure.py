"""The power figure: power against n of each endpoint's planning effect, a panel per design.

A data step (`curve_lines`: which lines, merged where two endpoints give the same curve) and
a thin drawing step (`draw`). Only what is drawn is named in the legend and the caption.
"""

from __future__ import annotations

import matplotlib

from clinrepro.presentation import style
from clinrepro.power.scenarios import ANCOVA, SINGLE, TWO
from clinrepro.base.study import design_words, trial_name

# text on the figure: at least 10 px where the report shows the 10-inch figure 1000 px wide
TEXT_PT = 8.5


def curve_lines(curve: list[dict]) -> list[dict]:
    """One line per design, endpoint, analysis and method; a line identical to an earlier
    one of the same design and analysis is drawn once, the later endpoints named as `same`."""
    lines: dict[tuple, dict] = {}
    for row in curve:
        key = (row["design"], row["endpoint"], row["analysis"], row["method"])
        line = lines.setdefault(key, {"design": row["design"], "endpoint": row["endpoint"],
                                      "assumption": row["assumption"], "analysis": row["analysis"],
                                      "method": row["method"], "n": [], "power": [], "same": [],
                                      "members": [row["endpoint"]]})  # fmt: skip
        line["n"].append(row["n"])
        line["power"].append(row["power"])
    drawn: dict[tuple, dict] = {}
    for line in lines.values():
        shape = (line["design"], line["analysis"], line["method"], tuple(line["n"]),
                 tuple(round(p, 9) for p in line["power"]))  # fmt: skip
        if shape in drawn:
            drawn[shape]["same"].append(f"{line['endpoint']}: {line['assumption']}")
            drawn[shape]["members"].append(line["endpoint"])
        else:
            drawn[shape] = line
    return list(drawn.values())


def legend_label(line: dict) -> str:
    label = f"{line['endpoint']}: {line['assumption']}"
    return label + "".join(f"\nsame curve: {other}" for other in line["same"])


def draw(results, settings: dict, cohort: dict, paths: dict) -> str:
    """Power against n of each endpoint's planning assumption, a panel per design; the
    cohort's own n (where the effect was fixed before looking) and the following trial's
    planned n (a two-arm trial: on the two-arm panel) marked. Returns the caption."""
    trial = cohort.get("follow_up_trial") or {}
    planned_n = trial.get("planned_n")
    lines = curve_lines(results.curve)
    endpoints = list(dict.fromkeys(line["endpoint"] for line in lines))
    simulated = any(line["method"] == "simulation" for line in lines)
    legend_rows = sum(1 + len(line["same"]) for line in lines if line["design"] == SINGLE
                      and line["method"] != "simulation")  # fmt: skip
    # the layout is fixed by hand, legend and key inside the canvas, so that saving needs no
    # tight-bbox pass (a whole extra drawing of the figure per format)
    height = 4.0 + 0.2 * legend_rows
    figure, axes = style.new_figure(10.0, height, columns=2)
    figure.subplots_adjust(left=0.07, right=0.985, wspace=0.06, bottom=0.75 / height,
                           top=1 - (0.45 + 0.2 * legend_rows) / height)  # fmt: skip
    colours = {name: style.PALETTE[i % len(style.PALETTE)] for i, name in enumerate(endpoints)}
    # an endpoint drawn under another's identical curve takes that curve's colour
    colours |= {m: colours[line["endpoint"]] for line in lines for m in line["members"]
                if m not in colours}  # fmt: skip
    for ax, design in zip(axes, (SINGLE, TWO)):
        for line in lines:
            if line["design"] != design:
                continue
            colour = colours[line["endpoint"]]
            if line["method"] == "simulation":
                ax.plot(line["n"], line["power"], "o", color=colour, ms=4, mfc="white")
                continue
            label = legend_label(line) if design == SINGLE else None
            ax.plot(line["n"], line["power"], color=colour, lw=1.3,
                    ls="--" if line["analysis"] == ANCOVA else "-", label=label)  # fmt: skip
        if design == SINGLE:
            for own in results.own:
                ax.plot(own["n"], own["power"], "D", color=colours[own["endpoint"]], ms=6,
                        mec=style.INK, mew=0.6, zorder=3)  # fmt: skip
        for target in settings["targets"]:
            ax.axhline(target, color=style.MUTED, lw=0.7, ls=":")
        if planned_n and design == trial_design(trial):
            per_arm = planned_n / trial.get("arms", 2)
            words = f" trial: {planned_n}" + (f" ({per_arm:g} per arm)" if design == TWO else "")
            ax.axvline(per_arm, color=style.INK, lw=1, ls="-.")
            ax.text(per_arm, 0.02, words, fontsize=TEXT_PT)
        ax.set_xscale("log")
        ax.set_xticks(settings["curve_n"], [str(n) for n in settings["curve_n"]])
        ax.tick_params(labelsize=TEXT_PT)
        ax.minorticks_off()
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("patients" if design == SINGLE else "patients per arm", fontsize=TEXT_PT)
        if design == SINGLE:  # both panels share the scale 0 to 1
            ax.set_ylabel(f"power (two-sided alpha {settings['alpha']:g})", fontsize=TEXT_PT)
        else:
            ax.tick_params(labelleft=False)
        ax.set_title(design, fontsize=TEXT_PT + 1)
    handles, labels = axes[0].get_legend_handles_labels()
    # from the left edge of the panels, leaving the top right corner to a SYNTHETIC mark
    figure.legend(handles, labels, loc="upper left", ncol=1, fontsize=TEXT_PT,
                  bbox_to_anchor=(0.04, 1 - 0.05 / height))  # fmt: skip
    figure.text(0.01, 0.03 / height, key_words(bool(results.own), simulated), fontsize=TEXT_PT,
                color=style.INK, va="bottom")  # fmt: skip
    if cohort["synthetic"]:
        style.mark_synthetic(figure)
    with matplotlib.rc_context({"savefig.bbox": "standard"}):
        style.save(figure, paths, settings["dpi"], settings.cache)
    return caption(settings, cohort, bool(results.own), simulated)


def trial_design(trial: dict) -> str:
    """The panel of the following trial's design: two arms unless its settings say one."""
    return SINGLE if trial.get("arms", 2) == 1 else TWO


def key_words(own: bool, simulated: bool) -> str:
    """The figure's key: only what is drawn."""
    said = ["Lines: by formula (dashed: ANCOVA; the exact binomial test's sawtooth at every n)"]
    if simulated:
        said.append("open points: simulated")
    if own:
        said.append("diamonds (single-arm panel): the cohort's own n at its planning effect")
    return "; ".join(said) + "."


def caption(settings: dict, cohort: dict, own: bool, simulated: bool) -> str:
    design_name = design_words(cohort)
    trial = cohort.get("follow_up_trial") or {}
    planned_n = trial.get("planned_n")
    two = trial_design(trial) == TWO
    trial_said = (
        f"the dash-dot line ({'right' if two else 'left'}) marks the {planned_n} patients"
        + (f", {planned_n / 2:g} per arm," if two else "")
        + f" planned for {trial_name(trial)}; "
        if planned_n
        else ""
    )
    simulated_said = (
        f"; open points: {settings['simulations']:,} simulated trials per point where the test "
        "or the data call for it"
        if simulated
        else ""
    )
    own_said = (
        f"; diamonds, on the single-arm panel: the power the {design_name}'s own n had at that "
        "effect"
        if own
        else ""
    )
    return (
        "Power against sample size for each endpoint at its planning effect (the first offered "
        "effect fixed before looking at the data: a response criterion or an effect of the "
        f"settings; else the lower limit of the {design_name}'s own change), with the SD the "
        "settings name: single-arm paired design (left) and a two-arm trial against placebo "
        "(right, patients per arm; solid: change-score t-test or two proportions, dashed: "
        f"ANCOVA on the baseline), two-sided alpha {settings['alpha']:g}. Lines: by formula (the "
        "exact binomial test's sawtooth at every n)"
        f"{simulated_said}{own_said}; {trial_said}dotted lines: the target powers. Two endpoints "
        "with the same curve are drawn once, the legend naming both. Rows withdrawn (an effect "
        "beyond the scale, no benefit, or an estimate one patient carries) and the rows for "
        "reference (the observed effect, a lower limit beyond the effects fixed before looking) "
        "are not drawn."
    )
