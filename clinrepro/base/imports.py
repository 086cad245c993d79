"""The package's real import graph, read from the syntax trees of its sources.

Every `import` and `from ... import` statement counts, wherever it stands (at the top of a
module or inside a function), and a module imported brings the `__init__.py` of each package
above it. The rules list the sources a script imports, transitively, as code inputs, so a
job reruns when, and only when, code it runs (or a data file that code reads, DATA_FILES)
changed; the layers test reads the same graph.
Standard library only: the Snakefile uses it at parse time.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import secrets
from pathlib import Path

PACKAGE = "clinrepro"


def module_file(name: str, root: Path) -> Path | None:
    """The source file of a dotted module name under `root`, or None outside the package."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = root.joinpath(*parts)
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The module an `from ... import` names, relative imports resolved."""
    if not node.level:
        return node.module or ""
    parts = importer.split(".")
    keep = len(parts) - node.level + (1 if is_package else 0)
    return ".".join(parts[:keep] + ([node.module] if node.module else []))


def imported(path: Path, root: Path) -> set[str]:
    """The package modules one source file imports (itself not included)."""
    return set(_read(path, root)[0])


def statements(body: list[ast.stmt]):
    """Every statement of a body and of the bodies within it (functions, classes, branches,
    handlers, cases): an import is a statement, so expressions need not be walked."""
    for node in body:
        yield node
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                yield from statements(inner)


def names_imported(tree: ast.Module, name: str, is_package: bool) -> set[str]:
    """Every module a source's statements import, by absolute name, and for `from module
    import x` also `module.x` (x may be a module)."""
    found = set()
    for node in statements(tree.body):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, name, is_package)
            found.add(module)
            # `from package import module` imports the module
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _read(path: Path, root: Path) -> tuple[frozenset[str], tuple[str, ...]]:
    stat = path.stat()
    return _parsed(path, root, stat.st_mtime_ns, stat.st_size)


# each source is parsed once a Snakemake start (its modification time and size in the key:
# a file edited since is parsed again); the 12 rules' closures parsed 100 files 600 times,
# 4.8 s of each start (docs/benchmarks.md)
@functools.cache
def _parsed(
    path: Path, root: Path, mtime_ns: int, size: int
) -> tuple[frozenset[str], tuple[str, ...]]:
    """The package modules a source imports, and the data files it declares."""
    name = module_name(path, root) if path.is_relative_to(root) else "__main__"
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found, data = names_imported(tree, name, path.name == "__init__.py"), ()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "DATA_FILES" for target in node.targets
        ):
            data = tuple(ast.literal_eval(node.value))
    modules = set()
    for module in found:
        if module_file(module, root) is None:
            continue
        parts = module.split(".")
        modules.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    modules.discard(name)
    return frozenset(modules), data


def graph(root: str | Path) -> dict[str, set[str]]:
    """Every package module and the package modules it imports directly."""
    root = Path(root)
    return {
        module_name(path, root): imported(path, root)
        for path in sorted((root / PACKAGE).rglob("*.py"))
    }


def _closure(root: Path, start: frozenset[str]) -> frozenset[str]:
    seen, todo = set(), list(start)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo += imported(module_file(module, root), root)
    return frozenset(seen)


def code_of(script: str | Path, root: str | Path, store: str | Path | None = None) -> list[str]:
    """The package sources a script runs: what it imports, transitively, and the data files
    those modules read (DATA_FILES), as paths relative to `root` (the project's folder),
    sorted.

    With `store` (a JSON file), the answer is kept there with the modification times and
    sizes of the script and of every package source, and read back at the next start while
    none of them changed: parsing the package's sources is most of a Snakemake start's own
    time (docs/benchmarks.md)."""
    root = Path(root).resolve()
    if store is None:
        return _code_of(script, root)
    kept = _kept(str(store))
    stamp = _stamp(root, script)
    if kept.get(str(script), {}).get("stamp") != stamp:
        kept[str(script)] = {"stamp": stamp, "code": _code_of(script, root)}
        _keep(Path(store), kept)
    return list(kept[str(script)]["code"])


def code_file(script: str | Path, root: str | Path, store: str | Path, folder: str | Path) -> str:
    """One file standing for the code a script runs (code_of), the job's code input: it
    lists each source's SHA-256 digest and path (`sha256sum -c` checks it), and is named
    by a digest of that list, in `folder`/<script's name>/, written once and never
    rewritten (as the jobs' settings files are: clinrepro.base.settings.keep_job_settings).
    Edited code is another file, so the jobs that run it rerun (their set of inputs
    changed); code as it was when built, back from an edit or only touched, names the
    built file: nothing reruns. One input where there were up to 55: Snakemake compares
    each output's recorded inputs at every start (docs/benchmarks.md)."""
    sources = code_of(script, root, store)
    text = "".join(f"{_content_digest(Path(root, source))}  {source}\n" for source in sources)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    path = Path(folder, Path(script).stem, f"{digest}.sha256")
    if not path.exists():  # a start at the same time writes the same text
        write_whole(path, text)
    return str(path)


def changed_sources(code_input: str | Path) -> list[str]:
    """The sources a code input (code_file) lists whose content is no longer what it lists,
    or that are gone, as it names them; paths relative to the working folder (the
    project's, where Snakemake runs a job)."""
    changed = []
    for line in Path(code_input).read_text("utf-8").splitlines():
        digest, source = line.split("  ", 1)
        try:
            if _sha256(Path(source)) == digest:
                continue
        except FileNotFoundError:
            pass
        changed.append(source)
    return changed


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# a source's SHA-256, read once a start (several scripts run the same sources); a job
# checking its code reads them again (changed_sources)
_content_digest = functools.cache(_sha256)


def _code_of(script: str | Path, root: Path) -> list[str]:
    modules = _closure(root, frozenset(imported(Path(root, script), root)))
    sources = [module_file(m, root) for m in modules]
    read = {name for source in sources for name in _read(source, root)[1]}
    return sorted([*(str(source.relative_to(root)) for source in sources), *read])


def _stamp(root: Path, script: str | Path) -> str:
    """A digest of the names, modification times and sizes of the script and of every
    package source: any edit, added or removed file changes it."""
    listed = [_listed(root, Path(root, script)), *_package_listed(root)]
    return hashlib.sha256("\n".join(listed).encode("utf-8")).hexdigest()


def _listed(root: Path, path: Path) -> str:
    stat = path.stat()
    return f"{path.relative_to(root)} {stat.st_mtime_ns} {stat.st_size}"


@functools.cache
def _package_listed(root: Path) -> tuple[str, ...]:
    """The package's sources listed once a start (for the ten scripts' stamps), as they
    were when it began."""
    return tuple(_listed(root, path) for path in sorted((root / PACKAGE).rglob("*.py")))


@functools.cache
def _kept(store: str) -> dict:
    """What an earlier start kept (nothing when the file is missing or unreadable)."""
    try:
        kept = json.loads(Path(store).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return kept if isinstance(kept, dict) else {}


def write_whole(path: Path, text: str) -> None:
    """Write a file whole: under a name of its own, then renamed, so that two starts at once
    each leave a complete file and none is read half-written; no temporary is left. Here,
    with the standard library, not the package's writer (clinrepro.base.files), which
    imports pandas: the Snakefile uses it while it is parsed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        temporary.write_text(text, "utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _keep(store: Path, kept: dict) -> None:
    """Write the store whole (write_whole)."""
    try:
        write_whole(store, json.dumps(kept, indent=1, sort_keys=True) + "\n")
    except OSError:  # a folder that cannot be written: the next start parses again
        pass
