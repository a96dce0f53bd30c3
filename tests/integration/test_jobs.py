"""Durable jobs on the embedded engine: what a stopped or dead process left is run, once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from events.persistence import database_from_url
from events.values import EnrollmentStatus
from scheduler.importing import import_program
from scheduler.jobs.in_process import InProcessQueue
from scheduler.jobs.periodic import nightly_drafts, step_down_tick
from scheduler.jobs.records import Job, JobTable
from scheduler.jobs.settings import JobSettings
from scheduler.jobs.tasks import ROSTER, SolverOptions, perform, roster_params
from scheduler.programs import ask_for_nightly_drafts
from scheduler.rosters import generate_roster
from scheduler.service import Stepdown, open_stepdown
from tests.conftest import fixed_clock

PROGRAM, WEEK = "standard-101", "2026-W49"
OPTIONS = SolverOptions(workers=1, deterministic=True, default_time_limit_s=30)
SETTINGS = JobSettings(heartbeat_s=0.2, stale_after_s=1.0, drain_timeout_s=60, periodic=False)


@pytest.fixture
def program(stepdown: Stepdown, sample_text: str) -> Stepdown:
    import_program(stepdown, sample_text, actor="coordinator")
    stepdown.catch_up()
    return stepdown


@pytest.fixture
def embedded(tmp_path: Path, sample_text: str) -> Iterator[Stepdown]:
    service = open_stepdown(database_from_url(f"sqlite:///{tmp_path}/s.db"), clock=fixed_clock)
    import_program(service, sample_text, actor="coordinator")
    service.catch_up()
    try:
        yield service
    finally:
        service.close()


def _roster_job(table: JobTable, week: str = WEEK) -> Job:
    job, created = table.create(ROSTER, PROGRAM, week, "coordinator", roster_params(30, None))
    assert created
    return job


def _left_running_by_a_dead_process(table: JobTable, job: Job) -> None:
    """As a process killed mid-job leaves it: running, its heartbeat long stopped."""
    assert table.claim(job.job_id, "gone:4242:dead", stale_after=None) is not None
    long_ago = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    with table._views.transaction() as cursor:
        cursor.execute(
            "UPDATE stepdown_jobs SET heartbeat_at = ? WHERE job_id = ?", (long_ago, job.job_id)
        )


def test_a_retried_roster_job_records_its_draft_once(program: Stepdown) -> None:
    table = JobTable(program.views)
    job = table.claim(_roster_job(table).job_id, "first", stale_after=None)
    assert job is not None
    # The first attempt stored its draft, then its process died before the job row said so.
    generate_roster(
        program, PROGRAM, WEEK, actor="coordinator", deterministic=True, job_id=job.job_id
    )
    again = table.claim(job.job_id, "second", stale_after=None)
    assert again is not None
    assert again.attempts == 2
    perform(program, table, again, OPTIONS)
    done = table.get(job.job_id)
    assert (done.status, done.result and done.result["version"]) == ("succeeded", 1)
    roster = program.app.find_roster(PROGRAM, WEEK)
    assert roster is not None
    assert roster.roster_version == 1
    assert roster.job_versions == {job.job_id: 1}


def test_a_refused_job_fails_with_the_reason(program: Stepdown) -> None:
    table = JobTable(program.views)
    job, _ = table.create(ROSTER, PROGRAM, WEEK, "coordinator", roster_params(30, frozenset({3})))
    claimed = table.claim(job.job_id, "me", stale_after=None)
    assert claimed is not None
    perform(program, table, claimed, OPTIONS)
    failed = table.get(job.job_id)
    assert failed.status == "failed"
    assert failed.error is not None
    assert "not 3 (If-Match)" in failed.error


def test_on_start_jobs_left_queued_or_running_by_a_dead_process_are_run(
    embedded: Stepdown,
) -> None:
    table = JobTable(embedded.views)
    queued = _roster_job(table, "2026-W49")
    abandoned = _roster_job(table, "2026-W50")
    _left_running_by_a_dead_process(table, abandoned)
    # Another process is alive and running this one: its heartbeat is fresh, it is left alone.
    alive = _roster_job(table, "2026-W51")
    assert table.claim(alive.job_id, "alive:1:x", stale_after=None) is not None

    # Stale after 30 s: the dead process's heartbeat stopped minutes ago, the live one's not.
    jobs = InProcessQueue(embedded, OPTIONS, replace(SETTINGS, stale_after_s=30))
    jobs.start()
    try:
        jobs.drain(60)
    finally:
        jobs.shutdown()
    assert [table.get(j.job_id).status for j in (queued, abandoned, alive)] == [
        "succeeded",
        "succeeded",
        "running",
    ]
    assert table.get(abandoned.job_id).attempts == 2
    for week in ("2026-W49", "2026-W50"):
        roster = embedded.app.find_roster(PROGRAM, week)
        assert roster is not None
        assert roster.roster_version == 1


def test_a_shutdown_drains_running_jobs_and_leaves_queued_ones_for_the_next_start(
    embedded: Stepdown,
) -> None:
    jobs = InProcessQueue(embedded, OPTIONS, SETTINGS)
    jobs.start()
    asked = [
        jobs.submit(ROSTER, PROGRAM, week, "coordinator", roster_params(30, None))
        for week in ("2026-W49", "2026-W50", "2026-W51")
    ]
    jobs.shutdown()
    after_shutdown = [jobs.get(job.job_id).status for job in asked]
    # One job at a time: the one running finished, the others wait in the store.
    assert "running" not in after_shutdown
    assert "failed" not in after_shutdown
    assert "queued" in after_shutdown

    restarted = InProcessQueue(embedded, OPTIONS, SETTINGS)
    restarted.start()
    try:
        restarted.drain(60)
    finally:
        restarted.shutdown()
    assert [restarted.get(job.job_id).status for job in asked] == ["succeeded"] * 3
    assert all(restarted.get(job.job_id).attempts == 1 for job in asked)


def test_nightly_drafts_are_asked_for_once_a_night_for_programs_that_want_them(
    program: Stepdown,
) -> None:
    table = JobTable(program.views)
    asked: list[Job] = []
    # 12:00 in Chicago (the fixed clock): not yet night; and the program has not asked.
    assert nightly_drafts(program, table, asked.append) == []
    ask_for_nightly_drafts(program, PROGRAM, True, actor="coordinator")
    assert nightly_drafts(program, table, asked.append) == []
    program.clock = lambda: datetime(2026, 11, 26, 4, 30, tzinfo=UTC)  # 22:30 in Chicago
    first = nightly_drafts(program, table, asked.append)
    assert [(j.program_id, j.week, j.requested_by) for j in first] == [
        (PROGRAM, "2026-W49", "stepdown-jobs")
    ]
    assert nightly_drafts(program, table, asked.append) == []  # the same night: asked already
    assert asked == first
    ask_for_nightly_drafts(program, PROGRAM, False, actor="coordinator")
    program.clock = lambda: datetime(2026, 11, 27, 4, 30, tzinfo=UTC)
    assert nightly_drafts(program, table, asked.append) == []


def test_the_step_down_tick_steps_down_plans_that_ended_with_no_event_arriving(
    program: Stepdown,
) -> None:
    # Started 2026-10-12 (or that week) for 8 weeks: these plans end on Sunday 2026-12-06.
    ending = {"P0006", "P0028", "P0030"}
    assert step_down_tick(program) == []  # the fixed clock: 2026-11-25, nothing ended yet
    program.clock = lambda: datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # Monday after, Chicago
    assert set(step_down_tick(program)) == ending
    assert step_down_tick(program) == []  # once
    statuses = {program.app.get_enrollment(PROGRAM, p).status for p in ending}
    assert statuses == {EnrollmentStatus.STEPPED_DOWN}


def test_the_embedded_engine_runs_the_periodic_work_and_the_nightly_draft_it_asks_for(
    embedded: Stepdown,
) -> None:
    ask_for_nightly_drafts(embedded, PROGRAM, True, actor="coordinator")
    embedded.clock = lambda: datetime(2026, 11, 26, 4, 30, tzinfo=UTC)  # 22:30 in Chicago
    jobs = InProcessQueue(
        embedded, OPTIONS, replace(SETTINGS, periodic=True, periodic_interval_s=0.2)
    )
    jobs.start()
    try:
        deadline = time.monotonic() + 30
        while embedded.app.find_roster(PROGRAM, "2026-W49") is None:
            assert time.monotonic() < deadline, "no nightly draft"
            time.sleep(0.1)
        jobs.drain(30)
    finally:
        jobs.shutdown()
    roster = embedded.app.find_roster(PROGRAM, "2026-W49")
    assert roster is not None
    assert roster.roster_version == 1  # asked for at every tick of the night, recorded once
    (job_id,) = roster.job_versions
    assert jobs.get(job_id).requested_by == "stepdown-jobs"
