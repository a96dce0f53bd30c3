"""Answers from the read models only: no query replays an aggregate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from events.calendar import program_week
from events.errors import NotFoundError
from events.taper import target_for_week
from scheduler.projections.census import decode_targets
from scheduler.projections.directory import active_sessions, program_document
from scheduler.projections.store import Row
from scheduler.service import Stepdown
from scheduler.staff.file_export import with_staffing


@dataclass(frozen=True)
class CensusEntry:
    patient_id: str
    name: str
    status: str
    start_date: date
    program_week: int
    plan_weeks: int
    weekly_target: int | None
    flags: tuple[str, ...] = ()
    # Stepped down or discharged: from which date, with the discharge summary or the reason.
    ended_on: date | None = None
    end_note: str | None = None


@dataclass(frozen=True)
class AttendanceWeek:
    patient_id: str
    week: str
    program_week: int
    scheduled_hours: float
    attended_hours: float
    misses: int
    unexcused_misses: int
    consecutive_misses: int


@dataclass(frozen=True)
class ComplianceWeek:
    patient_id: str
    week: str
    program_week: int
    billable_days: int
    attended_hours: float
    meets_weekly_floor: bool
    misses_without_make_up: tuple[str, ...] = ()  # "session date: reason"


def program_timezone(stepdown: Stepdown, program_id: str) -> str:
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            "SELECT timezone FROM view_programs WHERE program_id = ?", (program_id,)
        )
    if not rows:
        raise NotFoundError(f"program: {program_id!r} does not exist")
    return str(rows[0]["timezone"])


def census(
    stepdown: Stepdown,
    program_id: str,
    *,
    as_of: date | None = None,
    patient_id: str | None = None,
) -> list[CensusEntry]:
    """Patients in treatment (active or paused) with their program week and this week's target.

    With `patient_id`, that patient whatever their status (stepped down, discharged too).
    """
    day = as_of or stepdown.today(program_timezone(stepdown, program_id))
    sql = (
        "SELECT patient_id, name, status, start_date, targets, ended_on, end_note "
        "FROM view_census WHERE program_id = ?"
    )
    params = [program_id]
    if patient_id is None:
        sql += " AND status IN ('active', 'paused')"
    else:
        sql += " AND patient_id = ?"
        params.append(patient_id)
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(sql + " ORDER BY patient_id", params)
        flags: dict[str, list[str]] = {}
        for flag in cursor.query(
            "SELECT patient_id, flag FROM view_attendance_flags WHERE program_id = ? AND open = 1 "
            "ORDER BY flag",
            (program_id,),
        ):
            flags.setdefault(flag["patient_id"], []).append(flag["flag"])
    entries = []
    for row in rows:
        start = date.fromisoformat(row["start_date"])
        week = program_week(start, day)
        targets = decode_targets(row["targets"])
        entries.append(
            CensusEntry(
                patient_id=row["patient_id"],
                name=cursor.unseal(row["name"]),
                status=row["status"],
                start_date=start,
                program_week=week,
                plan_weeks=len(targets),
                weekly_target=target_for_week(targets, week),
                flags=tuple(flags.get(row["patient_id"], ())),
                ended_on=date.fromisoformat(row["ended_on"]) if row["ended_on"] else None,
                end_note=cursor.unseal(row["end_note"]) if row["end_note"] else None,
            )
        )
    return entries


def census_entry(stepdown: Stepdown, program_id: str, patient_id: str) -> CensusEntry:
    entries = census(stepdown, program_id, patient_id=patient_id)
    if not entries:
        raise NotFoundError(f"patient: {patient_id!r} is not enrolled in {program_id}")
    return entries[0]


def attendance_weeks(
    stepdown: Stepdown, program_id: str, *, patient_id: str | None = None
) -> list[AttendanceWeek]:
    rows = _weekly_rows(stepdown, "view_attendance_weeks", program_id, patient_id)
    return [
        AttendanceWeek(
            patient_id=row["patient_id"],
            week=row["week"],
            program_week=row["program_week"],
            scheduled_hours=row["scheduled_minutes"] / 60,
            attended_hours=row["attended_minutes"] / 60,
            misses=row["misses"],
            unexcused_misses=row["unexcused_misses"],
            consecutive_misses=row["consecutive_misses"],
        )
        for row in rows
    ]


def compliance_weeks(
    stepdown: Stepdown, program_id: str, *, patient_id: str | None = None
) -> list[ComplianceWeek]:
    rows = _weekly_rows(stepdown, "view_compliance_weeks", program_id, patient_id)
    unmade: dict[tuple[str, str], list[str]] = {}
    for row in _weekly_rows(stepdown, "view_compliance_unmade", program_id, patient_id):
        unmade.setdefault((row["patient_id"], row["week"]), []).append(
            f"{row['missed_session_id']} {row['missed_date']}: {row['reason']}"
        )
    return [
        ComplianceWeek(
            patient_id=row["patient_id"],
            week=row["week"],
            program_week=row["program_week"],
            billable_days=row["billable_days"],
            attended_hours=row["attended_minutes"] / 60,
            meets_weekly_floor=bool(row["meets_weekly_floor"]),
            misses_without_make_up=tuple(unmade.get((row["patient_id"], row["week"]), ())),
        )
        for row in rows
    ]


def _weekly_rows(
    stepdown: Stepdown, table: str, program_id: str, patient_id: str | None
) -> list[Row]:
    """A per-patient-week read model's rows for a program, or for one patient in it."""
    program_timezone(stepdown, program_id)  # NotFoundError for an unknown program
    sql = f"SELECT * FROM {table} WHERE program_id = ?"
    params: list[Any] = [program_id]
    if patient_id is not None:
        sql += " AND patient_id = ?"
        params.append(patient_id)
    with stepdown.views.transaction(commit=False) as cursor:
        return cursor.query(sql + " ORDER BY patient_id, week", params)


def export_program(stepdown: Stepdown, program_id: str) -> dict[str, Any]:
    with stepdown.views.transaction(commit=False) as cursor:
        document = program_document(cursor, program_id)
        if document is None:
            raise NotFoundError(f"program: {program_id!r} does not exist")
        return with_staffing(cursor, document)


def program_sessions(stepdown: Stepdown, program_id: str) -> list[dict[str, Any]]:
    """The program's active sessions (without loading its caseload, as `export_program` does)."""
    program_timezone(stepdown, program_id)  # NotFoundError for an unknown program
    with stepdown.views.transaction(commit=False) as cursor:
        return active_sessions(cursor, program_id)


def program_ids(stepdown: Stepdown) -> list[str]:
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query("SELECT program_id FROM view_programs ORDER BY program_id")
    return [str(row["program_id"]) for row in rows]


def programs(stepdown: Stepdown) -> list[dict[str, str]]:
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            "SELECT program_id, name, timezone FROM view_programs ORDER BY program_id"
        )
    return [{key: str(row[key]) for key in ("program_id", "name", "timezone")} for row in rows]


def attendance_flags(stepdown: Stepdown, program_id: str, *, open_only: bool = True) -> list[Row]:
    """Outreach and clinical-review flags raised by the attendance rules."""
    program_timezone(stepdown, program_id)  # NotFoundError for an unknown program
    # Each row with its latest acknowledgement, if any (who and when; the note stays sealed).
    sql = (
        "SELECT f.*, a.acknowledged_on, a.acknowledged_by FROM view_attendance_flags f "
        "LEFT JOIN view_attendance_flag_acknowledgements a ON a.program_id = f.program_id "
        "AND a.patient_id = f.patient_id AND a.flag = f.flag AND a.raised_on = f.raised_on "
        "AND a.event_version = (SELECT MAX(b.event_version) "
        "FROM view_attendance_flag_acknowledgements b WHERE b.program_id = f.program_id "
        "AND b.patient_id = f.patient_id AND b.flag = f.flag AND b.raised_on = f.raised_on) "
        "WHERE f.program_id = ?"
    )
    if open_only:
        sql += " AND f.open = 1"
    with stepdown.views.transaction(commit=False) as cursor:
        return cursor.query(sql + " ORDER BY f.raised_on, f.patient_id, f.flag", (program_id,))
