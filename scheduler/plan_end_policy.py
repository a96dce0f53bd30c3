"""The policy that reacts to time passing: a plan whose last week has ended steps down.

It runs on every catch-up (after each embedded write, on `census`, on the worker's tick) and
is idempotent: the aggregate's status decides, and optimistic concurrency makes the second of
two runners stepping down the same patient read again and find nothing left to do.
"""

from __future__ import annotations

import logging
from datetime import datetime

from eventsourcing.persistence import PersistenceError

from scheduler import queries
from scheduler.projections.stops import clear_stop, error_text, is_transient, record_stop
from scheduler.service import Stepdown
from scheduler.step_down import step_down_ended_plans

POLICY_ACTOR = "plan-end policy"

log = logging.getLogger("stepdown.policies")


class PlanEndPolicy:
    name = "plan_end_policy"

    def __init__(self, stepdown: Stepdown) -> None:
        self.stepdown = stepdown
        # (census position, minute) last looked at: nothing new to find until one of them moves.
        self._looked_at: tuple[int, datetime] | None = None
        self._stopped_here = False

    def catch_up(self) -> int:
        """Step down every plan that has ended by today; returns how many patients."""
        looking_at = (
            self.stepdown.runner("census").position(),
            self.stepdown.clock().replace(second=0, microsecond=0),
        )
        if looking_at == self._looked_at:
            return 0
        try:
            stepped = sum(
                len(step_down_ended_plans(self.stepdown, program_id, actor=POLICY_ACTOR))
                for program_id in queries.program_ids(self.stepdown)
            )
        except Exception as error:
            if isinstance(error, PersistenceError) or is_transient(error):
                raise
            # A defect must not fail every write that runs the policies: it is reported like a
            # stopped read model (health, metrics, CLI) and tried again on the next minute.
            self._looked_at = looking_at
            with self.stepdown.views.transaction() as cursor:
                record_stop(
                    cursor,
                    self.name,
                    looking_at[0],
                    "time passing",
                    error_text(error),
                    self.stepdown.clock(),
                )
            log.warning("%s stopped: %s", self.name, error_text(error))
            self._stopped_here = True
            return 0
        self._looked_at = looking_at
        if self._stopped_here:
            with self.stepdown.views.transaction() as cursor:
                clear_stop(cursor, self.name)
            self._stopped_here = False
        return stepped
