"""Erasing a patient erases their consents and the recipients of their disclosures too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from events.errors import ConflictError, ConsentRequiredError
from events.ids import enrollment_uuid
from events.persistence import Database
from events.privacy import sealing_mapper
from events.privacy.consent import consents_uuid
from events.privacy.sealing_mapper import ERASED
from scheduler import enrollments
from scheduler.importing import import_program
from scheduler.privacy.consents import (
    ConsentTerms,
    consent_permitting,
    give_consent,
    patient_consents,
    revoke_consent,
)
from scheduler.privacy.disclosure_log import DisclosureLog
from scheduler.privacy.disclosures import Requester, disclose
from scheduler.privacy.erasure import erase_patient
from scheduler.service import Stepdown, open_stepdown
from tests.conftest import fixed_clock
from tests.integration.helpers import after_retention
from tests.integration.stored_text import raw_text

PROGRAM = "standard-101"
PATIENT = "P0002"
RECIPIENT = "Harbor Sober Living"
TERMS = ConsentTerms(
    recipient=RECIPIENT,
    purpose="custody hearing",
    information="attendance since intake",
    expires_on=date(2027, 6, 30),
    signed_by="Mary Roe (mother)",
    signed_on=date(2026, 11, 20),
)
REVOCATION = "changed her mind"
PERSONAL = ("Harbor", "custody", "attendance since", "Mary Roe", REVOCATION)


def disclose_to_recipient(service: Stepdown) -> None:
    outside = Requester("coordinator", "api", recipient="harbor sober living")
    log = DisclosureLog(service.views)
    disclose(service, log, outside, PROGRAM, [PATIENT], what="patient-schedule")


@pytest.fixture
def consented(erasable_store: Database, retention_program_text: str) -> Iterator[Stepdown]:
    """P0002 consented to a disclosure (which was made), revoked a second consent, then left."""
    service = open_stepdown(erasable_store, clock=fixed_clock)
    try:
        import_program(service, retention_program_text, actor="coordinator")
        give_consent(service, PROGRAM, PATIENT, TERMS, actor="coordinator")
        disclose_to_recipient(service)
        second = give_consent(service, PROGRAM, PATIENT, TERMS, actor="coordinator")
        revoke_consent(service, PROGRAM, PATIENT, second, reason=REVOCATION, actor="coordinator")
        enrollments.discharge(service, PROGRAM, PATIENT, reason="moved away", actor="c")
        service.catch_up()
        yield service
    finally:
        service.close()


@pytest.fixture
def later(erasable_store: Database, consented: Stepdown) -> Iterator[Stepdown]:
    service = open_stepdown(erasable_store, clock=after_retention)
    try:
        yield service
    finally:
        service.close()


def assert_nothing_personal_in_clear(erasable_store: Database) -> None:
    stored = raw_text(erasable_store).casefold()
    for text in PERSONAL:
        assert text.casefold() not in stored, text


def test_consent_terms_and_disclosure_recipients_are_never_stored_in_clear(
    consented: Stepdown, erasable_store: Database
) -> None:
    assert_nothing_personal_in_clear(erasable_store)
    first, second = patient_consents(consented, PROGRAM, PATIENT)
    assert (first.recipient, first.purpose, first.information, first.signed_by) == (
        RECIPIENT,
        "custody hearing",
        "attendance since intake",
        "Mary Roe (mother)",
    )
    assert second.revocation_reason == REVOCATION
    [entry] = DisclosureLog(consented.views).for_patient(PROGRAM, PATIENT)
    assert (entry.recipient, entry.purpose) == ("harbor sober living", "custody hearing")


def assert_consents_and_disclosures_erased(service: Stepdown) -> None:
    first, second = patient_consents(service, PROGRAM, PATIENT)
    terms = (first.recipient, first.purpose, first.information, first.signed_by)
    assert terms == (ERASED, ERASED, ERASED, ERASED)
    assert (second.revocation_reason, second.revoked_on) == (ERASED, date(2026, 11, 25))
    assert (first.signed_on, first.erased_on) == (TERMS.signed_on, date(2026, 12, 26))
    assert not first.active_on(date(2026, 12, 26))
    [entry] = DisclosureLog(service.views).for_patient(PROGRAM, PATIENT)
    assert (entry.recipient, entry.purpose, entry.actor) == (ERASED, ERASED, "coordinator")
    # Even with the store key, each event of the consents, read on its own, holds no term.
    events = service.app.recorder.select_events(consents_uuid(PROGRAM, PATIENT))
    read = str([vars(service.app.mapper.to_domain_event(e)) for e in events]).casefold()
    assert "'signed_by': '(erased)'" in read
    for text in PERSONAL:
        assert text.casefold() not in read, text


def test_erasure_leaves_every_consent_term_and_disclosure_recipient_erased(
    later: Stepdown, erasable_store: Database
) -> None:
    erase_patient(later, PROGRAM, PATIENT, reason="patient request", actor="dpo")

    assert_consents_and_disclosures_erased(later)
    assert_nothing_personal_in_clear(erasable_store)
    # A process that never saw the key, and a rebuild of the read models, read the same.
    fresh = open_stepdown(erasable_store, clock=after_retention)
    try:
        assert_consents_and_disclosures_erased(fresh)
        for runner in fresh.runners:
            runner.rebuild()
        assert fresh.stopped_projections() == {}
        assert_consents_and_disclosures_erased(fresh)
    finally:
        fresh.close()
    assert_nothing_personal_in_clear(erasable_store)


def test_an_erased_patient_gets_no_new_consent_and_their_consents_permit_nothing(
    later: Stepdown,
) -> None:
    [consent_id, _] = [c.consent_id for c in patient_consents(later, PROGRAM, PATIENT)]
    erase_patient(later, PROGRAM, PATIENT, reason="patient request", actor="dpo")
    events = later.app.recorder.max_notification_id()

    with pytest.raises(ConflictError, match="P0002 was erased on 2026-12-26: a consent cannot"):
        give_consent(later, PROGRAM, PATIENT, TERMS, actor="coordinator")
    with pytest.raises(ConflictError, match="P0002 was erased on 2026-12-26: cannot revoke"):
        revoke_consent(later, PROGRAM, PATIENT, consent_id, reason="again", actor="c")
    for recipient in (RECIPIENT, ERASED):
        with pytest.raises(ConsentRequiredError, match="'P0002' was erased on 2026-12-26"):
            consent_permitting(later, PROGRAM, PATIENT, recipient, None)
    assert later.app.recorder.max_notification_id() == events


def test_a_process_holding_the_consents_in_its_cache_reads_them_erased(
    later: Stepdown, erasable_store: Database
) -> None:
    other = open_stepdown(erasable_store, clock=after_retention)
    try:
        assert patient_consents(other, PROGRAM, PATIENT)[0].recipient == RECIPIENT
        erase_patient(later, PROGRAM, PATIENT, reason="patient request", actor="dpo")
        assert [c.recipient for c in patient_consents(other, PROGRAM, PATIENT)] == [ERASED] * 2
    finally:
        other.close()


def test_a_consent_event_read_on_its_own_opens_with_its_enrolments_key(
    consented: Stepdown, erasable_store: Database
) -> None:
    fresh = open_stepdown(erasable_store, clock=fixed_clock)
    try:
        mapper = fresh.app.sealing_mapper
        stored = fresh.app.recorder.select_events(consents_uuid(PROGRAM, PATIENT), gt=1, lte=2)
        given = mapper.to_domain_event(stored[0])
        assert vars(given)["signed_by"] == "Mary Roe (mother)"
        # Writing one needs the enrolment too: found from the consents' first event.
        assert mapper.subject_of(given) == enrollment_uuid(PROGRAM, PATIENT)
    finally:
        fresh.close()


def test_consents_recorded_before_they_were_sealed_still_read_and_refuse_erasure(
    erasable_store: Database, retention_program_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    unsealed = {
        topic: fields
        for topic, fields in sealing_mapper.PERSONAL_FIELDS.items()
        if not topic.startswith("events.privacy.consent:")
    }
    with monkeypatch.context() as before_sealing:
        before_sealing.setattr(sealing_mapper, "PERSONAL_FIELDS", unsealed)
        service = open_stepdown(erasable_store, clock=fixed_clock)
        import_program(service, retention_program_text, actor="coordinator")
        old_id = give_consent(service, PROGRAM, PATIENT, TERMS, actor="coordinator")
        enrollments.discharge(service, PROGRAM, PATIENT, reason="moved away", actor="c")
        service.close()
    service = open_stepdown(erasable_store, clock=after_retention)
    try:
        new_id = give_consent(
            service, PROGRAM, PATIENT, replace(TERMS, recipient="County Court"), actor="c"
        )
        assert [c.recipient for c in patient_consents(service, PROGRAM, PATIENT)] == [
            RECIPIENT,
            "County Court",
        ]
        assert "County Court" not in raw_text(erasable_store)
        with pytest.raises(
            ConflictError, match=f"consent\\(s\\) {old_id} were recorded before"
        ) as e:
            erase_patient(service, PROGRAM, PATIENT, reason="patient request", actor="dpo")
        assert new_id not in str(e.value)  # only the consents kept in clear are named
        assert service.app.get_enrollment(PROGRAM, PATIENT).erased_on is None
    finally:
        service.close()
