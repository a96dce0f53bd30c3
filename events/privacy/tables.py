"""Small tables of our own beside the eventsourcing tables, reached through its datastores."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class SideTable:
    """One SQL statement at a time on the event store's own database (SQLite file or PostgreSQL
    schema), written with `?` placeholders for both backends and `{schema}` before table names."""

    def __init__(self, datastore: Any, *, postgres: bool) -> None:
        self._datastore = datastore
        self._postgres = postgres

    def _sql(self, sql: str) -> str:
        if self._postgres:
            return sql.replace("?", "%s").replace("{schema}", f"{self._datastore.schema}.")
        return sql.replace("{schema}", "")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self._datastore.transaction(commit=True) as cursor:
            cursor.execute(self._sql(sql), tuple(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self._datastore.transaction(commit=False) as cursor:
            cursor.execute(self._sql(sql), tuple(params))
            return [dict(row) for row in cursor.fetchall()]
