"""The composition root: one event-sourced application, its read models, and a clock."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol
from zoneinfo import ZoneInfo

from eventsourcing.persistence import PersistenceError

from events.application import StepdownApplication
from events.persistence import Database, database_from_environment
from events.timestamps import stamp_events_with
from scheduler.clock import Clock, clock_from_environment, system_clock
from scheduler.projections.registry import all_projections
from scheduler.projections.runner import ProjectionRunner
from scheduler.projections.stops import ProjectionStop, clear_stop, read_stops
from scheduler.projections.store import ViewStore

log = logging.getLogger("stepdown")


class Policy(Protocol):
    def catch_up(self) -> int: ...


@dataclass
class Stepdown:
    app: StepdownApplication
    views: ViewStore
    runners: tuple[ProjectionRunner, ...]
    # Every rule that depends on "now" reads this one clock (STEPDOWN_NOW sets it).
    clock: Clock = field(default=system_clock)
    # How long a use case that must read its own (or a just-recorded) fact waits for a worker
    # to apply it before applying it itself (exactly once either way).
    read_your_writes_timeout_s: float = 2.0
    # Policies react to events by recording new ones (the make-up policy); see open_stepdown.
    policies: list[Policy] = field(default_factory=list)
    # One catch-up at a time in a process: concurrent requests would only race for the same rows.
    _catching_up: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def today(self, timezone: str) -> date:
        """Today where the program is: a session's date is local to the program."""
        return self.clock().astimezone(ZoneInfo(timezone)).date()

    def catch_up(self) -> int:
        """Bring every read model and policy up to the end of the log (the embedded mode)."""
        with self._catching_up:
            return self._catch_up()

    def _catch_up(self) -> int:
        applied = sum(runner.catch_up() for runner in self.runners)
        if sum(policy.catch_up() for policy in self.policies):
            applied += sum(runner.catch_up() for runner in self.runners)
        return applied

    def refresh_after_write(self) -> bool:
        """After a write is stored: bring the read models up to date, as far as possible.

        The write stands whatever happens here, so a database error is logged, not raised (the
        next catch-up applies what is missing); returns False when the read models are behind.
        A stopped read model does not raise either: it is reported by `stopped_projections`.
        """
        try:
            self.catch_up()
        except PersistenceError as error:
            log.warning(
                "read models not brought up to date after a write: %s", type(error).__name__
            )
            return False
        return True

    def wait_for_projections(
        self, names: Sequence[str], *, timeout_s: float, poll_s: float = 0.01
    ) -> None:
        """Until the named read models have applied the log as it is now (another process runs them).

        After `timeout_s` the rest is applied here; runners of one read model take turns under
        its lock, so nothing is applied twice. A stopped read model is not waited for.
        """
        runners = [self.runner(name) for name in names]
        target = self.app.recorder.max_notification_id() or 0
        deadline = time.monotonic() + timeout_s
        while True:
            # A stopped read model will not pass the write: the answer is built without it.
            stopped = self.stopped_projections()
            behind = [r for r in runners if r.name not in stopped and r.position() < target]
            if not behind:
                return
            if time.monotonic() >= deadline:
                for runner in behind:
                    runner.catch_up()
                return
            time.sleep(poll_s)

    def stopped_projections(self) -> dict[str, ProjectionStop]:
        """Read models (and policies) stopped at an event they could not apply, by name."""
        with self.views.transaction(commit=False) as cursor:
            return {stop.name: stop for stop in read_stops(cursor)}

    def resume(self, names: Sequence[str] | None = None) -> dict[str, ProjectionStop]:
        """Clear the named stops (all by default) and catch up, trying each failing event again
        with this process's code; returns the stops that remain."""
        with self.views.transaction() as cursor:
            for stop in read_stops(cursor):
                if names is None or stop.name in names:
                    clear_stop(cursor, stop.name)
        self.catch_up()
        return self.stopped_projections()

    def runner(self, name: str) -> ProjectionRunner:
        for runner in self.runners:
            if runner.name == name:
                return runner
        raise KeyError(name)

    def close(self) -> None:
        self.app.close()
        self.views.close()


def open_stepdown(database: Database | None = None, *, clock: Clock | None = None) -> Stepdown:
    database = database or database_from_environment()
    clock = clock or clock_from_environment()
    stamp_events_with(clock)
    app = StepdownApplication(database)
    views = ViewStore(database, patient_keys=app.patient_keys)
    runners = tuple(
        ProjectionRunner(app, views, projection, clock=clock) for projection in all_projections()
    )
    stepdown = Stepdown(app, views, runners, clock)
    # The policies' use cases need the service. Make-ups first, then plans that ended, then the
    # roster policy: a seat (or a make-up) a later fact takes back is withdrawn in the same pass.
    from scheduler.makeup_policy import MakeUpPolicy
    from scheduler.plan_end_policy import PlanEndPolicy
    from scheduler.roster_facts_policy import RosterFollowsFactsPolicy

    stepdown.policies.extend(
        [MakeUpPolicy(stepdown), PlanEndPolicy(stepdown), RosterFollowsFactsPolicy(stepdown)]
    )
    return stepdown
