"""Configuration: cohort settings files and variants as overrides of the analysis defaults.

Imports nothing heavier than yaml: the Snakefile uses it at parse time.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

TIDY_TABLES = ("subjects", "regimens", "prior_treatments", "measurements")


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
