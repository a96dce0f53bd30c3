"""Value objects shared by the aggregates: enums and small frozen records."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta


class Weekday(enum.Enum):
    MON = 0
    TUE = 1
    WED = 2
    THU = 3
    FRI = 4
    SAT = 5
    SUN = 6

    @classmethod
    def of(cls, day: date) -> Weekday:
        return cls(day.weekday())


class CommitmentKind(enum.Enum):
    WORK = "work"
    SCHOOL = "school"
    CHILDCARE = "childcare"
    OTHER = "other"


class CheckInRating(enum.Enum):
    ON_TRACK = "on_track"
    NEEDS_SUPPORT = "needs_support"
    READY_TO_STEP_DOWN = "ready_to_step_down"


class ScreenResult(enum.Enum):
    NEGATIVE = "negative"
    POSITIVE = "positive"
    DILUTE = "dilute"
    REFUSED = "refused"


class EnrollmentStatus(enum.Enum):
    ACTIVE = "active"
    PAUSED = "paused"
    STEPPED_DOWN = "stepped-down"
    DISCHARGED = "discharged"


class RosterStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


def minutes_between(start: time, end: time) -> int:
    """Length of an interval in minutes; an end before the start runs past midnight."""
    anchor = date(2000, 1, 1)
    begin = datetime.combine(anchor, start)
    finish = datetime.combine(anchor, end)
    if finish <= begin:
        finish += timedelta(days=1)
    return int((finish - begin).total_seconds() // 60)


@dataclass(frozen=True)
class Policy:
    """A program's scheduling and billing rules."""

    min_weekly_hours: int = 9
    min_days_per_week: int = 3
    max_days_per_week: int = 5
    min_program_weeks: int = 8
    max_program_weeks: int = 12
    travel_buffer_minutes: int = 30
    # A make-up starts at least this long after the miss is recorded, so the patient can come.
    makeup_notice_minutes: int = 120
    # A patient's personal fields can be erased this long after they stepped down or were
    # discharged: six years (HIPAA's retention of documentation, 45 CFR 164.316), leap days in.
    retention_days: int = 2192


@dataclass(frozen=True)
class HolidayRegion:
    """Where public holidays come from (resolved with the `holidays` package)."""

    country: str
    subdivision: str | None = None


@dataclass(frozen=True)
class SessionSpec:
    """A recurring weekly group session."""

    session_id: str
    name: str
    weekday: Weekday
    start: time
    end: time
    capacity: int
    min_size: int
    track: str

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)


@dataclass(frozen=True)
class Commitment:
    """Hours a patient cannot attend: work, school, childcare. An end before the start is overnight."""

    kind: CommitmentKind
    days: tuple[Weekday, ...]
    start: time
    end: time
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True)
class Assignment:
    """One patient in one session on one date."""

    patient_id: str
    session_id: str
    session_date: date


@dataclass(frozen=True)
class TierStatistics:
    """One tier of the roster's objective (coverage, stability, tracks, comfort), on its own."""

    name: str
    status: str
    objective: float
    bound: float
    gap: float


@dataclass(frozen=True)
class SolveStatistics:
    """What the solver reported, as it reported it: 'within gap' is not 'optimal'; OPTIMAL
    only when every tier is proven. Rosters generated before tiers were reported have none."""

    status: str
    objective: float
    best_bound: float
    gap: float
    wall_time_s: float
    tiers: tuple[TierStatistics, ...] = ()


@dataclass(frozen=True)
class RosterSession:
    """A session occurrence of the roster week (it runs when anyone is assigned to it)."""

    session_id: str
    session_date: date
    start: time
    end: time
    track: str


@dataclass(frozen=True)
class RosterPatient:
    """One patient's week as generated: the target, what was scheduled, and why any shortfall."""

    patient_id: str
    program_week: int
    required_days: int
    scheduled_days: int
    scheduled_minutes: int
    stepped_early: bool
    unmet_kind: str | None
    unmet_reason: str | None
