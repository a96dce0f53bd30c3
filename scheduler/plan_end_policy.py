"""The policy that reacts to time passing: a plan whose last week has ended steps down.

It runs on every catch-up (after each embedded write, on `census`, on the worker's tick) and
is idempotent: the aggregate's status decides, and optimistic concurrency makes the second of
two runners stepping down the same patient read again and find nothing left to do.
"""

from __future__ import annotations

from datetime import datetime

from scheduler import queries
from scheduler.service import Stepdown
from scheduler.step_down import step_down_ended_plans

POLICY_ACTOR = "plan-end policy"


class PlanEndPolicy:
    name = "plan_end_policy"

    def __init__(self, stepdown: Stepdown) -> None:
        self.stepdown = stepdown
        # (census position, minute) last looked at: nothing new to find until one of them moves.
        self._looked_at: tuple[int, datetime] | None = None

    def catch_up(self) -> int:
        """Step down every plan that has ended by today; returns how many patients."""
        looking_at = (
            self.stepdown.runner("census").position(),
            self.stepdown.clock().replace(second=0, microsecond=0),
        )
        if looking_at == self._looked_at:
            return 0
        stepped = sum(
            len(step_down_ended_plans(self.stepdown, program_id, actor=POLICY_ACTOR))
            for program_id in queries.program_ids(self.stepdown)
        )
        self._looked_at = looking_at
        return stepped
