from pathlib import Path

import pytest
import yaml
from hypothesis import settings

# how many tables the property tests generate: `make test` (and CI) the thorough profile,
# `make check` the quick one (--hypothesis-profile=quick)
settings.register_profile("thorough", max_examples=100)
settings.register_profile("quick", max_examples=25)
settings.load_profile("thorough")

ROOT = Path(__file__).resolve().parent.parent
TABLE = "data/raw/landon_cardinal_2022/table1.csv"


@pytest.fixture(autouse=True)
def _run_from_project_root(monkeypatch):
    # raw paths in the cohort settings are relative to the project's top folder
    monkeypatch.chdir(ROOT)


@pytest.fixture(scope="session")
def cohort():
    return yaml.safe_load((ROOT / "config/cohorts/landon_cardinal_2022.yaml").read_text("utf-8"))


@pytest.fixture(scope="session")
def analysis():
    return yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))["analysis"]


def cohort_of(name: str) -> dict:
    """A cohort's settings as the workflow reads them."""
    return yaml.safe_load((ROOT / f"config/cohorts/{name}.yaml").read_text("utf-8"))


@pytest.fixture(scope="session")
def tables(cohort):
    from clinrepro.extract import extract_cohort

    return extract_cohort(str(ROOT / TABLE), cohort)


@pytest.fixture(scope="session")
def pilot(tables, analysis, cohort):
    """The pilot's ADSL, ADEFF and ARD built in process (no workflow run)."""
    from clinrepro.endpoints import build_adeff, build_adsl
    from clinrepro.stats import analysis_results

    adsl = build_adsl(tables, analysis, "M0")
    adeff = build_adeff(tables["measurements"], adsl, analysis, cohort)
    return adsl, adeff, analysis_results(adsl, adeff, analysis, "M0")


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A temporary copy of the project after one full run of the workflow (all variants)."""
    from workflow import copy_project, snakemake

    project = copy_project(tmp_path_factory.mktemp("built"))
    run = snakemake(project)
    assert run.returncode == 0, run.stderr[-3000:]
    return project


@pytest.fixture(scope="session")
def built_synthetic(tmp_path_factory):
    """A temporary copy of the project after a run of the SYNTHETIC tofacitinib cohort alone,
    variant paper; tests that change it work on a copy of their own."""
    from workflow import copy_project, snakemake

    project = copy_project(tmp_path_factory.mktemp("built_synthetic"))
    run = snakemake(
        project, "--config", "run={cohorts: [synthetic_tofacitinib], variants: [paper]}"
    )
    assert run.returncode == 0, run.stderr[-3000:]
    return project


def write_table(tmp_path, text: str, name: str = "table1.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def published_table() -> str:
    return (ROOT / TABLE).read_text(encoding="utf-8")


# modules whose tests run the workflow (Snakemake in a copy of the project); `make check`
# leaves them, and the tests of other modules that use a built project, out
WORKFLOW_MODULES = {
    "test_workflow", "test_variants", "test_faults", "test_cluster", "test_scale", "test_report",
}  # fmt: skip
WORKFLOW_FIXTURES = {
    "built", "built_synthetic", "project", "built_examples", "registry_run", "arena",
}  # fmt: skip


def pytest_collection_modifyitems(items):
    for item in items:
        if item.module.__name__ in WORKFLOW_MODULES or WORKFLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.workflow)
