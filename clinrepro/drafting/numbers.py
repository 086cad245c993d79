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
# a number in words: "sixteen", "twenty-one", "twenty one", "nine hundred (and) forty-five",
# "one thousand"
_BELOW_100 = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:[- ](?:" + "|".join(_UNITS[1:10]) + r"))?"
    r"|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")"
)
_HUNDREDS = (
    r"(?:(?:" + "|".join(_UNITS[1:10]) + r"|a)\s+hundred(?:(?:\s+and)?\s+" + _BELOW_100 + ")?)"
)
NUMBER_WORDS = (
    r"(?:(?:"
    + _HUNDREDS
    + "|"
    + _BELOW_100
    + r"|a)\s+thousand(?:(?:\s+and)?\s+(?:"
    + _HUNDREDS
    + "|"
    + _BELOW_100
    + "))?|"
    + _HUNDREDS
    + "|"
    + _BELOW_100
    + ")"
)
# a number in digits, not part of a word or code ("MMT8", "NCT04972760", "M3"); a sign when
# it stands alone ("-81%", "(−10.9"); thousands grouped by commas ("1,000", "12,292")
DIGITS = (
    r"(?<![\w.+])(?<!\d,)[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?|\.\d+)(?![\w])"
)
_GROUPED = re.compile(r"[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
NUMBER = rf"(?:{DIGITS}|(?<![\w-])(?i:{NUMBER_WORDS})(?![\w-]))"
# a number printed in digits alone, signed or not ('16', '-1.8', '+4.2', '.03')
PLAIN = re.compile(r"[-+]?(\d+(\.\d+)?|\.\d+)")
# words that stand for a proportion of the patients: the printed word and its percentage
PROPORTION_WORDS = {"all": 100, "half": 50, "none": 0}


def value_of(printed: str) -> float:
    """'16' -> 16, '1.8' -> 1.8, 'Sixteen' -> 16, 'twenty-one' -> 21, 'Nine hundred forty-five'
    -> 945, 'One thousand' -> 1000."""
    text = printed.strip().lower()
    text = text.replace(",", "") if _GROUPED.fullmatch(text) else text
    if PLAIN.fullmatch(text):
        return float(text)
    total = current = 0
    for part in re.split(r"[-\s]+", text):
        if part == "hundred":
            current *= 100
        elif part == "thousand":
            total, current = total + current * 1000, 0
        elif part != "and":
            current += 1 if part == "a" else WORD_VALUES[part]
    return float(total + current)


def precision_of(printed: str) -> int:
    """Decimal places printed: '0.0001' -> 4, '27' -> 0, 'sixteen' -> 0."""
    text = printed.strip()
    text = text.replace(",", "") if _GROUPED.fullmatch(text) else text
    return len(text.split(".")[1]) if re.fullmatch(r"[-+]?\d*\.\d+", text) else 0


def as_digits(printed: str) -> str:
    """A number as the ledger writes it: digits ('Sixteen' -> '16', '.03' -> '.03')."""
    if PLAIN.fullmatch(printed.strip()):
        return printed.strip()
    if _GROUPED.fullmatch(printed.strip()):  # '1,000' -> '1000', '12,292.5' -> '12292.5'
        return printed.strip().replace(",", "")
    return f"{value_of(printed):g}"
