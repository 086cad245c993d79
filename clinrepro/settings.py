"""Configuration: cohort settings files and variants as overrides of the analysis defaults.

Imports nothing heavier than yaml: the Snakefile uses it at parse time.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import yaml

TIDY_TABLES = ("subjects", "regimens", "prior_treatments", "measurements")
# the Wilcoxon signed-rank p-value is exact up to this many non-zero changes (scipy's limit)
EXACT_MAX_PAIRS = 50
# figure name -> title; clinrepro.figures draws each one
FIGURES = {
    "cdasi_course": "CDASI activity over time (the paper's Figure 1)",
    "disease_overlap": "Active cutaneous and active muscle disease (supplemental figure 1)",
    "mmt8_patients": "MMT8 per patient, M0 to M3 (supplemental figure 3)",
    "cdasi_waterfall": "CDASI change at M3, per patient",
    "laboratory_pairs": "Creatine kinase and interferon-alpha before and after",
    "subgroups": "Response and CDASI change by molecule, dose and antibody",
}
# the report shows these too; they come from rules of their own
REPORT_FIGURES = FIGURES | {"power_curve": "Power against sample size, per endpoint"}


def merged(defaults: dict, overrides: dict) -> dict:
    """Defaults with overrides applied; nested keys are merged one by one."""
    result = copy.deepcopy(defaults)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def _known(config: dict, section: str, name: str) -> None:
    if name not in config[section]:
        raise ValueError(
            f"run.{section} names '{name}', which is not among the {section} "
            f"({', '.join(config[section])}) of the config"
        )


def cohort_settings(config: dict, name: str, basedir: str | Path = ".") -> dict:
    """The settings of one cohort, read from its file under config/cohorts/."""
    _known(config, "cohorts", name)
    with open(Path(basedir) / config["cohorts"][name], encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def variant_settings(config: dict, name: str) -> dict:
    """The analysis settings of one variant: the defaults with its overrides."""
    _known(config, "variants", name)
    return merged(config["analysis"], config["variants"][name] or {})


def module_sources(module: str, package_dir: str | Path) -> list[str]:
    """The source files a stage's module runs: itself and the package modules it imports,
    transitively. Rules list them as inputs, so editing the code reruns what it touches."""
    package_dir = Path(package_dir)
    pattern = re.compile(
        rf"^\s*(?:from|import)\s+{package_dir.name}(?:\.(\w+)|\s+import\s+([\w, ]+))", re.M
    )
    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name in seen or not (package_dir / f"{name}.py").exists():
            continue
        seen.add(name)
        for dotted, imported in pattern.findall((package_dir / f"{name}.py").read_text("utf-8")):
            todo += [dotted] if dotted else [item.strip() for item in imported.split(",")]
    return sorted(str(package_dir / f"{name}.py") for name in seen)
