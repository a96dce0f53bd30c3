"""The staffing part of a program export: what a `stepdown/program@2` file holds beyond `@1`
(staff, rooms, the staffing policy and how each session is staffed), so that an export imports
back to the same staffing."""

from __future__ import annotations

import json
from typing import Any

from scheduler.program_file import FORMAT_WITH_STAFF
from scheduler.projections.store import ViewCursor
from scheduler.staff.queries import session_staffing_rows
from scheduler.staff.staff_view import PROGRAMS, ROOMS, STAFF


def with_staffing(cursor: ViewCursor, document: dict[str, Any]) -> dict[str, Any]:
    """The `@1` export document as `@2` when the program has staffing; unchanged otherwise."""
    program_id = document["program"]["id"]
    policies = cursor.query(f"SELECT policy FROM {PROGRAMS} WHERE program_id = ?", (program_id,))
    if not policies:
        return document
    # Staff who left stay out of the file: an import would refuse to add them again.
    staff = cursor.query(
        f"SELECT * FROM {STAFF} WHERE program_id = ? AND removed_on IS NULL ORDER BY staff_id",
        (program_id,),
    )
    rooms = cursor.query(
        f"SELECT room_id, capacity FROM {ROOMS} WHERE program_id = ? ORDER BY room_id",
        (program_id,),
    )
    staffed = session_staffing_rows(cursor, program_id)
    policy = {k: v for k, v in json.loads(policies[0]["policy"]).items() if v is not None}
    return {
        **document,
        "format": FORMAT_WITH_STAFF,
        "program": {**document["program"], "policy": {**document["program"]["policy"], **policy}},
        "sessions": [
            _staffed_session(session, staffed.get(session["id"]))
            for session in document["sessions"]
        ],
        "staff": [_staff_record(row) for row in staff],
        "rooms": [{"id": row["room_id"], "capacity": row["capacity"]} for row in rooms],
    }


def _staffed_session(session: dict[str, Any], row: Any) -> dict[str, Any]:
    if row is None:
        return session
    fields: dict[str, Any] = {"modality": row["modality"]}
    if row["room_id"] is not None:
        fields["room"] = row["room_id"]
    # Staff who left lead no group (removing one who does is refused), so all are in the file.
    fields["facilitators"] = json.loads(row["facilitators"])
    fields["credentials"] = json.loads(row["credentials"])
    return {**session, **fields}


def _staff_record(row: Any) -> dict[str, Any]:
    return {
        "id": row["staff_id"],
        "name": row["name"],
        "role": row["role"],
        "credentials": json.loads(row["credentials"]),
        "availability": json.loads(row["availability"]),
        "max_hours_per_week": row["max_hours_per_week"],
        "caseload_cap": row["caseload_cap"],
    }
