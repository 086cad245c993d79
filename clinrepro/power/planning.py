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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clinrepro.power import checks as power_checks
from clinrepro.power import formulas as power_formulas
from clinrepro.power import simulation as power_simulation
from clinrepro.power.assumptions import change_assumptions, response_assumptions
from clinrepro.power.checks import significant
from clinrepro.power.estimates import Change, Estimates, Response, estimates_of
from clinrepro.power.scenarios import (
    BINOMIAL,
    ENUMERATED,
    FIRST_N,
    NONE,
    OFFERED,
    OWN_POWER,
    SINGLE,
    TWO,
    Scenario,
    change_scenarios,
    planning,
    response_scenarios,
)
from clinrepro.base.printed import fixed, percent
from clinrepro.base.study import design_words
from clinrepro.base.terms import probability_text


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


def as_table(columns: list[str], rows: list[dict]) -> pd.DataFrame:
    """Rows as a table of the given columns, each cell as it is (an integer stays one in a
    column of numbers); a missing number (None, NaN, no key) is an empty cell."""
    return pd.DataFrame(rows, columns=columns, dtype=object)


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
