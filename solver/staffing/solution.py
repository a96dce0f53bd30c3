"""What the staffing solver returns: who facilitates each meeting, the appointments made, and
for everything it could not do a reason a coordinator can act on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class MeetingStaff:
    session_id: str
    day: date
    facilitator_ids: tuple[str, ...]  # lead first


@dataclass(frozen=True)
class Appointment:
    patient_id: str
    kind: str  # "individual" | "family"
    staff_id: str
    start: int  # minutes from Monday 00:00
    end: int
    next_to_group: bool  # one trip: it starts as a group ends or ends as one starts


@dataclass(frozen=True)
class UnstaffedMeeting:
    session_id: str
    day: date
    reason: str  # "no licensed_counsellor free Wednesday 17:00–20:00 (Ana Ruiz absent)"
    # True: it runs with its lead but without the second facilitator its size needs.
    only_second: bool = False


@dataclass(frozen=True)
class UnmetAppointment:
    patient_id: str
    kind: str
    reason: str


@dataclass(frozen=True)
class StaffingSolution:
    meetings: tuple[MeetingStaff, ...]
    appointments: tuple[Appointment, ...]
    unstaffed: tuple[UnstaffedMeeting, ...]
    unmet: tuple[UnmetAppointment, ...]
    status: str  # CP-SAT's: OPTIMAL, FEASIBLE, ...
    objective: float
    best_bound: float
    wall_time_s: float

    @property
    def gap(self) -> float:
        return (self.objective - self.best_bound) / max(1.0, abs(self.objective))
