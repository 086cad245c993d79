"""Figures rendered once: each PNG and SVG the figures' job renders is kept in a folder
under a fingerprint of what its bytes depend on, and a figure drawn the same again (in
another variant, or an earlier run) is copied from there instead of rendered
(docs/benchmarks.md: most of a cohort's figures are the same in several variants).

The fingerprint hashes the figure as Matplotlib pickles it (every artist with its data,
text, colours and positions), the formats, dpi and metadata asked for, Matplotlib's
settings at saving, the versions of what renders (Matplotlib, NumPy, Pillow, zlib,
FreeType) and the fonts Matplotlib can choose from, in its order. Code is pickled by its
name, not its body, so a figure holding code other than the libraries' (a function of its
own as a tick formatter, a callback connected by the caller) gets no fingerprint and is
drawn every time; so is one that cannot be pickled. A kept file is copied only if its
SHA-256 is the one recorded beside it when it was kept; keeping is best effort (a full
disk or a lost race leaves a figure drawn, never a job failed)."""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import pickle
import shutil
import sys
import types
import zlib
from pathlib import Path

import matplotlib
import numpy
from matplotlib import font_manager, ft2font
from matplotlib.cbook import CallbackRegistry
from matplotlib.transforms import TransformNode

from clinrepro.base.files import sha256_of, write_all

logger = logging.getLogger(__name__)

# the packages whose code a fingerprinted figure may hold, by name: their versions are in
# the fingerprint
LIBRARIES = {"matplotlib", "numpy", "builtins", "functools", "collections", "copyreg"}


class NotFingerprinted(Exception):
    """The figure holds something whose effect on the drawing the fingerprint cannot see."""


def _library_code(function) -> bool:
    while isinstance(function, functools.partial):
        function = function.func
    function = getattr(function, "__func__", function)
    if function is None:
        return True  # a callback whose object is gone
    if isinstance(function, types.BuiltinFunctionType):
        if not isinstance(function.__self__, types.ModuleType):
            return True  # a method of an object pickled with it (a list's remove)
    return (getattr(function, "__module__", None) or "").split(".")[0] in LIBRARIES


class _Canonical(pickle.Pickler):
    """Pickles a figure for its fingerprint alone. A transform lists the transforms that
    depend on it by their memory address (matplotlib.transforms.TransformNode); here in
    the order they were registered, so that the same drawing gives the same bytes in any
    process. Pickling a callback registry takes its next callback id: given back, so
    that the figure is as it was and a second fingerprint the same as the first."""

    def reducer_override(self, obj):
        if isinstance(obj, (types.FunctionType, types.MethodType, types.BuiltinFunctionType, type)):
            if not _library_code(obj):
                raise NotFingerprinted(f"{obj!r} is pickled by its name, not its code")
            return NotImplemented
        if isinstance(obj, TransformNode):
            constructor, arguments, state, *rest = obj.__reduce_ex__(5)
            state = state | {"_parents": list(state["_parents"].values())}
            return (constructor, arguments, state, *rest)
        if isinstance(obj, CallbackRegistry):
            callbacks = [ref() for signal in obj.callbacks.values() for ref in signal.values()]
            if not all(_library_code(callback) for callback in callbacks):
                raise NotFingerprinted("a callback of its own is connected (not pickled)")
            reduced = obj.__reduce_ex__(5)
            obj._cid_gen = itertools.count(reduced[2]["_cid_gen"])
            return reduced
        return NotImplemented


def _renderers() -> str:
    fonts = [font.fname for font in font_manager.fontManager.ttflist]
    pillow = sys.modules.get("PIL")  # Matplotlib's PNG writer, imported by Matplotlib
    versions = (matplotlib.__version__, numpy.__version__, getattr(pillow, "__version__", ""))
    return repr((versions, zlib.ZLIB_RUNTIME_VERSION, ft2font.__freetype_version__, fonts))


def fingerprint(figure, formats: list) -> str | None:
    """The SHA-256 of what the saved files' bytes depend on (above); None where it cannot
    be told. Checked on the default run's 57 figures: the figures with the same
    fingerprint are the same bytes, and those with the same bytes the same fingerprint."""
    digest = hashlib.sha256()
    try:
        # hashed as it is pickled: a figure of a million points is never held twice
        _Canonical(types.SimpleNamespace(write=digest.update), protocol=5).dump(figure)
    except Exception as reason:  # noqa: BLE001 - any failure: the figure is drawn
        logger.debug("drawn, not cached: %s", reason)
        return None
    settings = repr((formats, sorted(matplotlib.rcParams.items()), _renderers()))
    digest.update(settings.encode("utf-8"))
    return digest.hexdigest()


def _cached(cache: str, key: str, fmt: str) -> Path:
    return Path(cache, key[:2], f"{key}.{fmt}")


def fetch(cache: str, key: str, paths: dict[str, str]) -> bool:
    """Copy the figure's files from the cache, if every one is there as it was kept."""
    record = _cached(cache, key, "sha256")
    try:
        kept = dict(line.split("  ")[::-1] for line in record.read_text("utf-8").splitlines())
        if any(sha256_of(_cached(cache, key, fmt)) != kept.get(fmt) for fmt in paths):
            return False
        for fmt, path in paths.items():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(_cached(cache, key, fmt), path)
    except (OSError, ValueError):
        return False
    return True


def keep(cache: str, key: str, paths: dict[str, str]) -> None:
    """Keep the rendered files and their SHA-256 (written last: a record without its
    files, or files without their record, are not copied)."""
    record = "".join(f"{sha256_of(path)}  {fmt}\n" for fmt, path in paths.items())
    writers = {str(_cached(cache, key, fmt)): _copy_of(path) for fmt, path in paths.items()}
    writers[str(_cached(cache, key, "sha256"))] = _text(record)
    try:
        write_all(writers)
    except OSError as error:
        logger.warning("figure not kept for the next run (%s): it will be drawn again", error)


def _copy_of(source: str):
    return lambda target: shutil.copyfile(source, target)


def _text(text: str):
    return lambda target: Path(target).write_text(text, encoding="utf-8")
