"""With a key configured, patient names and free-text reasons are not readable in the database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import psycopg
import pytest

from events.errors import InvalidRequestError
from events.persistence import Database, new_cipher_key, with_cipher
from scheduler import enrollments, queries
from scheduler.attendance import AttendanceStatus, record_attendance
from scheduler.importing import import_program
from scheduler.makeups import cancel_session
from scheduler.roster_queries import patient_names
from scheduler.rosters import generate_roster
from scheduler.service import Stepdown, open_stepdown
from tests.conftest import POSTGRES_URL, fixed_clock
from tests.integration.helpers import publish_seats

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


def raw_text(database: Database) -> str:
    """Every value of every row of every table, as the database holds it."""
    values: list[str] = []
    if database.is_postgres:
        schema = database.env["POSTGRES_SCHEMA"]
        with psycopg.connect(POSTGRES_URL) as connection:
            tables = connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (schema,),
            ).fetchall()
            for (table,) in tables:
                for row in connection.execute(f'SELECT * FROM "{schema}"."{table}"'):
                    values.extend(_text(value) for value in row)
    else:
        with sqlite3.connect(database.env["SQLITE_DBNAME"]) as connection:
            names = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            for (table,) in names.fetchall():
                for row in connection.execute(f'SELECT * FROM "{table}"'):
                    values.extend(_text(value) for value in row)
    return "\n".join(values)


def _text(value: object) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


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
    keyless = open_stepdown(database, clock=fixed_clock)
    try:
        with pytest.raises(InvalidRequestError, match="STEPDOWN_CIPHER_KEY"):
            queries.census(keyless, PROGRAM)
    finally:
        keyless.close()
