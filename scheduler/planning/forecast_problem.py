"""The program as the forecast sees it, from the read models: sessions, closures and
cancellations, each enrolment's taper over the horizon, and the planned admissions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from events.calendar import iso_week, plan_last_day, program_week, week_monday
from events.errors import InvalidRequestError, NotFoundError
from events.taper import TaperPlan, default_targets, target_for_week
from events.values import HolidayRegion, Weekday
from scheduler.holidays import public_holiday
from scheduler.planning.forecast_input import PlannedAdmission
from scheduler.projections.census import decode_targets
from scheduler.projections.store import ViewCursor
from scheduler.roster_problem import busy_times, enrolled_days, hours_text
from scheduler.service import Stepdown
from solver.planning import (
    ClosedDate,
    ForecastProblem,
    PlanAdmission,
    PlanPatient,
    PlanSession,
)
from solver.problem import MINUTES_PER_DAY

DEFAULT_WEEKS = 12
MAX_WEEKS = 26


def first_monday(stepdown: Stepdown, timezone: str, first_week: str | None) -> date:
    """The forecast's first week: the one asked for, or next week by the one clock."""
    if first_week is not None:
        return week_monday(first_week)
    today = stepdown.today(timezone)
    return today - timedelta(days=today.weekday()) + timedelta(weeks=1)


def forecast_problem(
    stepdown: Stepdown,
    program_id: str,
    *,
    first_week: str | None = None,
    weeks: int = DEFAULT_WEEKS,
    admissions: Sequence[PlannedAdmission] = (),
) -> ForecastProblem:
    """The program as the forecast sees it: from `first_week` (default: next week) for `weeks`."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidRequestError(f"weeks: {weeks} is not 1–{MAX_WEEKS}")
    with stepdown.views.transaction(commit=False) as cursor:
        program = program_document(cursor, program_id)
        first = first_monday(stepdown, program["timezone"], first_week)
        mondays = tuple(first + timedelta(weeks=w) for w in range(weeks))
        sessions = tuple(_sessions(cursor, program_id))
        closed = tuple(_closed(cursor, program, mondays))
        cancelled = frozenset(
            (r["session_id"], date.fromisoformat(r["session_date"]))
            for r in cursor.query(
                "SELECT session_id, session_date FROM view_directory_cancellations "
                "WHERE program_id = ?",
                (program_id,),
            )
        )
        patients = tuple(_patients(cursor, program_id, mondays))
    policy = program["policy"]
    return ForecastProblem(
        mondays=mondays,
        sessions=sessions,
        patients=patients,
        admissions=tuple(
            plan_admission(index, a, mondays, policy) for index, a in enumerate(admissions)
        ),
        closed=closed,
        cancelled=cancelled,
        min_days_per_week=policy["min_days_per_week"],
    )


def program_document(cursor: ViewCursor, program_id: str) -> dict[str, Any]:
    rows = cursor.query(
        "SELECT document FROM view_directory_programs WHERE program_id = ?", (program_id,)
    )
    if not rows:
        raise NotFoundError(f"program: {program_id!r} does not exist")
    document: dict[str, Any] = json.loads(rows[0]["document"])
    return document


def _sessions(cursor: ViewCursor, program_id: str) -> list[PlanSession]:
    sessions = []
    for row in cursor.query(
        "SELECT document FROM view_directory_sessions WHERE program_id = ? AND retired = 0 "
        "ORDER BY session_id",
        (program_id,),
    ):
        session = json.loads(row["document"])
        sessions.append(
            PlanSession(
                session["id"],
                Weekday[session["weekday"]].value,
                _minutes(session["start"]),
                _minutes(session["end"]),
                session["capacity"],
                session["track"],
            )
        )
    return sessions


def _closed(
    cursor: ViewCursor, program: dict[str, Any], mondays: tuple[date, ...]
) -> list[ClosedDate]:
    """Public holidays of the program's region and its own closures, within the horizon."""
    region = HolidayRegion(program["holidays"]["country"], program["holidays"].get("subdivision"))
    days = [monday + timedelta(days=d) for monday in mondays for d in range(7)]
    closed = [ClosedDate(day, name) for day in days if (name := public_holiday(region, day))]
    for row in cursor.query(
        "SELECT closed_on, reason FROM view_directory_closures WHERE program_id = ? "
        "AND closed_on >= ? AND closed_on <= ?",
        (program["id"], days[0].isoformat(), days[-1].isoformat()),
    ):
        closed.append(
            ClosedDate(date.fromisoformat(row["closed_on"]), row["reason"] or "program closure")
        )
    return closed


def _patients(cursor: ViewCursor, program_id: str, mondays: tuple[date, ...]) -> list[PlanPatient]:
    """Each enrolment's taper (holds and early steps recorded so far included) over the horizon,
    and the days of each week it is enrolled: not before its start, not after its plan's last
    week or its step-down or discharge, not while paused."""
    following = mondays[-1] + timedelta(weeks=1)
    found = []
    for row in cursor.query(
        "SELECT c.patient_id, c.start_date, c.targets, c.ended_on, c.pauses, d.document "
        "FROM view_census c JOIN view_directory_patients d "
        "ON d.program_id = c.program_id AND d.patient_id = c.patient_id "
        "WHERE c.program_id = ? ORDER BY c.patient_id",
        (program_id,),
    ):
        row = {**row, "document": cursor.unseal(row["document"])}
        start = date.fromisoformat(row["start_date"])
        targets = decode_targets(row["targets"])
        plan_end = plan_last_day(start, len(targets))
        weekly, days = [], []
        for monday in (*mondays, following):
            enrolled = {d.weekday() for d in enrolled_days(row, monday, plan_end)}
            target = target_for_week(targets, program_week(start, monday)) or 0
            # A partial week requires no more days than remain to the patient.
            weekly.append(min(target, len(enrolled)))
            days.append(frozenset(enrolled))
        if not any(weekly[:-1]):
            continue  # not in the program at any time of the horizon
        document = json.loads(row["document"])
        found.append(
            PlanPatient(
                document["id"],
                tuple(weekly),
                tuple(days[:-1]),
                tuple(busy_times(document["commitments"], mondays[0])),
                document["travel_minutes"],
                hours_text(document["commitments"]),
                busy_by_week=tuple(
                    tuple(busy_times(document["commitments"], monday)) for monday in mondays
                ),
            )
        )
    return found


def plan_admission(
    index: int,
    admission: PlannedAdmission,
    mondays: tuple[date, ...],
    policy: dict[str, Any],
    listed_as: str = "admissions",
) -> PlanAdmission:
    where = f"{listed_as}[{index}]"
    monday = week_monday(admission.start_week)
    earliest = (monday - mondays[0]).days // 7
    if not 0 <= earliest < len(mondays):
        raise InvalidRequestError(
            f"{where}.start_week: {admission.start_week} is outside the forecast's weeks "
            f"{iso_week(mondays[0])}–{iso_week(mondays[-1])}"
        )
    low, high = policy["min_days_per_week"], policy["max_days_per_week"]
    if not low <= admission.initial_days <= high:
        raise InvalidRequestError(
            f"{where}.initial_days_per_week: {admission.initial_days} is outside the program's "
            f"{low}–{high} days a week"
        )
    shortest, longest = policy["min_program_weeks"], policy["max_program_weeks"]
    if not shortest <= admission.planned_weeks <= longest:
        raise InvalidRequestError(
            f"{where}.planned_weeks: {admission.planned_weeks} is outside the program's "
            f"{shortest}–{longest} weeks"
        )
    course = default_targets(
        TaperPlan(admission.initial_days, low, admission.planned_weeks, longest)
    )
    travel = (
        policy["travel_buffer_minutes"]
        if admission.travel_minutes is None
        else admission.travel_minutes
    )
    return PlanAdmission(
        admission.admission_id,
        earliest,
        tuple(course),
        tuple(busy_times(list(admission.commitments), monday)),
        travel,
        hours_text(list(admission.commitments)),
    )


def _minutes(hhmm: str) -> int:
    if hhmm == "24:00":
        return MINUTES_PER_DAY
    hours, minutes = hhmm.split(":")[:2]
    return int(hours) * 60 + int(minutes)
