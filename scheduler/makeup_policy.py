"""The policy that follows the event store and answers every missed session with a make-up.

Delivery is at least once (its position is recorded after each miss is handled); the handling
is idempotent (a miss already answered is recognised on the enrolment and the roster), so a
restart or a second runner never makes a second make-up. A miss it cannot handle (a defect)
stops the policy there, recorded like a stopped read model, instead of failing every write.
"""

from __future__ import annotations

import logging
from typing import Any

from eventsourcing.persistence import IntegrityError, Notification, PersistenceError

from events.enrollment import Enrollment
from events.program import Program
from scheduler.makeups import make_up_for_miss, make_ups_for_cancellation
from scheduler.projections.stops import (
    ProjectionStop,
    error_text,
    is_transient,
    read_stops,
    record_stop,
)
from scheduler.service import Stepdown

MISSED_TOPIC = "events.enrollment:Enrollment.SessionMissed"
CANCELLED_TOPIC = "events.program:Program.SessionCancelled"
POLICY_ACTOR = "make-up policy"

log = logging.getLogger("stepdown.policies")


class MakeUpPolicy:
    name = "makeup_policy"

    def __init__(self, stepdown: Stepdown, *, batch_size: int = 100) -> None:
        self.stepdown = stepdown
        self.batch_size = batch_size
        # The stop this policy met itself; a process starting afresh tries the event again.
        self._stopped: ProjectionStop | None = None

    def catch_up(self) -> int:
        """Handle every miss recorded since the last one handled; returns how many."""
        app, views = self.stepdown.app, self.stepdown.views
        if self._stopped is not None:
            current = self.stopped()
            # Another process trying the same miss again re-records it: still stopped here.
            if current is not None and current.notification_id == self._stopped.notification_id:
                return 0
            self._stopped = None  # resumed, or passed by a process with new code
        handled = 0
        while True:
            notifications = app.recorder.select_notifications(
                start=views.position(self.name),
                limit=self.batch_size,
                topics=[MISSED_TOPIC, CANCELLED_TOPIC],
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
                        # Past the miss it stopped at (new code handled it): it runs again.
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

    def handle(self, event: Any) -> None:
        # Notice runs from when the patient can be told: now (the service clock), which is the
        # miss's own time when the policy keeps up, and later when it runs late.
        now = self.stepdown.clock()
        if type(event).__qualname__ == "Program.SessionCancelled":
            program: Program = self.stepdown.app.repository.get(event.originator_id)
            make_ups_for_cancellation(
                self.stepdown,
                program.program_id,
                event.session_id,
                event.session_date,
                now=now,
                actor=POLICY_ACTOR,
            )
            return
        missed = event
        enrollment: Enrollment = self.stepdown.app.repository.get(missed.originator_id)
        make_up_for_miss(
            self.stepdown,
            enrollment.program_id,
            enrollment.patient_id,
            missed.session_id,
            missed.session_date,
            recorded_at=now,
            actor=POLICY_ACTOR,
        )
