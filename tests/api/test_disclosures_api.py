"""Every read of a patient's record and every export is in the disclosure log (coordinators read it)."""

from __future__ import annotations

from typing import Any

import pytest

from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, WEEK, Api, sign_in
from tests.conftest import NOW

PATIENT = "P0001"
PATIENTS = f"/programs/{PROGRAM}/patients"


@pytest.fixture
def generated(program: Api) -> Api:
    assert program.post(f"/programs/{PROGRAM}/rosters/{WEEK}/generate", json={}).status_code == 201
    return program


def disclosures(api: Api, patient_id: str = PATIENT) -> list[dict[str, Any]]:
    response = api.get(f"{PATIENTS}/{patient_id}/disclosures", role="coordinator")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def test_each_read_of_a_patients_record_is_logged_with_who_when_what_and_why(
    program: Api,
) -> None:
    assert disclosures(program) == []
    program.get(f"{PATIENTS}/{PATIENT}", role="viewer")
    program.get(f"{PATIENTS}/{PATIENT}/schedule?start=2026-11-30", role="clinician")
    program.get(f"{PATIENTS}/{PATIENT}/history?purpose=payment")
    program.get(f"{PATIENTS}/{PATIENT}/calendar.ics", headers={"Disclosure-Purpose": "operations"})
    entries = disclosures(program)
    assert [(e["actor"], e["what"], e["purpose"]) for e in entries] == [
        ("viewer-1", "patient-record", "treatment"),
        ("clinician-1", "patient-schedule", "treatment"),
        ("viewer-1", "patient-history", "payment"),
        ("viewer-1", "calendar-feed", "operations"),
    ]
    assert entries[1]["detail"] == "2026-11-30.."
    assert {e["disclosed_at"] for e in entries} == {NOW.isoformat().replace("+00:00", "Z")}
    assert {e["channel"] for e in entries} == {"api"}
    assert disclosures(program, "P0002") == []  # only the patient whose record was read


def test_exports_are_logged_for_every_patient_in_them(generated: Api) -> None:
    roster = generated.get(f"/programs/{PROGRAM}/rosters/{WEEK}").json()
    seated = [p["patient_id"] for p in roster["patients"]]
    generated.get(f"/programs/{PROGRAM}/rosters/{WEEK}/roster.csv")
    generated.get(f"/programs/{PROGRAM}")
    meeting = next(s for s in roster["sessions"] if s["patient_ids"])
    sheet = f"/programs/{PROGRAM}/rosters/{WEEK}/sessions/{meeting['session_id']}/{meeting['date']}"
    assert generated.get(f"{sheet}/sign-in").status_code == 200
    someone = meeting["patient_ids"][0]
    assert [e["what"] for e in disclosures(generated, someone)] == [
        "roster-document",
        "roster-csv",
        "program-export",
        "sign-in-sheet",
    ]
    for patient_id in seated:
        whats = [e["what"] for e in disclosures(generated, patient_id)]
        assert whats[:3] == ["roster-document", "roster-csv", "program-export"]
    assert disclosures(generated, someone)[0]["detail"] == f"{WEEK} v1"


def test_the_page_logs_a_patient_view(program: Api) -> None:
    sign_in(program, "clinician")
    assert program.client.get(f"/ui/programs/{PROGRAM}/patients/{PATIENT}").status_code == 200
    [entry] = disclosures(program)
    assert (entry["actor"], entry["channel"], entry["what"]) == (
        "clinician-1",
        "page",
        "patient-record",
    )


@pytest.mark.parametrize("role", ["viewer", "clinician"])
def test_only_coordinators_read_the_disclosure_log(program: Api, role: str) -> None:
    response = program.get(f"{PATIENTS}/{PATIENT}/disclosures", role=role)
    assert response.status_code == 403


def test_a_bad_purpose_is_refused_and_nothing_is_disclosed(program: Api) -> None:
    response = program.get(f"{PATIENTS}/{PATIENT}", params={"purpose": "audit\x00"})
    assert response.status_code == 422
    assert "purpose" in response.text
    assert disclosures(program) == []


def test_an_unknown_patients_log_is_404(program: Api) -> None:
    assert program.get(f"{PATIENTS}/P9999/disclosures", role="coordinator").status_code == 404


def test_the_log_refuses_update_and_delete_in_the_database(
    program: Api, stepdown: Stepdown
) -> None:
    program.get(f"{PATIENTS}/{PATIENT}")
    for statement in (
        "UPDATE disclosure_log SET actor = 'someone-else'",
        "DELETE FROM disclosure_log",
    ):
        with (
            pytest.raises(Exception, match="append-only"),
            stepdown.views.transaction() as cursor,
        ):
            cursor.execute(statement)
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query("SELECT actor, patient_id, what FROM disclosure_log")
    assert rows == [{"actor": "viewer-1", "patient_id": PATIENT, "what": "patient-record"}]
