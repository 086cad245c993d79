"""Where a sentence names the cohort's measures, visits and population roles, read from the
settings: measures by code, printed name, label, short name and `aliases`; visits by code,
printed name, label (and the words in its brackets), time ("3-months", "month 3") and
`aliases`; roles by their names ("active cutaneous disease" names the role cutaneous)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Mention:
    kind: str  # measure, visit or role
    code: str
    words: str  # as printed in the sentence
    start: int
    end: int


def _phrase(words: str, case: bool = False) -> re.Pattern:
    flags = 0 if case else re.IGNORECASE
    return re.compile(r"(?<![\w-])" + re.escape(words) + r"(?![\w-])", flags)


def measure_phrases(measures: dict, words: dict | None = None) -> list[tuple[str, re.Pattern]]:
    """Each measure's phrases: its names and aliases, and the words any text may give a
    measure of its code (settings drafting.measures)."""
    phrases = []
    for code, measure in measures.items():
        names = [code, measure.get("printed"), measure.get("label"), measure.get("short")]
        names += (measure.get("aliases") or []) + ((words or {}).get(code) or [])
        for name in dict.fromkeys(n for n in names if n):
            phrases.append((code, _phrase(re.sub(r"\s*\([^)]*\)$", "", str(name)))))
    return phrases


# a time in another unit, as texts round it: 12 weeks are 3 months, 3 months 12 or 13 weeks
_OTHER_UNIT = {
    "week": lambda t: [("month", t // 4)] if t % 4 == 0 and t else [],
    "month": lambda t: [("week", t * 4), ("week", round(t * 52 / 12))] if t else [],
}


# a time unit and its abbreviations, as a pattern
_SHORT_UNIT = {"week": "(?:week|wk)", "month": "(?:month|mo|mth)", "day": "(?:day|d)"}


def _time_phrases(time, unit: str) -> list[re.Pattern]:
    if time is None or float(time) != int(time):
        return []
    one = unit[:-1] if unit.endswith("s") else unit
    phrases = []
    for word, number in [(one, int(time)), *_OTHER_UNIT.get(one, lambda t: [])(int(time))]:
        word = _SHORT_UNIT.get(word, word)  # 'week 12', 'wk 12', '12 wks'
        phrases += [
            re.compile(rf"(?<![\w.-]){number}[\s-]*{word}s?\b", re.IGNORECASE),
            re.compile(rf"\b{word}[\s-]*{number}(?![\w.])", re.IGNORECASE),
        ]
    return phrases


def visit_phrases(
    visits: list[dict], time_unit: str, baseline: str = "", baseline_words: list[str] = ()
) -> list[tuple[str, re.Pattern]]:
    """Each visit's phrases; a label's bracketed words also match by their last word
    ('FU (last follow-up)' -> 'follow-up') when no other visit ends so; the baseline visit
    also by the words any text may give it ('at inclusion': settings drafting.baseline_words)."""
    phrases, heads = [(baseline, _phrase(words)) for words in baseline_words if baseline], {}
    for visit in visits:
        label = visit.get("label", "")
        inner = re.findall(r"\(([^)]*)\)", label)
        names = [visit.get("printed"), re.sub(r"\s*\([^)]*\)", "", label), *inner]
        names += [*(visit.get("aliases") or []), visit["code"]]  # 'W12', 'M3'
        for name in dict.fromkeys(n for n in names if n):
            phrases.append((visit["code"], _phrase(name, case=name == visit["code"])))
        for words in inner:
            heads.setdefault(words.split()[-1].lower(), []).append(visit["code"])
        phrases += [(visit["code"], p) for p in _time_phrases(visit.get("time"), time_unit)]
    phrases += [(codes[0], _phrase(head)) for head, codes in heads.items() if len(codes) == 1]
    return phrases


def _loose(words: str) -> str:
    """A name as texts vary it: a hyphen or not ('TIF1-γ', 'TIF1γ'), γ or gamma."""
    pattern = re.escape(words).replace(r"\-", "[-\\s]?")
    return re.sub(r"(?i)γ|gamma", "(?:γ|gamma)", pattern)


def category_phrases(levels: dict[str, list[str]]) -> list[tuple[str, re.Pattern]]:
    """Each level's phrases ('ABTYPE=TIF1G' -> 'TIF1-γ'), also after 'anti-' ('anti-TIF1-γ');
    the longest first, so that 'previous treatments' is read whole."""
    phrases = [
        (level, re.compile(r"(?<![\w-])(?:anti-?)?" + _loose(words) + r"(?![\w-])", re.IGNORECASE))
        for level, names in levels.items()
        for words in names
    ]
    return sorted(phrases, key=lambda p: -len(p[1].pattern))


def mentions(sentence: str, kind: str, phrases: list[tuple[str, re.Pattern]]) -> list[Mention]:
    """Every mention of one kind in the sentence, in order; the longest where two overlap."""
    found = [
        Mention(kind, code, m.group(0), m.start(), m.end())
        for code, pattern in phrases
        for m in pattern.finditer(sentence)
    ]
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def role_phrases(roles: dict[str, list[str]]) -> list[tuple[str, re.Pattern]]:
    """Each population role's phrases (settings drafting.populations: role -> words)."""
    return [(role, _phrase(words)) for role, phrases in roles.items() for words in phrases]


def nearest(found: list[Mention], position: int, end: int | None = None) -> Mention | None:
    """The last mention before `position`; else the first after it (before `end`)."""
    before = [m for m in found if m.end <= position]
    if before:
        return before[-1]
    after = [m for m in found if m.start >= position and (end is None or m.start < end)]
    return after[0] if after else None
