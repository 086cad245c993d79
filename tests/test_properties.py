"""Generated tables in the published layout: extraction and validation either succeed or
refuse with the workflow's own InputError; nothing else may escape."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinrepro.base.errors import InputError
from clinrepro.reading.extract import expected_headers, extract_cohort

NUMBERS = st.one_of(
    st.integers(-1000, 100000).map(str),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.2f}"),
    st.sampled_from(["NA", "", "1e400", "=1+1", "nan", "inf", "-0", "0.", ".5", "1,5", " 12 "]),
)
MEASUREMENTS = st.one_of(
    NUMBERS,
    st.tuples(NUMBERS, st.sampled_from([" ± ", "±", " +/- "]), NUMBERS).map("".join),
)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


def column_cells(name, settings):
    vocab = settings["vocabularies"]
    if name == "Patients":
        return st.one_of(st.integers(1, 30).map(str), TEXT)
    by_canonical = {printed: canonical for canonical, printed in settings["columns"].items()}
    canonical = by_canonical.get(name)
    if canonical == "sex":
        return st.one_of(st.sampled_from(list(vocab["sex"])), TEXT)
    if canonical == "antibody":
        return st.one_of(st.sampled_from(list(vocab["antibody"])), TEXT)
    if canonical == "prior_treatment":
        items = st.lists(
            st.one_of(st.sampled_from(list(vocab["prior_treatment"])), TEXT), max_size=4
        )
        return st.one_of(st.just("None"), st.just("NA"), items.map(", ".join))
    if canonical == "regimen":
        molecule = st.one_of(st.sampled_from(list(vocab["molecule"])), TEXT)
        return st.tuples(molecule, NUMBERS).map(lambda parts: f"{parts[0]}, {parts[1]}")
    if canonical in ("age", "disease_duration"):
        return NUMBERS
    return MEASUREMENTS


@st.composite
def published_tables(draw, settings):
    headers = list(expected_headers(settings))
    if draw(st.booleans()):
        headers = draw(st.permutations(headers))
    rows = draw(
        st.lists(
            st.tuples(*[column_cells(name, settings) for name in headers]), min_size=0, max_size=6
        )
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def test_generated_tables_give_tables_or_the_workflows_error(cohort, tmp_path):
    path = tmp_path / "table.csv"
    outcomes = {"accepted": 0, "refused": 0}

    @settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(published_tables(cohort))
    def check(text):
        path.write_text(text, encoding="utf-8")
        try:
            tables = extract_cohort(str(path), cohort)
        except InputError as error:
            assert error.problems and error.block().startswith("Input validation failed:")
            outcomes["refused"] += 1
        else:
            assert set(tables) == {"subjects", "regimens", "prior_treatments", "measurements"}
            outcomes["accepted"] += 1

    check()
    assert outcomes["refused"] > 0


def test_one_changed_cell_of_the_published_table(cohort, tmp_path):
    from conftest import published_table

    rows = list(csv.reader(io.StringIO(published_table())))
    path = tmp_path / "table.csv"
    outcomes = {"accepted": 0, "refused": 0}

    @settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.integers(1, len(rows) - 1), st.integers(0, len(rows[0]) - 1), st.data())
    def check(row, column, data):
        changed = [list(r) for r in rows]
        changed[row][column] = data.draw(column_cells(rows[0][column], cohort))
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(changed)
        path.write_text(out.getvalue(), encoding="utf-8")
        try:
            extract_cohort(str(path), cohort)
        except InputError as error:
            assert all(p.file == str(path) for p in error.problems)
            outcomes["refused"] += 1
        else:
            outcomes["accepted"] += 1

    check()
    assert outcomes["refused"] > 0 and outcomes["accepted"] > 0
