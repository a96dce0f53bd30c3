"""The meetings a staff member leads, week after week, for their calendar feed: from the staffing
of each meeting (meetings.py), leaving out the days they are absent, closed days and cancelled
meetings."""

from __future__ import annotations

from datetime import date, timedelta

from events.errors import NotFoundError
from scheduler.projections.directory import active_sessions
from scheduler.projections.store import ViewCursor
from scheduler.schedules import Meeting, clock_time
from scheduler.service import Stepdown
from scheduler.staff.meetings import meeting_staffing
from scheduler.staff.queries import absences_of
from scheduler.staff.staff_view import STAFF


def require_current_staff(cursor: ViewCursor, program_id: str, staff_id: str) -> None:
    rows = cursor.query(
        f"SELECT 1 FROM {STAFF} WHERE program_id = ? AND staff_id = ? AND removed_on IS NULL",
        (program_id, staff_id),
    )
    if not rows:
        raise NotFoundError(f"staff: {staff_id!r} is not a staff member of program {program_id!r}")


def staff_meetings(
    stepdown: Stepdown, program_id: str, staff_id: str, *, start: date, weeks: int
) -> list[Meeting]:
    """The meetings the member leads in the `weeks` weeks from the Monday of `start`, by date."""
    first_monday = start - timedelta(days=start.weekday())
    with stepdown.views.transaction(commit=False) as cursor:
        require_current_staff(cursor, program_id, staff_id)
        sessions = {session["id"]: session for session in active_sessions(cursor, program_id)}
        absences = absences_of(cursor, program_id, staff_id)
        staffed = [
            meeting
            for week in range(weeks)
            for meeting in meeting_staffing(
                cursor, program_id, first_monday + timedelta(weeks=week)
            ).values()
        ]
    found = [
        Meeting(
            session_id=meeting.session_id,
            session_date=meeting.session_date,
            start=clock_time(sessions[meeting.session_id]["start"]),
            end=clock_time(sessions[meeting.session_id]["end"]),
            track=sessions[meeting.session_id]["track"],
        )
        for meeting in staffed
        if staff_id in meeting.facilitator_ids
        and not any(absence.covers(meeting.session_date) for absence in absences)
    ]
    return sorted(found, key=lambda m: (m.session_date, m.start, m.session_id))
