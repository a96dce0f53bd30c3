"""What the forecast is given: the program's weekly sessions, its closures, the patients enrolled
(their taper over the horizon) and the planned admissions. Frozen dataclasses, stdlib only.

Times are minutes from Monday 00:00 of a week, as in the weekly roster (solver/problem.py), so a
patient's commitments (`Busy`) are written the same way here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from solver.problem import Busy

WEEKDAY_NAMES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")


class PlanningInputError(ValueError):
    """A forecast or what-if asked for something the program does not have or cannot do."""


@dataclass(frozen=True)
class PlanSession:
    """A recurring weekly group."""

    session_id: str
    weekday: int  # 0 = Monday
    start_minute: int  # from midnight
    end_minute: int
    capacity: int
    track: str

    def label(self) -> str:
        return f"{WEEKDAY_NAMES[self.weekday]} {clock(self.start_minute)}–{clock(self.end_minute)} {self.track}"


@dataclass(frozen=True)
class ClosedDate:
    day: date
    reason: str  # "Christmas Day", "staff training"


@dataclass(frozen=True)
class PlanPatient:
    """An enrolled patient over the horizon.

    `targets[w]` is the taper's days for horizon week w (0: not in the program that week), one
    more entry than the horizon: the week after it, so a step due just after is known.
    `days[w]` holds the weekdays of week w they are enrolled (a start or step-down mid-week).
    """

    patient_id: str
    targets: tuple[int, ...]
    days: tuple[frozenset[int], ...]
    busy: tuple[Busy, ...]  # every week, unless busy_by_week says otherwise
    travel_minutes: int
    hours_text: str = ""
    # Each horizon week's commitments, where they differ by week (a job that ends, school that
    # starts: a commitment's from/until dates); empty: `busy` every week.
    busy_by_week: tuple[tuple[Busy, ...], ...] = ()

    def busy_in(self, week: int) -> tuple[Busy, ...]:
        return self.busy_by_week[week] if self.busy_by_week else self.busy


@dataclass(frozen=True)
class PlanAdmission:
    """A planned admission (a referral): its course starts on the Monday of `earliest_week`
    (a horizon week index) or later, when its whole course fits."""

    admission_id: str
    earliest_week: int
    course: tuple[int, ...]  # the taper's days for program weeks 1..planned weeks
    busy: tuple[Busy, ...]
    travel_minutes: int
    hours_text: str = ""


@dataclass(frozen=True)
class ForecastProblem:
    mondays: tuple[date, ...]  # the horizon's weeks
    sessions: tuple[PlanSession, ...]
    patients: tuple[PlanPatient, ...] = ()
    admissions: tuple[PlanAdmission, ...] = ()
    closed: tuple[ClosedDate, ...] = ()
    cancelled: frozenset[tuple[str, date]] = frozenset()  # (session, date) meetings not held
    min_days_per_week: int = 3  # the taper never goes below it (an early step included)

    @property
    def horizon(self) -> int:
        return len(self.mondays)

    def day_of(self, week: int, weekday: int) -> date:
        return self.mondays[week] + timedelta(days=weekday)

    def week_of(self, day: date) -> int | None:
        for index, monday in enumerate(self.mondays):
            if monday <= day < monday + timedelta(days=7):
                return index
        return None


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
