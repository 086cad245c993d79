"""Whole-column operations the stages share, so that a registry of a million patients
costs a few passes over arrays, never a Python call per patient or per record."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from clinrepro.base.study import POPULATION_FLAG


def _text(values) -> pa.Array:
    return pa.array(values, type=pa.string())


# pandas' type of a column of texts, missing values NaN: what a list of str becomes
TEXT = pd.Series(["", np.nan]).dtype


def is_text(values: pd.Series) -> bool:
    """Whether a column holds texts only, missing values aside: a text column, or a
    categorical of texts."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return pd.api.types.is_string_dtype(values.dtype.categories)
    return pd.api.types.is_string_dtype(values.dtype) and pd.api.types.infer_dtype(
        values, skipna=True
    ) in ("string", "empty")


def arrow_text(values: pd.Series) -> pa.Array:
    """A column of texts (is_text) as one Arrow array of texts, missing values null; a
    categorical decoded from its codes: no Python object a cell (10^7 cells in a fraction
    of a second)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        categories = pa.array(values.cat.categories.astype(TEXT), type=pa.large_string())
        return pa.DictionaryArray.from_arrays(
            pa.array(codes, mask=codes < 0), categories
        ).dictionary_decode()
    array = pa.array(values.astype(TEXT), from_pandas=True, type=pa.large_string())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def decoded(values: pd.Series) -> pd.Series:
    """A categorical column of texts as the text column `.astype(str)` makes of it."""
    return pd.Series(pd.array(arrow_text(values), dtype=TEXT), index=values.index)


def positions(keys: pd.Series, values: pd.Series) -> np.ndarray:
    """Each value's position among `keys`, distinct texts (a patient's row, say; values
    are texts too, as the tables' ids are), -1 where it is none of them: what
    `pd.Index(keys).get_indexer(values)` gives, by one Arrow hash lookup instead of a
    Python text a value (10^7 records: a fifth of the time, and no transient copy of half
    a GB); a categorical is looked up once a category. Repeated keys are refused."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        found = positions(keys, pd.Series(values.cat.categories))
        return np.append(found, -1)[values.cat.codes.to_numpy()]  # code -1: missing
    keys = pd.Series(keys)
    distinct = arrow_text(keys)
    if pc.count_distinct(distinct, mode="all").as_py() < len(keys):  # as pandas refuses them
        raise pd.errors.InvalidIndexError(
            f"the keys to look up repeat: {keys[keys.duplicated()].iloc[0]!r} more than once"
        )
    found = pc.index_in(arrow_text(pd.Series(values)), value_set=distinct)
    return found.fill_null(-1).to_numpy().astype(np.intp)


def as_codes(column: pd.Series) -> pd.Series:
    """Repeated codes (a visit, a parameter, a flag) as a categorical column: its values in
    sorted order, '' missing. Filtering and grouping then move small integer codes, not
    text, and a table read from CSV or from Parquet gives the same column."""
    column = column.astype("category")
    categories = column.cat.categories
    used = np.bincount(column.cat.codes.to_numpy() + 1, minlength=len(categories) + 1)[1:] > 0
    return column.cat.set_categories(sorted(value for value in categories[used] if value != ""))


def repeated(column: pd.Series, position: np.ndarray) -> pd.Categorical:
    """A patient-level column on each record of its patient, `position` being the record's
    patient row (-1: none, missing)."""
    coded = column.astype("category")
    codes = coded.cat.codes.to_numpy()
    taken = np.where(position >= 0, codes[np.maximum(position, 0)], -1)
    return pd.Categorical.from_codes(taken, coded.cat.categories)


def joined(values: pd.Series, keys: pd.Series, separator: str) -> pd.Series:
    """Each key's values joined by `separator` in their order, indexed by key (in order of
    first appearance): one Arrow join over lists, not one Python join per key."""
    codes, distinct = pd.factorize(keys)  # a value without a key is left out (code -1)
    order = np.argsort(codes, kind="stable")[np.count_nonzero(codes < 0) :]
    counts = np.bincount(codes[codes >= 0], minlength=len(distinct))
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]), type=pa.int32())
    items = _text(values.take(order))  # a large column comes from Parquet in chunks
    items = items.combine_chunks() if isinstance(items, pa.ChunkedArray) else items
    lists = pa.ListArray.from_arrays(offsets, items)
    return pd.Series(pc.binary_join(lists, separator), index=distinct, dtype="str")


def tiled(labels: list[str], times: int) -> pd.Series:
    """The labels, in order, `times` times over, as text (one Arrow take)."""
    codes, distinct = pd.factorize(np.array(labels, dtype=object))
    return pd.Series(pc.take(_text(distinct), np.tile(codes, times)), dtype="str")


def split_once(text: pd.Series, separator: str) -> tuple[pd.Series, pd.Series]:
    """Each text cut at its first `separator` (a regular expression; spaces around it
    dropped): the part before, whole text where there is no separator, and the part after,
    missing where there is none. Done by Arrow's compute kernels, not per cell in Python."""
    cut = pc.extract_regex(_text(text), rf"^(?P<before>.*?)\s*(?:{separator})\s*(?P<after>.*)$")
    before = pc.if_else(pc.is_valid(cut), pc.struct_field(cut, 0), _text(text))
    after = pc.struct_field(cut, 1)
    return tuple(pd.Series(part, index=text.index, dtype="str") for part in (before, after))


def split_list(text: pd.Series, separator: str = ",") -> pd.Series:
    """'CS, HCQ, IVIg' -> 'CS', 'HCQ', 'IVIg': one row per item, stripped of spaces, with
    the index of its cell."""
    lists = pc.split_pattern(_text(text), pattern=separator)
    items = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    cells = pc.list_parent_indices(lists).to_numpy()
    return pd.Series(items, index=text.index[cells], dtype="str")


def among(values: pd.Series | pd.Index, known: pd.Series | pd.Index) -> np.ndarray:
    """Whether each value is one of `known`, by one hash table of the known values."""
    return pc.is_in(_text(values), value_set=_text(known.dropna().unique())).to_numpy(
        zero_copy_only=False
    )


def translated(values: pd.Series, mapping: dict, dtype="str") -> pd.Series:
    """Each value looked up in `mapping` (missing where it is not there, or None): one
    lookup per distinct value, not per cell."""
    codes, distinct = pd.factorize(values)
    found = [mapping.get(value) for value in distinct] + [None]  # code -1: a missing value
    looked_up = np.array([np.nan if value is None else value for value in found], dtype=object)
    return pd.Series(looked_up[codes], index=values.index, dtype=dtype)


def population_columns(frame) -> list[str]:
    """The population flags a table carries, in its column order (ADSL's: SAFFL, then the
    declared domains', then the combined population's)."""
    return [column for column in frame.columns if re.match(POPULATION_FLAG, str(column))]
