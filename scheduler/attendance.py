"""Use cases for what happens in a session and at a weekly check-in."""

from __future__ import annotations

import enum
from datetime import date

from events.errors import InvalidRequestError
from events.values import CheckInRating, ScreenResult
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
    actor: str,
) -> bool:
    """Record one patient's presence or absence at one session; False if already so recorded."""

    def use_case() -> bool:
        app = stepdown.app
        program = app.get_program(program_id)
        session = program.session_on(session_id, session_date)
        if session_date > stepdown.today(program.timezone):
            raise InvalidRequestError(f"date: {session_date} is in the future")
        enrollment = app.get_enrollment(program_id, patient_id)
        if status is AttendanceStatus.ATTENDED:
            if reason:
                raise InvalidRequestError("reason: only a missed session takes a reason")
            changed = enrollment.record_attendance(
                session_id,
                session_date,
                scheduled_minutes=session.minutes,
                minutes_present=session.minutes if minutes is None else minutes,
                recorded_by=actor,
            )
        else:
            if minutes is not None:
                raise InvalidRequestError("minutes: only an attended session takes minutes")
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
