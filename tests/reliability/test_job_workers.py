"""Job workers on PostgreSQL (procrastinate), as real processes: one killed mid-solve (its job is
run again by another, the roster recorded once), one stopped with SIGTERM (it drains)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import psycopg
import pytest

from events.persistence import database_from_url
from scheduler.importing import import_program
from scheduler.jobs.postgres_queue import PostgresQueue
from scheduler.jobs.records import Job, JobTable
from scheduler.jobs.settings import JobSettings
from scheduler.jobs.tasks import ROSTER, SolverOptions, roster_params
from scheduler.service import Stepdown, open_stepdown
from tests.conftest import POSTGRES_URL, SCENARIOS, fixed_clock, postgres_or_skip

pytestmark = pytest.mark.postgres

STEPDOWN = Path(sys.executable).parent / "stepdown"
PROGRAM = "multi-303"
# 400 patients: a solve that uses its whole time limit, long enough to be interrupted.
SOLVE_S = 3.0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[str, Stepdown]]:
    postgres_or_skip()
    schema = f"test_{uuid4().hex[:16]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    url = f"{POSTGRES_URL}?schema={schema}"
    service = open_stepdown(database_from_url(url), clock=fixed_clock)
    try:
        import_program(service, (SCENARIOS / "multi-400.json").read_text(), actor="coordinator")
        service.catch_up()
        yield url, service
    finally:
        service.close()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


def _queue(service: Stepdown) -> PostgresQueue:
    return PostgresQueue(
        service, service.views.database, SolverOptions(), JobSettings(), run_worker=False
    )


def _worker(url: str, tmp_path: Path, name: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "STEPDOWN_DATABASE_URL": url,
        "STEPDOWN_NOW": fixed_clock().isoformat(),
        "STEPDOWN_SOLVER_WORKERS": "1",
        "STEPDOWN_SOLVER_DETERMINISTIC": "true",
        "STEPDOWN_JOB_HEARTBEAT_S": "0.5",
        "STEPDOWN_JOB_STALE_AFTER_S": "2",
        "STEPDOWN_PERIODIC_JOBS": "false",
    }
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(
        [str(STEPDOWN), "jobs", "worker"], env=env, stdout=log, stderr=subprocess.STDOUT
    )


def _until(table: JobTable, job: Job, done: set[str], timeout_s: float = 60) -> Job:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = table.get(job.job_id)
        if found.status in done:
            return found
        time.sleep(0.1)
    raise AssertionError(f"job {job.job_id} still {table.get(job.job_id).status}")


def _owner_pid(table: JobTable, job: Job) -> int:
    with table._views.transaction(commit=False) as cursor:
        owner = cursor.query("SELECT owner FROM stepdown_jobs WHERE job_id = ?", (job.job_id,))
    return int(owner[0]["owner"].split(":")[1])


def _stop(*workers: subprocess.Popen[bytes]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.kill()
        worker.wait(10)


def test_a_job_whose_worker_is_killed_mid_solve_is_run_by_another_and_recorded_once(
    store: tuple[str, Stepdown], tmp_path: Path
) -> None:
    url, service = store
    queue = _queue(service)
    job = queue.submit(ROSTER, PROGRAM, "2026-W49", "coordinator", roster_params(SOLVE_S, None))
    workers = {w.pid: w for w in (_worker(url, tmp_path, n) for n in ("one", "two"))}
    try:
        _until(queue.table, job, {"running"})
        time.sleep(1)  # mid-solve
        assert [w.poll() for w in workers.values()] == [None, None]  # both started
        victim = workers.pop(_owner_pid(queue.table, job))
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        done = _until(queue.table, job, {"succeeded", "failed"})
        assert done.status == "succeeded", done.error
        assert done.attempts == 2
        assert _owner_pid(queue.table, job) in workers
        roster = service.app.find_roster(PROGRAM, "2026-W49")
        assert roster is not None
        assert roster.roster_version == 1
        assert roster.job_versions == {job.job_id: 1}
        assert done.result is not None
        assert done.result["version"] == 1
    finally:
        _stop(*workers.values())
        queue.shutdown()


def test_sigterm_drains_the_running_job_and_leaves_the_queued_one_in_the_queue(
    store: tuple[str, Stepdown], tmp_path: Path
) -> None:
    url, service = store
    queue = _queue(service)
    first, second = (
        queue.submit(ROSTER, PROGRAM, week, "coordinator", roster_params(SOLVE_S, None))
        for week in ("2026-W49", "2026-W50")
    )
    worker = _worker(url, tmp_path, "draining")
    try:
        running = _until(queue.table, first, {"running"})
        time.sleep(1)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
        assert queue.table.get(first.job_id).status == "succeeded"
        assert (running.attempts, queue.table.get(first.job_id).attempts) == (1, 1)
        assert queue.table.get(second.job_id).status == "queued"
        with psycopg.connect(url.split("?")[0]) as connection:
            schema = url.split("schema=")[1]
            connection.execute(f"SET search_path TO {schema}")
            statuses = connection.execute(
                "SELECT args->>'job_id', status FROM procrastinate_jobs"
            ).fetchall()
        assert dict(statuses) == {first.job_id: "succeeded", second.job_id: "todo"}
    finally:
        _stop(worker)
        queue.shutdown()
