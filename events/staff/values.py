"""Value objects of staffing: staff members, their hours, rooms, and how a session is staffed."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, time

from events.values import Weekday


class Modality(enum.Enum):
    IN_PERSON = "in_person"
    # Virtual sessions need no room and no travel time.
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


@dataclass(frozen=True)
class AvailabilityWindow:
    """Hours a staff member works on one weekday, every week."""

    weekday: Weekday
    start: time
    end: time

    def covers(self, weekday: Weekday, start: time, end: time) -> bool:
        return self.weekday is weekday and self.start <= start and end <= self.end

    def overlaps(self, other: AvailabilityWindow) -> bool:
        return self.weekday is other.weekday and self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class StaffMember:
    staff_id: str
    name: str
    role: str
    credentials: tuple[str, ...]
    availability: tuple[AvailabilityWindow, ...]
    max_hours_per_week: int
    # Patients for whom this member may be primary counsellor (e.g. 1:24 in IOP); 0: none.
    caseload_cap: int

    def available(self, weekday: Weekday, start: time, end: time) -> bool:
        return any(window.covers(weekday, start, end) for window in self.availability)


@dataclass(frozen=True)
class Room:
    room_id: str
    capacity: int


@dataclass(frozen=True)
class SessionStaffing:
    """How a recurring session is staffed: its modality, room, facilitators and what they need."""

    session_id: str
    modality: Modality
    room_id: str | None
    facilitator_ids: tuple[str, ...]
    required_credentials: tuple[str, ...]


@dataclass(frozen=True)
class StaffingPolicy:
    """A program's staffing rules; None where the program has no such rule."""

    # A group with more patients than this needs a second facilitator (some states' rule).
    second_facilitator_above: int | None = None
    # Individual counselling with the primary counsellor every N weeks (1: weekly).
    individual_session_every_weeks: int | None = None
    # A family session every N weeks (4: monthly, a common rule).
    family_session_every_weeks: int | None = None


@dataclass(frozen=True)
class StaffedMeeting:
    """Who facilitates one meeting of a roster week, the lead first."""

    session_id: str
    session_date: date
    facilitator_ids: tuple[str, ...]


@dataclass(frozen=True)
class BookedAppointment:
    """An individual or family session with the patient's primary counsellor."""

    patient_id: str
    kind: str  # "individual" | "family"
    staff_id: str
    session_date: date
    start: time
    end: time
    # One trip: it starts as one of the patient's groups ends, or ends as one starts.
    next_to_group: bool


@dataclass(frozen=True)
class StaffingGap:
    """Something the week's staffing could not do, with the reason a coordinator acts on.

    `kind`: "not_running" (a meeting nobody could lead, so its seats were not offered),
    "no_second" (it runs without the second facilitator its size needs), "individual" or
    "family" (a session the patient was due and did not get)."""

    kind: str
    reason: str
    session_id: str | None = None
    session_date: date | None = None
    patient_id: str | None = None


@dataclass(frozen=True)
class WeekStaffing:
    meetings: tuple[StaffedMeeting, ...]
    appointments: tuple[BookedAppointment, ...]
    gaps: tuple[StaffingGap, ...]
    # The staffing solve, reported as it was: CP-SAT's status, objective and best bound.
    status: str = ""
    objective: float = 0.0
    best_bound: float = 0.0
    wall_time_s: float = 0.0
