"""Reading the raw text tables and writing outputs all-or-nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from clinrepro.errors import InputError, Problem


def read_text_table(path: str) -> pd.DataFrame:
    """Read a CSV with every cell as printed text; headers lose a BOM and outer spaces."""
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=False
        )
    except FileNotFoundError:
        raise InputError([Problem(path, "", "", "", "file not found")])
    except UnicodeDecodeError as error:
        raise InputError(
            [Problem(path, "", "", "", f"not UTF-8 text (byte {error.start})")],
            hint="save the file as UTF-8",
        )
    except pd.errors.EmptyDataError:
        raise InputError([Problem(path, "", "", "", "the file is empty")])
    except pd.errors.ParserError as error:
        raise InputError([Problem(path, "", "", "", f"not a readable CSV table: {error}")])
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def read_table(path: str, text_columns=("subject_id",)) -> pd.DataFrame:
    """Read one of the workflow's CSV tables: only empty cells are missing, ids stay text."""
    return pd.read_csv(
        path,
        dtype={column: str for column in text_columns},
        keep_default_na=False,
        na_values=[""],
        encoding="utf-8",
    )


def write_tables(tables: dict[str, pd.DataFrame]) -> None:
    """Write every table to its path, or none of them: each goes to a temporary file first."""
    staged = []
    try:
        for path, frame in tables.items():
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            tmp = f"{path}.{os.getpid()}.tmp"
            staged.append((tmp, path))
            frame.to_csv(tmp, index=False, lineterminator="\n")
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.remove(tmp)
