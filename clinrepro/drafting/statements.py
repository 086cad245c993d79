"""The quantitative statements of a sentence, found by pattern (statcheck's idea, widened to
counts, fractions, summaries and changes), and the numbers that are not claims blanked first:
dates, doses, thresholds of definitions, scale maxima, durations, references, figure and
table numbers.

Each pattern works on a scan copy of the sentence in which what is already read or blanked
is overwritten with spaces, so that no number is read twice and character positions stay
those of the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clinrepro.drafting.numbers import DIGITS, NUMBER, PROPORTION_WORDS, precision_of, value_of

_C = r"(<=|>=|=<|=>|<|>|=|≤|≥)"
_TO = r"\s*(?:-|–|—|to|,)\s*"
_MONTHS = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
# numbers that are not claims; each pattern's whole match is blanked
TRAPS = {
    "reference": r"\[\s*\d+(?:\s*[,;–-]\s*\d+)*\s*\]",
    "figure or table": r"(?i:(?:supplementa(?:l|ry)[\s-]*)?(?:fig(?:ure)?s?\.?|tables?|e?figure|e?table)"
    r"[\s-]*S?\d+[A-Za-z]?(?:\s*(?:,|and|-|–)\s*S?\d+[A-Za-z]?)*)",
    "date": rf"\b(?:19|20)\d\d[-/]\d\d?[-/]\d\d?\b|\b\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}\b"
    rf"|\b{_MONTHS}\s+(?:\d{{1,2}},?\s+)?\d{{4}}\b|\b(?:19|20)\d\d\b",
    # (not a concentration: "103 IU/L", "5 mg/L")
    "dose": r"(?i:" + DIGITS + r"\s*(?:mg|g|µg|mcg|ml|mL|IU|units?)(?!\s*/\s*(?:L|dL|mL)\b)"
    r"(?:\s*/\s*(?:kg|day|d|m2|week))*"
    r"(?:\s+(?:daily|twice daily|once daily|a day|per day|weekly))?)",
    "threshold": rf"(?:{_C}|(?i:at least|at most|more than|less than|fewer than|greater than))\s*"
    + DIGITS
    + r"\s*%?|"
    + DIGITS
    + r"\s*%?\s*(?:points?\s+)?(?i:or (?:more|greater|higher|above|less|fewer|lower|below))",
    "confidence level": r"(?i:" + DIGITS + r"\s*%\s*(?:CI|confidence))",
    # an amount a definition or an argument names, not one measured ("room for a 20% gain")
    # ("reached the 20% improvement that defined", "little room for an improvement of 20%",
    # "an MMT8 gain of 20% lies beyond the scale's maximum"; not "a mean reduction of 45%")
    "amount": r"(?i:\b(?:a|an|the)\s+"
    + DIGITS
    + r"(?:\s*%|[- ]points?)\s+(?:gain|rise|increase|decrease|drop|fall"
    r"|reduction|improvement|change|threshold|cut-?off)\b"
    r"|\b(?:a|an)\s+(?:(?!mean|median|average)[\w-]+\s+)?(?:gain|rise|increase|decrease|drop|fall"
    r"|reduction|improvement|change)\s+of\s+" + DIGITS + r"\s*%)",
    "scale maximum": r"(?i:(?:out of|maximum(?: of)?|max\.?|of a possible|scale of)\s*"
    + DIGITS
    + r"|\(\s*0\s*(?:-|–|to)\s*"
    + DIGITS
    + r"\s*\)|"
    + DIGITS
    + r"\s*(?:-|–|to)\s*"
    + DIGITS
    + r"[- ]point)",
    "duration": r"(?i:" + NUMBER + r"[\s-]+(?:days?|weeks?|months?|years?)\b)",
    # a time point named by its number ("at week 12 in patients with ...")
    "time point": r"(?i:\b(?:week|month|day|visit|cycle)\s*" + DIGITS + ")",
}


# the patterns' names as the draft writes them (its `pattern` column)
PATTERNS = [
    "p-value", "confidence interval", "mean ± SD", "median (range)", "median (IQR)", "x of n",
    "x of n (%)", "x (%)", "change", "mean", "median", "from ... to", "(n = x)", "percentage", "count", "proportion in words",
    "no significant change", "another", "all but", "range",
]  # fmt: skip


# numbers of the methods that are read before any pattern: the significance level ("p < 0.05
# was considered significant", "alpha of 0.05"), the power of a sample size, a definition
PRE_TRAPS = {
    "significance level": r"(?i:[pP][\s-]*(?:values?)?\s*[<≤]=?\s*" + DIGITS
    + r"\s*(?:(?:was|were|is|are|being)\s+)?(?:considered|deemed|regarded|taken)[^.;]*"
    + r"|(?:significance|alpha|α)(?:\s+level)?\s*(?:of|was|was set at|=|:|at)?\s*" + DIGITS
    + r"|(?:significance(?:\s+level)?\s+(?:was\s+)?set\s+at|level\s+of\s+significance(?:\s+was)?"
    + r"|(?:considered|deemed)\s+(?:statistically\s+)?significant\s+(?:if|when|at|for))\s*"
    + r"(?:[pP][\s-]*(?:values?)?\s*)?(?:[<≤=]=?\s*)?" + DIGITS + ")",
    "power": r"(?i:" + DIGITS + r"\s*%\s*power|power\s*(?:of\s*)?" + DIGITS + r"\s*%)",
    "definition": r"(?i:defined as[^.;,)]*)",
    # who was studied, not what was found: "we reviewed all adults who started ...", "all
    # patients gave written consent"
    "eligibility": r"(?i:\b(?:reviewed|included|enrolled|identified|screened|studied)\s+all\b"
    + r"|\ball\s+(?:patients|participants|pts)\s+(?:gave|provided|signed|received\s+(?:a\s+)?written)\b"
    + r"|\ball\b(?=[^.;]{0,200}?\bwere\s+(?:included|eligible|enrolled|recruited)\b))",
    # a prevalence in the population, not in the cohort: "affects approximately 0.5% to 1% of adults"
    "prevalence": r"(?i:\b(?:approximately|about|around|roughly)\s+" + DIGITS + r"\s*%?\s*(?:to|-|–)\s*"
    + DIGITS + r"\s*%\s+of\s+(?:adults|people|individuals|the\s+(?:general\s+)?population))",
    # another study's number, cited: "the first series of 16 pts [6]"
    "cited": r"(?<![\w.])\d+\s+[A-Za-z]+\s*(?=\[\s*\d+(?:\s*[,;–-]\s*\d+)*\s*\])",
    # a scale's range ("(range 0-100)"), not the range of the values
    "scale range": r"\(\s*(?i:range)[:,]?\s*0\s*(?:-|–|to)\s*" + DIGITS + r"\s*\)",
}  # fmt: skip
# a paragraph of a reference list: a journal's year;volume, a doi
REFERENCE = re.compile(r"\b(?:19|20)\d\d;\s*\d+|\bdoi:")
# a sentence saying the data describe no one ("no real patients are described"): no claim
DISCLAIMER = re.compile(r"(?i)\bno real\b|\bdescribes? no (?:real )?patients\b|\bare simulated\b")


@dataclass
class Statement:
    """One number of a sentence that a claim states, as the ledger will write it."""

    pattern: str
    statistic: str  # what the pattern says the number is: n, pct, mean, sd, p_value, ...
    reported: str
    comparator: str
    value: float
    precision: int
    start: int  # the number's characters in the sentence
    end: int
    unit: str = ""
    n: float | None = None
    words: dict = field(default_factory=dict)  # what the pattern read around it


def blank(scan: str, start: int, end: int) -> str:
    return scan[:start] + " " * (end - start) + scan[end:]


def _number(match: re.Match, group, statistic, pattern, unit="", comparator="=", **extra):
    printed = match.group(group)
    return Statement(
        pattern, statistic, printed, comparator, value_of(printed), precision_of(printed),
        match.start(group), match.end(group), unit, **extra,
    )  # fmt: skip


def _p_values(match):
    comparator = {"≤": "<=", "≥": ">=", "=<": "<=", "=>": ">="}.get(match.group(1), match.group(1))
    statement = _number(match, 2, "p_value", "p-value", "p", comparator)
    shown = {"<=": "≤", ">=": "≥"}.get(comparator, comparator)
    statement.reported = (
        f"{shown} {match.group(2)}" if comparator in ("<", ">") else f"p {shown} {match.group(2)}"
    )
    if comparator == "=":
        statement.reported = match.group(2)
    return [statement]


def _mean_sd(match):
    after = {"after": match.end()}  # a unit printed after the SD is the mean's too
    return [_number(match, 1, "mean", "mean ± SD", words=after),
            _number(match, 2, "sd", "mean ± SD", words=after)]  # fmt: skip


def _median(match):
    said = f"{match.group(1)} {match.group(3) or ''}".lower()
    spread = ("q1", "q3") if re.search(r"iqr|interquartile", said) else ("min", "max")
    pattern = f"median ({'IQR' if spread[0] == 'q1' else 'range'})"
    after = {"after": match.end()}  # a visit printed after the bracket is the median's
    return [_number(match, 2, "median", pattern, words=after),
            _number(match, 4, spread[0], pattern, words=after),
            _number(match, 5, spread[1], pattern, words=after)]  # fmt: skip


def _interval(match):
    level = {"level": value_of(match.group(1)), "percent": bool(match.group(4))}
    return [_number(match, 2, "ci_lower", "confidence interval", words=level),
            _number(match, 3, "ci_upper", "confidence interval", words=level)]  # fmt: skip


def _fraction(match):
    found = [_number(match, 1, "n", "x of n", "count", n=value_of(match.group(2)))]
    found[0].reported = str(int(found[0].value))
    found.append(_number(match, 2, "denominator", "x of n", "count"))
    found[-1].reported = str(int(found[-1].value))
    if match.group(3):
        of = {"count": found[0].value, "of": found[1].value}
        found.append(_number(match, 3, "pct", "x of n (%)", "%", n=of["of"], words=of))
        found[-1].reported = f"{match.group(3)}%"
    return found


def _count_percent(match):
    """'15 (75%) had active cutaneous disease': the count and its percentage."""
    count, share = _number(match, 1, "n", "x (%)", "count"), _number(match, 2, "pct", "x (%)", "%")
    count.reported, share.reported = f"{count.value:g}", f"{match.group(2)}%"
    return [count, share]


def _count_percent_of(match):
    count = _number(match, 1, "n", "x of n", "count", n=value_of(match.group(3)))
    of = {"count": count.value, "of": value_of(match.group(3))}
    share = _number(match, 2, "pct", "x of n (%)", "%", n=of["of"], words=of)
    total = _number(match, 3, "denominator", "x of n", "count")
    count.reported, share.reported = f"{count.value:g}", f"{match.group(2)}%"
    total.reported = f"{total.value:g}"
    return [count, share, total]


def _percent(match):
    statement = _number(match, 1, "pct", "percentage", "%")  # "90 percent" reads "90%"
    statement.reported = f"{match.group(1)}%"
    return [statement]


def _summary(match):
    """'mean CDASI at week 12 was 20.5': a mean (or median) without its spread."""
    statistic = "median" if match.group(1).lower() == "median" else "mean"
    return [_number(match, 2, statistic, statistic)]


def _change(match):
    statement = _number(match, 2, "mean_change", "change")
    if re.match(r"(?i)decreas|reduc|drop|fall|fell|declin", match.group(1)):
        statement.value = -statement.value
    return [statement]


def _to_value(match):
    said = match.string[max(0, match.start() - 60) : match.start()].lower()
    statistic = "median" if said.rfind("median") > said.rfind("mean") else "mean"
    return [_number(match, 1, statistic, "from ... to")]


def _change_sd(match):
    change = _change(match)
    return change + [_number(match, 3, "sd_change", "change")]


def _from_to(match):
    """'decreased from 27 at baseline to 14 at week 12': the mean at each end (the median,
    when the words before say so: 'the median IFN-α decreased from 58 fg/mL at M0 to 33')."""
    said = match.string[max(0, match.start() - 60) : match.start()].lower()
    statistic = "median" if said.rfind("median") > said.rfind("mean") else "mean"
    return [
        _number(match, 1, statistic, "from ... to"),
        _number(match, 2, statistic, "from ... to"),
    ]


def _range(match):
    """'(range, 23 to 86)' after a mean: the least and the greatest value."""
    return [_number(match, 1, "min", "range"), _number(match, 2, "max", "range")]


def _of_them(match):
    """'two of them': a count of the people the sentence has named."""
    statement = _number(match, 1, "n", "count", "count")
    statement.reported = f"{statement.value:g}"
    return [statement]


def _n_equals(match):
    statement = _number(match, 1, "n", "(n = x)", "count")
    statement.reported = f"{statement.value:g}"
    return [statement]


def _counts(match):
    found = []
    for group in (1, 2):
        if match.group(group):
            statement = _number(match, group, "n", "count", "count")
            statement.reported = f"{statement.value:g}"
            found.append(statement)
    return found


def _none(match):
    """'No patients ...'; 'none of the 32 evaluable patients ...': 0, and of how many."""
    found = [Statement("count", "n", "0", "=", 0.0, 0, match.start(1), match.end(1), "count")]
    if match.group(2):
        found.append(_number(match, 2, "denominator", "x of n", "count"))
        found[-1].reported = f"{found[-1].value:g}"
    return found


def _all_but(match):
    """'All but two patients had ...': two patients had not."""
    statement = _number(match, 1, "n", "all but", "count", words={"complement": True})
    statement.reported = f"all but {match.group(1)}"
    return [statement]


def _proportion(match):
    printed = match.group(1)
    value = float(PROPORTION_WORDS[printed.lower()])
    return [Statement("proportion in words", "pct", printed, "=", value, 0, match.start(1),
                      match.end(1), "%")]  # fmt: skip


def _unchanged(match):
    return [Statement("no significant change", "p_value", match.group(1), ">", 0.0, 0,
                      match.start(1), match.end(1), "p")]  # fmt: skip


def finders(subjects: list[str], spread_in_brackets: bool = False) -> list[tuple]:
    """(name, pattern, reader) in the order they are tried; `subjects` are the nouns of the
    people counted (settings drafting.subjects); `spread_in_brackets` when the sentence says
    its SDs are in brackets ("mean (SD) 27 (13)")."""
    subject = r"(?:" + "|".join(map(re.escape, subjects)) + r")\b"
    # up to three words between a count and its noun ("Sixteen DM patients"), not a word that
    # makes the number count something else ("two values of each patient", "12 in patients")
    words = r"(?:(?!(?i:of|in|each|per|for|than|with)\s)[\w()+-]+\s+){0,3}?"
    bracketed = (  # '30.6 (9.1)', '135.2 [12.1]' (a bracket inside brackets), '30.6 (SD 9.1)'
        r"("
        + DIGITS
        + r")\s*[(\[]\s*(?:SD[\s:=]*)"
        + ("?" if spread_in_brackets else "")
        + "("
        + DIGITS
        + r")\s*[)\]]"
    )
    return [
        *[(name, trap, None) for name, trap in PRE_TRAPS.items()],
        ("p-value", r"(?<![\w-])[pP](?:[- ]values?)?\s*(?:was|of|:)?\s*" + _C + r"\s*(" + DIGITS + ")", _p_values),
        ("interval", r"(" + DIGITS + r")\s*%\s*(?:CI|confidence interval)(?:\s*\[CI\])?(?:\s+(?:of|for)\s+(?:the\s+)?(?:[a-z-]+\s+){0,3}?[a-z-]+)?[:,]?\s*(" + DIGITS + r")(?:\s*%)?" + _TO + "(" + DIGITS + r")(\s*%)?", _interval),
        ("mean ± SD", r"(" + DIGITS + r")\s*(?:±|\+/-|\+-)\s*(" + DIGITS + ")", _mean_sd),
        ("median", r"(?i:median)\b([^.;]{0,60}?)(" + DIGITS + r")\s*(?:[\w/]+\s*)?[\[(]\s*(range|IQR|interquartile range)?[:,]?\s*(" + DIGITS + ")" + _TO + "(" + DIGITS + r")(?:\s*[A-Za-z/]+)?\s*[\])]", _median),
        # 'a mean (SD) decrease of 13.0 (8.2) points': the change and the SD of the changes
        ("mean change", r"(?i:\b(?:mean|average)\s*[(\[]\s*SD\s*[)\]]\s+(change|decrease|reduction|drop|fall|increase|rise|gain|improvement))\s+(?:of\s+)?(" + DIGITS + r")\s*[(\[]\s*(" + DIGITS + r")\s*[)\]]", _change_sd),
        ("mean (SD)", bracketed, _mean_sd),
        # 'the mean age was 48.4 years (SD 13.4)': a unit between the mean and its SD
        ("mean unit (SD)", r"(" + DIGITS + r")\s*[A-Za-z/]+\s*\(\s*SD[\s:=,]*(" + DIGITS + r")\s*\)", _mean_sd),
        ("x of n", r"(" + NUMBER + r")\s*(?:of|out of|/)\s*(?:the\s+)?(" + NUMBER + r")(?:(?:\s+[A-Za-z-]+){0,4}?\s*\(\s*(" + DIGITS + r")\s*%\s*\)|)", _fraction),
        # '19 (90%) of 21': the count, its percentage and of how many
        ("x of n (%)", r"(" + NUMBER + r")\s*\(\s*(" + DIGITS + r")\s*%\s*\)\s+of\s+(?:the\s+)?(" + NUMBER + ")", _count_percent_of),
        ("x (%)", r"(" + NUMBER + r")\s*[(\[]\s*(" + DIGITS + r")\s*%\s*[)\]]", _count_percent),
        # '(22 women; mean age 53.6 years)': an abstract's age without a verb
        ("mean", r"(?i:\b(mean|average|median)\s+age)\s+(" + DIGITS + r")(?=\s*(?:years|yrs|y)\b)", _summary),
        ("mean", r"(?<!by a )(?<!by an )(?i:\b(mean|average|median)\b)(?:(?!(?i:decrease|reduction|increase|change|improvement|drop|rise|from))[^.;()]){0,50}?\b(?:was|were|of|is|=|:)\s*(" + DIGITS + r")(?!\s*(?:±|\+/-|%|\(|mg\b|g/|µg|mcg))", _summary),
        # '(n = 17)', '(CS, n = 19)', '(n = 15; 37.5%)'
        ("(n = x)", r"[(,;]\s*[nN]\s*=\s*(\d+)\s*(?=[);,])", _n_equals),
        ("range", r"\(\s*(?i:range)[:,]?\s*(" + DIGITS + ")" + _TO + "(" + DIGITS + r")\s*\)", _range),
        # '(mean change 0.7 points; p=0.52)': without a verb
        ("mean change", r"(?i:\bmean\s+(change|decrease|increase|difference))\s+(" + DIGITS + r")(?=\s*(?:points?|[;,)]))", _change),
        ("mean change", r"(?i:\bmean\s+(change|decrease|reduction|drop|fall|increase|rise|gain|improvement|difference)\b)[^.;()]{0,50}?\b(?:was|were|of|=|:)\s*(" + DIGITS + ")", _change),
        *[(name, trap, None) for name, trap in TRAPS.items()],
        ("change", r"(?i:(decrease|reduction|drop|fall|decline|increase|rise|gain|improvement|change|decreased|increased|improved|fell|rose|dropped|declined|reduced)\s+(?:of|by)\s+(?:(?:only|just|about|approximately|nearly|almost)\s+)?(?:a mean of\s+|an average of\s+)?)(" + DIGITS + ")", _change),
        # 'decreased from 28.1 ± 11.6 at baseline to 19.4 at W12': the value after 'to'
        # 'was 26.7 ± 12.9 at baseline and decreased to 18.6 at 12 weeks and to 12.9 after 24'
        ("from ... to", r"(?i:\b(?:decreased|fell|dropped|declined|increased|rose|improved|reduced|and)\s+to)\s+(" + DIGITS + r")(?=\s*(?:[A-Za-z/]+\s+)?(?:at|after|on|by|in)\s)", _to_value),
        # (the value after 'from' read already: no number left between them)
        ("from ... to", r"(?i:\bfrom\b(?:(?!(?<![\w.])\d)[^.;]){1,60}?\bto)\s+(" + DIGITS + r")(?=\s*(?:[A-Za-z/]+\s+)?(?:at|after|on|by|in)\s)", _to_value),
        ("from ... to", r"(?i:\bfrom)\s+(" + DIGITS + r")(?:\s+[\w/-]+){0,4}?\s+(?i:to)\s+(" + DIGITS + r")(?!\s*%)", _from_to),
        ("percentage", r"(" + DIGITS + r")\s*(?:%|(?i:percent|per cent)\b)", _percent),
        ("none", r"\b((?i:no|none of(?: the)?))\s+(?:(" + NUMBER + r")\s+)?" + words + subject, _none),
        ("all but", r"(?i:\ball but)\s+(" + NUMBER + r")\s+" + words + subject, _all_but),
        ("of them", r"(" + NUMBER + r")\s+of\s+(?:them|these|those|whom)\b", _of_them),
        ("proportion", r"(?<!of )\b((?i:all|half))\s+(?:of\s+)?(?:the\s+)?" + words + subject, _proportion),
        ("count", r"(" + NUMBER + r")(?:\s+and\s+(" + NUMBER + r"))?\s+" + words + subject, _counts),
        ("no significant change", r"(?i:\b(unchanged|did not change significantly|no significant (?:change|difference|effect|improvement)|not significantly (?:changed|different|improved)))", _unchanged),
    ]  # fmt: skip


# a summary's next value, at another time ("125.4 at baseline and 123.8 after 3 months"):
# the rest of the sentence after the first value (read ones blanked), up to the second
_CONTINUED = re.compile(
    r"\s*(?:[A-Za-z/]+\s+)?(?:at|after|on|by|in)\s+[\w() -]{1,30}?\s+(?:and|then|vs\.?|versus)\s+("
    + DIGITS
    + r")(?:\s*[A-Za-z/]+)?\s+(?:at|after|on|by|in)\b"
)
# a count whose noun the sentence has just given ("22 of 24 patients had ... and 23 had ...")
_VERB = r"(?:had|were|was|received|met|showed|with|an|a|developed|reached|achieved|did)\b"
_ELLIPTIC = re.compile(
    r"(?:\b(?:and|while|whereas|only|but|remaining|other)|[;,])\s+(" + NUMBER + r")\s+" + _VERB
)
# a second count that leaves out the first's verb: '11 received upadacitinib and 12
# tofacitinib' (one word after each count, the clause ending after the second)
_GAPPED = re.compile(
    r"(?:\s+[A-Za-z-]+){0,2}?\s+" + _VERB + r"\s+[A-Za-z-]+\s+and\s+(" + NUMBER
    + r")\s+(?!(?i:days?|weeks?|months?|years?|hours?|mg|points?|centres?|centers?|sites?"
    r"|visits?|doses?|times)\b)[A-Za-z-]+(?=\s*(?:[.,;)]|$))"
)  # fmt: skip

# the same, at the end of a clause: '... at 10 mg/day in 8 patients and at 20 mg/day in 4'
_IN_COUNT = re.compile(r"\bin\s+(" + NUMBER + r")(?=\s*(?:[,.;)]|\band\b|$))")


def _continued(scan: str, found: list[Statement]) -> list[Statement]:
    """The second value of a mean or median printed at two times, and a count whose noun is
    the sentence's earlier count's."""
    extra = []
    for statement in found:
        if statement.statistic not in ("mean", "median", "mean_change"):
            continue
        end = statement.words.get("after", statement.end)
        match = _CONTINUED.match(scan, end)
        if match and all(s.start != match.start(1) for s in found + extra):
            extra.append(_number(match, 1, statement.statistic, statement.pattern))
    if any(s.statistic == "n" for s in found):
        # ('found in six, and ... in four patients each': the noun may come after)
        ellipses = [(m, True) for m in _ELLIPTIC.finditer(scan)]
        for match, after in [*ellipses, *[(m, False) for m in _IN_COUNT.finditer(scan)]]:
            if any(s.statistic == "n" and (s.end < match.start() or not after) for s in found):
                extra.append(_elided_count(match))
        for count in [s for s in found + extra if s.statistic == "n"]:
            match = _GAPPED.match(scan, count.end)
            if match and all(s.start != match.start(1) for s in found + extra):
                extra.append(_elided_count(match))
    return extra


def _elided_count(match: re.Match) -> Statement:
    """A count whose noun (or verb) the sentence gave before it, reported in digits."""
    statement = _number(match, 1, "n", "count", "count")
    statement.reported = f"{statement.value:g}"
    return statement


def _another(sentence: str, scan: str, found: list[Statement]) -> list[Statement]:
    """'One patient developed ... and another presented with ...': 'another' counts one more
    patient when the sentence has just counted one."""
    extra = []
    for match in re.finditer(r"\b(another)\b", scan):
        if any(s.statistic == "n" and s.value == 1 and s.end < match.start() for s in found):
            extra.append(Statement("another", "n", "1", "=", 1.0, 0, match.start(1), match.end(1), "count"))  # fmt: skip
    return extra


def statements(sentence: str, subjects: list[str]) -> list[Statement]:
    """Every quantitative statement of one sentence, in the order printed."""
    scan, found = sentence, []
    spread_in_brackets = bool(re.search(r"\(SD\)|\bSD\b[^±]*$|standard deviation", sentence))
    for _, pattern, reader in finders(subjects, spread_in_brackets):
        for match in list(re.finditer(pattern, scan)):
            if reader is not None:
                found += reader(match)
            scan = blank(scan, match.start(), match.end())
    found += _continued(scan, found)
    found += _another(sentence, scan, found)
    return _from_and_to(
        sentence, _signed_intervals(_without_restated(sorted(found, key=lambda s: s.start)))
    )


_FROM = re.compile(
    r"(?i)\bfrom\s+(?:a\s+)?(?:(?:mean|median)\s*(?:[(\[]\s*(?:SD|IQR)\s*[)\]])?\s*(?:of\s+)?)?$"
)
_TO_AFTER = re.compile(r"(?i)\bto\s+(?:a\s+)?(?:(?:mean|median)\s*(?:of\s+)?)?$")


def _from_and_to(sentence: str, found: list[Statement]) -> list[Statement]:
    """'fell from a mean (SD) of 30.6 (9.1) to 17.6 (10.4)', '135.2 [12.1] vs 137.0 [10.3]': the
    first summary is the baseline's, the second a follow-up's (when no visit is printed
    beside them)."""
    summaries = [s for s in found if s.statistic in ("mean", "median")]
    for first, second in zip(summaries, summaries[1:]):
        before = sentence[: second.start]
        from_to = _FROM.search(sentence[: first.start]) and _TO_AFTER.search(before)
        if from_to or re.search(r"(?i)\b(?:vs\.?|versus)\s+$", before):  # '135.2 [12.1] vs 137.0'
            first.words["from"], second.words["to"] = True, True
    return found


def _signed_intervals(found: list[Statement]) -> list[Statement]:
    """'a mean decrease of 13.7 points (95% CI 10.9 to 16.6)': the interval of a change printed
    as a decrease is printed as the decrease is: 10.9 is the upper limit of the change, -10.9,
    and 16.6 its lower limit, -16.6."""
    for index, ci in enumerate(found):
        if ci.statistic != "ci_lower" or index + 1 == len(found) or ci.words.get("percent"):
            continue
        upper = found[index + 1]
        before = [s for s in found[:index] if s.statistic == "mean_change"]
        decrease = before and before[-1].value < 0 and not before[-1].reported.startswith("-")
        if decrease and upper.statistic == "ci_upper" and ci.value >= 0 and upper.value >= 0:
            ci.value, upper.value = -ci.value, -upper.value
            ci.statistic, upper.statistic = "ci_upper", "ci_lower"
    return found


def _without_restated(found: list[Statement]) -> list[Statement]:
    """'did not change significantly (p = 0.21)': the printed p states it, not the words."""
    return [
        s
        for index, s in enumerate(found)
        if not (
            s.pattern == "no significant change"
            and any(
                o.statistic == "p_value" and 0 < o.start - s.end < 60 for o in found[index + 1 :]
            )
        )
    ]
