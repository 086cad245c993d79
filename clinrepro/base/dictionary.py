"""The column lists of docs/outputs.md, written from the pandera models so the docs cannot
drift from the checks.

Each list sits between two markers that name its model by its import path:

    <!-- columns: clinrepro.adam.schemas.ADSL -->
    ...generated table...
    <!-- end columns -->

The prose around the markers is written by hand and left as it is. `make docs` rewrites
the lists (`python -m clinrepro.base.dictionary docs/outputs.md`); a test checks them.
"""

from __future__ import annotations

import importlib
import re
import sys

START = "<!-- columns: {} -->"
END = "<!-- end columns -->"
BLOCK = re.compile(r"<!-- columns: ([\w.]+) -->\n.*?<!-- end columns -->", re.DOTALL)

TYPE_WORDS = {"str": "text", "string": "text", "float64": "number", "int64": "integer"}
CHECK_WORDS = {
    "greater_than_or_equal_to": "≥ {min_value}",
    "greater_than": "> {min_value}",
    "less_than_or_equal_to": "≤ {max_value}",
    "less_than": "< {max_value}",
    "str_matches": "of the form `{pattern}`",
}


def model_of(path: str):
    """The model a marker names, e.g. 'clinrepro.adam.schemas.ADSL'."""
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _check_words(check) -> str:
    values = check.statistics
    if check.name == "isin":
        # '' (an empty cell) is said by "may be empty"
        return "one of " + ", ".join(str(v) for v in values["allowed_values"] if v != "")
    if check.name == "in_range":
        return f"{values['min_value']} to {values['max_value']}"
    words = CHECK_WORDS.get(check.name)
    return words.format(**values) if words else str(check.error or check.name)


def column_type(column) -> str:
    """A column's type in words, then what it may hold: 'number, ≥ 0, may be empty'."""
    dtype = str(column.dtype).split("[")[0]
    words = [TYPE_WORDS.get(dtype, dtype)]
    words += [_check_words(check) for check in column.checks]
    if column.unique:
        words.append("unique")
    if column.nullable:
        words.append("may be empty")
    return ", ".join(words)


def model_table(model) -> str:
    """A model as a Markdown table: column, type, description; then its row-level checks."""
    schema = model.to_schema()
    lines = [f"{_cell(schema.description or model.__doc__ or '')}", ""]
    lines += ["| column | type | description |", "|---|---|---|"]
    for name, column in schema.columns.items():
        shown = f"columns matching `{name}`" if column.regex else f"`{name}`"
        lines.append(
            f"| {_cell(shown)} | {_cell(column_type(column))} | {_cell(column.description)} |"
        )
    rules = [check.error for check in schema.checks if check.error]
    if rules:
        lines += ["", "A row is refused where: " + "; ".join(_cell(rule) for rule in rules) + "."]
    return "\n".join(lines)


def updated(text: str) -> str:
    """The document with every marked column list written afresh from its model."""

    def block(match: re.Match) -> str:
        path = match.group(1)
        return f"{START.format(path)}\n{model_table(model_of(path))}\n{END}"

    return BLOCK.sub(block, text)


def main(path: str) -> None:
    """Rewrite the column lists of the document at `path`."""
    with open(path, encoding="utf-8") as handle:
        text = updated(handle.read())  # all of it before the file is opened for writing
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


if __name__ == "__main__":
    main(sys.argv[1])
