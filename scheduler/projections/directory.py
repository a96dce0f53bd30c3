"""Directory: each program's definition and caseload in the import format, for export and solving."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from events.privacy.sealing_mapper import ERASED
from scheduler.program_file import (
    FORMAT,
    commitment_document,
    holidays_document,
    policy_document,
    session_document,
)
from scheduler.projections.runner import Handler, Projection
from scheduler.projections.store import ViewCursor


class DirectoryProjection(Projection):
    name = "directory"
    # 2: cancelled meetings; names sealed when encrypted. 3: ordered by the notification log,
    # not by timestamps (which tie under a fixed clock); names sealed under the patient's key.
    version = 3
    tables = (
        "view_directory_programs",
        "view_directory_sessions",
        "view_directory_closures",
        "view_directory_patients",
        "view_directory_cancellations",
    )

    def create_tables(self, cursor: ViewCursor) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_directory_programs ("
            "program_uuid TEXT PRIMARY KEY, program_id TEXT UNIQUE NOT NULL, document TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_directory_sessions ("
            "program_id TEXT NOT NULL, session_id TEXT NOT NULL, ordering TEXT NOT NULL, "
            "retired INTEGER NOT NULL, document TEXT NOT NULL, "
            "PRIMARY KEY (program_id, session_id))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_directory_closures ("
            "program_id TEXT NOT NULL, closed_on TEXT NOT NULL, reason TEXT NOT NULL, "
            "PRIMARY KEY (program_id, closed_on))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_directory_cancellations ("
            "program_id TEXT NOT NULL, session_id TEXT NOT NULL, session_date TEXT NOT NULL, "
            "reason TEXT NOT NULL, PRIMARY KEY (program_id, session_id, session_date))"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS view_directory_patients ("
            "enrollment_id TEXT PRIMARY KEY, program_id TEXT NOT NULL, patient_id TEXT NOT NULL, "
            "ordering TEXT NOT NULL, status TEXT NOT NULL, document TEXT NOT NULL)"
        )

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "Program.ProgramCreated": self._program_created,
            "Program.SessionAdded": self._session_saved,
            "Program.SessionChanged": self._session_saved,
            "Program.SessionRetired": self._session_retired,
            "Program.ClosureAdded": self._closure_added,
            "Program.SessionCancelled": self._session_cancelled,
            "Program.SessionCancellationUndone": self._cancellation_undone,
            "Enrollment.PatientEnrolled": self._enrolled,
            "Enrollment.CommitmentsChanged": self._commitments_changed,
            "Enrollment.Paused": self._status("paused"),
            "Enrollment.Resumed": self._status("active"),
            "Enrollment.SteppedDown": self._status("stepped-down"),
            "Enrollment.Discharged": self._status("discharged"),
            "Enrollment.PatientErased": self._erased,
        }

    def _program_created(self, cursor: ViewCursor, event: Any) -> None:
        document = {
            "id": event.program_id,
            "name": event.name,
            "timezone": event.timezone,
            "holidays": holidays_document(event.holiday_region),
            "policy": policy_document(event.policy),
        }
        cursor.execute(
            "INSERT INTO view_directory_programs VALUES (?, ?, ?) "
            "ON CONFLICT (program_uuid) DO UPDATE SET "
            "program_id = excluded.program_id, document = excluded.document",
            (event.originator_id.hex, event.program_id, json.dumps(document)),
        )

    def _session_saved(self, cursor: ViewCursor, event: Any) -> None:
        program_id = _program_id(cursor, event)
        cursor.execute(
            "INSERT INTO view_directory_sessions VALUES (?, ?, ?, 0, ?) "
            "ON CONFLICT (program_id, session_id) DO UPDATE SET document = excluded.document",
            (
                program_id,
                event.session.session_id,
                _recorded_order(cursor),
                json.dumps(session_document(event.session)),
            ),
        )

    def _session_retired(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            "UPDATE view_directory_sessions SET retired = 1 WHERE program_id = ? AND session_id = ?",
            (_program_id(cursor, event), event.session_id),
        )

    def _closure_added(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            "INSERT INTO view_directory_closures VALUES (?, ?, ?) "
            "ON CONFLICT (program_id, closed_on) DO UPDATE SET reason = excluded.reason",
            (_program_id(cursor, event), event.closed_on.isoformat(), event.reason),
        )

    def _session_cancelled(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            "INSERT INTO view_directory_cancellations VALUES (?, ?, ?, ?) "
            "ON CONFLICT (program_id, session_id, session_date) "
            "DO UPDATE SET reason = excluded.reason",
            (
                _program_id(cursor, event),
                event.session_id,
                event.session_date.isoformat(),
                cursor.seal(event.reason),
            ),
        )

    def _cancellation_undone(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            "DELETE FROM view_directory_cancellations "
            "WHERE program_id = ? AND session_id = ? AND session_date = ?",
            (_program_id(cursor, event), event.session_id, event.session_date.isoformat()),
        )

    def _enrolled(self, cursor: ViewCursor, event: Any) -> None:
        document: dict[str, Any] = {
            "id": event.patient_id,
            "name": event.name,
            "start_date": event.start_date.isoformat(),
            "planned_weeks": event.planned_weeks,
            "initial_days_per_week": event.initial_days_per_week,
            "travel_minutes": event.travel_minutes,
            "commitments": [commitment_document(c) for c in event.commitments],
        }
        if event.preferred_track is not None:
            document["preferred_track"] = event.preferred_track
        cursor.execute(
            "INSERT INTO view_directory_patients VALUES (?, ?, ?, ?, 'active', ?) "
            "ON CONFLICT (enrollment_id) DO UPDATE SET program_id = excluded.program_id, "
            "patient_id = excluded.patient_id, ordering = excluded.ordering, "
            "status = excluded.status, document = excluded.document",
            (
                event.originator_id.hex,
                event.program_id,
                event.patient_id,
                _recorded_order(cursor),
                cursor.seal_for(event.originator_id, json.dumps(document)),
            ),
        )

    def _commitments_changed(self, cursor: ViewCursor, event: Any) -> None:
        row = cursor.query(
            "SELECT document FROM view_directory_patients WHERE enrollment_id = ?",
            (event.originator_id.hex,),
        )[0]
        document = json.loads(cursor.unseal(row["document"]))
        document["commitments"] = [commitment_document(c) for c in event.commitments]
        cursor.execute(
            "UPDATE view_directory_patients SET document = ? WHERE enrollment_id = ?",
            (cursor.seal_for(event.originator_id, json.dumps(document)), event.originator_id.hex),
        )

    def _erased(self, cursor: ViewCursor, event: Any) -> None:
        """Only the id is kept: the name and commitments were the patient's."""
        row = cursor.query(
            "SELECT patient_id FROM view_directory_patients WHERE enrollment_id = ?",
            (event.originator_id.hex,),
        )[0]
        document = {"id": row["patient_id"], "name": ERASED, "commitments": []}
        cursor.execute(
            "UPDATE view_directory_patients SET document = ? WHERE enrollment_id = ?",
            (cursor.seal(json.dumps(document)), event.originator_id.hex),
        )

    def _status(self, status: str) -> Handler:
        def handle(cursor: ViewCursor, event: Any) -> None:
            cursor.execute(
                "UPDATE view_directory_patients SET status = ? WHERE enrollment_id = ?",
                (status, event.originator_id.hex),
            )

        return handle


def _program_id(cursor: ViewCursor, event: Any) -> str:
    row = cursor.query(
        "SELECT program_id FROM view_directory_programs WHERE program_uuid = ?",
        (event.originator_id.hex,),
    )[0]
    return str(row["program_id"])


def program_document(cursor: ViewCursor, program_id: str) -> dict[str, Any] | None:
    """The program as a `stepdown/program@1` document: its sessions and current caseload."""
    programs = cursor.query(
        "SELECT document FROM view_directory_programs WHERE program_id = ?", (program_id,)
    )
    if not programs:
        return None
    program = json.loads(programs[0]["document"])
    closures = cursor.query(
        "SELECT closed_on, reason FROM view_directory_closures WHERE program_id = ? "
        "ORDER BY closed_on",
        (program_id,),
    )
    program["closures"] = [{"date": c["closed_on"], "reason": c["reason"]} for c in closures]
    program = {
        key: program[key] for key in ("id", "name", "timezone", "holidays", "closures", "policy")
    }
    patients = cursor.query(
        "SELECT document FROM view_directory_patients WHERE program_id = ? "
        "AND status IN ('active', 'paused') ORDER BY ordering, patient_id",
        (program_id,),
    )
    return {
        "format": FORMAT,
        "program": program,
        "sessions": active_sessions(cursor, program_id),
        "patients": [json.loads(cursor.unseal(p["document"])) for p in patients],
    }


def active_sessions(cursor: ViewCursor, program_id: str) -> list[dict[str, Any]]:
    """The program's sessions that are not retired, in the order they were added (file format)."""
    rows = cursor.query(
        "SELECT document FROM view_directory_sessions WHERE program_id = ? AND retired = 0 "
        "ORDER BY ordering, session_id",
        (program_id,),
    )
    return [json.loads(row["document"]) for row in rows]


def _recorded_order(cursor: ViewCursor) -> str:
    """Import order: the notification's position, padded so that text sorts as numbers."""
    return f"{cursor.notification_id:020d}"
