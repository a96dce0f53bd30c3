"""The staff week: per staff member, the meetings they facilitate that week (from the staffing of
each meeting, see meetings.py), where and how, and the days they are absent. A meeting on an
absent day is marked so (an absence recorded for a day already past is not re-solved); and the
individual and family sessions they hold once the week is solved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from events.calendar import week_monday
from scheduler.projections.directory import active_sessions
from scheduler.service import Stepdown
from scheduler.staff.meetings import meeting_staffing, week_staffing
from scheduler.staff.queries import Absence, absences_of, staff_list


@dataclass(frozen=True)
class StaffMeeting:
    session_id: str
    name: str
    date: date
    start: str
    end: str
    modality: str
    room_id: str | None
    co_facilitators: tuple[str, ...]
    facilitator_absent: bool


@dataclass(frozen=True)
class StaffAppointment:
    """An individual or family session the member holds; the patient is not named here (the
    roster, whose reads are recorded in each patient's disclosure log, names them)."""

    kind: str
    date: date
    start: str
    end: str


@dataclass(frozen=True)
class StaffWeek:
    staff_id: str
    name: str
    role: str
    max_hours_per_week: int
    meetings: tuple[StaffMeeting, ...]
    absences: tuple[Absence, ...]  # those touching the week
    appointments: tuple[StaffAppointment, ...] = ()

    @property
    def minutes(self) -> int:
        return sum(_minutes(m.start, m.end) for m in self.meetings if not m.facilitator_absent)

    @property
    def appointment_minutes(self) -> int:
        return sum(_minutes(a.start, a.end) for a in self.appointments)


def staff_week(stepdown: Stepdown, program_id: str, week: str) -> list[StaffWeek]:
    """Each current staff member's week (ISO `YYYY-Www`); closed days and cancelled meetings
    are left out, as they do not meet."""
    monday = week_monday(week)
    sunday = monday + timedelta(days=6)
    members = staff_list(stepdown, program_id)
    with stepdown.views.transaction(commit=False) as cursor:
        sessions = {session["id"]: session for session in active_sessions(cursor, program_id)}
        staffed = meeting_staffing(cursor, program_id, monday)
        solved = week_staffing(cursor, program_id, monday)
        absences = [
            a
            for a in absences_of(cursor, program_id)
            if a.first_day <= sunday and a.last_day >= monday
        ]
    meetings: dict[str, list[StaffMeeting]] = {m.staff_id: [] for m in members}
    for (session_id, day), meeting in staffed.items():
        session = sessions[session_id]
        for staff_id in meeting.facilitator_ids:
            if staff_id not in meetings:
                continue
            meetings[staff_id].append(
                StaffMeeting(
                    session_id=session_id,
                    name=session["name"],
                    date=day,
                    start=session["start"],
                    end=session["end"],
                    modality=meeting.modality,
                    room_id=meeting.room_id,
                    co_facilitators=tuple(f for f in meeting.facilitator_ids if f != staff_id),
                    facilitator_absent=any(
                        a.staff_id == staff_id and a.covers(day) for a in absences
                    ),
                )
            )
    return [
        StaffWeek(
            staff_id=member.staff_id,
            name=member.name,
            role=member.role,
            max_hours_per_week=member.max_hours_per_week,
            meetings=tuple(sorted(meetings[member.staff_id], key=lambda m: (m.date, m.start))),
            absences=tuple(a for a in absences if a.staff_id == member.staff_id),
            appointments=tuple(
                StaffAppointment(a.kind, a.session_date, f"{a.start:%H:%M}", f"{a.end:%H:%M}")
                for a in (solved.appointments if solved else ())
                if a.staff_id == member.staff_id
            ),
        )
        for member in members
    ]


def _minutes(start: str, end: str) -> int:
    (start_h, start_m), (end_h, end_m) = (map(int, start.split(":")), map(int, end.split(":")))
    return (end_h * 60 + end_m) - (start_h * 60 + start_m)
