"""The figures' data steps, by value: what each figure draws, worked out by hand from
Table 1, and the rules that keep a figure from drawing a number no table gives."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from clinrepro.presentation import figure_data, figures
from clinrepro.presentation.figure_parts import spread_apart
from clinrepro.presentation.response_figures import order_words
from clinrepro.presentation.subgroup_figure import sensible_limits, subgroup_rows
from clinrepro.presentation.figure_data import DuplicateKey, one, part
from conftest import ROOT, STORE
from drawn import check_variant

CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))
FIGURE_SETTINGS = CONFIG["figures"]
PILOT = "landon_cardinal_2022"
REPORTED = f"data/raw/{PILOT}/reported_summaries.csv"


@pytest.fixture(scope="module")
def data(pilot):
    from clinrepro.base.files import read_table

    adsl, adeff, ard = pilot
    return {"adsl": adsl, "adeff": adeff, "ard": ard, "reported": read_table(REPORTED)}


def drawn_by(name, data, analysis, cohort):
    figure, title, caption, meta, drawn = figures.FIGURES[name](
        data, analysis, FIGURE_SETTINGS, cohort
    )
    figure.clf()
    return caption, meta, drawn


def test_the_course_draws_the_14_at_their_times_with_the_reported_follow_up(data, analysis, cohort):
    caption, meta, drawn = drawn_by("course", data, analysis, cohort)
    # CDASI in the 14 with active cutaneous disease: 379/14 at M0, 187/14 at M3
    assert one(drawn, mark="mean", visit="M0") == pytest.approx(379 / 14)
    assert one(drawn, mark="mean", visit="M3") == pytest.approx(187 / 14)
    assert one(drawn, mark="n", visit="M3") == 14
    # the time axis is time: months 0, 3, 6 and 21.6 (1.8 years), the follow-up 0.7 years
    # (8.4 months) either side
    times = part(drawn, mark="reported_mean").set_index("visit")["x"].to_dict()
    assert times == {"M0": 0, "M3": 3, "M6": 6, "FU": 21.6}
    assert one(drawn, mark="time_sd", visit="FU") == 8.4
    assert one(drawn, mark="reported_mean", visit="FU") == 5
    assert np.isnan(one(drawn, mark="reported_n", visit="FU"))
    assert "n not reported at M6 and FU (last follow-up)" in caption
    assert "FU (last follow-up) at 21.6 ± 8.4 months (mean ± SD, the horizontal bar)" in caption
    # the bracket states its p: no star, so no threshold to disagree with
    assert "*" not in caption and "The bracket states the p of the paired t-test" in caption
    assert meta["p_value"] < 0.001


def test_the_muscle_figure_draws_the_ceiling_and_who_could_reach_20_percent(data, analysis, cohort):
    caption, meta, drawn = drawn_by("response_patients", data, analysis, cohort)
    best = part(drawn, mark="best_possible").set_index("label")["value"]
    # 150 / baseline - 1: patient 7 (69) 117.4%, 13 (79) 89.9%, 14 (109) 37.6%; the other
    # six start at 131 or more, where 150 is at most 14.5% away
    assert best[["7", "13", "14"]].round(1).tolist() == [117.4, 89.9, 37.6]
    assert (best.drop(["7", "13", "14"]) < 20).all()
    assert meta["n_attainable"] == 3
    assert (
        "3 of the 8 with both values could reach the threshold at all (patients 7, 13 and 14)"
        in caption
    )
    assert "the dotted line is the scale's maximum (150)" in caption
    # patient 11 has no MMT8 at M3: said, and drawn as a point without a bar
    assert "drawn as a single point with no bar on the right: patient 11" in caption
    assert len(part(drawn, mark="change")) == 8
    assert "the dashed line is the response threshold (+20%)" in caption


def test_the_lab_titles_state_the_test_of_the_scale_drawn(data, analysis, cohort):
    caption, meta, drawn = drawn_by("other_measures", data, analysis, cohort)
    # both over 20-fold, so log axes: their p is the log-scale t-test's (IFN-α 0.026, where
    # the raw-scale t-test gives 0.28)
    assert meta["IFNA_method"] == meta["CK_method"] == "paired_t_log"
    assert round(meta["IFNA_p_value"], 3) == 0.026
    assert "p = 0.026, paired t-test on the log scale" in caption
    assert meta["IFNA_highest_patient"] == "12"  # 12,292 fg/mL, anti-MDA5
    assert "the green dashed line is the upper limit of normal, 192 IU/L" in caption


def test_the_waterfall_says_the_order_the_data_have():
    assert order_words(pd.Series([-3.0, -30.0])) == (
        "smallest decrease left, largest decrease right"
    )
    assert order_words(pd.Series([7.0, -36.0])) == ("largest increase left, largest decrease right")


def test_crowded_labels_are_spread_around_where_they_were():
    assert spread_apart([0.0, 0.0], 1.0) == [-0.5, 0.5]
    assert spread_apart([0.0, 10.0], 1.0) == [0.0, 10.0]
    placed = spread_apart([143.0, 144.0, 145.0, 145.0], 2.0)
    assert np.diff(placed).min() >= 2.0 - 1e-9


def test_subgroups_clip_the_n_2_intervals_and_print_their_numbers(data, analysis, cohort):
    caption, meta, drawn = drawn_by("subgroups", data, analysis, cohort)
    # ruxolitinib 20 mg/day: patients 3 and 4, changes -30 and -19: mean -24.5, t-interval
    # -24.5 ± 12.706 x 5.5 = -94.4 to 45.4
    rows = subgroup_rows(drawn, "subgroup_paired_test", "mean_change", 1)
    row = rows.set_index("label").loc["dose: ruxolitinib 20 mg/day"]
    assert row["annotation"] == "n = 2: -24.5 (-94.4 to 45.4)"
    low, high = sensible_limits(rows)
    assert low > -94.4 and high < 45.4 and low < rows["value"].min() and high > 0
    assert "dose: ruxolitinib 20 mg/day" in meta["cut"]
    assert "a triangle marking the cut end" in caption
    assert set(drawn["visit"]) == {"M3"}


def test_a_duplicate_row_raises_instead_of_being_averaged(data, analysis):
    ard = data["ard"]
    row = ard[
        (ard["analysis"] == "subgroup_paired_test") & (ard["statistic"] == "mean_change")
    ].head(1)
    twice = pd.concat([ard, row.assign(value=row["value"] - 1)], ignore_index=True)
    key = row.iloc[0]
    with pytest.raises(DuplicateKey):
        figure_data.subgroup_data(twice, key["population"], key["parameter"], key["visit"],
                                  [key["category"]])  # fmt: skip
    adeff = data["adeff"]
    with pytest.raises(ValueError):
        figure_data.wide(pd.concat([adeff, adeff.head(1)]), adeff["PARAMCD"].iloc[0], "SAFFL",
                         ["M0", "M3"])  # fmt: skip


def test_wide_is_pandas_pivot_in_the_order_of_adeff():
    """A patient a row in ADEFF's order (not sorted), a visit a column in the order asked,
    a visit asked that nobody had all missing, a visit not asked left out, a missing
    value missing, other parameters and patients out of the population left out; a
    patient seen twice at a visit not asked still raises, as pivot does."""
    adeff = pd.DataFrame(
        {
            "SUBJID": ["9", "9", "10", "2", "2", "10", "5"],
            "PARAMCD": pd.Categorical(["X", "X", "X", "X", "X", "Y", "X"]),
            "AVISIT": pd.Categorical(["M3", "M0", "M0", "M0", "M9", "M3", "M3"]),
            "AVAL": [4.0, 3.0, np.nan, 7.5, 1.0, 99.0, 8.0],
            "FL": pd.Categorical(["Y", "Y", "Y", "Y", "Y", "Y", "N"]),
        }
    )
    table = figure_data.wide(adeff, "X", "FL", ["M0", "M3", "M6"])
    expected = pd.DataFrame(
        [[3.0, 4.0, np.nan], [np.nan, np.nan, np.nan], [7.5, np.nan, np.nan]],
        index=pd.Index(["9", "10", "2"], name="SUBJID"),
        columns=pd.Index(["M0", "M3", "M6"], name="AVISIT"),
    )
    pd.testing.assert_frame_equal(table, expected, check_index_type=False)
    rows = adeff[(adeff["PARAMCD"] == "X") & (adeff["FL"] == "Y")]
    pivoted = rows.pivot(index="SUBJID", columns="AVISIT", values="AVAL")
    pd.testing.assert_frame_equal(
        table, pivoted.reindex(index=pd.unique(rows["SUBJID"]), columns=["M0", "M3", "M6"])
    )
    twice = pd.concat([adeff, adeff.iloc[[4]]])
    with pytest.raises(ValueError, match="^Index contains duplicate entries, cannot reshape$"):
        figure_data.wide(twice, "X", "FL", ["M0", "M3"])


# the report's column at a 1280 px window: body max-width 1200 px less 2 x 1em padding
REPORT_COLUMN_PX = 1168


def test_the_smallest_figure_text_is_10_px_in_the_report_at_1280(built):
    import re
    import struct

    from clinrepro.presentation import style

    modules = ("figure_parts", "course_figures", "response_figures", "subgroup_figure")
    source = "".join((ROOT / f"clinrepro/presentation/{m}.py").read_text("utf-8") for m in modules)
    sizes = [float(size) for size in re.findall(r"fontsize=([0-9.]+)", source)]
    assert min(sizes) >= style.SMALLEST_TEXT
    assert min(v for k, v in style.RC.items() if k.endswith("size")) >= style.SMALLEST_TEXT
    for png in (built / f"results/{PILOT}/paper/figures").glob("*.png"):
        width = struct.unpack(">II", png.read_bytes()[16:24])[0]
        # shown at a third of its 300-dpi pixels (100 px an inch), narrowed to the column
        scale = min(width // 3, REPORT_COLUMN_PX) / (width / 3)
        assert style.SMALLEST_TEXT / 72 * 100 * scale >= 10, png.name


def test_every_value_the_pilots_figures_draw_is_found_where_it_comes_from(built):
    for variant in CONFIG["run"]["variants"]:
        checked = check_variant(built, PILOT, variant)
        assert checked["ard"] > 0 and checked["adeff"] > 0, variant
    # variant paper: the 4 reported visits' mean and SD, the 4 overlap counts, the follow-up's
    # spread, the 9 patients of the muscle criterion's attainability
    checked = check_variant(built, PILOT, "paper")
    assert (checked["reported"], checked["adsl"], checked["settings"]) == (8, 4, 1)
    assert checked["attainability"] == 9


def test_every_value_a_second_cohorts_figures_draw_is_found_where_it_comes_from(built_synthetic):
    checked = check_variant(built_synthetic, "synthetic_tofacitinib", "paper")
    assert checked["ard"] > 0 and checked["adeff"] > 0


@pytest.mark.parametrize("name", ["course", "response_patients", "other_measures"])
def test_over_the_threshold_no_patient_line_is_built(name, data, analysis, cohort, monkeypatch):
    # at 10^6 patients, building one line a patient took the figures job over 20 minutes
    # though none was drawn: over figures.max_patients_drawn the lines are not made at all
    from clinrepro.presentation import course_figures, response_figures

    def refused(*args, **kwargs):
        raise AssertionError("patient lines built for a figure that draws distributions")

    for module in (course_figures, response_figures):
        monkeypatch.setattr(module, "lines_of", refused)
    settings = FIGURE_SETTINGS | {"max_patients_drawn": 5}
    figure, title, caption, meta, drawn = figures.FIGURES[name](data, analysis, settings, cohort)
    figure.clf()
    assert "boxes: median and quartiles" in caption


# a small figure in the house style, built the same way in this process and in another
SMALL_FIGURE = """
from clinrepro.presentation import figure_cache, style
figure, (ax,) = style.new_figure(3, 2)
ax.plot([0, 3, 6], [27.1, 13.4, MEAN_M6], marker="o", label="CDASI")
ax.set_title("CDASI, mean")
ax.legend()
style.footnote(figure, "n = 14")
"""


def small_figure(mean_m6: float = 9.0):
    namespace = {}
    exec(SMALL_FIGURE.replace("MEAN_M6", repr(mean_m6)), namespace)
    return namespace["figure"]


def as_points(value, position):
    """A tick formatter of this module's own: pickled by its name, not its code."""
    return f"{value:.0f} pt"


@pytest.fixture
def saving(tmp_path):
    """Save a figure under a stem, through the cache or not; read back what was written."""
    from clinrepro.presentation import style

    def save(figure, stem, dpi=72, cache=True):
        paths = {fmt: str(tmp_path / f"{stem}.{fmt}") for fmt in style.FORMATS}
        style.save(figure, paths, dpi, str(tmp_path / "cache") if cache else None)
        return {fmt: Path(path).read_bytes() for fmt, path in paths.items()}

    return save


def test_a_figure_drawn_before_is_copied_from_the_cache_byte_for_byte(
    tmp_path, saving, monkeypatch
):
    from matplotlib.figure import Figure

    from clinrepro.presentation import figure_cache, style

    uncached = saving(small_figure(), "uncached", cache=False)
    assert saving(small_figure(), "first") == uncached
    formats = [(fmt, 72, style.METADATA[fmt]) for fmt in style.FORMATS]
    key = figure_cache.fingerprint(small_figure(), formats)
    kept = sorted(path.name for path in (tmp_path / "cache").rglob("*") if path.is_file())
    assert kept == [f"{key}.png", f"{key}.sha256", f"{key}.svg"]

    def no_drawing(*args, **kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(Figure, "savefig", no_drawing)
    assert saving(small_figure(), "second") == uncached
    # one value drawn otherwise, or another dpi, is another figure: drawn, not copied
    with pytest.raises(AssertionError, match="drawn again"):
        saving(small_figure(9.1), "other")
    with pytest.raises(AssertionError, match="drawn again"):
        saving(small_figure(), "other", dpi=73)
    # a kept file cut short (a crash, a full disk) is not copied: the figure is drawn again
    png = tmp_path / "cache" / key[:2] / f"{key}.png"
    png.write_bytes(png.read_bytes()[:100])
    with pytest.raises(AssertionError, match="drawn again"):
        saving(small_figure(), "third")
    monkeypatch.undo()
    assert saving(small_figure(), "fourth") == uncached
    assert png.read_bytes() == uncached["png"]


def test_a_figures_fingerprint_is_the_same_in_another_process(tmp_path):
    import os
    import subprocess
    import sys

    from clinrepro.presentation import figure_cache, style

    formats = [("png", 72, style.METADATA["png"])]
    here = figure_cache.fingerprint(small_figure(), formats)
    code = SMALL_FIGURE.replace("MEAN_M6", "9.0")
    code += f"\nprint(figure_cache.fingerprint(figure, {formats!r}))"
    environment = os.environ | {"PYTHONHASHSEED": "12345"}
    there = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, cwd=ROOT
    )
    assert there.stdout.strip() == here, there.stderr
    assert figure_cache.fingerprint(small_figure(9.1), formats) != here
    # pickling a figure takes a callback id of each of its registries: given back
    figure = small_figure()
    assert figure_cache.fingerprint(figure, formats) == here
    assert figure_cache.fingerprint(figure, formats) == here


def test_a_figure_holding_code_of_its_own_is_drawn_every_time(tmp_path, saving):
    import operator

    from matplotlib.ticker import FuncFormatter

    from clinrepro.presentation import figure_cache, style

    formats = [("png", 72, style.METADATA["png"])]
    by_name = small_figure()
    by_name.axes[0].yaxis.set_major_formatter(FuncFormatter(as_points))
    unpicklable = small_figure()
    unpicklable.axes[0].yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value}"))
    compiled = small_figure()  # a C function of a module other than the libraries'
    compiled.axes[0].yaxis.set_major_formatter(FuncFormatter(operator.mod))
    connected = small_figure()
    connected.axes[0].callbacks.connect("xlim_changed", as_points)
    for figure in (by_name, unpicklable, compiled, connected):
        assert figure_cache.fingerprint(figure, formats) is None
    assert saving(by_name, "by_name")["png"] != saving(small_figure(), "plain", cache=False)["png"]
    assert not (tmp_path / "cache").exists()


def test_the_workflow_renders_each_distinct_figure_once_and_keeps_it(built):
    from clinrepro.base.files import sha256_of

    drawn = [
        path
        for pattern in ("*/figures/*.png", "*/power/*.png")
        for path in (built / f"results/{PILOT}").glob(pattern)
    ]
    pairs = {(sha256_of(png), sha256_of(png.with_suffix(".svg"))) for png in drawn}
    kept = {
        tuple(
            sorted(tuple(line.split("  ")[::-1]) for line in record.read_text("utf-8").splitlines())
        )
        for record in (built / STORE).rglob("*.sha256")
    }
    # every figure the workflow wrote is one it kept, its PNG and SVG together
    assert {(("png", png), ("svg", svg)) for png, svg in pairs} <= kept
    # eight variants' seven figures (the side-by-side page's, one a cohort, is not kept):
    # 56 files, 24 drawings
    assert (len(drawn), len(pairs)) == (56, 24)


def test_a_drawn_table_types_each_column_as_the_list_of_its_values():
    """Blocks of patients' rows (10^6 at scale) are joined column by column, not value by
    value: the table is the one pandas makes of the list of every value (numbers float,
    texts text with missing values NaN, a mix of kinds objects), in order."""
    block = pd.DataFrame(
        {column: ["a", "b"] for column in figure_data.DRAWN_COLUMNS}
        | {"x": [0.0, 3.0], "value": [1.5, np.nan], "visit": pd.Categorical(["M0", "M3"])}
    )
    rows = [
        {"panel": "course", "mark": "mean", "x": 0.0, "value": 2.0, "label": 7},
        block,
        {"panel": "course", "mark": "n", "value": np.nan, "x": np.nan, "visit": "M3"},
    ]
    drawn = figure_data.drawn_table(rows)
    assert drawn["panel"].tolist() == ["course", "a", "b", "course"]
    assert drawn["panel"].dtype == pd.Series(["a", np.nan]).dtype
    assert drawn["visit"].tolist() == [np.nan, "M0", "M3", "M3"]
    assert drawn["visit"].dtype == drawn["panel"].dtype
    assert drawn["x"].dtype == np.float64 and drawn["x"].tolist()[:3] == [0.0, 0.0, 3.0]
    assert drawn["value"].to_numpy().tobytes() == np.array([2.0, 1.5, np.nan, np.nan]).tobytes()
    assert drawn["label"].dtype == object and drawn["label"].tolist()[:3] == [7, "a", "b"]
    assert drawn.to_csv(index=False) == pd.DataFrame(
        {column: [v for r in rows for v in (r[column].tolist() if isinstance(r, pd.DataFrame)
                  else [r.get(column, np.nan)])] for column in figure_data.DRAWN_COLUMNS}
    ).to_csv(index=False)  # fmt: skip


def test_a_drawn_table_of_empty_or_pieced_blocks_or_missing_texts_is_typed_as_its_list():
    """An empty block (a measure nobody of the population has), a text column held in two
    Arrow pieces, and a text column with no text at all (typed float64 as a list of NaN is,
    not text) give the table that the list of every value gives."""
    label = pd.concat([pd.Series(["1"], dtype="str"), pd.Series(["2"], dtype="str")])
    texts = {column: "" for column in figure_data.DRAWN_COLUMNS}
    pieced = pd.DataFrame(texts | {"label": label.to_numpy(), "x": 0.0, "value": 1.0})
    pieced["label"] = label.reset_index(drop=True)
    empty = pieced.iloc[:0]
    missing = pd.DataFrame(
        {column: pd.Series([np.nan], dtype="str") for column in figure_data.DRAWN_COLUMNS}
        | {"x": [0.0], "value": [1.0]}
    )
    drawn = figure_data.drawn_table([{"panel": "p", "x": 1.0, "value": 2.0}, empty, pieced])
    assert drawn["label"].tolist()[1:] == ["1", "2"] and drawn["label"].dtype == "str"
    assert drawn["panel"].tolist() == ["p", "", ""]
    alone = figure_data.drawn_table([missing])
    assert alone["label"].dtype == np.float64 and alone["label"].isna().all()


def drawn_figure(name, data, analysis, settings, cohort):
    """The figure, laid out as it is saved (its texts' places known)."""
    figure, *_ = figures.FIGURES[name](data, analysis, settings, cohort)
    figure.canvas.draw()
    return figure


def the_text(figure, words: str):
    """The one text of the figure that says `words`, and its axes."""
    found = [(ax, text) for ax in figure.axes for text in ax.texts if text.get_text() == words]
    assert len(found) == 1, [text.get_text() for ax in figure.axes for text in ax.texts]
    return found[0]


def test_no_patient_line_crosses_the_normal_range_label(data, analysis, cohort):
    """The CK panel's upper limit of normal (192 IU/L) is where patients' lines pass (175
    to 222 at M0, 183 to 240 at M3): its label is beside the axis, at the line's height, so
    that no line crosses the words and the words hide no value: no pixel of a patient's
    colour inside the label."""
    from matplotlib.colors import to_rgb

    from clinrepro.presentation import style

    figure = drawn_figure("other_measures", data, analysis, FIGURE_SETTINGS, cohort)
    ax, label = the_text(figure, "upper limit\nof normal 192")
    box, axis = label.get_window_extent(), ax.get_window_extent()
    assert box.x0 > axis.x1
    # at the line's height: 192 IU/L within the label's lines
    height = ax.transData.transform((0, 192))[1]
    assert box.y0 < height < box.y1
    pixels = np.asarray(figure.canvas.buffer_rgba())[:, :, :3].astype(float) / 255
    rows = pixels.shape[0]
    inside = pixels[int(rows - box.y1) : int(rows - box.y0), int(box.x0) : int(box.x1)]
    line = np.array(to_rgb(style.PALETTE[0]))
    # the patients' colour (anti-aliased edges aside: within 0.1 of it in every channel)
    assert not (np.abs(inside - line) < 0.1).all(axis=2).any()
    figure.clf()


@pytest.mark.parametrize("name", ["course", "response_patients", "other_measures"])
def test_every_box_of_a_distribution_lies_within_its_axis(name, data, analysis, cohort):
    """Drawn as distributions (here over 5 patients), each visit's box is whole inside the
    axis: its width is a fraction of the span of the visits drawn (M0 and M3, 3 months),
    not of the last visit's time (21.6 months, where only reported summaries are), which
    made boxes 1.3 months wide that the axis cut on both sides."""
    from matplotlib.patches import PathPatch

    settings = FIGURE_SETTINGS | {"max_patients_drawn": 5}
    figure, *_ = figures.FIGURES[name](data, analysis, settings, cohort)
    boxes = [
        (ax, patch) for ax in figure.axes for patch in ax.patches if isinstance(patch, PathPatch)
    ]
    assert boxes
    for ax, patch in boxes:
        xs = patch.get_path().vertices[:, 0]
        low, high = ax.get_xlim()
        assert low <= xs.min() and xs.max() <= high, (ax.get_title(), xs.min(), xs.max(), low, high)
    figure.clf()


@pytest.mark.parametrize("drawn_one_by_one", [200, 5])
def test_the_threshold_name_stays_clear_of_the_panel_title(
    drawn_one_by_one, data, analysis, cohort
):
    """The muscle figure's right panel names its threshold ("+20% threshold") above the
    axis, at the line: under its title, not touching it (it overlapped the title when the
    panel drew a histogram, and touched it when it drew bars)."""
    settings = FIGURE_SETTINGS | {"max_patients_drawn": drawn_one_by_one}
    figure = drawn_figure("response_patients", data, analysis, settings, cohort)
    ax, text = the_text(figure, " +20% threshold")
    label, title, axis = (
        text.get_window_extent(),
        ax.title.get_window_extent(),
        ax.get_window_extent(),
    )
    # above the axis, and at least 2 points under the title (pixels at the figure's dpi)
    assert label.y0 >= axis.y1 - 1
    assert title.y0 - label.y1 >= 2 * figure.dpi / 72
    # at the threshold: its left end at +20 on the x axis
    assert label.x0 == pytest.approx(ax.transData.transform((20, 0))[0], abs=1)
    figure.clf()
