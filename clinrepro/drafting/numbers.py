"""Numbers as a text prints them: digits or words, their value and printed precision."""

from __future__ import annotations

import re

_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip
WORD_VALUES = {word: value for value, word in enumerate(_UNITS)} | _TENS
# a number in words: "sixteen", "twenty-one", "twenty one"
NUMBER_WORDS = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:[- ](?:" + "|".join(_UNITS[1:10]) + r"))?"
    r"|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")"
)
# a number in digits, not part of a word or code ("MMT8", "NCT04972760", "M3"); a sign when
# it stands alone ("-81%", "(−10.9")
DIGITS = r"(?<![\w.])-?(?:\d+(?:\.\d+)?|\.\d+)(?![\w])"
NUMBER = rf"(?:{DIGITS}|(?<![\w-])(?i:{NUMBER_WORDS})(?![\w-]))"
# words that stand for a proportion of the patients: the printed word and its percentage
PROPORTION_WORDS = {"all": 100, "half": 50, "none": 0}


def value_of(printed: str) -> float:
    """'16' -> 16, '1.8' -> 1.8, 'Sixteen' -> 16, 'twenty-one' -> 21."""
    text = printed.strip().lower()
    if re.fullmatch(r"-?(\d+(\.\d+)?|\.\d+)", text):
        return float(text)
    parts = re.split(r"[- ]", text)
    return float(sum(WORD_VALUES[part] for part in parts))


def precision_of(printed: str) -> int:
    """Decimal places printed: '0.0001' -> 4, '27' -> 0, 'sixteen' -> 0."""
    text = printed.strip()
    return len(text.split(".")[1]) if re.fullmatch(r"-?\d*\.\d+", text) else 0


def as_digits(printed: str) -> str:
    """A number as the ledger writes it: digits ('Sixteen' -> '16', '.03' -> '.03')."""
    if re.fullmatch(r"-?(\d+(\.\d+)?|\.\d+)", printed.strip()):
        return printed.strip()
    return f"{value_of(printed):g}"
