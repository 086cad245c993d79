"""The house: stage packages in layers, read from the real import graph (every import
statement, wherever it stands), and the size limits that keep each room small."""

import ast
from pathlib import Path

import pytest

from clinrepro.base import imports
from clinrepro.base.imports import code_of, graph
from conftest import ROOT

# lowest first: a module may import its own package and the packages below it, never one
# beside or above it
LAYERS = [
    "base",
    "reading",
    "adam",
    "statistics",
    "drafting",
    "audit",
    "presentation",
    "power",
    "synthetic",
]
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
GRAPH = graph(ROOT)


def layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_sits_in_a_layer():
    outside = [m for m in GRAPH if m != "clinrepro" and layer(m) is None]
    assert outside == []
    assert sorted({m.split(".")[1] for m in GRAPH if m != "clinrepro"}) == sorted(LAYERS)


def test_no_module_imports_a_layer_above_or_beside_its_own():
    wrong = [
        f"{m} imports {i}"
        for m, imports in GRAPH.items()
        for i in imports
        if layer(m) is not None and layer(i) is not None and layer(i) > layer(m)
    ]
    assert wrong == []


def test_the_import_graph_has_no_circle():
    state, circles = {}, []

    def visit(module, path):
        state[module] = "open"
        for other in sorted(GRAPH.get(module, ())):
            if state.get(other) == "open":
                circles.append(path[path.index(other) :] + [other])
            elif other not in state:
                visit(other, path + [other])
        state[module] = "done"

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_the_graph_reads_imports_inside_functions(tmp_path):
    package = tmp_path / "clinrepro"
    (package / "a").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a" / "__init__.py").write_text("")
    (package / "a" / "low.py").write_text("")
    (package / "a" / "high.py").write_text("def f():\n    from clinrepro.a import low\n")
    (tmp_path / "script.py").write_text("from clinrepro.a.high import f\n")
    assert graph(tmp_path)["clinrepro.a.high"] == {"clinrepro", "clinrepro.a", "clinrepro.a.low"}
    assert code_of("script.py", tmp_path) == [
        "clinrepro/__init__.py",
        "clinrepro/a/__init__.py",
        "clinrepro/a/high.py",
        "clinrepro/a/low.py",
    ]


def sources():
    return sorted((ROOT / "clinrepro").rglob("*.py"))


def test_no_module_is_over_the_limit():
    long = {
        str(p.relative_to(ROOT)): n
        for p in sources()
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_is_over_the_limit():
    long = {}
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = lines
    assert long == {}


@pytest.mark.parametrize(
    "script, stages",
    [
        ("extract", {"base", "reading"}),
        ("validate", {"base", "reading"}),
        ("analyse", {"base", "reading", "adam", "statistics", "audit"}),
    ],
)
def test_a_scripts_code_inputs_are_the_stages_it_runs(script, stages):
    code = [p for p in code_of(f"scripts/{script}.py", ROOT) if p.startswith("clinrepro/")]
    assert {
        Path(p).parts[1] for p in code if Path(p).name != "__init__.py" or len(Path(p).parts) > 2
    } == stages


def test_a_data_file_a_module_reads_is_a_code_input(tmp_path):
    """A module's DATA_FILES count as code inputs of every script that imports it, so that
    editing config/vocabularies.yaml reruns the jobs that read it."""
    package = tmp_path / "clinrepro"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "terms.py").write_text('DATA_FILES = ("config/terms.yaml",)\n')
    (tmp_path / "script.py").write_text("import clinrepro.terms\n")
    assert code_of("script.py", tmp_path) == [
        "clinrepro/__init__.py",
        "clinrepro/terms.py",
        "config/terms.yaml",
    ]
    for script in ("extract", "validate", "analyse", "table1", "report"):
        assert "config/vocabularies.yaml" in code_of(f"scripts/{script}.py", ROOT)


def test_the_code_inputs_kept_for_the_next_start_are_read_until_a_source_changes(tmp_path):
    import json
    import os

    package = tmp_path / "clinrepro"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text("")
    (package / "high.py").write_text("")
    (tmp_path / "script.py").write_text("import clinrepro.high\n")
    store = tmp_path / ".snakemake/clinrepro/code_inputs.json"
    assert code_of("script.py", tmp_path, store) == ["clinrepro/__init__.py", "clinrepro/high.py"]
    kept = json.loads(store.read_text("utf-8"))
    assert kept["script.py"]["code"] == ["clinrepro/__init__.py", "clinrepro/high.py"]
    # a start that finds the same sources reads the store, not the sources (a store written
    # by hand shows it)
    kept["script.py"]["code"] = ["read from the store"]
    store.write_text(json.dumps(kept), "utf-8")
    imports._kept.cache_clear()
    assert code_of("script.py", tmp_path, store) == ["read from the store"]
    # an edit (a new modification time and size) is parsed again, and kept
    high = package / "high.py"
    high.write_text("from clinrepro import low\n")
    os.utime(high, ns=(1, 1))
    imports._kept.cache_clear()
    expected = ["clinrepro/__init__.py", "clinrepro/high.py", "clinrepro/low.py"]
    assert code_of("script.py", tmp_path, store) == expected
    edited = json.loads(store.read_text("utf-8"))["script.py"]
    assert edited["code"] == expected
    # a new source in the package, imported by no one yet, changes the stamp too
    (package / "new.py").write_text("")
    imports._kept.cache_clear()
    assert code_of("script.py", tmp_path, store) == expected
    assert json.loads(store.read_text("utf-8"))["script.py"]["stamp"] != edited["stamp"]
