"""Attendance: per patient and ISO week, scheduled and attended hours, misses, consecutive misses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from events.calendar import iso_week, program_week, week_monday
from scheduler.projections.runner import Handler, Projection
from scheduler.projections.store import ViewCursor


class AttendanceProjection(Projection):
    name = "attendance"
    tables = (
        "view_attendance_enrollments",
        "view_attendance_marks",
        "view_attendance_weeks",
        "view_attendance_flags",
    )

    def create_tables(self, cursor: ViewCursor) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_attendance_enrollments ("
            "enrollment_id TEXT PRIMARY KEY, program_id TEXT NOT NULL, "
            "patient_id TEXT NOT NULL, start_date TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_attendance_marks ("
            "program_id TEXT NOT NULL, patient_id TEXT NOT NULL, session_id TEXT NOT NULL, "
            "session_date TEXT NOT NULL, status TEXT NOT NULL, "
            "scheduled_minutes INTEGER NOT NULL, minutes_present INTEGER NOT NULL, "
            "contact_made INTEGER NOT NULL, "
            "PRIMARY KEY (program_id, patient_id, session_id, session_date))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_attendance_weeks ("
            "program_id TEXT NOT NULL, patient_id TEXT NOT NULL, week TEXT NOT NULL, "
            "program_week INTEGER NOT NULL, scheduled_minutes INTEGER NOT NULL, "
            "attended_minutes INTEGER NOT NULL, misses INTEGER NOT NULL, "
            "unexcused_misses INTEGER NOT NULL, consecutive_misses INTEGER NOT NULL, "
            "PRIMARY KEY (program_id, patient_id, week))"
        )

        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_attendance_flags ("
            "program_id TEXT NOT NULL, patient_id TEXT NOT NULL, flag TEXT NOT NULL, "
            "raised_on TEXT NOT NULL, reason TEXT NOT NULL, open INTEGER NOT NULL, "
            "PRIMARY KEY (program_id, patient_id, flag, raised_on))"
        )

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "Enrollment.AttendanceFlagRaised": self._flag_raised,
            "Enrollment.PatientEnrolled": self._enrolled,
            "Enrollment.SessionAttended": self._attended,
            "Enrollment.SessionMissed": self._missed,
        }

    def _enrolled(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            "INSERT INTO view_attendance_enrollments VALUES (?, ?, ?, ?)",
            (
                event.originator_id.hex,
                event.program_id,
                event.patient_id,
                event.start_date.isoformat(),
            ),
        )

    def _attended(self, cursor: ViewCursor, event: Any) -> None:
        self._mark(cursor, event, "attended", event.minutes_present, contact_made=True)
        program_id, patient_id = self._ids(cursor, event)
        cursor.execute(
            "UPDATE view_attendance_flags SET open = 0 WHERE program_id = ? AND patient_id = ? "
            "AND flag = 'outreach'",
            (program_id, patient_id),
        )

    def _flag_raised(self, cursor: ViewCursor, event: Any) -> None:
        program_id, patient_id = self._ids(cursor, event)
        cursor.execute(
            "INSERT INTO view_attendance_flags VALUES (?, ?, ?, ?, ?, 1)",
            (program_id, patient_id, event.flag, event.effective_on.isoformat(), event.reason),
        )

    def _ids(self, cursor: ViewCursor, event: Any) -> tuple[str, str]:
        row = cursor.query(
            "SELECT program_id, patient_id FROM view_attendance_enrollments WHERE enrollment_id = ?",
            (event.originator_id.hex,),
        )[0]
        return str(row["program_id"]), str(row["patient_id"])

    def _missed(self, cursor: ViewCursor, event: Any) -> None:
        status = "excused" if event.excused else "missed"
        self._mark(cursor, event, status, 0, contact_made=event.contact_made)

    def _mark(
        self, cursor: ViewCursor, event: Any, status: str, minutes: int, *, contact_made: bool
    ) -> None:
        enrollment = cursor.query(
            "SELECT * FROM view_attendance_enrollments WHERE enrollment_id = ?",
            (event.originator_id.hex,),
        )[0]
        program_id, patient_id = enrollment["program_id"], enrollment["patient_id"]
        cursor.execute(
            "INSERT INTO view_attendance_marks VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (program_id, patient_id, session_id, session_date) DO UPDATE SET "
            "status = excluded.status, scheduled_minutes = excluded.scheduled_minutes, "
            "minutes_present = excluded.minutes_present, contact_made = excluded.contact_made",
            (
                program_id,
                patient_id,
                event.session_id,
                event.session_date.isoformat(),
                status,
                event.scheduled_minutes,
                minutes,
                int(contact_made),
            ),
        )
        _recompute_weeks(
            cursor, program_id, patient_id, date.fromisoformat(enrollment["start_date"])
        )


@dataclass
class _WeekTotals:
    scheduled_minutes: int = 0
    attended_minutes: int = 0
    misses: int = 0
    unexcused_misses: int = 0
    consecutive_misses: int = 0


def _recompute_weeks(cursor: ViewCursor, program_id: str, patient_id: str, start: date) -> None:
    """Rebuild the patient's weekly rows from their marks: a correction can change later weeks."""
    marks = cursor.query(
        "SELECT session_date, status, scheduled_minutes, minutes_present "
        "FROM view_attendance_marks WHERE program_id = ? AND patient_id = ? "
        "ORDER BY session_date, session_id",
        (program_id, patient_id),
    )
    weeks: dict[str, _WeekTotals] = {}
    run = 0
    for mark in marks:
        totals = weeks.setdefault(iso_week(date.fromisoformat(mark["session_date"])), _WeekTotals())
        totals.scheduled_minutes += mark["scheduled_minutes"]
        totals.attended_minutes += mark["minutes_present"]
        if mark["status"] == "attended":
            run = 0
        else:
            run += 1
            totals.misses += 1
            totals.unexcused_misses += mark["status"] == "missed"
        totals.consecutive_misses = run
    cursor.execute(
        "DELETE FROM view_attendance_weeks WHERE program_id = ? AND patient_id = ?",
        (program_id, patient_id),
    )
    cursor.executemany(
        "INSERT INTO view_attendance_weeks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                program_id,
                patient_id,
                week,
                program_week(start, week_monday(week)),
                totals.scheduled_minutes,
                totals.attended_minutes,
                totals.misses,
                totals.unexcused_misses,
                totals.consecutive_misses,
            )
            for week, totals in weeks.items()
        ],
    )
