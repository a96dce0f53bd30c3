"""A read model stopped at an event its handler could not apply, recorded where every process sees it.

A handler that fails is a defect in the code, not in the event: retrying at once would fail the
same way forever. The read model stops at that event (the ones before it applied), the stop is
kept in `view_projection_errors`, and the event is tried again when a process starts with new
code, on `stepdown projections resume`, or on a rebuild.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError

from scheduler.projections.store import ViewCursor

ERRORS_TABLE = (
    "CREATE TABLE IF NOT EXISTS view_projection_errors ("
    "name TEXT PRIMARY KEY, notification_id BIGINT NOT NULL, topic TEXT NOT NULL, "
    "error TEXT NOT NULL, stopped_at TEXT NOT NULL)"
)
# The first line of an error names the fault; database drivers put the row's values on later
# lines (ids of patients), which stay out of the stop's record, the logs and /health.
MAX_ERROR_CHARS = 300


@dataclass(frozen=True)
class ProjectionStop:
    name: str
    notification_id: int
    topic: str
    error: str
    stopped_at: str  # ISO date-time

    def describe(self) -> str:
        return f"stopped at event {self.notification_id}: {self.error}"


def error_text(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    first = lines[0] if lines else ""
    text = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return text[:MAX_ERROR_CHARS]


def record_stop(
    cursor: ViewCursor, name: str, notification_id: int, topic: str, error: str, at: datetime
) -> ProjectionStop:
    stop = ProjectionStop(name, notification_id, topic, error, at.isoformat())
    cursor.execute(
        "INSERT INTO view_projection_errors (name, notification_id, topic, error, stopped_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
        "notification_id = excluded.notification_id, topic = excluded.topic, "
        "error = excluded.error, stopped_at = excluded.stopped_at",
        (name, notification_id, topic, error, stop.stopped_at),
    )
    return stop


def clear_stop(cursor: ViewCursor, name: str) -> None:
    cursor.execute("DELETE FROM view_projection_errors WHERE name = ?", (name,))


def read_stops(cursor: ViewCursor, name: str | None = None) -> list[ProjectionStop]:
    rows = cursor.query(
        "SELECT name, notification_id, topic, error, stopped_at FROM view_projection_errors"
        + ("" if name is None else " WHERE name = ?")
        + " ORDER BY name",
        () if name is None else (name,),
    )
    return [
        ProjectionStop(
            str(row["name"]),
            int(row["notification_id"]),
            str(row["topic"]),
            str(row["error"]),
            str(row["stopped_at"]),
        )
        for row in rows
    ]


class HandlerFailedError(Exception):
    """A projection's handler raised on one event: a defect to fix, not a race to retry."""

    def __init__(self, notification_id: int, topic: str, error: BaseException) -> None:
        super().__init__(f"event {notification_id} ({topic}): {error_text(error)}")
        self.notification_id = notification_id
        self.topic = topic
        self.error = error_text(error)


def is_transient(error: BaseException) -> bool:
    """The database was busy or went away: the same event applies once it answers again."""
    if isinstance(error, OperationalError | InterfaceError | psycopg.OperationalError):
        return True
    if isinstance(error, psycopg.InterfaceError):
        return True
    if isinstance(error, sqlite3.OperationalError):
        # sqlite3 also calls a missing table or a syntax error "operational".
        message = str(error).lower()
        return any(word in message for word in ("locked", "busy", "disk i/o"))
    return False
