"""How a claim's value comes from the patients: each patient's number, read from ADSL or
ADEFF, and the statistic of those numbers (a recipe), under each setting the search tries."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats as distributions

from clinrepro.audit.reconcile.claims import Claim
from clinrepro.base.columns import positions, split_list
from clinrepro.base.printed import printed_number
from clinrepro.base.settings import EXACT_MAX_PAIRS
from clinrepro.base.columns import population_columns
from clinrepro.base.study import population_words
from clinrepro.base.terms import TEST_NAMES
from clinrepro.statistics.results import (
    NUMERIC_CHARACTERISTICS,
    clopper_pearson,
    describe,
    paired_t,
    wilcoxon_signed_rank,
)

QUANTILE_LEVELS = {"min": 0.0, "q1": 0.25, "median": 0.5, "q3": 0.75, "max": 1.0}
# the p-value of a paired test: (test, null distribution, sides)
TEST_VARIANTS = tuple(
    (test, reference, sides)
    for test, reference in (
        ("paired_t", "t"),
        ("paired_t", "normal"),
        ("wilcoxon_signed_rank", "exact"),
        ("wilcoxon_signed_rank", "normal"),
        ("wilcoxon_signed_rank", "normal, continuity-corrected"),
    )
    for sides in ("two-sided", "one-sided")
)
REFERENCE_WORDS = {
    "t": "Student's t distribution",
    "normal": "normal approximation",
    "exact": "exact null distribution",
    "normal, continuity-corrected": "normal approximation with continuity correction",
}


@dataclass
class Wide:
    """One measure as a wide table: a row a patient (ADSL's order), a column a visit."""

    name: str
    visits: list[str]
    values: np.ndarray  # float, NaN where missing
    recorded: np.ndarray  # bool: the patient has a record at the visit
    cells: np.ndarray  # object: the printed cell
    columns: list[str]  # the printed column of each visit
    baseline: int  # the column of the baseline visit (-1: none)


def measure_table(adeff: pd.DataFrame, subjects: pd.Index, parameter: str) -> Wide | None:
    """The parameter's records of ADEFF, one row a patient of ADSL; None if it has none.

    The printed cells and columns come from SRCCELL and SRCCOL when ADEFF has them (read it
    with `columns=` naming them: read_adeff leaves them out by default); otherwise from AVAL.
    """
    rows = adeff[(adeff["PARAMCD"] == parameter).to_numpy()]
    if rows.empty:
        return None
    # each record's visit as a code, its text made once a distinct visit (not once a
    # record: 10^6 patients, docs/scale.md)
    code, seen = pd.factorize(rows["AVISIT"], use_na_sentinel=False)
    names = np.asarray(pd.Index(seen).astype(str), dtype=object)
    if "AVISITN" in rows:
        earliest = pd.Series(rows["AVISITN"].to_numpy(dtype=float)).groupby(code).min()
        times = pd.Series(earliest.to_numpy(), index=names[earliest.index.to_numpy()])
        order = times.groupby(level=0).min().sort_values(kind="stable")
        visits = list(order.index)
    else:
        visits = sorted(set(names))
    baseline_visits = set()
    if "ABLFL" in rows:
        baseline_flag = rows["ABLFL"].eq("Y").to_numpy(dtype=bool, na_value=False)
        baseline_visits = set(names[code[baseline_flag]])
    column = pd.Index(visits).get_indexer(names)[code]
    patient = positions(subjects, rows["SUBJID"])
    keep = patient >= 0
    shape = (len(subjects), len(visits))
    values, recorded = np.full(shape, np.nan), np.zeros(shape, bool)
    cells = np.full(shape, "", dtype=object)
    values[patient[keep], column[keep]] = rows["AVAL"].to_numpy(dtype=float)[keep]
    recorded[patient[keep], column[keep]] = True
    source = rows["SRCCELL"] if "SRCCELL" in rows else rows["AVAL"].map(printed_number)
    cells[patient[keep], column[keep]] = source.fillna("NA").astype(str).to_numpy()[keep]
    columns = [f"{parameter} {name}" for name in visits]
    if "SRCCOL" in rows:
        printed_columns = pd.Series(rows["SRCCOL"].astype(str).to_numpy(), index=column)
        for index, name in printed_columns.groupby(level=0).first().items():
            columns[index] = name
    baseline = next((i for i, name in enumerate(visits) if name in baseline_visits), -1)
    return Wide(parameter, visits, values, recorded, cells, columns, baseline)


def characteristic_table(adsl: pd.DataFrame, name: str) -> Wide:
    """A numeric characteristic of ADSL as a one-column wide table."""
    values = pd.to_numeric(adsl[name], errors="coerce").to_numpy(dtype=float)[:, None]
    codes, distinct = pd.factorize(values[:, 0], use_na_sentinel=False)
    texts = np.array([printed_number(value) for value in distinct], dtype=object)
    cells = texts[codes][:, None]
    return Wide(name, [""], values, ~np.isnan(values), cells, [name], -1)


@dataclass(frozen=True)
class Setting:
    """The choices behind one computation of a claim."""

    flag: str
    paired_with: int | None = None  # summary: only patients with a value at this visit too
    missing: str = "exclude"  # response: patients without a value at the response visit
    test: tuple | None = None  # p-value: (test, reference, sides); None: the variant's own
    unpaired: bool = False  # mean change: difference of the means of all available values


class Recipe:
    """How a claim's value comes from the patients: each patient's number (NaN: not counted)
    and the statistic of those numbers."""

    table: Wide | None = None
    read_columns: tuple[int, ...] = ()  # the visits whose printed cells the claim reads
    closed_form: dict[str, str] = {}  # statistic -> closed form on sums
    integer = False  # whether every number counted is a whole number
    leaving_out_explains = True  # whether leaving out patients is searched as an explanation

    def __init__(self, claim: Claim, flags: dict[str, np.ndarray], analysis: dict):
        self.claim, self.flags, self.analysis = claim, flags, analysis

    def numbers(self, rows: np.ndarray, patients: np.ndarray, setting: Setting) -> np.ndarray:
        raise NotImplementedError

    def statistic(self, numbers: np.ndarray, setting: Setting) -> float:
        raise NotImplementedError

    def base(self) -> Setting:
        return Setting(self.claim.flag, missing=self.analysis.get("missing_response", "exclude"))

    def all_numbers(self, setting: Setting) -> np.ndarray:
        rows = self.table.values if self.table is not None else None
        return self.numbers(rows, np.arange(len(next(iter(self.flags.values())))), setting)

    def fast(self, setting: Setting) -> str | None:
        return self.closed_form.get(self.claim.statistic)

    def populations(self) -> list[tuple[Setting, str, int]]:
        """Other populations: (setting, words, changes)."""
        base = self.base()
        return [
            (replace(base, flag=flag), flag_change(flag, base.flag, self.analysis), 1)
            for flag in self.flags
            if flag != base.flag
        ]

    def tests(self) -> list[tuple[Setting, str, int]]:
        return []

    def patient_words(self, patient: int) -> str:
        table = self.table
        if table is None:
            return ""
        shown = [f"{table.columns[c]} {table.cells[patient, c]}" for c in self.read_columns]
        return ", ".join(shown)


def population_members(adsl: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each population flag ADSL has -> whether each patient is in that population."""
    return {flag: (adsl[flag] == "Y").to_numpy() for flag in population_columns(adsl)}


def flag_change(flag: str, base: str, analysis: dict) -> str:
    return f"{population_words(flag, analysis)}, not {population_words(base, analysis)}"


def whole_numbers(values: np.ndarray) -> bool:
    """Whether every value of the measure the data give is a whole number (a score)."""
    present = values[~np.isnan(values)]
    return bool(len(present)) and bool(np.all(present == np.round(present)))


def describe_statistic(numbers: np.ndarray, statistic: str) -> float:
    return float(describe(pd.Series(numbers, dtype=float)).get(statistic, np.nan))


class Summary(Recipe):
    """A summary statistic of one measure at one visit."""

    closed_form = {"n": "count", "mean": "mean", "sd": "sd"} | {q: q for q in QUANTILE_LEVELS}

    def __init__(self, claim, flags, analysis, table: Wide, column: int | None = None):
        super().__init__(claim, flags, analysis)
        self.table = table
        self.column = table.visits.index(claim.visit) if column is None else column
        self.read_columns = (self.column,)
        self.integer = whole_numbers(table.values)

    def numbers(self, rows, patients, setting):
        value = rows[:, self.column]
        counted = self.flags[setting.flag][patients] & ~np.isnan(value)
        if setting.paired_with is not None:
            counted &= ~np.isnan(rows[:, setting.paired_with])
        return np.where(counted, value, np.nan)

    def statistic(self, numbers, setting):
        return describe_statistic(numbers, self.claim.statistic)

    def populations(self):
        base, table = self.base(), self.table
        visit = table.visits[self.column]
        if self.column == table.baseline:
            others = [c for c in range(len(table.visits)) if c != self.column]
        else:
            others = [table.baseline] if table.baseline >= 0 else []
        found = []
        for flag in self.flags:
            for other in [None, *others]:
                if flag == base.flag and other is None:
                    continue
                if other is None:
                    selection = f"with a value at {visit}"
                else:
                    first, second = sorted((self.column, other))
                    selection = (
                        f"with values at both {table.visits[first]} and {table.visits[second]}"
                    )
                words = f"{population_words(flag, self.analysis)} {selection}"
                if flag != base.flag:
                    words += f", not {population_words(base.flag, self.analysis)}"
                if other is not None:
                    words += f"; not every value at {visit}"
                changes = (flag != base.flag) + (other is not None)
                found.append((replace(base, flag=flag, paired_with=other), words, changes))
        return found


class Characteristic(Summary):
    """A summary statistic of a numeric characteristic of ADSL (age, disease duration...)."""

    def __init__(self, claim, flags, analysis, table: Wide):
        super().__init__(claim, flags, analysis, table, column=0)

    def populations(self):
        return Recipe.populations(self)


class Categorical(Recipe):
    """The count or percentage of one category of an ADSL column."""

    closed_form = {"n": "sum", "denominator": "count", "pct": "pct"}
    integer = True

    @property
    def leaving_out_explains(self) -> bool:
        """A count less one of its patients is the count less one, whichever: no
        explanation, the verdict already says how many patients it is from the data. A
        percentage's denominator moves with it: searched."""
        return self.claim.statistic != "n"

    def __init__(self, claim, flags, analysis, adsl: pd.DataFrame):
        super().__init__(claim, flags, analysis)
        column = adsl[claim.parameter]
        if claim.parameter == "PRIORTRT":
            items = split_list(column.fillna(""), ";")
            members = set(items.index[items.to_numpy() == claim.category])
            self.member = np.array([index in members for index in adsl.index], dtype=float)
            self.present = np.ones(len(adsl), bool)  # denominator: every patient
        else:
            self.present = column.notna().to_numpy()
            self.member = (column.astype(str).to_numpy() == claim.category).astype(float)
        self.words = adsl[claim.parameter].astype(str).to_numpy()

    def numbers(self, rows, patients, setting):
        counted = self.flags[setting.flag][patients] & self.present[patients]
        return np.where(counted, self.member[patients], np.nan)

    def statistic(self, numbers, setting):
        n, denominator = float(numbers.sum()), len(numbers)
        values = {"n": n, "denominator": float(denominator)}
        values["pct"] = 100 * n / denominator if denominator else np.nan
        return values.get(self.claim.statistic, np.nan)

    def patient_words(self, patient):
        return f"{self.claim.parameter} {self.words[patient]}"


class PairedTest(Recipe):
    """A result of the paired test of baseline against a follow-up visit."""

    integer = False

    def __init__(self, claim, flags, analysis, table: Wide):
        super().__init__(claim, flags, analysis)
        self.table = table
        self.column = table.visits.index(claim.visit)
        self.read_columns = (table.baseline, self.column)
        self.integer = whole_numbers(table.values)
        self.level = analysis["confidence_level"]

    def numbers(self, rows, patients, setting):
        change = rows[:, self.column] - rows[:, self.table.baseline]
        return np.where(self.flags[setting.flag][patients], change, np.nan)

    def fast(self, setting):
        if setting.unpaired or setting.test is not None:
            return None
        forms = {"n_pairs": "count"}
        if self.claim.method == "paired_t":
            forms |= {"mean_change": "mean", "sd_change": "sd", "p_value": "p_t"}
        return forms.get(self.claim.statistic)

    def statistic(self, numbers, setting):
        if setting.test is not None:
            return p_value(numbers, setting.test, self.level)
        if setting.unpaired:
            return self.unpaired_mean_change(setting)
        if self.claim.method == "paired_t":
            values = paired_t(numbers, self.level)[0]
        else:
            values = wilcoxon_signed_rank(numbers)[0]
        return float(values.get(self.claim.statistic, np.nan))

    def unpaired_mean_change(self, setting):
        members = self.flags[setting.flag]
        after = self.table.values[members, self.column]
        before = self.table.values[members, self.table.baseline]
        return float(np.nanmean(after) - np.nanmean(before)) if members.any() else np.nan

    def populations(self):
        found = super().populations()
        if self.claim.statistic == "mean_change" and self.claim.method == "paired_t":
            base = self.base()
            visits = self.table.visits
            for flag in self.flags:
                words = (
                    f"mean at {visits[self.column]} minus mean at {visits[self.table.baseline]} "
                    f"of every available value of {population_words(flag, self.analysis)}, not the mean of "
                    "the paired changes"
                )
                setting = replace(base, flag=flag, unpaired=True)
                found.append((setting, words, 1 + (flag != base.flag)))
        return found

    def own_test(self, numbers: np.ndarray) -> tuple:
        if self.claim.method == "paired_t":
            return ("paired_t", "t", "two-sided")
        exact = np.count_nonzero(numbers) <= EXACT_MAX_PAIRS
        return ("wilcoxon_signed_rank", "exact" if exact else "normal", "two-sided")

    def tests(self):
        if self.claim.statistic != "p_value":
            return []
        base = self.base()
        numbers = self.all_numbers(base)
        numbers = numbers[~np.isnan(numbers)]
        own = self.own_test(numbers)
        found = []
        for variant in TEST_VARIANTS:
            test, reference, sides = variant
            if variant == own:
                continue
            if reference == "exact" and np.count_nonzero(numbers) > EXACT_MAX_PAIRS:
                continue  # beyond it clinrepro.statistics.results itself uses the normal approximation
            default = "t" if test == "paired_t" else own[1] if test == own[0] else "exact"
            changes = (test != own[0]) + (reference != default) + (sides != own[2])
            words = f"{TEST_NAMES[test]}, {REFERENCE_WORDS[reference]}, {sides}"
            if sides == "one-sided":
                words += " (the two-sided p halved, in the direction of the change)"
            words += f"; not the {TEST_NAMES[own[0]]}, {REFERENCE_WORDS[own[1]]}, two-sided"
            found.append((replace(base, test=variant), words, changes))
        return found


def p_value(change: np.ndarray, variant: tuple, level: float) -> float:
    """The p-value of the changes by one test, reference distribution and sidedness."""
    test, reference, sides = variant
    if test == "paired_t":
        values = paired_t(change, level)[0]
        if "statistic" not in values:
            return np.nan
        two_sided = values["p_value"]
        if reference == "normal":
            two_sided = 2 * distributions.norm.sf(abs(values["statistic"]))
    else:
        nonzero = change[change != 0]
        if len(nonzero) == 0:
            return np.nan
        if reference == "exact":
            two_sided = wilcoxon_signed_rank(change)[0]["p_value"]
        else:
            correction = reference != "normal"
            result = distributions.wilcoxon(nonzero, method="asymptotic", correction=correction)
            two_sided = result.pvalue
    return float(two_sided / 2 if sides == "one-sided" else two_sided)


class Response(Recipe):
    """A response rate: responders among the evaluable patients at the response visit."""

    closed_form = {"pct": "pct", "n_responders": "sum", "n_evaluable": "count"}
    integer = True

    def __init__(self, claim, flags, analysis, table: Wide, criterion: dict):
        super().__init__(claim, flags, analysis)
        self.table, self.criterion = table, criterion
        self.column = table.visits.index(claim.visit)
        self.read_columns = (table.baseline, self.column)
        self.level = analysis["confidence_level"]

    def numbers(self, rows, patients, setting):
        before, after = rows[:, self.table.baseline], rows[:, self.column]
        change = after - before
        if self.criterion["measure"] != "change":
            with np.errstate(divide="ignore", invalid="ignore"):
                change = np.where(before != 0, 100 * change / before, np.nan)
        signed = -change if self.criterion["direction"] == "decrease" else change
        responder = (signed >= self.criterion["threshold"]).astype(float)
        evaluable = ~np.isnan(change)
        if setting.missing == "nonresponder":
            imputed = ~evaluable & ~np.isnan(before) & self.table.recorded[patients, self.column]
            responder = np.where(imputed, 0.0, responder)
            evaluable |= imputed
        counted = self.flags[setting.flag][patients] & evaluable
        return np.where(counted, responder, np.nan)

    def statistic(self, numbers, setting):
        values = clopper_pearson(int(numbers.sum()), len(numbers), self.level)
        return float(values.get(self.claim.statistic, np.nan))

    def populations(self):
        base = self.base()
        other = "nonresponder" if base.missing == "exclude" else "exclude"
        visit = self.table.visits[self.column]
        missing_words = {
            "nonresponder": f"patients without a value at {visit} counted as non-responders",
            "exclude": f"patients without a value at {visit} left out",
        }
        found = []
        for flag in self.flags:
            for missing in (base.missing, other):
                if flag == base.flag and missing == base.missing:
                    continue
                parts = []
                if flag != base.flag:
                    parts.append(flag_change(flag, base.flag, self.analysis))
                if missing != base.missing:
                    parts.append(f"{missing_words[missing]}, not {missing_words[base.missing]}")
                changes = (flag != base.flag) + (missing != base.missing)
                found.append((replace(base, flag=flag, missing=missing), "; ".join(parts), changes))
        return found


def recipe_for(claim, adsl, adeff, flags, analysis, tables: dict) -> Recipe | str:
    """The recipe of a claim, or why it cannot be searched."""
    subjects = pd.Index(adsl["SUBJID"].astype(str))

    def table(parameter):
        if parameter not in tables:
            tables[parameter] = measure_table(adeff, subjects, parameter)
        return tables[parameter]

    if claim.flag not in flags:
        return f"no population flag {claim.flag} in ADSL"
    if claim.analysis == "categorical":
        if claim.parameter not in adsl:
            return f"no column {claim.parameter} in ADSL"
        return Categorical(claim, flags, analysis, adsl)
    if claim.analysis == "summary" and claim.parameter in NUMERIC_CHARACTERISTICS:
        if claim.parameter not in adsl:
            return f"no column {claim.parameter} in ADSL"
        return Characteristic(claim, flags, analysis, characteristic_table(adsl, claim.parameter))
    wide = table(claim.parameter)
    if wide is None or claim.visit not in wide.visits:
        return f"the data have no {claim.parameter} at {claim.visit or 'any visit'}"
    if claim.analysis == "summary":
        if claim.statistic == "n_missing":
            return "the number of missing values is not searched"
        return Summary(claim, flags, analysis, wide)
    if wide.baseline < 0 or wide.baseline == wide.visits.index(claim.visit):
        return f"no baseline and follow-up visit of {claim.parameter} to pair"
    if claim.analysis == "paired_test":
        return PairedTest(claim, flags, analysis, wide)
    if claim.analysis == "response":
        criteria = [
            criterion
            for criterion in analysis.get("response", {}).values()
            if criterion["parameter"] == claim.parameter and criterion["visit"] == claim.visit
        ]
        if not criteria:
            return f"no response criterion of {claim.parameter} at {claim.visit}"
        return Response(claim, flags, analysis, wide, criteria[0])
    return f"analysis {claim.analysis} is not searched"
