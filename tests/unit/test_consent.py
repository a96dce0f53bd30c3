"""A consent is in force from the day it is signed to its expiry date, until it is revoked."""

from __future__ import annotations

from datetime import date

import pytest

from events.errors import InvalidRequestError, NotFoundError
from events.privacy.consent import Consent, PatientConsents

SIGNED, EXPIRES = date(2026, 11, 20), date(2026, 12, 31)


def consent(**changes: object) -> Consent:
    values: dict[str, object] = {
        "consent_id": "c1",
        "recipient": "Harbor Sober Living",
        "purpose": "housing",
        "information": "schedule",
        "expires_on": EXPIRES,
        "signed_by": "Jane Roe",
        "signed_on": SIGNED,
        "recorded_by": "coordinator",
        **changes,
    }
    return Consent(**values)  # type: ignore[arg-type]


def test_a_consent_is_active_from_signing_through_its_expiry_day() -> None:
    given = consent()
    assert not given.active_on(date(2026, 11, 19))
    assert given.active_on(SIGNED)
    assert given.active_on(EXPIRES)
    assert not given.active_on(date(2027, 1, 1))


def test_a_revocation_ends_it_from_its_day() -> None:
    consents = PatientConsents("p", "P0001")
    consents.give(consent(), today=SIGNED)
    assert consents.revoke("c1", reason="asked", revoked_on=date(2026, 12, 1), recorded_by="c")
    assert not consents.revoke("c1", reason="asked", revoked_on=date(2026, 12, 2), recorded_by="c")
    assert consents.active_for("harbor sober  living", date(2026, 11, 30)) == [consents.find("c1")]
    assert consents.active_for("Harbor Sober Living", date(2026, 12, 1)) == []


def test_only_the_named_recipient_is_covered() -> None:
    consents = PatientConsents("p", "P0001")
    consents.give(consent(), today=SIGNED)
    assert consents.active_for("Harbor House", SIGNED) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"recipient": " "}, "recipient"),
        ({"purpose": "line\nbreak"}, "purpose"),
        ({"signed_by": "\ud800"}, "signed_by"),
        ({"expires_on": date(2026, 11, 19)}, "expires_on"),
        ({"signed_on": date(2026, 11, 21)}, "signed_on"),
    ],
)
def test_terms_the_form_could_not_hold_are_refused_naming_the_field(
    changes: dict[str, object], field: str
) -> None:
    consents = PatientConsents("p", "P0001")
    with pytest.raises(InvalidRequestError, match=f"^{field}:"):
        consents.give(consent(**changes), today=SIGNED)
    assert consents.consents == {}


def test_revoking_an_unknown_consent_names_it() -> None:
    with pytest.raises(NotFoundError, match="'c9'"):
        PatientConsents("p", "P0001").revoke("c9", reason="x", revoked_on=SIGNED, recorded_by="c")
