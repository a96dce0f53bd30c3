"""Compliance: per patient and ISO week, billable days (≥ 3 hours), hours, and the weekly floor."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from events.billing import BILLABLE_DAY_MINUTES, MIN_BILLABLE_DAYS_PER_WEEK
from events.calendar import iso_week, program_week, week_monday
from scheduler.projections.facts import EnrollmentFacts
from scheduler.projections.runner import Handler, Projection
from scheduler.projections.store import ViewCursor


class ComplianceProjection(Projection):
    name = "compliance"
    version = 2  # 2: a miss corrected to attended leaves the misses waiting for a make-up
    tables = (
        "view_compliance_enrollments",
        "view_compliance_sessions",
        "view_compliance_weeks",
        "view_compliance_unmade",
    )

    def create_tables(self, cursor: ViewCursor) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_compliance_enrollments ("
            "enrollment_id TEXT PRIMARY KEY, program_id TEXT NOT NULL, "
            "patient_id TEXT NOT NULL, start_date TEXT NOT NULL, "
            "min_weekly_hours INTEGER NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_compliance_sessions ("
            "program_id TEXT NOT NULL, patient_id TEXT NOT NULL, session_id TEXT NOT NULL, "
            "session_date TEXT NOT NULL, week TEXT NOT NULL, minutes_present INTEGER NOT NULL, "
            "PRIMARY KEY (program_id, patient_id, session_id, session_date))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_compliance_weeks ("
            "program_id TEXT NOT NULL, patient_id TEXT NOT NULL, week TEXT NOT NULL, "
            "program_week INTEGER NOT NULL, billable_days INTEGER NOT NULL, "
            "attended_minutes INTEGER NOT NULL, meets_weekly_floor INTEGER NOT NULL, "
            "PRIMARY KEY (program_id, patient_id, week))"
        )

        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_compliance_unmade ("
            "program_id TEXT NOT NULL, patient_id TEXT NOT NULL, week TEXT NOT NULL, "
            "missed_session_id TEXT NOT NULL, missed_date TEXT NOT NULL, reason TEXT NOT NULL, "
            "PRIMARY KEY (program_id, patient_id, missed_session_id, missed_date))"
        )

    def __init__(self) -> None:
        self._facts = EnrollmentFacts("view_compliance_enrollments")

    def clear(self, cursor: ViewCursor) -> None:
        super().clear(cursor)
        self._facts.forget()

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "Enrollment.MakeUpUnavailable": self._no_make_up,
            "Enrollment.ReturnedToReinstatedMeeting": self._returned,
            "Enrollment.PatientEnrolled": self._enrolled,
            "Enrollment.SessionAttended": self._attended,
            "Enrollment.SessionMissed": self._missed,
        }

    def _enrolled(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            "INSERT INTO view_compliance_enrollments VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (enrollment_id) DO UPDATE SET program_id = excluded.program_id, "
            "patient_id = excluded.patient_id, start_date = excluded.start_date, "
            "min_weekly_hours = excluded.min_weekly_hours",
            (
                event.originator_id.hex,
                event.program_id,
                event.patient_id,
                event.start_date.isoformat(),
                event.min_weekly_hours,
            ),
        )

    def _no_make_up(self, cursor: ViewCursor, event: Any) -> None:
        """A miss with no make-up: the week's shortfall stays, and the reason is kept with it."""
        enrollment = self._facts.of(cursor, event)
        cursor.execute(
            # The same miss can go without a make-up twice (corrected, then missed again).
            "INSERT INTO view_compliance_unmade VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (program_id, patient_id, missed_session_id, missed_date) "
            "DO UPDATE SET week = excluded.week, reason = excluded.reason",
            (
                enrollment["program_id"],
                enrollment["patient_id"],
                iso_week(event.missed_date),
                event.missed_session_id,
                event.missed_date.isoformat(),
                f"{event.kind}: {event.reason}",
            ),
        )

    def _returned(self, cursor: ViewCursor, event: Any) -> None:
        """The cancelled meeting is held after all, with the patient in it: nothing to make up."""
        enrollment = self._facts.of(cursor, event)
        cursor.execute(
            "DELETE FROM view_compliance_unmade WHERE program_id = ? AND patient_id = ? "
            "AND missed_session_id = ? AND missed_date = ?",
            (
                enrollment["program_id"],
                enrollment["patient_id"],
                event.session_id,
                event.session_date.isoformat(),
            ),
        )

    def _attended(self, cursor: ViewCursor, event: Any) -> None:
        self._record(cursor, event, event.minutes_present)
        # A miss corrected to attended is no miss: it no longer waits for a make-up.
        enrollment = self._facts.of(cursor, event)
        cursor.execute(
            "DELETE FROM view_compliance_unmade WHERE program_id = ? AND patient_id = ? "
            "AND missed_session_id = ? AND missed_date = ?",
            (
                enrollment["program_id"],
                enrollment["patient_id"],
                event.session_id,
                event.session_date.isoformat(),
            ),
        )

    def _missed(self, cursor: ViewCursor, event: Any) -> None:
        self._record(cursor, event, 0)

    def _record(self, cursor: ViewCursor, event: Any, minutes_present: int) -> None:
        enrollment = self._facts.of(cursor, event)
        program_id, patient_id = enrollment["program_id"], enrollment["patient_id"]
        week = iso_week(event.session_date)
        cursor.execute(
            "INSERT INTO view_compliance_sessions VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (program_id, patient_id, session_id, session_date) DO UPDATE SET "
            "minutes_present = excluded.minutes_present",
            (
                program_id,
                patient_id,
                event.session_id,
                event.session_date.isoformat(),
                week,
                minutes_present,
            ),
        )
        days = cursor.query(
            "SELECT session_date, SUM(minutes_present) AS minutes FROM view_compliance_sessions "
            "WHERE program_id = ? AND patient_id = ? AND week = ? GROUP BY session_date",
            (program_id, patient_id, week),
        )
        billable_days = sum(1 for day in days if day["minutes"] >= BILLABLE_DAY_MINUTES)
        attended_minutes = sum(int(day["minutes"]) for day in days)
        meets_floor = (
            billable_days >= MIN_BILLABLE_DAYS_PER_WEEK
            and attended_minutes >= enrollment["min_weekly_hours"] * 60
        )
        start = date.fromisoformat(enrollment["start_date"])
        cursor.execute(
            "INSERT INTO view_compliance_weeks VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (program_id, patient_id, week) DO UPDATE SET "
            "billable_days = excluded.billable_days, "
            "attended_minutes = excluded.attended_minutes, "
            "meets_weekly_floor = excluded.meets_weekly_floor",
            (
                program_id,
                patient_id,
                week,
                program_week(start, week_monday(week)),
                billable_days,
                attended_minutes,
                int(meets_floor),
            ),
        )
