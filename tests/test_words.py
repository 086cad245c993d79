"""No internal name reaches a reader: the whole rendered report (figure captions included)
of every shipped cohort, read by tests/words.py."""

import pytest
import yaml

import test_cohorts  # noqa: F401  declares the runs of the examples (built_examples, built_rheumatoid)
import test_scale  # noqa: F401  declares the registry of 1000 (registry_run)
from conftest import ROOT, built_project, cohort_of
from words import csv_columns, internal_names

SETTINGS = yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))
# the run that builds each shipped cohort, and the variants it builds
SHIPPED = {
    "landon_cardinal_2022": ("built", tuple(SETTINGS["variants"])),
    "synthetic_tofacitinib": ("built_synthetic", ("paper",)),
    "synthetic_tofacitinib_text": ("built_synthetic", ("paper",)),
    "synthetic_upadacitinib": ("built_examples", ("paper", "mcid4")),
    "synthetic_registry_export": ("built_examples", ("paper", "mcid4")),
    "synthetic_registry_dated": ("built_examples", ("paper", "mcid4")),
    "synthetic_registry": ("registry_run", ("paper",)),
    "synthetic_rheumatoid": ("built_rheumatoid", ("paper", "nonresponder")),
}
READS_LATER = tuple(dict.fromkeys(run for run, _ in SHIPPED.values()))


def test_every_shipped_cohort_is_read_here():
    assert set(SHIPPED) == set(SETTINGS["cohorts"])


@pytest.mark.workflow
@pytest.mark.parametrize("cohort_name", sorted(SHIPPED))
def test_no_internal_name_reaches_a_reader(cohort_name):
    run, variants = SHIPPED[cohort_name]
    folder = built_project(run) / "results" / cohort_name
    cohort = cohort_of(cohort_name)
    columns = csv_columns(folder)
    for variant in variants:
        page = (folder / variant / "report.html").read_text("utf-8")
        found = internal_names(page, cohort, SETTINGS, columns)
        assert not found, f"{cohort_name}/{variant}: {len(found)} found:\n" + "\n".join(found[:30])
