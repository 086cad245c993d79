"""Power and sample size a trial statistician would sign.

For each endpoint (the change of every measure at the main outcome's visit, and each
response criterion): power at the cohort's own n and the sample size for each target power,
under each assumption about the effect:

- effects fixed before looking: the variant's response criteria themselves and the effects
  of the settings (`power.effects`: published minimal clinically important differences,
  assumed response proportions);
- a conservative estimate from the cohort: the one-sided lower confidence limit of its mean
  improvement or response proportion;
- the cohort's observed effect, labelled optimistic: a small study's estimate is imprecise,
  and one that "worked" overstates it (Kraemer et al., Arch Gen Psychiatry 2006).

Power at the cohort's own n is computed at the effects fixed before looking only: power at
the observed effect is a function of the p-value and says nothing more (Hoenig & Heisey,
Am Stat 2001). The SD is the cohort's, by default its one-sided upper 80% confidence limit
(Browne, Stat Med 1995). Designs: single-arm paired (the variant's test), and two arms
against a placebo arm that improves as the settings say: change-score t-test and ANCOVA on
the baseline for a change, two proportions for a response. Analytic where a formula is
exact (clinrepro.power.formulas); simulated where the variant's test is a rank test or the
changes are skewed (clinrepro.power.simulation).
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from clinrepro.power import checks as power_checks
from clinrepro.power import formulas as power_formulas
from clinrepro.power import files as power_io
from clinrepro.power import simulation as power_simulation
from clinrepro.power.checks import patients_words, significant
from clinrepro.base.printed import fixed, percent
from clinrepro.base.study import criterion_text, design_words, primary_role, test_for, visit_label
from clinrepro.base.terms import POPULATION_FLAGS, TEST_NAMES, probability_text, shown

logger = logging.getLogger(__name__)
SINGLE, TWO = "single-arm paired", "two-arm parallel"
# where an effect comes from: fixed before looking (the first two), or from the cohort
CRITERION, SETTINGS, CONSERVATIVE, OPTIMISTIC = (
    "response criterion",
    "settings",
    "cohort's change, lower limit",
    "observed (optimistic)",
)
# what a row is: offered for planning, a reference (the observed effect), or withdrawn
OFFERED, REFERENCE, WITHDRAWN = "offered", "reference", "withdrawn"
UNCONTROLLED = (
    "This is an uncontrolled before-after change: it includes regression to the mean, the "
    "effect of background therapy and any placebo response, and is not a treatment effect."
)
PRESPECIFIED = (CRITERION, SETTINGS)
# what the observed-effect rows say of themselves
CAVEAT = (
    "Optimistic: a small study's estimate is imprecise and, when the study looked positive, "
    "overstates the effect; for reference only, not a basis for planning, and no power at the "
    "cohort's n is given for it."
)
OWN_POWER = "power at the cohort's n"
PAIRED_T, CHANGE_SCORE, ANCOVA = "paired t-test", "change-score t-test", "ANCOVA on baseline"
BINOMIAL, TWO_PROPORTIONS = "exact binomial test", "two-proportion test"
ENUMERATED = "exact (enumeration)"
# a size where the assumed effect is no better than placebo (NaN: not reached by max_n)
NONE = np.inf


# ---- the endpoints and what the cohort says about them


@dataclass
class Change:
    """A measure's change from baseline at a visit, in its direction of improvement, on the
    raw scale or as the log of the ratio follow-up / baseline."""

    name: str
    code: str
    visit: str
    population: str
    test: str
    unit: str
    improvement: np.ndarray
    baseline: np.ndarray
    follow_up: np.ndarray
    patients: np.ndarray = field(repr=False, default=None)
    room: np.ndarray | None = field(repr=False, default=None)  # None: an open scale
    scale_end: str = ""  # e.g. "MMT8 reaches 150"
    scale: str = "raw"
    sign: float = 1.0
    when: str = ""  # the visit's label for people ("week 24")
    population_n: int = 0  # patients in the population, with or without both values

    @property
    def n(self) -> int:
        return len(self.improvement)

    @property
    def of_n(self) -> str:
        return of_the(self.n, self.population_n, self.when)

    def positive(self) -> bool:
        return self.scale == "raw" and bool(
            (self.baseline > 0).all() and (self.follow_up > 0).all()
        )

    def on_log_scale(self) -> Change:
        """The same patients' changes as the log of the ratio follow-up / baseline."""
        baseline, follow_up = np.log(self.baseline), np.log(self.follow_up)
        return replace(
            self, name=f"{self.name} (log scale)", unit="on the log scale", scale="log", room=None,
            improvement=self.sign * (follow_up - baseline), baseline=baseline, follow_up=follow_up,
        )  # fmt: skip


@dataclass
class Response:
    """A response criterion: responders among the evaluable patients, and which of them the
    scale lets reach it (None: an open scale)."""

    name: str
    code: str
    population: str
    n: int
    responders: int
    patients: np.ndarray = field(repr=False, default=None)
    responded: np.ndarray = field(repr=False, default=None)
    able: list[str] | None = None
    criterion: str = ""
    scale_end: str = ""
    population_n: int = 0
    when: str = ""

    @property
    def of_n(self) -> str:
        return of_the(self.n, self.population_n, self.when)


def of_the(n: int, population_n: int, when: str) -> str:
    """'the 8 with values at baseline and M3 (9 in the population)', or 'the 8' where every
    patient of the population has both."""
    if population_n <= n:
        return f"the {n}"
    return f"the {n} with values at baseline and {when} ({population_n} in the population)"


def population_size(adeff: power_io.Columns, code: str, flag: str, patients) -> int:
    """How many patients of the population the measure was recorded for, at any visit."""
    return len(set(patients[adeff.where({"PARAMCD": code, flag: "Y"})]))


def continuous_endpoints(analysis: dict, cohort: dict) -> list[tuple[str, str, str]]:
    """(role, measure, visit) of each change analysed: every measure of the cohort at the
    main outcome's visit, in the population of the response criterion that names it (every
    treated patient for the others)."""
    visit = analysis["response"][primary_role(analysis)]["visit"]
    role_of = {response["parameter"]: role for role, response in analysis["response"].items()}
    return [(role_of.get(code, "cohort"), code, visit) for code in cohort["measures"]]


# the columns of ADEFF the endpoints are taken from
ADEFF_TEXT = ("SUBJID", "PARAMCD", "AVISIT", "CRIT1FL", *POPULATION_FLAGS)
ADEFF_NUMBERS = ("AVAL", "BASE", "CHG")


def read_adeff(path: str) -> power_io.Columns:
    """The columns of ADEFF the power step uses."""
    return power_io.read_columns(path, ADEFF_TEXT, ADEFF_NUMBERS)


def measure_name(code: str, cohort: dict) -> str:
    """The measure's short label (IFN-α, not IFNA)."""
    return cohort["measures"][code].get("short", code)


def endpoints_of(adeff: power_io.Columns, analysis: dict, cohort: dict) -> list[Change | Response]:
    """The changes and responses the cohort measured, with their data (`adeff` as
    `read_adeff` gives it); a change on the log scale where the variant's scale says so."""
    found: list[Change | Response] = []
    change, base, value = (adeff.numbers[name] for name in ("CHG", "BASE", "AVAL"))
    patients = np.asarray(adeff.text["SUBJID"].to_pylist(), dtype=object)
    for role, code, visit in continuous_endpoints(analysis, cohort):
        flag = analysis["populations"][role]
        rows = adeff.where({"PARAMCD": code, "AVISIT": visit, flag: "Y"})
        rows &= ~np.isnan(change) & ~np.isnan(base)
        measure = cohort["measures"][code]
        sign = 1.0 if measure["improvement"] == "increase" else -1.0
        if rows.sum() >= 3 and change[rows].std() > 0:
            endpoint = Change(
                f"{measure_name(code, cohort)} change at {visit_label(cohort, visit)}", code,
                visit, flag, test_for(analysis, code), measure["unit"], sign * change[rows],
                base[rows], value[rows], patients[rows], power_checks.room(base[rows], measure),
                power_checks.end_words(measure_name(code, cohort), measure), sign=sign,
                when=visit_label(cohort, visit),
                population_n=population_size(adeff, code, flag, patients),
            )  # fmt: skip
            logged = analysis.get("scales", {}).get(code, analysis.get("scales", {}).get("default"))
            found.append(
                endpoint.on_log_scale() if logged == "log" and endpoint.positive() else endpoint
            )
    for role, response in analysis["response"].items():
        found += _response(adeff, role, response, analysis, cohort, patients)
    return found


def _response(adeff, role: str, response: dict, analysis: dict, cohort: dict, patients):
    """A response criterion's endpoint, if at least 3 patients are evaluable."""
    flag = analysis["populations"][role]
    rows = adeff.where({"PARAMCD": response["parameter"], "AVISIT": response["visit"], flag: "Y"})
    rows &= adeff.where({"CRIT1FL": "Y"}) | adeff.where({"CRIT1FL": "N"})
    if rows.sum() < 3:
        return []
    responded = adeff.where({"CRIT1FL": "Y"})[rows]
    measure = cohort["measures"][response["parameter"]]
    baseline = adeff.numbers["BASE"][rows]
    room = power_checks.room(baseline, measure)
    able = None
    if room is not None and response["direction"] == measure["improvement"]:
        needed = response["threshold"] * (
            baseline / 100 if response["measure"] == "percent_change" else 1
        )
        able = [str(p) for p in patients[rows][room >= needed]]
    criterion = shown(criterion_text(response, cohort))
    return [
        Response(f"{role} response ({criterion})", response["parameter"], flag, int(rows.sum()),
                 int(responded.sum()), patients[rows], responded, able, criterion,
                 power_checks.end_words(measure_name(response["parameter"], cohort), measure),
                 population_size(adeff, response["parameter"], flag, patients),
                 visit_label(cohort, response["visit"]))
    ]  # fmt: skip


@dataclass
class Estimates:
    """What the cohort says about a change: means, SDs and the baseline-follow-up
    correlation as observed; one covariance as used (the SDs raised by `factor`, the
    chi-square factor of their one-sided upper limit, the correlation as observed); and the
    estimates one patient carries."""

    mean: float
    sd: float
    baseline_sd: float
    follow_up_sd: float
    correlation: float
    skewness: float
    baseline_mean: float
    level: float | None  # one-sided level of the SDs' upper limit; None: as observed
    factor: float
    carried: dict = field(default_factory=dict)

    @property
    def sd_used(self) -> float:
        return self.factor * self.sd

    def residual(self, optimistic: bool = False) -> float:
        """ANCOVA's residual SD, SD at follow-up × √(1 − r²), of the covariance as used (as
        observed for the optimistic rows)."""
        scale = 1.0 if optimistic else self.factor
        return scale * self.follow_up_sd * float(np.sqrt(1 - self.correlation**2))


def sd_level(settings: dict) -> float | None:
    """The one-sided level of the SD's upper limit; None for the SD as observed."""
    chosen = settings["sd"]
    if chosen == "observed":
        return None
    return 0.8 if chosen == "upper_80" else float(chosen)


def estimates_of(change: Change, settings: dict) -> Estimates:
    level = sd_level(settings)
    observed = power_checks.statistics_of(change.improvement, change.baseline, change.follow_up)
    return Estimates(
        mean=observed["mean improvement"],
        sd=observed["SD of the change"],
        baseline_sd=float(change.baseline.std(ddof=1)),
        follow_up_sd=float(change.follow_up.std(ddof=1)),
        correlation=observed["baseline-follow-up correlation"],
        skewness=power_formulas.skewness(change.improvement),
        baseline_mean=float(change.baseline.mean()),
        level=level,
        factor=power_checks.upper_sd_factor(change.n, level),
        carried=power_checks.carried_estimates(
            change.patients, change.improvement, change.baseline, change.follow_up
        ),
    )


# ---- the assumptions about the effect


@dataclass
class Assumption:
    """One assumption about the effect: its label, where it comes from, the treated arm's
    mean improvement (points) or response proportion, the number's origin in words, and why
    the scale forbids it ('' where it does not)."""

    name: str
    source: str
    effect: float
    words: str
    unattainable: str = ""
    within_patient: bool = False
    reference: str = ""  # why an effect from the data is shown, not offered ('' if offered)

    @property
    def prespecified(self) -> bool:
        return self.source in PRESPECIFIED


def _unattainable(change: Change, effect: float, gains, words: str) -> str:
    """Why the scale forbids an assumed mean improvement in this population ('' if not)."""
    if change.room is None:
        return ""
    most = power_checks.attainable_mean(gains, change.room)
    if effect <= most + 1e-9:
        return ""
    able = [str(p) for p in change.patients[change.room >= gains]]
    return (
        f"Unattainable: only {patients_words(able)} of {change.of_n} can gain {words} before "
        f"{change.scale_end}; if every patient gains it or as much as the scale allows, the mean "
        f"gain is at most {significant(most)} {change.unit}, not {significant(effect)}."
    )


def change_assumptions(
    change: Change, estimates: Estimates, analysis: dict, settings: dict, cohort: dict
) -> list[Assumption]:
    """The response criteria on the measure, the settings' effects, the lower limit of the
    cohort's change and the observed effect, in that order."""
    found = []
    base = f"the mean baseline of {significant(estimates.baseline_mean, 4)} {change.unit}"
    for role, response in analysis["response"].items():
        if change.scale != "raw" or (response["parameter"], response["visit"]) != (
            change.code, change.visit
        ):  # fmt: skip
            continue
        if response["direction"] != cohort["measures"][change.code]["improvement"]:
            continue  # a criterion of worsening is no effect to size a trial for
        words = f"the {role} response criterion, {shown(criterion_text(response, cohort))}"
        points, gains = response["threshold"], np.full(change.n, float(response["threshold"]))
        gain_words = f"{significant(points)} {change.unit}"
        if response["measure"] == "percent_change":
            points = response["threshold"] / 100 * estimates.baseline_mean
            gains = response["threshold"] / 100 * change.baseline
            words += f", read as a mean gain: {response['threshold']:g}% of {base}"
            gain_words = f"{response['threshold']:g}% of their baseline"
        why = _unattainable(change, points, gains, gain_words)
        found.append(Assumption(f"{role} response criterion", CRITERION, points, words, why))
    for effect in settings["effects"].get(change.code, []) if change.scale == "raw" else []:
        within = bool(effect.get("within_patient"))
        if "change" in effect:
            points = float(effect["change"])
            words, gains = f"{effect['name']}, fixed before looking at the data", np.full(
                change.n, np.inf
            )
            why = _unattainable(change, points, gains, "any amount")
        elif "percent" in effect:
            points = effect["percent"] / 100 * estimates.baseline_mean
            words = f"{effect['name']}: {effect['percent']:g}% of {base}, fixed before looking at the data"
            gains = effect["percent"] / 100 * change.baseline
            why = _unattainable(change, points, gains, f"{effect['percent']:g}% of their baseline")
        else:
            continue
        found.append(Assumption(effect["name"], SETTINGS, points, words, why, within))
    level = settings["conservative_level"]
    lower = power_formulas.lower_mean(estimates.mean, estimates.sd, change.n, level)
    words = (
        f"the one-sided {percent(level)} lower confidence limit of the cohort's mean "
        f"improvement {significant(estimates.mean)} {change.unit}"
    )
    name = f"cohort's change, {percent(level)} lower limit"
    reference = _beyond(found, lower, lambda v: f"{significant(v)} {change.unit}")
    found.append(Assumption(name, CONSERVATIVE, lower, words, reference=reference))
    words = (
        f"the observed mean improvement {significant(estimates.mean)} {change.unit} and SD "
        f"{significant(estimates.sd)}, d_z {significant(estimates.mean / estimates.sd)}"
    )
    found.append(Assumption(OPTIMISTIC, OPTIMISTIC, estimates.mean, words))
    return found


def response_assumptions(response: Response, settings: dict) -> list[Assumption]:
    """The settings' assumed response proportions, the lower limit of the cohort's, the
    observed."""
    found = []
    for effect in settings["effects"].get(response.code, []):
        if "response_rate" not in effect:
            continue
        rate, why = float(effect["response_rate"]), ""
        if response.able is not None and rate > len(response.able) / response.n:
            most = len(response.able) / response.n
            why = (
                f"Unattainable: only {patients_words(response.able)} of {response.of_n} can "
                f"reach the criterion ({response.criterion}) before {response.scale_end}, so a "
                f"response proportion above {len(response.able)} of {response.n} ({percent(most, 1)}) "
                "cannot happen in this population."
            )
        found.append(
            Assumption(effect["name"], SETTINGS, rate, "fixed before looking at the data", why)
        )
    level = settings["conservative_level"]
    lower = power_formulas.lower_proportion(response.responders, response.n, level)
    words = (
        f"the one-sided {percent(level)} lower Clopper-Pearson limit of the observed "
        f"{response.responders} of {response.n}"
    )
    name = f"cohort's response, {percent(level)} lower limit"
    reference = _beyond(found, lower, percent)
    found.append(Assumption(name, CONSERVATIVE, lower, words, reference=reference))
    words = f"the observed {response.responders} of {response.n}"
    found.append(Assumption(OPTIMISTIC, OPTIMISTIC, response.responders / response.n, words))
    return found


def _beyond(fixed_before: list[Assumption], lower: float, shown_as: Callable) -> str:
    """Why the lower limit of the cohort's own effect is a reference, not a plan: it is larger
    than every attainable effect fixed before looking ('' where it is not, or none is)."""
    largest = max((a.effect for a in fixed_before if not a.unattainable), default=np.nan)
    if not lower > largest > 0:
        return ""
    return (
        f"Reference, not a plan: the lower limit of the cohort's own uncontrolled effect "
        f"({shown_as(lower)}) is {significant(lower / largest, 2)} times the largest effect fixed "
        f"before looking at the data ({shown_as(largest)}), in patients selected for active "
        f"disease, and would size a trial far smaller than that effect does."
    )


# ---- scenarios: an endpoint under one assumption, design, analysis and method


@dataclass
class Scenario:
    """Power against n of one endpoint, assumption, design, analysis and method, and what
    it assumes, a sentence each: `power(n)` by formula, or `curve[n - 1]` simulated with n
    patients (per arm). A row with a `reason` is withdrawn: no power, no size."""

    endpoint: str
    measure: str
    population: str
    assumption: Assumption
    design: str
    analysis: str
    method: str
    effect: float
    placebo: float
    sd: float
    own_n: int  # the cohort's n (single arm), or half of it per arm
    notes: list
    reason: str = ""
    power: Callable | None = field(repr=False, default=None)
    curve: np.ndarray | None = field(repr=False, default=None)
    own_power: float = np.nan  # NaN unless the effect was fixed before looking
    sizes: dict = field(default_factory=dict)  # target -> n (per arm); NaN: not by max_n
    mc_se: float = np.nan  # the largest simulation error of the row's powers
    grid: dict = field(default_factory=dict)  # placebo response -> n per arm, first target

    @property
    def assumes(self) -> str:
        return " ".join(self.notes)

    @property
    def status(self) -> str:
        if self.reason:
            return WITHDRAWN
        reference = self.assumption.source == OPTIMISTIC or self.assumption.reference
        return REFERENCE if reference else OFFERED

    @property
    def why(self) -> str:
        """Why the row is withdrawn, or shown for reference only ('' if offered)."""
        return self.reason or self.assumption.reference

    @property
    def response(self) -> bool:
        return self.analysis in (BINOMIAL, TWO_PROPORTIONS)

    @property
    def difference(self) -> float:
        return self.effect - (0.0 if np.isnan(self.placebo) else self.placebo)

    @property
    def standardized(self) -> float:
        """d (changes: difference / SD) or Cohen's h (responses)."""
        if self.response:
            return power_formulas.cohens_h(self.effect, self.placebo)
        return self.difference / self.sd


def planning(scenarios: list[Scenario], endpoint: str) -> Assumption | None:
    """The assumption an endpoint's curve is drawn for: the first fixed before looking that
    is offered, else the offered lower limit of the cohort's own; None if none is offered."""
    offered = [s.assumption for s in scenarios if s.endpoint == endpoint and s.status == OFFERED]
    fixed_first = [a for a in offered if a.prespecified]
    return (fixed_first or offered or [None])[0]


FIRST_N = {PAIRED_T: 2, CHANGE_SCORE: 2, ANCOVA: 3, BINOMIAL: 1, TWO_PROPORTIONS: 2}


def power_of(analysis: str, effect: float, placebo: float, sd: float, alpha: float) -> Callable:
    """Analytic power as a function of n (per arm) for an analysis, effect and placebo."""
    if analysis == PAIRED_T:
        return lambda n: power_formulas.paired_t_power(effect / sd, n, alpha)
    if analysis == CHANGE_SCORE:
        return lambda n: power_formulas.two_sample_t_power((effect - placebo) / sd, n, alpha)
    if analysis == ANCOVA:
        return lambda n: power_formulas.ancova_power(effect - placebo, sd, n, alpha)
    if analysis == BINOMIAL:
        return lambda n: power_formulas.exact_binomial_power(n, effect, placebo, alpha)
    h = power_formulas.cohens_h(effect, placebo)
    return lambda n: power_formulas.arcsine_power(h, n, alpha, 2)


def solved(scenario: Scenario, settings: dict) -> Scenario:
    """An analytic scenario with its power at the cohort's n (effects fixed before looking
    only), its sizes, and its two-arm sizes over the placebo grid; a withdrawn one as it is."""
    if scenario.reason:
        return scenario
    alpha, max_n, targets = settings["alpha"], settings["max_n"], settings["targets"]
    first = FIRST_N[scenario.analysis]
    power = power_of(scenario.analysis, scenario.effect, scenario.placebo, scenario.sd, alpha)
    grid = {}
    # the exact binomial test compares with the placebo response too: its size has a range
    against_placebo = scenario.design == TWO or scenario.analysis == BINOMIAL
    if against_placebo and scenario.assumption.source != OPTIMISTIC:
        for value in settings["placebo"]["grid"]:
            placebo = value if scenario.response else value * scenario.effect
            at = power_of(scenario.analysis, scenario.effect, placebo, scenario.sd, alpha)
            benefit = scenario.effect > placebo
            size = _sizes(scenario.analysis, at, [targets[0]], settings)[0]
            grid[value] = size if benefit else NONE
    if scenario.difference <= 0:
        # no benefit over placebo (or over no change): a trial sized to show one sizes nothing
        return replace(scenario, power=power, sizes=dict.fromkeys(targets, NONE), grid=grid)
    sizes = dict(zip(targets, _sizes(scenario.analysis, power, targets, settings)))
    own = np.nan
    if scenario.assumption.prespecified and first <= scenario.own_n <= max_n:
        own = float(power(np.array([scenario.own_n]))[0])
    elif scenario.assumption.prespecified and scenario.own_n > max_n:
        # a registry-sized cohort: the normal approximation, which is exact enough there
        h = power_formulas.cohens_h(scenario.effect, scenario.placebo)
        own = float(
            power_formulas.arcsine_power(h, scenario.own_n, alpha, 1)
            if scenario.analysis == BINOMIAL
            else power(np.array([scenario.own_n]))[0]
        )
    return replace(scenario, power=power, own_power=own, sizes=sizes, grid=grid)


def _sizes(analysis: str, power: Callable, targets: list, settings: dict) -> list[float]:
    """The n (per arm) for each target power; for the exact binomial test, whose power is a
    sawtooth in n, the first n from which it stays above the target."""
    first, max_n = FIRST_N[analysis], settings["max_n"]
    if analysis == BINOMIAL:
        curve = power(np.arange(1, max_n + 1))
        return [power_formulas.first_stable(curve, t, first) for t in targets]
    return [power_formulas.smallest_n(power, t, first, max_n) for t in targets]


# the sentences every row of a kind says
SINGLE_ARM_T = (
    "The single-arm test compares the mean change with no change, as the study did: it shows "
    "that patients changed, and cannot separate the treatment from regression to the mean, "
    "background therapy or a placebo response."
)
WITHIN_PATIENT = (
    "A minimal clinically important difference is a change within one patient; it is used "
    "here as the treated arm's mean change and, less the placebo arm's, as a difference "
    "between arms, for which no source gives a threshold."
)
ANCOVA_WORDS = (
    "ANCOVA on the baseline: noncentral t on 2n − 3 df, the variance 2/n inflated by "
    "1 + 1/(2n − 4) for the estimated slope (Borm et al., J Clin Epidemiol 2007)."
)
TWO_PROPORTION_WORDS = "Two proportions by Cohen's h on the arcsine scale (normal approximation)."


def change_scenarios(
    change: Change, estimates: Estimates, assumptions: list[Assumption], settings: dict, design: str
) -> list[Scenario]:
    """Every analytic scenario of a change, then the simulated ones where they add something:
    the variant's rank test on a single arm, or changes too skewed for normal theory."""
    skewed = abs(estimates.skewness) > settings["skewness_limit"]
    no_benefit = _no_benefit(change, estimates, assumptions)
    found = []
    for assumption in assumptions:
        optimistic = assumption.source == OPTIMISTIC
        effect = _effect_notes(change, assumption)
        placebo, placebo_note = _placebo_improvement(change, assumption.effect, settings)
        covariance = _covariance_note(change, estimates, optimistic, skewed)

        def scenario(design_name, analysis, placebo, sd, own_n, notes, used):
            return Scenario(
                endpoint=change.name, measure=change.code, population=change.population,
                assumption=assumption, design=design_name, analysis=analysis, method="analytic",
                effect=assumption.effect, placebo=placebo, sd=sd, own_n=own_n, notes=notes,
                reason=_withdrawn(assumption, estimates, used, no_benefit),
            )  # fmt: skip

        sd = estimates.sd if optimistic else estimates.sd_used
        single = [*effect, _sd_note(estimates, optimistic, skewed), SINGLE_ARM_T]
        found += [
            scenario(SINGLE, PAIRED_T, np.nan, sd, change.n, single, ("SD of the change",)),
            scenario(TWO, CHANGE_SCORE, placebo, sd, change.n // 2,
                     [*effect, placebo_note, covariance], ("SD of the change",)),
        ]  # fmt: skip
        if settings["ancova"] and np.isfinite(estimates.correlation):
            used = ("residual SD at follow-up", "baseline-follow-up correlation")
            notes = [*effect, placebo_note, covariance, ANCOVA_WORDS]
            residual = estimates.residual(optimistic)
            found.append(scenario(TWO, ANCOVA, placebo, residual, change.n // 2, notes, used))
    found = [solved(row, settings) for row in found]
    wanted = {SINGLE: change.test != "paired_t" or skewed, TWO: skewed}
    for index, (where, analysis) in enumerate(((SINGLE, PAIRED_T), (TWO, CHANGE_SCORE))):
        if wanted[where]:
            rows = [s for s in found if s.design == where and s.analysis == analysis]
            found += simulated(change, rows, settings, index, design)
    # each simulated row after the analytic ones of its assumption and design
    order = {id(a): i for i, a in enumerate(assumptions)}
    return sorted(found, key=lambda s: (order[id(s.assumption)], s.design != SINGLE))


def _withdrawn(assumption: Assumption, estimates: Estimates, used: tuple, no_benefit: str) -> str:
    """Why a row is withdrawn: its effect is beyond the scale, the cohort shows no benefit to
    take an effect from, or one patient carries an estimate it is built on; '' if none."""
    if assumption.unattainable:
        return assumption.unattainable
    if not assumption.prespecified:
        if no_benefit:
            return no_benefit
        used = ("mean improvement", *used)
    carried = [estimates.carried[name] for name in used if name in estimates.carried]
    if not carried:
        return ""
    return power_checks.carried_words(carried)


def _no_benefit(change: Change, estimates: Estimates, assumptions: list[Assumption]) -> str:
    """Why no effect is taken from a cohort whose lower limit of the change is no improvement
    ('' where it is one): 'No benefit: the mean log change ... p = 0.89 ...'."""
    lower = next(a for a in assumptions if a.source == CONSERVATIVE)
    if lower.effect > 0:
        return ""
    p = power_formulas.one_sample_p(estimates.mean, estimates.sd, change.n)
    if change.scale == "log":
        ratio = significant(np.exp(change.sign * lower.effect))
        mean = f"mean log improvement is {fixed(estimates.mean, 3)}"
        limit = f"{fixed(lower.effect, 2)} (a geometric mean ratio of {ratio}, a worsening)"
    else:
        mean = f"mean improvement is {significant(estimates.mean)} {change.unit}"
        limit = f"{significant(lower.effect)} {change.unit} (a worsening)"
    return (
        f"No benefit: the {mean} (p = {probability_text(p)}, paired t-test) and its "
        f"{lower.name.split(', ')[1]} {limit}: the cohort shows no improvement to plan on."
    )


def _effect_notes(change: Change, assumption: Assumption) -> list[str]:
    """What the treated arm is assumed to do, and what that number is."""
    if change.scale == "log":
        said = (
            f"Treated patients change by {significant(change.sign * assumption.effect)} on the "
            f"log scale on average (a geometric mean ratio of "
            f"{significant(np.exp(change.sign * assumption.effect))}, "
            f"{assumption.words})."
        )
    else:
        said = (
            f"Treated patients improve by {significant(assumption.effect)} {change.unit} on "
            f"average ({assumption.words})."
        )
    notes = [said]
    if assumption.within_patient:
        notes.append(WITHIN_PATIENT)
    if not assumption.prespecified:
        notes.append(UNCONTROLLED)
    if assumption.source == OPTIMISTIC:
        notes.append(CAVEAT)
    return notes


def _sd_note(estimates: Estimates, optimistic: bool, skewed: bool) -> str:
    """The SD of the change the single-arm test uses."""
    observed = significant(estimates.sd)
    if optimistic or estimates.level is None:
        said = f"SD of the change {observed}, as observed."
    else:
        said = (
            f"SD of the change {significant(estimates.sd_used)}, the one-sided "
            f"{percent(estimates.level)} upper chi-square confidence limit of the observed "
            f"{observed} (Browne, Stat Med 1995)."
        )
    return said + (_skew_words(estimates) if skewed else "")


def _skew_words(estimates: Estimates) -> str:
    return (
        " The chi-square limit and the t-tests assume normally distributed changes; these are "
        f"skewed (skewness {fixed(estimates.skewness, 1)}), so the sizes are approximate."
    )


def _correlation(r: float) -> str:
    """A correlation with the digits that tell it from 1: 0.84, 0.9999."""
    return fixed(r, 4) if abs(r) > 0.99 else fixed(r, 2)


def _covariance_note(change: Change, estimates: Estimates, optimistic: bool, skewed: bool) -> str:
    """The one covariance of baseline and follow-up both two-arm analyses use."""
    observed = optimistic or estimates.level is None
    scale = 1.0 if observed else estimates.factor
    how = (
        "as observed"
        if observed
        else f"the SDs raised to their one-sided {percent(estimates.level)} upper chi-square "
        f"limit (× {fixed(estimates.factor, 3)})"
    )
    a, b = scale * estimates.baseline_sd, scale * estimates.follow_up_sd
    return (
        f"One covariance for the change-score and ANCOVA rows: SD at baseline a = "
        f"{significant(a)}, SD at {change.when or change.visit} b = {significant(b)}, correlation r = "
        f"{_correlation(estimates.correlation)}, {how}; the change-score test uses the SD of the "
        f"change √(a² + b² − 2rab) = {significant(scale * estimates.sd)}, ANCOVA the residual "
        f"SD b√(1 − r²) = {significant(estimates.residual(optimistic))}."
        + (_skew_words(estimates) if skewed else "")
    )


def simulated(
    change: Change, rows: list[Scenario], settings: dict, index: int, design: str
) -> list[Scenario]:
    """The analytic rows again by simulation, one pass of common random numbers for all:
    the variant's test on a single arm (index 0), the t-test on two (index 1); drawn with
    the cohort's own shape of the changes. Never at the observed effect."""
    alpha, targets, max_n = settings["alpha"], settings["targets"], settings["max_n"]
    trials, largest = settings["simulations"], max(settings["targets"])
    rows = [r for r in rows if r.status == OFFERED and r.difference > 0]
    # each curve goes past the analytic size of the largest target (a rank test needs at most
    # 1/0.864 times the t-test's n for a shift, Hodges & Lehmann 1956), or, where max_n falls
    # short, to the cohort's own n when the effect was fixed before looking
    reach = []
    for row in rows:
        guide = row.sizes[largest]
        own = row.own_n if row.assumption.prespecified and row.own_n <= max_n else 0
        far = int(np.ceil(1.25 * guide)) + 2 if np.isfinite(guide) else 0
        reach.append(min(max_n, max(own, far)))
    shape = power_simulation.standardized(change.improvement)
    test = change.test if index == 0 else "paired_t"
    analysis = TEST_NAMES[change.test] if index == 0 else CHANGE_SCORE
    said = f"{trials:,} simulated trials drawn with the shape of the {design}'s own changes."
    while max(reach, default=0) >= 2:
        rng = np.random.default_rng([settings["seed"], zlib.crc32(change.name.encode()), index])
        first = power_simulation.draws(shape, max(reach), trials, rng)
        second = power_simulation.draws(shape, max(reach), trials, rng) if index else None
        found, short, curves = [], [], {}
        for row, size in zip(rows, reach):
            if size < 2:
                continue
            # two assumptions of one effect (a criterion that is also an MCID) share a pass
            same = (row.effect, row.sd, row.placebo, size)
            if same not in curves:
                treated = row.effect + row.sd * first[:size]
                if second is None:
                    curves[same] = power_simulation.paired_curve(treated, test, alpha)
                else:
                    placebo = row.placebo + row.sd * second[:size]
                    curves[same] = power_simulation.parallel_t_curve(treated, placebo, alpha)
            curve = curves[same]
            sizes = {t: power_formulas.first_reaching(curve, t, 2) for t in targets}
            own = np.nan
            if row.assumption.prespecified and row.own_n <= size:
                own = curve[row.own_n - 1]
            read = [own] + [curve[int(n) - 1] for n in sizes.values() if n > 0]
            error = float(np.nanmax(power_simulation.monte_carlo_se(read, trials)))
            found.append(
                replace(row, analysis=analysis, method="simulation", curve=curve, own_power=own,
                        sizes=sizes, grid={}, mc_se=error, notes=[*row.notes, said])
            )  # fmt: skip
            expected = np.isfinite(row.sizes[largest])
            short.append(expected and np.isnan(sizes[largest]) and size < max_n)
        if not any(short):
            return found
        # a target the analytic guide put within reach was not reached: go twice as far
        reach = [min(max_n, 2 * size) for size in reach]
    return []


def response_scenarios(
    response: Response, assumptions: list[Assumption], settings: dict
) -> list[Scenario]:
    """Exact binomial test on a single arm, two proportions on two arms; at the cohort's own
    n per arm, the two-proportion test's power by enumeration too."""
    alpha, max_n = settings["alpha"], settings["max_n"]
    placebo = settings["placebo"]["response_rate"]
    placebo_note = f"Placebo patients respond in {percent(placebo)} ({_placebo_source(settings)})."
    binomial_note = (
        f"Exact binomial test against the placebo response {percent(placebo)}, two-sided with "
        f"{fixed(100 * alpha / 2, 1)}% in each tail. Unlike the single-arm t-test, which "
        "compares with no change, it compares with the placebo response, since untreated "
        "patients also cross a response threshold. Its power is a sawtooth in n: the size "
        f"given is the smallest n from which power stays at or above the target (up to {max_n})."
    )
    carried = power_checks.carried_proportion(response.patients, response.responded)
    arm = response.n // 2
    found = []
    for assumption in assumptions:
        notes = [f"{percent(assumption.effect)} of treated patients respond ({assumption.words})."]
        if not assumption.prespecified:
            notes.append(UNCONTROLLED)
        if assumption.source == OPTIMISTIC:
            notes.append(CAVEAT)
        reason = assumption.unattainable
        if not reason and not assumption.prespecified and assumption.effect <= placebo:
            carried_too = (
                "; and " + power_checks.carried_words([carried]).removeprefix("Withdrawn, ")
                if carried
                else "."
            )
            reason = (
                f"No benefit against placebo: {assumption.words} is "
                f"{percent(assumption.effect, 1)}, at or below the placebo response of "
                f"{percent(placebo)}{carried_too}"
            )
        if not reason and carried and not assumption.prespecified:
            reason = power_checks.carried_words([carried])
        key = dict(
            endpoint=response.name, measure=response.code, population=response.population,
            assumption=assumption, effect=assumption.effect, placebo=placebo, sd=np.nan,
            reason=reason,
        )  # fmt: skip
        single = Scenario(**key, design=SINGLE, analysis=BINOMIAL, method="exact",
                          own_n=response.n,
                          notes=[*notes, binomial_note, placebo_note])  # fmt: skip
        two = Scenario(**key, design=TWO, analysis=TWO_PROPORTIONS, method="analytic (arcsine)",
                       own_n=arm, notes=[*notes, placebo_note, TWO_PROPORTION_WORDS])  # fmt: skip
        found += [solved(single, settings), solved(two, settings)]
        if assumption.prespecified and not reason and 1 <= arm <= max_n:
            exact = power_formulas.two_proportion_exact_power(
                arm, assumption.effect, placebo, alpha
            )
            said = (
                f"The pooled z-test's power by every pair of counts at {arm} per arm, where the "
                "normal approximation is poor."
            )
            found.append(replace(two, method=ENUMERATED, sizes={}, grid={}, own_power=exact,
                                 notes=[*notes, placebo_note, said]))  # fmt: skip
    return found


def _placebo_source(settings: dict) -> str:
    """Where the placebo assumptions come from, in words."""
    source = settings["placebo"].get("source") or ""
    return f"from {source}" if source else "an assumption with no published source"


def _placebo_improvement(change: Change, effect: float, settings: dict) -> tuple[float, str]:
    """The placebo arm's mean improvement (set for the measure, else a share of the treated
    arm's) and the sentence that says it."""
    placebo = settings["placebo"]
    if change.code in placebo["mean_change"] and change.scale == "raw":
        value = float(placebo["mean_change"][change.code])
        return value, (
            f"Placebo patients improve by {significant(value)} {change.unit} on average (set for "
            f"the measure, {_placebo_source(settings)}); the difference between arms is the "
            "treated arm's improvement less this."
        )
    share = placebo["improvement_share"]
    return share * effect, (
        f"Placebo patients improve by {percent(share)} of the treated arm's improvement "
        f"({_placebo_source(settings)}), so the difference between arms is "
        f"{percent(1 - share)} of it."
    )


# ---- the tables


def observed_rows(endpoint: Change | Response, estimates: Estimates | None, level: float):
    """What the cohort itself shows: the estimates the assumptions start from, and each one
    a single patient carries, without that patient."""
    rows = [("n", "observed", endpoint.n)]
    ci = percent(level)
    if isinstance(endpoint, Change):
        low, high = power_formulas.dz_interval(endpoint.improvement, level)
        r_low, r_high = (np.nan, np.nan)
        if np.isfinite(estimates.correlation):
            r_low, r_high = power_formulas.correlation_interval(
                estimates.correlation, endpoint.n, level
            )
        used = (
            "observed" if estimates.level is None else f"one-sided {percent(estimates.level)} limit"
        )
        rows += [
            ("baseline mean", "observed", estimates.baseline_mean),
            ("mean improvement", "observed", estimates.mean),
            ("SD at baseline", "observed", estimates.baseline_sd),
            ("SD at follow-up", "observed", estimates.follow_up_sd),
            ("baseline-follow-up correlation", "observed", estimates.correlation),
            (f"baseline-follow-up correlation, {ci} CI lower", "Fisher z", r_low),
            (f"baseline-follow-up correlation, {ci} CI upper", "Fisher z", r_high),
            ("SD of the change", "observed", estimates.sd),
            ("factor of the SDs as used", f"chi-square, {used}", estimates.factor),
            ("SD of the change, as used", f"chi-square, {used}", estimates.sd_used),
            ("residual SD at follow-up, as used", f"chi-square, {used}", estimates.residual()),
            ("effect d_z", "observed", estimates.mean / estimates.sd),
            (f"effect d_z, {ci} CI lower", "noncentral t", low),
            (f"effect d_z, {ci} CI upper", "noncentral t", high),
            ("skewness of the change", "observed", estimates.skewness),
        ]  # fmt: skip
        rows += [(f"{c.name}, without patient {c.patient}", "leave one patient out", c.without)
                 for c in estimates.carried.values()]  # fmt: skip
    else:
        low, high = power_formulas.clopper_pearson(endpoint.responders, endpoint.n, level)
        rows += [
            ("responders", "observed", endpoint.responders),
            ("response proportion", "observed", endpoint.responders / endpoint.n),
            (f"response proportion, {ci} CI lower", "Clopper-Pearson", low),
            (f"response proportion, {ci} CI upper", "Clopper-Pearson", high),
        ]
        if endpoint.able is not None:
            rows.append(("largest attainable response proportion", "scale's end",
                         len(endpoint.able) / endpoint.n))  # fmt: skip
    key = {
        "endpoint": endpoint.name, "measure": endpoint.code, "population": endpoint.population,
        "assumption": "", "source": "observed", "design": "observed", "analysis": "",
    }  # fmt: skip
    return [{**key, "method": method, "quantity": quantity, "value": value}
            for quantity, method, value in rows]  # fmt: skip


def long_rows(s: Scenario, settings: dict) -> list[dict]:
    """A scenario in power.csv: power at the cohort's n (effects fixed before looking only),
    each size, and the first target's size over the placebo grid; a row each. A withdrawn
    scenario is one row with its reason and no number."""
    key = {
        "endpoint": s.endpoint, "measure": s.measure, "population": s.population,
        "assumption": s.assumption.name, "source": s.assumption.source, "design": s.design,
        "analysis": s.analysis, "method": s.method, "status": s.status, "reason": s.why,
        "effect": s.effect, "placebo": s.placebo,
        "placebo_from": "" if np.isnan(s.placebo) else "settings", "difference": s.difference,
        "sd": s.sd, "standardized": s.standardized, "mc_se": s.mc_se, "assumes": s.assumes,
    }  # fmt: skip
    if s.reason:
        # kept for the record: the effect, SD and d the reason speaks of; no power, no size
        return [{**key, "quantity": "withdrawn"}]
    unit = "n" if s.design == SINGLE else "n per arm"
    max_n = settings["max_n"]
    rows = []
    if np.isfinite(s.own_power):
        rows.append({**key, "quantity": OWN_POWER, "n": s.own_n, "value": s.own_power})
    for target, size in s.sizes.items():
        rows.append(
            {**key, "quantity": f"{unit} for {percent(target)} power", **_sized(size, max_n)}
        )
    first = f"{unit} for {percent(settings['targets'][0])} power"
    for value, size in s.grid.items():
        placebo = value if s.response else value * s.effect
        grid = {"placebo": placebo, "placebo_from": f"grid {percent(value)}"}
        sized = _sized(size, max_n)
        rows.append({**key, **grid, "difference": s.effect - placebo, "quantity": first, **sized})
    return rows


def _sized(size: float, max_n: int) -> dict:
    """A size in power.csv: the number, or empty with the reason."""
    if size == NONE:
        return {"value": np.nan, "note": "no benefit over placebo assumed"}
    if np.isnan(size):
        return {"value": np.nan, "note": f"not reached by {max_n}"}
    return {"value": size}


LONG_COLUMNS = [
    "endpoint", "measure", "population", "assumption", "source", "design", "analysis", "method",
    "status", "reason", "quantity", "n", "value", "note", "mc_se", "effect", "placebo",
    "placebo_from", "difference", "sd", "standardized", "assumes",
]  # fmt: skip


def summary_table(scenarios: list[Scenario], settings: dict) -> tuple[list[str], list[dict]]:
    """One row per scenario, for reading: whether it is offered, its effect, power at the
    cohort's n, the sizes, the two-arm sizes over the placebo grid, and what it assumes, a
    sentence a line."""
    max_n, targets, grid = settings["max_n"], settings["targets"], settings["placebo"]["grid"]
    sized = [f"n for {percent(t)} power" for t in targets]
    columns = [
        "endpoint", "assumption", "design", "analysis", "method", "status", "effect", "placebo",
        "difference", "SD", "d or h", OWN_POWER, *sized, "MC SE",
        *(f"placebo {percent(value)}" for value in grid), "assumes", "reason",
    ]  # fmt: skip
    rows = []
    for s in scenarios:
        own = ""
        if np.isfinite(s.own_power):
            where = f"{s.own_n} per arm" if s.design == TWO else f"n = {s.own_n}"
            own = f"{probability_text(s.own_power)} ({where})"
        elif not s.assumption.prespecified and not s.reason:
            own = "not computed (effect from the data)"
        shown_as = percent if s.response else significant
        numbers = {
            "effect": shown_as(s.effect),
            "placebo": "" if np.isnan(s.placebo) else shown_as(s.placebo),
            "difference": ("+" if s.difference > 0 else "") + shown_as(s.difference),
            "SD": "" if np.isnan(s.sd) else significant(s.sd),
            "d or h": significant(s.standardized),
        }
        row = {
            "endpoint": s.endpoint,
            "assumption": s.assumption.name,
            "design": s.design,
            "analysis": s.analysis,
            "method": s.method,
            "status": s.status,
            # a withdrawn row keeps them for the record (no power, no size)
            **numbers,
            OWN_POWER: own,
            "MC SE": "" if np.isnan(s.mc_se) else fixed(s.mc_se, 3),
            "assumes": "\n".join(s.notes),
            "reason": s.why,
        }
        for target, column in zip(targets, sized):
            size = s.sizes.get(target)
            row[column] = "" if size is None else _size(size, max_n)
        for value in grid:
            size = s.grid.get(value)
            row[f"placebo {percent(value)}"] = "" if size is None else _size(size, max_n)
        rows.append(row)
    return columns, rows


def _size(size: float, max_n: int) -> str:
    if size == NONE:
        return "no benefit"
    return f"> {max_n}" if np.isnan(size) else str(int(size))


CURVE_COLUMNS = ["endpoint", "assumption", "design", "analysis", "method", "n", "power", "mc_se"]


def curve_table(scenarios: list[Scenario], plans: dict, settings: dict) -> list[dict]:
    """Power against n of each endpoint's planning assumption: every analysis by formula at
    each n of a dense grid and at the cohort's own n (the lines are drawn through them; the
    exact binomial test at every n, its sawtooth), the simulated at curve_n (the points)."""
    low, high = min(settings["curve_n"]), max(settings["curve_n"])
    own = [s.own_n for s in scenarios]
    dense = np.union1d(np.unique(np.geomspace(low, high, 60).round()), [*settings["curve_n"], *own])
    rows = []
    for s in scenarios:
        if (
            s.assumption is not plans[s.endpoint]
            or s.status != OFFERED  # a withdrawn analysis of the planning assumption
            or s.method == ENUMERATED
            or s.difference <= 0
        ):
            continue
        if s.method == "simulation":
            n = np.array([k for k in settings["curve_n"] if k <= len(s.curve)], dtype=int)
            power = s.curve[n - 1]
        else:
            n = np.arange(low, high + 1) if s.analysis == BINOMIAL else dense.astype(int)
            n = n[(n >= FIRST_N[s.analysis]) & (n <= high)]
            power = s.power(n)
        se = monte_carlo(power, settings) if s.method == "simulation" else np.full(len(n), np.nan)
        key = {"endpoint": s.endpoint, "assumption": s.assumption.name, "design": s.design,
               "analysis": s.analysis, "method": s.method}  # fmt: skip
        rows += [{**key, "n": int(k), "power": float(p), "mc_se": float(e)}
                 for k, p, e in zip(n, power, se) if np.isfinite(p)]  # fmt: skip
    return rows


def monte_carlo(power, settings: dict) -> np.ndarray:
    return power_simulation.monte_carlo_se(power, settings["simulations"])


# ---- everything for one variant


@dataclass
class Results:
    """The tables of one variant: power.csv (long), the summary, the curve, and each
    endpoint's n and power at its planning effect where it was fixed before looking."""

    long: list[dict]
    summary: tuple[list[str], list[dict]]
    curve: list[dict]
    own: list[dict]


def endpoint_scenarios(endpoint, analysis: dict, settings: dict, cohort: dict):
    """An endpoint's scenarios and its rows of observed estimates."""
    design, level = design_words(cohort), analysis["confidence_level"]
    if isinstance(endpoint, Response):
        assumptions = response_assumptions(endpoint, settings)
        return response_scenarios(endpoint, assumptions, settings), observed_rows(
            endpoint, None, level
        )
    estimates = estimates_of(endpoint, settings)
    assumptions = change_assumptions(endpoint, estimates, analysis, settings, cohort)
    scenarios = change_scenarios(endpoint, estimates, assumptions, settings, design)
    return scenarios, observed_rows(endpoint, estimates, level)


def power_tables(endpoints, analysis: dict, settings: dict, cohort: dict) -> Results:
    """Every scenario of every endpoint, as the long table, the summary and the curve. A
    change with only positive values whose rows one patient carries is planned on the log
    scale too."""
    long, scenarios = [], []
    for endpoint in endpoints:
        found, observed = endpoint_scenarios(endpoint, analysis, settings, cohort)
        carried = [s for s in found if s.reason.startswith(power_checks.CARRIED)]
        if isinstance(endpoint, Change) and carried and endpoint.positive():
            logged = endpoint.on_log_scale()
            for s in carried:
                s.reason += f" Planned on the log scale instead ({logged.name})."
            more, observed_log = endpoint_scenarios(logged, analysis, settings, cohort)
            found, observed = found + more, observed + observed_log
        scenarios += found
        long += observed
    long += [row for s in scenarios for row in long_rows(s, settings)]
    names = dict.fromkeys(s.endpoint for s in scenarios)
    plans = {name: planning(scenarios, name) for name in names}
    own = [
        {"endpoint": s.endpoint, "n": s.own_n, "power": s.own_power}
        for s in scenarios
        if s.assumption is plans[s.endpoint] and s.design == SINGLE and s.method != "simulation"
        and np.isfinite(s.own_power) and s.difference > 0  # on a line of the figure
    ]  # fmt: skip
    return Results(
        long, summary_table(scenarios, settings), curve_table(scenarios, plans, settings), own
    )
