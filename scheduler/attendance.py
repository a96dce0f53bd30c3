"""Use cases for what happens in a session and at a weekly check-in."""

from __future__ import annotations

import enum
from datetime import date, datetime
from zoneinfo import ZoneInfo

from events.calendar import iso_week
from events.enrollment import Enrollment
from events.errors import InvalidRequestError
from events.program import Program
from events.roster import Roster
from events.values import Assignment, CheckInRating, ScreenResult
from scheduler.holidays import public_holiday
from scheduler.retry import retrying
from scheduler.service import Stepdown


class AttendanceStatus(enum.Enum):
    ATTENDED = "attended"
    MISSED = "missed"
    EXCUSED = "excused"


def record_attendance(
    stepdown: Stepdown,
    *,
    program_id: str,
    patient_id: str,
    session_id: str,
    session_date: date,
    status: AttendanceStatus,
    minutes: int | None = None,
    reason: str = "",
    contact_made: bool = False,
    walk_in: bool = False,
    actor: str,
) -> bool:
    """Record one patient's presence or absence at one session; False if already so recorded.

    Only where a meeting took place for that patient: a seat of theirs in the week's published
    roster (make-ups included), or, said explicitly, an unscheduled walk-in.
    """

    def use_case() -> bool:
        app = stepdown.app
        program = app.get_program(program_id)
        session = program.session_on(session_id, session_date)
        _require_meeting_took_place(stepdown, program, session_id, session_date)
        enrollment = app.get_enrollment(program_id, patient_id)
        # The patient's status first: a pause or step-down is why their seat went.
        enrollment.require_attendable(session_date)
        if status is AttendanceStatus.ATTENDED:
            if reason:
                raise InvalidRequestError("reason: only a missed session takes a reason")
        else:
            if minutes is not None:
                raise InvalidRequestError("minutes: only an attended session takes minutes")
            if walk_in:
                raise InvalidRequestError("walk_in: only an attended session can be a walk-in")
        # A correction of a mark already recorded concerns a seat that was accepted then.
        if (session_id, session_date) not in enrollment.attendance:
            seats = published_seats(app.find_roster(program_id, iso_week(session_date)))
            if walk_in:
                _require_unscheduled(enrollment, seats, session_id, session_date)
            else:
                _require_seat(seats, patient_id, session_id, session_date)
        if status is AttendanceStatus.ATTENDED:
            changed = enrollment.record_attendance(
                session_id,
                session_date,
                scheduled_minutes=session.minutes,
                minutes_present=session.minutes if minutes is None else minutes,
                walk_in=walk_in,
                recorded_by=actor,
            )
        else:
            changed = enrollment.record_miss(
                session_id,
                session_date,
                scheduled_minutes=session.minutes,
                excused=status is AttendanceStatus.EXCUSED,
                reason=reason,
                contact_made=contact_made,
                recorded_by=actor,
            )
        app.save(enrollment)
        return changed

    return retrying(use_case, what=f"attendance for {patient_id}")


def published_seats(roster: Roster | None) -> frozenset[Assignment] | None:
    """The seats of the week's published roster, make-ups included; None when none is published."""
    if roster is None or roster.published_version is None:
        return None
    # A draft regenerated since publishing waits for its own publish: the published seats hold.
    return frozenset(roster.published_assignments)


def _require_meeting_took_place(
    stepdown: Stepdown, program: Program, session_id: str, session_date: date
) -> None:
    """No meeting on a holiday or closure, when it was cancelled, or before it has started."""
    meeting = f"session {session_id} on {session_date}"
    holiday = public_holiday(program.holiday_region, session_date)
    if holiday:
        raise InvalidRequestError(f"{meeting}: no meeting on a public holiday ({holiday})")
    if (session_id, session_date) in program.cancellations:
        raise InvalidRequestError(f"{meeting}: the meeting was cancelled")
    start = program.sessions[session_id].start
    starts_at = datetime.combine(session_date, start, tzinfo=ZoneInfo(program.timezone))
    if starts_at > stepdown.clock():
        when = (
            "is in the future"
            if session_date > stepdown.today(program.timezone)
            else (f"has not started yet (starts {start:%H:%M})")
        )
        raise InvalidRequestError(f"date: {meeting} {when}")


def _require_seat(
    seats: frozenset[Assignment] | None, patient_id: str, session_id: str, session_date: date
) -> None:
    meeting = f"session {session_id} on {session_date}"
    if seats is None:
        raise InvalidRequestError(
            f"{meeting}: no published roster for week {iso_week(session_date)}; "
            "record an unscheduled visit as a walk-in"
        )
    if Assignment(patient_id, session_id, session_date) not in seats:
        theirs = sorted(
            a.session_id
            for a in seats
            if a.patient_id == patient_id and a.session_date == session_date
        )
        where = f"their seat that day is {theirs[0]}" if theirs else "they have no seat that day"
        raise InvalidRequestError(
            f"{meeting}: {patient_id} is not on the published roster ({where}); "
            "record an unscheduled visit as a walk-in"
        )


def _require_unscheduled(
    enrollment: Enrollment,
    seats: frozenset[Assignment] | None,
    session_id: str,
    session_date: date,
) -> None:
    """A walk-in is a session the patient had no seat for, and still one session a day."""
    patient_id = enrollment.patient_id
    meeting = f"session {session_id} on {session_date}"
    for seat in seats or ():
        if seat.patient_id == patient_id and seat.session_date == session_date:
            if seat.session_id == session_id:
                raise InvalidRequestError(
                    f"walk_in: {patient_id} has a seat in {meeting}; record it without walk-in"
                )
            raise InvalidRequestError(
                f"walk_in: {patient_id} has a seat in {seat.session_id} on {session_date}; "
                "one session a day"
            )
    for (other, day), mark in enrollment.attendance.items():
        if day == session_date and other != session_id and mark[0] == "attended":
            raise InvalidRequestError(
                f"walk_in: {patient_id} attended {other} on {session_date}; one session a day"
            )


def record_progress(
    stepdown: Stepdown,
    *,
    program_id: str,
    patient_id: str,
    rating: CheckInRating | None,
    screen: ScreenResult | None,
    on_date: date | None = None,
    actor: str,
) -> bool:
    """Record a weekly check-in and/or drug screen; it moves the taper as the rules say.

    Returns False when the same check-in was already recorded for that date (a retry).
    """

    def use_case() -> bool:
        app = stepdown.app
        program = app.get_program(program_id)
        today = stepdown.today(program.timezone)
        effective_on = on_date or today
        if effective_on > today:
            raise InvalidRequestError(f"date: {effective_on} is in the future")
        enrollment = app.get_enrollment(program_id, patient_id)
        recorded = enrollment.record_progress(
            rating, screen, recorded_by=actor, effective_on=effective_on
        )
        app.save(enrollment)
        return recorded

    return retrying(use_case, what=f"progress for {patient_id}")
