"""Reading the raw text tables, writing outputs all-or-nothing (the package's one atomic
writer) and their SHA-256 (its one file digest)."""

from __future__ import annotations

import csv
import hashlib
import os
from pathlib import Path
from typing import Callable

import pandas as pd

from clinrepro.base.errors import InputError, Problem


def _header(path: str) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [name.strip() for name in next(csv.reader(handle), [])]


def read_text_table(path: str) -> pd.DataFrame:
    """Read a CSV with every cell as printed text; headers lose a BOM and outer spaces.

    A file that is not UTF-8, not comma-separated, empty, ragged or with a repeated
    header is refused with the reason, before any cell is read.
    """
    try:
        header = _header(path)
    except FileNotFoundError:
        raise InputError([Problem(path, "", "", "", "file not found")])
    except UnicodeDecodeError as error:
        raise InputError(
            [Problem(path, "", "", "", f"not UTF-8 text (byte {error.start})")],
            hint="save the file as UTF-8",
        )
    if not header:
        raise InputError([Problem(path, "", "", "", "the file is empty")])
    with open(path, encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    separator = next(
        (s for s in (";", "\t", "|") if first.count(s) > max(1, first.count(","))), None
    )
    if separator:
        problem = f"one column only: the header is split by {separator!r}, not by commas"
        raise InputError(
            [Problem(path, "", header[0][:60], "", problem)],
            hint="save the table as comma-separated values (CSV)",
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise InputError(
            [Problem(path, "", name, "", "column appears more than once") for name in repeated]
        )
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            [Problem(path, "", "", "", f"not UTF-8 text (byte {error.start})")],
            hint="save the file as UTF-8",
        )
    except pd.errors.ParserError as error:
        raise InputError([Problem(path, "", "", "", f"not a readable CSV table: {error}".strip())])
    frame.columns = header
    return frame


def read_table(path: str, text_columns=("subject_id",), columns=None) -> pd.DataFrame:
    """Read one of the workflow's tables: only empty cells are missing, ids stay text.

    `columns(name)` says which columns to read (all if not given): a step reads only what
    it uses. A Parquet file (storage: intermediates: parquet) is read to the same frame as
    its CSV would be: its types are kept, and an empty text is missing as an empty CSV
    cell is.
    """
    if path.endswith(".parquet"):
        frame = pd.read_parquet(path, columns=None if columns is None else _kept(path, columns))
        for column in frame.columns[frame.dtypes.map(pd.api.types.is_string_dtype)]:
            frame[column] = frame[column].mask(frame[column] == "")
        return frame
    return pd.read_csv(
        path,
        dtype={column: str for column in text_columns},
        usecols=columns,
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8",
    )


def _kept(path: str, columns) -> list[str]:
    import pyarrow.parquet as pq

    return [name for name in pq.read_schema(path).names if columns(name)]


# a table written for people: every cell as text, exactly as written
_AS_WRITTEN = {"dtype": str, "keep_default_na": False, "encoding": "utf-8"}


def read_display_table(path: str) -> pd.DataFrame:
    """A table written for people: every cell as text, exactly as written."""
    return pd.read_csv(path, **_AS_WRITTEN)


def read_first_rows(path: str, limit: int) -> tuple[pd.DataFrame, int]:
    """A table for people's first `limit` rows, as written, and its number of rows: one
    pass, `limit` rows in memory at a time."""
    chunks = pd.read_csv(path, chunksize=limit, **_AS_WRITTEN)
    first = next(chunks)
    return first, len(first) + sum(len(chunk) for chunk in chunks)


def write_tables(tables: dict[str, pd.DataFrame]) -> None:
    """Write every table to its path, or none of them: each goes to a temporary file first."""

    def writer(frame: pd.DataFrame, parquet: bool):
        if parquet:
            return lambda tmp: frame.to_parquet(tmp, index=False, compression="zstd")
        return lambda tmp: frame.to_csv(tmp, index=False, lineterminator="\n")

    write_all({path: writer(frame, path.endswith(".parquet")) for path, frame in tables.items()})


def write_all(writers: dict[str, Callable[[str], None]]) -> None:
    """Call each writer with a temporary path beside its file, then rename them all into
    place; on any error no file is left half-written."""
    staged = []
    try:
        for path, write in writers.items():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            tmp = f"{path}.{os.getpid()}.tmp"
            staged.append((tmp, path))
            write(tmp)
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.remove(tmp)


def write_text(path: str, text: str) -> None:
    """Write one UTF-8 text file all-or-nothing."""
    write_all({path: lambda tmp: Path(tmp).write_text(text, encoding="utf-8")})


def sha256_of(path: str) -> str:
    """The file's SHA-256 as hex digits, read in blocks."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def write_manifest(paths: list[str], output: str) -> None:
    """`sha256sum`-style lines, one per output, sorted by path: `sha256sum -c` checks them."""
    write_text(output, "".join(f"{sha256_of(path)}  {path}\n" for path in sorted(set(paths))))
