"""Patients over HTTP: enrolment, commitments, status changes, progress and the audit trail."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import PROGRAM, Api

PATIENTS = f"/programs/{PROGRAM}/patients"


def new_patient(**changes: Any) -> dict[str, Any]:
    return {
        "id": "P9001",
        "name": "Dana Example",
        "start_date": "2026-11-23",
        "planned_weeks": 8,
        "initial_days_per_week": 3,
        "preferred_track": "evening",
        "commitments": [{"kind": "work", "days": ["MON", "TUE"], "start": "08:00", "end": "17:00"}],
        **changes,
    }


def test_enrolling_a_patient_puts_them_on_the_census(program: Api) -> None:
    response = program.post(PATIENTS, json=new_patient())
    assert response.status_code == 201, response.text
    assert response.json()["weekly_target"] == 3
    census = {p["patient_id"] for p in program.get(PATIENTS).json()}
    assert "P9001" in census


def test_enrolling_the_same_patient_twice_is_a_conflict(program: Api) -> None:
    assert program.post(PATIENTS, json=new_patient()).status_code == 201
    again = program.post(PATIENTS, json=new_patient())
    assert again.status_code == 409
    assert "already enrolled" in again.json()["detail"]


def test_bad_enrolments_name_the_field_and_record_nothing(program: Api) -> None:
    cases = {
        ("body", "start_date"): new_patient(start_date=20261123),
        ("body", "planned_weeks"): new_patient(planned_weeks="eight"),
        ("body", "patient.planned_weeks"): new_patient(planned_weeks=20),
        ("body", "commitments", 0, "days", 0): new_patient(
            commitments=[{"kind": "work", "days": ["MONDAY"], "start": "08:00", "end": "17:00"}]
        ),
        ("body", "nickname"): new_patient(nickname="D"),
    }
    for location, body in cases.items():
        response = program.post(PATIENTS, json=body)
        assert response.status_code == 422, (location, response.text)
        assert tuple(response.json()["detail"][0]["loc"]) == location
    assert program.get(f"{PATIENTS}/P9001").status_code == 404


def test_commitments_change_once(program: Api) -> None:
    body = {
        "commitments": [
            {
                "kind": "school",
                "days": ["WED"],
                "start": "18:00",
                "end": "21:00",
                "from": "2026-12-01",
            }
        ]
    }
    first = program.call("coordinator", "PUT", f"{PATIENTS}/P0001/commitments", json=body)
    second = program.call("coordinator", "PUT", f"{PATIENTS}/P0001/commitments", json=body)
    assert (first.json(), second.json()) == ({"changed": True}, {"changed": False})
    exported = program.get(f"/programs/{PROGRAM}").json()
    p1 = next(p for p in exported["patients"] if p["id"] == "P0001")
    assert p1["commitments"][0]["from"] == "2026-12-01"


def test_pause_resume_step_down_and_discharge(program: Api) -> None:
    paused = program.post(f"{PATIENTS}/P0001/pause", json={"reason": "hospital stay"})
    assert paused.json()["status"] == "paused"
    assert program.post(f"{PATIENTS}/P0001/pause", json={"reason": "again"}).status_code == 409
    assert program.post(f"{PATIENTS}/P0001/resume", json={}).json()["status"] == "active"
    future = program.post(f"{PATIENTS}/P0002/pause", json={"reason": "x", "date": "2027-01-01"})
    assert future.status_code == 422
    assert program.post(
        f"{PATIENTS}/P0002/step-down", json={"summary": "met goals; weekly outpatient"}
    ).json() == {"changed": True}
    assert program.get(f"{PATIENTS}/P0002").json()["status"] == "stepped-down"
    assert (
        program.post(f"{PATIENTS}/P0003/discharge", json={"reason": "moved away"}).status_code
        == 200
    )
    assert "P0003" not in {p["patient_id"] for p in program.get(PATIENTS).json()}


def test_progress_extends_the_plan_and_is_recorded_by_the_clinician(program: Api) -> None:
    program.post(PATIENTS, json=new_patient())
    response = program.post(
        f"{PATIENTS}/P9001/progress", role="clinician", json={"rating": "needs_support"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["plan_weeks"] == 9
    assert program.post(f"{PATIENTS}/P9001/progress", role="clinician", json={}).status_code == 422
    history = program.get(f"{PATIENTS}/P9001/history").json()
    assert history[0]["event"] == "PatientEnrolled"
    assert history[0]["recorded_by"] == "coordinator-1"
    assert history[-1]["event"] == "ProgressRecorded"
    assert history[-1]["recorded_by"] == "clinician-1"


def test_unknown_patients_are_404(program: Api) -> None:
    for path in ("", "/history", "/schedule", "/calendar.ics"):
        assert program.get(f"{PATIENTS}/P404{path}").status_code == 404, path
    assert program.post(f"{PATIENTS}/P404/pause", json={"reason": "x"}).status_code == 404
