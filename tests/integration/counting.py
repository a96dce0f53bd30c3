"""Test-only read models that count how often each event is applied, and a log to apply them to.

`CountingProjection` inserts one row per application of any event into a table with no unique
key, so an event applied twice shows as two rows (final-row equality would hide it).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from events.persistence import Database
from scheduler.projections.runner import Handler, Projection, ProjectionRunner
from scheduler.projections.store import ViewCursor
from scheduler.service import Stepdown, open_stepdown
from tests.conftest import fixed_clock


class Metronome(Aggregate):
    """An aggregate that only makes events: a long log without any use case's rules."""

    @event("Ticked")
    def tick(self, beat: int) -> None:
        self.beat = beat


def append_ticks(
    stepdown: Stepdown, count: int, *, per_save: int = 10, pause_s: float = 0.0
) -> None:
    """`count` events in saves of `per_save` (several transactions, as real writes come)."""
    while count > 0:
        time.sleep(pause_s)
        metronome = Metronome()  # its creation is an event too
        beats = min(per_save, count) - 1
        for beat in range(beats):
            metronome.tick(beat)
        stepdown.app.save(metronome)
        count -= beats + 1


class EveryEvent(Mapping[str, Handler]):
    """Handles every event type with one handler."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler

    def __getitem__(self, key: str) -> Handler:
        return self._handler

    def __contains__(self, key: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


class CountingProjection(Projection):
    name = "counting"
    tables = ("test_applications",)

    def __init__(self, *, failing_topic: str | None = None) -> None:
        # Events whose class name is `failing_topic` make the handler raise (a defect).
        self.failing_topic = failing_topic
        self.calls = 0

    def create_tables(self, cursor: ViewCursor) -> None:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS test_applications ("
            "originator_id TEXT NOT NULL, originator_version INTEGER NOT NULL)"
        )

    def handlers(self) -> Mapping[str, Handler]:
        return EveryEvent(self._count)

    def _count(self, cursor: ViewCursor, domain_event: Any) -> None:
        self.calls += 1
        if type(domain_event).__qualname__ == self.failing_topic:
            raise RuntimeError("handler defect: cannot apply this event")
        cursor.execute(
            "INSERT INTO test_applications VALUES (?, ?)",
            (domain_event.originator_id.hex, domain_event.originator_version),
        )


def applications(stepdown: Stepdown) -> dict[tuple[str, int], int]:
    """How many times each event was applied, by (originator id, version)."""
    with stepdown.views.transaction(commit=False) as cursor:
        rows = cursor.query(
            "SELECT originator_id, originator_version, COUNT(*) AS times "
            "FROM test_applications GROUP BY originator_id, originator_version"
        )
    return {
        (row["originator_id"], int(row["originator_version"])): int(row["times"]) for row in rows
    }


def logged_events(stepdown: Stepdown) -> list[tuple[str, int]]:
    """Every event in the log, as (originator id, version), in log order."""
    notifications = stepdown.app.recorder.select_notifications(start=1, limit=1_000_000)
    return [(UUID(str(n.originator_id)).hex, n.originator_version) for n in notifications]


def catch_up_until(
    database: Database, target: int, deadline_s: float, batch_size: int, opened: Any
) -> None:
    """A runner of `CountingProjection` with its own connections (a thread's, or a process's
    entry point) catching up until the log up to `target` is applied.

    `opened` (an Event) is set once the store is open: opening creates the store's tables and
    functions, which PostgreSQL refuses to do concurrently ("tuple concurrently updated").
    """
    stepdown = open_stepdown(database, clock=fixed_clock)
    try:
        runner = ProjectionRunner(
            stepdown.app, stepdown.views, CountingProjection(), batch_size=batch_size
        )
        opened.set()
        deadline = time.monotonic() + deadline_s
        while runner.position() < target:
            if time.monotonic() > deadline:
                raise TimeoutError(f"position {runner.position()} of {target}")
            if runner.catch_up() == 0:
                time.sleep(0.001)
    finally:
        stepdown.close()
