"""Reconciliation: for each claim its data do not reproduce, the explanations that do.

Every claim of the audit whose status is `mismatch` (and every `not_computable` one whose
ledger row has an analysis look-up) goes through a seeded, bounded search over single
explanations, each recomputed from the per-patient values of ADSL and ADEFF, never from
rounded numbers:

- granularity: is the printed value possible at all with the data's n (GRIM, GRIMMER)?
- rounding: half to even, half down, truncation, up (ceiling) or down (floor);
- population: every population flag, paired-only or all available values, missing
  responses left out or counted as non-responders;
- test: the other paired test, exact or normal approximation, one- or two-sided;
- leaving out one patient, or two (every pair up to `max_pairs_patients`, a seeded sample
  of as many pairs above);
- one printed cell read differently: two adjacent digits transposed, a digit dropped, the
  value of the next or previous visit's column.

A value reproduces the claim when, rounded half up to the claim's precision, it equals the
reported value, or when it satisfies the claim's bound ('p > 0.05'). Pure: tables in,
tables out; no files.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass, replace
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Decimal,
)
from fractions import Fraction
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats as distributions

from clinrepro.audit.recompute import claim_status
from clinrepro.base.printed import round_half_up
from clinrepro.base.columns import split_list
from clinrepro.adam.endpoints import COMPARATORS
from clinrepro.audit.integrity import grim, grimmer, possible_sums, possible_sums_of_squares
from clinrepro.base.settings import EXACT_MAX_PAIRS
from clinrepro.statistics.results import (
    NUMERIC_CHARACTERISTICS,
    clopper_pearson,
    describe,
    paired_t,
    wilcoxon_signed_rank,
)
from clinrepro.base.study import test_for
from clinrepro.base.terms import POPULATION_FLAGS, TEST_NAMES

KINDS = ("granularity", "rounding", "population", "test", "one patient", "two patients", "one cell")
EXPLANATION_COLUMNS = ["claim_id", "rank", "kind", "detail", "value", "printed"]
TRIED_COLUMNS = ["claim_id", "tried", "found", "summary", "bounded"]
# patients (or cells) that give the same result are listed one by one up to this many, and
# as one row with their number beyond
SHOWN_ALONE = 20
# a closed form (sums of the values) replaces the statistics functions from this many
# patients on; below it every explanation is recomputed with clinrepro.statistics.results
FAST_FROM = 1000
# statistics without a closed form (quartiles, Wilcoxon) are recomputed for at most this
# many patient-values per kind of explanation; past it a seeded sample, and `bounded` says so
GENERIC_BUDGET = 5_000_000
NEARBY_N = 3  # GRIM and GRIMMER: the sample sizes tried around the data's n
# at most this many explanations of a claim are listed (simplest first); `bounded` says so
MAX_LISTED = 200
QUANTILE_LEVELS = {"min": 0.0, "q1": 0.25, "median": 0.5, "q3": 0.75, "max": 1.0}
ROUNDINGS = (
    ("rounded half to even", ROUND_HALF_EVEN),
    ("rounded half down", ROUND_HALF_DOWN),
    ("truncated", ROUND_DOWN),
    ("rounded up (ceiling)", ROUND_CEILING),
    ("rounded down (floor)", ROUND_FLOOR),
)
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
NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)")


# --- reproducing and printing -------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """A claim of the ledger with what the audit found for it."""

    claim_id: str
    analysis: str
    role: str
    parameter: str
    visit: str
    category: str
    statistic: str
    comparator: str
    reported: float
    precision: int
    unit: str
    flag: str
    method: str
    recomputed: float


def reproduces(value: float, claim: Claim) -> bool:
    """Whether the value, rounded half up as printed, gives the claim (or meets its bound)."""
    if value is None or not np.isfinite(value):
        return False
    return claim_status(value, claim.comparator, claim.reported, claim.precision) == "match"


def printed(value: float, claim: Claim, rounding=None) -> str:
    """The value as the claim prints it: rounded half up (or by `rounding`) at its
    precision, with its % sign; against a bound ('p > 0.05'), three significant digits,
    since the bound, not the rounding, decides."""
    if value is None or not np.isfinite(value):
        return ""
    if claim.comparator != "=" and rounding is None:
        return f"{value:.3g}"
    if rounding in (None, ROUND_HALF_UP):
        text = str(round_half_up(value, claim.precision))
    else:
        step = Decimal(1).scaleb(-claim.precision)
        text = str(Decimal(repr(float(value))).quantize(step, rounding=rounding))
    return text + ("%" if claim.unit == "%" else "")


def number_words(value: float) -> str:
    return f"{value:.6g}" if np.isfinite(value) else "no value"


# --- the data of one claim -----------------------------------------------------------------


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
    visit = rows["AVISIT"].astype(str).to_numpy()
    if "AVISITN" in rows:
        times = pd.Series(rows["AVISITN"].to_numpy(dtype=float), index=visit)
        order = times.groupby(level=0).min().sort_values(kind="stable")
        visits = list(order.index)
    else:
        visits = sorted(set(visit))
    baseline_flag = rows["ABLFL"].astype(str).to_numpy() == "Y" if "ABLFL" in rows else None
    baseline_visits = set(visit[baseline_flag]) if baseline_flag is not None else set()
    column = pd.Index(visits).get_indexer(visit)
    patient = subjects.get_indexer(rows["SUBJID"].astype(str))
    keep = patient >= 0
    shape = (len(subjects), len(visits))
    values, recorded = np.full(shape, np.nan), np.zeros(shape, bool)
    cells = np.full(shape, "", dtype=object)
    values[patient[keep], column[keep]] = rows["AVAL"].to_numpy(dtype=float)[keep]
    recorded[patient[keep], column[keep]] = True
    source = rows["SRCCELL"] if "SRCCELL" in rows else rows["AVAL"].map(cell_text)
    cells[patient[keep], column[keep]] = source.fillna("NA").astype(str).to_numpy()[keep]
    columns = [f"{parameter} {name}" for name in visits]
    if "SRCCOL" in rows:
        printed_columns = pd.Series(rows["SRCCOL"].astype(str).to_numpy(), index=column)
        for index, name in printed_columns.groupby(level=0).first().items():
            columns[index] = name
    baseline = next((i for i, name in enumerate(visits) if name in baseline_visits), -1)
    return Wide(parameter, visits, values, recorded, cells, columns, baseline)


def cell_text(value: float) -> str:
    """A value as a table prints it: 18, 0.1, NA."""
    if value is None or not np.isfinite(value):
        return "NA"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def characteristic_table(adsl: pd.DataFrame, name: str) -> Wide:
    """A numeric characteristic of ADSL as a one-column wide table."""
    values = pd.to_numeric(adsl[name], errors="coerce").to_numpy(dtype=float)[:, None]
    codes, distinct = pd.factorize(values[:, 0], use_na_sentinel=False)
    texts = np.array([cell_text(value) for value in distinct], dtype=object)
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
            (replace(base, flag=flag), flag_change(flag, base.flag), 1)
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


def flag_change(flag: str, base: str) -> str:
    return f"{population_words(flag)}, not {population_words(base)}"


def population_words(flag: str) -> str:
    return f"{POPULATION_FLAGS.get(flag, flag)} ({flag})"


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
                words = f"{population_words(flag)} {selection}"
                if flag != base.flag:
                    words += f", not {population_words(base.flag)}"
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
                    f"of every available value of {population_words(flag)}, not the mean of "
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
                    parts.append(flag_change(flag, base.flag))
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


# --- recomputing after a change of patients --------------------------------------------------


def ranked_value(ordered, gone, extra, rank) -> np.ndarray:
    """The value of each 0-based `rank` in the numbers (`ordered`, sorted) less the values
    `gone` plus the values `extra` (NaN: none), one row a candidate. The answer is one of
    ordered[rank - len(extra) ... rank + len(gone)] or an extra value: the smallest of
    these with at least rank + 1 numbers at or below it."""
    offsets = np.arange(-extra.shape[1], gone.shape[1] + 1)
    index = np.clip(rank[:, None] + offsets, 0, len(ordered) - 1)
    candidates = np.hstack([ordered[index], extra])
    counts = np.searchsorted(ordered, candidates, side="right")
    counts -= (gone[:, None, :] <= candidates[:, :, None]).sum(axis=2)
    counts += (extra[:, None, :] <= candidates[:, :, None]).sum(axis=2)
    valid = (counts >= rank[:, None] + 1) & ~np.isnan(candidates)
    return np.where(valid, candidates, np.inf).min(axis=1)


def quantiles_after(numbers, removed, added, level: float) -> np.ndarray:
    """Type-7 quantile (numpy's 'linear', as clinrepro.statistics.results.describe) after each change."""
    ordered = np.sort(numbers)
    gone = np.sort(numbers[removed], axis=1)
    n = len(numbers) - removed.shape[1] + np.count_nonzero(~np.isnan(added), axis=1)
    position = (np.maximum(n, 1) - 1) * level
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, np.maximum(n - 1, 0))
    low = ranked_value(ordered, gone, added, below)
    high = ranked_value(ordered, gone, added, above)
    fraction = position - below
    # numpy's interpolation, from the nearer end (numpy.lib._function_base_impl._lerp)
    value = np.where(
        fraction >= 0.5, high - (high - low) * (1 - fraction), low + (high - low) * fraction
    )
    return np.where(n > 0, value, np.nan)


def closed_forms(numbers, removed, added, form: str) -> np.ndarray:
    """The statistic after removing numbers[removed] (rows of positions) and adding `added`
    (rows of values, NaN: none), from the sums: O(1) a candidate."""
    if form in QUANTILE_LEVELS:
        return quantiles_after(numbers, removed, added, QUANTILE_LEVELS[form])
    centre = float(numbers.mean()) if len(numbers) else 0.0
    shifted = numbers - centre
    extra = added - centre
    n = len(numbers) - removed.shape[1] + np.count_nonzero(~np.isnan(added), axis=1)
    taken = shifted[removed]
    sum1 = shifted.sum() - taken.sum(axis=1) + np.nansum(extra, axis=1)
    sum2 = (shifted**2).sum() - (taken**2).sum(axis=1) + np.nansum(extra**2, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = sum1 / n
        spread = np.maximum(sum2 - sum1 * mean, 0)  # the sum of squared deviations
        variance = spread / (n - 1)
        if form == "count":
            return n.astype(float)
        if form == "sum":
            return sum1 + centre * n
        if form == "pct":
            return np.where(n > 0, 100 * (sum1 + centre * n) / n, np.nan)
        if form == "mean":
            return np.where(n > 0, mean + centre, np.nan)
        if form == "sd":
            return np.where(n > 1, np.sqrt(variance), np.nan)
        if form == "p_t":
            # paired_t gives no p-value for changes all alike: a spread that is only
            # rounding error of the sums counts as none
            scale = max(float(np.max(np.abs(shifted))), 1.0) if len(numbers) else 1.0
            t = (mean + centre) / np.sqrt(variance / n)
            p = 2 * distributions.t.sf(np.abs(t), n - 1)
            return np.where((n > 1) & (spread > 1e-12 * scale**2), p, np.nan)
    raise ValueError(f"no closed form {form}")


def recompute(recipe, setting, numbers, removed, added, rng) -> tuple:
    """The claim's value after each change of patients: rows of `removed` positions of
    `numbers` and of `added` numbers (NaN: none). Returns (values, tried, cut): NaN and not
    tried where the budget left a change out, and what it left out ('' when nothing)."""
    form = recipe.fast(setting)
    if form is not None and len(numbers) >= FAST_FROM:
        values = closed_forms(numbers, removed, added, form)
        return values, np.ones(len(values), bool), ""
    # the statistic depends on the numbers only, not on whose they are: one computation
    # for every change that removes and adds the same numbers
    key = np.hstack([np.sort(numbers[removed], axis=1), np.sort(added, axis=1)])
    _, first, inverse = np.unique(
        np.nan_to_num(key, nan=np.inf), axis=0, return_index=True, return_inverse=True
    )
    inverse = inverse.reshape(-1)
    allowed = max(1, GENERIC_BUDGET // max(len(numbers), 1))
    chosen = np.arange(len(first))
    cut = ""
    if len(first) > allowed:
        chosen = np.sort(rng.choice(len(first), size=allowed, replace=False))
        cut = (
            f"{allowed:,} of {len(first):,} distinct recomputations "
            "(a seeded sample; the rest not tried)"
        )
    results = np.full(len(first), np.nan)
    done = np.zeros(len(first), bool)
    for group in chosen:
        row = first[group]
        keep = np.ones(len(numbers), bool)
        keep[removed[row]] = False
        extra = added[row][~np.isnan(added[row])]
        results[group] = recipe.statistic(np.concatenate([numbers[keep], extra]), setting)
        done[group] = True
    return results[inverse], done[inverse], cut


# --- the search -------------------------------------------------------------------------------


@dataclass
class Found:
    kind: str
    changes: int
    order: tuple
    detail: str
    value: float
    printed: str


class Search:
    """The explanations of one claim: those tried, those that reproduce it."""

    def __init__(self, claim: Claim, limits: dict):
        self.claim, self.limits = claim, limits
        self.found: list[Found] = []
        self.tried = 0
        self.bounded: list[str] = []
        self.notes: list[str] = []
        self.rng = np.random.default_rng([int(limits["seed"]), zlib.crc32(claim.claim_id.encode())])

    def offer(self, kind, changes, order, detail, value):
        """Count one explanation tried; keep it if it reproduces the claim."""
        self.tried += 1
        if reproduces(value, self.claim):
            shown = printed(value, self.claim)
            self.found.append(Found(kind, changes, order, detail, float(value), shown))


def granularity(search: Search, recipe: Recipe, numbers: np.ndarray, ledger: pd.DataFrame):
    """GRIM for a mean or a percentage, GRIMMER for an SD, at the data's n and nearby."""
    claim = search.claim
    n = len(numbers)
    if claim.comparator != "=" or n == 0:
        return
    statistic = claim.statistic
    percent = statistic == "pct"
    mean_like = statistic in ("mean", "mean_change") and recipe.integer
    if not (percent or mean_like or (statistic == "sd" and recipe.integer)):
        return
    reported = printed_number(claim.reported, claim.precision)
    shown = reported + ("%" if percent else "")
    what = "percentage of" if percent else "mean of"
    if statistic == "sd":
        mean = reported_mean(claim, ledger)
        if mean is None or n < 2:
            return
        mean_value, mean_precision = mean

        def possible(m):
            return m >= 2 and grimmer(mean_value, reported, m, mean_precision, claim.precision)

        what = f"SD, with a mean of {mean_value}, of"
        test = "GRIMMER"
    else:

        def possible(m):
            return m >= 1 and grim(reported, m, claim.precision, percent)

        test = "GRIM"
    search.tried += 1
    if possible(n):
        return
    nearby = [m for m in range(n - NEARBY_N, n + NEARBY_N + 1) if m != n and possible(m)]
    unit = "patients" if percent else "whole numbers"
    impossible = f"{shown} is not a possible {what} {n} {unit} at {claim.precision} decimals"
    tens = (
        "; printed to tens (its last zero not a printed digit) it is possible, so GRIM cannot "
        "decide"
        if trailing_zero_ambiguous(reported, claim.precision, n, percent)
        else ""
    )
    if not nearby:
        others = f"{max(n - NEARBY_N, 1)} to {n + NEARBY_N}"
        search.notes.append(f"{impossible}, nor of {others} ({test}){tens}")
        return
    closest = min(nearby, key=lambda m: (abs(m - n), m))
    if statistic == "sd":
        total, squares = next(
            possible_sums_of_squares(mean_value, reported, closest, mean_precision, claim.precision)
        )
        value = math.sqrt((squares - total**2 / closest) / (closest - 1))
    else:
        sums = possible_sums(reported, closest, claim.precision, percent)
        scale = 100 if percent else 1
        total = min(sums, key=lambda s: abs(Fraction(s * scale, closest) - Fraction(reported)))
        value = float(Fraction(total * scale, closest))
    words = f"{impossible}; it is possible with {' or '.join(map(str, nearby))} ({test}){tens}"
    found = Found("granularity", abs(closest - n), (closest,), words, value, printed(value, claim))
    search.found.append(found)


def trailing_zero_ambiguous(reported: str, precision: int, n: int, percent: bool) -> bool:
    """A whole number ending in 0 ('90') may be printed to tens: then some k/n within 5 of
    it prints as it, and GRIM cannot tell (13/14 = 92.9% is 90 at tens)."""
    value = Fraction(reported)
    if precision != 0 or value == 0 or value % 10:
        return False
    scale = 100 if percent else 1
    low, high = (value - 5) * n / scale, (value + 5) * n / scale
    return math.ceil(low) <= min(math.floor(high), n if percent else math.floor(high))


def printed_number(value: float, precision: int) -> str:
    return str(round_half_up(value, precision))


def reported_mean(claim: Claim, ledger: pd.DataFrame) -> tuple[str, int] | None:
    """The mean printed beside an SD claim: same analysis, population, measure and visit."""
    same = (
        (ledger["analysis"].astype(str) == claim.analysis)
        & (ledger["population"].astype(str) == claim.role)
        & (ledger["parameter"].astype(str) == claim.parameter)
        & (ledger["visit"].fillna("").astype(str) == claim.visit)
        & (ledger["statistic"].astype(str) == "mean")
        & (ledger["comparator"].astype(str) == "=")
    )
    rows = ledger[same.to_numpy()]
    if rows.empty or pd.isna(rows["value"].iloc[0]):
        return None
    precision = int(rows["precision"].iloc[0])
    return printed_number(float(rows["value"].iloc[0]), precision), precision


def rounding(search: Search, value: float):
    claim = search.claim
    if not np.isfinite(value):
        return
    methods = list(ROUNDINGS)
    if claim.comparator != "=":
        methods.insert(0, ("rounded half up", ROUND_HALF_UP))
    for words, mode in methods:
        if (mode == ROUND_FLOOR and value >= 0) or (mode == ROUND_CEILING and value < 0):
            continue  # the same as truncation
        step = Decimal(1).scaleb(-claim.precision)
        shown = Decimal(repr(float(value))).quantize(step, rounding=mode)
        search.tried += 1
        if claim.comparator == "=":
            ok = shown == round_half_up(claim.reported, claim.precision)
        else:
            ok = COMPARATORS[claim.comparator](float(shown), claim.reported)
        if ok:
            detail = f"{number_words(value)} {words} to {claim.precision} decimals"
            if claim.comparator == "=":
                detail += ", not half up"
            else:
                detail += f" ({shown}) meets the bound; the unrounded value does not"
            text = printed(value, claim, mode)
            search.found.append(Found("rounding", 1, (), detail, float(value), text))
    tens(search, value)


def tens(search: Search, value: float):
    """A whole percentage ending in 0 ('90%') may be printed to tens, its trailing zero not a
    printed digit: 92.86% is then 90%, as GRIM's check says (it cannot decide)."""
    claim = search.claim
    reported = Decimal(repr(float(claim.reported)))
    if claim.comparator != "=" or claim.unit != "%" or claim.precision != 0:
        return
    if reported == 0 or reported % 10 or round_half_up(value, 0) == reported:
        return
    search.tried += 1
    at_tens = Decimal(repr(float(value))).scaleb(-1).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if at_tens.scaleb(1) == reported:
        detail = f"{number_words(value)}% printed to tens (its trailing zero not a printed digit)"
        search.found.append(Found("rounding", 1, (), detail, float(value), f"{claim.reported:g}%"))


def alternatives(search: Search, recipe: Recipe, kind: str, settings):
    base = recipe.base()
    seen = {recipe.all_numbers(base).tobytes()}
    for order, (setting, words, changes) in enumerate(settings):
        numbers = recipe.all_numbers(setting)
        key = numbers.tobytes()
        if setting.test is None and not setting.unpaired:
            if key in seen:
                continue  # the same patients and numbers: the same value, not a new try
            seen.add(key)
        value = recipe.statistic(numbers[~np.isnan(numbers)], setting)
        search.offer(kind, changes, (order,), words, value)


def patients_words(subjects: np.ndarray, who) -> str:
    """'patient 4', 'patients 4 and 8'."""
    names = [str(subjects[patient]) for patient in who]
    return ("patient " if len(names) == 1 else "patients ") + " and ".join(names)


def leave_out(search, recipe, base, numbers, positions, subjects, size: int):
    """Leaving out each patient (size 1) or each pair (size 2) of those counted."""
    n = len(numbers)
    kind = "one patient" if size == 1 else "two patients"
    if n <= size:
        return
    if size == 1:
        removed = np.arange(n)[:, None]
    else:
        limit = int(search.limits["max_pairs_patients"])
        removed = pairs(n, limit, search.rng)
        if n > limit:
            search.bounded.append(
                f"two patients: a seeded sample of {len(removed):,} of the "
                f"{n * (n - 1) // 2:,} pairs of {n:,} patients (every pair up to {limit})"
            )
    added = np.full((len(removed), 0), np.nan)
    values, done, cut = recompute(recipe, base, numbers, removed, added, search.rng)
    if cut:
        search.bounded.append(f"{kind}: {cut}")
    search.tried += int(done.sum())
    hits = np.flatnonzero(done & reproducing(values, search.claim))
    for members in group_rows(np.sort(numbers[removed[hits]], axis=1)):
        rows = hits[members]
        who = [tuple(int(p) for p in positions[removed[row]]) for row in rows]
        shown = rows if len(rows) <= SHOWN_ALONE else rows[:1]
        for row, patients in zip(shown, who):
            values_words = "; ".join(recipe.patient_words(p) for p in patients)
            if len(rows) <= SHOWN_ALONE:
                detail = f"leaving out {patients_words(subjects, patients)}"
            else:
                alike = "patients" if size == 1 else "pairs of patients"
                detail = (
                    f"leaving out any one of {len(rows):,} {alike} alike "
                    f"(e.g. {patients_words(subjects, patients)})"
                )
            if values_words:
                detail += f" ({values_words})"
            value = float(values[row])
            search.found.append(
                Found(kind, size, patients, detail, value, printed(value, search.claim))
            )


def reproducing(values: np.ndarray, claim: Claim) -> np.ndarray:
    """`reproduces` for many values: against a bound the comparison itself; otherwise a
    cheap float filter, then the exact decimal rule on what passes it."""
    finite = np.isfinite(values)
    if claim.comparator != "=":
        met = np.zeros(len(values), bool)
        met[finite] = COMPARATORS[claim.comparator](values[finite], claim.reported)
        return met
    half = 0.5 * 10.0**-claim.precision
    near = finite & (np.abs(values - claim.reported) <= half * (1 + 1e-9))
    near[near] = [reproduces(value, claim) for value in values[near]]
    return near


def group_rows(keys: np.ndarray) -> list[np.ndarray]:
    """Indices of equal rows of `keys`, the groups in order of first appearance."""
    if len(keys) == 0:
        return []
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    return [np.flatnonzero(inverse == group) for group in np.argsort(first)]


def pairs(n: int, limit: int, rng: np.random.Generator) -> np.ndarray:
    """Every pair of n positions up to `limit` patients; beyond, a seeded random sample of
    as many pairs as `limit` patients have, in order."""
    if n <= limit:
        return np.array(list(combinations(range(n), 2)), dtype=int).reshape(-1, 2)
    wanted = limit * (limit - 1) // 2
    total = n * (n - 1) // 2
    if total <= 1_000_000:
        first, second = np.triu_indices(n, k=1)
        chosen = np.sort(rng.choice(total, size=wanted, replace=False))
        return np.column_stack([first[chosen], second[chosen]])
    found = np.empty((0, 2), dtype=int)
    while len(found) < wanted:
        draw = np.sort(rng.integers(0, n, size=(2 * wanted, 2)), axis=1)
        found = np.unique(np.vstack([found, draw[draw[:, 0] != draw[:, 1]]]), axis=0)
    return found[np.sort(rng.choice(len(found), size=wanted, replace=False))]


def misreadings(text: str) -> list[tuple[float, str]]:
    """Each single misreading of a printed number: two adjacent digits transposed, a digit
    dropped. (value, how), each value once, the printed value itself left out."""
    match = NUMBER.match(text)
    if not match:
        return []
    number = match.group(1)
    found: dict[float, str] = {}
    digits = [i for i, char in enumerate(number) if char.isdigit()]
    for i in digits:
        if i + 1 in digits and number[i] != number[i + 1]:
            swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
            unsigned = swapped.lstrip("-")
            if unsigned[0] == "0" and len(unsigned) > 1 and unsigned[1] != ".":
                continue  # '30' read as '03': no table prints a leading zero
            found.setdefault(float(swapped), "transposed digits")
    for i in digits:
        dropped = number[:i] + number[i + 1 :]
        if dropped.strip("-.") != "":
            found.setdefault(float(dropped), "a digit dropped")
    return [(value, how) for value, how in found.items() if value != float(number)]


def cell_candidates(table: Wide, columns, positions) -> tuple[np.ndarray, ...]:
    """Every single misreading of the cells of `columns` of the patients at `positions`:
    (index into positions, column, value read, how: an index into the returned words)."""
    where, column_of, read, how_of, words = [], [], [], [], []
    for column in columns:
        codes, texts = pd.factorize(table.cells[positions, column])
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(texts) + 1))
        for code, text in enumerate(texts):
            which = order[bounds[code] : bounds[code + 1]]
            for value, how in misreadings(text):
                if how not in words:
                    words.append(how)
                where.append(which)
                read.append(np.full(len(which), value))
                how_of.append(np.full(len(which), words.index(how)))
                column_of.append(np.full(len(which), column))
        for step, side in ((1, "next"), (-1, "previous")):
            other = column + step
            if not 0 <= other < len(table.visits):
                continue
            moved = table.values[positions, other]
            usable = np.flatnonzero(~np.isnan(moved) & (moved != table.values[positions, column]))
            words.append(f"the value of the {side} column, '{table.columns[other]}'")
            where.append(usable)
            read.append(moved[usable])
            how_of.append(np.full(len(usable), len(words) - 1))
            column_of.append(np.full(len(usable), column))
    if not where:
        return (np.empty(0, int),) * 2 + (np.empty(0), np.empty(0, int), words)
    return (
        np.concatenate(where).astype(int),
        np.concatenate(column_of).astype(int),
        np.concatenate(read).astype(float),
        np.concatenate(how_of).astype(int),
        words,
    )


def one_cell(search, recipe, base, numbers, positions, subjects, ranges):
    """Each printed cell the claim reads, misread once; the claim recomputed."""
    table = recipe.table
    if table is None or not recipe.read_columns or len(numbers) == 0:
        return
    where, columns, read, how, words = cell_candidates(table, recipe.read_columns, positions)
    low, high = ranges.get(table.name, (None, None))
    # a value outside the measure's range is no misreading the authors could have analysed
    keep = np.ones(len(read), bool)
    if low is not None:
        keep &= read >= low
    if high is not None:
        keep &= read <= high
    where, columns, read, how = where[keep], columns[keep], read[keep], how[keep]
    if len(where) == 0:
        return
    patients = positions[where]
    rows = table.values[patients].copy()
    rows[np.arange(len(rows)), columns] = read
    added = recipe.numbers(rows, patients, base)[:, None]
    values, done, cut = recompute(recipe, base, numbers, where[:, None], added, search.rng)
    if cut:
        search.bounded.append(f"one cell: {cut}")
    search.tried += int(done.sum())
    hits = np.flatnonzero(done & reproducing(values, search.claim))
    text_code = pd.factorize(table.cells[patients[hits], columns[hits]])[0]
    keys = np.column_stack([columns[hits], text_code, read[hits], how[hits]])
    for members in group_rows(keys):
        rows_hit = hits[members]
        shown = rows_hit if len(rows_hit) <= SHOWN_ALONE else rows_hit[:1]
        for row in shown:
            patient, column = int(patients[row]), int(columns[row])
            cell = f"'{table.columns[column]}' cell"
            change = (
                f"read as {cell_text(read[row])} instead of {table.cells[patient, column]} "
                f"({words[how[row]]})"
            )
            if len(rows_hit) <= SHOWN_ALONE:
                detail = f"{patients_words(subjects, [patient])}'s {cell} {change}"
            else:
                detail = (
                    f"any one of {len(rows_hit):,} {cell}s alike {change}, e.g. "
                    f"{patients_words(subjects, [patient])}'s"
                )
            value = float(values[row])
            order = (patient, column, int(how[row]))
            search.found.append(
                Found("one cell", 1, order, detail, value, printed(value, search.claim))
            )


def search_claim(claim, recipe, ledger, subjects, limits) -> Search:
    search = Search(claim, limits)
    base = recipe.base()
    every = recipe.all_numbers(base)
    positions = np.flatnonzero(~np.isnan(every))
    numbers = every[positions]
    value = claim.recomputed if np.isfinite(claim.recomputed) else recipe.statistic(numbers, base)
    granularity(search, recipe, numbers, ledger)
    rounding(search, value)
    alternatives(search, recipe, "population", recipe.populations())
    alternatives(search, recipe, "test", recipe.tests())
    leave_out(search, recipe, base, numbers, positions, subjects, 1)
    leave_out(search, recipe, base, numbers, positions, subjects, 2)
    # a misread cell must still be a possible value of its measure (the cohort's ranges)
    one_cell(search, recipe, base, numbers, positions, subjects, limits.get("ranges", {}))
    return search


# --- the claims -------------------------------------------------------------------------------


def text(value) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def claims_to_search(audit: pd.DataFrame, ledger: pd.DataFrame, analysis: dict) -> list[Claim]:
    """The mismatches, and the claims not computable that have an analysis look-up."""
    rows = ledger.set_index(ledger["claim_id"].astype(str))
    claims = []
    for _, audited in audit.iterrows():
        claim_id = str(audited["claim_id"])
        if claim_id not in rows.index:
            continue
        row = rows.loc[claim_id]
        lookup = text(row.get("analysis")) and text(row.get("statistic"))
        wanted = audited["status"] == "mismatch" or (
            audited["status"] == "not_computable" and lookup and pd.notna(row.get("value"))
        )
        if not (wanted and lookup):
            continue
        role = text(row.get("population"))
        flag = text(audited.get("population_flag")) or analysis["populations"].get(role, "")
        method = text(audited.get("method"))
        if not method and row["analysis"] == "paired_test":
            method = test_for(analysis, row["parameter"])
        recomputed = pd.to_numeric(audited.get("recomputed"), errors="coerce")
        claims.append(
            Claim(
                claim_id=claim_id,
                analysis=text(row["analysis"]),
                role=role,
                parameter=text(row["parameter"]),
                visit=text(row.get("visit")),
                category=text(row.get("category")),
                statistic=text(row["statistic"]),
                comparator=text(row["comparator"]) or "=",
                reported=float(row["value"]),
                precision=int(row["precision"]),
                unit=text(row.get("unit")),
                flag=flag,
                method=method,
                recomputed=float(recomputed) if pd.notna(recomputed) else np.nan,
            )
        )
    return claims


def ranked(found: list[Found]) -> list[Found]:
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(found, key=lambda f: (order[f.kind], f.changes, f.order))


def summary_words(found: list[Found], tried: int, notes: list[str]) -> str:
    if found:
        more = len(found) - 1
        words = found[0].detail
        if more:
            words += f" (and {more} more explanation{'s' if more > 1 else ''})"
    else:
        words = f"no explanation among {tried:,} tried"
    return "; ".join([words, *notes])


def reconcile_claims(
    audit: pd.DataFrame,
    ledger: pd.DataFrame,
    adsl: pd.DataFrame,
    adeff: pd.DataFrame,
    analysis: dict,
    limits: dict,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Returns (explanations, tried). explanations: one row per explanation that reproduces
    the printed value (claim_id, rank, kind, detail, value, printed); tried: one row per
    claim searched (claim_id, tried, found, summary, bounded)."""
    flags = {flag: (adsl[flag] == "Y").to_numpy() for flag in POPULATION_FLAGS if flag in adsl}
    subjects = adsl["SUBJID"].astype(str).to_numpy()
    tables: dict = {}
    explained, searched = [], []
    for claim in claims_to_search(audit, ledger, analysis):
        recipe = recipe_for(claim, adsl, adeff, flags, analysis, tables)
        if isinstance(recipe, str):
            searched.append([claim.claim_id, 0, 0, f"not searched: {recipe}", ""])
            continue
        search = search_claim(claim, recipe, ledger, subjects, limits)
        found = ranked(search.found)
        if len(found) > MAX_LISTED:
            search.bounded.append(
                f"listed: the {MAX_LISTED} simplest of {len(found):,} explanations found"
            )
        for rank, item in enumerate(found[:MAX_LISTED], start=1):
            explained.append(
                [claim.claim_id, rank, item.kind, item.detail, item.value, item.printed]
            )
        summary = summary_words(found, search.tried, search.notes)
        searched.append(
            [claim.claim_id, search.tried, len(found), summary, "; ".join(search.bounded)]
        )
    explanations = pd.DataFrame(explained, columns=EXPLANATION_COLUMNS)
    tried = pd.DataFrame(searched, columns=TRIED_COLUMNS)
    return explanations.astype({"rank": int, "value": float}), tried.astype(
        {"tried": int, "found": int}
    )
