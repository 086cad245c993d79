"""docs/outputs.md's column lists are written from the pandera models: regenerated here
and compared byte for byte, so the docs cannot drift from the checks."""

import pandera.pandas as pa
from pandera.typing import Series

from clinrepro.base.dictionary import BLOCK, model_table, updated
from conftest import ROOT

OUTPUTS = ROOT / "docs/outputs.md"
# every table one stage hands to the next, and every table a user opens
DOCUMENTED = [
    *(f"clinrepro.reading.schemas.{m}" for m in ("Subjects", "Regimens", "PriorTreatments")),
    "clinrepro.reading.schemas.Measurements",
    "clinrepro.reading.schemas.NotAnalysed",
    "clinrepro.adam.schemas.ADSL",
    "clinrepro.adam.schemas.ADEFF",
    "clinrepro.statistics.schemas.ARD",
    *(f"clinrepro.drafting.schemas.{m}" for m in ("ClaimsDraft", "ClaimsDraftVsLedger")),
    *(f"clinrepro.audit.schemas.{m}" for m in ("Claims", "Specifications", "Outcomes")),
    *(f"clinrepro.audit.schemas.{m}" for m in ("Attainability", "Eligibility")),
    *(f"clinrepro.audit.schemas.{m}" for m in ("Reconciliation", "ClaimsCells", "SummaryChecks")),
    *(f"clinrepro.power.schemas.{m}" for m in ("Power", "PowerSummary", "PowerCurve")),
]


def test_the_column_lists_of_outputs_md_are_those_of_the_models():
    text = OUTPUTS.read_text(encoding="utf-8")
    assert updated(text) == text, "run `make docs` and commit docs/outputs.md"


def test_outputs_md_lists_every_table_of_the_dictionary():
    text = OUTPUTS.read_text(encoding="utf-8")
    assert [match.group(1) for match in BLOCK.finditer(text)] == DOCUMENTED


class Visits(pa.DataFrameModel):
    """One row a visit."""

    visit: Series[str] = pa.Field(unique=True, description="Visit code | its label.")
    month: Series[float] = pa.Field(ge=0, le=60, nullable=True, description="Time, months.")
    done: Series[str] = pa.Field(isin=["Y", "N", ""], nullable=True, description="Seen?")
    flags: Series[str] = pa.Field(alias=r"^[A-Z]+FL$", regex=True, description="Flags.")

    @pa.dataframe_check(error="a visit after 5 years")
    def within_five_years(cls, df):
        return df["month"] <= 60


def test_a_model_as_a_markdown_table():
    assert model_table(Visits) == "\n".join(
        [
            "One row a visit.",
            "",
            "| column | type | description |",
            "|---|---|---|",
            "| `visit` | text, unique | Visit code \\| its label. |",
            "| `month` | number, ≥ 0, ≤ 60, may be empty | Time, months. |",
            "| `done` | text, one of Y, N, may be empty | Seen? |",
            "| columns matching `^[A-Z]+FL$` | text | Flags. |",
            "",
            "A row is refused where: a visit after 5 years.",
        ]
    )


def test_only_the_text_between_markers_is_rewritten():
    text = (
        "Prose stays.\n<!-- columns: test_dictionary.Visits -->\nstale\n<!-- end columns -->\n"
        "More prose.\n"
    )
    assert updated(text) == (
        "Prose stays.\n<!-- columns: test_dictionary.Visits -->\n"
        f"{model_table(Visits)}\n<!-- end columns -->\nMore prose.\n"
    )
