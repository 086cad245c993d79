"""The study facts of a cohort's settings: its measures, its visits, its words.

Plain data, no heavy imports: every stage and the Snakefile may use it. A cohort's
settings (config/cohorts/<cohort>.yaml) declare what it measured and when; the code reads
them here and never names a measure or a visit itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from clinrepro.base.terms import SYMBOLS, TEST_NAMES

# the test of log(follow-up) - log(baseline) that stands for each test on the log scale
LOG_METHODS = {"paired_t": "paired_t_log"}


def measures(cohort: dict) -> dict[str, dict]:
    """Measure code -> its declaration (printed, label, unit, low, high, decimals, improvement)."""
    return cohort["measures"]


def measure_label(cohort: dict, code: str) -> str:
    """The measure's name for people, e.g. 'CDASI activity score'."""
    return cohort["measures"][code]["label"]


def short_name(cohort: dict, code: str) -> str:
    """A short name for axes and titles: the declared `short`, else the code."""
    return cohort["measures"][code].get("short", code)


def unit(cohort: dict, code: str) -> str:
    return cohort["measures"][code]["unit"]


def range_words(cohort: dict) -> str:
    """Each measure's valid range, e.g. 'CDASI 0-100, CK >= 0'."""
    words = []
    for code, measure in cohort["measures"].items():
        high = measure.get("high")
        low = measure["low"]
        words.append(f"{code} {low:g}-{high:g}" if high is not None else f"{code} >= {low:g}")
    return ", ".join(words)


def visits(cohort: dict) -> list[dict]:
    """Every visit, in time order, including those with reported summaries only."""
    return sorted(cohort["visits"], key=lambda visit: visit["time"])


def visit_codes(cohort: dict) -> list[str]:
    return [visit["code"] for visit in visits(cohort)]


def measured_visits(cohort: dict) -> list[dict]:
    """The visits the per-patient data have (not those only reported as summaries)."""
    return [visit for visit in visits(cohort) if not visit.get("reported_only", False)]


def follow_up_visits(cohort: dict) -> list[str]:
    """The measured visits after baseline, in time order."""
    base = cohort["baseline_visit"]
    return [visit["code"] for visit in measured_visits(cohort) if visit["code"] != base]


def visit_label(cohort: dict, code: str) -> str:
    """The visit's label for people, e.g. 'M0 (baseline)'."""
    for visit in cohort["visits"]:
        if visit["code"] == code:
            return visit.get("label", code)
    return code


def visit_time(cohort: dict) -> dict[str, float]:
    """Visit code -> its time (in the cohort's time_unit)."""
    return {visit["code"]: float(visit["time"]) for visit in cohort["visits"]}


def test_for(analysis: dict, parameter: str) -> str:
    """The test behind a measure's p-value: its own entry, else the default."""
    tests = analysis["tests"]
    return tests.get(parameter, tests["default"])


def scale_for(analysis: dict, parameter: str) -> str:
    """The primary scale of a measure's change, raw or log: its own entry, else the default."""
    scales = analysis["scales"]
    return scales.get(parameter, scales["default"])


def primary_method(analysis: dict, parameter: str) -> str:
    """The ARD method behind a measure's primary p-value: its test, on its primary scale.

    The log scale has the paired t-test only (settings refuse it with the rank test).
    """
    test = test_for(analysis, parameter)
    return LOG_METHODS[test] if scale_for(analysis, parameter) == "log" else test


def scales_words(analysis: dict, measures: list[str]) -> str:
    """'raw scale for every measure', or 'log scale: IFNA, CK; raw scale: every other measure'."""
    logged = [measure for measure in measures if scale_for(analysis, measure) == "log"]
    if not logged:
        return "raw scale for every measure"
    if len(logged) == len(measures):
        return "log scale for every measure"
    return f"log scale: {', '.join(logged)}; raw scale: every other measure"


def tests_words(analysis: dict, measures: list[str] | None = None) -> str:
    """The test behind each measure's p-value in words: 'paired t-test for every measure',
    or 'CK: Wilcoxon signed-rank test; every other measure: paired t-test'."""
    named = {m: t for m, t in analysis["tests"].items() if m != "default"}
    if measures is not None:
        named = {m: t for m, t in named.items() if m in measures}
    default = TEST_NAMES[analysis["tests"]["default"]]
    if not named:
        return f"{default} for every measure"
    own = "; ".join(f"{measure}: {TEST_NAMES[test]}" for measure, test in named.items())
    return f"{own}; every other measure: {default}"


def criterion_text(response: dict, cohort: dict) -> str:
    """Human-readable responder criterion, e.g. 'CDASI decrease >= 5 points at M3' (the
    visit by its label: 'at week 24', not 'at W24')."""
    measure = response["measure"]
    suffix = "%" if measure == "percent_change" else f" {unit(cohort, response['parameter'])}"
    return (
        f"{response['parameter']} {response['direction']} >= {response['threshold']:g}{suffix} "
        f"at {visit_label(cohort, response['visit'])}"
    )


def comparison_words(criterion: Mapping) -> str:
    """A measure compared with a threshold, e.g. 'CDASI ≥ 10'."""
    return f"{criterion['parameter']} {SYMBOLS[criterion['comparator']]} {criterion['threshold']:g}"


def active_words(criterion: Mapping) -> str:
    """An active-disease criterion in words, e.g. 'CDASI ≥ 10', or 'MMT8 < 150, or CK > 1000
    without a baseline MMT8' where the criterion has an `otherwise`."""
    words = comparison_words(criterion)
    otherwise = criterion.get("otherwise")
    if otherwise:
        words += f", or {comparison_words(otherwise)} without a baseline {criterion['parameter']}"
    return words


def primary_role(analysis: dict) -> str:
    """The role of the main outcome: the first response criterion of the settings."""
    return next(iter(analysis["response"]))


def design_words(cohort: dict) -> str:
    """The study's design in words, from the cohort's settings."""
    return cohort.get("design", "cohort")


def has_ledger(cohort: dict) -> bool:
    return bool(cohort["raw"].get("claims"))


def trial_name(trial: dict) -> str:
    """The following trial in words, 'the <name> (<registration>)', from its settings."""
    registration = f" ({trial['registration']})" if trial.get("registration") else ""
    return f"the {trial['name']}{registration}"


def no_treatment_words(cohort: dict) -> list[str]:
    """The printed values that mean "no previous treatment" (`no_treatment_token`: one word
    or a list; the empty cell among them when it is given as ""). The first is used when
    printing."""
    words = cohort["no_treatment_token"]
    return [words] if isinstance(words, str) else list(words)


def list_separator(cohort: dict) -> str:
    """What separates the items of a list printed in one cell (`list_separator`, ',' unless
    set, e.g. ';' or '|')."""
    return cohort.get("list_separator", ",")


def cell_words(value: str) -> str:
    """A printed cell for people: quoted, and an empty cell said as (empty)."""
    return repr(value) if value != "" else "(empty)"


def token_problems(cohort: dict) -> list[str]:
    """A printed value given both as "no previous treatment" and as "not recorded": a cell
    can mean only one of them."""
    both = [word for word in no_treatment_words(cohort) if word in cohort["missing_tokens"]]
    return [
        f"{cell_words(word)} is given both in no_treatment_token (no previous treatment) and in "
        f"missing_tokens (not recorded) ({cohort.get('file', 'the cohort settings')}): a printed "
        "value can mean only one of them; remove it from one of the two settings"
        for word in both
    ]


def window_problems(cohort: dict) -> list[str]:
    """A dated registry's windows: every measured visit has one, its target inside it, the
    baseline's on or before the start (day 1), no two overlapping; and a start date column."""
    if "date" not in (cohort.get("measurement_columns") or {}):
        return []
    where = cohort.get("file", "the cohort settings")
    problems = []
    if "start_date" not in cohort["columns"]:
        problems.append(
            f"measurement_columns has date, so columns needs start_date, the column of the date "
            f"treatment started ({where})"
        )
    visits = [v for v in cohort["visits"] if not v.get("reported_only", False)]
    windows = []
    for visit in visits:
        window = visit.get("window")
        if window is None:
            problems.append(f"visit {visit['code']} has no window ({where}): dated rows need one")
            continue
        if not window["low"] <= window["target"] <= window["high"]:
            problems.append(
                f"visit {visit['code']}: its target day is not inside its window ({where})"
            )
        if visit["code"] == cohort["baseline_visit"] and window["high"] > 1:
            problems.append(
                f"visit {visit['code']} is the baseline: its window must end on or before the "
                f"start, study day 1 ({where})"
            )
        windows.append((window["low"], window["high"], visit["code"]))
    windows.sort()
    for (_, high, first), (low, _, second) in zip(windows, windows[1:]):
        if low <= high:
            problems.append(f"the windows of visits {first} and {second} overlap ({where})")
    return problems


# the ADaM flag of every treated patient, and its words: the one population every study has
SAFETY_FLAG = "SAFFL"
SAFETY_WORDS = "treated patients"
# a population flag column of ADSL, repeated on ADEFF (SAFFL, a flag a domain declares):
# not the baseline record flag ABLFL nor a response criterion's CRIT1FL (settings that
# declare such a name are refused before any job)
POPULATION_FLAG = r"^(?!ABL|CRIT)[A-Z][A-Z0-9]*FL$"


def domains(analysis: dict) -> dict[str, dict]:
    """Domain code -> its declaration (flag, label, active, population), in declared order."""
    return analysis["domains"]


def combined(analysis: dict) -> dict | None:
    """The population with every declared domain active at once (code, flag, active,
    population), or None where the settings declare none."""
    return analysis.get("combined")


def role_flags(analysis: dict) -> dict[str, str]:
    """Each disease population's own role -> its ADSL flag: the domains, then the combined."""
    flags = {code: domain["flag"] for code, domain in domains(analysis).items()}
    both = combined(analysis)
    if both:
        flags[both["code"]] = both["flag"]
    return flags


def population_flags(analysis: dict) -> dict[str, str]:
    """Every population flag of ADSL -> its words: SAFFL first, then the domains in their
    declared order, then the combined population."""
    flags = {SAFETY_FLAG: SAFETY_WORDS}
    flags |= {domain["flag"]: domain["population"] for domain in domains(analysis).values()}
    both = combined(analysis)
    if both:
        flags[both["flag"]] = both["population"]
    return flags


def population_words(flag: str, analysis: dict) -> str:
    """'patients with active muscle disease at baseline (ACTMUSFL)'; an unknown flag as is."""
    return f"{population_flags(analysis).get(flag, flag)} ({flag})"


def domain_label(code: str, analysis: dict) -> str:
    """A domain's (or the combined population's) label: 'cutaneous', as in 'cutaneous
    response'; an undeclared code as is."""
    both = combined(analysis) or {}
    if code == both.get("code"):
        return both.get("label", code)
    return domains(analysis).get(code, {}).get("label", code)


def active_disease_words(analysis: dict) -> dict[str, str]:
    """Each disease population's flag -> the disease it names: 'active cutaneous disease',
    and for the combined population 'both active cutaneous and active muscle disease'."""
    words = {domain["flag"]: domain["active"] for domain in domains(analysis).values()}
    both = combined(analysis)
    if both:
        words[both["flag"]] = both["active"]
    return words


def population_label(flag: str, analysis: dict) -> str:
    """'all treated patients', 'active cutaneous disease (CDASI ≥ 10)'."""
    active = analysis["active_disease"]
    words = {SAFETY_FLAG: f"all {SAFETY_WORDS}"}
    words |= {
        domain["flag"]: f"{domain['active']} ({active_words(active[code])})"
        for code, domain in domains(analysis).items()
    }
    both = combined(analysis)
    if both:
        words[both["flag"]] = both["active"]
    return words.get(flag, flag)
