"""Who staffs each meeting of a week, where and how. Every page, document and feed that shows a
meeting's staff asks here and nowhere else: once the week's roster is solved, the facilitators
chosen for each meeting (and covers after an absence) in the version asked for; before, how each
recurring session is staffed in the program file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from events.calendar import iso_week
from events.staff.values import WeekStaffing
from events.values import Weekday
from scheduler.projections.directory import active_sessions
from scheduler.projections.store import ViewCursor
from scheduler.schedules import program_days
from scheduler.staff.queries import session_staffing_rows
from scheduler.staff.staffing_json import staffing_of

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
    cursor: ViewCursor, program_id: str, monday: date, *, version: str = "in_force"
) -> dict[tuple[str, date], MeetingStaffing]:
    """The staffing of every meeting in the week starting `monday`, keyed by (session, date).
    Meetings on closed days or cancelled are left out, as they do not meet; a program without
    staff data gives an empty mapping. `version`: the roster's "published" or "latest" version,
    or "in_force" (the published one, else the draft)."""
    staffed = session_staffing_rows(cursor, program_id)
    if not staffed:
        return {}
    solved = week_staffing(cursor, program_id, monday, version=version)
    chosen = (
        None
        if solved is None
        else {(m.session_id, m.session_date): m.facilitator_ids for m in solved.meetings}
    )
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
            # A solved week names who leads each meeting (nobody where no one is seated).
            facilitator_ids=tuple(json.loads(row["facilitators"]))
            if chosen is None
            else chosen.get((session["id"], day), ()),
        )
    return meetings


def week_staffing(
    cursor: ViewCursor, program_id: str, monday: date, *, version: str = "in_force"
) -> WeekStaffing | None:
    """The solved staffing of the week's roster (facilitators, appointments, gaps), or None
    before the week is solved or for a program without staff."""
    rows = cursor.query(
        "SELECT s.published, s.staffing FROM view_roster_staffing s JOIN view_rosters r "
        "ON r.roster_id = s.roster_id WHERE r.program_id = ? AND r.week = ?",
        (program_id, iso_week(monday)),
    )
    by_edition = {int(row["published"]): str(row["staffing"]) for row in rows}
    if version == "published":
        text = by_edition.get(1)
    elif version == "latest":
        text = by_edition.get(0)
    else:
        text = by_edition.get(1, by_edition.get(0))
    return None if text is None else staffing_of(text)
