"""HTML pages: a table or the report rendered from a Jinja2 template with autoescaping on,
so every string from the data is escaped; images embedded as data URIs."""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import pandas as pd

from clinrepro.base.files import write_text
from clinrepro.base.study import measured_visits


@dataclass
class HtmlTable:
    """What the table macro needs: headers, rows of display strings, grouped sub-headers."""

    columns: list[str]
    rows: list[dict]
    sub_headers: dict[str, list[str]] = field(default_factory=dict)


def html_table(frame: pd.DataFrame) -> HtmlTable:
    shown_frame = frame.astype(object).where(frame.notna(), "")
    return HtmlTable(list(frame.columns), shown_frame.to_dict("records"))


def first_rows(frame: pd.DataFrame, total: int, limit: int, csv: str) -> tuple[pd.DataFrame, str]:
    """The rows a page shows of a table of `total` patients, and a note if it is cut."""
    if total <= limit:
        return frame, ""
    note = f"The first {limit:,} of {total:,} patients are shown; {Path(csv).name} has them all."
    return frame.head(limit), note


def table1_groups(
    settings: dict, headers: list[str]
) -> tuple[list[tuple[str, int]], dict[str, list[str]]]:
    """The two-level header of Table 1 (its columns `headers`): the patient's columns span
    both rows, each measure its visits."""
    visits = [visit["printed"] for visit in measured_visits(settings)]
    printed = [measure["printed"] for measure in settings["measures"].values()]
    measured = {f"{label} {visit}" for label in printed for visit in visits}
    groups = [(header, 0) for header in headers if header not in measured]
    groups += [(label, len(visits)) for label in printed]
    return groups, {label: visits for label in printed}


def environment(template_dir: str) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context) -> str:
    path = Path(template)
    return environment(str(path.parent)).get_template(path.name).render(**context)


def png_uri(path: str) -> tuple[str, int, int]:
    """The PNG as a data URI, with its size in pixels (read from its header)."""
    data = Path(path).read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii"), width, height


def write_table_page(
    frame: pd.DataFrame, path: str, title: str, template: str, synthetic: bool, **extra
) -> None:
    """One table as a standalone HTML page."""
    extra.setdefault("groups", None)
    extra.setdefault("note", "")
    extra.setdefault("status_column", None)
    table = extra.pop("table", None) or html_table(frame)
    write_text(path, render(template, title=title, frame=table, synthetic=synthetic, **extra))
