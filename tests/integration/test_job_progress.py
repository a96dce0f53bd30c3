"""A roster job's progress is stored while it runs, on the engine of each store (in-process on
SQLite, procrastinate on PostgreSQL): any process polling the job sees which stage the solver
is on; asked for twice while it runs, a week is solved once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from scheduler.importing import import_program
from scheduler.jobs.in_process import InProcessQueue
from scheduler.jobs.postgres_queue import PostgresQueue
from scheduler.jobs.records import JobTable
from scheduler.jobs.settings import JobSettings
from scheduler.jobs.tasks import ROSTER, SolverOptions, roster_params
from scheduler.service import Stepdown
from solver.rules import TIERS
from tests.held_jobs import HeldJob, running_table

PROGRAM, WEEK = "standard-101", "2026-W49"
OPTIONS = SolverOptions(workers=1, deterministic=True, default_time_limit_s=30)
SETTINGS = JobSettings(heartbeat_s=0.2, stale_after_s=30, drain_timeout_s=60, periodic=False)


@pytest.fixture
def jobs(stepdown: Stepdown, sample_text: str) -> Iterator[InProcessQueue | PostgresQueue]:
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    engine: InProcessQueue | PostgresQueue
    if stepdown.views.is_postgres:
        database = stepdown.views.database
        engine = PostgresQueue(stepdown, database, OPTIONS, SETTINGS, run_worker=True)
    else:
        engine = InProcessQueue(stepdown, OPTIONS, SETTINGS)
    engine.start()
    try:
        yield engine
    finally:
        engine.shutdown()


def test_a_running_jobs_progress_names_the_solvers_stage(
    stepdown: Stepdown, jobs: InProcessQueue | PostgresQueue
) -> None:
    held = HeldJob(running_table(jobs), lambda progress: progress.tier in TIERS)
    asked = jobs.submit_unless_running(
        ROSTER, PROGRAM, WEEK, "coordinator", roster_params(30, None)
    )
    try:
        held.wait()
        # Another process's view of the job: its own table, straight from the store.
        running = JobTable(stepdown.views).get(asked.job_id)
        assert running.status == "running"
        assert running.progress is not None
        assert running.progress.tier in TIERS
        assert running.progress.stage != running.progress.tier  # in words
        assert 0 <= running.progress.elapsed_s < 30
        assert running.progress.time_limit_s == 30
        again = jobs.submit_unless_running(
            ROSTER, PROGRAM, WEEK, "coordinator-2", roster_params(30, None)
        )
        assert again.job_id == asked.job_id  # not a second solve
    finally:
        held.release()
    jobs.drain(60)
    done = jobs.get(asked.job_id)
    assert done.status == "succeeded", done.error
    assert done.result is not None
    assert done.result["unmet_days"] >= 0
    assert done.progress is not None
    assert done.progress.tier in TIERS  # as the solve ended
    roster = stepdown.app.find_roster(PROGRAM, WEEK)
    assert roster is not None
    assert roster.roster_version == 1
    # Once it has ended, the week may be generated again: a new job.
    later = jobs.submit_unless_running(
        ROSTER, PROGRAM, WEEK, "coordinator", roster_params(30, None)
    )
    assert later.job_id != asked.job_id
    jobs.drain(60)
