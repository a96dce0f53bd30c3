"""Exactly once with any number of runners of one read model, on both backends: counted."""

from __future__ import annotations

import multiprocessing
import threading
from typing import Any

from events.persistence import Database
from scheduler.projections.runner import ProjectionRunner
from scheduler.service import Stepdown
from tests.integration.counting import (
    CountingProjection,
    append_ticks,
    applications,
    catch_up_until,
    logged_events,
)
from tests.integration.helpers import event_count

EVENTS = 400
THREADS = 3
PROCESSES = 2
DEADLINE_S = 120.0


def test_concurrent_runners_apply_every_event_exactly_once(
    stepdown: Stepdown, database: Database
) -> None:
    # Creates the test table before the runners start (CREATE TABLE is not theirs to race).
    first = ProjectionRunner(stepdown.app, stepdown.views, CountingProjection(), batch_size=7)
    append_ticks(stepdown, 50)
    target = event_count(stepdown) + EVENTS
    # The log grows while the runners run, so batches of different runners overlap.
    writer = threading.Thread(target=append_ticks, args=(stepdown, EVENTS), kwargs={"pause_s": 0.1})
    writer.start()
    errors: list[BaseException] = []

    def runner_thread(opened: threading.Event) -> None:
        try:
            catch_up_until(database, target, DEADLINE_S, 7, opened)
        except BaseException as error:  # reported by the test below
            errors.append(error)
            opened.set()

    spawn = multiprocessing.get_context("spawn")
    started: list[Any] = []
    for index in range(THREADS + PROCESSES):
        if index < THREADS:
            opened: Any = threading.Event()
            worker: Any = threading.Thread(target=runner_thread, args=(opened,))
        else:
            opened = spawn.Event()
            worker = spawn.Process(
                target=catch_up_until, args=(database, target, DEADLINE_S, 11, opened)
            )
        worker.start()
        opened.wait(DEADLINE_S)  # one store opening at a time
        started.append(worker)
    writer.join()
    for worker in started:
        worker.join(DEADLINE_S)
    assert not errors
    assert [worker.exitcode for worker in started[THREADS:]] == [0] * PROCESSES
    assert first.catch_up() == 0

    counted = applications(stepdown)
    assert len(logged_events(stepdown)) == target
    assert counted == dict.fromkeys(logged_events(stepdown), 1)
    assert first.events_applied() == target
    assert first.position() == target
