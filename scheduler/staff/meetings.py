"""Who staffs each meeting of a week, where and how. Every page, document and feed that shows a
meeting's staff asks here and nowhere else: today the answer comes from how each recurring session
is staffed in the program file; later it will come from the facilitators chosen per meeting when
the roster is solved, and only this module will change."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from events.values import Weekday
from scheduler.projections.directory import active_sessions
from scheduler.projections.store import ViewCursor
from scheduler.schedules import program_days
from scheduler.staff.queries import session_staffing_rows

# How a coordinator says a meeting's modality.
MODALITY_WORDS = {"in_person": "In person", "virtual": "Virtual", "hybrid": "Hybrid"}


@dataclass(frozen=True)
class MeetingStaffing:
    session_id: str
    session_date: date
    modality: str  # a Modality value: in_person, virtual, hybrid
    room_id: str | None
    facilitator_ids: tuple[str, ...]


def meeting_staffing(
    cursor: ViewCursor, program_id: str, monday: date
) -> dict[tuple[str, date], MeetingStaffing]:
    """The staffing of every meeting in the week starting `monday`, keyed by (session, date).
    Meetings on closed days or cancelled are left out, as they do not meet; a program without
    staff data gives an empty mapping."""
    staffed = session_staffing_rows(cursor, program_id)
    if not staffed:
        return {}
    days = program_days(cursor, program_id)
    meetings: dict[tuple[str, date], MeetingStaffing] = {}
    for session in active_sessions(cursor, program_id):
        row = staffed.get(session["id"])
        day = monday + timedelta(days=Weekday[session["weekday"]].value)
        if row is None or not days.meets(session["id"], day):
            continue
        meetings[(session["id"], day)] = MeetingStaffing(
            session_id=session["id"],
            session_date=day,
            modality=row["modality"],
            room_id=row["room_id"],
            facilitator_ids=tuple(json.loads(row["facilitators"])),
        )
    return meetings
