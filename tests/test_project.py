"""The project's own hygiene: lint, format, logs, pinned environments."""

import ast
import re
import subprocess
import sys
import tomllib

import yaml

from conftest import ROOT

# an import's distribution where the two names differ
DISTRIBUTIONS = {"yaml": "pyyaml"}


def run(*args):
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_snakemake_lint_is_clean():
    result = run("snakemake", "--lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr


def test_snakefmt_check_passes():
    result = run("snakefmt", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_rule_has_a_log_and_its_script_writes_there():
    rules = {path.name: path.read_text("utf-8") for path in (ROOT / "rules").glob("*.smk")}
    declared = [
        (name, block)
        for name, text in rules.items()
        for block in re.split(r"\n(?=rule )", text)
        if block.startswith("rule ")
    ]
    names = {block.split(":")[0].split()[1] for _, block in declared}
    assert names == {
        "extract", "validate", "table1", "analyse", "report", "sensitivity",
        "synthesize", "draft", "draft_vs_ledger", "draft_ledger",
    }  # fmt: skip
    for name, block in declared:
        assert "\n    log:\n" in block, f"{name}: {block.splitlines()[0]} has no log"
        assert "\n    benchmark:\n" in block, f"{name} has no benchmark file"
        script = re.search(r'script:\n\s+"\.\./(scripts/\w+\.py)"', block).group(1)
        lines = (ROOT / script).read_text("utf-8").splitlines()
        statements = [line for line in lines if line and not line.startswith(("import ", "from "))]
        # forked from the resident process when there is one (clinrepro/base/resident.py)
        assert statements[:2] == [
            "hand_over()",
            'sys.stderr = open(snakemake.log[0], "w")',
        ], script


def pins(lines):
    return dict(
        line.strip().lstrip("- ").split("==")
        for line in lines
        if "==" in line and not line.strip().startswith("#")
    )


def test_conda_environments_match_the_requirements():
    requirements = pins((ROOT / "envs/requirements.txt").read_text("utf-8").splitlines())
    assert {"snakemake", "pandas", "pandera", "scipy", "matplotlib"} <= set(requirements)
    for env in (ROOT / "envs").glob("*.yaml"):
        spec = yaml.safe_load(env.read_text("utf-8"))
        pip = next(item["pip"] for item in spec["dependencies"] if isinstance(item, dict))
        assert pins(pip) == requirements, env.name


def test_the_rules_run_without_the_development_tools():
    # the rules' environment (the runtime pins, envs/analysis.yaml) carries no test or format
    # tool; the venv's development pins add them, each package pinned once
    runtime = pins((ROOT / "envs/requirements.txt").read_text("utf-8").splitlines())
    dev_lines = (ROOT / "envs/requirements-dev.txt").read_text("utf-8").splitlines()
    development = pins(dev_lines)
    tools = {"pytest", "pytest-xdist", "hypothesis", "selenium", "black", "snakefmt"}
    assert not tools & set(runtime)
    assert tools <= set(development)
    assert not set(runtime) & set(development)
    assert "-r requirements.txt" in dev_lines


def test_the_package_declares_what_the_rules_import():
    # every library the package and the rules import is a dependency of pyproject.toml, and
    # the development extra names the tools the venv adds
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    declared = set(project["dependencies"])
    imported = set()
    for path in (ROOT / "clinrepro").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    for path in (ROOT / "rules").glob("*.smk"):
        text = path.read_text("utf-8")
        imported |= set(re.findall(r"^(?:import|from) (\w+)", text, re.M))
    libraries = imported - set(sys.stdlib_module_names) - {"clinrepro", "snakemake"}
    assert {DISTRIBUTIONS.get(name, name) for name in libraries} <= declared
    assert "snakemake" in declared
    assert {"pytest", "pytest-xdist", "hypothesis", "selenium", "black", "snakefmt"} <= set(
        project["optional-dependencies"]["dev"]
    )


def test_requirements_are_exact_pins():
    lines = [
        line
        for line in (ROOT / "envs/requirements.txt").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert all(
        re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", line) for line in lines
    ), lines


def test_parse_time_imports_no_analysis_library():
    # the Snakefile and its rules must not import pandas, scipy or matplotlib themselves
    for path in [ROOT / "Snakefile", *(ROOT / "rules").glob("*.smk")]:
        text = path.read_text("utf-8")
        assert not re.search(
            r"^\s*(import|from)\s+(pandas|scipy|matplotlib|numpy)", text, re.M
        ), path
