"""When can a referral start? The earliest date whose whole planned course fits the program.

Candidates are the referral's earliest start (or today, if later) and each Monday after it,
within the horizon. A candidate fits when every week of the course (the referral's taper over
their planned weeks) passes the exact max-flow check of `solver.intake.week_fit`: their required
days fit sessions that suit their commitments, with seats left once every enrolled patient has
as many days as they could have without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from events.billing import BILLABLE_DAY_MINUTES
from events.calendar import iso_week, monday_of, plan_last_day
from events.errors import ConflictError, InvalidRequestError
from events.planning.referral import Referral, ReferralStatus
from events.taper import TaperPlan, default_targets
from events.values import Policy
from scheduler.planning.referrals import HORIZON_WEEKS, get_referral
from scheduler.planning.seats import FutureWeeks
from scheduler.program_file import commitment_document
from scheduler.roster_problem import busy_times, hours_text
from scheduler.service import Stepdown
from solver.intake import WeekFit
from solver.problem import PatientWeek

MAX_HORIZON_WEEKS = 52


@dataclass(frozen=True)
class CourseWeek:
    program_week: int
    week: str  # ISO week
    monday: date
    required_days: int
    fits: bool
    reason: str | None


@dataclass(frozen=True)
class StartAnswer:
    referral_id: str
    start_date: date | None  # None: no date within the horizon fits the whole course
    horizon_from: date
    horizon_until: date
    course: tuple[CourseWeek, ...]  # the course from the start found
    # Why each candidate failed: (candidate start, Monday of the first week that does not fit,
    # its reason).
    refusals: tuple[tuple[date, str, str], ...]

    @property
    def reason(self) -> str | None:
        """Why no date fits: the reason most candidates fail, with the week it first appears."""
        if self.start_date is not None or not self.refusals:
            return None
        counts: dict[str, int] = {}
        for _, _, reason in self.refusals:
            counts[reason] = counts.get(reason, 0) + 1
        common = max(counts, key=lambda r: (counts[r], -self._first_index(r)))
        week = next(w for _, w, r in self.refusals if r == common)
        return (
            f"no start from {self.horizon_from} to {self.horizon_until} fits the whole course: "
            f"week of {week}: {common}"
        )

    def _first_index(self, reason: str) -> int:
        return next(i for i, (_, _, r) in enumerate(self.refusals) if r == reason)


def earliest_start(
    stepdown: Stepdown, program_id: str, referral_id: str, *, horizon_weeks: int = HORIZON_WEEKS
) -> StartAnswer:
    """From the read models as they are (the caller brings them up to date first)."""
    if not 1 <= horizon_weeks <= MAX_HORIZON_WEEKS:
        raise InvalidRequestError(
            f"horizon_weeks: {horizon_weeks} is outside 1–{MAX_HORIZON_WEEKS} weeks"
        )
    program = stepdown.app.get_program(program_id)
    referral = get_referral(stepdown, program_id, referral_id)
    if referral.status is not ReferralStatus.WAITING:
        raise ConflictError(f"referral {referral_id} is {referral.status.value}; not waiting")
    today = stepdown.today(program.timezone)
    first = max(today, referral.earliest_start)
    until = today + timedelta(weeks=horizon_weeks)
    if first > until:
        raise InvalidRequestError(
            f"referral {referral_id}: earliest start {referral.earliest_start} is beyond the "
            f"{horizon_weeks}-week horizon (until {until})"
        )
    targets = _course_targets(referral, program.policy)
    with stepdown.views.transaction(commit=False) as cursor:
        checker = _CourseChecker(FutureWeeks(cursor, program_id), referral, program.policy)
        refusals: list[tuple[date, str, str]] = []
        for start in _candidates(first, until):
            course = checker.course(start, targets)
            failed = next((week for week in course if not week.fits), None)
            if failed is None:
                return StartAnswer(referral_id, start, first, until, course, tuple(refusals))
            refusals.append((start, failed.monday.isoformat(), failed.reason or ""))
    return StartAnswer(referral_id, None, first, until, (), tuple(refusals))


def _candidates(first: date, until: date) -> list[date]:
    """The first possible day, then each Monday (program weeks run Monday to Sunday)."""
    mondays = []
    monday = monday_of(first) + timedelta(weeks=1)
    while monday <= until:
        mondays.append(monday)
        monday += timedelta(weeks=1)
    return [first, *mondays]


def _course_targets(referral: Referral, policy: Policy) -> tuple[int, ...]:
    plan = TaperPlan(
        referral.initial_days_per_week,
        policy.min_days_per_week,
        referral.planned_weeks,
        policy.max_program_weeks,
    )
    return tuple(default_targets(plan))


class _CourseChecker:
    def __init__(self, weeks: FutureWeeks, referral: Referral, policy: Policy) -> None:
        self.weeks = weeks
        self.referral = referral
        self.travel = (
            referral.travel_minutes
            if referral.travel_minutes is not None
            else policy.travel_buffer_minutes
        )
        self.commitments = [commitment_document(c) for c in referral.commitments]
        self.weekly_floor_minutes = policy.min_weekly_hours * 60
        self._fits: dict[tuple[date, date, int], WeekFit] = {}

    def course(self, start: date, targets: tuple[int, ...]) -> tuple[CourseWeek, ...]:
        """Each course week checked in order, up to the first that does not fit."""
        checked: list[CourseWeek] = []
        last_day = plan_last_day(start, len(targets))
        for number, target in enumerate(targets, start=1):
            monday = monday_of(start) + timedelta(weeks=number - 1)
            fit = self._week(
                monday, max(start, monday), min(last_day, monday + timedelta(6)), target
            )
            checked.append(
                CourseWeek(
                    number, iso_week(monday), monday, fit.required_days, fit.fits, fit.reason
                )
            )
            if not fit.fits:
                break
        return tuple(checked)

    def _week(self, monday: date, first_day: date, last_day: date, target: int) -> WeekFit:
        key = (monday, first_day, target)
        if key not in self._fits:
            problem = self.weeks.problem(monday)
            closed = {c.day for c in problem.closed_days}
            open_days = {s.day for s in problem.sessions if first_day <= s.day <= last_day} - closed
            # A partial week (a mid-week start, a holiday) requires no more days than are open.
            required = min(target, len(open_days))
            newcomer = PatientWeek(
                patient_id=f"referral:{self.referral.referral_id}",
                required_days=required,
                # As the roster prorates it: the floor, or a billable day for each day required.
                min_weekly_minutes=min(self.weekly_floor_minutes, required * BILLABLE_DAY_MINUTES),
                available_from=first_day,
                available_until=last_day,
                travel_minutes=self.travel,
                busy=tuple(busy_times(self.commitments, monday)),
                hours_text=hours_text(self.commitments),
            )
            self._fits[key] = self.weeks.seats(monday).fit(newcomer)
        return self._fits[key]
