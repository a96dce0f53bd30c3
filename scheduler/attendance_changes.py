"""The history of attendance marks: each mark recorded for a meeting, the first and every
correction, with who recorded it, when, and what it replaced (from the attendance read model)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from events.calendar import week_monday
from scheduler.queries import program_timezone
from scheduler.service import Stepdown


@dataclass(frozen=True)
class AttendanceChange:
    patient_id: str
    session_id: str
    session_date: date
    recorded_at: datetime
    recorded_by: str
    from_status: str | None  # None for the first mark of the meeting
    to_status: str
    reason: str
    contact_made: bool
    version: int  # the enrolment's event version: the order marks were recorded in

    @property
    def is_correction(self) -> bool:
        return self.from_status is not None


def attendance_changes(
    stepdown: Stepdown,
    program_id: str,
    *,
    patient_id: str | None = None,
    week: str | None = None,
    corrections_only: bool = False,
) -> list[AttendanceChange]:
    """Marks by meeting date, session, patient, then in the order they were recorded."""
    program_timezone(stepdown, program_id)  # NotFoundError for an unknown program
    sql = "SELECT * FROM view_attendance_changes WHERE program_id = ?"
    params: list[Any] = [program_id]
    if patient_id is not None:
        sql += " AND patient_id = ?"
        params.append(patient_id)
    if week is not None:
        monday = week_monday(week)
        sql += " AND session_date >= ? AND session_date <= ?"
        params += [monday.isoformat(), (monday + timedelta(days=6)).isoformat()]
    if corrections_only:
        sql += " AND from_status IS NOT NULL"
    sql += " ORDER BY session_date, session_id, patient_id, event_version"
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(sql, params)
        return [
            AttendanceChange(
                patient_id=row["patient_id"],
                session_id=row["session_id"],
                session_date=date.fromisoformat(row["session_date"]),
                recorded_at=datetime.fromisoformat(row["recorded_at"]),
                recorded_by=row["recorded_by"],
                from_status=row["from_status"],
                to_status=row["to_status"],
                reason=cursor.unseal(row["reason"]),
                contact_made=bool(row["contact_made"]),
                version=row["event_version"],
            )
            for row in rows
        ]
