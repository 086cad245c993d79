"""The rooms of the presentation stage in order: a module imports only those before it (no
sideways import), read from the real import graph."""

from clinrepro.base.imports import graph
from conftest import ROOT

# lowest first: the kept renderings of figures, house style and pages, words, the limitations, the figures' words, data and parts, the
# figures by family, the tables, the variants side by side, the report
ORDER = [
    "figure_cache",
    "style",
    "pages",
    "clinical",
    "words",
    "limitations",
    "first_screen",
    "methods",
    "figure_words",
    "figure_data",
    "figure_parts",
    "course_figures",
    "response_figures",
    "subgroup_figure",
    "figures",
    "tables",
    "variant_words",
    "variant_patients",
    "sensitivity",
    "report",
]
PACKAGE = "clinrepro.presentation"
GRAPH = graph(ROOT)


def test_every_presentation_module_has_its_place():
    modules = {m.removeprefix(f"{PACKAGE}.") for m in GRAPH if m.startswith(f"{PACKAGE}.")}
    assert sorted(modules) == sorted(ORDER)


def test_a_presentation_module_imports_only_those_before_it():
    wrong = [
        f"{module} imports {other}"
        for module in ORDER
        for other in (
            i.removeprefix(f"{PACKAGE}.")
            for i in GRAPH[f"{PACKAGE}.{module}"]
            if i.startswith(f"{PACKAGE}.")
        )
        if ORDER.index(other) >= ORDER.index(module)
    ]
    assert wrong == []


def test_the_sensitivity_page_does_not_import_the_figures_it_does_not_draw():
    imported = GRAPH[f"{PACKAGE}.sensitivity"]
    assert {f"{PACKAGE}.figures", f"{PACKAGE}.tables"}.isdisjoint(imported)
