"""data/raw/.../table1.csv is the paper's Table 1, cell for cell."""

import csv
import re

import pytest

from conftest import ROOT, TABLE

SEED = ROOT.parent / "shared" / "seeds" / "000_1d42a4933288283d.txt"


@pytest.mark.skipif(
    not SEED.exists(), reason="the paper's text (../shared/seeds) is not beside the project"
)
def test_every_cell_as_printed_in_the_paper():
    text = SEED.read_text(encoding="utf-8")
    printed = [
        [cell.strip().replace("\\pm", "±") for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if re.match(r"^\| \d+ \|", line)
    ]
    with open(ROOT / TABLE, encoding="utf-8", newline="") as handle:
        transcribed = list(csv.reader(handle))
    assert len(printed) == 16
    assert transcribed[1:] == printed


def test_headers_are_the_printed_two_level_headers_joined():
    with open(ROOT / TABLE, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == [
        "Patients",
        "Age (yrs)",
        "Sex",
        "Disease duration (yrs)",
        "Myositis-specific antibody",
        "Previous treatment",
        "JAKinh Molecule, dose (mg/day)",
        "CDASI activity Baseline",
        "CDASI activity M3",
        "IFN-α (fg/mL) Baseline",
        "IFN-α (fg/mL) M3",
        "MMT8 Baseline",
        "MMT8 M3",
        "CK level (IU/L) Baseline",
        "CK level (IU/L) M3",
    ]
