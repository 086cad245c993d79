"""Explanations that change the patients counted or a value read: leaving out one patient
or two, reading one printed cell differently (digits transposed or dropped, the next or
previous visit's value)."""

from __future__ import annotations

import re
from itertools import combinations

import numpy as np
import pandas as pd

from clinrepro.audit.reconcile.claims import as_printed
from clinrepro.audit.reconcile.recipes import Wide
from clinrepro.audit.reconcile.recomputing import recompute
from clinrepro.audit.reconcile.search import Found, group_rows, reproducing
from clinrepro.base.printed import printed_number

# patients (or cells) that give the same result are listed one by one up to this many, and
# as one row with their number beyond
SHOWN_ALONE = 20
NUMBER = re.compile(r"^\s*(-?\d+(?:\.\d+)?)")


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
                Found(kind, size, patients, detail, value, as_printed(value, search.claim))
            )


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
                f"read as {printed_number(read[row])} instead of {table.cells[patient, column]} "
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
                Found("one cell", 1, order, detail, value, as_printed(value, search.claim))
            )
