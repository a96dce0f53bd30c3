"""A program-week's seats with what became of each: booked, attended, missed, excused, cancelled."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from events.calendar import week_monday
from scheduler.projections.directory import active_sessions
from scheduler.queries import program_timezone
from scheduler.roster_queries import roster_document
from scheduler.schedules import program_days
from scheduler.service import Stepdown


@dataclass(frozen=True)
class WeekSeat:
    patient_id: str
    mark: str | None  # attended | missed | excused, once recorded
    made_up_for: tuple[str, str] | None  # (session id, date) of the miss this seat makes up
    cancelled: bool  # the meeting was called off after the patient was seated in it


@dataclass
class WeekMeeting:
    session_id: str
    date: str
    start: str
    end: str
    track: str
    cancelled: bool
    seats: list[WeekSeat] = field(default_factory=list)


@dataclass(frozen=True)
class WeekSeats:
    program_id: str
    week: str
    timezone: str
    roster_version: int
    roster_status: str  # draft | published
    meetings: list[WeekMeeting]

    @property
    def patient_ids(self) -> list[str]:
        return sorted({seat.patient_id for m in self.meetings for seat in m.seats})


def week_seats(stepdown: Stepdown, program_id: str, week: str, *, version: str) -> WeekSeats:
    """The week's roster version (`latest`, `published` or `draft`) with attendance marks and the
    seats of meetings cancelled after the roster seated patients in them."""
    monday = week_monday(week)
    sunday = monday + timedelta(days=6)
    document = roster_document(stepdown, program_id, week, version=version)
    with stepdown.views.transaction(commit=False) as cursor:
        days = program_days(cursor, program_id)
        sessions = {s["id"]: s for s in active_sessions(cursor, program_id)}
        marks = {
            (row["patient_id"], row["session_id"], row["session_date"]): row["status"]
            for row in cursor.query(
                "SELECT patient_id, session_id, session_date, status FROM view_attendance_marks "
                "WHERE program_id = ? AND session_date >= ? AND session_date <= ?",
                (program_id, monday.isoformat(), sunday.isoformat()),
            )
        }
        make_ups = {
            (row["patient_id"], row["session_id"], row["session_date"]): (
                row["missed_session_id"],
                row["missed_date"],
            )
            for row in cursor.query(
                "SELECT m.* FROM view_roster_make_ups m JOIN view_rosters r "
                "ON r.roster_id = m.roster_id WHERE r.program_id = ? AND r.week = ?",
                (program_id, week),
            )
        }
    meetings: dict[tuple[str, str], WeekMeeting] = {}
    for s in document["sessions"]:
        meeting = WeekMeeting(
            s["session_id"],
            s["date"],
            s["start"],
            s["end"],
            s["track"],
            cancelled=(s["session_id"], date.fromisoformat(s["date"])) in days.cancellations,
        )
        meeting.seats.extend(
            WeekSeat(
                p,
                marks.get((p, s["session_id"], s["date"])),
                make_ups.get((p, s["session_id"], s["date"])),
                cancelled=meeting.cancelled,
            )
            for p in s["patient_ids"]
        )
        meetings[(s["session_id"], s["date"])] = meeting
    called_off = sorted(
        (session_id, day) for session_id, day in days.cancellations if monday <= day <= sunday
    )
    for session_id, day in called_off:
        key = (session_id, day.isoformat())
        if key not in meetings and session_id in sessions:
            s = sessions[session_id]
            meetings[key] = WeekMeeting(
                session_id, key[1], s["start"], s["end"], s["track"], cancelled=True
            )
    _add_cancelled_seats(stepdown, program_id, document, meetings, called_off)
    return WeekSeats(
        program_id=program_id,
        week=week,
        timezone=program_timezone(stepdown, program_id),
        roster_version=document["version"],
        roster_status=document["status"],
        meetings=sorted(meetings.values(), key=lambda m: (m.date, m.start, m.session_id)),
    )


def _add_cancelled_seats(
    stepdown: Stepdown,
    program_id: str,
    document: dict[str, Any],
    meetings: dict[tuple[str, str], WeekMeeting],
    called_off: list[tuple[str, date]],
) -> None:
    """A cancellation takes its seats out of the roster; each seated patient's enrolment keeps
    the cancelled meeting as a miss to make up (found or not), so the seat is still reported."""
    if not called_off:
        return
    for patient in document["patients"]:
        patient_id = patient["patient_id"]
        enrollment = stepdown.app.get_enrollment(program_id, patient_id)
        for session_id, day in called_off:
            meeting = meetings.get((session_id, day.isoformat()))
            if meeting is None or (session_id, day) not in enrollment.make_ups:
                continue
            if all(seat.patient_id != patient_id for seat in meeting.seats):
                meeting.seats.append(WeekSeat(patient_id, None, None, cancelled=True))
    for meeting in meetings.values():
        meeting.seats.sort(key=lambda seat: seat.patient_id)
