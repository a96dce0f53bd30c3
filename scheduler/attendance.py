"""Use cases for what happens in a session and at a weekly check-in."""

from __future__ import annotations

import enum
from dataclasses import dataclass
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


@dataclass(frozen=True)
class AttendanceMarked:
    """What recording one mark did: `corrected_from` is the mark it replaced (None for a first
    mark); a miss corrected to attended gives back its make-up seat (`make_up_withdrawn`), or,
    when the make-up already took place, keeps it (`make_up_kept`)."""

    recorded: bool
    corrected_from: AttendanceStatus | None = None
    make_up_withdrawn: tuple[str, date] | None = None
    make_up_kept: tuple[str, date] | None = None


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
    """Record one patient's presence or absence at one session; False if already so recorded."""
    return mark_attendance(
        stepdown,
        program_id=program_id,
        patient_id=patient_id,
        session_id=session_id,
        session_date=session_date,
        status=status,
        minutes=minutes,
        reason=reason,
        contact_made=contact_made,
        walk_in=walk_in,
        actor=actor,
    ).recorded


def mark_attendance(
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
) -> AttendanceMarked:
    """Record (or correct) one patient's presence or absence at one session.

    Only where a meeting took place for that patient and once it has started: a seat of theirs
    in the week's published roster (make-ups included), or, said explicitly, an unscheduled
    walk-in. A different mark for a meeting already marked is a correction: a new event, the
    earlier marks stay in the history. A miss corrected to attended gives back the make-up seat
    booked for it in the same save, unless the make-up already took place.
    """

    def use_case() -> AttendanceMarked:
        app = stepdown.app
        program = app.get_program(program_id)
        session = program.session_on(session_id, session_date)
        _require_meeting_took_place(stepdown, program, patient_id, session_id, session_date)
        enrollment = app.get_enrollment(program_id, patient_id)
        # The patient's status first: a pause or step-down is why their seat went.
        enrollment.require_attendable(session_date)
        _require_fields_fit(status, minutes, reason, contact_made, walk_in)
        key = (session_id, session_date)
        before = enrollment.attendance.get(key)
        # A correction of a mark already recorded concerns a seat that was accepted then.
        if before is None:
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
        corrected_from = None if before is None or not changed else mark_status(before)
        withdrawn = kept = None
        others: list[Roster] = []
        if changed and status is AttendanceStatus.ATTENDED and corrected_from is not None:
            withdrawn, kept, others = _give_back_make_up(stepdown, enrollment, key, actor)
        # One transaction: the mark, and the make-up seat it gives back, or neither.
        app.save(enrollment, *others)
        return AttendanceMarked(changed, corrected_from, withdrawn, kept)

    return retrying(use_case, what=f"attendance for {patient_id}")


def mark_status(mark: tuple[object, ...]) -> AttendanceStatus:
    """The status of a mark as the Enrollment aggregate keeps it."""
    if mark[0] == "attended":
        return AttendanceStatus.ATTENDED
    return AttendanceStatus.EXCUSED if mark[1] else AttendanceStatus.MISSED


def _require_fields_fit(
    status: AttendanceStatus, minutes: int | None, reason: str, contact_made: bool, walk_in: bool
) -> None:
    """A reason and "contact made" belong to an absence; minutes and walk-in to a presence."""
    if status is AttendanceStatus.ATTENDED:
        if reason:
            raise InvalidRequestError("reason: only a missed or excused session takes a reason")
        if contact_made:
            raise InvalidRequestError(
                "contact_made: only a missed or excused session takes contact made"
            )
        return
    if minutes is not None:
        raise InvalidRequestError("minutes: only an attended session takes minutes")
    if walk_in:
        raise InvalidRequestError("walk_in: only an attended session can be a walk-in")


def _give_back_make_up(
    stepdown: Stepdown, enrollment: Enrollment, missed: tuple[str, date], actor: str
) -> tuple[tuple[str, date] | None, tuple[str, date] | None, list[Roster]]:
    """A miss corrected to attended needs no make-up: its seat leaves the roster, unless the
    make-up took place (attendance recorded for it), which is history and stays.

    Returns (withdrawn, kept, rosters changed)."""
    booked = enrollment.make_ups.get(missed)
    if not isinstance(booked, tuple):
        return None, None, []
    if booked in enrollment.attendance:
        return None, booked, []
    patient_id = enrollment.patient_id
    reason = f"{patient_id}'s miss of {missed[0]} on {missed[1]} was corrected to attended"
    enrollment.withdraw_make_up(*missed, reason, recorded_by=actor, corrected=True)
    roster = stepdown.app.find_roster(enrollment.program_id, iso_week(booked[1]))
    if roster is None:
        return booked, None, []
    roster.withdraw_seats(
        (Assignment(patient_id, *booked),),
        reason,
        recorded_by=actor,
        effective_on=booked[1],
        reopened=(Assignment(patient_id, *missed),),
    )
    return booked, None, [roster]


def published_seats(roster: Roster | None) -> frozenset[Assignment] | None:
    """The seats of the week's published roster, make-ups included; None when none is published."""
    if roster is None or roster.published_version is None:
        return None
    # A draft regenerated since publishing waits for its own publish: the published seats hold.
    return frozenset(roster.published_assignments)


def _require_meeting_took_place(
    stepdown: Stepdown, program: Program, patient_id: str, session_id: str, session_date: date
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
        # Nothing can be known about a meeting before it starts: a mark then is a mis-click.
        when = (
            "is in the future"
            if session_date > stepdown.today(program.timezone)
            else "has not started yet"
        )
        raise InvalidRequestError(
            f"date: {patient_id}'s {meeting} {when} (starts {start:%H:%M}); "
            "record attendance once it has started"
        )


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
