"""Whether the store takes writes, and where each read model and policy stands: position, lag,
events applied, and any stop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from eventsourcing.persistence import PersistenceError

from events.storage_faults import storage_fault
from scheduler.projections.stops import ProjectionStop
from scheduler.retry import past_lock_races
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
    row every time: the table never grows). Another process's probe may hold the lock for a
    moment (several API processes probe one store): that is tried again, not called broken.
    """
    try:
        past_lock_races(
            lambda: _write_probe(stepdown), attempts=PROBE_ATTEMPTS, pause_s=PROBE_PAUSE_S
        )
    except PersistenceError as error:
        return storage_fault(error) or f"a test write failed ({type(error).__name__})"
    return None


def _write_probe(stepdown: Stepdown) -> None:
    with stepdown.views.transaction() as cursor:
        cursor.execute(HEALTH_PROBE_TABLE)
        cursor.execute(
            "INSERT INTO health_probe (id, written_at) VALUES (1, ?) "
            "ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at",
            # Operational, not business time: when the probe wrote, by the host's clock.
            (datetime.now(UTC).isoformat(),),
        )
