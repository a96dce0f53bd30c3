"""Who is short of their required days this week, counted from the seats they hold now.

The solver's numbers in the roster are as it left them at the last generate; since then a
cancellation, its undo, a make-up, a miss or a withdrawn seat may have changed them. The week
page and the worklist both read the count from here, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from events.calendar import week_monday
from scheduler.projections.directory import active_sessions
from scheduler.projections.store import ViewCursor

ABSENT = ("missed", "excused")
# When a shortfall has no recorded cause (a seat withdrawn with a closure, say).
SEAT_WITHDRAWN = "a seat was taken out of the roster since it was generated"


@dataclass(frozen=True)
class Requirement:
    """A patient's days this week: what the taper requires and what they hold now."""

    required_days: int
    scheduled_days: int
    unmet_reason: str | None  # set exactly when they are short of their days


@dataclass(frozen=True)
class Shortfall:
    patient_id: str
    name: str
    required_days: int
    scheduled_days: int
    reason: str


def week_requirements(
    cursor: ViewCursor, program_id: str, week: str, roster: dict[str, Any] | None
) -> dict[str, Requirement]:
    """Each rostered patient's required days against the days they hold now.

    A day is held when the patient has a seat that day in a meeting that is not cancelled,
    which they have not missed (a miss made up holds its make-up's day instead). Only an active
    patient is short: one paused or gone has had their seats taken with their status."""
    if roster is None:
        return {}
    facts = _WeekFacts(cursor, program_id, week)
    held: dict[str, set[str]] = {}
    losses: dict[str, list[tuple[str, str]]] = {}  # (ISO date, why) of each day lost
    for session in roster["sessions"]:
        meeting = (session["session_id"], session["date"])
        for patient_id in session["patient_ids"]:
            holds_day, why_not = facts.loss(patient_id, *meeting)
            if holds_day:
                held.setdefault(patient_id, set()).add(session["date"])
            elif why_not is not None:
                losses.setdefault(patient_id, []).append((session["date"], why_not))
    # Patients the cancellation moved out with no make-up no longer sit in the meeting.
    for patient_id, lost_meetings in facts.cancelled_unmade.items():
        losses.setdefault(patient_id, []).extend(lost_meetings)
    requirements = {}
    for p in roster["patients"]:
        patient_id = p["patient_id"]
        days = len(held.get(patient_id, ()))
        reason = None
        if days < p["required_days"] and patient_id in facts.active:
            reasons = [p["unmet_reason"]] if p["unmet_reason"] else []
            reasons += [why for _, why in sorted(losses.get(patient_id, []))]
            reason = "; ".join(reasons) or SEAT_WITHDRAWN
        requirements[patient_id] = Requirement(p["required_days"], days, reason)
    return requirements


def short_of_days(requirements: dict[str, Requirement], names: dict[str, str]) -> list[Shortfall]:
    """The patients short of their days, in roster order (the pages sort them by name)."""
    return [
        Shortfall(
            patient_id,
            names.get(patient_id, patient_id),
            need.required_days,
            need.scheduled_days,
            need.unmet_reason,
        )
        for patient_id, need in requirements.items()
        if need.unmet_reason is not None
    ]


def cancelled_meetings(cursor: ViewCursor, program_id: str) -> set[tuple[str, str]]:
    """The program's cancelled meetings, as (session id, ISO date)."""
    return {
        (row["session_id"], row["session_date"])
        for row in cursor.query(
            "SELECT session_id, session_date FROM view_directory_cancellations "
            "WHERE program_id = ?",
            (program_id,),
        )
    }


class _WeekFacts:
    """What changed the week's seats since the generate, read once from the read models."""

    def __init__(self, cursor: ViewCursor, program_id: str, week: str) -> None:
        monday = week_monday(week)
        self.cancelled = cancelled_meetings(cursor, program_id)
        self.absent = {
            (row["patient_id"], row["session_id"], row["session_date"])
            for row in cursor.query(
                "SELECT patient_id, session_id, session_date FROM view_attendance_marks "
                "WHERE program_id = ? AND session_date >= ? AND session_date <= ? "
                "AND status IN (?, ?)",
                (
                    program_id,
                    monday.isoformat(),
                    (monday + timedelta(days=6)).isoformat(),
                    *ABSENT,
                ),
            )
        }
        self.meetings = {
            session["id"]: f"{session['start']} {session['name']}"
            for session in active_sessions(cursor, program_id)
        }
        self.unmade: dict[tuple[str, str, str], str] = {}
        self.cancelled_unmade: dict[str, list[tuple[str, str]]] = {}
        for row in cursor.query(
            "SELECT patient_id, missed_session_id, missed_date, reason FROM view_compliance_unmade "
            "WHERE program_id = ? AND week = ?",
            (program_id, week),
        ):
            key = (str(row["patient_id"]), str(row["missed_session_id"]), str(row["missed_date"]))
            self.unmade[key] = str(row["reason"])
            if key[1:] in self.cancelled:
                why = f"{self.meeting(*key[1:])} cancelled, no make-up ({row['reason']})"
                self.cancelled_unmade.setdefault(key[0], []).append((key[2], why))
        self.made_up = {
            (row["patient_id"], row["missed_session_id"], row["missed_date"])
            for row in cursor.query(
                "SELECT m.patient_id, m.missed_session_id, m.missed_date "
                "FROM view_roster_make_ups m JOIN view_rosters r ON r.roster_id = m.roster_id "
                "WHERE r.program_id = ? AND r.week = ?",
                (program_id, week),
            )
        }
        self.active = {
            row["patient_id"]
            for row in cursor.query(
                "SELECT patient_id FROM view_census WHERE program_id = ? AND status = 'active'",
                (program_id,),
            )
        }

    def loss(self, patient_id: str, session_id: str, day: str) -> tuple[bool, str | None]:
        """Whether this seat holds a day, and why not when it does not (None: no reason to
        give, as for a miss made up: its make-up holds a day of its own)."""
        meeting = self.meeting(session_id, day)
        if (session_id, day) in self.cancelled:
            return False, f"{meeting} cancelled, make-up not found yet"
        key = (patient_id, session_id, day)
        if key not in self.absent:
            return True, None
        if key in self.unmade:
            return False, f"missed {meeting}, no make-up ({self.unmade[key]})"
        if key in self.made_up:
            return False, None
        return False, f"missed {meeting}, make-up not found yet"

    def meeting(self, session_id: str, day: str) -> str:
        """ "18:00 Evening group on Fri 4 Dec", as people tell meetings apart (a session
        since retired by its id)."""
        when = date.fromisoformat(day)
        return f"{self.meetings.get(session_id, session_id)} on {when:%a} {when.day} {when:%b}"
