"""The PostgreSQL engine: procrastinate's queue in the store's own database and schema.

Any number of workers on any machine take jobs from it (`stepdown jobs worker`, `stepdown worker
--jobs`, or the API process itself). procrastinate gives each job to one worker at a time, runs
the jobs of one roster-week one after another (a lock per week), retries a job that failed
unexpectedly, and keeps a heartbeat per worker: a job whose worker stopped beating (killed,
machine gone) is put back in the queue by the others and run again; its roster is recorded once
because the job names itself on the draft. SIGTERM drains: no new job is taken, running ones get
the drain timeout, queued ones stay in the queue.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

import procrastinate
import psycopg
from procrastinate.exceptions import ConnectorException
from procrastinate.job_context import JobContext
from procrastinate.schema import SchemaManager
from procrastinate.worker import Worker
from psycopg.conninfo import make_conninfo

from events.persistence import Database
from scheduler.jobs.in_process import owner_name
from scheduler.jobs.periodic import run_periodic
from scheduler.jobs.records import FAILED, Job, JobTable
from scheduler.jobs.settings import JobSettings
from scheduler.jobs.tasks import INTERNAL_ERROR, SolverOptions, perform
from scheduler.service import Stepdown

log = logging.getLogger("stepdown.jobs")

JOB_TASK = "stepdown.job"
PERIODIC_TASK = "stepdown.periodic"
# A job failing unexpectedly (the database away, a defect) is tried this many times in all.
MAX_ATTEMPTS = 5
# Two processes starting at once must not both create procrastinate's tables.
SCHEMA_LOCK = 0x53746570  # "Step"


def conninfo(database: Database) -> str:
    """The store's connection, with its schema first on the search path: procrastinate's tables
    live beside the events (several stores can share one database, as the tests' do)."""
    env = database.env
    schema = env.get("POSTGRES_SCHEMA")
    return make_conninfo(
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        dbname=env["POSTGRES_DBNAME"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None,
        connect_timeout=env.get("POSTGRES_CONNECT_TIMEOUT", "5"),
        options=f"-c search_path={schema}" if schema else None,
    )


def ensure_schema(database: Database) -> None:
    """procrastinate's tables, created once (idempotent; concurrent starts take turns)."""
    with psycopg.connect(conninfo(database)) as connection:
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        found = connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
        if found is None or found[0] is None:
            connection.execute(SchemaManager.get_schema())


def queue_app(database: Database, settings: JobSettings) -> procrastinate.App:
    """A procrastinate app with Stepdown's tasks; the worker's context carries the service."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(
            conninfo=conninfo(database), min_size=1, max_size=max(2, settings.concurrency + 1)
        )
    )

    @app.task(
        name=JOB_TASK,
        pass_context=True,
        retry=procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS - 1, wait=1, linear_wait=2),
    )
    def run_job(context: JobContext, job_id: str) -> None:
        _run(context, job_id)

    @app.task(name=PERIODIC_TASK, pass_context=True, queueing_lock=PERIODIC_TASK)
    def periodic(context: JobContext, timestamp: int) -> None:
        worker: JobWorker = context.additional_context["worker"]
        run_periodic(worker.stepdown, worker.table, worker.enqueue)

    # Every worker knows the task; those with the periodic work on ask for it on schedule.
    if settings.periodic:
        app.periodic(cron=_cron(settings.periodic_interval_s))(periodic)

    return app


def _cron(interval_s: float) -> str:
    """The periodic work's schedule: every N minutes, or on the hour (procrastinate defers it
    once per tick whatever the number of workers)."""
    minutes = int(interval_s // 60)
    return "0 * * * *" if minutes >= 60 else f"*/{max(1, minutes)} * * * *"


def _run(context: JobContext, job_id: str) -> None:
    worker: JobWorker = context.additional_context["worker"]
    # procrastinate has given this job to this worker alone: a row still `running` belongs
    # to a worker that died (the job was put back), so it is taken over.
    job = worker.table.claim(job_id, worker.owner, stale_after=None)
    if job is None:
        return  # finished by an earlier attempt
    if job.attempts > 1:
        log.info("job %s: attempt %d", job_id, job.attempts)
    try:
        perform(worker.stepdown, worker.table, job, worker.options)
    except Exception:
        log.exception("job %s: attempt %d failed", job_id, job.attempts)
        # procrastinate counts the attempts before this one and gives up at its strategy's max.
        if context.job.attempts >= MAX_ATTEMPTS - 1:
            worker.table.finish(job_id, FAILED, error=INTERNAL_ERROR)
        else:
            worker.table.release(job_id, worker.owner)
        raise


class PostgresQueue:
    """Puts jobs in the queue (and, unless told not to, runs a worker in this process too)."""

    def __init__(
        self,
        stepdown: Stepdown,
        database: Database,
        options: SolverOptions,
        settings: JobSettings,
        *,
        run_worker: bool,
    ) -> None:
        ensure_schema(database)
        self.table = JobTable(stepdown.views)
        self._app = queue_app(database, settings).open()
        self._submitted: set[str] = set()
        self._worker = (
            JobWorker(stepdown, database, options, settings, install_signal_handlers=False)
            if run_worker
            else None
        )
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._worker is not None:
            self._thread = threading.Thread(
                target=self._worker.run, name="stepdown-job-worker", daemon=True
            )
            self._thread.start()

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

    def _enqueue(self, job: Job) -> None:
        self._submitted.add(job.job_id)
        defer(self._app, self.table, job)

    def get(self, job_id: str) -> Job:
        return self.table.get(job_id)

    def drain(self, timeout_s: float = 120) -> None:
        """Wait until the jobs asked for here have finished (whichever worker ran them)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            self._submitted = {j for j in list(self._submitted) if not self.table.get(j).finished}
            if not self._submitted:
                return
            time.sleep(0.05)

    def shutdown(self, timeout_s: float | None = None) -> None:
        if self._worker is not None and self._thread is not None:
            self._worker.stop()
            drain = self._worker.settings.drain_timeout_s if timeout_s is None else timeout_s
            self._thread.join(timeout=drain + 5)
        self._app.close()


def defer(app: procrastinate.App, table: JobTable, job: Job) -> None:
    """Put the job (its row written) in the queue; a row the queue never got says so."""
    try:
        # One roster-week's jobs run one after another: two solves of one week would only race.
        app.configure_task(JOB_TASK, lock=f"roster/{job.program_id}/{job.week}").defer(
            job_id=job.job_id
        )
    except Exception as error:
        table.finish(job.job_id, FAILED, error=f"not queued ({type(error).__name__}); ask again")
        raise


class JobWorker:
    """One procrastinate worker with the service its jobs need."""

    def __init__(
        self,
        stepdown: Stepdown,
        database: Database,
        options: SolverOptions,
        settings: JobSettings,
        *,
        install_signal_handlers: bool = True,
    ) -> None:
        ensure_schema(database)
        self.stepdown = stepdown
        self.options = options
        self.settings = settings
        self.table = JobTable(stepdown.views)
        self.owner = owner_name()
        self._database = database
        self._install_signal_handlers = install_signal_handlers
        self._worker: Worker | None = None
        self._stop_asked = threading.Event()
        # Jobs the periodic work asks for go through the queue like any other.
        self._deferrer = queue_app(database, settings)

    def enqueue(self, job: Job) -> None:
        defer(self._deferrer, self.table, job)

    def run(self) -> None:
        """Take jobs until stopped (SIGTERM/SIGINT when the handlers are installed), then drain."""
        self._deferrer.open()
        try:
            asyncio.run(self._run())
        except Exception:
            log.exception("jobs: the worker stopped")
            raise
        finally:
            self._deferrer.close()

    def stop(self) -> None:
        """From any thread: take no new job, let running ones finish (drain timeout)."""
        self._stop_asked.set()
        if self._worker is not None:
            self._worker.stop()  # type: ignore[no-untyped-call]

    async def _run(self) -> None:
        app = queue_app(self._database, self.settings)
        async with app.open_async():
            self._worker = Worker(
                app,
                name=self.owner,
                concurrency=self.settings.concurrency,
                shutdown_graceful_timeout=self.settings.drain_timeout_s,
                update_heartbeat_interval=self.settings.heartbeat_s,
                stalled_worker_timeout=self.settings.stale_after_s,
                fetch_job_polling_interval=min(5.0, self.settings.heartbeat_s),
                additional_context={"worker": self},
                install_signal_handlers=self._install_signal_handlers,
            )
            side = [
                asyncio.create_task(self._retry_stalled(app)),
                asyncio.create_task(self._pass_on_stop(self._worker)),
            ]
            try:
                await self._worker.run()  # type: ignore[no-untyped-call]
            finally:
                for task in side:
                    task.cancel()

    async def _pass_on_stop(self, worker: Worker) -> None:
        """A stop asked from another thread before the worker's loop began is not lost."""
        while True:
            if self._stop_asked.is_set():
                worker.stop()  # type: ignore[no-untyped-call]
            await asyncio.sleep(0.1)

    async def _retry_stalled(self, app: procrastinate.App) -> None:
        """Put back in the queue the jobs of workers that stopped beating (killed mid-job)."""
        while True:
            await asyncio.sleep(self.settings.heartbeat_s)
            try:
                stalled = await app.job_manager.get_stalled_jobs(
                    seconds_since_heartbeat=self.settings.stale_after_s
                )
                for job in stalled:
                    log.warning("job %s: its worker stopped beating; queued again", job.id)
                    await app.job_manager.retry_job(job)
            except (psycopg.Error, ConnectorException) as error:
                log.warning("jobs: stalled-job check failed: %s", type(error).__name__)
