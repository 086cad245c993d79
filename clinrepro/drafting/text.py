"""A publication's text as located sentences: printed line numbers (or the file's lines),
light clean-up of markup that a number reader must not see (superscript references,
LaTeX symbols, emphasis), paragraphs and sentences with the lines they span."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# a printed line number at the start of a line, e.g. "75 Sixteen DM patients"
_PRINTED = re.compile(r"^\s*(?:[-*]\s+)?(\d{1,4})(?:\s+|$)(.*)$")
# the largest step from one printed line number to the next that still reads as one
MAX_LINE_STEP = 20
_MARKUP = [
    (re.compile(r"\\pm"), "±"),
    (re.compile(r"\\geq?"), "≥"),
    (re.compile(r"\\leq?"), "≤"),
    (re.compile(r"\\%"), "%"),
    (re.compile(r"\\times"), "×"),
    (re.compile(r"\^\{[^}]*\}|\^[\d,\-–]+"), ""),  # superscripts: references, affiliations
    (re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u209f]+"), ""),  # superscript digits
    (re.compile(r"[$*_`]"), ""),  # math delimiters, emphasis
    (re.compile(r"−"), "-"),
]
# a PDF's line without a printed number is located by page and line: page × PAGE_LINES + line
PAGE_LINES = 10_000
# a sentence ends at . ! or ? followed by a space and a capital, a digit or a bracket
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[])")


@dataclass(frozen=True)
class Line:
    """One line of the text: where it is (printed number or file line) and its words."""

    number: int
    words: str
    # False for a line without its printed number in a text that prints them: a blank one
    # there is an artefact of the conversion to text, not the end of a paragraph
    numbered: bool = True


@dataclass(frozen=True)
class Sentence:
    """A sentence: its words and, for each character, the line it was printed on."""

    words: str
    lines: tuple[int, ...]
    paragraph: int

    def span_lines(self, start: int, end: int) -> tuple[int, int]:
        """First and last line of the characters start..end."""
        return self.lines[start], self.lines[max(start, end - 1)]


def cleaned(words: str) -> str:
    """A line without the markup that hides or fakes numbers."""
    for pattern, replacement in _MARKUP:
        words = pattern.sub(replacement, words)
    return words.strip()


def _printed_numbers(raw: list[str]) -> list[int | None]:
    """The printed line number of each line, None where it has none; empty when the text
    prints no line numbers (fewer than a third of its non-empty lines)."""
    numbers, last = [], 0
    for text in raw:
        found = _PRINTED.match(text)
        number = int(found.group(1)) if found else None
        if number is not None and last < number <= (last + MAX_LINE_STEP if last else 9999):
            numbers.append(number)
            last = number
        else:
            numbers.append(None)
    filled = [n for n in numbers if n is not None]
    return numbers if len(filled) * 3 >= sum(1 for t in raw if t.strip()) else []


def located_lines(text: str) -> list[Line]:
    """The text's lines, each with its location: the printed line number when the text prints
    them (an unnumbered line takes the number before it), else the file's line."""
    raw = text.splitlines()
    printed = _printed_numbers(raw)
    lines, current = [], 0
    for index, words in enumerate(raw):
        if printed:
            number = printed[index]
            if number is not None:
                current = number
                words = _PRINTED.match(words).group(2)
            lines.append(Line(current, words, number is not None))
        else:
            lines.append(Line(index + 1, words))
    return lines


def read_text(path: str | Path) -> list[Line]:
    """A publication's text (UTF-8 .txt or .md, or a PDF with a text layer) as located
    lines."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        return pdf_lines(path)
    if suffix not in (".txt", ".md"):
        raise ValueError(f"{path}: a text must be .txt or .md (UTF-8), or a .pdf with a text layer")
    return located_lines(Path(path).read_text(encoding="utf-8"))


def pdf_lines(path: str | Path) -> list[Line]:
    """A PDF's text layer as located lines: by the line numbers it prints, as a text file's,
    else by page and line (`PAGE_LINES`); a page without text is refused, as a scan is."""
    import pdfplumber  # only a PDF needs it

    with pdfplumber.open(path) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    empty = [number for number, text in enumerate(pages, 1) if not text.strip()]
    if empty and len(empty) == len(pages):
        raise ValueError(f"{path}: the PDF has no text layer (a scan?); give its text instead")
    text = "\n".join(pages)
    if _printed_numbers(text.splitlines()):
        return located_lines(text)
    return [
        Line(page * PAGE_LINES + number, words)
        for page, text in enumerate(pages, 1)
        for number, words in enumerate(text.splitlines(), 1)
    ]


def location(first: int, last: int) -> str:
    """Where lines are: 'text l.75-76', or in a PDF without line numbers 'text p.2 l.4-5'."""
    if first >= PAGE_LINES:
        page, first, last = first // PAGE_LINES, first % PAGE_LINES, last % PAGE_LINES
        return f"text p.{page} l.{first}" + (f"-{last}" if last != first else "")
    return f"text l.{first}" + (f"-{last}" if last != first else "")


def _is_break(words: str) -> bool:
    """A line that ends a paragraph: empty, a table row, or a heading."""
    stripped = words.strip()
    heading = len(stripped.split()) <= 3 and re.fullmatch(r"[A-Z][^\d.,;:]*", stripped)
    return not stripped or stripped.startswith(("|", "#")) or stripped.isupper() or bool(heading)


def paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Runs of lines between empty lines, table rows and headings; table rows are dropped
    (a table is data, not statements)."""
    found, current = [], []
    for line in lines:
        words = cleaned(line.words)
        if not words and not line.numbered:
            continue
        if _is_break(words):
            if current:
                found.append(current)
            current = []
        else:
            current.append(Line(line.number, words))
    if current:
        found.append(current)
    return found


def sentences(lines: list[Line]) -> list[Sentence]:
    """The sentences of the text, in order, each with the line of every character."""
    found = []
    for index, paragraph in enumerate(paragraphs(lines)):
        words, owners = "", []
        for line in paragraph:
            if words:
                words += " "
                owners.append(owners[-1])
            words += line.words
            owners.extend([line.number] * len(line.words))
        start = 0
        for end in [m.start() for m in _SENTENCE_END.finditer(words)] + [len(words)]:
            piece = words[start:end]
            skip = len(piece) - len(piece.lstrip())
            if piece.strip():
                found.append(Sentence(piece.strip(), tuple(owners[start + skip : end]), index))
            start = end
    return found
