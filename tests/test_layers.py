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


def new_start():
    """What a new start of Snakemake finds: nothing read before."""
    imports._kept.cache_clear()
    imports._package_listed.cache_clear()
    imports._content_digest.cache_clear()


@pytest.fixture
def package(tmp_path):
    """A package of two empty modules under tmp_path, and a script importing one."""
    package = tmp_path / "clinrepro"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text("")
    (package / "high.py").write_text("")
    (tmp_path / "script.py").write_text("import clinrepro.high\n")
    return package


def test_the_code_inputs_kept_for_the_next_start_are_read_until_a_source_changes(tmp_path, package):
    import json
    import os

    store = tmp_path / ".snakemake/clinrepro/code_inputs.json"
    assert code_of("script.py", tmp_path, store) == ["clinrepro/__init__.py", "clinrepro/high.py"]
    kept = json.loads(store.read_text("utf-8"))
    assert kept["script.py"]["code"] == ["clinrepro/__init__.py", "clinrepro/high.py"]
    # a start that finds the same sources reads the store, not the sources (a store written
    # by hand shows it)
    kept["script.py"]["code"] = ["read from the store"]
    store.write_text(json.dumps(kept), "utf-8")
    new_start()
    assert code_of("script.py", tmp_path, store) == ["read from the store"]
    # an edit (a new modification time and size) is parsed again, and kept
    high = package / "high.py"
    high.write_text("from clinrepro import low\n")
    os.utime(high, ns=(1, 1))
    new_start()
    expected = ["clinrepro/__init__.py", "clinrepro/high.py", "clinrepro/low.py"]
    assert code_of("script.py", tmp_path, store) == expected
    edited = json.loads(store.read_text("utf-8"))["script.py"]
    assert edited["code"] == expected
    # a new source in the package, imported by no one yet, changes the stamp too
    (package / "new.py").write_text("")
    new_start()
    assert code_of("script.py", tmp_path, store) == expected
    assert json.loads(store.read_text("utf-8"))["script.py"]["stamp"] != edited["stamp"]


def test_a_job_s_code_input_is_one_file_listing_the_digests_of_the_sources_it_runs(
    tmp_path, package
):
    import hashlib
    import os

    store, folder = tmp_path / "store.json", tmp_path / "code"

    def code_file():
        new_start()
        return Path(imports.code_file("script.py", tmp_path, store, folder))

    path = code_file()
    empty = hashlib.sha256(b"").hexdigest()
    text = f"{empty}  clinrepro/__init__.py\n{empty}  clinrepro/high.py\n"
    assert path.read_text("utf-8") == text  # what `sha256sum -c` checks, from the project
    assert path == folder / "script" / f"{hashlib.sha256(text.encode()).hexdigest()[:16]}.sha256"
    os.utime(path, ns=(10**18, 10**18))
    # touched only: the same file, untouched
    os.utime(package / "high.py", ns=(2 * 10**18, 2 * 10**18))
    assert code_file() == path and path.stat().st_mtime_ns == 10**18
    # edited: another file, naming what the script now runs
    (package / "high.py").write_text("from clinrepro import low\n")
    edited = code_file()
    assert edited.parent == path.parent and edited.read_text("utf-8") == (
        f"{empty}  clinrepro/__init__.py\n"
        f"{hashlib.sha256(b'from clinrepro import low' + bytes([10])).hexdigest()}"
        "  clinrepro/high.py\n"
        f"{empty}  clinrepro/low.py\n"
    )
    # back as it was: the first file again, never rewritten
    (package / "high.py").write_text("")
    assert code_file() == path and path.stat().st_mtime_ns == 10**18
    assert sorted(path.parent.iterdir()) == sorted([path, edited])


def test_a_job_whose_code_changed_after_snakemake_started_does_not_run(
    tmp_path, package, monkeypatch, capsys
):
    import types

    from clinrepro.base.errors import running_step

    new_start()
    code = imports.code_file("script.py", tmp_path, tmp_path / "store.json", tmp_path / "code")
    monkeypatch.chdir(tmp_path)  # a job runs in the project's folder
    job = types.SimpleNamespace(
        rule="analyse",
        wildcards=types.SimpleNamespace(items=lambda: [("cohort", "x")]),
        params=types.SimpleNamespace(),
        input=types.SimpleNamespace(code=code),
    )
    ran = []
    with running_step(job=job):
        ran.append("as started")
    assert ran == ["as started"] and imports.changed_sources(code) == []
    # edited after the start (the code file named the sources as they were then), or gone
    (package / "high.py").write_text("X = 2\n")
    (package / "__init__.py").unlink()
    assert imports.changed_sources(code) == ["clinrepro/__init__.py", "clinrepro/high.py"]

    def stopped() -> str:
        """What the job says when it stops before its step runs."""
        with pytest.raises(SystemExit) as ended:
            with running_step(job=job):
                ran.append("ran again")
        assert ended.value.code == 1 and ran == ["as started"]
        return capsys.readouterr().err

    assert stopped() == (
        "The step 'analyse' (cohort 'x') did not run: its code changed after Snakemake "
        "started (clinrepro/__init__.py, clinrepro/high.py), and its outputs would be "
        f"recorded as made by the code before ({code}). Start Snakemake again to run it with "
        "the code as it is now.\n"
    )
    # the code input itself gone during the run (.snakemake/ removed)
    Path(code).unlink()
    assert stopped() == (
        "The step 'analyse' (cohort 'x') did not run: its code input cannot be read ([Errno 2] "
        f"No such file or directory: '{code}'). Start Snakemake again.\n"
    )
