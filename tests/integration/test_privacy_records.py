"""Consents and the disclosure log on every backend: raw rows, append-only, sealed with a key."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import psycopg
import pytest

from events.errors import ConsentRequiredError
from events.persistence import Database, new_cipher_key, with_cipher
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
from scheduler.service import Stepdown, open_stepdown
from tests.conftest import POSTGRES_URL, fixed_clock
from tests.integration.stored_text import raw_text

PROGRAM = "standard-101"
TERMS = ConsentTerms(
    recipient="Harbor Sober Living",
    purpose="housing coordination",
    information="session schedule",
    expires_on=date(2026, 12, 31),
    signed_by="Jane Roe",
    signed_on=date(2026, 11, 20),
)


@pytest.fixture
def imported(stepdown: Stepdown, sample_text: str) -> Stepdown:
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    return stepdown


@pytest.fixture
def encrypted(database: Database, sample_text: str) -> Iterator[Stepdown]:
    keyed = replace(database, env=with_cipher(database.env, new_cipher_key()))
    service = open_stepdown(keyed, clock=fixed_clock)
    import_program(service, sample_text, actor="coordinator")
    service.catch_up()
    try:
        yield service
    finally:
        service.close()


def test_consents_are_events_given_and_revoked_in_order(imported: Stepdown) -> None:
    consent_id = give_consent(imported, PROGRAM, "P0001", TERMS, actor="coordinator")
    assert revoke_consent(
        imported, PROGRAM, "P0001", consent_id, reason="patient asked", actor="coordinator"
    )
    topics = [
        n.topic
        for n in imported.app.recorder.select_notifications(start=1, limit=100_000)
        if "privacy" in n.topic
    ]
    assert topics == [
        "events.privacy.consent:PatientConsents.Started",
        "events.privacy.consent:PatientConsents.ConsentGiven",
        "events.privacy.consent:PatientConsents.ConsentRevoked",
    ]
    [consent] = patient_consents(imported, PROGRAM, "P0001")
    assert (consent.recipient, consent.revoked_on, consent.revoked_by) == (
        "Harbor Sober Living",
        date(2026, 11, 25),
        "coordinator",
    )
    with pytest.raises(ConsentRequiredError, match="revoked since 2026-11-25"):
        consent_permitting(imported, PROGRAM, "P0001", "Harbor Sober Living", None)


def test_a_refused_disclosure_records_nothing(imported: Stepdown) -> None:
    log = DisclosureLog(imported.views)
    give_consent(imported, PROGRAM, "P0001", TERMS, actor="coordinator")
    outside = Requester("coordinator", "cli", recipient="Harbor Sober Living")
    with pytest.raises(ConsentRequiredError, match="'P0002' has no consent"):
        disclose(imported, log, outside, PROGRAM, ["P0001", "P0002"], what="program-export")
    assert log.for_patient(PROGRAM, "P0001") == []


def test_the_log_is_append_only_even_for_the_database_owner(
    imported: Stepdown, database: Database
) -> None:
    log = DisclosureLog(imported.views)
    disclose(imported, log, Requester("nurse", "api"), PROGRAM, ["P0001"], what="patient-record")
    DisclosureLog(imported.views)  # a second process starting sets up nothing twice
    statements = ["UPDATE disclosure_log SET purpose = 'x'", "DELETE FROM disclosure_log"]
    if database.is_postgres:
        statements.append("TRUNCATE disclosure_log")
    for statement in statements:
        with pytest.raises(Exception, match="append-only"):
            _raw_execute(database, statement)
    assert [e.actor for e in log.for_patient(PROGRAM, "P0001")] == ["nurse"]


def test_with_a_key_recipients_purposes_and_consents_are_not_readable_at_rest(
    encrypted: Stepdown, database: Database
) -> None:
    consent_id = give_consent(encrypted, PROGRAM, "P0001", TERMS, actor="coordinator")
    log = DisclosureLog(encrypted.views)
    outside = Requester("coordinator", "api", recipient="Harbor Sober Living")
    disclose(encrypted, log, outside, PROGRAM, ["P0001"], what="patient-schedule")
    [entry] = log.for_patient(PROGRAM, "P0001")
    assert (entry.recipient, entry.purpose, entry.consent_id) == (
        "Harbor Sober Living",
        "housing coordination",
        consent_id,
    )
    stored = raw_text(database)
    for secret in ("Harbor Sober Living", "housing coordination", "Jane Roe", "session schedule"):
        assert secret not in stored
    assert consent_id in stored  # the log references the consent in the clear


def _raw_execute(database: Database, statement: str) -> None:
    if database.is_postgres:
        schema = database.env["POSTGRES_SCHEMA"]
        with psycopg.connect(POSTGRES_URL) as connection:
            connection.execute(f"SET search_path TO {schema}")
            connection.execute(statement)
        return
    with sqlite3.connect(database.env["SQLITE_DBNAME"]) as connection:
        connection.execute(statement)
