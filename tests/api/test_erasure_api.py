"""Erasing a patient over HTTP: coordinators only, after the program's retention period."""

from __future__ import annotations

import json
from datetime import date, timedelta

from tests.api.conftest import PROGRAM, Api

PATIENTS = f"/programs/{PROGRAM}/patients"
TODAY = date(2026, 11, 25)  # the fixed clock's day in Chicago


def import_with_retention(api: Api, sample_text: str, days: int) -> None:
    document = json.loads(sample_text)
    document["program"]["policy"]["retention_days"] = days
    response = api.post("/programs", json=document)
    assert response.status_code == 200, response.text


def test_erasure_before_the_retention_period_is_a_conflict_naming_the_date(program: Api) -> None:
    program.post(f"{PATIENTS}/P0001/discharge", json={"reason": "moved away"})
    response = program.post(f"{PATIENTS}/P0001/erase", json={"reason": "patient request"})
    assert response.status_code == 409
    six_years = TODAY + timedelta(days=2192)
    assert f"erasure is possible from {six_years}" in response.json()["detail"]
    assert program.get(f"{PATIENTS}/P0001").json()["name"] == "Patient 1"


def test_a_coordinator_erases_a_discharged_patient(api: Api, sample_text: str) -> None:
    import_with_retention(api, sample_text, 0)
    api.post(f"{PATIENTS}/P0001/discharge", json={"reason": "moved away"})
    for role in ("viewer", "clinician"):
        refused = api.post(f"{PATIENTS}/P0001/erase", role, json={"reason": "patient request"})
        assert refused.status_code == 403

    response = api.post(f"{PATIENTS}/P0001/erase", json={"reason": "patient request"})

    assert response.status_code == 200, response.text
    assert response.json() == {
        "program_id": PROGRAM,
        "patient_id": "P0001",
        "erased_on": TODAY.isoformat(),
        "recorded_by": "coordinator-1",
    }
    patient = api.get(f"{PATIENTS}/P0001").json()
    assert (patient["name"], patient["status"]) == ("(erased)", "discharged")
    history = api.get(f"{PATIENTS}/P0001/history").json()
    assert history[-1]["event"] == "PatientErased"
    assert "Patient 1" not in json.dumps(history)


def test_an_erasure_needs_a_reason(api: Api, sample_text: str) -> None:
    import_with_retention(api, sample_text, 0)
    api.post(f"{PATIENTS}/P0001/discharge", json={"reason": "moved away"})
    response = api.post(f"{PATIENTS}/P0001/erase", json={"reason": ""})
    assert response.status_code == 422
    assert api.get(f"{PATIENTS}/P0001").json()["name"] == "Patient 1"
