"""Over HTTP, an erased patient's consents and disclosures read as erased; no new consent."""

from __future__ import annotations

import json

from tests.api.conftest import Api
from tests.api.test_consents_api import CONSENT, PATIENT, PATIENTS, give, schedule_for
from tests.api.test_erasure_api import import_with_retention

ERASED = "(erased)"


def erase(api: Api) -> None:
    api.post(f"{PATIENTS}/{PATIENT}/discharge", json={"reason": "moved away"})
    response = api.post(f"{PATIENTS}/{PATIENT}/erase", json={"reason": "patient request"})
    assert response.status_code == 200, response.text


def test_after_erasure_consents_and_disclosures_answer_with_the_erased_placeholder(
    api: Api, sample_text: str
) -> None:
    import_with_retention(api, sample_text, 0)
    consent_id = give(api)
    assert schedule_for(api, "Harbor Sober Living").status_code == 200

    erase(api)

    [listed] = api.get(f"{PATIENTS}/{PATIENT}/consents", role="coordinator").json()
    assert listed == {
        "consent_id": consent_id,
        "recipient": ERASED,
        "purpose": ERASED,
        "information": ERASED,
        "expires_on": CONSENT["expires_on"],
        "signed_by": ERASED,
        "signed_on": CONSENT["signed_on"],
        "recorded_by": "coordinator-1",
        "revoked_on": None,
        "revoked_by": None,
        "revocation_reason": None,
        "erased_on": "2026-11-25",
        "active": False,
    }
    [entry] = api.get(f"{PATIENTS}/{PATIENT}/disclosures", role="coordinator").json()
    assert (entry["recipient"], entry["purpose"], entry["consent_id"]) == (
        ERASED,
        ERASED,
        consent_id,
    )


def test_an_erased_patient_cannot_be_given_a_consent_or_disclosed_to_a_recipient(
    api: Api, sample_text: str
) -> None:
    import_with_retention(api, sample_text, 0)
    consent_id = give(api)
    erase(api)

    refused = api.post(f"{PATIENTS}/{PATIENT}/consents", json=CONSENT)
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "patient P0001 was erased on 2026-11-25: a consent cannot be recorded for them"
    )
    revoke = f"{PATIENTS}/{PATIENT}/consents/{consent_id}/revoke"
    refused = api.post(revoke, json={"reason": "patient asked"})
    assert refused.status_code == 409
    assert "P0001 was erased on 2026-11-25: cannot revoke" in refused.json()["detail"]
    for recipient in ("Harbor Sober Living", ERASED):
        export = schedule_for(api, recipient)
        assert export.status_code == 403
        assert "'P0001' was erased on 2026-11-25" in export.json()["detail"]
    listed = api.get(f"{PATIENTS}/{PATIENT}/consents", role="coordinator").json()
    assert "Harbor" not in json.dumps(listed)
    assert api.get(f"{PATIENTS}/{PATIENT}/disclosures", role="coordinator").json() == []
