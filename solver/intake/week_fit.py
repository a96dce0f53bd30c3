"""Does a newcomer's week fit, without making anyone enrolled short? An exact max-flow check.

The network: source → patient (their required days) → patient-day (one session a day) →
slot (a session time; parallel rooms pooled) → sink (the slot's seats). The enrolled alone
reach some flow F; the newcomer fits when enrolled and newcomer together reach F + their
required days: no enrolled patient then loses a day they could have had. Compatibility uses the
roster's own pair rules (enrolment dates, closures, commitments with travel). The newcomer's
weekly hours floor is checked on their own (the longest session that suits them each day, seats
aside). Not modelled: a group's minimum size, the enrolled's hours and track preferences (the
weekly roster weighs those); the max flow is exact for days and seats.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
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


@dataclass
class _Arcs:
    """A flow network's arcs as three lists, so a copy can be extended and solved anew."""

    tails: list[int] = field(default_factory=list)
    heads: list[int] = field(default_factory=list)
    capacities: list[int] = field(default_factory=list)

    def add(self, tail: int, head: int, capacity: int) -> int:
        self.tails.append(tail)
        self.heads.append(head)
        self.capacities.append(capacity)
        return len(self.tails) - 1

    def copy(self) -> _Arcs:
        return _Arcs(list(self.tails), list(self.heads), list(self.capacities))


class WeekSeats:
    """One week's sessions and enrolled patients, their compatible sessions worked out once;
    then the enrolled's best seating (`plan`) and any newcomer's fit (`fit`) are a max flow each."""

    def __init__(self, problem: RosterProblem) -> None:
        self.problem = problem
        self.slots = group_slots(problem)
        self._slot_node = {slot.index: 2 + position for position, slot in enumerate(self.slots)}
        self._arcs = _Arcs()
        self._slot_arcs = {
            slot.index: self._arcs.add(
                self._slot_node[slot.index], SINK, slot.capacity * len(slot.rooms)
            )
            for slot in self.slots
        }
        self._next_node = 2 + len(self.slots)
        self._patient_arcs: dict[str, int] = {}
        for patient in problem.patients:
            if patient.required_days > 0:
                self._patient_arcs[patient.patient_id] = self._add_patient(
                    self._arcs, patient, self._allowed(patient)
                )
        self._plan: SeatPlan | None = None

    def plan(self) -> SeatPlan:
        """The seats the enrolled take in one seating that meets the most required days."""
        if self._plan is None:
            flow = self._solved(self._arcs)
            seats: dict[str, int] = {}
            for slot in self.slots:
                taken = int(flow.flow(self._slot_arcs[slot.index]))
                # Parallel rooms of a slot are interchangeable: fill them in order.
                for room in slot.rooms:
                    seats[room.session_id] = min(taken, room.capacity)
                    taken -= seats[room.session_id]
            self._plan = SeatPlan(
                days_met=int(flow.optimal_flow()),
                days_required=sum(p.required_days for p in self.problem.patients),
                seats_by_session={k: v for k, v in seats.items() if v},
                days_by_patient={
                    pid: int(flow.flow(arc)) for pid, arc in self._patient_arcs.items()
                },
            )
        return self._plan

    def fit(self, newcomer: PatientWeek) -> WeekFit:
        """Whether `newcomer` gets their required days while the enrolled keep their best."""
        enrolled_met = self.plan().days_met
        allowed = self._allowed(newcomer)
        arcs, first_free_node = self._arcs.copy(), self._next_node
        self._add_patient(arcs, newcomer, allowed)
        self._next_node = first_free_node  # the newcomer's nodes belong to this copy only
        flow = self._solved(arcs)
        days_met = int(flow.optimal_flow()) - enrolled_met
        open_days = tuple(sorted({slot.day for slot in allowed}))
        required = newcomer.required_days
        enough_hours = _most_minutes(allowed, required) >= newcomer.min_weekly_minutes
        if days_met >= required and enough_hours:
            return WeekFit(True, required, required, open_days, (), None)
        if len(open_days) < required:
            reason = _availability_reason(newcomer, required, open_days)
            return WeekFit(False, required, days_met, open_days, (), reason)
        if not enough_hours:
            reason = _hours_reason(newcomer, required, _most_minutes(allowed, required))
            return WeekFit(False, required, days_met, open_days, (), reason)
        # A slot from which no residual path reaches the sink is full, and no one seated in it
        # can move to a seat elsewhere: it cannot make room for the newcomer.
        sink_side = set(flow.get_sink_side_min_cut())
        full = [slot for slot in allowed if self._slot_node[slot.index] not in sink_side]
        names = tuple(sorted({sid for slot in full for sid in slot.session_ids}))
        labels = ", ".join(slot.label() for slot in sorted(full, key=lambda s: s.index))
        reason = (
            f"needs {required} days, {days_met} left beside the enrolled: "
            f"{labels or 'the sessions that fit them'} full"
        )
        return WeekFit(False, required, days_met, open_days, names, reason)

    def _allowed(self, patient: PatientWeek) -> list[Slot]:
        return [s for s in self.slots if blocking_reason(self.problem, patient, s) is None]

    def _add_patient(self, arcs: _Arcs, patient: PatientWeek, allowed: list[Slot]) -> int:
        """source → patient (required days) → one node a day (one session) → the day's slots."""
        by_day: dict[date, list[Slot]] = defaultdict(list)
        for slot in allowed:
            by_day[slot.day].append(slot)
        node = self._node()
        patient_arc = arcs.add(SOURCE, node, patient.required_days)
        for slots in by_day.values():
            day_node = self._node()
            arcs.add(node, day_node, 1)
            for slot in slots:
                arcs.add(day_node, self._slot_node[slot.index], 1)
        return patient_arc

    def _node(self) -> int:
        node = self._next_node
        self._next_node += 1
        return node

    @staticmethod
    def _solved(arcs: _Arcs) -> max_flow.SimpleMaxFlow:
        flow = max_flow.SimpleMaxFlow()
        flow.add_arcs_with_capacity(arcs.tails, arcs.heads, arcs.capacities)
        status = flow.solve(SOURCE, SINK)
        if status != flow.OPTIMAL:
            raise RuntimeError(f"max flow did not solve: status {status}")
        return flow


def seat_plan(problem: RosterProblem) -> SeatPlan:
    """The seats the enrolled take in one seating that meets the most required days."""
    return WeekSeats(problem).plan()


def week_fit(problem: RosterProblem, newcomer: PatientWeek) -> WeekFit:
    """Whether `newcomer` gets their required days while the enrolled keep their best."""
    return WeekSeats(problem).fit(newcomer)


def _most_minutes(allowed: list[Slot], days: int) -> int:
    """The most minutes `days` days of the sessions that suit the patient can give."""
    longest: dict[date, int] = {}
    for slot in allowed:
        longest[slot.day] = max(longest.get(slot.day, 0), slot.minutes)
    return sum(sorted(longest.values(), reverse=True)[:days])


def _hours_reason(newcomer: PatientWeek, required: int, most_minutes: int) -> str:
    return (
        f"the sessions that fit their commitments give at most {most_minutes / 60:g} hours on "
        f"{required} days; the weekly floor is {newcomer.min_weekly_minutes / 60:g} hours"
    )


def _availability_reason(newcomer: PatientWeek, required: int, open_days: tuple[date, ...]) -> str:
    days = f" ({', '.join(f'{day:%a}' for day in open_days)})" if open_days else ""
    hours = f" ({newcomer.hours_text})" if newcomer.hours_text else ""
    return (
        f"sessions fit their commitments{hours} on {len(open_days)} day(s){days}; "
        f"the course needs {required}"
    )
