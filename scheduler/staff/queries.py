"""Staff queries from the read model: the list, one member in full."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from events.errors import NotFoundError
from scheduler.projections.store import ViewCursor
from scheduler.service import Stepdown
from scheduler.staff.staff_view import ABSENCES, COUNSELLORS, PROGRAMS, SESSIONS, STAFF


@dataclass(frozen=True)
class Availability:
    weekday: str
    start: str
    end: str


@dataclass(frozen=True)
class Absence:
    staff_id: str
    first_day: date
    last_day: date
    reason: str

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


@dataclass(frozen=True)
class StaffSummary:
    staff_id: str
    name: str
    role: str
    credentials: tuple[str, ...]
    availability: tuple[Availability, ...]
    max_hours_per_week: int
    caseload_cap: int
    caseload: int
    removed_on: date | None


@dataclass(frozen=True)
class StaffDetail:
    summary: StaffSummary
    facilitates: tuple[str, ...]  # session ids
    absences: tuple[Absence, ...]
    counsels: tuple[str, ...]  # patient ids


def staff_list(
    stepdown: Stepdown, program_id: str, *, include_removed: bool = False
) -> list[StaffSummary]:
    """The program's staff by id; members who left only when asked."""
    with stepdown.views.transaction(commit=False) as cursor:
        _require_staffed(cursor, program_id)
        rows = cursor.query(
            f"SELECT s.*, (SELECT COUNT(*) FROM {COUNSELLORS} c WHERE c.program_id = s.program_id "
            "AND c.staff_id = s.staff_id) AS caseload "
            f"FROM {STAFF} s WHERE s.program_id = ? ORDER BY s.staff_id",
            (program_id,),
        )
    members = [_summary(row) for row in rows]
    return [m for m in members if include_removed or m.removed_on is None]


def staff_detail(stepdown: Stepdown, program_id: str, staff_id: str) -> StaffDetail:
    members = {m.staff_id: m for m in staff_list(stepdown, program_id, include_removed=True)}
    if staff_id not in members:
        raise NotFoundError(f"staff: {staff_id!r} is not a staff member of program {program_id!r}")
    with stepdown.views.transaction(commit=False) as cursor:
        facilitates = [
            session_id
            for session_id, facilitators in session_facilitators(cursor, program_id).items()
            if staff_id in facilitators
        ]
        counsels = cursor.query(
            f"SELECT patient_id FROM {COUNSELLORS} WHERE program_id = ? AND staff_id = ? "
            "ORDER BY patient_id",
            (program_id, staff_id),
        )
        absences = absences_of(cursor, program_id, staff_id)
    return StaffDetail(
        summary=members[staff_id],
        facilitates=tuple(sorted(facilitates)),
        absences=tuple(absences),
        counsels=tuple(str(row["patient_id"]) for row in counsels),
    )


def session_facilitators(cursor: ViewCursor, program_id: str) -> dict[str, tuple[str, ...]]:
    rows = cursor.query(
        f"SELECT session_id, facilitators FROM {SESSIONS} WHERE program_id = ?", (program_id,)
    )
    return {str(row["session_id"]): tuple(json.loads(row["facilitators"])) for row in rows}


def session_staffing_rows(cursor: ViewCursor, program_id: str) -> dict[str, Any]:
    rows = cursor.query(f"SELECT * FROM {SESSIONS} WHERE program_id = ?", (program_id,))
    return {str(row["session_id"]): row for row in rows}


def virtual_session_ids(cursor: ViewCursor, program_id: str) -> set[str]:
    """The program's sessions held online (a stepdown/program@2 file's modality)."""
    rows = cursor.query(
        f"SELECT session_id FROM {SESSIONS} WHERE program_id = ? AND modality = 'virtual'",
        (program_id,),
    )
    return {str(row["session_id"]) for row in rows}


def staff_names(cursor: ViewCursor, program_id: str) -> dict[str, str]:
    """Every staff member's name, those who left included (old rosters still name them)."""
    rows = cursor.query(f"SELECT staff_id, name FROM {STAFF} WHERE program_id = ?", (program_id,))
    return {str(row["staff_id"]): str(row["name"]) for row in rows}


def absences_of(cursor: ViewCursor, program_id: str, staff_id: str | None = None) -> list[Absence]:
    where, params = "program_id = ?", [program_id]
    if staff_id is not None:
        where += " AND staff_id = ?"
        params.append(staff_id)
    rows = cursor.query(
        f"SELECT * FROM {ABSENCES} WHERE {where} ORDER BY staff_id, first_day, last_day", params
    )
    return [
        Absence(
            staff_id=row["staff_id"],
            first_day=date.fromisoformat(row["first_day"]),
            last_day=date.fromisoformat(row["last_day"]),
            reason=row["reason"],
        )
        for row in rows
    ]


def _require_staffed(cursor: ViewCursor, program_id: str) -> None:
    if not cursor.query(f"SELECT 1 FROM {PROGRAMS} WHERE program_id = ?", (program_id,)):
        raise NotFoundError(
            f"program: {program_id!r} has no staff yet (import a stepdown/program@2 file)"
        )


def _summary(row: Any) -> StaffSummary:
    return StaffSummary(
        staff_id=row["staff_id"],
        name=row["name"],
        role=row["role"],
        credentials=tuple(json.loads(row["credentials"])),
        availability=tuple(Availability(**window) for window in json.loads(row["availability"])),
        max_hours_per_week=row["max_hours_per_week"],
        caseload_cap=row["caseload_cap"],
        caseload=int(row["caseload"]),
        removed_on=date.fromisoformat(row["removed_on"]) if row["removed_on"] else None,
    )
