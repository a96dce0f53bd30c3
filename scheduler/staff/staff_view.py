"""The staff read model: each program's staff, rooms, how its sessions are staffed, absences and
primary counsellors. Staff names are employees' and are stored as written (not sealed)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from events.staff.values import StaffMember
from scheduler.projections.runner import Handler, Projection
from scheduler.projections.store import ViewCursor

PROGRAMS = "view_staffing_programs"
STAFF = "view_staff"
ROOMS = "view_staff_rooms"
SESSIONS = "view_staff_sessions"
ABSENCES = "view_staff_absences"
COUNSELLORS = "view_staff_counsellors"


class StaffProjection(Projection):
    name = "staff"
    tables = (PROGRAMS, STAFF, ROOMS, SESSIONS, ABSENCES, COUNSELLORS)

    def create_tables(self, cursor: ViewCursor) -> None:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {PROGRAMS} (staffing_id TEXT PRIMARY KEY, "
            "program_id TEXT NOT NULL UNIQUE, policy TEXT NOT NULL)"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {STAFF} (program_id TEXT NOT NULL, "
            "staff_id TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, "
            "credentials TEXT NOT NULL, availability TEXT NOT NULL, "
            "max_hours_per_week INTEGER NOT NULL, caseload_cap INTEGER NOT NULL, "
            "removed_on TEXT, PRIMARY KEY (program_id, staff_id))"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {ROOMS} (program_id TEXT NOT NULL, "
            "room_id TEXT NOT NULL, capacity INTEGER NOT NULL, PRIMARY KEY (program_id, room_id))"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {SESSIONS} (program_id TEXT NOT NULL, "
            "session_id TEXT NOT NULL, modality TEXT NOT NULL, room_id TEXT, "
            "facilitators TEXT NOT NULL, credentials TEXT NOT NULL, "
            "PRIMARY KEY (program_id, session_id))"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {ABSENCES} (program_id TEXT NOT NULL, "
            "staff_id TEXT NOT NULL, first_day TEXT NOT NULL, last_day TEXT NOT NULL, "
            "reason TEXT NOT NULL, PRIMARY KEY (program_id, staff_id, first_day, last_day))"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {COUNSELLORS} (program_id TEXT NOT NULL, "
            "patient_id TEXT NOT NULL, staff_id TEXT NOT NULL, assigned_on TEXT NOT NULL, "
            "PRIMARY KEY (program_id, patient_id))"
        )

    def handlers(self) -> Mapping[str, Handler]:
        return {
            "Staffing.StaffingStarted": self._started,
            "Staffing.StaffingPolicySet": self._policy_set,
            "Staffing.StaffAdded": self._staff_recorded,
            "Staffing.StaffChanged": self._staff_recorded,
            "Staffing.StaffRemoved": self._staff_removed,
            "Staffing.RoomAdded": self._room_recorded,
            "Staffing.RoomChanged": self._room_recorded,
            "Staffing.SessionStaffed": self._session_staffed,
            "Staffing.StaffAbsent": self._absent,
            "Staffing.PrimaryCounsellorAssigned": self._counsellor_assigned,
            "Staffing.PrimaryCounsellorReleased": self._counsellor_released,
        }

    def _started(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            f"INSERT INTO {PROGRAMS} VALUES (?, ?, ?) ON CONFLICT (staffing_id) DO NOTHING",
            (event.originator_id.hex, event.program_id, _policy(event.policy)),
        )

    def _policy_set(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            f"UPDATE {PROGRAMS} SET policy = ? WHERE staffing_id = ?",
            (_policy(event.policy), event.originator_id.hex),
        )

    def _staff_recorded(self, cursor: ViewCursor, event: Any) -> None:
        member: StaffMember = event.member
        cursor.execute(
            f"INSERT INTO {STAFF} VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL) "
            "ON CONFLICT (program_id, staff_id) DO UPDATE SET name = excluded.name, "
            "role = excluded.role, credentials = excluded.credentials, "
            "availability = excluded.availability, "
            "max_hours_per_week = excluded.max_hours_per_week, "
            "caseload_cap = excluded.caseload_cap",
            (
                _program_of(cursor, event),
                member.staff_id,
                member.name,
                member.role,
                json.dumps(list(member.credentials)),
                json.dumps(
                    [
                        {
                            "weekday": window.weekday.name,
                            "start": f"{window.start:%H:%M}",
                            "end": f"{window.end:%H:%M}",
                        }
                        for window in member.availability
                    ]
                ),
                member.max_hours_per_week,
                member.caseload_cap,
            ),
        )

    def _staff_removed(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            f"UPDATE {STAFF} SET removed_on = ? WHERE program_id = ? AND staff_id = ?",
            (event.effective_on.isoformat(), _program_of(cursor, event), event.staff_id),
        )

    def _room_recorded(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            f"INSERT INTO {ROOMS} VALUES (?, ?, ?) "
            "ON CONFLICT (program_id, room_id) DO UPDATE SET capacity = excluded.capacity",
            (_program_of(cursor, event), event.room.room_id, event.room.capacity),
        )

    def _session_staffed(self, cursor: ViewCursor, event: Any) -> None:
        staffing = event.staffing
        cursor.execute(
            f"INSERT INTO {SESSIONS} VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (program_id, session_id) DO UPDATE SET modality = excluded.modality, "
            "room_id = excluded.room_id, facilitators = excluded.facilitators, "
            "credentials = excluded.credentials",
            (
                _program_of(cursor, event),
                staffing.session_id,
                staffing.modality.value,
                staffing.room_id,
                json.dumps(list(staffing.facilitator_ids)),
                json.dumps(list(staffing.required_credentials)),
            ),
        )

    def _absent(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            f"INSERT INTO {ABSENCES} VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (program_id, staff_id, first_day, last_day) DO NOTHING",
            (
                _program_of(cursor, event),
                event.staff_id,
                event.first_day.isoformat(),
                event.last_day.isoformat(),
                event.reason,
            ),
        )

    def _counsellor_assigned(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            f"INSERT INTO {COUNSELLORS} VALUES (?, ?, ?, ?) "
            "ON CONFLICT (program_id, patient_id) DO UPDATE SET staff_id = excluded.staff_id, "
            "assigned_on = excluded.assigned_on",
            (
                _program_of(cursor, event),
                event.patient_id,
                event.staff_id,
                event.effective_on.isoformat(),
            ),
        )

    def _counsellor_released(self, cursor: ViewCursor, event: Any) -> None:
        cursor.execute(
            f"DELETE FROM {COUNSELLORS} WHERE program_id = ? AND patient_id = ?",
            (_program_of(cursor, event), event.patient_id),
        )


def _program_of(cursor: ViewCursor, event: Any) -> str:
    rows = cursor.query(
        f"SELECT program_id FROM {PROGRAMS} WHERE staffing_id = ?", (event.originator_id.hex,)
    )
    return str(rows[0]["program_id"])


def _policy(policy: Any) -> str:
    return json.dumps(
        {
            "second_facilitator_above": policy.second_facilitator_above,
            "individual_session_every_weeks": policy.individual_session_every_weeks,
            "family_session_every_weeks": policy.family_session_every_weeks,
        }
    )
