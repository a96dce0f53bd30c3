"""Whether a reinstated meeting still has its facilitators: it returns with the staffing it had.

A plain cancellation leaves the meeting's facilitators in the roster's staffing (the meeting is
only left out of the staff week), so the meeting can return with them, if they are still free.
A meeting called off because nobody could cover an absence has no facilitator to return with.
"""

from __future__ import annotations

from datetime import date

from events.application import StepdownApplication
from events.ids import staffing_uuid
from events.roster import Roster
from events.staff.staffing import Staffing
from events.staff.values import StaffedMeeting


def facilitators_of(roster: Roster, meeting: tuple[str, date]) -> tuple[str, ...]:
    """The facilitators the staffing in force gives the meeting (none without staffing)."""
    staffed = _staffed(roster, meeting)
    return () if staffed is None else staffed.facilitator_ids


def staffing_problem(
    app: StepdownApplication, roster: Roster, meeting: tuple[str, date]
) -> str | None:
    """Why the meeting cannot run with its previous staffing, or None when it can (or the
    roster is not staffed at all)."""
    staffing = roster.staffing_in_force
    if staffing is None:
        return None
    day = meeting[1]
    staffed = _staffed(roster, meeting)
    if staffed is None or not staffed.facilitator_ids:
        gaps = [
            g.reason
            for g in staffing.gaps
            if (g.session_id, g.session_date) == meeting and g.kind == "not_running"
        ]
        why = f" ({gaps[0]})" if gaps else ""
        return (
            f"nobody is staffed to lead it{why}; a meeting called off for want of cover "
            "cannot be reinstated"
        )
    staff = _staff(app, roster.program_id)
    if staff is None:
        return None
    for staff_id in staffed.facilitator_ids:
        if staff_id not in staff.staff:
            return f"its facilitator {staff_id} is no longer on the staff"
        for first, last in staff.absences.get(staff_id, []):
            if first <= day <= last:
                return f"its facilitator {staff_id} is absent on {day}"
    return None


def _staffed(roster: Roster, meeting: tuple[str, date]) -> StaffedMeeting | None:
    staffing = roster.staffing_in_force
    if staffing is None:
        return None
    for staffed in staffing.meetings:
        if (staffed.session_id, staffed.session_date) == meeting:
            return staffed
    return None


def _staff(app: StepdownApplication, program_id: str) -> Staffing | None:
    if staffing_uuid(program_id) not in app.repository:
        return None
    staffing: Staffing = app.repository.get(staffing_uuid(program_id))
    return staffing
