"""Typed settings (clinrepro/base/typed.py): what a stage receives, parsed once against
the JSON schemas, where a misspelt name fails instead of reading as missing."""

import ast
import pickle

import pytest
import yaml

from clinrepro.base import typed
from clinrepro.base.settings import cohort_analysis, drafting_settings, variant_settings
from conftest import ROOT, cohort_of

CONFIG = yaml.safe_load((ROOT / "config/config.yaml").read_text("utf-8"))
PILOT = "landon_cardinal_2022"


def test_declared_names_read_as_attributes_with_the_files_values():
    analysis = typed.analysis(variant_settings(CONFIG, "mcid4", cohort_of(PILOT)))
    # config/config.yaml: confidence_level 0.95; mcid4 lowers the CDASI response to 4
    assert analysis.confidence_level == 0.95
    assert analysis.response["cutaneous"].threshold == 4
    assert analysis.response["cutaneous"].visit == "M3"
    assert analysis.active_disease["muscle"].threshold == 150
    # an optional name the settings leave out reads as None
    assert analysis.active_disease["muscle"].otherwise is None
    assert analysis.populations["both"] == "ACTBOTFL"
    assert list(analysis.response) == ["cutaneous", "muscle"]
    cohort = typed.cohort(cohort_of(PILOT))
    assert cohort.measures["CDASI"].unit == "points" and cohort.baseline_visit == "M0"
    # M6 and the last follow-up are reported as summaries only
    assert [visit.code for visit in cohort.visits] == ["M0", "M3", "M6", "FU"]
    assert [visit.reported_only for visit in cohort.visits] == [None, None, True, True]


def test_a_misspelt_name_fails_by_attribute_item_and_get():
    analysis = typed.analysis(variant_settings(CONFIG, "paper", cohort_of(PILOT)))
    with pytest.raises(AttributeError) as error:
        analysis.confidence_levl
    assert str(error.value) == (
        "the analysis settings declare no setting 'confidence_levl' (their schema declares: "
        "active_disease, combined, confidence_level, domains, marker_rise_ratio, "
        "missing_response, populations, response, scales, subgroups, tests, "
        "tracked_worsening_pct)"
    )
    with pytest.raises(AttributeError, match="declare no setting 'missing_respons'"):
        analysis.get("missing_respons")
    with pytest.raises(KeyError, match="declare no setting 'treshold'"):
        analysis.response["cutaneous"]["treshold"]
    # a code the user chose is a key of a map, read with [] and get
    assert analysis.response.get("skin") is None
    with pytest.raises(KeyError):
        analysis.response["skin"]


def test_settings_are_read_only_and_equal_the_files_dictionaries():
    settings = variant_settings(CONFIG, "ck_when_no_mmt8", cohort_of(PILOT))
    analysis = typed.analysis(settings)
    with pytest.raises(AttributeError, match="read-only"):
        analysis.confidence_level = 0.9
    assert analysis == settings and analysis.plain() == settings
    assert analysis.active_disease["muscle"].otherwise.threshold == 1000
    again = pickle.loads(pickle.dumps(analysis))
    assert again.plain() == settings and again.response["muscle"].threshold == 20
    # typing is idempotent: a stage handed typed settings keeps them
    assert typed.analysis(analysis) is analysis


def test_a_one_domain_cohort_has_no_combined_population():
    analysis = typed.analysis(cohort_analysis(CONFIG, cohort_of("synthetic_rheumatoid")))
    assert analysis.combined is None
    assert list(analysis.domains) == ["joint"] and analysis.domains["joint"].flag == "ACTJNTFL"


@pytest.mark.parametrize("name", sorted(CONFIG["cohorts"]))
def test_every_shipped_setting_reads_by_its_declared_names(name):
    """Every value of every shipped cohort, of each variant that applies to it, and of the
    config's sections is read through the typed objects without an undeclared name."""
    cohort = cohort_of(name)
    read = []

    def walk(value, where):
        if isinstance(value, typed.Settings):
            for key in value:
                walk(value[key], f"{where}.{key}")
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]")
        else:
            read.append(where)

    walk(typed.cohort(cohort | {"file": "x", "drafted_claims": False}), name)
    walk(typed.analysis(cohort_analysis(CONFIG, cohort)), "analysis")
    walk(typed.drafting(drafting_settings(CONFIG, cohort)), "drafting")
    for section in ("figures", "power", "reconciliation"):
        walk(getattr(typed, section)(CONFIG[section]), section)
    assert f"{name}.measures" not in read  # maps are walked into, not read whole
    assert "analysis.confidence_level" in read and "power.alpha" in read


def _declared_names() -> set[str]:
    names: set[str] = set()

    def collect(node):
        if isinstance(node, dict):
            names.update(
                node.get("properties", {}) if isinstance(node.get("properties"), dict) else ()
            )
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    for schema in ("cohort", "analysis", "config"):
        collect(yaml.safe_load((ROOT / f"config/schema/{schema}.schema.yaml").read_text("utf-8")))
    for added in typed.ADDED.values():
        names.update(added)
    return names


# the names the package gives the settings it reads
SETTINGS_NAMES = {
    "cohort",
    "analysis",
    "settings",
    "criterion",
    "limits",
    "drafting",
    "seed_settings",
}


def literal_reads(tree: ast.AST):
    """(line, variable, name) of each `variable["name"]` and `variable.get("name")`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            target, key = node.value, node.slice.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            target, key = node.func.value, node.args[0].value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in SETTINGS_NAMES and isinstance(key, str):
            yield node.lineno, target.id, key


def test_literal_names_the_package_reads_from_settings_are_declared():
    declared = _declared_names()
    undeclared = [
        f"{path.relative_to(ROOT)}:{line} {variable}[{key!r}]"
        for path in sorted((ROOT / "clinrepro").rglob("*.py"))
        for line, variable, key in literal_reads(ast.parse(path.read_text("utf-8")))
        if key not in declared
    ]
    assert undeclared == []
    # the scan sees a misspelling
    wrong = ast.parse('analysis["confidence_levl"]\ncohort.get("baseline_visit")')
    assert [key for _, _, key in literal_reads(wrong) if key not in declared] == ["confidence_levl"]


def test_typed_cohort_settings_equal_their_file_and_merge_as_dictionaries():
    from clinrepro.base.settings import merged

    settings = cohort_of(PILOT)
    cohort = typed.cohort(settings)
    # lists of objects (visits) compare as the file's lists
    assert cohort == settings and cohort.visits == settings["visits"]
    # typed overrides merge key by key, as the generator merges a seed cohort's own analysis
    defaults = {"response": {"cutaneous": {"visit": "M3", "threshold": 5}}}
    own = typed.analysis({"response": {"cutaneous": {"visit": "W24"}}})
    assert merged(defaults, own) == {"response": {"cutaneous": {"visit": "W24", "threshold": 5}}}


def test_a_tidy_tables_problem_names_the_printed_header_with_typed_settings():
    from clinrepro.reading.extract import extract_cohort
    from clinrepro.reading.validate import tidy_problems

    settings = cohort_of(PILOT)
    table = str(ROOT / settings["raw"]["table"])
    tables = extract_cohort(table, settings)
    subjects = tables["subjects"]
    tables["subjects"] = subjects.assign(subject_id=["1"] + list(subjects["subject_id"][1:]))
    tables["subjects"].loc[1, "subject_id"] = "1"  # patient 2's row says it is patient 1
    files = {name: table for name in tables}
    problems = tidy_problems(tables, typed.cohort(settings), files)
    duplicates = [p for p in problems if p.value == "1" and "Patient" in p.column]
    # the column as the table prints it (Table 1's "Patient"), not the tidy name subject_id
    assert duplicates and {p.column for p in duplicates} == {settings["columns"]["subject"]}
