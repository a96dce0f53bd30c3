"""Polling catch-up over the notification log: works on SQLite, which has no subscriptions."""

from __future__ import annotations

import contextlib
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from eventsourcing.persistence import IntegrityError, Notification, OperationalError

from events.application import StepdownApplication
from events.storage_faults import storage_fault
from scheduler.clock import Clock, system_clock
from scheduler.projections.stops import (
    ERRORS_TABLE,
    HandlerFailedError,
    ProjectionStop,
    clear_stop,
    is_transient,
    read_stops,
    record_stop,
)
from scheduler.projections.store import ViewCursor, ViewStore

Handler = Callable[[ViewCursor, Any], None]

log = logging.getLogger("stepdown.projections")

MAX_BUSY_RETRIES = 20
# Batches run under a per-projection lock, so a lost race on the tracking record means a runner
# without it (older code) got there first; each retry starts from the newer position.
MAX_RACE_RETRIES = 20
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
    """Applies a projection's handlers to the log, in batches, each event exactly once.

    A handler that raises stops the projection at that event (see `stops`): the events before
    it are applied, the stop is recorded, and `catch_up` returns instead of trying again.
    """

    def __init__(
        self,
        app: StepdownApplication,
        store: ViewStore,
        projection: Projection,
        *,
        batch_size: int = 500,
        clock: Clock = system_clock,
    ) -> None:
        self.app = app
        self.store = store
        self.projection = projection
        self.batch_size = batch_size
        self.clock = clock
        self._handlers = projection.handlers()
        # The stop this runner met itself; a process starting afresh tries the event again.
        self._stopped: ProjectionStop | None = None
        with store.transaction() as cursor:
            cursor.execute(STATS_TABLE)
            cursor.execute(VERSIONS_TABLE)
            cursor.execute(ERRORS_TABLE)
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
        crash or a stop between batches never applies an event twice or skips one. A stopped
        projection returns at once (0) until its stop is cleared or passed elsewhere.
        """
        if self._still_stopped():
            return 0
        applied = 0
        busy = 0
        races = 0
        while max_events is None or applied < max_events:
            limit = (
                self.batch_size
                if max_events is None
                else min(self.batch_size, max_events - applied)
            )
            try:
                count = self._apply_next_batch(limit)
            except HandlerFailedError as failure:
                applied += self._stop_at(failure)
                break
            except IntegrityError:
                # Only the tracking record can raise it here (handlers' errors are wrapped).
                races += 1
                if races >= MAX_RACE_RETRIES:
                    raise
                continue
            except OperationalError as error:
                if storage_fault(error) is not None:
                    raise  # read-only, full or gone: waiting does not help
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
        """Clear the views and replay the whole log, in one transaction: readers never see it half done.

        A handler failing on the way stops the rebuilt projection at that event (recorded).
        """
        failure: HandlerFailedError | None = None
        while True:
            try:
                with self.store.transaction() as cursor:
                    cursor.lock_projection(self.name)
                    self.projection.clear(cursor)
                    cursor.forget_position(self.name)
                    cursor.execute("DELETE FROM view_projection_stats WHERE name = ?", (self.name,))
                    clear_stop(cursor, self.name)
                    total = 0
                    position = 0
                    before = None if failure is None else failure.notification_id
                    while True:
                        count, position = self._apply(cursor, position, self.batch_size, before)
                        if count == 0:
                            break
                        total += count
                    self._stopped = None if failure is None else self._record(cursor, failure)
            except HandlerFailedError as failed:
                failure = failed
                continue
            if self._stopped is not None:
                self._warn(self._stopped)
            return total

    def events_applied(self) -> int:
        with self.store.transaction(commit=False) as cursor:
            rows = cursor.query(
                "SELECT events_applied FROM view_projection_stats WHERE name = ?", (self.name,)
            )
        return int(rows[0]["events_applied"]) if rows else 0

    def position(self) -> int:
        return self.store.position(self.name)

    def stopped(self) -> ProjectionStop | None:
        """Where this projection is stopped, as recorded for every process; None when it runs."""
        with self.store.transaction(commit=False) as cursor:
            stops = read_stops(cursor, self.name)
        return stops[0] if stops else None

    def _still_stopped(self) -> bool:
        """Stopped by this runner and not resumed since (by `resume`, a rebuild, or new code)."""
        if self._stopped is None:
            return False
        current = self.stopped()
        if current is not None and current.notification_id == self._stopped.notification_id:
            return True
        self._stopped = None
        return False

    def _apply_next_batch(self, limit: int) -> int:
        with self.store.transaction() as cursor:
            cursor.lock_projection(self.name)
            count, _ = self._apply(cursor, cursor.position(self.name), limit)
            return count

    def _stop_at(self, failure: HandlerFailedError) -> int:
        """The failing batch rolled back: apply the events before the failing one, once, and
        record the stop, in one transaction. Returns how many events it applied."""
        while True:
            try:
                with self.store.transaction() as cursor:
                    cursor.lock_projection(self.name)
                    position = cursor.position(self.name)
                    if position >= failure.notification_id:
                        return 0  # another runner (new code) got past it meanwhile
                    count, _ = self._apply(
                        cursor, position, failure.notification_id, failure.notification_id
                    )
                    self._stopped = self._record(cursor, failure)
            except HandlerFailedError as earlier:
                failure = earlier  # a handler failing by chance; stop at the earlier event
                continue
            self._warn(self._stopped)
            return count

    def _record(self, cursor: ViewCursor, failure: HandlerFailedError) -> ProjectionStop:
        return record_stop(
            cursor,
            self.name,
            failure.notification_id,
            failure.topic,
            failure.error,
            self.clock(),
        )

    def _warn(self, stop: ProjectionStop) -> None:
        log.warning(
            "read model %s stopped at event %d (%s): %s; fix the handler, then run "
            "`stepdown projections resume`",
            self.name,
            stop.notification_id,
            stop.topic,
            stop.error,
        )

    def _apply(
        self, cursor: ViewCursor, position: int, limit: int, before: int | None = None
    ) -> tuple[int, int]:
        """Apply up to `limit` events after `position` (and before `before`); returns (count, last)."""
        if before is not None and before - position <= 1:
            return 0, position
        notifications = self.app.recorder.select_notifications(
            start=position,
            limit=limit,
            stop=None if before is None else before - 1,
            inclusive_of_start=False,
        )
        if not notifications:
            return 0, position
        for notification in notifications:
            self._handle(cursor, notification)
        last = notifications[-1].id
        cursor.record_position(self.name, last)
        cursor.execute(
            "INSERT INTO view_projection_stats (name, events_applied) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET "
            "events_applied = view_projection_stats.events_applied + excluded.events_applied",
            (self.name, len(notifications)),
        )
        # Past the event it stopped at (new code applied it): the projection runs again.
        cursor.execute(
            "DELETE FROM view_projection_errors WHERE name = ? AND notification_id <= ?",
            (self.name, last),
        )
        return len(notifications), last

    def _handle(self, cursor: ViewCursor, notification: Notification) -> None:
        # Decode only what this projection handles: the topic ends with the class's qualname.
        if notification.topic.rpartition(":")[2] not in self._handlers:
            return
        try:
            domain_event = self.app.mapper.to_domain_event(notification)
            handler = self._handlers.get(type(domain_event).__qualname__)
            if handler is not None:
                cursor.notification_id = notification.id
                handler(cursor, domain_event)
        except Exception as error:
            if is_transient(error):
                raise
            raise HandlerFailedError(notification.id, notification.topic, error) from error
