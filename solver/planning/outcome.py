"""What the forecast returns, week by week: loads, shortfalls with reasons, taper moves, starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class SessionLoad:
    session_id: str
    day: date
    track: str
    seats: int  # 0 when the meeting is not held (closure, cancellation)
    expected: int  # patients expected in it

    @property
    def fill(self) -> float:
        return self.expected / self.seats if self.seats else 0.0


@dataclass(frozen=True)
class TrackLoad:
    track: str
    seats: int
    expected: int

    @property
    def fill(self) -> float:
        return self.expected / self.seats if self.seats else 0.0


@dataclass(frozen=True)
class Shortfall:
    """Required days that will not be met, for patients whose circumstances are identical."""

    patient_ids: tuple[str, ...]
    days: int
    kind: str  # "availability" (no fitting session that day) | "capacity" (fitting seats taken)
    reason: str


@dataclass(frozen=True)
class TaperMove:
    """A taper step the plan moves by a week, with why; the program's policy allows both: an
    early step only where the next week is a step lower and never below the minimum, a later
    step only to give back a day missed the week before, where seats are free."""

    patient_id: str
    week: date  # the Monday of the week whose days change
    kind: str  # "earlier" | "later"
    planned_days: int
    moved_days: int
    reason: str


@dataclass(frozen=True)
class AdmissionStart:
    admission_id: str
    earliest: date
    starts: date | None  # None: no start within the horizon lets the whole course fit
    waiting_weeks: int


@dataclass(frozen=True)
class WeekForecast:
    monday: date
    census: int  # patients in the program that week (planned admissions that start included)
    required_days: int  # after the taper moves
    expected_days: int
    shortfall_days: int
    step_downs_due: tuple[str, ...]  # plans ending this week: stepped down the Monday after
    sessions: tuple[SessionLoad, ...]
    tracks: tuple[TrackLoad, ...]
    shortfalls: tuple[Shortfall, ...]


@dataclass(frozen=True)
class ForecastSolution:
    weeks: tuple[WeekForecast, ...]
    moves: tuple[TaperMove, ...]
    admissions: tuple[AdmissionStart, ...]
    status: str  # OPTIMAL (proven) | FEASIBLE (time limit reached first)
    objective: float
    best_bound: float
    wall_time_s: float

    @property
    def shortfall_days(self) -> int:
        return sum(week.shortfall_days for week in self.weeks)

    @property
    def waiting_weeks(self) -> int:
        return sum(start.waiting_weeks for start in self.admissions)

    @property
    def expected_days(self) -> int:
        return sum(week.expected_days for week in self.weeks)
