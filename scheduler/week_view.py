"""The coordinator's week at a glance: days × sessions, who sits where, what is closed, who is short."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from events.calendar import week_monday
from events.errors import NotFoundError
from scheduler.attendance_changes import AttendanceChange, attendance_changes
from scheduler.projections.directory import active_sessions
from scheduler.queries import census
from scheduler.roster_pins import roster_pins
from scheduler.roster_queries import patient_names, roster_document
from scheduler.schedules import program_days
from scheduler.service import Stepdown
from scheduler.worklist.short_of_days import (
    Requirement,
    Shortfall,
    short_of_days,
    week_requirements,
)


@dataclass(frozen=True)
class Seat:
    patient_id: str
    name: str
    mark: str | None  # attended | missed | excused, once recorded
    # Every mark recorded for this seat, oldest first, when it was corrected at least once.
    history: tuple[AttendanceChange, ...] = ()


@dataclass
class Meeting:
    session_id: str
    name: str
    track: str
    start: str
    end: str
    capacity: int
    min_size: int
    seats: list[Seat] = field(default_factory=list)
    cancelled: bool = False
    started: bool = False  # attendance can be recorded once the meeting has started
    # Among the day's groups of the same name at the same time (1, 2, …); None when it is alone.
    number: int | None = None

    @property
    def label(self) -> str:
        """ "09:00 Day group 2": distinct among the day's meetings, as people tell them apart."""
        text = f"{self.start} {self.name}"
        return text if self.number is None else f"{text} {self.number}"

    @property
    def marked(self) -> int:
        return sum(seat.mark is not None for seat in self.seats)

    @property
    def missed(self) -> int:
        return sum(seat.mark == "missed" for seat in self.seats)

    @property
    def runs(self) -> bool:
        """A group with nobody seated does not meet (it never runs below its minimum)."""
        return bool(self.seats) and not self.cancelled


@dataclass
class Day:
    date: date
    closed_because: str | None  # a public holiday's name or "closure: <reason>"
    meetings: list[Meeting] = field(default_factory=list)


@dataclass(frozen=True)
class PinNote:
    """A pin on the week (with who pinned it), or one dropped at the last generate (with why)."""

    patient_id: str
    name: str
    session_id: str
    date: str
    note: str  # "pinned by coordinator-1" | the reason it was dropped


@dataclass
class WeekView:
    program_id: str
    program_name: str
    week: str
    today: date
    roster_version: int | None  # None: nothing generated for this week yet
    roster_status: str | None
    solver_status: str | None
    days: list[Day]
    short: list[Shortfall]
    patients: list[tuple[str, str]]  # (id, name) of the caseload, for pin forms
    pins: list[PinNote] = field(default_factory=list)
    dropped_pins: list[PinNote] = field(default_factory=list)  # at the last generate
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))  # the program's, for times
    requirements: dict[str, Requirement] = field(default_factory=dict)  # by patient id
    flags: dict[str, tuple[str, ...]] = field(default_factory=dict)  # open ones, by patient id


def week_view(
    stepdown: Stepdown, program_id: str, week: str, *, version: str = "latest"
) -> WeekView:
    """The week as the `version` of its roster seats it (the latest, or the published one)."""
    monday = week_monday(week)
    with stepdown.views.transaction(commit=False) as cursor:
        days_closed = program_days(cursor, program_id)
        program = cursor.query(
            "SELECT name FROM view_programs WHERE program_id = ?", (program_id,)
        )[0]
        sessions = active_sessions(cursor, program_id)
        marks = {
            (row["patient_id"], row["session_id"], row["session_date"]): row["status"]
            for row in cursor.query(
                "SELECT patient_id, session_id, session_date, status FROM view_attendance_marks "
                "WHERE program_id = ? AND session_date >= ? AND session_date <= ?",
                (program_id, monday.isoformat(), (monday + timedelta(days=6)).isoformat()),
            )
        }
    names = patient_names(stepdown, program_id)
    marked: dict[tuple[str, str, str], list[AttendanceChange]] = {}
    for change in attendance_changes(stepdown, program_id, week=week):
        key = (change.patient_id, change.session_id, change.session_date.isoformat())
        marked.setdefault(key, []).append(change)
    now = stepdown.clock().astimezone(ZoneInfo(days_closed.timezone))
    now_text = f"{now.date().isoformat()} {now:%H:%M}"
    try:
        roster = roster_document(stepdown, program_id, week, version=version)
    except NotFoundError:
        roster = None
    with stepdown.views.transaction(commit=False) as cursor:
        requirements = week_requirements(cursor, program_id, week, roster)
    seated = {
        (s["session_id"], s["date"]): s["patient_ids"] for s in (roster or {}).get("sessions", [])
    }
    # Each name's sort key once: a week at 400 patients seats over a thousand.
    name_order = _Order(names)
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        entry = Day(day, days_closed.closed_because(day))
        for session in sessions:
            if session["weekday"] != day.strftime("%a").upper()[:3]:
                continue
            ids = seated.get((session["id"], day.isoformat()), [])
            entry.meetings.append(
                Meeting(
                    session_id=session["id"],
                    name=session["name"],
                    track=session["track"],
                    start=session["start"],
                    end=session["end"],
                    capacity=session["capacity"],
                    min_size=session["min_size"],
                    seats=sorted(
                        (_seat(p, names.get(p, p), session["id"], day, marks, marked) for p in ids),
                        key=lambda seat: name_order[seat.patient_id],
                    ),
                    cancelled=(session["id"], day) in days_closed.cancellations,
                    started=f"{day.isoformat()} {session['start']}" <= now_text,
                )
            )
        days.append(in_time_order(entry))
    short = short_of_days(requirements, names)
    pins = [
        PinNote(
            p["patient_id"],
            names.get(p["patient_id"], p["patient_id"]),
            p["session_id"],
            p["date"],
            f"pinned by {p['pinned_by']}",
        )
        for p in roster_pins(stepdown, program_id, week)
    ]
    dropped = [
        PinNote(
            p["patient_id"],
            names.get(p["patient_id"], p["patient_id"]),
            p["session_id"],
            p["date"],
            p["reason"],
        )
        for p in (roster or {}).get("dropped_pins", [])
    ]
    entries = census(stepdown, program_id)
    caseload = [e for e in entries if e.status == "active"]
    return WeekView(
        program_id=program_id,
        program_name=program["name"],
        week=week,
        today=stepdown.today(days_closed.timezone),
        roster_version=roster["version"] if roster else None,
        roster_status=roster["status"] if roster else None,
        solver_status=roster["solver"]["status"] if roster else None,
        days=days,
        short=sorted(short, key=lambda s: (natural(s.name), s.patient_id)),
        patients=sorted(
            ((e.patient_id, e.name) for e in caseload), key=lambda item: natural(item[1])
        ),
        pins=pins,
        dropped_pins=dropped,
        zone=ZoneInfo(days_closed.timezone),
        requirements=requirements,
        flags={e.patient_id: e.flags for e in entries if e.flags},
    )


def natural(text: str) -> tuple[str | int, ...]:
    """A sort key that puts "Patient 2" before "Patient 10" and "sat-weekend-9" before "-10"."""
    return tuple(int(part) if part.isdigit() else part.lower() for part in _DIGITS.split(text))


_DIGITS = re.compile(r"(\d+)")


class _Order(dict[str, tuple[str | int, ...]]):
    """Sort keys of patients' names by id, each computed when first asked for."""

    def __init__(self, names: dict[str, str]) -> None:
        super().__init__()
        self._names = names

    def __missing__(self, patient_id: str) -> tuple[str | int, ...]:
        key = self[patient_id] = natural(self._names.get(patient_id, patient_id))
        return key


def in_time_order(day: Day) -> Day:
    """The day's meetings by start time, then name, then id; groups sharing a name and a start
    are numbered so that each has a label of its own."""
    day.meetings.sort(key=lambda m: (m.start, m.name, natural(m.session_id)))
    alike: dict[tuple[str, str], list[Meeting]] = {}
    for meeting in day.meetings:
        alike.setdefault((meeting.start, meeting.name), []).append(meeting)
    for group in alike.values():
        if len(group) > 1:
            for number, meeting in enumerate(group, start=1):
                meeting.number = number
    return day


def _seat(
    patient_id: str,
    name: str,
    session_id: str,
    day: date,
    marks: dict[tuple[str, str, str], str],
    marked: dict[tuple[str, str, str], list[AttendanceChange]],
) -> Seat:
    key = (patient_id, session_id, day.isoformat())
    history = marked.get(key, [])
    return Seat(patient_id, name, marks.get(key), tuple(history) if len(history) > 1 else ())
