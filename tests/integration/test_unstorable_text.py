"""Text no column can hold (NUL, lone surrogates) never stops a read model for good.

The boundary refuses it (tests/api/test_input_hygiene.py), but an event already recorded with
it (before that check, or written by other means) is applied with U+FFFD in its place. On
PostgreSQL such an event used to stop the census and directory read models at that event, so
every later write was stored but answered 404.
"""

from __future__ import annotations

import json
from datetime import date

from scheduler import queries
from scheduler.importing import import_program
from scheduler.patients import enroll_patient, new_enrollment
from scheduler.program_file import PatientIn
from scheduler.service import Stepdown

PROGRAM = "standard-101"


def _patient(patient_id: str, name: str) -> PatientIn:
    # model_construct skips validation: the event is written as older code or a script would.
    return PatientIn.model_construct(
        id=patient_id,
        name=name,
        start_date=date(2026, 11, 30),
        planned_weeks=8,
        initial_days_per_week=3,
        travel_minutes=None,
        preferred_track=None,
        commitments=[],
    )


def test_a_name_with_a_nul_recorded_directly_is_shown_replaced_and_later_writes_are_answered(
    stepdown: Stepdown, sample_text: str
) -> None:
    import_program(stepdown, sample_text, actor="coordinator")
    program = stepdown.app.get_program(PROGRAM)
    stepdown.app.save(
        new_enrollment(PROGRAM, program.policy, _patient("N0001", "Jane\x00Roe"), "x")
    )

    stepdown.catch_up()

    assert stepdown.stopped_projections() == {}
    assert queries.census_entry(stepdown, PROGRAM, "N0001").name == "Jane\ufffdRoe"
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query("SELECT name FROM view_census WHERE patient_id = ?", ("N0001",))
    assert [cursor.unseal(row["name"]) for row in rows] == ["Jane\ufffdRoe"]
    # The freeze: a later enrolment was stored but its answer (from the census) was a 404.
    enroll_patient(stepdown, PROGRAM, _valid("N0002"), actor="coordinator")
    stepdown.catch_up()
    assert queries.census_entry(stepdown, PROGRAM, "N0002").name == "Later Patient"


def test_a_cancellation_reason_with_a_nul_recorded_directly_keeps_the_directory_running(
    stepdown: Stepdown, sample_text: str
) -> None:
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    program = stepdown.app.get_program(PROGRAM)
    program.cancel_session("mon-day-1", date(2026, 11, 30), "ill\x00today", recorded_by="x")
    stepdown.app.save(program)

    stepdown.catch_up()

    assert stepdown.stopped_projections() == {}
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            "SELECT reason FROM view_directory_cancellations WHERE session_id = ?",
            ("mon-day-1",),
        )
    assert [cursor.unseal(row["reason"]) for row in rows] == ["ill\ufffdtoday"]


def _valid(patient_id: str) -> PatientIn:
    return PatientIn.model_validate_json(
        json.dumps(
            {
                "id": patient_id,
                "name": "Later Patient",
                "start_date": "2026-11-30",
                "planned_weeks": 8,
                "initial_days_per_week": 3,
            }
        )
    )
