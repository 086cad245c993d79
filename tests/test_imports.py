"""Each job imports only what its stage uses: the heavy libraries a script's imports pull in
(`python -X importtime`), per script, against the ones its stages call. The seconds the
imports take are measured in benchmarks/bench_imports.py, not here."""

import re
import subprocess
import sys

import pytest

from conftest import ROOT

# nine interpreters, each importing pandas and more: `make test` runs these, `make check`
# (the editing loop) leaves them out
pytestmark = pytest.mark.slow

# libraries that cost a few tenths of a second or more to import
HEAVY = ("scipy.stats", "scipy.special", "matplotlib", "pandera", "jinja2", "statsmodels")
# what each rule's script may import of them: the stages it runs call these
ALLOWED = {
    "extract": {"pandera"},  # the raw table's schema
    "validate": {"pandera"},  # the tidy tables' schemas
    "table1": {"jinja2"},  # the HTML page
    "analyse": {"scipy.stats", "scipy.special"},  # the tests and intervals, the audit's recomputing
    "figures": {"matplotlib"},
    "power": {"matplotlib", "scipy.special"},  # the power curve; distributions by scipy.special
    "report": {"jinja2"},
    "sensitivity": {"matplotlib", "jinja2"},  # the forest plot and its page
    "synthesize": {"pandera"},  # the generated table is read back through the raw schema
}


def imported_modules(*codes: str) -> list[set[str]]:
    """The modules a fresh interpreter imports to run each code, by `-X importtime`; the
    interpreters run side by side."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-X", "importtime", "-c", code],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for code in codes
    ]
    modules = []
    for run in runs:
        _, stderr = run.communicate()
        assert run.returncode == 0, stderr[-2000:]
        modules.append({line.split("|")[-1].strip() for line in stderr.splitlines() if "|" in line})
    return modules


def heavy_among(modules: set[str]) -> set[str]:
    """The heavy libraries imported, by any of their modules (a package imported lazily, as
    scipy imports scipy.stats, is listed by its submodules only)."""
    return {name for name in HEAVY if any(m == name or m.startswith(f"{name}.") for m in modules)}


def script_imports(script: str) -> str:
    """The import statements of a rule's script, without the snakemake object it is given."""
    lines = (ROOT / "scripts" / f"{script}.py").read_text("utf-8").splitlines()
    return "\n".join(line for line in lines if re.match(r"(from|import) clinrepro", line))


def test_every_script_is_budgeted():
    assert {path.stem for path in (ROOT / "scripts").glob("*.py")} == set(ALLOWED)


@pytest.fixture(scope="module")
def heavy_imports():
    scripts = sorted(ALLOWED)
    found = imported_modules(*map(script_imports, scripts))
    return {script: heavy_among(modules) for script, modules in zip(scripts, found)}


@pytest.mark.parametrize("script", sorted(ALLOWED))
def test_a_script_imports_only_the_heavy_libraries_its_stages_call(script, heavy_imports):
    heavy = heavy_imports[script]
    assert (
        heavy <= ALLOWED[script]
    ), f"scripts/{script}.py imports {sorted(heavy - ALLOWED[script])}"


def test_the_import_check_sees_a_heavy_import(heavy_imports):
    assert heavy_imports["analyse"] == {"scipy.stats", "scipy.special"}
    assert heavy_imports["figures"] == {"matplotlib"}
    assert heavy_imports["report"] == {"jinja2"}
