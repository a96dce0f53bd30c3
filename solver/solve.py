"""`solve(problem) -> RosterSolution`: build the model, search, fill rooms, explain shortfalls."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from solver.explain import unmet_reason
from solver.model import LinearTerm, RosterModel, build_variables
from solver.problem import PatientOutcome, Placement, RosterProblem, RosterSolution, SolveStats
from solver.rooms import fill_rooms
from solver.rules import add_rules, penalty_tiers
from solver.warm_start import hint_solution, warm_start

FULL_PORTFOLIO = 8
# Tiers the min-cost flow can prove optimal (required days and hours; tracks).
EXACT_TIERS = 2
LP_FOCUSED_WORKERS = 4
# Called with (seconds since start, objective, best bound) at each improving solution.
ProgressHook = Callable[[float, float, float], None]


class _ProgressCallback(cp_model.CpSolverSolutionCallback):
    """Kept tiny: it runs inside the search."""

    def __init__(self, hook: ProgressHook | None) -> None:
        super().__init__()
        self.hook = hook
        self.first_solution_s: float | None = None

    def on_solution_callback(self) -> None:
        if self.first_solution_s is None:
            self.first_solution_s = self.wall_time
        if self.hook is not None:
            self.hook(self.wall_time, self.objective_value, self.best_objective_bound)


def solve(
    problem: RosterProblem,
    *,
    time_limit_s: float = 10.0,
    workers: int = 0,
    seed: int = 0,
    relative_gap: float = 0.0,
    deterministic: bool = False,
    on_progress: ProgressHook | None = None,
) -> RosterSolution:
    """Solve a weekly roster. `workers=1` with a fixed `seed` is deterministic (tests);
    `workers=0` (production) uses every core, and never fewer than CP-SAT's full portfolio of
    eight subsolvers: its bound-proving workers only run in a portfolio that large.
    `deterministic=True` interleaves that portfolio on one thread of control: the same answer
    every run, at the speed of the full portfolio (tests of whole programs use it).

    The soft rules are optimised tier by tier in the program's order (rules.TIERS): each tier's
    optimum is kept while the next is optimised. The objective reported is the weighted sum of
    every penalty; the bound is the best bound on it among rosters optimal in the earlier tiers.
    """
    started = time.perf_counter()
    roster = build_variables(problem)
    penalties = add_rules(roster)
    tiers = [
        cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [w for _, w in terms])
        for terms in penalty_tiers(penalties)
    ]
    start = warm_start(roster, tiers, time_limit_s / 10)
    callback = _ProgressCallback(on_progress)
    best: cp_model.CpSolver | None = None
    bound, proven = 0.0, True
    status: cp_model.CpSolverStatus = cp_model.UNKNOWN
    first = 0
    if start.exact:
        # The flow's roster is optimal for the first two tiers: keep them, optimise the rest
        # (CP-SAT always solves the last tier, which also yields the roster's every value).
        first = min(EXACT_TIERS, len(tiers) - 1)
        for tier, value in zip(tiers[:first], start.tier_values, strict=False):
            roster.model.add(tier <= value)
            bound += value
    for index in range(first, len(tiers)):
        tier = tiers[index]
        roster.model.minimize(tier)
        remaining = time_limit_s - (time.perf_counter() - started)
        share = remaining if index == len(tiers) - 1 else remaining / 2
        solver = _solver(max(share, 0.05), workers, seed, relative_gap, deterministic)
        if start.exact and not workers and not deterministic:
            _focus_on_the_lp(solver)
        if relative_gap and proven and bound > 0:
            # The gap asked for is on the whole objective, which is at least the proven tiers'.
            solver.parameters.absolute_gap_limit = relative_gap * bound
        status = solver.solve(roster.model, callback)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        best = solver
        value = round(solver.objective_value)
        tier_optimal = status == cp_model.OPTIMAL and solver.best_objective_bound >= value - 1e-6
        if proven:
            bound += value if tier_optimal else solver.best_objective_bound
        proven = proven and tier_optimal
        # Keep this tier's result while the next tier is optimised.
        roster.model.add(tier <= value)
        hint_solution(roster.model, solver)
    return _finish(roster, best, penalties, status, bound, proven, started, callback)


def _focus_on_the_lp(solver: cp_model.CpSolver) -> None:
    """With the first tiers fixed the roster is a transportation problem whose LP bound is
    tight: the LP-driven workers prove it and find it. On few cores, running only those gives
    each more of the machine (measured in bench/roster.py: 400 patients 5.5 s → 3.3 s)."""
    solver.parameters.num_workers = LP_FOCUSED_WORKERS
    for name in ("max_lp_sym", "reduced_costs"):
        solver.parameters.subsolvers.append(name)


def _solver(
    time_limit_s: float, workers: int, seed: int, relative_gap: float, deterministic: bool
) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers or max(FULL_PORTFOLIO, os.cpu_count() or 1)
    solver.parameters.random_seed = seed
    solver.parameters.relative_gap_limit = relative_gap
    if deterministic:
        solver.parameters.num_workers = workers or FULL_PORTFOLIO
        solver.parameters.interleave_search = True
    return solver


def _finish(
    roster: RosterModel,
    best: cp_model.CpSolver | None,
    penalties: dict[str, list[LinearTerm]],
    status: cp_model.CpSolverStatus,
    bound: float,
    proven: bool,
    started: float,
    callback: _ProgressCallback,
) -> RosterSolution:
    wall = time.perf_counter() - started
    if best is None:
        name = (
            "INFEASIBLE"
            if status == cp_model.INFEASIBLE
            else cp_model.CpSolver().status_name(status)
        )
        stats = SolveStats(name, 0.0, 0.0, 1.0, wall, callback.first_solution_s)
        return RosterSolution((), (), stats)
    by_rule = {
        name: int(sum(best.value(var) * weight for var, weight in terms))
        for name, terms in penalties.items()
    }
    objective = float(sum(by_rule.values()))
    if proven:
        bound = objective
    stats = SolveStats(
        status="OPTIMAL" if proven else "FEASIBLE",
        objective=objective,
        best_bound=bound,
        gap=abs(objective - bound) / max(1.0, abs(objective)),
        wall_time_s=wall,
        first_solution_s=callback.first_solution_s,
        penalties=tuple(by_rule.items()),
    )
    return _read_solution(roster, best, stats)


def _read_solution(
    roster: RosterModel, solver: cp_model.CpSolver, stats: SolveStats
) -> RosterSolution:
    problem = roster.problem
    attendees: dict[int, list[str]] = {}
    for (patient_id, slot_index), var in roster.attends.items():
        if solver.boolean_value(var):
            attendees.setdefault(slot_index, []).append(patient_id)
    rooms = {slot.index: solver.value(roster.open_rooms[slot.index]) for slot in roster.slots}
    placements: list[Placement] = []
    for slot in roster.slots:
        placements.extend(fill_rooms(problem, slot, attendees.get(slot.index, [])))
    sizes = {index: len(patients) for index, patients in attendees.items()}
    outcomes = []
    for patient in problem.patients:
        pid = patient.patient_id
        chosen = [
            slot
            for slot in roster.candidates[pid]
            if solver.boolean_value(roster.attends[pid, slot.index])
        ]
        stepped = pid in roster.steps_early and solver.boolean_value(roster.steps_early[pid])
        required = patient.required_days - int(stepped)
        days = {slot.day_index for slot in chosen}
        reason = None
        if len(days) < required:
            reason = unmet_reason(
                problem, patient, roster.slots, roster.candidates[pid], days, required, sizes, rooms
            )
        outcomes.append(
            PatientOutcome(
                patient_id=pid,
                required_days=required,
                scheduled_days=len(days),
                scheduled_minutes=sum(slot.minutes for slot in chosen),
                stepped_early=stepped,
                unmet_reason=reason,
            )
        )
    placements.sort(key=lambda p: (p.day, p.session_id, p.patient_id))
    return RosterSolution(tuple(placements), tuple(outcomes), stats)
