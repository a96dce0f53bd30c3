"""Build the solver's input for one program-week from the read models (no aggregate replay)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from functools import lru_cache
from typing import Any

from events.billing import BILLABLE_DAY_MINUTES
from events.calendar import iso_week, plan_last_day, program_week, week_monday
from events.errors import NotFoundError
from events.taper import target_for_week
from events.values import HolidayRegion, Weekday
from scheduler.holidays import public_holiday
from scheduler.projections.census import decode_targets
from scheduler.projections.store import ViewCursor
from scheduler.staff.queries import virtual_session_ids
from solver import Busy, ClosedDay, PatientWeek, Placement, RosterProblem, SessionOccurrence
from solver.pins import pin_blocking_reason
from solver.problem import MINUTES_PER_DAY


@dataclass(frozen=True)
class RosterInput:
    problem: RosterProblem
    program_weeks: dict[str, int]  # patient id → program week of this roster week
    # Make-ups already booked this week: kept through a regeneration like pins, but not pins
    # (a coordinator neither set nor can remove them).
    make_up_seats: tuple[Placement, ...] = ()


def caseload_rows(cursor: ViewCursor, program_id: str) -> list[dict[str, Any]]:
    """Every enrolment's census row with its directory document opened, by patient id."""
    return [
        {**row, "document": cursor.unseal(row["document"])}
        for row in cursor.query(
            "SELECT c.patient_id, c.start_date, c.targets, c.min_weekly_hours, c.ended_on, "
            "c.pauses, d.document FROM view_census c JOIN view_directory_patients d "
            "ON d.program_id = c.program_id AND d.patient_id = c.patient_id "
            "WHERE c.program_id = ? ORDER BY c.patient_id",
            (program_id,),
        )
    ]


def build_roster_input(
    cursor: ViewCursor,
    program_id: str,
    week: str,
    *,
    caseload: list[dict[str, Any]] | None = None,
) -> RosterInput:
    """`caseload` (from `caseload_rows`) saves reading it again when building many weeks."""
    monday = week_monday(week)
    program = _program(cursor, program_id)
    closed = _closed_days(cursor, program, monday)
    sessions = _without_cancelled(cursor, program_id, _sessions(cursor, program_id, monday))
    open_days = {s.day for s in sessions} - {c.day for c in closed}
    last_week = _assignments(cursor, program_id, iso_week(monday - timedelta(days=7)))
    patients: list[PatientWeek] = []
    weeks: dict[str, int] = {}
    for row in caseload if caseload is not None else caseload_rows(cursor, program_id):
        patient = _patient_week(row, monday, open_days, last_week)
        if patient is not None:
            patients.append(patient)
            weeks[patient.patient_id] = program_week(date.fromisoformat(row["start_date"]), monday)
    previous = _assignments(cursor, program_id, week)
    pins = tuple(
        Placement(r["patient_id"], r["session_id"], date.fromisoformat(r["session_date"]))
        for r in cursor.query(
            "SELECT p.* FROM view_roster_pins p JOIN view_rosters r ON r.roster_id = p.roster_id "
            "WHERE r.program_id = ? AND r.week = ?",
            (program_id, week),
        )
    )
    make_ups = _make_ups(cursor, program_id, week, sessions, closed)
    missed = _missed(cursor, program_id, monday) | {
        (m.seat.patient_id, m.missed_session_id, m.missed_date) for m in make_ups
    }
    patients = [_away_from_missed(p, missed, sessions, monday) for p in patients]
    seated = {p.patient_id for p in patients}
    problem = RosterProblem(
        week_monday=monday,
        sessions=tuple(sessions),
        patients=tuple(patients),
        closed_days=tuple(closed),
        pins=pins,
        previous=tuple(previous),
    )
    # A make-up a later fact made impossible (a pause the roster policy has not reached yet)
    # is left to that policy, never forced on the solver.
    make_up_seats = tuple(
        m.seat
        for m in make_ups
        if m.seat.patient_id in seated and pin_blocking_reason(problem, m.seat) is None
    )
    return RosterInput(replace(problem, pins=(*pins, *make_up_seats)), weeks, make_up_seats)


def _program(cursor: ViewCursor, program_id: str) -> dict[str, Any]:
    rows = cursor.query(
        "SELECT document FROM view_directory_programs WHERE program_id = ?", (program_id,)
    )
    if not rows:
        raise NotFoundError(f"program: {program_id!r} does not exist")
    document: dict[str, Any] = json.loads(rows[0]["document"])
    return document


def _closed_days(cursor: ViewCursor, program: dict[str, Any], monday: date) -> list[ClosedDay]:
    """Public holidays of the program's country and subdivision, and its own closures."""
    region = HolidayRegion(program["holidays"]["country"], program["holidays"].get("subdivision"))
    days = [monday + timedelta(days=offset) for offset in range(7)]
    closed = [
        ClosedDay(day, name) for day in days if (name := public_holiday(region, day)) is not None
    ]
    for row in cursor.query(
        "SELECT closed_on, reason FROM view_directory_closures WHERE program_id = ? "
        "AND closed_on >= ? AND closed_on <= ?",
        (program["id"], days[0].isoformat(), days[-1].isoformat()),
    ):
        closed.append(
            ClosedDay(date.fromisoformat(row["closed_on"]), row["reason"] or "program closure")
        )
    return closed


def _sessions(cursor: ViewCursor, program_id: str, monday: date) -> list[SessionOccurrence]:
    virtual = virtual_session_ids(cursor, program_id)
    occurrences = []
    for row in cursor.query(
        "SELECT document FROM view_directory_sessions WHERE program_id = ? AND retired = 0",
        (program_id,),
    ):
        session = json.loads(row["document"])
        occurrences.append(
            SessionOccurrence(
                session_id=session["id"],
                day=monday + timedelta(days=Weekday[session["weekday"]].value),
                start_minute=_minutes(session["start"]),
                end_minute=_minutes(session["end"]),
                capacity=session["capacity"],
                min_size=session["min_size"],
                track=session["track"],
                virtual=session["id"] in virtual,
            )
        )
    return occurrences


def _without_cancelled(
    cursor: ViewCursor, program_id: str, sessions: list[SessionOccurrence]
) -> list[SessionOccurrence]:
    """A cancelled meeting does not run that day: a regeneration seats nobody in it."""
    cancelled = {
        (r["session_id"], date.fromisoformat(r["session_date"]))
        for r in cursor.query(
            "SELECT session_id, session_date FROM view_directory_cancellations "
            "WHERE program_id = ?",
            (program_id,),
        )
    }
    return [s for s in sessions if (s.session_id, s.day) not in cancelled]


@dataclass(frozen=True)
class _MakeUp:
    seat: Placement
    missed_session_id: str
    missed_date: date


def _make_ups(
    cursor: ViewCursor,
    program_id: str,
    week: str,
    sessions: list[SessionOccurrence],
    closed: list[ClosedDay],
) -> list[_MakeUp]:
    """Make-up seats already booked this week (still running): a regeneration keeps them."""
    running = {(s.session_id, s.day) for s in sessions} - {
        (s.session_id, c.day) for s in sessions for c in closed
    }
    rows = cursor.query(
        "SELECT m.* FROM view_roster_make_ups m JOIN view_rosters r ON r.roster_id = m.roster_id "
        "WHERE r.program_id = ? AND r.week = ? ORDER BY m.patient_id, m.session_date",
        (program_id, week),
    )
    make_ups = [
        _MakeUp(
            Placement(r["patient_id"], r["session_id"], date.fromisoformat(r["session_date"])),
            r["missed_session_id"],
            date.fromisoformat(r["missed_date"]),
        )
        for r in rows
    ]
    return [m for m in make_ups if (m.seat.session_id, m.seat.day) in running]


def _missed(cursor: ViewCursor, program_id: str, monday: date) -> set[tuple[str, str, date]]:
    """(patient, session, date) of every miss recorded this week."""
    return {
        (r["patient_id"], r["session_id"], date.fromisoformat(r["session_date"]))
        for r in cursor.query(
            "SELECT patient_id, session_id, session_date FROM view_attendance_marks "
            "WHERE program_id = ? AND status <> 'attended' AND session_date >= ? "
            "AND session_date <= ?",
            (program_id, monday.isoformat(), (monday + timedelta(days=6)).isoformat()),
        )
    }


def _away_from_missed(
    patient: PatientWeek,
    missed: set[tuple[str, str, date]],
    sessions: list[SessionOccurrence],
    monday: date,
) -> PatientWeek:
    """A meeting the patient missed stays missed (made up or not): they are not seated in it again."""
    busy = [
        Busy(
            (s.day - monday).days * MINUTES_PER_DAY + s.start_minute,
            (s.day - monday).days * MINUTES_PER_DAY + s.end_minute,
            f"missed {s.session_id} {s.day:%a}",
        )
        for s in sessions
        if (patient.patient_id, s.session_id, s.day) in missed
    ]
    return replace(patient, busy=(*patient.busy, *busy)) if busy else patient


def _assignments(cursor: ViewCursor, program_id: str, week: str) -> list[Placement]:
    return [
        Placement(r["patient_id"], r["session_id"], date.fromisoformat(r["session_date"]))
        for r in cursor.query(
            "SELECT a.* FROM view_roster_assignments a JOIN view_rosters r "
            "ON r.roster_id = a.roster_id WHERE r.program_id = ? AND r.week = ?",
            (program_id, week),
        )
    ]


def _patient_week(
    row: dict[str, Any] | Any, monday: date, open_days: set[date], last_week: list[Placement]
) -> PatientWeek | None:
    start = date.fromisoformat(row["start_date"])
    targets = decode_targets(row["targets"])
    week = program_week(start, monday)
    target = target_for_week(targets, week)
    if target is None:
        return None  # not started yet, or past the plan: due for step-down
    days = enrolled_days(row, monday, plan_last_day(start, len(targets)))
    if not days:
        return None  # stepped down, discharged or paused for the whole week
    # A partial week requires no more days than remain open to the patient.
    open_to_patient = [d for d in open_days if d in days]
    required = min(target, len(open_to_patient))
    next_target = target_for_week(targets, week + 1)
    document = json.loads(row["document"])
    commitments = document["commitments"]
    return PatientWeek(
        patient_id=document["id"],
        required_days=required,
        min_weekly_minutes=min(row["min_weekly_hours"] * 60, required * BILLABLE_DAY_MINUTES),
        available_from=min(days),
        available_until=max(days),
        travel_minutes=document["travel_minutes"],
        busy=(*busy_times(commitments, monday), *_paused_days(days, monday)),
        preferred_track=document.get("preferred_track"),
        hours_text=hours_text(commitments),
        previous_session_ids=frozenset(
            p.session_id for p in last_week if p.patient_id == document["id"]
        ),
        may_step_early=next_target is not None and next_target < target and required == target,
    )


def enrolled_days(row: dict[str, Any] | Any, monday: date, plan_end: date) -> list[date]:
    """The days of the week the enrolment is active: started, within the plan, not yet stepped
    down or discharged (that takes effect on its date), and not paused."""
    ended_on = date.fromisoformat(row["ended_on"]) if row["ended_on"] else None
    pauses = [
        (date.fromisoformat(paused), date.fromisoformat(resumed) if resumed else None)
        for paused, resumed in json.loads(row["pauses"])
    ]
    start = date.fromisoformat(row["start_date"])
    week = [monday + timedelta(days=offset) for offset in range(7)]
    return [
        day
        for day in week
        if start <= day <= plan_end
        and (ended_on is None or day < ended_on)
        and not any(
            paused <= day and (resumed is None or day < resumed) for paused, resumed in pauses
        )
    ]


def _paused_days(days: list[date], monday: date) -> list[Busy]:
    """Days inside the enrolled span the patient is paused: taken for the whole day."""
    gaps = [
        day
        for offset in range((max(days) - min(days)).days + 1)
        if (day := min(days) + timedelta(days=offset)) not in days
    ]
    return [
        Busy(
            (day - monday).days * MINUTES_PER_DAY,
            ((day - monday).days + 1) * MINUTES_PER_DAY,
            "paused",
        )
        for day in gaps
    ]


def busy_times(commitments: list[dict[str, Any]], monday: date) -> list[Busy]:
    """Each commitment on each day from the Sunday before (overnight shifts spill into Monday)."""
    busy = []
    for commitment in commitments:
        start, end = _minutes(commitment["start"]), _minutes(commitment["end"])
        length = (end - start) % MINUTES_PER_DAY or MINUTES_PER_DAY
        valid_from = commitment.get("from")
        valid_until = commitment.get("until")
        for offset in range(-1, 7):
            day = monday + timedelta(days=offset)
            if Weekday.of(day).name not in commitment["days"]:
                continue
            if valid_from and day < date.fromisoformat(valid_from):
                continue
            if valid_until and day > date.fromisoformat(valid_until):
                continue
            begin = offset * MINUTES_PER_DAY + start
            busy.append(Busy(begin, begin + length, _describe(commitment)))
    return busy


def _describe(commitment: dict[str, Any]) -> str:
    return f"{commitment['kind']} {_days_text(tuple(commitment['days']))} {commitment['start']}–{commitment['end']}"


def hours_text(commitments: list[dict[str, Any]]) -> str:
    return "; ".join(_describe(c) for c in commitments)


# Described for every patient of every week built: the same few day sets, worked out once.
@lru_cache(maxsize=512)
def _days_text(days: tuple[str, ...]) -> str:
    """MON,TUE,WED,THU,FRI → MON–FRI; MON,WED → MON,WED."""
    indexes = sorted(Weekday[d].value for d in days)
    if len(indexes) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{Weekday(indexes[0]).name}–{Weekday(indexes[-1]).name}"
    return ",".join(Weekday(i).name for i in indexes)


def _minutes(hhmm: str) -> int:
    if hhmm == "24:00":
        return MINUTES_PER_DAY
    parsed = time.fromisoformat(hhmm)
    return parsed.hour * 60 + parsed.minute
