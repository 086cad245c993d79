"""Input errors that name the file, the patient and the column, and how scripts report them."""

from __future__ import annotations

import contextlib
import csv
import logging
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from clinrepro.base.imports import changed_sources


@dataclass(frozen=True)
class Problem:
    """One bad cell: where it is, what it holds and what is wrong with it."""

    file: str
    patient: str
    column: str
    value: str
    message: str
    # how many problems this line stands for: more than 1 on a line counting unlisted ones
    count: int = 1
    # what a row of the file is: a patient, or in a claims ledger a claim
    row: str = "patient"


# problems listed one by one per kind (file, column, message); the others are counted.
# Scripts set it from the config (storage: max_problems) through running_step.
MAX_PROBLEMS = 20


class InputError(Exception):
    """Raised when an input file fails its checks; carries the problems found, at most
    MAX_PROBLEMS of each kind, and a count of those it does not list."""

    def __init__(self, problems: list[Problem], hint: str = ""):
        ordered = sorted(problems, key=lambda p: (p.file, _natural(p.patient), p.column, p.message))
        seen: dict[tuple, int] = {}
        listed: dict[tuple, int] = {}
        self.problems = []
        for problem in ordered:
            kind = (problem.file, problem.column, problem.message)
            seen[kind] = seen.get(kind, 0) + problem.count
            if problem.count == 1 and listed.get(kind, 0) < MAX_PROBLEMS:
                listed[kind] = listed.get(kind, 0) + 1
                self.problems.append(problem)
        for (file, column, message), count in seen.items():
            rest = count - listed.get((file, column, message), 0)
            if rest:
                self.problems.append(Problem(file, "", column, "", unlisted(rest) + message, rest))
        self.total = sum(problem.count for problem in ordered)
        self.hint = hint
        super().__init__(self.block())

    def block(self) -> str:
        """The problems as one readable block, grouped by file."""
        lines = [f"Input validation failed: {self.total} problem(s)."]
        for file in dict.fromkeys(p.file for p in self.problems):
            lines.append(f"In {file}:")
            for p in (p for p in self.problems if p.file == file):
                where = f"{p.row} {p.patient}" if p.patient else "whole file"
                column = f", column '{p.column}'" if p.column else ""
                value = f", value {p.value!r}" if p.value != "" else ""
                lines.append(f"  - {where}{column}{value}: {p.message}")
        if self.hint:
            lines.append(f"Hint: {self.hint}")
        return "\n".join(lines)


def unlisted(count: int) -> str:
    """The words before a problem's message on the line counting those not listed."""
    return f"{count:,} more not listed: "


def _natural(text: str) -> tuple:
    # isdecimal, not isdigit: a superscript '¹' is a digit that int() refuses
    return (0, int(text), "") if text.isdecimal() else (1, 0, text)


PROBLEM_COLUMNS = ("file", "patient", "column", "value", "message")


def write_problems(path: str, problems: list[Problem]) -> None:
    """The full list of problems as CSV (a header alone when there are none)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(PROBLEM_COLUMNS)
        writer.writerows([getattr(p, column) for column in PROBLEM_COLUMNS] for p in problems)


def job_words(job) -> str:
    """Which step of which cohort and variant, and the cohort's settings file, in words.

    `job` is anything with `rule`, `wildcards` and `params` (a script's job).
    """
    if job is None:
        return "This step"
    words = [f"The step '{job.rule}'"]
    words += [f"{name} '{value}'" for name, value in dict(job.wildcards.items()).items()]
    cohort = getattr(job.params, "cohort", None)
    if isinstance(cohort, dict) and cohort.get("file"):
        words.append(f"settings {cohort['file']}")
    return words[0] + (" (" + ", ".join(words[1:]) + ")" if len(words) > 1 else "")


def _same_code(job) -> None:
    """Stop a job whose code changed after Snakemake started: Snakemake records its outputs
    as made by the code its input names (rules/common.smk, clinrepro.base.imports.code_file),
    so code edited during a run, then put back, would leave outputs of the edited code that
    no later start reruns. Checked after the script's imports: code edited before them is
    caught, code edited after them was not run."""
    code = getattr(getattr(job, "input", None), "code", None)
    try:
        changed = changed_sources(code) if code else []
    except OSError as error:  # the file gone during the run (.snakemake/ removed)
        reason = f"its code input cannot be read ({error}). Start Snakemake again."
    else:
        if not changed:
            return
        reason = (
            f"its code changed after Snakemake started ({', '.join(changed)}), and its outputs "
            f"would be recorded as made by the code before ({code}). Start Snakemake again to "
            "run it with the code as it is now."
        )
    print(f"{job_words(job)} did not run: {reason}", file=sys.stderr)
    sys.exit(1)


@contextlib.contextmanager
def running_step(problems: str | None = None, max_problems: int | None = None, job=None):
    """Log to stderr (the rule's log); turn an InputError into its block and exit 1.

    With `problems`, the list of input problems is written there as CSV, kept by
    Snakemake as a log even when the step fails; at most `max_problems` of each kind are
    listed, the others counted. Any other error ends with one message naming the step,
    cohort and settings file (`job`); its trace goes to a file beside the log.
    """
    global MAX_PROBLEMS
    MAX_PROBLEMS = max_problems or MAX_PROBLEMS
    logging.basicConfig(
        stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    _same_code(job)
    try:
        yield
    except InputError as error:
        print(error.block(), file=sys.stderr)
        if problems:
            write_problems(problems, error.problems)
        sys.exit(1)
    except Exception as error:  # noqa: BLE001 - every failure ends with the workflow's words
        trace = f"{getattr(sys.stderr, 'name', 'step')}.trace"
        with contextlib.suppress(OSError):
            Path(trace).write_text(traceback.format_exc(), encoding="utf-8")
        print(
            f"{job_words(job)} failed: {type(error).__name__}: {error}. The inputs passed their "
            f"checks, so this is a fault of the workflow, not of the data; please report it "
            f"with this log and {trace}.",
            file=sys.stderr,
        )
        sys.exit(1)
    # the files of the code and the settings the job ran with (rules/common.smk), the
    # settings last
    for kind in ("code", "settings"):
        held = getattr(getattr(job, "input", None), kind, None)
        if held:
            logging.getLogger(__name__).info("%s: %s", kind, held)
    if problems:
        write_problems(problems, [])
