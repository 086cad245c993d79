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
exact (clinrepro.power_formulas); simulated where the variant's test is a rank test or the
changes are skewed (clinrepro.power_simulation).
"""

from __future__ import annotations

import json
import logging
import zlib
from dataclasses import dataclass, field, replace
from typing import Callable

import matplotlib
import numpy as np

from clinrepro import power_formulas, power_io, power_simulation, style
from clinrepro.study import criterion_text, design_words, primary_role, test_for, trial_name
from clinrepro.terms import POPULATION_FLAGS, TEST_NAMES, probability_text, shown

logger = logging.getLogger(__name__)
SINGLE, TWO = "single-arm paired", "two-arm parallel"
# where an effect comes from: fixed before looking (the first two), or from the cohort
CRITERION, SETTINGS, CONSERVATIVE, OPTIMISTIC = (
    "response criterion",
    "settings",
    "conservative estimate",
    "observed (optimistic)",
)
PRESPECIFIED = (CRITERION, SETTINGS)
# what the observed-effect rows say of themselves
CAVEAT = (
    "optimistic: a small study's estimate is imprecise and, when the study looked positive, "
    "overstates the effect; for reference only, not a basis for planning, and no power at the "
    "cohort's n is given for it"
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
    """A measure's change from baseline at a visit, in its direction of improvement."""

    name: str
    code: str
    visit: str
    population: str
    test: str
    unit: str
    improvement: np.ndarray
    baseline: np.ndarray
    follow_up: np.ndarray

    @property
    def n(self) -> int:
        return len(self.improvement)


@dataclass
class Response:
    """A response criterion: responders among the evaluable patients."""

    name: str
    code: str
    population: str
    n: int
    responders: int


def continuous_endpoints(analysis: dict, cohort: dict) -> list[tuple[str, str, str]]:
    """(role, measure, visit) of each change analysed: every measure of the cohort at the
    main outcome's visit, in the population of the response criterion that names it (every
    treated patient for the others)."""
    visit = analysis["response"][primary_role(analysis)]["visit"]
    role_of = {response["parameter"]: role for role, response in analysis["response"].items()}
    return [(role_of.get(code, "cohort"), code, visit) for code in cohort["measures"]]


# the columns of ADEFF the endpoints are taken from
ADEFF_TEXT = ("PARAMCD", "AVISIT", "CRIT1FL", *POPULATION_FLAGS)
ADEFF_NUMBERS = ("AVAL", "BASE", "CHG")


def read_adeff(path: str) -> power_io.Columns:
    """The columns of ADEFF the power step uses."""
    return power_io.read_columns(path, ADEFF_TEXT, ADEFF_NUMBERS)


def endpoints_of(adeff: power_io.Columns, analysis: dict, cohort: dict) -> list[Change | Response]:
    """The changes and responses the cohort measured, with their data (`adeff` as
    `read_adeff` gives it)."""
    found: list[Change | Response] = []
    change, base, value = (adeff.numbers[name] for name in ("CHG", "BASE", "AVAL"))
    for role, code, visit in continuous_endpoints(analysis, cohort):
        flag = analysis["populations"][role]
        rows = adeff.where({"PARAMCD": code, "AVISIT": visit, flag: "Y"})
        rows &= ~np.isnan(change) & ~np.isnan(base)
        measure = cohort["measures"][code]
        sign = 1.0 if measure["improvement"] == "increase" else -1.0
        if rows.sum() >= 3 and change[rows].std() > 0:
            found.append(
                Change(f"{code} change at {visit}", code, visit, flag, test_for(analysis, code),
                       measure["unit"], sign * change[rows], base[rows], value[rows])
            )  # fmt: skip
    for role, response in analysis["response"].items():
        flag = analysis["populations"][role]
        rows = adeff.where(
            {"PARAMCD": response["parameter"], "AVISIT": response["visit"], flag: "Y"}
        )
        responders = int((rows & adeff.where({"CRIT1FL": "Y"})).sum())
        evaluable = responders + int((rows & adeff.where({"CRIT1FL": "N"})).sum())
        if evaluable >= 3:
            name = f"{role} response ({shown(criterion_text(response, cohort))})"
            found.append(Response(name, response["parameter"], flag, evaluable, responders))
    return found


@dataclass
class Estimates:
    """What the cohort says about a change: means, SDs and the baseline-follow-up
    correlation as observed, and as used (their conservative limits, unless `sd: observed`)."""

    mean: float
    sd: float
    sd_used: float
    follow_up_sd: float
    follow_up_sd_used: float
    correlation: float
    correlation_used: float
    skewness: float
    baseline_mean: float
    level: float | None  # one-sided level of the conservative limits; None: as observed


def sd_level(settings: dict) -> float | None:
    """The one-sided level of the SD's upper limit; None for the SD as observed."""
    chosen = settings["sd"]
    if chosen == "observed":
        return None
    return 0.8 if chosen == "upper_80" else float(chosen)


def estimates_of(change: Change, settings: dict) -> Estimates:
    level, n = sd_level(settings), change.n
    sd = float(change.improvement.std(ddof=1))
    follow_up_sd = float(change.follow_up.std(ddof=1))
    varies = change.baseline.std() > 0 and change.follow_up.std() > 0
    correlation = (
        float(np.corrcoef(change.baseline, change.follow_up)[0, 1]) if n >= 4 and varies else np.nan
    )

    def used(value: float, limit: Callable) -> float:
        return value if level is None or not np.isfinite(value) else limit(value, n, level)

    return Estimates(
        mean=float(change.improvement.mean()),
        sd=sd,
        sd_used=used(sd, power_formulas.upper_sd),
        follow_up_sd=follow_up_sd,
        follow_up_sd_used=used(follow_up_sd, power_formulas.upper_sd),
        correlation=correlation,
        correlation_used=used(correlation, power_formulas.conservative_correlation),
        skewness=power_formulas.skewness(change.improvement),
        baseline_mean=float(change.baseline.mean()),
        level=level,
    )


# ---- the assumptions about the effect


@dataclass
class Assumption:
    """One assumption about the effect: its label, where it comes from, the treated arm's
    mean improvement (points) or response proportion, and the number's origin in words."""

    name: str
    source: str
    effect: float
    words: str

    @property
    def prespecified(self) -> bool:
        return self.source in PRESPECIFIED


def change_assumptions(
    change: Change, estimates: Estimates, analysis: dict, settings: dict, cohort: dict
) -> list[Assumption]:
    """The response criteria on the measure, the settings' effects, the conservative
    estimate and the observed effect, in that order."""
    found = []
    base = f"the mean baseline of {estimates.baseline_mean:.4g} {change.unit}"
    for role, response in analysis["response"].items():
        if response["parameter"] != change.code or response["visit"] != change.visit:
            continue
        if response["direction"] != cohort["measures"][change.code]["improvement"]:
            continue  # a criterion of worsening is no effect to size a trial for
        words = f"the {role} response criterion, {shown(criterion_text(response, cohort))}"
        points = response["threshold"]
        if response["measure"] == "percent_change":
            points = response["threshold"] / 100 * estimates.baseline_mean
            words += f": {response['threshold']:g}% of {base}"
        found.append(Assumption(f"{role} response criterion", CRITERION, points, words))
    for effect in settings["effects"].get(change.code, []):
        if "change" in effect:
            words = "set in power.effects"
            found.append(Assumption(effect["name"], SETTINGS, float(effect["change"]), words))
        elif "percent" in effect:
            points = effect["percent"] / 100 * estimates.baseline_mean
            words = f"{effect['percent']:g}% of {base}, set in power.effects"
            found.append(Assumption(effect["name"], SETTINGS, points, words))
    level = settings["conservative_level"]
    lower = power_formulas.lower_mean(estimates.mean, estimates.sd, change.n, level)
    words = (
        f"the one-sided {level:.0%} lower confidence limit of the observed mean improvement "
        f"{estimates.mean:.4g} {change.unit}"
    )
    found.append(Assumption(f"conservative ({level:.0%} lower limit)", CONSERVATIVE, lower, words))
    words = (
        f"the observed mean improvement {estimates.mean:.4g} {change.unit} and SD "
        f"{estimates.sd:.4g}, d_z {estimates.mean / estimates.sd:.3g}; {CAVEAT}"
    )
    found.append(Assumption(OPTIMISTIC, OPTIMISTIC, estimates.mean, words))
    return found


def response_assumptions(response: Response, settings: dict) -> list[Assumption]:
    """The settings' assumed response proportions, the conservative estimate, the observed."""
    found = [
        Assumption(effect["name"], SETTINGS, float(effect["response_rate"]), "set in power.effects")
        for effect in settings["effects"].get(response.code, [])
        if "response_rate" in effect
    ]  # fmt: skip
    level = settings["conservative_level"]
    lower = power_formulas.lower_proportion(response.responders, response.n, level)
    words = (
        f"the one-sided {level:.0%} lower Clopper-Pearson limit of the observed "
        f"{response.responders} of {response.n}"
    )
    found.append(Assumption(f"conservative ({level:.0%} lower limit)", CONSERVATIVE, lower, words))
    observed = response.responders / response.n
    words = f"the observed {response.responders} of {response.n}; {CAVEAT}"
    found.append(Assumption(OPTIMISTIC, OPTIMISTIC, observed, words))
    return found


def planning(assumptions: list[Assumption]) -> Assumption:
    """The assumption a curve is drawn for: the first fixed before looking, else the
    conservative estimate."""
    fixed = [a for a in assumptions if a.prespecified]
    return fixed[0] if fixed else next(a for a in assumptions if a.source == CONSERVATIVE)


# ---- scenarios: an endpoint under one assumption, design, analysis and method


@dataclass
class Scenario:
    """Power against n of one endpoint, assumption, design, analysis and method, and what
    it assumes in words: `power(n)` by formula, or `curve[n - 1]` simulated with n patients
    (per arm)."""

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
    assumes: str
    power: Callable | None = field(repr=False, default=None)
    curve: np.ndarray | None = field(repr=False, default=None)
    own_power: float = np.nan  # NaN unless the effect was fixed before looking
    sizes: dict = field(default_factory=dict)  # target -> n (per arm); NaN: not by max_n
    mc_se: float = np.nan  # the largest simulation error of the row's powers
    grid: dict = field(default_factory=dict)  # placebo response -> n per arm, first target

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
    only), its sizes, and its two-arm sizes over the placebo grid."""
    alpha, max_n, targets = settings["alpha"], settings["max_n"], settings["targets"]
    first = FIRST_N[scenario.analysis]
    power = power_of(scenario.analysis, scenario.effect, scenario.placebo, scenario.sd, alpha)
    grid = {}
    if scenario.design == TWO and scenario.assumption.source != OPTIMISTIC:
        for value in settings["placebo"]["grid"]:
            placebo = value if scenario.response else value * scenario.effect
            at = power_of(scenario.analysis, scenario.effect, placebo, scenario.sd, alpha)
            benefit = scenario.effect > placebo
            grid[value] = (
                power_formulas.smallest_n(at, targets[0], first, max_n) if benefit else NONE
            )
    if scenario.difference <= 0:
        # no benefit over placebo (or over no change): a trial sized to show one sizes nothing
        return replace(scenario, power=power, sizes=dict.fromkeys(targets, NONE), grid=grid)
    if scenario.analysis == BINOMIAL:
        # an exact test's power is a sawtooth in n: the first n to reach the target
        curve = power(np.arange(1, max_n + 1))
        sizes = {t: power_formulas.first_reaching(curve, t, first) for t in targets}
    else:
        sizes = {t: power_formulas.smallest_n(power, t, first, max_n) for t in targets}
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


def change_scenarios(
    change: Change, estimates: Estimates, assumptions: list[Assumption], settings: dict, design: str
) -> list[Scenario]:
    """Every analytic scenario of a change, then the simulated ones where they add something:
    the variant's rank test on a single arm, or changes too skewed for normal theory."""
    skewed = abs(estimates.skewness) > settings["skewness_limit"]
    caveat = ""
    if skewed:
        caveat = (
            f"; the changes are skewed (skewness {estimates.skewness:.2g}): the normal-theory "
            "rows are approximate, and a single extreme patient can carry the SD and the "
            "correlation"
        )
    words = _sd_words(estimates)
    found = []
    for assumption in assumptions:
        optimistic = assumption.source == OPTIMISTIC
        sd = estimates.sd if optimistic else estimates.sd_used
        sd_said = words["observed"] if optimistic else words["change"]
        treated = (
            f"treated patients improve by {assumption.effect:.3g} {change.unit} "
            f"({assumption.words})"
        )
        placebo, placebo_said = _placebo_improvement(change.code, assumption.effect, settings)
        both = (
            f"{treated}; placebo patients by {placebo:.3g} ({placebo_said}): difference "
            f"{assumption.effect - placebo:.3g}"
        )

        def scenario(design_name, analysis, placebo, sd, own_n, assumes):
            return Scenario(
                endpoint=change.name, measure=change.code, population=change.population,
                assumption=assumption, design=design_name, analysis=analysis, method="analytic",
                effect=assumption.effect, placebo=placebo, sd=sd, own_n=own_n, assumes=assumes,
            )  # fmt: skip

        found += [
            scenario(SINGLE, PAIRED_T, np.nan, sd, change.n, f"{treated}; {sd_said}{caveat}"),
            scenario(TWO, CHANGE_SCORE, placebo, sd, change.n // 2, f"{both}; {sd_said}{caveat}"),
        ]
        if settings["ancova"] and np.isfinite(estimates.correlation):
            rho = estimates.correlation if optimistic else estimates.correlation_used
            sd1 = estimates.follow_up_sd if optimistic else estimates.follow_up_sd_used
            residual = sd1 * np.sqrt(1 - rho * rho)
            origin = "both as observed" if optimistic else words["ancova"]
            said = (
                f"residual SD {residual:.4g} = SD at {change.visit} {sd1:.4g} × "
                f"√(1 − {rho:.3g}²), {origin}"
            )
            assumes = f"{both}; {said}{caveat}"
            found.append(scenario(TWO, ANCOVA, placebo, residual, change.n // 2, assumes))
    found = [solved(row, settings) for row in found]
    wanted = {SINGLE: change.test != "paired_t" or skewed, TWO: skewed}
    for index, (where, analysis) in enumerate(((SINGLE, PAIRED_T), (TWO, CHANGE_SCORE))):
        if wanted[where]:
            rows = [s for s in found if s.design == where and s.analysis == analysis]
            found += simulated(change, rows, settings, index, design)
    # each simulated row after the analytic ones of its assumption and design
    order = {id(a): i for i, a in enumerate(assumptions)}
    return sorted(found, key=lambda s: (order[id(s.assumption)], s.design != SINGLE))


def simulated(
    change: Change, rows: list[Scenario], settings: dict, index: int, design: str
) -> list[Scenario]:
    """The analytic rows again by simulation, one pass of common random numbers for all:
    the variant's test on a single arm (index 0), the t-test on two (index 1); drawn with
    the cohort's own shape of the changes. Never at the observed effect."""
    alpha, targets, max_n = settings["alpha"], settings["targets"], settings["max_n"]
    trials, largest = settings["simulations"], max(settings["targets"])
    rows = [r for r in rows if r.assumption.source != OPTIMISTIC and r.difference > 0]
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
    said = f"{trials:,} simulated trials drawn with the shape of the {design}'s own changes"
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
                        sizes=sizes, grid={}, mc_se=error, assumes=f"{row.assumes}; {said}")
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
    arm = response.n // 2
    found = []
    for assumption in assumptions:
        treated = f"{assumption.effect:.0%} of treated patients respond ({assumption.words})"
        key = dict(
            endpoint=response.name, measure=response.code, population=response.population,
            assumption=assumption, effect=assumption.effect, placebo=placebo, sd=np.nan,
        )  # fmt: skip
        single = Scenario(
            **key, design=SINGLE, analysis=BINOMIAL, method="exact", own_n=response.n,
            assumes=f"{treated}, tested against the placebo response {placebo:.0%} "
            "(power.placebo); an exact test's power is a sawtooth in n: the smallest n "
            "reaching the target is given",
        )  # fmt: skip
        two = Scenario(
            **key, design=TWO, analysis=TWO_PROPORTIONS, method="analytic (arcsine)",
            own_n=arm, assumes=f"{treated}; placebo patients {placebo:.0%} (power.placebo); "
            "normal approximation on the arcsine scale (Cohen's h)",
        )  # fmt: skip
        found += [solved(single, settings), solved(two, settings)]
        if assumption.prespecified and 1 <= arm <= max_n:
            exact = power_formulas.two_proportion_exact_power(
                arm, assumption.effect, placebo, alpha
            )
            said = (
                f"{treated}; placebo patients {placebo:.0%}; the pooled z-test's power by every "
                f"pair of counts at {arm} per arm, where the normal approximation is poor"
            )
            found.append(
                replace(two, method=ENUMERATED, sizes={}, grid={}, own_power=exact, assumes=said)
            )
    return found


def _placebo_improvement(code: str, effect: float, settings: dict) -> tuple[float, str]:
    """The placebo arm's mean improvement: set in points for the measure, else a share of
    the treated arm's."""
    placebo = settings["placebo"]
    if code in placebo["mean_change"]:
        return float(placebo["mean_change"][code]), "set in power.placebo"
    share = placebo["improvement_share"]
    return share * effect, f"{share:.0%} of the treated arm's, set in power.placebo"


def _sd_words(estimates: Estimates) -> dict:
    level = estimates.level
    observed = f"SD of the change {estimates.sd:.4g} as observed"
    if level is None:
        return {
            "observed": observed,
            "change": observed,
            "ancova": "SD and correlation as observed",
        }
    return {
        "observed": observed,
        "change": f"SD of the change {estimates.sd_used:.4g}, the one-sided {level:.0%} upper "
        f"confidence limit of the observed {estimates.sd:.4g}",
        "ancova": f"the SD's one-sided {level:.0%} upper limit (observed "
        f"{estimates.follow_up_sd:.4g}) and the correlation's one-sided {level:.0%} limit nearest "
        f"zero (observed {estimates.correlation:.3g})",
    }


# ---- the tables


def observed_rows(endpoint: Change | Response, estimates: Estimates | None, level: float):
    """What the cohort itself shows: the estimates the assumptions start from."""
    rows = [("n", "observed", endpoint.n)]
    if isinstance(endpoint, Change):
        low, high = power_formulas.dz_interval(endpoint.improvement, level)
        r_low, r_high = (np.nan, np.nan)
        if np.isfinite(estimates.correlation):
            r_low, r_high = power_formulas.correlation_interval(
                estimates.correlation, endpoint.n, level
            )
        used = "observed" if estimates.level is None else f"one-sided {estimates.level:.0%} limit"
        rows += [
            ("baseline mean", "observed", estimates.baseline_mean),
            ("mean improvement", "observed", estimates.mean),
            ("SD of the change", "observed", estimates.sd),
            ("SD of the change, as used", f"chi-square, {used}", estimates.sd_used),
            ("SD at follow-up", "observed", estimates.follow_up_sd),
            ("SD at follow-up, as used", f"chi-square, {used}", estimates.follow_up_sd_used),
            ("effect d_z", "observed", estimates.mean / estimates.sd),
            (f"effect d_z, {level:.0%} CI lower", "noncentral t", low),
            (f"effect d_z, {level:.0%} CI upper", "noncentral t", high),
            ("baseline-follow-up correlation", "observed", estimates.correlation),
            (f"baseline-follow-up correlation, {level:.0%} CI lower", "Fisher z", r_low),
            (f"baseline-follow-up correlation, {level:.0%} CI upper", "Fisher z", r_high),
            ("baseline-follow-up correlation, as used", f"Fisher z, {used}",
             estimates.correlation_used),
            ("skewness of the change", "observed", estimates.skewness),
        ]  # fmt: skip
    else:
        low, high = power_formulas.clopper_pearson(endpoint.responders, endpoint.n, level)
        rows += [
            ("responders", "observed", endpoint.responders),
            ("response proportion", "observed", endpoint.responders / endpoint.n),
            (f"response proportion, {level:.0%} CI lower", "Clopper-Pearson", low),
            (f"response proportion, {level:.0%} CI upper", "Clopper-Pearson", high),
        ]
    key = {
        "endpoint": endpoint.name, "measure": endpoint.code, "population": endpoint.population,
        "assumption": "", "source": "observed", "design": "observed", "analysis": "",
    }  # fmt: skip
    return [{**key, "method": method, "quantity": quantity, "value": value}
            for quantity, method, value in rows]  # fmt: skip


def long_rows(s: Scenario, settings: dict) -> list[dict]:
    """A scenario in power.csv: power at the cohort's n (effects fixed before looking only),
    each size, and the first target's size over the placebo grid; a row each."""
    key = {
        "endpoint": s.endpoint, "measure": s.measure, "population": s.population,
        "assumption": s.assumption.name, "source": s.assumption.source, "design": s.design,
        "analysis": s.analysis, "method": s.method, "effect": s.effect,
        "placebo": s.placebo, "placebo_from": "settings" if s.design == TWO else "",
        "difference": s.difference, "sd": s.sd, "standardized": s.standardized,
        "mc_se": s.mc_se, "assumes": s.assumes,
    }  # fmt: skip
    unit = "n" if s.design == SINGLE else "n per arm"
    max_n = settings["max_n"]
    rows = []
    if np.isfinite(s.own_power):
        rows.append({**key, "quantity": OWN_POWER, "n": s.own_n, "value": s.own_power})
    for target, size in s.sizes.items():
        rows.append({**key, "quantity": f"{unit} for {target:.0%} power", **_sized(size, max_n)})
    first = f"{unit} for {settings['targets'][0]:.0%} power"
    for value, size in s.grid.items():
        placebo = value if s.response else value * s.effect
        grid = {"placebo": placebo, "placebo_from": f"grid {value:.0%}"}
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
    "quantity", "n", "value", "note", "mc_se", "effect", "placebo", "placebo_from", "difference",
    "sd", "standardized", "assumes",
]  # fmt: skip


def summary_table(scenarios: list[Scenario], settings: dict) -> tuple[list[str], list[dict]]:
    """One row per scenario, for reading: its effect, power at the cohort's n, the sizes,
    the two-arm sizes over the placebo grid, and what it assumes."""
    max_n, targets, grid = settings["max_n"], settings["targets"], settings["placebo"]["grid"]
    columns = [
        "endpoint", "assumption", "design", "analysis", "method", "effect", "placebo",
        "difference", "SD", "d or h", OWN_POWER, *(f"n for {t:.0%} power" for t in targets),
        "MC SE", *(f"placebo {value:.0%}" for value in grid), "assumes",
    ]  # fmt: skip
    rows = []
    for s in scenarios:
        if np.isfinite(s.own_power):
            where = f"{s.own_n} per arm" if s.design == TWO else f"n = {s.own_n}"
            own = f"{probability_text(s.own_power)} ({where})"
        else:
            own = "" if s.assumption.prespecified else "not computed (effect from the data)"
        percent = (lambda v: f"{v:.0%}") if s.response else _number
        row = {
            "endpoint": s.endpoint,
            "assumption": s.assumption.name,
            "design": s.design,
            "analysis": s.analysis,
            "method": s.method,
            "effect": percent(s.effect),
            "placebo": "" if np.isnan(s.placebo) else percent(s.placebo),
            "difference": f"{s.difference:+.0%}" if s.response else _number(s.difference),
            "SD": _number(s.sd),
            "d or h": _number(s.standardized),
            OWN_POWER: own,
            "MC SE": "" if np.isnan(s.mc_se) else f"{s.mc_se:.3f}",
            "assumes": s.assumes,
        }
        for target in targets:
            size = s.sizes.get(target)
            row[f"n for {target:.0%} power"] = "" if size is None else _size(size, max_n)
        for value in grid:
            size = s.grid.get(value)
            row[f"placebo {value:.0%}"] = "" if size is None else _size(size, max_n)
        rows.append(row)
    return columns, rows


def _number(value: float) -> str:
    if not np.isfinite(value):
        return ""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3g}"


def _size(size: float, max_n: int) -> str:
    if size == NONE:
        return "no benefit"
    return f"> {max_n}" if np.isnan(size) else f"{size:.0f}"


CURVE_COLUMNS = ["endpoint", "assumption", "design", "analysis", "method", "n", "power", "mc_se"]


def curve_table(scenarios: list[Scenario], plans: dict, settings: dict) -> list[dict]:
    """Power against n of each endpoint's planning assumption: every analysis by formula at
    each n of a dense grid (the lines are drawn through them; the exact binomial test at
    curve_n only, its sawtooth is no line), the simulated at curve_n (the points)."""
    low, high = min(settings["curve_n"]), max(settings["curve_n"])
    dense = np.union1d(np.unique(np.geomspace(low, high, 60).round()), settings["curve_n"])
    rows = []
    for s in scenarios:
        if s.assumption is not plans[s.endpoint] or s.method == ENUMERATED or s.difference <= 0:
            continue
        if s.method == "simulation":
            n = np.array([k for k in settings["curve_n"] if k <= len(s.curve)], dtype=int)
            power = s.curve[n - 1]
        else:
            n = np.array(settings["curve_n"] if s.analysis == BINOMIAL else dense, dtype=int)
            n = n[n >= FIRST_N[s.analysis]]
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


def power_tables(endpoints, analysis: dict, settings: dict, cohort: dict) -> Results:
    """Every scenario of every endpoint, as the long table, the summary and the curve."""
    design, level = design_words(cohort), analysis["confidence_level"]
    long, scenarios, plans = [], [], {}
    for endpoint in endpoints:
        if isinstance(endpoint, Change):
            estimates = estimates_of(endpoint, settings)
            assumptions = change_assumptions(endpoint, estimates, analysis, settings, cohort)
            scenarios += change_scenarios(endpoint, estimates, assumptions, settings, design)
        else:
            estimates = None
            assumptions = response_assumptions(endpoint, settings)
            scenarios += response_scenarios(endpoint, assumptions, settings)
        long += observed_rows(endpoint, estimates, level)
        plans[endpoint.name] = planning(assumptions)
    long += [row for s in scenarios for row in long_rows(s, settings)]
    own = [
        {"endpoint": s.endpoint, "n": s.own_n, "power": s.own_power}
        for s in scenarios
        if s.assumption is plans[s.endpoint] and s.design == SINGLE and s.method != "simulation"
        and np.isfinite(s.own_power)
    ]  # fmt: skip
    return Results(
        long, summary_table(scenarios, settings), curve_table(scenarios, plans, settings), own
    )


# ---- the figure


def draw(results: Results, settings: dict, cohort: dict, paths: dict) -> str:
    """Power against n of each endpoint's planning assumption, a panel per design; the
    cohort's own n (where the effect was fixed before looking) and the following trial's
    planned n marked. Returns the caption."""
    trial = cohort.get("follow_up_trial") or {}
    planned_n = trial.get("planned_n")
    lines: dict[tuple, list[dict]] = {}
    for row in results.curve:
        key = (row["design"], row["endpoint"], row["analysis"], row["method"])
        lines.setdefault(key, []).append(row)
    endpoints = list(dict.fromkeys(row["endpoint"] for row in results.curve))
    # the layout is fixed by hand, legend and key inside the canvas, so that saving needs no
    # tight-bbox pass (a whole extra drawing of the figure per format)
    legend_rows = (len(endpoints) + 1) // 2
    height = 3.9 + 0.17 * legend_rows
    figure, axes = style.new_figure(10.0, height, columns=2)
    figure.subplots_adjust(left=0.065, right=0.985, wspace=0.06, bottom=0.6 / height,
                           top=1 - (0.4 + 0.17 * legend_rows) / height)  # fmt: skip
    colours = {name: style.PALETTE[i % len(style.PALETTE)] for i, name in enumerate(endpoints)}
    for ax, design in zip(axes, (SINGLE, TWO)):
        for (where, endpoint, analysis, method), points in lines.items():
            if where != design:
                continue
            n, power = [p["n"] for p in points], [p["power"] for p in points]
            colour = colours[endpoint]
            if method == "simulation":
                ax.plot(n, power, "o", color=colour, ms=3.5, mfc="white")
                continue
            label = f"{endpoint}: {points[0]['assumption']}" if design == SINGLE else None
            ax.plot(n, power, color=colour, lw=1.3, ls="--" if analysis == ANCOVA else "-",
                    marker="." if analysis == BINOMIAL else None, label=label)  # fmt: skip
        if design == SINGLE:
            for own in results.own:
                ax.plot(own["n"], own["power"], "D", color=colours[own["endpoint"]], ms=6,
                        mec=style.INK, mew=0.6)  # fmt: skip
        for target in settings["targets"]:
            ax.axhline(target, color=style.MUTED, lw=0.7, ls=":")
        if planned_n:
            planned = planned_n if design == SINGLE else planned_n / 2
            ax.axvline(planned, color=style.INK, lw=1, ls="-.")
            words = f"trial: {planned_n}" + ("" if design == SINGLE else f" ({planned:g} per arm)")
            ax.text(planned, 0.02, f" {words}", fontsize=7.5)
        ax.set_xscale("log")
        ax.set_xticks(settings["curve_n"], [str(n) for n in settings["curve_n"]])
        ax.minorticks_off()
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("patients" if design == SINGLE else "patients per arm")
        if design == SINGLE:  # both panels share the scale 0 to 1
            ax.set_ylabel(f"power (two-sided alpha {settings['alpha']:g})")
        else:
            ax.tick_params(labelleft=False)
        ax.set_title(design, fontsize=9)
    handles, labels = axes[0].get_legend_handles_labels()
    # from the left edge of the panels, leaving the top right corner to a SYNTHETIC mark
    figure.legend(handles, labels, loc="upper left", ncol=2, fontsize=7.5,
                  bbox_to_anchor=(0.04, 1 - 0.05 / height))  # fmt: skip
    # one unwrapped line (the caption says the rest): wrapping a footnote costs a tenth of the
    # step, so this key is not style.footnote's
    figure.text(0.01, 0.03 / height, "Lines: analytic (dashed: ANCOVA); open points: simulated; "
                "diamonds: the cohort's own n at its planning effect.", fontsize=7.5,
                color=style.INK, va="bottom")  # fmt: skip
    if cohort["synthetic"]:
        style.mark_synthetic(figure)
    with matplotlib.rc_context({"savefig.bbox": "standard"}):
        style.save(figure, paths, settings["dpi"])
    design_name = design_words(cohort)
    trial_said = (
        f"the dash-dot line marks the {planned_n} patients planned for {trial_name(trial)}; "
        if planned_n
        else ""
    )
    return (
        "Power against sample size for each endpoint at its planning effect (the first effect "
        "fixed before looking at the data: a response criterion or an effect of the settings; "
        f"else the conservative estimate from the {design_name}), with the SD the settings name: "
        "single-arm paired design (left) and a two-arm trial against placebo (right, patients per "
        "arm; solid: change-score t-test or two proportions, dashed: ANCOVA on the baseline), "
        f"two-sided alpha {settings['alpha']:g}. Lines: analytic; open points: "
        f"{settings['simulations']:,} simulated trials per point where the test or the data call "
        f"for it; diamonds: the power the {design_name}'s own n had at that effect; {trial_said}"
        "dotted lines: the target powers. No point is drawn at the observed effect."
    )


def run(adeff: str, analysis: dict, settings: dict, cohort: dict, outputs: dict) -> None:
    """Power and sample size of every endpoint of one variant: tables, figure, caption."""
    found = endpoints_of(read_adeff(adeff), analysis, cohort)
    results = power_tables(found, analysis, settings, cohort)
    power_io.write_csv_tables(
        {
            outputs["csv"]: (LONG_COLUMNS, results.long),
            outputs["curve"]: (CURVE_COLUMNS, results.curve),
            outputs["summary"]: results.summary,
        }
    )
    caption = draw(results, settings, cohort, {"png": outputs["png"], "svg": outputs["svg"]})
    if cohort["synthetic"]:
        caption = f"SYNTHETIC DATA. {caption}"
    with open(outputs["caption"], "w", encoding="utf-8") as handle:
        record = {"figure": "power_curve", "title": "Power against sample size, per endpoint",
                  "caption": caption, "endpoints": len(found)}  # fmt: skip
        json.dump(record, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    logger.info("power: %d endpoints", len(found))
