"""Notification ids must become visible in the order they are issued, or a polling read model
can pass over one that commits later. On PostgreSQL that takes the events table lock in the
insert function the event store uses."""

from __future__ import annotations

import psycopg
import pytest

from events.persistence import Database
from tests.conftest import POSTGRES_URL


@pytest.mark.usefixtures("stepdown")
def test_the_insert_function_locks_the_events_table(database: Database) -> None:
    if not database.is_postgres:
        pytest.skip("SQLite has a single writer: ids are always visible in order")
    with psycopg.connect(POSTGRES_URL) as connection:
        rows = connection.execute(
            "SELECT prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = %s AND p.proname LIKE 'es_insert_events%%'",
            (database.env["POSTGRES_SCHEMA"],),
        ).fetchall()
    assert rows, "the store inserts through its database function"
    assert all("LOCK TABLE" in source and "IN EXCLUSIVE MODE" in source for (source,) in rows)
