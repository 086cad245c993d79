"""The whole-column helpers against results worked out by hand, and against the
cell-by-cell operations they replace."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from clinrepro.base.columns import (
    among,
    as_codes,
    joined,
    positions,
    repeated,
    split_list,
    split_once,
    translated,
)
from clinrepro.base import files
from clinrepro.base.printed import printed_number, printed_numbers


def test_as_codes_sorts_the_values_and_reads_empty_as_missing():
    codes = as_codes(pd.Series(["Y", "", "N", None, "Y"], dtype="str"))
    assert codes.cat.categories.tolist() == ["N", "Y"]
    assert codes.astype(object).where(codes.notna(), None).tolist() == ["Y", None, "N", None, "Y"]
    # a categorical read from Parquet keeps unused and empty categories: they go
    stored = pd.Series(pd.Categorical(["M3", "M0"], categories=["M3", "", "FU", "M0"]))
    assert as_codes(stored).cat.categories.tolist() == ["M0", "M3"]


def test_repeated_puts_a_patient_value_on_each_record():
    flags = pd.Series(["Y", "N", "Y"])
    records = repeated(flags, np.array([2, 2, 0, 1, -1]))
    assert list(records.astype(object)[:4]) == ["Y", "Y", "Y", "N"]
    assert pd.isna(records[4])


def test_joined_keeps_each_patients_order():
    treatments = pd.Series(["CS", "MTX", "HCQ", "IVIg", "AZA"])
    patients = pd.Series(["2", "2", "1", "2", "3"])
    assert joined(treatments, patients, ";").to_dict() == {
        "1": "HCQ",
        "2": "CS;MTX;IVIg",
        "3": "AZA",
    }
    # a column read from Parquet in several chunks
    chunked = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([["CS", "MTX"], ["HCQ"]])))
    assert joined(chunked, pd.Series(["1", "1", "2"]), ", ").to_dict() == {
        "1": "CS, MTX",
        "2": "HCQ",
    }
    # a treatment without a patient is left out
    assert joined(pd.Series(["CS", "AZA"]), pd.Series([None, "4"]), ";").to_dict() == {"4": "AZA"}
    # the same as a Python join per patient
    expected = treatments.groupby(patients).agg(";".join)
    assert joined(treatments, patients, ";").sort_index().equals(expected.astype("str"))


def test_positions_find_each_record_its_patients_row():
    patients = pd.Series(["03", "1", "2"], dtype="str")
    records = pd.Series(["2", "03", "9", None, "2", "1"], dtype="str")
    assert positions(patients, records).tolist() == [2, 0, -1, -1, 2, 1]
    assert positions(patients, records).dtype == np.intp
    # as pandas' lookup gives it, for texts in several Arrow chunks, categoricals with a
    # missing code and categories no record has, an index of patients, and no records
    chunked = pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([["1", "9"], ["03"]])))
    coded = pd.Series(pd.Categorical(["2", None, "03"], categories=["03", "2", "7"]))
    empty = pd.Series(pd.Categorical([], categories=["03"]))
    for keys in (patients, pd.Index(patients)):
        for values in (records, chunked, coded, empty, records.astype(object)):
            expected = pd.Index(keys).get_indexer(values)
            assert positions(keys, values).tolist() == expected.tolist()
    # repeated keys are refused, as pandas refuses them
    with pytest.raises(pd.errors.InvalidIndexError, match="the keys to look up repeat"):
        positions(pd.Series(["1", "2", "1"]), records)


def test_split_once_cuts_at_the_first_separator():
    cells = pd.Series(
        ["68 ± 19", "12292", "NA", "12 ±NA", "Baricitinib, 2, x"], index=[5, 6, 7, 8, 9]
    )
    before, after = split_once(cells, "±")
    assert before.tolist() == ["68", "12292", "NA", "12", "Baricitinib, 2, x"]
    assert after.tolist()[0] == "19" and after.tolist()[3] == "NA"
    assert after.isna().tolist() == [False, True, True, False, True]
    assert before.index.tolist() == [5, 6, 7, 8, 9]
    molecule, dose = split_once(cells.iloc[[4]], ",")
    assert (molecule.iloc[0], dose.iloc[0]) == ("Baricitinib", "2, x")


def test_split_list_gives_an_item_a_row_with_its_cells_index():
    items = split_list(pd.Series(["CS, HCQ, IVIg", "MTX", " AZA ,CS"], index=[10, 11, 12]))
    assert items.tolist() == ["CS", "HCQ", "IVIg", "MTX", "AZA", "CS"]
    assert items.index.tolist() == [10, 10, 10, 11, 12, 12]


def test_translated_and_among():
    labels = pd.Series(["Female", "Male", "female", None, "Female"])
    codes = translated(labels, {"Female": "F", "Male": "M"})
    assert codes.tolist()[:2] == ["F", "M"] and codes.isna().tolist() == [
        False,
        False,
        True,
        True,
        False,
    ]
    high = translated(pd.Series(["CDASI", "CK"]), {"CDASI": 100, "CK": None}, float)
    assert high.iloc[0] == 100 and np.isnan(high.iloc[1])
    known = pd.Series(["1", "2", "3"])
    assert among(pd.Series(["3", "4", "1"]), known).tolist() == [True, False, True]


def test_printed_numbers_print_as_the_table_does():
    values = pd.Series([59.0, 0.1, 12292.0, np.nan, 2.25, -3.0])
    assert printed_numbers(values, "NA").tolist() == ["59", "0.1", "12292", "NA", "2.25", "-3"]
    assert printed_numbers(values, "NA").tolist() == [printed_number(v, "NA") for v in values]


def test_cells_read_in_chunks_are_cut_and_split_as_one_column():
    chunks = pa.chunked_array([["CS, MTX", "AZA"], ["HCQ, IVIg", "X"]])
    cells = pd.Series(pd.arrays.ArrowStringArray(chunks))
    items = split_list(cells)
    assert list(zip(items.index, items)) == [
        (0, "CS"),
        (0, "MTX"),
        (1, "AZA"),
        (2, "HCQ"),
        (2, "IVIg"),
        (3, "X"),
    ]
    before, after = split_once(cells, ",")
    assert before.tolist() == ["CS", "AZA", "HCQ", "X"]
    assert after.isna().tolist() == [False, True, False, True] and after[2] == "IVIg"


def test_a_long_table_is_written_as_pandas_writes_it(tmp_path, monkeypatch):
    """A long table of plain cells goes through Arrow's CSV writer, in blocks: the bytes
    are pandas' to_csv's (numbers as numpy's shortest text, missing values empty); a cell
    that needs quotes sends the table through pandas."""
    monkeypatch.setattr(files, "LONG_TABLE", 3)
    frame = pd.DataFrame(
        {
            "x": [0.1 + 0.2, np.nan, -0.0, 1e-05, 1e20, np.inf, 123456789.0, 2.5],
            "n": np.array([1, -2, 3, 40, 5, 6, 7, 8], dtype=np.int64),
            "yes": [True, False] * 4,
            "text": pd.Series(["a", np.nan, "", "é ü", " b ", "a;b", "-", "M3"], dtype="str"),
            "object": ["R1", None, "R3", "R4", "R5", "R6", "R7", "R8"],
            "codes": pd.Categorical(["Y", "", None, "N", "Y", "é", "", "N"]),
        }
    )
    assert files._plain_blocks(frame) is not None  # the Arrow path, not pandas
    files.write_csv(frame, str(tmp_path / "arrow.csv"))
    frame.to_csv(tmp_path / "pandas.csv", index=False, lineterminator="\n")
    written = (tmp_path / "arrow.csv").read_bytes()
    assert written == (tmp_path / "pandas.csv").read_bytes()
    assert written.splitlines()[:3] == [
        b"x,n,yes,text,object,codes",
        b"0.30000000000000004,1,True,a,R1,Y",
        b",-2,False,,,",
    ]
    quoted = frame.assign(text=frame["text"].replace("a;b", 'say "a, b"'))
    assert files._plain_blocks(quoted) is None
    files.write_csv(quoted, str(tmp_path / "quoted.csv"))
    assert b'"say ""a, b"""' in (tmp_path / "quoted.csv").read_bytes()


@pytest.mark.parametrize("cell", ["a,b", 'say "a"', "a\rb", "a\nb", "é,"])
def test_a_cell_that_needs_quotes_is_found_in_the_bytes_the_cells_use(cell):
    """Each character that makes pandas quote a cell is found, in a text array and in a
    slice of it, and only in the cells the slice holds (the buffer beyond is not read)."""
    texts = pa.array(["ab", cell, "cd"], type=pa.large_string())
    assert files._needs_quotes(texts) and files._needs_quotes(texts.slice(1, 1))
    assert not files._needs_quotes(texts.slice(0, 1)) and not files._needs_quotes(texts.slice(2))
    assert files._needs_quotes(pa.array(["x", cell], type=pa.string()))
    assert not files._needs_quotes(pa.array([None, "é ü", ";"], type=pa.large_string()))


def test_first_rows_and_count_of_a_table_with_a_line_break_in_a_cell(tmp_path, monkeypatch):
    """A table for people: its first rows as written, and its rows counted as rows, not
    lines (a quoted cell holds a line break), over several blocks."""
    monkeypatch.setattr(files, "LONG_TABLE", 4)
    path = tmp_path / "table.csv"
    rows = [f'{i},"line\nbreak {i}",007' for i in range(25)]
    path.write_text("id,note,code\n" + "\n".join(rows) + "\n", "utf-8")
    first, total = files.read_first_rows(str(path), 3)
    assert total == 25 and first.to_dict("list") == {
        "id": ["0", "1", "2"],
        "note": ["line\nbreak 0", "line\nbreak 1", "line\nbreak 2"],
        "code": ["007"] * 3,
    }


def test_repeated_texts_read_as_codes_give_the_same_codes(tmp_path):
    """A Parquet table's repeated texts read as categoricals (as ADSL and ADEFF's build
    reads the tidy measurements) give the same codes as the texts read one a record: an
    empty text a missing code either way; the columns not asked for are not read."""
    frame = pd.DataFrame(
        {
            "subject_id": ["1", "1", "2", "2"],
            "visit": ["M3", "M0", "", "M0"],
            "value": [1.0, 2.0, np.nan, 4.0],
            "unused": ["a", "b", "c", "d"],
        }
    )
    path = str(tmp_path / "measurements.parquet")
    frame.to_parquet(path, index=False)
    coded = files.read_table(path, columns=lambda name: name != "unused", codes=("visit",))
    texts = files.read_table(path)
    assert list(coded.columns) == ["subject_id", "visit", "value"]
    assert isinstance(coded["visit"].dtype, pd.CategoricalDtype)
    assert texts["visit"].tolist()[:2] == ["M3", "M0"] and pd.isna(texts["visit"][2])
    pd.testing.assert_series_equal(as_codes(coded["visit"]), as_codes(texts["visit"]))
    assert as_codes(coded["visit"]).cat.codes.tolist() == [1, 0, -1, 0]
