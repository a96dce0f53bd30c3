"""A patient's consents are erased with them: the terms are personal, the dates are kept."""

from __future__ import annotations

from datetime import date

import pytest

from events.errors import ConflictError
from events.privacy.consent import PatientConsents
from events.privacy.sealing_mapper import ERASED, personal_fields
from tests.unit.test_consent import EXPIRES, SIGNED, consent

ERASED_ON = date(2027, 1, 4)


def consents_given_and_revoked() -> PatientConsents:
    consents = PatientConsents("p", "P0001")
    consents.give(consent(), today=SIGNED)
    consents.give(consent(consent_id="c2"), today=SIGNED)
    consents.revoke("c2", reason="moved house", revoked_on=SIGNED, recorded_by="c")
    return consents


def test_the_terms_of_a_consent_and_a_revocation_reason_are_personal_fields() -> None:
    given = personal_fields(PatientConsents.ConsentGiven)  # type: ignore[attr-defined]
    assert given == ("recipient", "purpose", "information", "signed_by")
    assert personal_fields(PatientConsents.ConsentRevoked) == ("reason",)  # type: ignore[attr-defined]
    assert personal_fields(PatientConsents.Started) == ()  # type: ignore[attr-defined]
    assert personal_fields(PatientConsents.ConsentsErased) == ()  # type: ignore[attr-defined]


def test_erased_consents_keep_their_dates_lose_their_terms_and_permit_nothing() -> None:
    consents = consents_given_and_revoked()
    consents.erase(recorded_by="dpo", effective_on=ERASED_ON)
    first, second = consents.consents.values()
    assert (first.recipient, first.purpose, first.information, first.signed_by) == (ERASED,) * 4
    assert (first.signed_on, first.expires_on, first.erased_on) == (SIGNED, EXPIRES, ERASED_ON)
    assert (second.revocation_reason, second.revoked_on, second.revoked_by) == (
        ERASED,
        SIGNED,
        "c",
    )
    assert first.revocation_reason is None
    assert not first.active_on(SIGNED)
    assert consents.active_for(ERASED, SIGNED) == []


def test_the_erasure_event_names_who_and_when_but_no_term() -> None:
    consents = consents_given_and_revoked()
    consents.erase(recorded_by="dpo", effective_on=ERASED_ON)
    consents.erase(recorded_by="dpo", effective_on=ERASED_ON)
    events = consents.collect_events()
    erased = [e for e in events if type(e).__qualname__ == "PatientConsents.ConsentsErased"]
    assert len(erased) == 1
    assert {k: v for k, v in vars(erased[0]).items() if not k.startswith("originator")} == {
        "timestamp": erased[0].timestamp,
        "recorded_by": "dpo",
        "effective_on": ERASED_ON,
    }


def test_nothing_is_given_or_revoked_after_the_erasure() -> None:
    consents = consents_given_and_revoked()
    consents.erase(recorded_by="dpo", effective_on=ERASED_ON)
    with pytest.raises(ConflictError, match="P0001 was erased on 2027-01-04: cannot give"):
        consents.give(consent(consent_id="c3"), today=SIGNED)
    with pytest.raises(ConflictError, match="P0001 was erased on 2027-01-04: cannot revoke"):
        consents.revoke("c1", reason="again", revoked_on=SIGNED, recorded_by="c")
    assert set(consents.consents) == {"c1", "c2"}
