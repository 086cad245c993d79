import concurrent.futures
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import settings

# how many tables the property tests generate: `make test` (and CI) the thorough profile,
# `make check` the quick one (--hypothesis-profile=quick)
settings.register_profile("thorough", max_examples=40)
settings.register_profile("quick", max_examples=15)
settings.load_profile("thorough")

ROOT = Path(__file__).resolve().parent.parent
# the workflow runs of the tests are in many folders, each with its resident process
# (clinrepro/base/resident.py): each ends 5 s after its last job, not the user's 300 s
os.environ.setdefault("CLINREPRO_RESIDENT_IDLE", "5")
TABLE = "data/raw/landon_cardinal_2022/table1.csv"


def wait_for(condition, seconds=30.0):
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def ended(pid):
    """Gone, or a zombie (ended, not yet reaped by whoever took it over)."""
    path = Path(f"/proc/{pid}/stat")
    return not path.exists() or path.read_text().split(") ")[1][:1] == "Z"


def in_one_thread(function) -> None:
    """Call `function` in a child forked from this test's process, which runs one thread as
    a workflow job does (pytest-xdist's worker runs two, and clinrepro.base.parallel then
    forks no helper); fails if it raises."""
    import multiprocessing

    child = multiprocessing.get_context("fork").Process(target=function)
    child.start()
    child.join()
    assert child.exitcode == 0, "the forked child failed (its trace is above)"


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
    """A cohort's settings as the workflow reads them (vocabulary labels as printed text)."""
    from clinrepro.base.settings import cohort_settings

    path = f"config/cohorts/{name}.yaml"
    return cohort_settings({"cohorts": {name: path}}, name, ROOT)


@pytest.fixture(scope="session")
def tables(cohort):
    from clinrepro.reading.extract import extract_cohort

    return extract_cohort(str(ROOT / TABLE), cohort)


@pytest.fixture(scope="session")
def pilot(tables, analysis, cohort):
    """The pilot's ADSL, ADEFF and ARD built in process (no workflow run)."""
    from clinrepro.adam.endpoints import build_adeff, build_adsl
    from clinrepro.statistics.results import analysis_results

    adsl = build_adsl(tables, analysis, "M0")
    adeff = build_adeff(tables["measurements"], adsl, analysis, cohort)
    return adsl, adeff, analysis_results(adsl, adeff, analysis, "M0")


# ---- the workflow runs the tests read, built in the background -----------------------------
#
# Each is a temporary copy of the project after one Snakemake run, named for the fixture
# that returns it. Once the tests are collected, the runs they need start, two at a time,
# in the order the tests need them, while the tests go on (a run of one variant keeps one
# of the two cores busy most of the time: two runs at once use both). A fixture waits for
# its own run. Tests that change a project work on a copy of their own.
#
# With pytest-xdist (`make test` runs two processes) the runs are shared: they live in one
# folder the controlling process makes (its path in BUILDS_FOLDER), each is made once by the
# process that claims it first (a folder `<name>.claimed`), and each process makes at most
# one at a time in the background, so that two run at once in all; a test that needs a run
# still queued behind its process's others makes it at once, beside them.

# fixture name -> Snakemake's arguments, and what to change in the copy before the run
BUILDS: dict[str, tuple[tuple[str, ...], object]] = {}
BUILDS_FOLDER = "CLINREPRO_TEST_BUILDS"
SESSION_START = "CLINREPRO_TEST_START"  # when the session started (time.time()), for the log
FIGURE_STORE = "CLINREPRO_TEST_FIGURES"  # the figure store every run of the session shares
STORE = ".snakemake/clinrepro/figures"  # a project's own (FIGURE_CACHE, rules/common.smk)
# runs that draw into a store of their own (a test reads what the run itself kept), which is
# then added to the shared one for the runs after
OWN_STORE = ("built",)


def build(name: str, args: tuple[str, ...] = (), prepare=None) -> None:
    """Declare a run a test module's fixture reads (call at import, the fixture returns
    `built_project(name)`). Two modules may declare the same run, with the same arguments."""
    if name in BUILDS and BUILDS[name] != (args, prepare):
        raise ValueError(f"the run {name} is declared twice with other arguments: {args}")
    BUILDS[name] = (args, prepare)


build("built")  # the default run: every variant of the pilot
# the SYNTHETIC tofacitinib cohort, and the cohort of its paper's text alone (the audit on a
# draft of the text)
build(
    "built_synthetic",
    (
        "--config",
        "run={cohorts: [synthetic_tofacitinib, synthetic_tofacitinib_text], variants: [paper]}",
    ),
)


# the longest runs first (the default run of every variant takes about a minute), then the
# one the first workflow tests read
FIRST_BUILDS = ("built", "built_synthetic", "built_examples", "cluster_run")


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # the controlling process (or the only one)
        os.environ[BUILDS_FOLDER] = tempfile.mkdtemp(prefix="clinrepro-builds-")
        os.environ[SESSION_START] = str(time.time())
        shared = Path(os.environ[BUILDS_FOLDER]) / "figure-store"
        shared.mkdir()
        os.environ[FIGURE_STORE] = str(shared)


def pytest_terminal_summary(terminalreporter, config):
    """When each background run started and ended, in seconds from the session's start
    (where a test waits long, look here first)."""
    if hasattr(config, "workerinput"):
        return
    made = sorted(Path(os.environ[BUILDS_FOLDER]).glob("*.seconds"))
    if made:
        terminalreporter.write_sep("-", "background workflow runs (seconds from the start)")
        for path in made:
            terminalreporter.write_line(f"{path.stem}: {path.read_text('utf-8')}")


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):
        shutil.rmtree(os.environ.pop(BUILDS_FOLDER), ignore_errors=True)


class Builder:
    """The declared runs the collected tests need, in the background, each made once across
    the test processes."""

    def __init__(self, names: list[str]):
        self.folder = Path(os.environ[BUILDS_FOLDER])
        processes = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, 2 // processes))
        first = [name for name in FIRST_BUILDS if name in names]
        ordered = first + [name for name in names if name not in first]
        self.runs = {name: self.pool.submit(self.run_if_unclaimed, name) for name in ordered}

    def claim(self, name: str) -> bool:
        try:
            (self.folder / f"{name}.claimed").mkdir()
            return True
        except FileExistsError:
            return False

    def run_if_unclaimed(self, name: str) -> Path | None:
        return self.run(name) if self.claim(name) else None

    def run(self, name: str) -> Path:
        try:
            from workflow import copy_project, snakemake

            args, prepare = BUILDS[name]
            started = time.time() - float(os.environ[SESSION_START])
            project = copy_project(self.folder / name, share_store=name not in OWN_STORE)
            if prepare is not None:
                prepare(project)
            run = snakemake(project, *args)
            # what Snakemake printed, for the tests that read it
            (project / "snakemake-output.txt").write_text(run.stdout + run.stderr, "utf-8")
            assert run.returncode == 0, f"{name}: " + run.stderr[-3000:]
            if name in OWN_STORE:  # each kept file's digest is checked before a copy
                shutil.copytree(project / STORE, os.environ[FIGURE_STORE], dirs_exist_ok=True)
            ended = time.time() - float(os.environ[SESSION_START])
            said = f"{started:.0f} to {ended:.0f} ({ended - started:.0f} s)"
            (self.folder / f"{name}.seconds").write_text(said, "utf-8")
            (self.folder / f"{name}.done").write_text("made", "utf-8")
            return project
        except BaseException as error:
            (self.folder / f"{name}.done").write_text(f"failed: {error}"[:4000], "utf-8")
            raise

    def made_elsewhere(self, name: str, seconds: float = 1800) -> Path:
        """Wait for a run another test process claimed (a process that died with it claimed
        leaves no outcome: the wait ends, and says so)."""
        done, deadline = self.folder / f"{name}.done", time.monotonic() + seconds
        while not done.exists():
            assert time.monotonic() < deadline, f"{name}: no outcome after {seconds:.0f} s"
            time.sleep(0.5)
        outcome = done.read_text("utf-8")
        assert outcome == "made", f"{name}, made by another test process: {outcome}"
        return self.folder / name

    def project(self, name: str) -> Path:
        if name not in self.runs:  # a run no collected test asked for at first
            self.runs[name] = self.pool.submit(self.run_if_unclaimed, name)
        if self.runs[name].cancel():
            # still queued behind this process's other runs: a test needs it now, so it is
            # made here (or, claimed by another process, waited for there), and kept as
            # this process's outcome for the tests that ask again
            made = concurrent.futures.Future()
            try:
                made.set_result(self.run_if_unclaimed(name))
            except BaseException as error:
                made.set_exception(error)
            self.runs[name] = made
        return self.runs[name].result() or self.made_elsewhere(name)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


BUILDER: Builder | None = None


def pytest_collection_finish(session):
    global BUILDER
    needed = []
    for item in session.items:  # in the order the tests run
        # a module's READS_LATER, for its workflow tests only (`make check` starts no run)
        later = (
            getattr(item.module, "READS_LATER", ()) if item.get_closest_marker("workflow") else ()
        )
        for name in [*item.fixturenames, *later]:
            if name in BUILDS and name not in needed:
                needed.append(name)
    if needed and not session.config.option.collectonly:
        BUILDER = Builder(needed)


def pytest_sessionfinish(session):
    if BUILDER is not None:
        BUILDER.close()


def built_project(name: str) -> Path:
    global BUILDER
    if BUILDER is None:
        BUILDER = Builder([])
    return BUILDER.project(name)


@pytest.fixture(scope="session")
def built():
    """A temporary copy of the project after one full run of the workflow (all variants)."""
    return built_project("built")


@pytest.fixture(scope="session")
def built_synthetic():
    """A temporary copy of the project after a run of the SYNTHETIC tofacitinib cohort and of
    the cohort of its paper's text (audited on the draft), variant paper."""
    return built_project("built_synthetic")


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
WORKFLOW_FIXTURES = {"project", "arena"}


# workflow modules whose tests start runs of their own: first among the workflow tests, while
# the background runs are being made
OWN_RUNS_FIRST = ("test_faults",)


def pytest_collection_modifyitems(items):
    fixtures = WORKFLOW_FIXTURES | set(BUILDS)  # the test modules have declared theirs
    with_workflow = set()
    for item in items:
        if item.module.__name__ in WORKFLOW_MODULES or fixtures & set(item.fixturenames):
            item.add_marker(pytest.mark.workflow)
        if item.get_closest_marker("workflow"):  # also where a test is marked by hand
            with_workflow.add(item.module.__name__)
    # the modules without a workflow run first, while the background runs start; a module's
    # tests stay together (their module fixtures are made once)
    order = {item: index for index, item in enumerate(items)}
    items.sort(
        key=lambda item: (
            item.module.__name__ in with_workflow,
            item.module.__name__ not in OWN_RUNS_FIRST,
            order[item],
        )
    )
