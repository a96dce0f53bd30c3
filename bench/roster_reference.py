"""Independent reference models for the roster benchmark (not solver/model.py nor solver/rules.py).

Given the solver's coverage (each patient's scheduled day count and minutes), each model finds
the best roster under the hard rules for one lower-tier figure alone:
- `fewest_splits`: patients on more than one track in the week (a true one-track rule);
- `fewest_triples`: three-day patients on three consecutive days.
Hard rules: the pair rules (solver.availability), one session a day, room capacity, a group
runs with 0 or at least its minimum (parallel rooms of a slot are interchangeable: k open rooms
hold k·min..k·capacity patients), pins kept, the weekly ceiling; and no patient worse covered
than the solver left them (same days, minutes no further below the floor).
Each model is a lower bound for the solver's figure only at the solver's coverage; the solver
also keeps earlier tiers (stability before tracks, tracks before comfort), so a solver figure
above the reference is not by itself a defect.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from solver import Placement, RosterProblem
from solver.availability import candidate_slots
from solver.slots import Slot, group_slots


@dataclass(frozen=True)
class Reference:
    value: float
    bound: float
    status: str  # CP-SAT's word: OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN
    wall_s: float


class _Roster:
    """The hard rules over (patient, slot) choices, at the solver's coverage."""

    def __init__(self, problem: RosterProblem, placements: tuple[Placement, ...]) -> None:
        self.problem = problem
        self.model = cp_model.CpModel()
        self.slots = group_slots(problem)
        self.candidates = candidate_slots(problem, self.slots)
        slot_of = {(room.session_id, slot.day): slot for slot in self.slots for room in slot.rooms}
        self.days: dict[str, int] = defaultdict(int)
        self.minutes: dict[str, int] = defaultdict(int)
        self.chosen: set[tuple[str, int]] = set()
        for placement in placements:
            slot = slot_of[placement.session_id, placement.day]
            self.days[placement.patient_id] += 1
            self.minutes[placement.patient_id] += slot.minutes
            self.chosen.add((placement.patient_id, slot.index))
        self.x: dict[tuple[str, int], cp_model.IntVar] = {}
        for patient in problem.patients:
            for slot in self.candidates[patient.patient_id]:
                key = (patient.patient_id, slot.index)
                self.x[key] = self.model.new_bool_var(f"x_{patient.patient_id}_{slot.index}")
                self.model.add_hint(self.x[key], key in self.chosen)
        self._per_patient()
        self._per_slot(slot_of)

    def _per_patient(self) -> None:
        for patient in self.problem.patients:
            mine = self.candidates[patient.patient_id]
            by_day: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for slot in mine:
                by_day[slot.day_index].append(self.x[patient.patient_id, slot.index])
            for choices in by_day.values():
                self.model.add_at_most_one(choices)
            chosen = [self.x[patient.patient_id, slot.index] for slot in mine]
            self.model.add(sum(chosen) == self.days[patient.patient_id])
            minutes = sum(slot.minutes * self.x[patient.patient_id, slot.index] for slot in mine)
            self.model.add(minutes <= self.problem.max_weekly_minutes)
            floor = min(patient.min_weekly_minutes, self.minutes[patient.patient_id])
            self.model.add(minutes >= floor)

    def _per_slot(self, slot_of: dict[tuple[str, date], Slot]) -> None:
        attendees: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (_, index), var in self.x.items():
            attendees[index].append(var)
        pinned_rooms: dict[int, set[str]] = defaultdict(set)
        for pin in self.problem.pins:
            slot = slot_of[pin.session_id, pin.day]
            pinned_rooms[slot.index].add(pin.session_id)
            self.model.add(self.x[pin.patient_id, slot.index] == 1)
        for slot in self.slots:
            rooms = self.model.new_int_var(
                len(pinned_rooms[slot.index]), len(slot.rooms), f"rooms_{slot.index}"
            )
            size = sum(attendees[slot.index])
            self.model.add(size <= slot.capacity * rooms)
            self.model.add(size >= slot.min_size * rooms)

    def day_used(self, patient_id: str, day_index: int) -> cp_model.LinearExprT:
        return sum(
            self.x[patient_id, slot.index]
            for slot in self.candidates[patient_id]
            if slot.day_index == day_index
        )

    def solve(self, time_limit_s: float, workers: int) -> Reference:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = time_limit_s
        solver.parameters.num_workers = workers
        started = time.perf_counter()
        status = solver.solve(self.model)
        elapsed = time.perf_counter() - started
        name = solver.status_name(status)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Reference(float("nan"), float("nan"), name, elapsed)
        return Reference(solver.objective_value, solver.best_objective_bound, name, elapsed)


def fewest_splits(
    problem: RosterProblem,
    placements: tuple[Placement, ...],
    *,
    time_limit_s: float = 30.0,
    workers: int = 8,
) -> Reference:
    """The fewest patients on more than one track, at the solver's coverage."""
    roster = _Roster(problem, placements)
    splits = []
    for patient in problem.patients:
        by_track: dict[str, list[tuple[Slot, cp_model.IntVar]]] = defaultdict(list)
        for slot in roster.candidates[patient.patient_id]:
            by_track[slot.track].append((slot, roster.x[patient.patient_id, slot.index]))
        if len(by_track) < 2:
            continue
        hinted = {slot.track for slot, _ in _chosen(roster, patient.patient_id)}
        used = []
        for track, choices in by_track.items():
            on_track = roster.model.new_bool_var(f"on_{patient.patient_id}_{track}")
            roster.model.add_hint(on_track, track in hinted)
            for _, choice in choices:
                roster.model.add_implication(choice, on_track)
            # A tighter relaxation: a track gives at most as many days as it has fitting days.
            track_days = len({slot.day_index for slot, _ in choices})
            roster.model.add(sum(choice for _, choice in choices) <= track_days * on_track)
            used.append(on_track)
        split = roster.model.new_bool_var(f"split_{patient.patient_id}")
        roster.model.add_hint(split, len(hinted) > 1)
        roster.model.add(sum(used) <= 1 + (len(used) - 1) * split)
        splits.append(split)
    roster.model.minimize(sum(splits))
    return roster.solve(time_limit_s, workers)


def _chosen(roster: _Roster, patient_id: str) -> list[tuple[Slot, cp_model.IntVar]]:
    """The solver's own choices for a patient (the hint)."""
    return [
        (slot, roster.x[patient_id, slot.index])
        for slot in roster.candidates[patient_id]
        if (patient_id, slot.index) in roster.chosen
    ]


def fewest_triples(
    problem: RosterProblem,
    placements: tuple[Placement, ...],
    *,
    time_limit_s: float = 30.0,
    workers: int = 8,
) -> Reference:
    """The fewest three-day patients on three consecutive days, at the solver's coverage."""
    roster = _Roster(problem, placements)
    triples = []
    for patient in problem.patients:
        if patient.required_days != 3 or roster.days[patient.patient_id] != 3:
            continue
        triple = roster.model.new_bool_var(f"triple_{patient.patient_id}")
        days = sorted(slot.day_index for slot, _ in _chosen(roster, patient.patient_id))
        roster.model.add_hint(triple, len(days) == 3 and days[2] - days[0] == 2)
        for first in range(5):
            run = [roster.day_used(patient.patient_id, first + k) for k in range(3)]
            roster.model.add(sum(run) - 2 <= triple)
        triples.append(triple)
    roster.model.minimize(sum(triples))
    return roster.solve(time_limit_s, workers)
