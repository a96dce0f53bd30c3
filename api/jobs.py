"""Long work (large roster solves) off the request, on the store's job engine.

On PostgreSQL jobs go to procrastinate's queue, run by `stepdown jobs worker` processes on any
machine (and by this process too unless STEPDOWN_JOBS_IN_API=false); on the embedded SQLite
store this process runs them, durably (see scheduler/jobs/in_process.py).
"""

from __future__ import annotations

from api.metrics import Metrics
from api.settings import Settings
from scheduler.jobs.in_process import InProcessQueue
from scheduler.jobs.postgres_queue import PostgresQueue
from scheduler.jobs.settings import JobSettings
from scheduler.jobs.tasks import SolverOptions
from scheduler.service import Stepdown

Jobs = InProcessQueue | PostgresQueue


def solver_options(settings: Settings, metrics: Metrics | None = None) -> SolverOptions:
    return SolverOptions(
        workers=settings.solver_workers,
        deterministic=settings.solver_deterministic,
        default_time_limit_s=settings.roster_time_limit_s,
        inline_catch_up=settings.inline_catch_up,
        on_solved=None if metrics is None else metrics.count_solve,
    )


def job_settings(settings: Settings) -> JobSettings:
    return JobSettings(
        concurrency=settings.solver_threads,
        heartbeat_s=settings.job_heartbeat_s,
        stale_after_s=settings.job_stale_after_s,
        drain_timeout_s=settings.job_drain_timeout_s,
        periodic=settings.periodic_jobs,
    )


def open_jobs(stepdown: Stepdown, settings: Settings, metrics: Metrics) -> Jobs:
    """The job engine that fits the store, started (picking up what was left behind)."""
    database = stepdown.views.database
    jobs: Jobs
    if database.is_postgres:
        jobs = PostgresQueue(
            stepdown,
            database,
            solver_options(settings, metrics),
            job_settings(settings),
            run_worker=settings.jobs_in_api,
        )
    else:
        jobs = InProcessQueue(stepdown, solver_options(settings, metrics), job_settings(settings))
    jobs.start()
    return jobs
