"""Configuration: cohort settings files and variants as overrides of the analysis defaults.

Imports nothing heavier than yaml: the Snakefile uses it at parse time.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path

import yaml

from clinrepro.base import typed
from clinrepro.base.imports import write_whole
from clinrepro.base.study import (
    POPULATION_FLAG,
    SAFETY_FLAG,
    domains,
    role_flags,
    scale_for,
    test_for,
    token_problems,
    window_problems,
)
from clinrepro.base.terms import CODED_CHARACTERISTICS, NUMERIC_CHARACTERISTICS

TIDY_TABLES = ("subjects", "regimens", "prior_treatments", "measurements")
# the Wilcoxon signed-rank p-value is exact up to this many non-zero changes (scipy's limit)
EXACT_MAX_PAIRS = 50
# the figures of a variant; clinrepro.presentation.figures draws each one and writes its title
FIGURES = (
    "course",
    "disease_overlap",
    "response_patients",
    "waterfall",
    "other_measures",
    "subgroups",
)
# the report shows this one too; the power step draws it (in the figures' job)
REPORT_FIGURES = (*FIGURES, "power_curve")
NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def merged(defaults: Mapping, overrides: Mapping) -> dict:
    """Defaults with overrides applied; nested keys are merged one by one (typed settings
    are merged as the dictionaries they hold)."""
    result = copy.deepcopy(typed.plain(defaults))
    for key, value in typed.plain(overrides).items():
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


class SettingsError(ValueError):
    """A settings file that cannot be read, with where and how to mend it."""


def keep_job_settings(folder: str | Path, settings: dict) -> str:
    """A job's settings (the values its script receives as params) kept in a file of
    `folder` named by a digest of them, written once and never rewritten, and the file's
    path: the job's input. Changed settings are another file, so Snakemake reruns the job
    because its set of inputs changed, and a start with nothing to do compares no params
    (for which Snakemake imports pandas: docs/benchmarks.md). The digest is of the settings'
    Python form (a number and its text, a tuple and a list, the order of a mapping's keys
    differ); the file holds them as JSON for people to read (a value JSON cannot hold by its
    Python text, a key that is not text as text)."""
    digest = hashlib.sha256(repr(settings).encode("utf-8")).hexdigest()[:16]
    path = Path(folder, f"{digest}.json")
    if not path.exists():  # a start at the same time writes the same text
        write_whole(path, json.dumps(settings, indent=1, ensure_ascii=False, default=repr) + "\n")
    return str(path)


def schema_problems(
    settings: dict, schema: str | Path, passed: str | Path | None = None
) -> list[str]:
    """What is wrong with settings against a JSON schema (a YAML file), one line each naming
    the key; none when they are valid.

    With `passed` (a folder), settings that passed the same schema before are not checked
    again: their passing is kept there as an empty file named by a digest of the schema's
    text and the settings' Python form (as keep_job_settings names its files), written when
    they pass. jsonschema is imported only to check: importing it and checking every
    cohort's and variant's settings were 0.07 s of each start (docs/benchmarks.md)."""
    text = Path(schema).read_text("utf-8")
    mark = None
    if passed is not None:
        digest = hashlib.sha256(f"{text}\0{settings!r}".encode("utf-8")).hexdigest()[:16]
        mark = Path(passed, digest)
        if mark.exists():
            return []
    problems = _schema_validator(text).iter_errors(settings)
    lines = [
        error.message
        + (f" (at {'.'.join(map(str, error.absolute_path))})" if error.absolute_path else "")
        for error in sorted(problems, key=lambda e: list(e.absolute_path))
    ]
    if not lines and mark is not None:
        try:
            write_whole(mark, "")
        except OSError:  # a folder that cannot be written: the next start checks again
            pass
    return lines


@functools.cache
def _schema_validator(text: str):
    import jsonschema

    return jsonschema.Draft202012Validator(yaml.load(text, Loader=SAFE_LOADER))


# libyaml's parser where the yaml package has it (typed.SAFE_LOADER): the Snakefile reads
# every cohort's settings at each start, twice as fast
SAFE_LOADER = typed.SAFE_LOADER


def read_yaml(path: str | Path, shown: str) -> dict:
    """A settings file; a YAML mistake names the file, line and column, with a hint. Each
    file is parsed once a process (again once edited); the caller gets its own copy."""
    try:
        stat = Path(path).stat()
        return copy.deepcopy(_parsed_yaml(str(path), stat.st_mtime_ns, stat.st_size))
    except FileNotFoundError:
        raise SettingsError(f"{shown} does not exist")
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise SettingsError(
            f"{shown} is not valid YAML{where}: {problem}. A value that starts with a symbol "
            "(- : # . * & ! % @ or a quote) or holds ': ' must be written in quotes, e.g. "
            'no_treatment_token: "-"'
        )


@functools.cache
def _parsed_yaml(path: str, mtime_ns: int, size: int):
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=SAFE_LOADER)


def population_roles(analyses: dict[str, dict]) -> list[str]:
    """The population roles a cohort's variants declare (their analysis settings by name):
    a ledger's look-ups name them."""
    return sorted({role for analysis in analyses.values() for role in analysis["populations"]})


def cohort_settings(config: dict, name: str, basedir: str | Path = ".") -> dict:
    """The settings of one cohort, read from its file under config/cohorts/."""
    _known(config, "cohorts", name)
    path = config["cohorts"][name]
    settings = read_yaml(Path(basedir) / path, path)
    if isinstance(settings, dict) and isinstance(settings.get("vocabularies"), dict):
        settings["vocabularies"] = printed_labels(settings["vocabularies"], path)
    return settings


def printed_labels(vocabularies: dict, shown: str) -> dict:
    """The vocabularies with each label as the file prints it: a code exported as a number
    (sex `1: F`, antibody `3: MDA5`) is a number in YAML and text in the file."""
    result = {}
    for kind, words in vocabularies.items():
        if not isinstance(words, dict):
            result[kind] = words
            continue
        for label in words:
            if isinstance(label, bool) or label is None:
                raise SettingsError(
                    f"{shown}: vocabularies.{kind} has a label YAML reads as {label!r}, not as "
                    f'printed text; write it in quotes, e.g. "yes": ...'
                )
        result[kind] = {str(label): code for label, code in words.items()}
    return result


# the analysis settings that go with the disease's domains: a cohort declaring its own
# domains replaces them all
DOMAIN_SECTIONS = ("domains", "combined", "active_disease", "response")


def disease_defaults(defaults: dict, own: dict) -> dict:
    """The defaults a cohort's own analysis settings start from: without the default
    domains, their criteria and their population roles where the cohort declares its own."""
    if "domains" not in own:
        return defaults
    roles = set(role_flags(defaults))
    kept = {key: value for key, value in defaults.items() if key not in DOMAIN_SECTIONS}
    kept["populations"] = {
        role: flag for role, flag in defaults["populations"].items() if role not in roles
    }
    return kept


def with_domain_populations(analysis: dict) -> dict:
    """Every domain (and the combined population) read in its own flag where the settings
    map its role to no other."""
    populations = dict(analysis.get("populations") or {})
    for role, flag in role_flags(analysis).items():
        populations.setdefault(role, flag)
    return {**analysis, "populations": populations}


def cohort_analysis(config: dict, cohort: dict) -> dict:
    """The analysis defaults with the cohort's own overrides (no variant's): its domains,
    the roles and criteria that go with them (a draft's look-ups name these)."""
    own = cohort.get("analysis") or {}
    return with_domain_populations(merged(disease_defaults(config["analysis"], own), own))


def variant_settings(config: dict, name: str, cohort: dict | None = None) -> dict:
    """The analysis settings of one variant: the defaults, the cohort's own overrides, then
    the variant's."""
    _known(config, "variants", name)
    own = (cohort or {}).get("analysis") or {}
    defaults = merged(disease_defaults(config["analysis"], own), own)
    return with_domain_populations(merged(defaults, config["variants"][name] or {}))


def foreign_domains(config: dict, name: str, analysis: dict) -> list[str]:
    """The domains of the default analysis a variant's overrides name that a cohort's own
    domains lack: that variant is not one of this cohort's (config/config.yaml's variant
    mmt8_142 means nothing for a study without muscle disease)."""
    overrides = config["variants"][name] or {}
    named = {
        role
        for section in (*DOMAIN_SECTIONS[2:], "populations")
        for role in (overrides.get(section) or {})
    }
    return sorted(named & (set(role_flags(config["analysis"])) - set(role_flags(analysis))))


def drafting_settings(config: dict, cohort: dict) -> dict:
    """How a cohort's text is drafted: the config's drafting settings, the cohort's own
    (`drafting:`) over them, and its time unit (a text names visits by their time)."""
    own = merged(config["drafting"], cohort.get("drafting") or {})
    return own | {"time_unit": cohort["time_unit"]}


def numbers_read(value):
    """Text that reads as a number, as that number (int or float), in nested settings.

    `--config` hands nested values over as text ('4'); a setting that is a number must
    arrive as one.
    """
    if isinstance(value, dict):
        return {key: numbers_read(item) for key, item in value.items()}
    if isinstance(value, list):
        return [numbers_read(item) for item in value]
    if isinstance(value, str) and NUMBER.match(value.strip()):
        number = float(value)
        return (
            int(number)
            if number.is_integer() and "." not in value and "e" not in value.lower()
            else number
        )
    return value


def analysis_problems(
    analysis: dict, declared: list[str], follow_ups: list[str], elsewhere=()
) -> list[tuple]:
    """What one variant's analysis settings name that the cohort lacks: (key path, value,
    what is wrong, an example of a value that fits).

    A `scales` entry may name a measure only other cohorts of the config declare
    (`elsewhere`): the variant log_scale puts IFN-α on the log scale where it was measured.
    """
    problems = domain_problems(analysis)
    for section in ("active_disease", "response"):
        for role, criterion in analysis[section].items():
            if role not in domains(analysis):
                continue
            if criterion["parameter"] not in declared:
                problems.append(
                    ((section, role, "parameter"), criterion["parameter"],
                     f"which is not among the cohort's measures ({', '.join(declared)})", declared[0])
                )  # fmt: skip
    for role, response in analysis["response"].items():
        if response["visit"] not in follow_ups:
            problems.append(
                (("response", role, "visit"), response["visit"],
                 f"which is not a follow-up visit of the cohort ({', '.join(follow_ups)})",
                 follow_ups[-1] if follow_ups else None)
            )  # fmt: skip
    for role, criterion in analysis["active_disease"].items():
        otherwise = criterion.get("otherwise") or {"parameter": declared[0]}
        if otherwise["parameter"] not in declared:
            problems.append(
                (("active_disease", role, "otherwise", "parameter"), otherwise["parameter"],
                 f"which is not among the cohort's measures ({', '.join(declared)})", None)
            )  # fmt: skip
    for section, allowed in (("tests", ()), ("scales", elsewhere)):
        for measure in analysis[section]:
            if measure != "default" and measure not in (*declared, *allowed):
                problems.append(
                    ((section, measure), measure, "which is not among the cohort's measures", None)
                )
    for measure in declared:
        # the log scale has the paired t-test only (stats.paired_t_log)
        if scale_for(analysis, measure) == "log" and test_for(analysis, measure) != "paired_t":
            named = measure if measure in analysis["scales"] else "default"
            problems.append(
                (("scales", named), "log",
                 f"but the test of {measure} is {test_for(analysis, measure)}, and the log scale "
                 f"has the paired t-test only: set tests: {{{measure}: paired_t}} or keep its "
                 "scale raw", None)
            )  # fmt: skip
    return problems


def undeclared_domains(analysis: dict) -> list[tuple[tuple, str]]:
    """(key path, code) of each active_disease and response entry whose key is no declared
    domain; read before the settings' form is checked, so a criterion of another disease
    is named as such."""
    declared = analysis.get("domains") or {}
    return [
        ((section, role), role)
        for section in ("active_disease", "response")
        for role in analysis.get(section) or {}
        if role not in declared
    ]


def domain_problems(analysis: dict) -> list[tuple]:
    """What the analysis settings say of the disease's domains that does not fit together:
    a criterion of an undeclared domain, a domain without one, a population role or flag
    that is none of the declared ones, a flag declared twice."""
    declared = list(domains(analysis))
    roles = role_flags(analysis)
    flags = [SAFETY_FLAG, *roles.values()]
    listed = ", ".join(declared)
    problems = [
        (path, role, f"which is not a declared domain ({listed}) of analysis.domains", None)
        for path, role in undeclared_domains(analysis)
    ]
    problems += [
        (("active_disease",), code, "a declared domain without a criterion of activity", None)
        for code in declared
        if code not in analysis["active_disease"]
    ]
    for role, flag in analysis["populations"].items():
        if role != "cohort" and role not in roles:
            what = f"which is not a population role (cohort, {', '.join(roles)})"
            problems.append((("populations", role), role, what, None))
        if flag not in flags:
            what = f"which is not a population flag ({', '.join(flags)})"
            problems.append((("populations", role), flag, what, None))
    for code, domain in domains(analysis).items():
        if not re.match(POPULATION_FLAG, domain["flag"]):
            what = (
                "a name ADaM keeps for a record's flag (ABLFL, CRIT1FL: names beginning ABL or "
                "CRIT); give the population a flag of its own, e.g. ACT" + code[:3].upper() + "FL"
            )
            problems.append((("domains", code, "flag"), domain["flag"], what, None))
    if len(set(flags)) < len(flags):
        what = "a population flag declared twice (each domain needs its own)"
        problems.append((("domains",), ", ".join(flags), what, None))
    return problems


def measure_problems(cohort: dict) -> list[str]:
    """Measures whose `tracks` names no other measure of the cohort."""
    declared = list(cohort["measures"])
    return [
        f"measures.{code}.tracks names '{measure['tracks']}' ({cohort.get('file', 'its settings')}), "
        f"which is not another of the cohort's measures ({', '.join(declared)})"
        for code, measure in cohort["measures"].items()
        if "tracks" in measure and (measure["tracks"] not in declared or measure["tracks"] == code)
    ]


def _has(settings: dict | None, path: tuple) -> bool:
    for key in path:
        if not isinstance(settings, dict) or key not in settings:
            return False
        settings = settings[key]
    return True


def _where(path: tuple, variants: list[str], cohort: dict, overrides: dict[str, dict]) -> str:
    """Where the offending value is set: a variant, the cohort's analysis, or the defaults."""
    by_variant = [v for v in variants if _has(overrides.get(v), path)]
    if by_variant:
        names = ", ".join(map(repr, by_variant))
        return f"set by variant{'s' if len(by_variant) > 1 else ''} {names} in config/config.yaml"
    if _has(cohort.get("analysis"), path):
        return f"set in the cohort's own analysis: settings ({cohort.get('file', 'its settings file')})"
    return "the default of config/config.yaml's analysis:"


def _example(path: tuple, value) -> str:
    nested = f"{path[-1]}: {value}"
    for key in reversed(path[:-1]):
        nested = f"{key}: {{{nested}}}"
    return f"analysis: {{{nested}}}"


def _criterion_problems(criterion: dict, cohort: dict) -> list[tuple[str, str]]:
    """(key, what is wrong) for one eligibility criterion."""
    measures = ", ".join(cohort["measures"])
    known = [*NUMERIC_CHARACTERISTICS, *CODED_CHARACTERISTICS]
    characteristic = criterion.get("characteristic")
    found = []
    if "measure" in criterion and criterion["measure"] not in cohort["measures"]:
        found.append(("measure", f"which is not among the cohort's measures ({measures})"))
    for key in ("characteristic", "minus"):
        if key in criterion and criterion[key] not in known:
            found.append((key, f"which is not a patient characteristic ({', '.join(known)})"))
    if criterion.get("minus") in CODED_CHARACTERISTICS:
        found.append(("minus", "which is a category and cannot be subtracted"))
    if "comparator" in criterion and characteristic in CODED_CHARACTERISTICS:
        found.append(
            ("characteristic", "which is a category: give equals: a code, not comparator:")
        )
    if "equals" in criterion and characteristic in NUMERIC_CHARACTERISTICS:
        found.append(
            ("characteristic", "which is a number: give comparator: and threshold:, not equals:")
        )
    if "equals" in criterion and characteristic in CODED_CHARACTERISTICS:
        vocabulary = CODED_CHARACTERISTICS[characteristic]
        codes = list(dict.fromkeys(cohort["vocabularies"][vocabulary].values()))
        if criterion["equals"] not in codes:
            what = f"which is not a code of the cohort's {vocabulary} vocabulary"
            found.append(("equals", f"{what} ({', '.join(codes)})"))
    return found


def eligibility_problems(cohort: dict) -> list[str]:
    """What the eligibility criteria name that the cohort does not have, one sentence each,
    with the criterion's key path and the settings file."""
    file = cohort.get("file", "the cohort's settings")
    return [
        f"eligibility.{number}.{key} of '{criterion['name']}' names '{criterion[key]}' "
        f"({file}), {what}"
        for number, criterion in enumerate(cohort.get("eligibility") or [])
        for key, what in _criterion_problems(criterion, cohort)
    ]


def cohort_problems(
    cohort: dict,
    analyses: dict[str, dict],
    claim_ids: list[str] | None,
    overrides: dict[str, dict] | None = None,
    elsewhere=(),
) -> list[str]:
    """What the analysis settings name that the cohort does not have, one sentence each,
    saying where the value is set (a variant, the cohort's analysis, or the defaults).

    `analyses` are the variants' settings for this cohort; `claim_ids` the ids of its claims
    ledger (None without one); `overrides` each variant's own overrides (config variants:);
    `elsewhere` the measure codes the config's other cohorts declare.
    """
    declared = list(cohort["measures"])
    codes = [visit["code"] for visit in cohort["visits"]]
    measured = [v["code"] for v in cohort["visits"] if not v.get("reported_only", False)]
    problems = []
    if len(set(codes)) < len(codes):
        problems.append("visits: a visit code appears more than once")
    if cohort["baseline_visit"] not in measured:
        problems.append(
            f"baseline_visit '{cohort['baseline_visit']}' is not among the measured visits ({', '.join(measured)})"
        )
    follow_ups = [v for v in measured if v != cohort["baseline_visit"]]
    found: dict[tuple, list[str]] = {}  # (path, value, what, example) -> the variants with it
    for variant, analysis in analyses.items():
        for problem in analysis_problems(analysis, declared, follow_ups, elsewhere):
            found.setdefault(problem, []).append(variant)
    for (path, value, what, example), variants in found.items():
        where = _where(path, variants, cohort, overrides or {})
        sentence = f"{'.'.join(path)} names '{value}' ({where}), {what}"
        if example is not None and where.startswith("the default"):
            sentence += (
                f"; set it in the cohort's own analysis: settings, e.g. {_example(path, example)}"
            )
        problems.append(sentence)
    problems += eligibility_problems(cohort)
    problems += measure_problems(cohort)
    problems += token_problems(cohort)
    problems += window_problems(cohort)
    wanted = cohort.get("key_claims") or []
    if wanted and claim_ids is None:
        problems.append(
            "key_claims names claims, but the cohort has no claims ledger (raw: claims)"
        )
    elif wanted:
        unknown = [claim for claim in wanted if claim not in claim_ids]
        if unknown:
            problems.append(
                f"key_claims names {', '.join(repr(c) for c in unknown)}, not in the claims ledger "
                f"{cohort['raw']['claims']}"
            )
    return list(dict.fromkeys(problems))
