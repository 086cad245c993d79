"""The endpoints the power step plans for, and what the cohort says about them.

Every measure's change from baseline at the main outcome's visit (on the raw scale, or as
the log of the ratio follow-up / baseline where the variant's scale says so) and each
response criterion, with their data from ADEFF; and the estimates of a change the planning
assumptions start from: means, SDs, the baseline-follow-up correlation, the SD's one-sided
upper limit (Browne, Stat Med 1995) and the estimates one patient carries.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from clinrepro.power import checks as power_checks
from clinrepro.power import formulas as power_formulas
from clinrepro.base.study import criterion_text, primary_role, test_for, visit_label
from clinrepro.base.terms import shown


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


def population_size(adeff: pd.DataFrame, code: str, flag: str, patients) -> int:
    """How many patients of the population the measure was recorded for, at any visit."""
    return len(set(patients[rows_where(adeff, {"PARAMCD": code, flag: "Y"})]))


def continuous_endpoints(analysis: dict, cohort: dict) -> list[tuple[str, str, str]]:
    """(role, measure, visit) of each change analysed: every measure of the cohort at the
    main outcome's visit, in the population of the response criterion that names it (every
    treated patient for the others)."""
    visit = analysis["response"][primary_role(analysis)]["visit"]
    role_of = {response["parameter"]: role for role, response in analysis["response"].items()}
    return [(role_of.get(code, "cohort"), code, visit) for code in cohort["measures"]]


# the columns of ADEFF the endpoints are taken from (clinrepro.adam.endpoints.read_adeff, which
# adds the population flags)
ADEFF_COLUMNS = ("SUBJID", "PARAMCD", "AVISIT", "CRIT1FL", "AVAL", "BASE", "CHG")


def rows_where(adeff: pd.DataFrame, equal: dict[str, str]) -> np.ndarray:
    """Which records hold the given code in each given column (a missing code matches none)."""
    rows = np.ones(len(adeff), dtype=bool)
    for name, value in equal.items():
        rows &= (adeff[name] == value).to_numpy()
    return rows


def measure_name(code: str, cohort: dict) -> str:
    """The measure's short label (IFN-α, not IFNA)."""
    return cohort["measures"][code].get("short", code)


def endpoints_of(adeff: pd.DataFrame, analysis: dict, cohort: dict) -> list[Change | Response]:
    """The changes and responses the cohort measured, with their data (`adeff`: the
    ADEFF_COLUMNS of clinrepro.adam.endpoints.read_adeff); a change on the log scale where the
    variant's scale says so."""
    found: list[Change | Response] = []
    change, base, value = (adeff[name].to_numpy(dtype=float) for name in ("CHG", "BASE", "AVAL"))
    patients = adeff["SUBJID"].to_numpy(dtype=object)
    for role, code, visit in continuous_endpoints(analysis, cohort):
        flag = analysis["populations"][role]
        rows = rows_where(adeff, {"PARAMCD": code, "AVISIT": visit, flag: "Y"})
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
    rows = rows_where(
        adeff, {"PARAMCD": response["parameter"], "AVISIT": response["visit"], flag: "Y"}
    )
    rows &= rows_where(adeff, {"CRIT1FL": "Y"}) | rows_where(adeff, {"CRIT1FL": "N"})
    if rows.sum() < 3:
        return []
    responded = rows_where(adeff, {"CRIT1FL": "Y"})[rows]
    measure = cohort["measures"][response["parameter"]]
    baseline = adeff["BASE"].to_numpy(dtype=float)[rows]
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
