"""The house style of every figure: one place for fonts, colours and how files are saved."""

from __future__ import annotations

from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from clinrepro.presentation import figure_cache

# no pyplot: figures are plain Figure objects (no GUI state to import or to close), saved
# by Matplotlib's Agg (PNG) and SVG backends

# Okabe-Ito: distinguishable with the common colour-vision deficiencies
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
INK = "#222222"
MUTED = "#9a9a9a"
RESPONDER = "#009E73"
NON_RESPONDER = "#D55E00"

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": INK,
    "ytick.color": INK,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "figure.dpi": 100,
    "savefig.bbox": "tight",
    "svg.hashsalt": "clinrepro",  # stable element ids: the same figure gives the same bytes
    "svg.fonttype": "path",
}
# no creation date or software version in the files, so two runs give the same bytes
METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
}


def own_fonts_first() -> None:
    """Matplotlib's own copy of DejaVu before a system's: a machine with another version of
    it installed (Debian's, say) numbers its glyphs otherwise, and every figure's bytes would
    then depend on the machine. Among fonts that match equally, Matplotlib takes the first
    it lists; its font cache may list the system's copy alone."""
    manager = font_manager.fontManager
    own = Path(matplotlib.get_data_path(), "fonts", "ttf").resolve()
    listed = {Path(font.fname).resolve() for font in manager.ttflist}
    for path in sorted(own.glob("DejaVuSans*.ttf")):
        if path not in listed:
            manager.addfont(str(path))
    ordered = sorted(manager.ttflist, key=lambda font: Path(font.fname).resolve().parent != own)
    if ordered != manager.ttflist:
        manager.ttflist = ordered
        font_manager._get_font.cache_clear()
        manager._findfont_cached.cache_clear()


def new_figure(width: float = 6.0, height: float = 4.0, columns: int = 1, rows: int = 1):
    """A figure in the house style with a grid of panels, listed row by row."""
    matplotlib.rcParams.update(RC)
    own_fonts_first()
    figure = Figure(figsize=(width, height))
    axes = figure.subplots(rows, columns, squeeze=False)
    return figure, list(axes.ravel())


# the smallest text on a figure, in points: shown in the report at 100 px an inch (a PNG of
# `dpi` at a third of its pixels), 8 pt is 11 px, over the 10 px a reader needs
SMALLEST_TEXT = 8


def footnote(figure, text: str) -> None:
    """The population and n, printed under everything drawn (rotated tick labels and axis
    titles included) so the image carries them too; call it once the axes are drawn."""
    renderer = FigureCanvasAgg(figure).get_renderer()
    bottom = min(ax.get_tightbbox(renderer).y0 for ax in figure.axes)
    y = min(-0.02, figure.transFigure.inverted().transform((0, bottom))[1] - 0.02)
    figure.text(0.01, y, text, ha="left", va="top", fontsize=SMALLEST_TEXT, color=INK, wrap=True)


def mark_synthetic(figure) -> None:
    """A synthetic cohort's figures say so on the image itself."""
    figure.text(
        0.99,
        0.995,
        "SYNTHETIC DATA",
        ha="right",
        va="top",
        color="#b00020",
        fontsize=9,
        fontweight="bold",
    )


FORMATS = ("png", "svg")


def save(figure, paths: dict[str, str], dpi: int, cache: str | None = None) -> None:
    """Write the figure in every requested format with fixed metadata; with a `cache`
    folder, a figure drawn the same before is copied from it instead of rendered, and one
    rendered is kept there (clinrepro.presentation.figure_cache)."""
    formats = [(fmt, dpi, METADATA[fmt]) for fmt in paths]
    key = figure_cache.fingerprint(figure, formats) if cache else None
    if key and figure_cache.fetch(cache, key, paths):
        return
    for fmt, path in paths.items():
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, format=fmt, dpi=dpi, metadata=METADATA[fmt])
    if key:
        figure_cache.keep(cache, key, paths)
