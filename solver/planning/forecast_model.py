"""The forecast as one CP-SAT model over weeks × patient units × slots.

Why one model over the whole horizon and not a rolling horizon: the decisions that matter to a
director link weeks — a taper step moved a week, a referral's start that shifts its whole course
— and a week-by-week solve would fix them greedily (starting a referral this week because it
fits, leaving next month short). Counting seats per unit (units.py) keeps the model small: its
size grows with the kinds of patients and sessions, not with the number of patients.

Objective, in order of weight: required days not met; weeks planned admissions wait; taper
steps taken a week early. A day missed and given back the next week (the step waits a week) all
but cancels the day missed, and costs less than an early step: where the next week has a free
seat the patient keeps their dose rather than losing it.
Deterministic: one worker, a fixed seed.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Protocol

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from solver.planning.forecast_report import Solved, Values, report
from solver.planning.inputs import ForecastProblem
from solver.planning.outcome import ForecastSolution
from solver.planning.units import (
    AdmissionGroup,
    PlanSlot,
    Pool,
    Unit,
    build_admission_groups,
    build_units,
    group_slots,
    slot_seats,
)

DAY_SHORT = 1000
# A waiting week weighs less than one short day, so a referral waits whenever starting would
# leave a required day unmet within the horizon: its whole course must fit.
WAIT_WEEK = 50
STEP_EARLY = 10
GIVEN_BACK = DAY_SHORT - 5
SEED = 15
# A relaxation's value this close to a whole number is one (GLOP's tolerances are far finer).
WHOLE = 1e-6


@dataclass(frozen=True)
class ForecastSettings:
    time_limit_s: float = 10.0


class LinearModel(Protocol):
    """What the forecast needs of a model: CP-SAT's, or a linear program's for its bound."""

    def new_int_var(self, lb: int, ub: int, name: str) -> Any: ...

    def add(self, ct: Any, /) -> Any: ...

    def minimize(self, obj: Any, /) -> Any: ...


@dataclass(frozen=True)
class _Built:
    solved: Solved
    seated: dict[tuple[int, int, int], Any]
    early: dict[tuple[int, int], Any]
    later: dict[tuple[int, int], Any]
    starts: dict[tuple[int, int | None], Any]
    pool_seated: dict[tuple[int, int], Any]


def solve_forecast(
    problem: ForecastProblem, settings: ForecastSettings | None = None
) -> ForecastSolution:
    settings = settings or ForecastSettings()
    began = time.perf_counter()
    model = cp_model.CpModel()
    built = _build(problem, model)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = SEED
    # Measured on the bench's 400-patient program: the model is nearly a transport problem,
    # and the tighter relaxation proves it optimal in about 1.5 s against 7 s at the default.
    solver.parameters.linearization_level = 2
    solver.parameters.max_time_in_seconds = settings.time_limit_s
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Every constraint holds with no one seated and nobody admitted, so only a time limit
        # reached before any solution ends here.
        raise RuntimeError(f"forecast: no solution within {settings.time_limit_s} s")

    def values_of(variables: dict[Any, Any]) -> dict[Any, int]:
        return {key: solver.value(var) for key, var in variables.items()}

    values = Values(
        seated=values_of(built.seated),
        early=values_of(built.early),
        later=values_of(built.later),
        starts=values_of(built.starts),
        pool_seated=values_of(built.pool_seated),
    )
    return report(
        problem,
        built.solved,
        values,
        status="OPTIMAL" if status == cp_model.OPTIMAL else "FEASIBLE",
        objective=float(round(solver.objective_value)),  # whole weights: a whole number
        best_bound=solver.best_objective_bound,
        wall_time_s=time.perf_counter() - began,
    )


@dataclass(frozen=True)
class Relaxation:
    objective: float  # no forecast's objective is below it
    # When the relaxation's optimum is whole numbers it is a forecast, and an optimal one
    # (nothing is below the relaxation): no search is needed.
    solution: ForecastSolution | None


def relax_forecast(problem: ForecastProblem) -> Relaxation:
    """The same model's linear relaxation (GLOP, deterministic)."""
    began = time.perf_counter()
    lp = pywraplp.Solver.CreateSolver("GLOP")
    built = _build(problem, _Relaxed(lp))
    status = lp.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        raise RuntimeError(f"forecast relaxation: status {status}")
    objective = float(lp.Objective().Value())
    tables = (built.seated, built.early, built.later, built.starts, built.pool_seated)
    values = [{key: var.solution_value() for key, var in table.items()} for table in tables]
    if any(abs(v - round(v)) > WHOLE for table in values for v in table.values()):
        return Relaxation(objective, None)
    seated, early, later, starts, pool_seated = (
        {key: round(v) for key, v in table.items()} for table in values
    )
    solution = report(
        problem,
        built.solved,
        Values(seated, early, later, starts, pool_seated),  # type: ignore[arg-type]
        status="OPTIMAL",
        objective=float(round(objective)),
        best_bound=float(round(objective)),
        wall_time_s=time.perf_counter() - began,
    )
    return Relaxation(objective, solution)


class _Relaxed:
    """A GLOP solver seen as a LinearModel: every count a continuous variable."""

    def __init__(self, lp: pywraplp.Solver) -> None:
        self.lp = lp

    def new_int_var(self, lb: int, ub: int, name: str) -> Any:
        return self.lp.NumVar(lb, ub, name)

    def add(self, ct: Any, /) -> Any:
        return self.lp.Add(ct)

    def minimize(self, obj: Any, /) -> Any:
        self.lp.Minimize(obj)


def _build(problem: ForecastProblem, model: LinearModel) -> _Built:
    slots = group_slots(problem)
    seats = slot_seats(problem, slots)
    units = build_units(problem, slots, seats)
    groups = build_admission_groups(problem, slots)
    horizon = problem.horizon
    by_slot: dict[tuple[int, int], list[Any]] = defaultdict(list)
    short: list[Any] = []
    seated, early, later = _enrolled(model, problem, slots, seats, units, by_slot, short)
    starts = {
        (g, start): model.new_int_var(0, group.size, f"start_{g}_{start}")
        for g, group in enumerate(groups)
        for start in group.starts(horizon)
    }
    for g, group in enumerate(groups):
        model.add(sum(starts[g, start] for start in group.starts(horizon)) == group.size)
    pools = _pools(groups, slots, seats, horizon)
    pool_seated: dict[tuple[int, int], Any] = {}
    for p, pool in enumerate(pools):
        size = sum(groups[g].size for g, _ in pool.sources)
        admitted = sum(starts[source] for source in pool.sources)
        by_day: dict[int, list[Any]] = defaultdict(list)
        for s in pool.fits:
            var = model.new_int_var(0, min(size, seats[pool.week][s]), f"pool_{p}_{s}")
            pool_seated[p, s] = var
            by_slot[pool.week, s].append(var)
            by_day[slots[s].weekday].append(var)
        for same_day in by_day.values():
            model.add(sum(same_day) <= admitted)  # one session a day each
        given = [pool_seated[p, s] for s in pool.fits]
        if given:
            model.add(sum(given) <= pool.target * admitted)
        short.append(pool.target * admitted - sum(given))
    for (w, s), attendees in by_slot.items():
        model.add(sum(attendees) <= seats[w][s])
    waiting = [var * groups[g].waiting_weeks(start, horizon) for (g, start), var in starts.items()]
    model.minimize(
        DAY_SHORT * sum(short)
        + WAIT_WEEK * sum(waiting)
        + STEP_EARLY * sum(early.values())
        - GIVEN_BACK * sum(later.values())
    )
    return _Built(
        Solved(slots, seats, units, groups, pools), seated, early, later, starts, pool_seated
    )


def _enrolled(
    model: LinearModel,
    problem: ForecastProblem,
    slots: list[PlanSlot],
    seats: list[list[int]],
    units: list[Unit],
    by_slot: dict[tuple[int, int], list[Any]],
    short: list[Any],
) -> tuple[dict[tuple[int, int, int], Any], dict[tuple[int, int], Any], dict[tuple[int, int], Any]]:
    """Seats for the enrolled units, and the taper steps the policy lets the model move."""
    seated: dict[tuple[int, int, int], Any] = {}
    early: dict[tuple[int, int], Any] = {}
    later: dict[tuple[int, int], Any] = {}
    unit_short: dict[tuple[int, int], Any] = {}
    for u, unit in enumerate(units):
        n = unit.size
        for w in range(problem.horizon):
            target = unit.targets[w]
            if target == 0:
                continue
            by_day: dict[int, list[Any]] = defaultdict(list)
            for s in unit.fits[w]:
                var = model.new_int_var(0, min(n, seats[w][s]), f"x_{u}_{w}_{s}")
                seated[u, w, s] = var
                by_slot[w, s].append(var)
                by_day[slots[s].weekday].append(var)
            for same_day in by_day.values():
                if len(same_day) > 1:
                    model.add(sum(same_day) <= n)  # one session a day each
            required: Any = n * target
            if _may_step_early(unit, w, problem.min_days_per_week):
                early[u, w] = model.new_int_var(0, n, f"early_{u}_{w}")
                required -= early[u, w]
            if _may_step_later(unit, w):
                var = model.new_int_var(0, n, f"later_{u}_{w}")
                model.add(var <= unit_short[u, w - 1])
                if (u, w - 1) in early:
                    model.add(early[u, w - 1] + var <= n)  # one step is moved one way only
                later[u, w] = var
                required += var
            given = [seated[u, w, s] for s in unit.fits[w]]
            if given:
                model.add(sum(given) <= required)
            unit_short[u, w] = required - sum(given)
            short.append(unit_short[u, w])
    return seated, early, later


def _pools(
    groups: list[AdmissionGroup], slots: list[PlanSlot], seats: list[list[int]], horizon: int
) -> list[Pool]:
    found: dict[tuple[int, tuple[int, ...], int], list[tuple[int, int | None]]] = defaultdict(list)
    for w in range(horizon):
        held = frozenset(s.index for s in slots if seats[w][s.index] > 0)
        for g, group in enumerate(groups):
            fits = tuple(sorted(group.weekly_fit & held))
            for start in group.starts(horizon):
                target = group.target(start, w)
                if target:
                    found[w, fits, target].append((g, start))
    return [Pool(w, fits, target, tuple(sources)) for (w, fits, target), sources in found.items()]


def _may_step_early(unit: Unit, week: int, min_days: int) -> bool:
    """Policy (events/taper.py, STEP_EARLY): only where next week is already a step lower, and
    never below the program's minimum; never a step-down out of the program."""
    target, following = unit.targets[week], unit.targets[week + 1]
    return 0 < following < target and following >= min_days


def _may_step_later(unit: Unit, week: int) -> bool:
    """A step due this week (the level falls from last week's) may wait a week."""
    return week >= 1 and 0 < unit.targets[week] < unit.targets[week - 1]
