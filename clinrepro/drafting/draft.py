"""The draft ledger: every statement of the text, one row a number, with the ledger's
columns and two for review (the pattern that found it, how sure the look-up is)."""

from __future__ import annotations

import dataclasses
import re

import pandas as pd

from clinrepro.base.study import domain_label, domains, population_flags
from clinrepro.base.vocabularies import cohort_terms
from clinrepro.drafting.lookup import OTHER_LEVEL, Context, Lookup, Study, look_up
from clinrepro.drafting.mentions import (
    Mention,
    category_phrases,
    measure_phrases,
    mentions,
    role_phrases,
    visit_phrases,
)
from clinrepro.drafting.statements import DISCLAIMER, REFERENCE, Statement, statements
from clinrepro.drafting.text import Line, Sentence, location, sentences
from clinrepro.reading.schemas import ClaimsLedger

LEDGER_COLUMNS = list(ClaimsLedger.to_schema().columns)
REVIEW_COLUMNS = ["pattern", "draft_confidence"]
# what each statistic is, in a description's words
STATISTIC_WORDS = {
    "mean": "mean", "sd": "SD of", "median": "median", "min": "minimum", "max": "maximum",
    "q1": "first quartile of", "q3": "third quartile of", "n": "number of", "denominator": "number of",
    "pct": "percentage of", "n_responders": "number of", "p_value": "p-value",
    "mean_change": "mean change", "sd_change": "SD of", "ci_lower": "lower confidence limit",
    "ci_upper": "upper confidence limit", "pct_change": "percent change of mean",
}  # fmt: skip
# the statistics whose source may state the test that gave them
TESTED = ("p_value", "ci_lower", "ci_upper")
# the statistics of a change from baseline: described "from <baseline> to <visit>"
FROM_BASELINE = ("p_value", "mean_change", "sd_change", "ci_lower", "ci_upper", "pct_change")
_CLAUSE_END = re.compile(r"[,;:]\s")
# what a paragraph carries from sentence to sentence: the last visit, measure and follow-up
# visit named, and the population a sentence was set in with its measure
CARRIED = ("visit", "measure", "follow_up", "role", "roles")
EACH = re.compile(r"\s*(?:[a-z]+\s+)?each\b")
SECTION = re.compile(
    r"(?i)(?:background|objectives?|aims?|methods|results|conclusions?|discussion)\s*[.:](?:\s|$)"
)
# the ADSL column of each vocabulary: the cohort's printed labels (settings vocabularies) and
# the codes and words of the vocabularies in force name its levels
CATEGORY_COLUMNS = {
    "sex": ("sexes", "SEX"),
    "antibody": ("antibodies", "ABTYPE"),
    "molecule": ("molecules", "TRTMOL"),
    "prior_treatment": ("prior_treatments", "PRIORTRT"),
}


def role_words(analysis: dict, drafting: dict) -> dict[str, list[str]]:
    """Population role -> the words that name it: drafting.populations (of the roles the
    analysis declares), each domain's `active` words, and drafting.one_domain for a study of
    one domain ("had active disease")."""
    words = {
        role: list(named)
        for role, named in drafting["populations"].items()
        if role in analysis["populations"]
    }
    declared = domains(analysis)
    for role, domain in declared.items():
        words.setdefault(role, []).append(domain["active"])
        if len(declared) == 1:
            words[role] += drafting.get("one_domain") or []
    return words


def category_levels(cohort: dict, drafting: dict) -> dict[str, list[str]]:
    """'COLUMN=LEVEL' -> the words that name that level of an ADSL column in a count."""
    terms, levels = cohort_terms(cohort), {}
    for kind, (vocabulary, column) in CATEGORY_COLUMNS.items():
        known = terms[vocabulary]
        for code in known:
            words = ([known[code]] if isinstance(known, dict) else []) + [code]
            levels.setdefault(f"{column}={code}", []).extend(words)
        for printed, code in ((cohort.get("vocabularies") or {}).get(kind) or {}).items():
            levels.setdefault(f"{column}={code}", []).append(str(printed))
    for column, named in (drafting.get("categories") or {}).items():
        for level, words in named.items():
            levels.setdefault(f"{column}={level}", []).extend(words)
    # a code of one character or a number ('F', '1' of a coded export) names nothing in a text
    return {
        level: list(dict.fromkeys(w for w in words if len(w) > 1 and not w.isdigit()))
        for level, words in levels.items()
    }


def study_of(cohort: dict, analysis: dict, drafting: dict) -> Study:
    """What the look-ups read of the cohort's settings and the analysis defaults."""
    alpha = str(drafting["significance"])
    return Study(
        measures=cohort["measures"],
        visits={visit["code"]: visit for visit in cohort["visits"]},
        baseline=cohort["baseline_visit"],
        populations=analysis["populations"],
        everyone=drafting["everyone"],
        active=analysis["active_disease"],
        response=analysis["response"],
        significance=float(alpha),
        significance_printed=alpha,
        flag_words=population_flags(analysis),
        role_labels={role: domain_label(role, analysis) for role in analysis["response"]},
        categories=category_levels(cohort, drafting),
        role_words=role_words(analysis, drafting),
        characteristics=drafting.get("characteristics") or {},
    )


def clauses(words: str) -> list[tuple[int, int]]:
    """The clauses of a sentence: split at , ; : outside brackets."""
    depth, cuts = 0, [0]
    for index, char in enumerate(words):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(char, 0)
        if depth <= 0 and _CLAUSE_END.match(words, index):
            cuts.append(index + 1)
    cuts.append(len(words))
    return [(a, b) for a, b in zip(cuts, cuts[1:])]


def _respectively(sentence: str, found: list[Statement], visits: list[Mention]) -> dict:
    """'14±11, 8±6 and 5±4 at 3-month, 6-month and last follow-up, respectively': the k-th
    of the last numbers of a kind takes the k-th visit named after them."""
    if "respectively" not in sentence or not found:
        return {}
    after = [m for m in visits if m.start >= found[-1].end]
    forced = {}
    for statistic in {s.statistic for s in found}:
        same = [s for s in found if s.statistic == statistic][-len(after) :] if after else []
        if len(same) == len(after) and len(after) > 1:
            forced |= {id(s): m for s, m in zip(same, after)}
    return forced


def _inherited(statement: Statement, percentage: Lookup | None, measured: bool) -> Lookup | None:
    """'(90%; 95% CI, 70-99%)': an interval of a percentage right after a response
    percentage is that percentage's; so is one printed without '%' in a clause that names
    no measure ('19 (90%) of 21 ... had a cutaneous response (95% CI 69.6–98.8), and ...')."""
    if percentage is None or statement.statistic not in ("ci_lower", "ci_upper"):
        return None
    if not statement.words.get("percent") and measured:
        return None
    follows = "the response percentage the interval follows"
    return dataclasses.replace(
        percentage, statistic=statement.statistic, matched=[*percentage.matched, follows]
    )


def _each(words: str, statement: Statement, found: Lookup, levels: list, clause) -> list[str]:
    """'anti-MDA5 and anti-NXP2 antibodies in four patients each': the other levels of the
    count's column named before it in its clause count as many."""
    if found.analysis != "categorical" or found.reason or not EACH.match(words, statement.end):
        return []
    column = f"{found.parameter}="
    return [
        m.code.removeprefix(column)
        for m in levels
        if clause[0] <= m.start < statement.start
        and m.code.startswith(column)
        and m.code != column + found.category
    ]


class Drafter:
    """Reads sentences in order, keeping what a reader keeps: the visit and measure last
    named in the paragraph, which counts were already stated."""

    def __init__(self, study: Study, drafting: dict):
        self.study, self.drafting = study, drafting
        self.phrases = {
            "measure": measure_phrases(study.measures, drafting.get("measures")),
            "visit": visit_phrases(
                list(study.visits.values()),
                drafting["time_unit"],
                study.baseline,
                drafting.get("baseline_words") or [],
            ),
            "role": role_phrases(study.role_words),
            # a criterion by its domain's code ('cutaneous response'), the first (the main
            # outcome) also by the words of drafting.primary ('the primary endpoint')
            "response": role_phrases(
                {
                    role: [role] + (drafting.get("primary") or [] if i == 0 else [])
                    for i, role in enumerate(study.response)
                }
            ),
            "category": category_phrases(study.categories),
            "characteristic": role_phrases(study.characteristics),
        }
        self.rows, self.counted, self.ids, self.total = [], {}, set(), None
        names = sorted(drafting.get("tests") or [], key=len, reverse=True)
        self.tests = (
            re.compile(r"(?i)(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)")
            if names
            else None
        )
        self.paragraph, self.carried = -1, dict.fromkeys(CARRIED)

    def read(self, sentence: Sentence) -> None:
        words = sentence.words
        # a new paragraph, or a section of a structured abstract ('Results. Twenty-three ...')
        if sentence.paragraph != self.paragraph or SECTION.match(words):
            self.paragraph = sentence.paragraph
            self.carried = dict.fromkeys(CARRIED)
        found = statements(words, self.drafting["subjects"])
        named = {kind: mentions(words, kind, p) for kind, p in self.phrases.items()}
        forced = _respectively(words, found, named["visit"])
        parts, percentage, count = clauses(words), None, None
        for statement in found:
            clause = next(c for c in parts if c[0] <= statement.start < c[1])
            if statement.statistic == "denominator":
                if statement.value in self.counted:
                    continue
                statement.statistic = "n"
                statement.words["denominator"] = True
            context = Context(
                named["measure"], named["visit"], named["role"], named["response"], clause,
                self.carried["visit"], self.carried["measure"], not self.counted,
                forced.get(id(statement)), self.study.baseline, named["category"],
                named["characteristic"], self.carried["follow_up"], self.carried["role"],
                tuple(self.carried["roles"] or ()),
            )  # fmt: skip
            if statement.pattern == "no significant change":
                statement.value = self.study.significance
                statement.precision = len(self.study.significance_printed.partition(".")[2])
            measured = any(clause[0] <= m.start < clause[1] for m in named["measure"])
            found_here = _inherited(statement, percentage, measured) or look_up(
                self.study, context, statement, words
            )
            if statement.words.get("complement"):
                found_here = self._all_but(statement, found_here, words)
            if found_here.statistic == "pct" and count is not None and count[0] == clause:
                # '22 were women (92%)', 'methotrexate in 11 (45%) and ...': the count's level
                if found_here.reason or statement.pattern == "x (%)":
                    found_here = dataclasses.replace(count[1], statistic="pct", unit="%")
            if found_here.statistic == "pct" and found_here.analysis == "response":
                percentage = None if found_here.reason else found_here
            if found_here.statistic != "pct":  # the count a percentage right after it is of
                categorical = found_here.analysis == "categorical" and not found_here.reason
                count = (
                    (clause, found_here) if categorical and found_here.statistic == "n" else None
                )
            self._add(sentence, statement, found_here)
            for level in _each(words, statement, found_here, named["category"], clause):
                self._add(sentence, statement, dataclasses.replace(found_here, category=level))
        for kind in ("visit", "measure"):
            if named[kind]:
                self.carried[kind] = named[kind][-1]
        # a sentence set in a population ('In the whole cohort, the mean CDASI ...'): the
        # paragraph's next numbers of that measure are in it too
        framed = re.match(r"(?i)(?:in|among|for)\s", words) and named["role"]
        if framed and named["role"][0].start < 40 and named["measure"]:
            self.carried["role"] = (named["role"][0], named["measure"][0].code)
        self.carried["roles"] = [*(self.carried["roles"] or ()), *(m.code for m in named["role"])]
        follow_ups = [m for m in named["visit"] if m.code != self.study.baseline]
        if follow_ups:
            self.carried["follow_up"] = follow_ups[-1]

    def _all_but(self, statement: Statement, found: Lookup, words: str) -> Lookup:
        """'All but two patients had received ...' after the text counted its 40 patients:
        38 had (as a reader states it); without that count, the two who had not."""
        if self.total is None or found.reason or found.category not in ("Y", "N"):
            return found
        printed = re.search(r"(?i)\b(all but)\s+$", words[: statement.start])
        statement.value = self.total - statement.value
        statement.reported = (
            f"{printed.group(1) if printed else 'all but'} {statement.reported.split()[-1]}"
        )
        had = f"the text's {self.total:g} patients less {statement.reported.split()[-1]}"
        level = OTHER_LEVEL[found.category]
        named = f"category {found.parameter} "
        matched = [m.replace(named + found.category, named + level) for m in found.matched]
        return dataclasses.replace(found, category=level, matched=[*matched, had])

    def _add(self, sentence: Sentence, statement: Statement, found: Lookup) -> None:
        start, end = next(c for c in clauses(sentence.words) if c[0] <= statement.start < c[1])
        first, last = sentence.span_lines(start, end)
        claim_id = self._id(found, statement, first)
        if found.unit == "count" and found.statistic in ("n", "n_responders", "n_evaluable"):
            self.counted[statement.value] = claim_id
        everyone = self.study.populations[self.study.everyone]
        if self.total is None and (found.parameter, found.statistic) == (everyone, "n"):
            self.total = None if found.reason else statement.value
        check = ""
        if statement.pattern == "x of n (%)":
            count, total = (self.counted.get(statement.words[k]) for k in ("count", "of"))
            check = f"percent({count}, {total})" if count and total else ""
        if found.statistic == "pct_change":
            check = self._percent_change(found)
        row = {column: "" for column in LEDGER_COLUMNS}
        row["states"] = self._states(found, sentence.words)
        row |= {
            "claim_id": claim_id,
            "source": self.drafting["source"],
            "location": location(first, last),
            "quote": sentence.words[start:end].strip(" ,;:"),
            "description": self._description(found),
            "reported": statement.reported,
            "comparator": statement.comparator,
            "value": statement.value,
            "precision": statement.precision,
            "unit": found.unit or statement.unit or "number",
            "population": found.population,
            "analysis": "" if found.reason else found.analysis,
            "parameter": found.parameter,
            "visit": found.visit,
            "category": found.category if not found.reason else "",
            "statistic": found.statistic,
            "not_computable_reason": found.reason,
            "n": statement.n if statement.n is not None else "",
            "check": check,
            "pattern": statement.pattern,
            "draft_confidence": confidence(found),
        }
        self.rows.append(row)

    def _id(self, found: Lookup, statement: Statement, line: int) -> str:
        parts = (
            [found.parameter, found.visit, found.statistic]
            if found.parameter
            else [f"l{line}", found.statistic]
        )
        stem = re.sub(r"[^a-z0-9_]", "_", "_".join(p for p in parts if p).lower())
        claim_id, number = stem, 1
        while claim_id in self.ids:
            number += 1
            claim_id = f"{stem}_{number}"
        self.ids.add(claim_id)
        return claim_id

    def _description(self, found: Lookup) -> str:
        """What the number is, in words from the look-up and the settings; a number the draft
        could not place says so (never a placeholder a reader might take for a description)."""
        study, words = self.study, STATISTIC_WORDS.get(found.statistic, found.statistic)
        measure = study.measures.get(found.parameter)
        if found.parameter in study.flag_words and not measure:  # a population's count
            text = f"{words} {study.flag_words[found.parameter]}"
            if found.visit and found.visit != study.baseline:
                text += f" at {self._visit_label(found.visit)}"
            return capitalised(text)
        everyone = study.flag_words.get(study.populations.get(study.everyone, ""), "patients")
        columns = {level.partition("=")[0] for level in study.categories}
        if found.parameter in columns and found.category and not found.reason:
            # a level of an ADSL column in the words that name it: 'Number of treated
            # patients: female'; the 'N' of a yes/no column by its 'Y': 'without previous
            # treatment'; its codes only where no word names it
            named = [
                w
                for w in study.categories.get(f"{found.parameter}={found.category}", [])
                if w.lower() != found.category.lower()
            ][:1]
            if named:
                return capitalised(f"{words} {everyone}: {named[0]}")
            yes = study.categories.get(f"{found.parameter}=Y", [])[:1]
            if found.category == "N" and yes:
                return capitalised(f"{words} {everyone} without {yes[0]}")
            return capitalised(f"{words} {everyone} with {found.parameter} = {found.category}")
        if found.parameter in study.characteristics and not found.reason:
            named = study.characteristics[found.parameter][0]
            text = f"{words} {named} at {self._visit_label(found.visit)}"
            return capitalised(f"{text}, in {everyone}")
        if measure is None:
            what = words.replace(" of", "")
            article = "an" if what[0] in "aeiou" or what.startswith("SD") else "a"
            return f"Not looked up ({found.reason}): {article} {what} the text states"
        label = measure["label"]
        if found.analysis == "response" or found.statistic == "n_responders":
            role = study.role_labels.get(found.population, found.population)
            text = f"{words} {role} responders ({label})"
            if found.statistic in ("ci_lower", "ci_upper"):
                text = f"{words} of the percentage of {role} responders ({label})"
                text += f" at {self._visit_label(found.visit)}" if found.visit else ""
        elif found.statistic in FROM_BASELINE:
            what = {
                "pct_change": f"{words} {label}",
                "mean_change": f"mean change in {label}",
                "sd_change": f"SD of the changes in {label}",
            }.get(found.statistic, f"{words} of the change in {label}")
            text = f"{what} from {self._visit_label(study.baseline)}"
            if found.visit:
                text += f" to {self._visit_label(found.visit)}"
        else:
            text = f"{words} {label}"
        if found.visit and found.statistic not in FROM_BASELINE:
            text += f" at {self._visit_label(found.visit)}"
        flag = study.populations.get(found.population, "")
        if flag in study.flag_words:
            text += f", in {study.flag_words[flag]}"
        return capitalised(text)

    def _states(self, found: Lookup, words: str) -> str:
        """What the sentence itself states of how the number was obtained (the ledger's
        `states`): 'population' when it names the population, 'test' when it names a test
        (drafting.tests) beside a p-value or interval; empty for a number not looked up."""
        if found.reason:
            return ""
        stated = []
        if any(m.startswith(("population", "response of role")) for m in found.matched):
            stated.append("population")
        if found.statistic in TESTED and self.tests and self.tests.search(words):
            stated.append("test")
        return "; ".join(stated)

    def _percent_change(self, found: Lookup) -> str:
        """The ledger's check of a percent change: from the printed means at baseline and at
        the visit, the latest of each drafted before it (none if either is missing)."""
        means = {}
        for row in self.rows:
            if row["parameter"] == found.parameter and row["statistic"] == "mean":
                means[row["visit"]] = row["claim_id"]
        before, after = means.get(self.study.baseline), means.get(found.visit)
        return f"percent_change({before}, {after})" if before and after else ""

    def _visit_label(self, code: str) -> str:
        return self.study.visits.get(code, {}).get("label", code)


def capitalised(text: str) -> str:
    """The first letter upper case, but a p-value's p."""
    return text if text.startswith("p-") else text[0].upper() + text[1:]


def confidence(found: Lookup) -> str:
    """How sure the draft is: 'high' when every part was matched in the words, 'review' when
    one was assumed, 'not computable' with the reason; then what was matched and assumed."""
    level = "not computable" if found.reason else "review" if found.assumed else "high"
    parts = [level]
    if found.matched:
        parts.append("matched: " + ", ".join(found.matched))
    if found.assumed:
        parts.append("assumed: " + ", ".join(found.assumed))
    return "; ".join(parts)


def draft(lines: list[Line], study: Study, drafting: dict) -> pd.DataFrame:
    """The draft ledger of a text: the ledger's columns, then the review columns."""
    drafter = Drafter(study, drafting)
    found = sentences(lines)
    references = {s.paragraph for s in found if REFERENCE.search(s.words)}
    for sentence in found:
        if sentence.paragraph not in references and not DISCLAIMER.search(sentence.words):
            drafter.read(sentence)
    return pd.DataFrame(drafter.rows, columns=LEDGER_COLUMNS + REVIEW_COLUMNS)
