"""Scenarios: an endpoint under one assumption, design, analysis and method, with its power
at the cohort's n and the sample size for each target power.

Designs: single-arm paired (the variant's test), and two arms against a placebo arm that
improves as the settings say: change-score t-test and ANCOVA on the baseline for a change,
two proportions for a response. Analytic where a formula is exact (clinrepro.power.formulas);
simulated where the variant's test is a rank test or the changes are skewed
(clinrepro.power.simulation). Power at the cohort's own n is computed at the effects fixed
before looking only: power at the observed effect is a function of the p-value and says
nothing more (Hoenig & Heisey, Am Stat 2001).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from clinrepro.power import checks as power_checks
from clinrepro.power import formulas as power_formulas
from clinrepro.power import simulation as power_simulation
from clinrepro.power.assumptions import CONSERVATIVE, OPTIMISTIC, Assumption
from clinrepro.power.checks import significant
from clinrepro.power.estimates import Change, Estimates, Response
from clinrepro.base.printed import fixed, percent
from clinrepro.base.terms import TEST_NAMES, probability_text

SINGLE, TWO = "single-arm paired", "two-arm parallel"
# what a row is: offered for planning, a reference (the observed effect), or withdrawn
OFFERED, REFERENCE, WITHDRAWN = "offered", "reference", "withdrawn"
UNCONTROLLED = (
    "This is an uncontrolled before-after change: it includes regression to the mean, the "
    "effect of background therapy and any placebo response, and is not a treatment effect."
)
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
