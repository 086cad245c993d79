"""The parts several figures draw: distributions and patient lines through the visits,
labels spread apart, brackets, the time axis, counts under it, and the forest of estimates
with their intervals. No study facts: those arrive as arguments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clinrepro.base.study import measured_visits
from clinrepro.presentation import style
from clinrepro.presentation.figure_data import part, visit_times
from clinrepro.presentation.figure_words import count_words, tick_label


def measured_codes(cohort: dict) -> list[str]:
    return [visit["code"] for visit in measured_visits(cohort)]


# lines ending this close (a fraction of the axis) get their labels moved apart
LABEL_GAP = 0.045
# at most this many patients' lines are labelled one by one
LABELLED_LINES = 20


def aggregated(n: int, settings: dict) -> bool:
    """Whether n patients are too many to draw one by one."""
    return n > settings["max_patients_drawn"]


def visit_boxes(ax, columns: list[np.ndarray], positions: list[float], colour: str,
                width: float | None = None) -> None:  # fmt: skip
    """The distribution at each visit (at `positions`), medians joined; each box `width`
    wide, by default BOX_SHARE of the span of the positions (inside the margins that
    `time_axis` leaves around the visits it is given)."""
    if width is None:
        width = BOX_SHARE * (max(positions) - min(positions) or 1)
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


# a visit's box, as a share of the span of the visits drawn: half of it either side of a
# visit stays within the 6 % and 8 % margins of `time_axis`
BOX_SHARE = 0.06


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
