"""A patient's course through the program: planned days against attended, week by week."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from events.calendar import iso_week, program_week
from scheduler import queries
from scheduler.projections.census import decode_targets
from scheduler.service import Stepdown


@dataclass(frozen=True)
class CourseWeek:
    program_week: int
    week: str  # ISO week
    planned_days: int
    attended_days: int
    missed: int
    # Progress that moved the taper in this week: hold, step_down (ready early), step_early.
    signals: tuple[str, ...]
    billable_days: int
    meets_weekly_floor: bool | None  # None: nothing recorded for the week yet


@dataclass(frozen=True)
class Mark:
    session_id: str
    session_date: date
    status: str
    minutes_present: int


@dataclass(frozen=True)
class PatientCourse:
    entry: queries.CensusEntry
    weeks: tuple[CourseWeek, ...]
    marks: tuple[Mark, ...]
    current_week: int


def patient_course(stepdown: Stepdown, program_id: str, patient_id: str) -> PatientCourse:
    entry = queries.census_entry(stepdown, program_id, patient_id)
    with stepdown.views.transaction(commit=False) as cursor:
        census_row = cursor.query(
            "SELECT signals, targets FROM view_census WHERE program_id = ? AND patient_id = ?",
            (program_id, patient_id),
        )[0]
        mark_rows = cursor.query(
            "SELECT session_id, session_date, status, minutes_present FROM view_attendance_marks "
            "WHERE program_id = ? AND patient_id = ? ORDER BY session_date, session_id",
            (program_id, patient_id),
        )
    marks = tuple(
        Mark(
            r["session_id"],
            date.fromisoformat(r["session_date"]),
            r["status"],
            r["minutes_present"],
        )
        for r in mark_rows
    )
    compliance = {
        c.week: c for c in queries.compliance_weeks(stepdown, program_id, patient_id=patient_id)
    }
    signals: dict[int, list[str]] = {}
    for week_number, kind in json.loads(census_row["signals"]):
        signals.setdefault(week_number, []).append(kind)
    weeks = []
    for number, planned in enumerate(decode_targets(census_row["targets"]), start=1):
        monday = (
            entry.start_date
            - timedelta(days=entry.start_date.weekday())
            + timedelta(weeks=number - 1)
        )
        iso = iso_week(monday)
        in_week = [m for m in marks if iso_week(m.session_date) == iso]
        billed = compliance.get(iso)
        weeks.append(
            CourseWeek(
                program_week=number,
                week=iso,
                planned_days=planned,
                attended_days=len({m.session_date for m in in_week if m.status == "attended"}),
                missed=sum(m.status != "attended" for m in in_week),
                signals=tuple(signals.get(number, ())),
                billable_days=billed.billable_days if billed else 0,
                meets_weekly_floor=billed.meets_weekly_floor if billed else None,
            )
        )
    today = stepdown.today(queries.program_timezone(stepdown, program_id))
    return PatientCourse(
        entry=entry,
        weeks=tuple(weeks),
        marks=marks,
        current_week=program_week(entry.start_date, today),
    )
