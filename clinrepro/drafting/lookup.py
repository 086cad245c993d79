"""The look-up proposed for each statement, from the cohort's settings: which population,
analysis, parameter, visit, category and statistic of the analysis results answer it, or
why none can (never a guess), and which of these were matched in the words and which
assumed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clinrepro.drafting.mentions import Mention, nearest
from clinrepro.drafting.statements import Statement

SUMMARIES = ("mean", "sd", "median", "min", "max", "q1", "q3")
CHANGES = ("mean_change", "sd_change", "ci_lower", "ci_upper", "pct_change")
COUNTS = ("n", "pct", "denominator")
# the words of a response (a patient who meets the response criterion)
RESPONSE_WORDS = re.compile(r"(?i)\b(improv\w*|respon\w*)\b")
CHANGE_WORDS = re.compile(r"(?i)\b(decreas\w*|reduc\w*|increas\w*|chang\w*|drop\w*|fell|rose)\b")
# the words of a change a response criterion may be restated by ("a fall in DAS28 of 1.2")
CRITERION_WORDS = re.compile(
    r"(?i)\b(decreas\w*|reduc\w*|increas\w*|chang\w*|drop\w*|fell|rose|falls?|rises?|gain|improvement)\b"
)
# how far after a number (in characters) a visit named belongs to it: "14 at week 12"
AFTER = 12
# a clause saying a criterion was met ('met the response criterion', 'was reached by')
ATTAINED = re.compile(
    r"(?i)\bresponse criteri|\b(?:reach|achiev|attain|meeting)\w*|\b(?:met|meet)\b"
)
# a daily dose as a text prints it: '10 mg/day', '15 mg daily', '5 mg twice daily' (twice: x 2)
DAILY_DOSE = re.compile(
    r"(?i)(\d+(?:\.\d+)?)\s*mg\s*(?:/\s*(?:day|d)\b|(twice\s+(?:daily|a\s+day)|b\.?i\.?d\b)"
    r"|(?:once\s+)?daily|a\s+day|per\s+day)"
)
# the other level of a yes/no column ('all but two had': two had not)
OTHER_LEVEL = {"Y": "N", "N": "Y"}
# a level named after a negation: 'had no previous treatment', 'without prior therapy'
NEGATED = re.compile(r"(?i)\b(?:no|without|never|not)\s+(?:\w+\s+){0,2}$")
# the count right after a verb of who was studied: 'We retrospectively reviewed 23 patients'
STUDIED = re.compile(r"(?i)\b(?:reviewed|included|enrolled|identified|studied|analy[sz]ed)\s+$")
# the count of the patients studied, said again: 'Forty patients were included; their ...'
ENROLLED = re.compile(
    r"\s+(?:\w+\s+)?(?:patients|participants|adults|subjects)\b(?:[^.;]{0,50}?\b(?:were|had been)\s+"
    r"(?:included|enrolled|analy[sz]ed|identified|studied|reviewed)\b|\s+(?:started|began|initiated)\b)"
)
# a sentence that speaks of the measure the one before named: 'It fell by week 24, when the
# median score was 10'
BACK_REFERENCE = re.compile(
    r"^(?:It|Its|This|These|They)\b|\b(?:the|its|their)\s+(?:(?:mean|median)\s+)?scores?\b"
)
UNIT_WORDS = {
    "years": "years",
    "year": "years",
    "months": "months",
    "weeks": "weeks",
    "days": "days",
}


@dataclass
class Study:
    """What the look-up reads of the settings."""

    measures: dict
    visits: dict  # code -> visit
    baseline: str
    populations: dict  # role -> flag
    everyone: str  # the role of the whole cohort
    active: dict  # role -> active-disease criterion
    response: dict  # role -> response criterion
    significance: float
    significance_printed: str
    flag_words: dict  # population flag -> its words ('patients with active ... at baseline')
    role_labels: dict  # a domain's role -> its label ('cutaneous', as in 'cutaneous response')
    categories: dict = field(default_factory=dict)  # 'COLUMN=LEVEL' -> the words that name it
    characteristics: dict = field(default_factory=dict)  # ADSL column -> the words naming it
    role_words: dict = field(default_factory=dict)  # population role -> the words naming it


@dataclass
class Context:
    """What the sentence says around one statement."""

    measures: list[Mention]
    visits: list[Mention]
    roles: list[Mention]  # population roles (settings drafting.populations)
    responses: list[Mention]  # response criteria's roles, by name
    clause: tuple[int, int]
    carried_visit: Mention | None  # the last visit named in the paragraph before
    carried_measure: Mention | None
    first_count: bool  # no count before it in the text
    forced_visit: Mention | None = None  # from a "respectively" list
    baseline: str = ""  # the baseline visit's code
    categories: list[Mention] = field(default_factory=list)  # levels of ADSL columns
    characteristics: list[Mention] = field(default_factory=list)  # ADSL characteristics
    carried_follow_up: Mention | None = None  # the last follow-up visit of the paragraph
    # the population the paragraph last named with a measure, and that measure's code
    carried_role: tuple[Mention, str] | None = None
    # the population roles the paragraph named before this sentence
    paragraph_roles: tuple[str, ...] = ()


@dataclass
class Lookup:
    population: str = ""
    analysis: str = ""
    parameter: str = ""
    visit: str = ""
    category: str = ""
    statistic: str = ""
    unit: str = ""
    reason: str = ""
    matched: list = field(default_factory=list)
    assumed: list = field(default_factory=list)


def _visit(context: Context, statement: Statement, found: Lookup, default: str | None) -> None:
    """The visit named right after the number ('14 at week 12'), else the nearest before it,
    else the next in its clause, else the last of the paragraph; a change or a test is at a
    follow-up visit, so it passes over the baseline."""
    follow_up = (
        statement.statistic in ("p_value",) + CHANGES
        or bool(statement.words.get("to"))
        or found.analysis == "response"  # a response is never at baseline
    )
    named = [m for m in context.visits if not (follow_up and m.code == context.baseline)]
    end = statement.words.get("after", statement.end)
    right_after = [m for m in named if 0 <= m.start - end <= AFTER and m.start < context.clause[1]]
    mention = context.forced_visit or (right_after[0] if right_after else None)
    if mention is None and statement.words.get("from"):  # 'from 30.6 to 17.6': at baseline
        found.visit = context.baseline
        found.matched.append(f"visit {context.baseline} ('from')")
        return
    mention = mention or nearest(named, statement.start, context.clause[1])
    carried = context.carried_visit
    if follow_up and carried is not None and carried.code == context.baseline:
        carried = context.carried_follow_up  # 'at week 0 and week 12 ... P < .0001'
    if found.analysis == "response" and carried is not None and carried.code == context.baseline:
        carried = None  # a response is never at baseline: its criterion's visit, or a follow-up
    if (
        mention is None
        and carried is not None
        and not (follow_up and carried.code == context.baseline)
    ):
        mention = carried
    if mention is not None:
        found.visit = mention.code
        found.matched.append(f"visit {mention.code} ('{mention.words}')")
    elif default is not None:
        found.visit = default
        found.assumed.append(f"visit {default} (none named)")


def _role_after(context: Context, statement: Statement) -> Mention | None:
    """A role named after the number, in its clause ('14 of 16 had active cutaneous disease')."""
    after = [m for m in context.roles if statement.end <= m.start < context.clause[1]]
    return after[0] if after else None


def _in_clause(found: list[Mention], context: Context, statement: Statement) -> Mention | None:
    """The mention of the statement's clause nearest to it."""
    inside = [m for m in found if context.clause[0] <= m.start < context.clause[1]]
    return min(inside, key=lambda m: abs(m.start - statement.start), default=None)


def _category(context: Context, statement: Statement, sentence: str) -> Mention | None:
    """The level of an ADSL column a count counts: named in its clause after it ('22 were
    women', not inside a bracket: 'One patient died (anti-MDA5+ ...)') or just before it
    ('IVIg in 11'); none in a sentence at a follow-up visit (ADSL is at baseline) or with
    'respectively' (which count goes with which level is the reader's to settle)."""
    visits = [*context.visits, *([context.carried_visit] if context.carried_visit else [])]
    if "respectively" in sentence or any(m.code != context.baseline for m in visits):
        return None
    before = [m for m in context.categories if m.end <= statement.start]
    if before and re.search(r"\bin\s*$", sentence[before[-1].end : statement.start]):
        return before[-1]  # 'IVIg in 11', 'Anti-TIF1γ was the most frequent, found in 11'
    level = _in_clause(context.categories, context, statement)
    if level is None:
        return None
    # '(22 women; ...)': the level right after the number; else '... ruxolitinib (15 patients)'
    opened = re.search(r"\(\s*$", sentence[: statement.start])
    if opened and level.start >= statement.end:
        return level if not sentence[statement.end : level.start].strip() else None
    if statement.pattern == "(n = x)" or opened:  # 'most often methotrexate (n = 17)'
        return level if level.end <= statement.start else None
    if level.start >= statement.end:
        between = sentence[statement.end : level.start]
        return level if between.count("(") <= between.count(")") else None
    return None


def _daily_dose(sentence: str, level: Mention, statement: Statement) -> float | None:
    """The daily dose printed between a molecule and the count ('... at 10 mg/day in 8',
    '5 mg twice daily in 4': 10), as ADSL's TRT01A states it; none if none is printed."""
    doses = list(DAILY_DOSE.finditer(sentence, level.end, statement.start))
    if not doses:
        return None
    return float(doses[-1].group(1)) * (2 if doses[-1].group(2) else 1)


def _restates(criterion: dict, clause: str) -> bool:
    """Whether a clause restates a response criterion: a change and its threshold ('A fall in
    DAS28-CRP of at least 1.2 was seen in 14 of the 19 patients')."""
    threshold = criterion.get("threshold")
    if not isinstance(threshold, (int, float)) or not CRITERION_WORDS.search(clause):
        return False
    return re.search(rf"(?<![\d.]){threshold:g}(?![\d.])", clause) is not None


def _response(
    study: Study, context: Context, statement: Statement, role: Mention, named_inside: bool
) -> Lookup:
    """A count or percentage of a response criterion's responders (or of its evaluable
    patients, for the denominator), in the population the sentence names."""
    criterion = study.response[role.code]
    found = Lookup(population=role.code, analysis="response", parameter=criterion["parameter"])
    found.statistic = {"pct": "pct"}.get(statement.statistic, "n_responders")
    if statement.words.get("denominator"):  # "12/17 evaluable patients"
        found.statistic = "n_evaluable"
    found.matched.append(f"response of role {role.code} ('{role.words}')")
    named = [m for m in context.roles if context.clause[0] <= m.start < context.clause[1]]
    other = nearest(context.roles, statement.start)  # 'similar in the whole cohort, with 14'
    if other is not None and other.code == study.everyone:
        found.population = other.code
        found.matched.append(f"population {other.code} ('{other.words}')")
    elif not named_inside and not named:  # its population may be the whole cohort's: review
        found.assumed.append(f"population {role.code} (the response's; none named)")
    _visit(context, statement, found, criterion["visit"])
    return found


def _count(study: Study, context: Context, statement: Statement, sentence: str) -> Lookup:
    found = Lookup(statistic="n" if statement.statistic != "pct" else "pct")
    clause = sentence[context.clause[0] : context.clause[1]]
    inside = [m for m in context.responses if context.clause[0] <= m.start < context.clause[1]]
    # or the measure of a response criterion: "CDASI improved in 12 of 14 patients"
    by_measure = [
        Mention("response", role, m.words, m.start, m.end)
        for m in context.measures
        for role, criterion in study.response.items()
        if context.clause[0] <= m.start < context.clause[1] and criterion["parameter"] == m.code
    ]
    # or, in a study of one response criterion, the word alone: "Response was achieved by"
    only = [Mention("response", r, "response", 0, 0) for r in study.response][
        : len(study.response) == 1
    ]
    # or a measure the sentence names in another clause, when this one says a criterion was
    # met: 'CDASI decreased by ..., and 89% of evaluable patients met the response criterion',
    # 'The primary endpoint, a decrease of the CDASI of at least 5 points, was reached by 91%'
    elsewhere = [
        Mention("response", role, m.words, m.start, m.end)
        for m in context.measures
        for role, criterion in study.response.items()
        if criterion["parameter"] == m.code
        and (ATTAINED.search(clause) or _restates(criterion, clause))  # '... of 1.2 or more'
    ][: not inside and not by_measure]
    responders = inside or by_measure or elsewhere or only
    restated = [m for m in by_measure if _restates(study.response[m.code], clause)]
    restated += [m for m in elsewhere if _restates(study.response[m.code], sentence)]
    met = ATTAINED.search(clause) and re.search(r"(?i)\bcriteri", clause)  # 'meeting the criterion'
    # or the main outcome by name: 'The primary endpoint was reached by 762 of 833'
    main = ATTAINED.search(clause) and any(m.words.lower() != m.code for m in inside)
    if responders and (RESPONSE_WORDS.search(clause) or restated or met or main):
        return _response(study, context, statement, (restated or responders)[0], bool(inside))
    role = _role_after(context, statement)
    role = None if role is not None and role.code == study.everyone else role  # counted anyway
    found.population, found.analysis, found.category = study.everyone, "categorical", "Y"
    named = nearest(context.visits, statement.start)
    found.visit = study.baseline
    level = _category(context, statement, sentence)
    studied = STUDIED.search(sentence[: statement.start])  # 'We reviewed 23 patients who ...'
    why = "the text's first count" if context.first_count else "the patients studied"
    if role is not None:
        found.parameter = study.populations[role.code]
        found.matched.append(f"population {role.code} ('{role.words}')")
    elif studied and not statement.words.get("complement"):
        found.parameter = study.populations[study.everyone]
        found.assumed.append(f"population {study.everyone} ({why})")
    elif level is not None:
        found.parameter, found.category = level.code.split("=", 1)
        dose = _daily_dose(sentence, level, statement) if found.parameter == "TRTMOL" else None
        if dose is not None:  # 'Tofacitinib was prescribed at 10 mg/day in 8 patients'
            found.parameter, found.category = "TRT01A", f"{found.category} {dose:g} mg/day"
        if statement.words.get("complement"):  # 'all but two had ...': two had not
            found.category = OTHER_LEVEL.get(found.category, "")
        elif found.category in ("Y", "N") and NEGATED.search(sentence[: level.start]):
            found.category = OTHER_LEVEL[found.category]  # 'two had no previous ...'
        found.matched.append(f"category {found.parameter} {found.category} ('{level.words}')")
        if not found.category:
            found.reason = f"'all but' of {level.code}, a column of more than two levels"
    elif context.first_count or ENROLLED.match(sentence, statement.end):
        found.parameter = study.populations[study.everyone]
        found.assumed.append(f"population {study.everyone} ({why})")
    else:
        found.reason = "what is counted is not a population the settings declare"
        found.population = found.visit = ""
        return found
    if named is not None and named.code != study.baseline:
        found.visit = named.code
        found.reason = found.reason or (
            f"the populations are defined at baseline; the sentence names visit {named.code}"
        )
    return found


def _unnamed_population(study: Study, context: Context, code: str) -> tuple[str, str]:
    """The population of a measure's number whose sentence names none: the population whose
    active disease the measure defines, where it is the study's one domain (its patients are
    enrolled for it) or the paragraph named it before ('14 of 16 had active cutaneous
    disease ... At baseline, mean CDASI was 27'); else the whole cohort."""
    defined = [role for role, criterion in study.active.items() if criterion["parameter"] == code]
    if defined and len(study.active) == 1:
        return defined[0], f"the study's one domain, its active disease defined on {code}"
    named = [role for role in defined if role in context.paragraph_roles]
    if named:
        return named[0], f"its active disease, defined on {code}, named before in the paragraph"
    return study.everyone, "the whole cohort: neither the sentence nor its paragraph names one"


def _measure(study: Study, context: Context, statement: Statement, sentence: str) -> Lookup:
    found = Lookup(statistic=statement.statistic)
    measure = nearest(context.measures, statement.start, context.clause[1])
    if statement.statistic in ("p_value",) + CHANGES:  # 'The mean change ... was -14.8'
        measure = measure or context.carried_measure
    back = measure is None and context.carried_measure and BACK_REFERENCE.search(sentence)
    if back and statement.statistic in SUMMARIES:
        measure = context.carried_measure
        found.assumed.append(f"measure {measure.code} (named in the sentence before)")
    if statement.statistic == "p_value":
        found.unit = "p"
    found.analysis = "summary" if statement.statistic in SUMMARIES else "paired_test"
    after = re.match(r"\s*(\w+)", sentence[statement.words.get("after", statement.end) :])
    unit = UNIT_WORDS.get(after.group(1).lower(), "") if after else ""
    trait = _in_clause(context.characteristics, context, statement)
    if measure is None and trait is not None and found.analysis == "summary":
        found.parameter, found.population, found.visit = trait.code, study.everyone, study.baseline
        found.unit = unit
        found.matched.append(f"characteristic {trait.code} ('{trait.words}')")
        found.assumed.append(f"visit {study.baseline} (a characteristic at baseline)")
        return found
    if measure is None or unit:
        found.unit = found.unit or unit
        found.reason = "no measure of the settings is named"
        return found
    found.parameter = measure.code
    found.unit = found.unit or study.measures[measure.code]["unit"]
    if not found.assumed:
        found.matched.append(f"measure {measure.code} ('{measure.words}')")
    role = nearest(context.roles, statement.start)
    carried = context.carried_role
    if role is not None:
        found.population = role.code
        found.matched.append(f"population {role.code} ('{role.words}')")
    elif carried is not None and carried[1] == measure.code:  # 'In the whole cohort, ... . The'
        found.population = carried[0].code
        found.matched.append(f"population {carried[0].code} ('{carried[0].words}', before)")
    else:
        found.population, why = _unnamed_population(study, context, measure.code)
        found.assumed.append(f"population {found.population} ({why})")
    _visit(context, statement, found, study.baseline if found.analysis == "summary" else None)
    follow_ups = [
        code
        for code, visit in study.visits.items()
        if code != study.baseline and not visit.get("reported_only")
    ]
    if not found.visit and len(follow_ups) == 1:  # 'MMT-8 did not change (P = .52)'
        found.visit = follow_ups[0]
        found.assumed.append(f"visit {found.visit} (the only follow-up with per-patient data)")
    if not found.visit:
        found.reason = "no follow-up visit is named"
    return found


def look_up(study: Study, context: Context, statement: Statement, sentence: str) -> Lookup:
    """The proposed look-up of one statement."""
    if statement.pattern == "percentage" and (
        statement.value < 0 or CHANGE_WORDS.search(sentence[: statement.start][-40:])
    ):
        # '(-81%)' after a mean: a percent change of the mean, not a share of patients
        statement.statistic = "pct_change"
        found = _measure(study, context, statement, sentence)
        found.unit = "%"
        found.reason = "a percent change of a mean: checked from the printed means, not looked up"
    elif statement.statistic in COUNTS and statement.unit in ("count", "%"):
        found = _count(study, context, statement, sentence)
        found.unit = statement.unit
    else:
        found = _measure(study, context, statement, sentence)
    visit = study.visits.get(found.visit)
    if visit is not None and visit.get("reported_only") and not found.reason:
        found.reason = f"visit {found.visit} ({visit.get('label', found.visit)}) has no per-patient data (reported only)"
    return found
