from pathlib import Path

import pytest
import yaml

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


@pytest.fixture(scope="session")
def tables(cohort):
    from clinrepro.extract import extract_cohort

    return extract_cohort(str(ROOT / TABLE), cohort)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A temporary copy of the project after one full run of the workflow (all variants)."""
    from workflow import copy_project, snakemake

    project = copy_project(tmp_path_factory.mktemp("built"))
    run = snakemake(project)
    assert run.returncode == 0, run.stderr[-3000:]
    return project


def write_table(tmp_path, text: str, name: str = "table1.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def published_table() -> str:
    return (ROOT / TABLE).read_text(encoding="utf-8")
