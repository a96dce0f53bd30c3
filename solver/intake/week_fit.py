"""Does a newcomer's week fit, without making anyone enrolled short? An exact max-flow check.

The network: source → patient (their required days) → patient-day (one session a day) →
slot (a session time; parallel rooms pooled) → sink (the slot's seats). The enrolled alone
reach some flow F; the newcomer fits when enrolled and newcomer together reach F + their
required days: no enrolled patient then loses a day they could have had. Compatibility uses the
roster's own pair rules (enrolment dates, closures, commitments with travel). Not modelled: a
group's minimum size, the weekly hours floor and track preferences (the weekly roster weighs
those); a max flow is exact for days and seats.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ortools.graph.python import max_flow

from solver.availability import blocking_reason
from solver.problem import PatientWeek, RosterProblem
from solver.slots import Slot, group_slots

SOURCE, SINK = 0, 1


@dataclass(frozen=True)
class SeatPlan:
    """One seating of the week that meets as many required days as possible."""

    days_met: int
    days_required: int
    seats_by_session: dict[str, int]  # session id → seats taken
    days_by_patient: dict[str, int]


@dataclass(frozen=True)
class WeekFit:
    fits: bool
    required_days: int
    days_met: int  # the newcomer's days, with every enrolled patient kept whole
    open_days: tuple[date, ...]  # days with a session that fits the newcomer's commitments
    full_sessions: tuple[str, ...]  # sessions that fit the newcomer but have no seat to spare
    reason: str | None


class _Network:
    def __init__(self, problem: RosterProblem) -> None:
        self.problem = problem
        self.slots = group_slots(problem)
        self.flow = max_flow.SimpleMaxFlow()
        self._next_node = 2
        self.slot_nodes = {slot.index: self._node() for slot in self.slots}
        self.slot_arcs = {
            slot.index: self.flow.add_arc_with_capacity(
                self.slot_nodes[slot.index], SINK, slot.capacity * len(slot.rooms)
            )
            for slot in self.slots
        }
        self.patient_arcs: dict[str, int] = {}
        self.newcomer_days: list[date] = []
        self.newcomer_slots: list[Slot] = []

    def _node(self) -> int:
        node = self._next_node
        self._next_node += 1
        return node

    def add_patient(self, patient: PatientWeek) -> list[Slot]:
        allowed = [s for s in self.slots if blocking_reason(self.problem, patient, s) is None]
        by_day: dict[date, list[Slot]] = defaultdict(list)
        for slot in allowed:
            by_day[slot.day].append(slot)
        node = self._node()
        self.patient_arcs[patient.patient_id] = self.flow.add_arc_with_capacity(
            SOURCE, node, patient.required_days
        )
        for slots in by_day.values():
            day_node = self._node()
            self.flow.add_arc_with_capacity(node, day_node, 1)
            for slot in slots:
                self.flow.add_arc_with_capacity(day_node, self.slot_nodes[slot.index], 1)
        return allowed

    def solve(self) -> int:
        status = self.flow.solve(SOURCE, SINK)
        if status != self.flow.OPTIMAL:
            raise RuntimeError(f"max flow did not solve: status {status}")
        return int(self.flow.optimal_flow())


def _enrolled_network(problem: RosterProblem) -> _Network:
    network = _Network(problem)
    for patient in problem.patients:
        if patient.required_days > 0:
            network.add_patient(patient)
    return network


def seat_plan(problem: RosterProblem) -> SeatPlan:
    """The seats the enrolled take in one seating that meets the most required days."""
    network = _enrolled_network(problem)
    met = network.solve()
    seats: dict[str, int] = {}
    for slot in network.slots:
        taken = int(network.flow.flow(network.slot_arcs[slot.index]))
        # Parallel rooms of a slot are interchangeable: fill them in order.
        for room in slot.rooms:
            seats[room.session_id] = min(taken, room.capacity)
            taken -= seats[room.session_id]
    return SeatPlan(
        days_met=met,
        days_required=sum(p.required_days for p in problem.patients),
        seats_by_session={k: v for k, v in seats.items() if v},
        days_by_patient={
            pid: int(network.flow.flow(arc)) for pid, arc in network.patient_arcs.items()
        },
    )


def week_fit(problem: RosterProblem, newcomer: PatientWeek, *, enrolled_met: int) -> WeekFit:
    """Whether `newcomer` gets their required days while the enrolled still get `enrolled_met`
    (their best alone, from `seat_plan`)."""
    network = _enrolled_network(problem)
    allowed = network.add_patient(newcomer)
    total = network.solve()
    days_met = total - enrolled_met
    open_days = tuple(sorted({slot.day for slot in allowed}))
    required = newcomer.required_days
    if days_met >= required:
        return WeekFit(True, required, required, open_days, (), None)
    if len(open_days) < required:
        return WeekFit(
            False,
            required,
            days_met,
            open_days,
            (),
            _availability_reason(newcomer, required, open_days),
        )
    # A slot from which no residual path reaches the sink is full, and no one seated in it can
    # move to a seat elsewhere: it cannot make room for the newcomer.
    sink_side = set(network.flow.get_sink_side_min_cut())
    full = [slot for slot in allowed if network.slot_nodes[slot.index] not in sink_side]
    names = tuple(sorted({sid for slot in full for sid in slot.session_ids}))
    labels = ", ".join(slot.label() for slot in sorted(full, key=lambda s: s.index))
    reason = (
        f"needs {required} days, {days_met} left beside the enrolled: "
        f"{labels or 'the sessions that fit them'} full"
    )
    return WeekFit(False, required, days_met, open_days, names, reason)


def _availability_reason(newcomer: PatientWeek, required: int, open_days: tuple[date, ...]) -> str:
    days = f" ({', '.join(f'{day:%a}' for day in open_days)})" if open_days else ""
    hours = f" ({newcomer.hours_text})" if newcomer.hours_text else ""
    return (
        f"sessions fit their commitments{hours} on {len(open_days)} day(s){days}; "
        f"the course needs {required}"
    )
