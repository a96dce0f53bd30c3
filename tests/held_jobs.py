"""A test hook: a job held at a progress write until the test lets it go, so a test can look at
a job while it runs without sleeping or racing the solver."""

from __future__ import annotations

import threading
from collections.abc import Callable

from scheduler.jobs.in_process import InProcessQueue
from scheduler.jobs.postgres_queue import PostgresQueue
from scheduler.jobs.progress import JobProgress
from scheduler.jobs.records import JobTable

WAIT_S = 120.0


class HeldJob:
    """Holds the first job whose progress `when` accepts, just after that progress is stored."""

    def __init__(self, table: JobTable, when: Callable[[JobProgress], bool]) -> None:
        self.reached = threading.Event()
        self._released = threading.Event()
        store = table.record_progress

        def record_then_hold(job_id: str, progress: JobProgress) -> None:
            store(job_id, progress)
            if when(progress) and not self.reached.is_set():
                self.reached.set()
                self._released.wait(WAIT_S)

        table.record_progress = record_then_hold  # type: ignore[method-assign]

    def wait(self) -> None:
        assert self.reached.wait(WAIT_S), "the job never reached the progress awaited"

    def release(self) -> None:
        self._released.set()


def running_table(jobs: InProcessQueue | PostgresQueue) -> JobTable:
    """The job table the engine's jobs run with (the worker's, on PostgreSQL)."""
    if isinstance(jobs, PostgresQueue):
        worker = jobs._worker
        assert worker is not None, "no worker in this process"
        return worker.table
    return jobs.table
