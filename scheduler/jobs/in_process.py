"""The embedded engine (SQLite): jobs run on a thread pool in the process that serves requests.

Durable all the same: the job row is written before the job is run, so a job is never lost with
its process. On start, and then at every heartbeat, the process runs the jobs nobody is running:
left `queued` by a process stopped before it got to them, or `running` by one that died (its
heartbeat went stale). A shutdown takes no new job, lets the running ones finish within the
drain timeout, and leaves the queued ones queued for the next start.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import timedelta
from typing import Any

from scheduler.jobs.periodic import run_periodic
from scheduler.jobs.records import FAILED, Job, JobTable
from scheduler.jobs.settings import JobSettings
from scheduler.jobs.tasks import INTERNAL_ERROR, SolverOptions, perform
from scheduler.service import Stepdown

log = logging.getLogger("stepdown.jobs")


def owner_name() -> str:
    """Who runs a job: host and process, and which start of it (a pid can come back)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class InProcessQueue:
    def __init__(self, stepdown: Stepdown, options: SolverOptions, settings: JobSettings) -> None:
        self._stepdown = stepdown
        self._options = options
        self._settings = settings
        self.table = JobTable(stepdown.views)
        self.owner = owner_name()
        self._stale_after = timedelta(seconds=settings.stale_after_s)
        self._pool = ThreadPoolExecutor(settings.concurrency, thread_name_prefix="stepdown-job")
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._ticker: threading.Thread | None = None
        # The periodic work first runs a minute after start (a process restarting in a loop
        # does not run it each time), then every interval.
        self._next_periodic = time.monotonic() + min(60.0, settings.periodic_interval_s)

    def start(self) -> None:
        """Pick up what was left behind, then keep heartbeats (and the periodic work) going."""
        self._pick_up_left_behind()
        self._ticker = threading.Thread(target=self._tick, name="stepdown-jobs", daemon=True)
        self._ticker.start()

    def submit(
        self, kind: str, program_id: str, week: str, requested_by: str, params: dict[str, Any]
    ) -> Job:
        job, _ = self.table.create(kind, program_id, week, requested_by, params)
        self._enqueue(job)
        return job

    def submit_unless_running(
        self, kind: str, program_id: str, week: str, requested_by: str, params: dict[str, Any]
    ) -> Job:
        """A new job, or the week's job of this kind already queued or running (not twice)."""
        job, created = self.table.create_unless_unfinished(
            kind, program_id, week, requested_by, params
        )
        if created:
            self._enqueue(job)
        return job

    def get(self, job_id: str) -> Job:
        return self.table.get(job_id)

    def drain(self, timeout_s: float = 120) -> None:
        """Wait for every job this process has taken on to finish (tests, shutdown)."""
        with self._lock:
            pending = list(self._futures.values())
        wait(pending, timeout=timeout_s)

    def shutdown(self, timeout_s: float | None = None) -> None:
        """Take no new job; give running ones the drain timeout; queued ones stay queued."""
        self._closing.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self.drain(self._settings.drain_timeout_s if timeout_s is None else timeout_s)
        if self._ticker is not None:
            self._ticker.join(timeout=1)

    def _enqueue(self, job: Job) -> None:
        with self._lock:
            if self._closing.is_set() or job.job_id in self._futures:
                return
            try:
                future = self._pool.submit(self._run, job.job_id)
            except RuntimeError:  # the pool shut down in between: the row stays queued
                return
            self._futures[job.job_id] = future
        future.add_done_callback(lambda _: self._forget(job.job_id))

    def _forget(self, job_id: str) -> None:
        with self._lock:
            self._futures.pop(job_id, None)

    def _run(self, job_id: str) -> None:
        if self._closing.is_set():
            return
        job = self.table.claim(job_id, self.owner, stale_after=self._stale_after)
        if job is None:  # finished, or another live process has it
            return
        if job.attempts > 1:
            log.info("job %s: attempt %d (left behind by another process)", job_id, job.attempts)
        try:
            perform(self._stepdown, self.table, job, self._options)
        except Exception:
            log.exception("job %s failed", job_id)
            self.table.finish(job_id, FAILED, error=INTERNAL_ERROR)

    def _pick_up_left_behind(self) -> None:
        for job_id in self.table.left_behind(self._stale_after):
            self._enqueue(self.table.get(job_id))

    def _tick(self) -> None:
        while not self._closing.wait(self._settings.heartbeat_s):
            try:
                if self._futures:  # no write while idle (SQLite has one writer at a time)
                    self.table.heartbeat(self.owner)
                self._pick_up_left_behind()
                if self._settings.periodic and time.monotonic() >= self._next_periodic:
                    self._next_periodic = time.monotonic() + self._settings.periodic_interval_s
                    run_periodic(self._stepdown, self.table, self._enqueue)
            except Exception as error:
                # The database away for a moment: the next heartbeat tries again.
                log.warning("jobs: heartbeat failed: %s", type(error).__name__)
