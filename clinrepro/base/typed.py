"""Typed settings: a cohort's, a variant's and each config section's settings, parsed once
into objects whose names are those their JSON schema declares (config/schema/).

The schemas are the settings' one data dictionary: the Snakefile validates every settings
file against them before any job runs, docs/settings.md describes them, and this module
reads them to type the objects a stage receives. A declared name is an attribute
(`analysis.confidence_level`, `cohort.measures["CDASI"].unit`); an optional one the file
leaves out reads as None. A name the schema does not declare fails wherever it is read (an
AttributeError naming the settings and what they declare), in a test, not in a user's run,
and so does `.get` and `[...]` of an undeclared name: no misspelt key quietly reads as
missing. A map the schema keys by the user's codes (`measures`, `response`, `populations`)
is read with `[code]`, `.get(code)`, `.items()`. An object is closed where its schema
says `additionalProperties: false` or `unevaluatedProperties: false` (every object of the
shipped schemas), open otherwise.

Nothing heavier than yaml is imported: the objects are read-only mappings, so code written
for the dictionaries (`[...]`, `in`, iteration, `dict(...)`) reads them too; `==` compares
the dictionaries they hold; `plain()` gives those dictionaries back (for JSON, digests and
merging). What the schemas here use is read: local `$ref`, `allOf`/`oneOf`/`anyOf`
(every branch's names), `properties`, `additionalProperties`, `unevaluatedProperties`,
`items` (one schema for every item); not `patternProperties`, `if`/`then`, or a `$ref` to
another file.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

# the data files this module reads, relative to the project's folder: code inputs of every
# rule whose script imports it (clinrepro.base.imports): what a settings name reads is
# the schemas'
DATA_FILES = (
    "config/schema/analysis.schema.yaml",
    "config/schema/cohort.schema.yaml",
    "config/schema/config.schema.yaml",
)
SCHEMAS = Path(__file__).resolve().parents[2] / "config" / "schema"
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _schema_file(name: str) -> dict:
    with open(SCHEMAS / f"{name}.schema.yaml", encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SAFE_LOADER)


def _resolved(node: dict, root: dict) -> dict:
    """A schema node with its `$ref`, `allOf`, `oneOf` and `anyOf` folded in: the
    properties and map entries any branch declares."""
    result: dict = {"properties": {}}
    parts = [node]
    while parts:
        part = parts.pop()
        if not isinstance(part, dict):
            continue
        if "$ref" in part:
            target = root
            for step in part["$ref"].removeprefix("#/").split("/"):
                target = target[step]
            parts.append(target)
        for key in ("allOf", "oneOf", "anyOf"):
            parts.extend(part.get(key, []))
        result["properties"].update(part.get("properties", {}))
        for key in ("additionalProperties", "unevaluatedProperties", "items", "type"):
            if key in part and key not in result:
                result[key] = part[key]
    return result


class Settings(Mapping):
    """Settings of one schema node, read by the names it declares (see the module)."""

    __slots__ = ("_values", "_node", "_root", "_where", "_children")

    def __init__(self, values: Mapping, node: dict, root: dict, where: str):
        object.__setattr__(self, "_values", dict(values))
        object.__setattr__(self, "_node", _resolved(node, root))
        object.__setattr__(self, "_root", root)
        object.__setattr__(self, "_where", where)
        object.__setattr__(self, "_children", {})

    # -- the schema's names ------------------------------------------------------------
    def _entry(self, name: str) -> dict | None:
        """The schema node of one name, or None when the schema does not declare it."""
        declared = self._node["properties"]
        if name in declared:
            return declared[name]
        # a map keyed by the user's codes, or an object of the names it declares alone
        extra = self._node.get("additionalProperties", self._node.get("unevaluatedProperties"))
        if isinstance(extra, dict):
            return extra
        return None if extra is False else {}

    def _undeclared(self, name: str) -> AttributeError:
        declared = ", ".join(sorted(self._node["properties"])) or "codes of its own"
        return AttributeError(
            f"{self._where} declare no setting '{name}' (their schema declares: {declared})"
        )

    def _child(self, name: str, entry: dict) -> Any:
        if name not in self._children:
            self._children[name] = _typed(
                self._values[name], entry, self._root, f"{self._where}.{name}"
            )
        return self._children[name]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        declared = self._node["properties"]
        if name not in declared:
            raise self._undeclared(name)
        if name not in self._values:
            return None
        return self._child(name, declared[name])

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{self._where} are read-only: the settings files are the source")

    # -- a read-only mapping -----------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        entry = self._entry(key)
        if entry is None:
            raise KeyError(str(self._undeclared(key)))
        if key not in self._values:
            raise KeyError(key)
        return self._child(key, entry)

    def get(self, key: str, default: Any = None) -> Any:
        if self._entry(key) is None:
            raise self._undeclared(key)
        return self[key] if key in self._values else default

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and self.plain() == plain(other)

    __hash__ = None  # type: ignore[assignment]  (mutable contents, as a dict's)

    def __repr__(self) -> str:
        return f"Settings({self._where}: {self.plain()!r})"

    def __reduce__(self):
        return (_rebuilt, (self.plain(), self._node, self._root, self._where))

    def plain(self) -> dict:
        """The settings as plain dictionaries and lists (for JSON, digests and copies)."""
        return plain(self._values)


class Items(tuple):
    """A list of settings objects, read-only; equal to the list of dictionaries it holds."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (list, tuple)) and plain(self) == plain(other)

    __hash__ = None  # type: ignore[assignment]


def _rebuilt(values: dict, node: dict, root: dict, where: str) -> Settings:
    return Settings(values, node, root, where)


def plain(value: Any) -> Any:
    """Settings, typed or not, as plain dictionaries and lists (for JSON and digests)."""
    if isinstance(value, Mapping):  # a Settings object or a dictionary
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def _typed(value: Any, node: dict, root: dict, where: str) -> Any:
    """A value of the settings as its schema node types it: objects become Settings, lists
    of objects Items of Settings, anything else stays as it is."""
    if isinstance(value, Settings):
        return value
    if isinstance(value, Mapping):
        return Settings(value, node, root, where)
    if isinstance(value, list):
        items = _resolved(node, root).get("items", {})
        if any(isinstance(item, Mapping) for item in value):
            return Items(_typed(item, items, root, f"{where}[{i}]") for i, item in enumerate(value))
    return value


def _of(schema: str, pointer: str, shown: str, added: dict | None = None):
    def parse(values: Mapping | None) -> Settings | None:
        if values is None or isinstance(values, Settings):
            return values
        root = _schema_file(schema)
        node = root
        for step in filter(None, pointer.split("/")):
            node = _resolved(node, root)["properties"][step]
        return Settings(values, {"allOf": [node, {"properties": added or {}}]}, root, shown)

    parse.__doc__ = f"{shown}, typed by config/schema/{schema}.schema.yaml{pointer or ''}."
    return parse


# the folder of figures drawn before (clinrepro.presentation.figure_cache); none: draw each
_CACHE = {"type": "string", "description": "the folder of figures drawn before"}
# names the workflow adds to what the files say (rules/common.smk), never read from a file
ADDED = {
    "cohort": {
        "file": {"type": "string", "description": "the settings file, as config.yaml names it"},
        "drafted_claims": {
            "type": "boolean",
            "description": "the claims are the unreviewed draft of the cohort's text",
        },
    },
    "figures": {
        "synthetic": {"type": "boolean", "description": "the cohort is SYNTHETIC"},
        "cache": _CACHE,
    },
    "power": {
        "dpi": {"type": "integer", "description": "the figures' dpi (figures: dpi)"},
        "cache": _CACHE,
    },
    "drafting": {"time_unit": {"type": "string", "description": "the cohort's time unit"}},
}

cohort = _of("cohort", "", "the cohort's settings", ADDED["cohort"])
analysis = _of("analysis", "", "the analysis settings")
figures = _of("config", "/figures", "the figure settings", ADDED["figures"])
power = _of("config", "/power", "the power settings", ADDED["power"])
drafting = _of("config", "/drafting", "the drafting settings", ADDED["drafting"])
reconciliation = _of("config", "/reconciliation", "the reconciliation settings")
