"""A policy that follows the event log: it reacts to some events by recording new ones.

Delivery is at least once (the position is recorded after each event is handled); each policy's
handling is idempotent, so a restart or a second runner never acts twice. An event a policy
cannot handle (a defect) stops it there, recorded like a stopped read model, instead of failing
every later write; it is tried again when a process starts, or on `stepdown projections resume`.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from eventsourcing.persistence import IntegrityError, Notification, PersistenceError

from scheduler.projections.stops import (
    ProjectionStop,
    error_text,
    is_transient,
    read_stops,
    record_stop,
)
from scheduler.service import Stepdown

log = logging.getLogger("stepdown.policies")


class FollowingPolicy(ABC):
    name: ClassVar[str]
    topics: ClassVar[list[str]]

    def __init__(self, stepdown: Stepdown, *, batch_size: int = 100) -> None:
        self.stepdown = stepdown
        self.batch_size = batch_size
        # The stop this policy met itself; a process starting afresh tries the event again.
        self._stopped: ProjectionStop | None = None

    @abstractmethod
    def handle(self, event: Any) -> None:
        """React to one event; must be idempotent."""

    def catch_up(self) -> int:
        """Handle every event of its topics recorded since the last one handled; returns how many."""
        app, views = self.stepdown.app, self.stepdown.views
        if self._stopped is not None:
            current = self.stopped()
            # Another process trying the same event again re-records it: still stopped here.
            if current is not None and current.notification_id == self._stopped.notification_id:
                return 0
            self._stopped = None  # resumed, or passed by a process with new code
        handled = 0
        while True:
            notifications = app.recorder.select_notifications(
                start=views.position(self.name),
                limit=self.batch_size,
                topics=self.topics,
                inclusive_of_start=False,
            )
            if not notifications:
                return handled
            for notification in notifications:
                try:
                    self.handle(app.mapper.to_domain_event(notification))
                except Exception as error:
                    if isinstance(error, PersistenceError) or is_transient(error):
                        raise
                    self._stop(notification, error)
                    return handled
                try:
                    with views.transaction() as cursor:
                        cursor.record_position(self.name, notification.id)
                        # Past the event it stopped at (new code handled it): it runs again.
                        cursor.execute(
                            "DELETE FROM view_projection_errors "
                            "WHERE name = ? AND notification_id <= ?",
                            (self.name, notification.id),
                        )
                except IntegrityError:
                    # Another runner (a second process) recorded this position or a later one;
                    # handling is idempotent, so read the position again and carry on from it.
                    break
                handled += 1

    def stopped(self) -> ProjectionStop | None:
        with self.stepdown.views.transaction(commit=False) as cursor:
            stops = read_stops(cursor, self.name)
        return stops[0] if stops else None

    def _stop(self, notification: Notification, error: Exception) -> None:
        with self.stepdown.views.transaction() as cursor:
            self._stopped = record_stop(
                cursor,
                self.name,
                notification.id,
                notification.topic,
                error_text(error),
                self.stepdown.clock(),
            )
        log.warning(
            "%s stopped at event %d (%s): %s",
            self.name,
            notification.id,
            notification.topic,
            self._stopped.error,
        )
