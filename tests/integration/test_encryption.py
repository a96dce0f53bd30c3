"""With a key configured, patient names and free-text reasons are not readable in the database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import psycopg
import pytest

from events.persistence import Database, new_cipher_key, with_cipher
from events.privacy.store_marker import StoreKeyError
from scheduler import enrollments, queries
from scheduler.attendance import AttendanceStatus, record_attendance
from scheduler.importing import import_program
from scheduler.makeups import cancel_session
from scheduler.roster_queries import patient_names
from scheduler.rosters import generate_roster
from scheduler.service import Stepdown, open_stepdown
from tests.conftest import POSTGRES_URL, fixed_clock
from tests.integration.helpers import publish_seats
from tests.integration.stored_text import raw_text

PROGRAM = "standard-101"
SECRETS = ("Patient 1", "Patient 17", "admitted to St Brigid", "panic attack", "bereavement")


@pytest.fixture
def encrypted(database: Database) -> Iterator[Stepdown]:
    keyed = replace(database, env=with_cipher(database.env, new_cipher_key()))
    service = open_stepdown(keyed, clock=fixed_clock)
    try:
        yield service
    finally:
        service.close()


def test_names_and_reasons_are_encrypted_at_rest(
    encrypted: Stepdown, database: Database, sample_text: str
) -> None:
    import_program(encrypted, sample_text, actor="coordinator")
    encrypted.catch_up()
    generate_roster(encrypted, PROGRAM, "2026-W48", actor="coordinator", seed=3, deterministic=True)
    publish_seats(encrypted, PROGRAM, "2026-W48", [("P0002", "mon-evening-1", date(2026, 11, 23))])
    enrollments.pause(encrypted, PROGRAM, "P0001", reason="admitted to St Brigid", actor="c")
    record_attendance(
        encrypted,
        program_id=PROGRAM,
        patient_id="P0002",
        session_id="mon-evening-1",
        session_date=date(2026, 11, 23),
        status=AttendanceStatus.MISSED,
        reason="panic attack",
        actor="nurse",
    )
    cancel_session(
        encrypted, PROGRAM, "fri-day-1", date(2026, 11, 27), reason="bereavement", actor="c"
    )
    encrypted.catch_up()

    stored = raw_text(database)
    assert "P0001" in stored  # ids stay searchable; what identifies a person does not
    for secret in SECRETS:
        assert secret not in stored, secret
    # ...and the service still reads them with the key.
    assert patient_names(encrypted, PROGRAM)["P0017"] == "Patient 17"
    census = {e.patient_id: e for e in queries.census(encrypted, PROGRAM)}
    assert census["P0001"].name == "Patient 1"
    assert queries.export_program(encrypted, PROGRAM)["patients"][0]["name"] == "Patient 1"
    history = encrypted.app.get_enrollment(PROGRAM, "P0001")
    assert history.name == "Patient 1"


def test_without_the_key_an_encrypted_store_is_refused(
    encrypted: Stepdown, database: Database, sample_text: str
) -> None:
    import_program(encrypted, sample_text, actor="coordinator")
    encrypted.catch_up()
    with pytest.raises(StoreKeyError, match="encrypted: set STEPDOWN_CIPHER_KEY"):
        open_stepdown(database, clock=fixed_clock)


def test_a_new_encrypted_store_without_events_is_refused_without_its_key(
    encrypted: Stepdown, database: Database
) -> None:
    # The marker is written when the store is created, before anything else is stored.
    with pytest.raises(StoreKeyError, match="STEPDOWN_CIPHER_KEY"):
        open_stepdown(database, clock=fixed_clock)


def test_another_key_is_refused(encrypted: Stepdown, database: Database, sample_text: str) -> None:
    import_program(encrypted, sample_text, actor="coordinator")
    other = replace(database, env=with_cipher(database.env, new_cipher_key()))
    with pytest.raises(StoreKeyError, match="STEPDOWN_CIPHER_KEY is not the key"):
        open_stepdown(other, clock=fixed_clock)


def test_a_key_on_a_plaintext_store_with_events_is_refused(
    stepdown: Stepdown, database: Database, sample_text: str
) -> None:
    import_program(stepdown, sample_text, actor="coordinator")
    keyed = replace(database, env=with_cipher(database.env, new_cipher_key()))
    with pytest.raises(StoreKeyError, match="STEPDOWN_CIPHER_KEY is set, but this store"):
        open_stepdown(keyed, clock=fixed_clock)


def test_an_empty_plaintext_store_can_be_opened_with_a_key_and_then_needs_it(
    stepdown: Stepdown, database: Database, sample_text: str
) -> None:
    keyed = replace(database, env=with_cipher(database.env, new_cipher_key()))
    service = open_stepdown(keyed, clock=fixed_clock)
    try:
        import_program(service, sample_text, actor="coordinator")
    finally:
        service.close()
    assert "Patient 17" not in raw_text(database)
    with pytest.raises(StoreKeyError):
        open_stepdown(database, clock=fixed_clock)


def test_a_store_made_before_markers_is_marked_by_its_first_event(
    encrypted: Stepdown, database: Database, sample_text: str
) -> None:
    import_program(encrypted, sample_text, actor="coordinator")
    key = encrypted.app.database.env["CIPHER_KEY"]
    drop_marker(database)
    with pytest.raises(StoreKeyError, match="encrypted: set STEPDOWN_CIPHER_KEY"):
        open_stepdown(database, clock=fixed_clock)
    wrong = replace(database, env=with_cipher(database.env, new_cipher_key()))
    with pytest.raises(StoreKeyError, match="not the key"):
        open_stepdown(wrong, clock=fixed_clock)
    right = open_stepdown(replace(database, env=with_cipher(database.env, key)), clock=fixed_clock)
    right.close()
    assert "key_check" in raw_marker(database)


def drop_marker(database: Database) -> None:
    _execute(database, "DROP TABLE {schema}stepdown_store")


def raw_marker(database: Database) -> str:
    return ",".join(str(row) for row in _execute(database, "SELECT * FROM {schema}stepdown_store"))


def _execute(database: Database, sql: str) -> list[tuple[object, ...]]:
    if database.is_postgres:
        schema = database.env["POSTGRES_SCHEMA"]
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            cursor = connection.execute(sql.replace("{schema}", f"{schema}."))
            return list(cursor.fetchall()) if cursor.description else []
    with sqlite3.connect(database.env["SQLITE_DBNAME"]) as connection:
        return list(connection.execute(sql.replace("{schema}", "")).fetchall())
