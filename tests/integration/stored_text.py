"""Every value the database holds, as text: for checking what is (not) stored in clear."""

from __future__ import annotations

import sqlite3

import psycopg

from events.persistence import Database
from tests.conftest import POSTGRES_URL


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
