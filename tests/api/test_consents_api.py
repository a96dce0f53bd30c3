"""An export to an outside recipient needs the patient's active consent naming them (§2.31)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from scheduler.clock import fixed_clock
from scheduler.service import Stepdown
from tests.api.conftest import PROGRAM, WEEK, Api
from tests.conftest import NOW

PATIENT = "P0001"
PATIENTS = f"/programs/{PROGRAM}/patients"
CONSENT = {
    "recipient": "Harbor Sober Living",
    "purpose": "housing coordination",
    "information": "session schedule and attendance",
    "expires_on": "2026-12-31",
    "signed_by": "Jane Roe (patient)",
    "signed_on": "2026-11-20",
}


def give(api: Api, patient_id: str = PATIENT, **changes: Any) -> str:
    response = api.post(f"{PATIENTS}/{patient_id}/consents", json={**CONSENT, **changes})
    assert response.status_code == 201, response.text
    consent_id: str = response.json()["consent_id"]
    return consent_id


def schedule_for(api: Api, recipient: str, **params: str) -> Any:
    return api.get(f"{PATIENTS}/{PATIENT}/schedule", params={"recipient": recipient, **params})


def disclosures(api: Api) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = api.get(
        f"{PATIENTS}/{PATIENT}/disclosures", role="coordinator"
    ).json()
    return found


def test_without_a_consent_an_export_to_a_recipient_is_refused_and_not_logged(
    program: Api,
) -> None:
    refused = schedule_for(program, "Harbor Sober Living")
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "consent: patient 'P0001' has no consent naming recipient 'Harbor Sober Living'"
    )
    assert disclosures(program) == []


def test_an_active_consent_permits_it_and_the_log_names_the_consent(program: Api) -> None:
    consent_id = give(program)
    answered = schedule_for(program, "harbor  sober living")  # case and spacing do not matter
    assert answered.status_code == 200, answered.text
    [entry] = disclosures(program)
    assert entry["consent_id"] == consent_id
    assert entry["recipient"] == "harbor  sober living"
    assert entry["purpose"] == "housing coordination"  # the consent's, when none is given
    listed = program.get(f"{PATIENTS}/{PATIENT}/consents", role="coordinator").json()
    assert [(c["consent_id"], c["active"], c["recorded_by"]) for c in listed] == [
        (consent_id, True, "coordinator-1")
    ]


def test_a_consent_covers_only_its_purpose_and_recipient(program: Api) -> None:
    give(program)
    other_purpose = schedule_for(program, "Harbor Sober Living", purpose="marketing")
    assert other_purpose.status_code == 403
    assert "only for 'housing coordination', not 'marketing'" in other_purpose.json()["detail"]
    assert schedule_for(program, "Another House").status_code == 403


def test_a_revoked_consent_permits_nothing(program: Api) -> None:
    consent_id = give(program)
    path = f"{PATIENTS}/{PATIENT}/consents/{consent_id}/revoke"
    assert program.post(path, json={"reason": "patient asked"}).json() == {"changed": True}
    assert program.post(path, json={"reason": "patient asked"}).json() == {"changed": False}
    refused = schedule_for(program, "Harbor Sober Living")
    assert refused.status_code == 403
    assert "revoked since 2026-11-25" in refused.json()["detail"]
    [listed] = program.get(f"{PATIENTS}/{PATIENT}/consents", role="coordinator").json()
    assert (listed["active"], listed["revoked_by"], listed["revocation_reason"]) == (
        False,
        "coordinator-1",
        "patient asked",
    )


def test_a_consent_expires_by_the_service_clock(program: Api, stepdown: Stepdown) -> None:
    give(program, expires_on="2026-11-26")
    assert schedule_for(program, "Harbor Sober Living").status_code == 200
    stepdown.clock = fixed_clock(NOW + timedelta(days=2))
    refused = schedule_for(program, "Harbor Sober Living")
    assert refused.status_code == 403
    assert "expired on 2026-11-26" in refused.json()["detail"]


def test_a_roster_export_needs_a_consent_for_every_patient_in_it(program: Api) -> None:
    assert program.post(f"/programs/{PROGRAM}/rosters/{WEEK}/generate", json={}).status_code == 201
    roster = program.get(f"/programs/{PROGRAM}/rosters/{WEEK}").json()
    seated = sorted(p["patient_id"] for p in roster["patients"])
    csv = f"/programs/{PROGRAM}/rosters/{WEEK}/roster.csv"
    for patient_id in seated[:-1]:
        give(program, patient_id)
    refused = program.get(csv, params={"recipient": "Harbor Sober Living"})
    assert refused.status_code == 403
    assert f"patient {seated[-1]!r} has no consent" in refused.json()["detail"]
    give(program, seated[-1])
    assert program.get(csv, params={"recipient": "Harbor Sober Living"}).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"recipient": "Harbor\x07House"}, "recipient"),
        ({"expires_on": "2026-11-01"}, "expires_on"),
        ({"signed_on": "2026-12-01"}, "signed_on"),
        ({"purpose": ""}, "purpose"),
        ({"information": "x" * 201}, "information"),
    ],
)
def test_a_bad_consent_names_the_field_and_stores_nothing(
    program: Api, changes: dict[str, str], field: str
) -> None:
    response = program.post(f"{PATIENTS}/{PATIENT}/consents", json={**CONSENT, **changes})
    assert response.status_code == 422
    assert field in response.text
    assert program.get(f"{PATIENTS}/{PATIENT}/consents", role="coordinator").json() == []


def test_a_consent_for_an_unknown_patient_is_404(program: Api) -> None:
    assert program.post(f"{PATIENTS}/P9999/consents", json=CONSENT).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "clinician"])
def test_only_coordinators_record_or_read_consents(program: Api, role: str) -> None:
    assert (
        program.post(f"{PATIENTS}/{PATIENT}/consents", json=CONSENT, role=role).status_code == 403
    )
    assert program.get(f"{PATIENTS}/{PATIENT}/consents", role=role).status_code == 403
