"""Value objects of staffing: staff members, their hours, rooms, and how a session is staffed."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import time

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
