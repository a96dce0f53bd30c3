"""The first-fit baseline a coordinator's spreadsheet amounts to, for benchmarks only.

Most constrained patient first (fewest fitting days for the days they need), each takes the
earliest fitting session with a free seat, one a day; afterwards a session with fewer than
its minimum size does not run and its patients lose that day.
"""

from __future__ import annotations

import time
from collections import defaultdict

from solver.availability import candidate_slots
from solver.problem import PatientOutcome, Placement, RosterProblem, RosterSolution, SolveStats
from solver.slots import group_slots


def greedy_roster(problem: RosterProblem) -> RosterSolution:
    started = time.perf_counter()
    slots = group_slots(problem)
    candidates = candidate_slots(problem, slots)
    seats: dict[str, int] = defaultdict(int)  # session id → patients placed
    placements: list[Placement] = []

    def tightness(patient_id: str, required: int) -> tuple[float, str]:
        fitting_days = len({slot.day_index for slot in candidates[patient_id]})
        return (fitting_days / max(1, required), patient_id)

    order = sorted(problem.patients, key=lambda p: tightness(p.patient_id, p.required_days))
    for patient in order:
        days_taken: set[int] = set()
        minutes = 0
        ordered = sorted(candidates[patient.patient_id], key=lambda s: (s.day, s.start_minute))
        for slot in ordered:
            if len(days_taken) >= patient.required_days or slot.day_index in days_taken:
                continue
            if minutes + slot.minutes > problem.max_weekly_minutes:
                continue
            room = next((r for r in slot.rooms if seats[r.session_id] < r.capacity), None)
            if room is None:
                continue
            seats[room.session_id] += 1
            days_taken.add(slot.day_index)
            minutes += slot.minutes
            placements.append(Placement(patient.patient_id, room.session_id, slot.day))
    too_small = {
        room.session_id
        for slot in slots
        for room in slot.rooms
        if 0 < seats[room.session_id] < room.min_size
    }
    kept = [p for p in placements if p.session_id not in too_small]
    minutes_of = {room.session_id: room.minutes for room in problem.sessions}
    outcomes = []
    for patient in problem.patients:
        mine = [p for p in kept if p.patient_id == patient.patient_id]
        outcomes.append(
            PatientOutcome(
                patient_id=patient.patient_id,
                required_days=patient.required_days,
                scheduled_days=len({p.day for p in mine}),
                scheduled_minutes=sum(minutes_of[p.session_id] for p in mine),
                stepped_early=False,
                unmet_reason=None,
            )
        )
    elapsed = time.perf_counter() - started
    stats = SolveStats("GREEDY", 0.0, 0.0, 0.0, elapsed, elapsed)
    return RosterSolution(tuple(kept), tuple(outcomes), stats)
