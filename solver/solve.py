"""`solve(problem) -> RosterSolution`: build the model, search, fill rooms, explain shortfalls."""

from __future__ import annotations

import os
from collections.abc import Callable

from ortools.sat.python import cp_model

from solver.explain import unmet_reason
from solver.model import RosterModel, build_variables
from solver.problem import PatientOutcome, Placement, RosterProblem, RosterSolution, SolveStats
from solver.rooms import fill_rooms
from solver.rules import add_rules

FULL_PORTFOLIO = 8
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
    every run, at the speed of the full portfolio (tests of whole programs use it)."""
    roster = build_variables(problem)
    penalties = add_rules(roster)
    _hint_previous(roster)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers or max(FULL_PORTFOLIO, os.cpu_count() or 1)
    solver.parameters.random_seed = seed
    if deterministic:
        solver.parameters.num_workers = workers or FULL_PORTFOLIO
        solver.parameters.interleave_search = True
    solver.parameters.relative_gap_limit = relative_gap
    callback = _ProgressCallback(on_progress)
    status = solver.solve(roster.model, callback)
    found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    objective = solver.objective_value if found else 0.0
    bound = solver.best_objective_bound if found else 0.0
    gap = abs(objective - bound) / max(1.0, abs(objective)) if found else 1.0
    status_name = solver.status_name(status)
    if status == cp_model.OPTIMAL and objective - bound > 1e-6:
        status_name = "FEASIBLE"  # stopped within the gap limit: not proven optimal
    stats = SolveStats(
        status=status_name,
        objective=objective,
        best_bound=bound,
        gap=gap,
        wall_time_s=solver.wall_time,
        first_solution_s=callback.first_solution_s,
        penalties=tuple(
            (name, int(sum(solver.value(var) * weight for var, weight in terms)) if found else 0)
            for name, terms in penalties.items()
        ),
    )
    if not found:
        return RosterSolution((), (), stats)
    return _read_solution(roster, solver, stats)


def _hint_previous(roster: RosterModel) -> None:
    """Start the search from the previous version, so a regeneration changes little and fast."""
    previous = {(p.patient_id, p.session_id, p.day) for p in roster.problem.previous}
    if not previous:
        return
    for (patient_id, slot_index), var in roster.attends.items():
        slot = roster.slots[slot_index]
        kept = any((patient_id, sid, slot.day) in previous for sid in slot.session_ids)
        roster.model.add_hint(var, kept)


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
        placements.extend(
            fill_rooms(problem, slot, attendees.get(slot.index, []), rooms[slot.index])
        )
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
