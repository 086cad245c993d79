"""The power step's files: the few ADEFF columns it reads, the tables it writes.

The power step's work takes less time than importing pandas, so it reads with pyarrow (CSV
or Parquet, as `storage: intermediates` wrote them) and writes its small tables with the
csv module. It reads what clinrepro.adam.endpoints.read_adeff gives: codes as text (an empty
flag is ''), numbers as floats with NaN where missing. Rows are picked with numpy on the
codes' dictionaries: pyarrow's compute functions cost a fifth of a second on first use.
"""

from __future__ import annotations

import csv
import math
import os

import numpy as np
import pyarrow as pa

from clinrepro.base.files import write_all

CODES = pa.dictionary(pa.int32(), pa.string())


class Columns:
    """Text columns as dictionary-encoded pyarrow arrays, numbers as numpy floats."""

    def __init__(self, table: pa.Table, text: tuple[str, ...], numbers: tuple[str, ...]):
        self.text = {name: table.column(name) for name in text}
        self.numbers = {name: _floats(table.column(name)) for name in numbers}

    def where(self, equal: dict[str, str]) -> np.ndarray:
        """Which rows hold the given text in the given columns."""
        mask = None
        for name, value in equal.items():
            match = _equals(self.text[name], value)
            mask = match if mask is None else mask & match
        return mask


def read_columns(path: str, text: tuple[str, ...], numbers: tuple[str, ...]) -> Columns:
    """The named columns of a CSV or Parquet table."""
    if path.endswith(".parquet"):
        import pyarrow.parquet as pq

        table = pq.read_table(path, columns=[*text, *numbers])
        for name in text:  # pandas' categoricals arrive as dictionaries, other text as text
            if not pa.types.is_dictionary(table.schema.field(name).type):
                index = table.schema.get_field_index(name)
                table = table.set_column(index, name, table.column(name).dictionary_encode())
    else:
        import pyarrow.csv as pacsv

        types = {name: CODES for name in text} | {name: pa.float64() for name in numbers}
        convert = pacsv.ConvertOptions(
            column_types=types, include_columns=[*text, *numbers], strings_can_be_null=False
        )
        # a small table is read faster than a thread pool starts
        read = pacsv.ReadOptions(use_threads=os.path.getsize(path) > 1 << 24)
        table = pacsv.read_csv(path, convert_options=convert, read_options=read)
    return Columns(table, text, numbers)


def _equals(column: pa.ChunkedArray, value: str) -> np.ndarray:
    """Rows of a dictionary-encoded column equal to `value` (a missing code is '')."""
    parts = []
    for chunk in column.chunks:
        words = chunk.dictionary.to_pylist()
        codes, valid = _values(chunk.indices, chunk.indices.type.to_pandas_dtype())
        match = (
            (codes == words.index(value)) & valid if value in words else np.zeros(len(chunk), bool)
        )
        parts.append(match | ~valid if value == "" else match)
    return np.concatenate(parts) if parts else np.zeros(0, bool)


def _floats(column: pa.ChunkedArray) -> np.ndarray:
    """A float64 column as numpy, NaN where missing."""
    parts = []
    for chunk in column.chunks:
        values, valid = _values(chunk, np.float64)
        parts.append(np.where(valid, values, np.nan))
    return np.concatenate(parts) if parts else np.zeros(0)


def _values(chunk: pa.Array, dtype) -> tuple[np.ndarray, np.ndarray]:
    """The values and validity of a fixed-width array, read from its Arrow buffers (numpy
    conversion of an array with nulls would import pandas, a third of a second)."""
    start, stop = chunk.offset, chunk.offset + len(chunk)
    validity, data = chunk.buffers()[:2]
    values = np.frombuffer(data, dtype=dtype)[start:stop]
    if validity is None or chunk.null_count == 0:
        return values, np.ones(len(chunk), bool)
    bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
    return values, bits[start:stop].astype(bool)


def write_csv_tables(tables: dict[str, tuple[list[str], list[dict]]]) -> None:
    """Write each table (columns, rows) to its path, or none of them: each goes to a
    temporary file first. A missing number (None, NaN) is an empty cell."""

    def writer(columns: list[str], rows: list[dict]):
        def write(tmp: str) -> None:
            with open(tmp, "w", encoding="utf-8", newline="") as handle:
                out = csv.writer(handle, lineterminator="\n")
                out.writerow(columns)
                out.writerows([_cell(row.get(name)) for name in columns] for row in rows)

        return write

    write_all({path: writer(columns, rows) for path, (columns, rows) in tables.items()})


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)):
        return "" if math.isnan(value) else repr(float(value))
    if isinstance(value, np.integer):
        return str(int(value))
    return str(value)
