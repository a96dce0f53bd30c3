"""Whether the store takes writes, and where each read model and policy stands: position, lag,
events applied, and any stop."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from eventsourcing.persistence import PersistenceError

from events.storage_faults import storage_fault
from scheduler.projections.stops import ProjectionStop
from scheduler.service import Stepdown


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    # Log entries not yet applied, and how many were; None for a policy, whose position is the
    # last event of its own kinds it handled.
    lag: int | None
    events_applied: int | None
    stop: ProjectionStop | None

    def describe(self) -> str:
        return "running" if self.stop is None else self.stop.describe()


def projection_statuses(stepdown: Stepdown) -> list[ProjectionStatus]:
    head = stepdown.app.recorder.max_notification_id() or 0
    stops = stepdown.stopped_projections()
    statuses = [
        ProjectionStatus(
            runner.name,
            runner.position(),
            head - runner.position(),
            runner.events_applied(),
            stops.get(runner.name),
        )
        for runner in stepdown.runners
    ]
    for policy in stepdown.policies:
        name = str(getattr(policy, "name", type(policy).__name__))
        position = stepdown.views.position(name)
        statuses.append(ProjectionStatus(name, position, None, None, stops.get(name)))
    return statuses


PROBE_ATTEMPTS = 5
PROBE_PAUSE_S = 0.05
HEALTH_PROBE_TABLE = (
    "CREATE TABLE IF NOT EXISTS health_probe (id INTEGER PRIMARY KEY, written_at TEXT NOT NULL)"
)


def store_write_fault(stepdown: Stepdown) -> str | None:
    """None when the store takes a write; else what is wrong (read-only, full, unreachable).

    Reading alone would call a read-only or full store healthy, so one row is written (the same
    row every time: the table never grows).
    """
    for attempt in range(PROBE_ATTEMPTS):
        try:
            with stepdown.views.transaction() as cursor:
                cursor.execute(HEALTH_PROBE_TABLE)
                cursor.execute(
                    "INSERT INTO health_probe (id, written_at) VALUES (1, ?) "
                    "ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at",
                    # Operational, not business time: when the probe wrote, by the host's clock.
                    (datetime.now(UTC).isoformat(),),
                )
        except PersistenceError as error:
            fault = storage_fault(error)
            if fault is not None or attempt == PROBE_ATTEMPTS - 1:
                return fault or f"a test write failed ({type(error).__name__})"
            # No fault: another process's write held the lock (several API processes probe the
            # same row). Try again in a moment rather than call a busy store broken.
            time.sleep(PROBE_PAUSE_S * (attempt + 1))
        else:
            return None
    return None
