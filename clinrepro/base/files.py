"""Reading the raw text tables, writing outputs all-or-nothing (the package's one atomic
writer) and their SHA-256 (its one file digest)."""

from __future__ import annotations

import csv
import hashlib
import os
import re
from pathlib import Path
from typing import Callable

import numpy as np
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


def read_table(path: str, text_columns=("subject_id",), columns=None, codes=()) -> pd.DataFrame:
    """Read one of the workflow's tables: only empty cells are missing, ids stay text.

    `columns(name)` says which columns to read (all if not given): a step reads only what
    it uses. A Parquet file (storage: intermediates: parquet) is read to the same frame as
    its CSV would be: its types are kept, and an empty text is missing as an empty CSV
    cell is; the `codes` columns, repeated texts the step turns into codes itself
    (clinrepro.base.columns.as_codes), are read as categoricals (an empty text a category),
    never a text a record.
    """
    if path.endswith(".parquet"):
        kept = _kept(path, columns or (lambda name: True))
        coded = [name for name in codes if name in kept]
        frame = pd.read_parquet(path, columns=kept, read_dictionary=coded or None)
        for column in frame.columns[frame.dtypes.map(pd.api.types.is_string_dtype)]:
            frame[column] = frame[column].mask(frame[column] == "")
        let_go()  # the file's decoded pages, copied into the frame
        return frame
    return pd.read_csv(
        path,
        dtype={column: str for column in text_columns},
        usecols=columns,
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8",
    )


def let_go() -> None:
    """Give back to the system the memory Arrow's allocator keeps of the tables a step has
    let go (it keeps freed pages for its next tables: at 10^6 patients some 300 MB that
    the step's next peak would stand on)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _kept(path: str, columns) -> list[str]:
    import pyarrow.parquet as pq

    return [name for name in pq.read_schema(path).names if columns(name)]


# a table written for people: every cell as text, exactly as written
_AS_WRITTEN = {"dtype": str, "keep_default_na": False, "encoding": "utf-8"}


def read_display_table(path: str) -> pd.DataFrame:
    """A table written for people: every cell as text, exactly as written."""
    return pd.read_csv(path, **_AS_WRITTEN)


def read_first_rows(path: str, limit: int) -> tuple[pd.DataFrame, int]:
    """A table for people's first `limit` rows, as written, and its number of rows. The
    rows are counted by reading the first column alone (the parser still reads every
    cell's quotes and line breaks), LONG_TABLE rows at a time: a million-row table in
    blocks of `limit` rows took 4 s of the report's job (docs/scale.md)."""
    first = pd.read_csv(path, nrows=limit, **_AS_WRITTEN)
    chunks = pd.read_csv(path, usecols=[0], chunksize=LONG_TABLE, **_AS_WRITTEN)
    return first, sum(len(chunk) for chunk in chunks)


def write_tables(tables: dict[str, pd.DataFrame]) -> None:
    """Write every table to its path, or none of them: each goes to a temporary file first."""

    def writer(frame: pd.DataFrame, parquet: bool):
        if parquet:
            return lambda tmp: frame.to_parquet(tmp, index=False, compression="zstd")
        return lambda tmp: write_csv(frame, tmp)

    write_all({path: writer(frame, path.endswith(".parquet")) for path, frame in tables.items()})


# a table of at least this many rows is written by Arrow's CSV writer where its cells allow
# (write_csv), a block of this many rows at a time
LONG_TABLE = 100_000
# what makes a CSV cell need quotes: the delimiter, the quote, a line break
NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def write_csv(frame: pd.DataFrame, path: str) -> None:
    """`frame.to_csv(path, index=False, lineterminator="\\n")`, byte for byte. A long table
    whose cells need no quotes and whose columns are numbers (float64, int64, bool) or
    texts (categoricals of texts too) goes through Arrow's CSV writer, each number
    formatted as pandas formats it (numpy's shortest text): about 2.5 times faster on the
    millions of rows of a registry's figures (docs/scale.md); the rest through pandas."""
    blocks = _plain_blocks(frame) if len(frame) >= LONG_TABLE else None
    if blocks is None:
        frame.to_csv(path, index=False, lineterminator="\n")
        return
    import pyarrow.csv

    options = pyarrow.csv.WriteOptions(include_header=False, quoting_style="none", eol="\n")
    with open(path, "wb") as handle:
        handle.write((",".join(frame.columns) + "\n").encode("utf-8"))
        for block in blocks:
            pyarrow.csv.write_csv(block, handle, options)


def _plain_blocks(frame: pd.DataFrame):
    """The frame's cells as Arrow texts, LONG_TABLE rows a block, as pandas writes them; None
    if a column is of another type or a cell or name needs quotes (or there is one column:
    the csv module quotes a row of one empty cell)."""
    import pyarrow as pa

    from clinrepro.base.columns import arrow_text, is_text

    names = list(frame.columns)
    if len(names) < 2 or not all(isinstance(n, str) and not NEEDS_QUOTES.search(n) for n in names):
        return None
    kinds = []
    for _, values in frame.items():
        if isinstance(values.dtype, np.dtype) and values.dtype.kind in "fiub":
            if values.dtype.kind == "f" and values.dtype != np.float64:
                return None
            kinds.append("number")
            continue
        if not is_text(values):
            return None
        texts = arrow_text(values)
        if _needs_quotes(texts):
            return None
        kinds.append(texts)

    def block(start: int):
        columns = {}
        for i, kind in enumerate(kinds):
            if isinstance(kind, str):  # a number: numpy's text, as pandas writes it
                columns[str(i)] = _number_texts(frame.iloc[start : start + LONG_TABLE, i])
            else:
                columns[str(i)] = kind.slice(start, LONG_TABLE)
        return pa.table(columns)

    return (block(start) for start in range(0, len(frame), LONG_TABLE))


def _number_texts(column: pd.Series):
    """Numbers as Arrow texts, numpy's text of each (as pandas writes them), missing values
    null: the text made once a distinct value of the block and taken for its rows (a
    quarter of the time on a registry's figure data, whose values repeat). Distinct by
    their bits, so that -0.0 keeps its sign."""
    import pyarrow as pa

    values = column.to_numpy()
    which, distinct = pd.factorize(values.view(f"u{values.itemsize}"))
    texts = pa.array(distinct.view(values.dtype).astype(str))
    missing = np.isnan(values) if values.dtype.kind == "f" else None
    return texts.take(pa.array(which, mask=missing))


# the bytes of a cell that needs quotes (NEEDS_QUOTES); none of them is part of another
# character's UTF-8 bytes
QUOTED_BYTES = (b",", b'"', b"\r", b"\n")


def _needs_quotes(texts) -> bool:
    """Whether a cell of an Arrow array of texts holds one of NEEDS_QUOTES' characters: a
    search of the bytes the cells use, a window at a time, not a regular expression a
    cell (3.8 s of the report's job under a profiler on a million patients' figure
    data)."""
    if len(texts) == 0:
        return False
    offsets, data = texts.buffers()[1:3]
    if data is None:
        return False
    width = np.int64 if texts.type == "large_string" else np.int32
    ends = np.frombuffer(offsets, dtype=width)[texts.offset : texts.offset + len(texts) + 1]
    for start in range(int(ends[0]), int(ends[-1]), SEARCHED):
        window = data.slice(start, min(SEARCHED, int(ends[-1]) - start)).to_pybytes()
        if any(byte in window for byte in QUOTED_BYTES):
            return True
    return False


# the bytes of texts searched at a time (_needs_quotes): a copy of a window, not of a
# column's texts (tens of MB at 10^6 patients)
SEARCHED = 1 << 20


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
