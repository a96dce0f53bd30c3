"""Small hand-made aggregates for unit tests."""

from __future__ import annotations

from datetime import date, time

from events.enrollment import Enrollment
from events.program import Program
from events.values import Commitment, CommitmentKind, HolidayRegion, Policy, SessionSpec, Weekday

START = date(2026, 11, 2)  # a Monday
MONDAY_DAY_GROUP = SessionSpec("mon-day", "Day group", Weekday.MON, time(9), time(12), 12, 3, "day")


def a_program() -> Program:
    program = Program(
        program_id="iop-1",
        name="IOP one",
        timezone="America/Chicago",
        holiday_region=HolidayRegion("US"),
        policy=Policy(),
        recorded_by="coordinator",
        effective_on=START,
    )
    program.add_session(MONDAY_DAY_GROUP, recorded_by="coordinator", effective_on=START)
    return program


def an_enrollment(**changes: object) -> Enrollment:
    values: dict[str, object] = {
        "program_id": "iop-1",
        "patient_id": "P1",
        "name": "Ada Example",
        "start_date": START,
        "planned_weeks": 8,
        "initial_days_per_week": 4,
        "min_days_per_week": 3,
        "max_program_weeks": 12,
        "min_weekly_hours": 9,
        "travel_minutes": 30,
        "preferred_track": "day",
        "commitments": (
            Commitment(CommitmentKind.WORK, (Weekday.TUE, Weekday.THU), time(8), time(17)),
        ),
        "recorded_by": "coordinator",
        "effective_on": START,
    }
    values.update(changes)
    return Enrollment(**values)  # type: ignore[arg-type]
