"""Where a patient is expected, and when a session meets: the sources of the calendar feeds."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta

from events.errors import NotFoundError
from events.values import HolidayRegion, Weekday
from scheduler.holidays import public_holiday
from scheduler.projections.store import ViewCursor
from scheduler.service import Stepdown


@dataclass(frozen=True)
class Appointment:
    """One seat of a patient in a roster (local date and times in the program's timezone)."""

    session_id: str
    session_date: date
    start: time
    end: time
    track: str
    week: str
    published: bool


@dataclass(frozen=True)
class Meeting:
    """One date a recurring session meets."""

    session_id: str
    session_date: date
    start: time
    end: time
    track: str


@dataclass(frozen=True)
class ProgramDays:
    """What closes a program on a day: public holidays, its own closures, cancelled meetings."""

    timezone: str
    region: HolidayRegion
    closures: Mapping[date, str]  # closed date → reason
    cancellations: frozenset[tuple[str, date]]

    def closed_because(self, day: date) -> str | None:
        """The public holiday's name or "closure: <reason>"; None on an open day."""
        holiday = public_holiday(self.region, day)
        if holiday is not None:
            return holiday
        return f"closure: {self.closures[day]}" if day in self.closures else None

    def meets(self, session_id: str, day: date) -> bool:
        return (session_id, day) not in self.cancellations and self.closed_because(day) is None


def patient_schedule(
    stepdown: Stepdown,
    program_id: str,
    patient_id: str,
    *,
    start: date | None = None,
    end: date | None = None,
    published_only: bool = False,
) -> list[Appointment]:
    """The patient's seats in every roster of the program (make-ups included), by date: the
    published version of each week, and (unless `published_only`) a draft waiting on it."""
    span = ((start or date.min).isoformat(), (end or date.max).isoformat())
    editions = [("view_roster_published", "'published'", "")]
    if not published_only:
        editions.append(("view_roster", "r.status", "AND r.status = 'draft' "))
    with stepdown.views.transaction(commit=False) as cursor:
        days = program_days(cursor, program_id)
        require_patient(cursor, program_id, patient_id)
        rows = []
        for prefix, status, only in editions:
            rows += cursor.query(
                f"SELECT a.session_id, a.session_date, s.start_time, s.end_time, s.track, "
                f"r.week, {status} AS status FROM {prefix}_assignments a "
                "JOIN view_rosters r ON r.roster_id = a.roster_id "
                f"JOIN {prefix}_sessions s ON s.roster_id = a.roster_id "
                "AND s.session_id = a.session_id AND s.session_date = a.session_date "
                f"WHERE r.program_id = ? AND a.patient_id = ? AND a.session_date >= ? "
                f"AND a.session_date <= ? {only}",
                (program_id, patient_id, *span),
            )
    rows.sort(key=lambda row: (row["session_date"], row["start_time"], row["status"]))
    appointments = [
        Appointment(
            session_id=row["session_id"],
            session_date=date.fromisoformat(row["session_date"]),
            start=clock_time(row["start_time"]),
            end=clock_time(row["end_time"]),
            track=row["track"],
            week=row["week"],
            published=row["status"] == "published",
        )
        for row in rows
    ]
    # A closure or cancellation recorded after the roster still keeps the patient at home.
    return [a for a in appointments if days.meets(a.session_id, a.session_date)]


def session_meetings(
    stepdown: Stepdown, program_id: str, session_id: str, *, start: date, weeks: int
) -> list[Meeting]:
    """The dates a session meets from `start` for `weeks` weeks, skipping days the program is closed."""
    with stepdown.views.transaction(commit=False) as cursor:
        days = program_days(cursor, program_id)
        rows = cursor.query(
            "SELECT document FROM view_directory_sessions WHERE program_id = ? "
            "AND session_id = ? AND retired = 0",
            (program_id, session_id),
        )
    if not rows:
        raise NotFoundError(f"session: {session_id!r} is not an active session of {program_id}")
    session = json.loads(rows[0]["document"])
    weekday = Weekday[session["weekday"]]
    first = start + timedelta(days=(weekday.value - start.weekday()) % 7)
    meetings = []
    for week in range(weeks):
        day = first + timedelta(weeks=week)
        if days.meets(session_id, day):
            meetings.append(
                Meeting(
                    session_id=session_id,
                    session_date=day,
                    start=clock_time(session["start"]),
                    end=clock_time(session["end"]),
                    track=session["track"],
                )
            )
    return meetings


def program_days(cursor: ViewCursor, program_id: str) -> ProgramDays:
    rows = cursor.query(
        "SELECT document FROM view_directory_programs WHERE program_id = ?", (program_id,)
    )
    if not rows:
        raise NotFoundError(f"program: {program_id!r} does not exist")
    program = json.loads(rows[0]["document"])
    closures = cursor.query(
        "SELECT closed_on, reason FROM view_directory_closures WHERE program_id = ?",
        (program_id,),
    )
    cancellations = cursor.query(
        "SELECT session_id, session_date FROM view_directory_cancellations WHERE program_id = ?",
        (program_id,),
    )
    return ProgramDays(
        timezone=program["timezone"],
        region=HolidayRegion(
            program["holidays"]["country"], program["holidays"].get("subdivision")
        ),
        closures={date.fromisoformat(r["closed_on"]): r["reason"] for r in closures},
        cancellations=frozenset(
            (r["session_id"], date.fromisoformat(r["session_date"])) for r in cancellations
        ),
    )


def require_patient(cursor: ViewCursor, program_id: str, patient_id: str) -> None:
    rows = cursor.query(
        "SELECT 1 FROM view_census WHERE program_id = ? AND patient_id = ?",
        (program_id, patient_id),
    )
    if not rows:
        raise NotFoundError(f"patient: {patient_id!r} is not enrolled in {program_id}")


def clock_time(hhmm: str) -> time:
    """A stored "HH:MM"; "24:00" (end of day) is the last minute of the day."""
    return time(23, 59) if hhmm == "24:00" else time.fromisoformat(hhmm)
