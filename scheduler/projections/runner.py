"""Polling catch-up over the notification log: works on SQLite, which has no subscriptions."""

from __future__ import annotations

import contextlib
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from eventsourcing.persistence import IntegrityError, OperationalError

from events.application import StepdownApplication
from scheduler.projections.store import ViewCursor, ViewStore

Handler = Callable[[ViewCursor, Any], None]

MAX_BUSY_RETRIES = 20
STATS_TABLE = (
    "CREATE TABLE IF NOT EXISTS view_projection_stats ("
    "name TEXT PRIMARY KEY, events_applied BIGINT NOT NULL)"
)
VERSIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS view_projection_versions ("
    "name TEXT PRIMARY KEY, version INTEGER NOT NULL)"
)


class Projection(ABC):
    """A read model: its tables, and one handler per event it cares about (by class name)."""

    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]
    # Raise when the tables or what is kept in them change: stores made by an older version
    # are rebuilt from the log once, when the new code first opens them.
    version: ClassVar[int] = 1

    @abstractmethod
    def create_tables(self, cursor: ViewCursor) -> None: ...

    @abstractmethod
    def handlers(self) -> Mapping[str, Handler]: ...

    def clear(self, cursor: ViewCursor) -> None:
        for table in self.tables:
            cursor.execute(f"DELETE FROM {table}")


class ProjectionRunner:
    def __init__(
        self,
        app: StepdownApplication,
        store: ViewStore,
        projection: Projection,
        *,
        batch_size: int = 500,
    ) -> None:
        self.app = app
        self.store = store
        self.projection = projection
        self.batch_size = batch_size
        self._handlers = projection.handlers()
        with store.transaction() as cursor:
            cursor.execute(STATS_TABLE)
            cursor.execute(VERSIONS_TABLE)
            projection.create_tables(cursor)
        self._upgrade()

    def _upgrade(self) -> None:
        """Rebuild once when the stored rows were made by another version of the projection."""
        with self.store.transaction(commit=False) as cursor:
            rows = cursor.query(
                "SELECT version FROM view_projection_versions WHERE name = ?", (self.name,)
            )
        # A store from before versions were recorded holds version 1 of every projection.
        stored = int(rows[0]["version"]) if rows else 1
        if stored != self.projection.version and self.position() > 0:
            # Another process may rebuild it at the same moment; one of the two wins.
            with contextlib.suppress(IntegrityError):
                self.rebuild()
        with self.store.transaction() as cursor:
            cursor.execute(
                "INSERT INTO view_projection_versions (name, version) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET version = excluded.version",
                (self.name, self.projection.version),
            )

    @property
    def name(self) -> str:
        return self.projection.name

    def catch_up(self, *, max_events: int | None = None) -> int:
        """Apply every event past this projection's position; returns how many it applied.

        Each batch's rows, its tracking position and its event count commit together, so a
        crash or a stop between batches never applies an event twice or skips one.
        """
        applied = 0
        busy = 0
        while max_events is None or applied < max_events:
            limit = (
                self.batch_size
                if max_events is None
                else min(self.batch_size, max_events - applied)
            )
            try:
                count = self._apply_next_batch(limit)
            except IntegrityError:
                # Another runner recorded this batch first: start again from its position.
                continue
            except OperationalError:
                # The database was busy (SQLite allows one writer): back off and try again.
                busy += 1
                if busy >= MAX_BUSY_RETRIES:
                    raise
                time.sleep(0.05 * busy)
                continue
            busy = 0
            if count == 0:
                break
            applied += count
        return applied

    def rebuild(self) -> int:
        """Clear the views and replay the whole log, in one transaction: readers never see it half done."""
        with self.store.transaction() as cursor:
            self.projection.clear(cursor)
            cursor.forget_position(self.name)
            cursor.execute("DELETE FROM view_projection_stats WHERE name = ?", (self.name,))
            total = 0
            position = 0
            while True:
                count, position = self._apply(cursor, position, self.batch_size)
                if count == 0:
                    break
                total += count
            return total

    def events_applied(self) -> int:
        with self.store.transaction(commit=False) as cursor:
            rows = cursor.query(
                "SELECT events_applied FROM view_projection_stats WHERE name = ?", (self.name,)
            )
        return int(rows[0]["events_applied"]) if rows else 0

    def position(self) -> int:
        return self.store.position(self.name)

    def _apply_next_batch(self, limit: int) -> int:
        with self.store.transaction() as cursor:
            count, _ = self._apply(cursor, cursor.position(self.name), limit)
            return count

    def _apply(self, cursor: ViewCursor, position: int, limit: int) -> tuple[int, int]:
        notifications = self.app.recorder.select_notifications(
            start=position, limit=limit, inclusive_of_start=False
        )
        if not notifications:
            return 0, position
        for notification in notifications:
            # Decode only what this projection handles: the topic ends with the class's qualname.
            if notification.topic.rpartition(":")[2] not in self._handlers:
                continue
            domain_event = self.app.mapper.to_domain_event(notification)
            handler = self._handlers.get(type(domain_event).__qualname__)
            if handler is not None:
                handler(cursor, domain_event)
        last = notifications[-1].id
        cursor.record_position(self.name, last)
        cursor.execute(
            "INSERT INTO view_projection_stats (name, events_applied) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET "
            "events_applied = view_projection_stats.events_applied + excluded.events_applied",
            (self.name, len(notifications)),
        )
        return len(notifications), last
