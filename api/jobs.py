"""Long work (large roster solves) off the request: a job row to poll, a thread that runs it.

Job rows live in the database, so any API process can answer a poll; the work's result is
recorded as events like any other write. A process that dies mid-job leaves it `running`.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from events.errors import NotFoundError, StepdownError
from scheduler.service import Stepdown

log = logging.getLogger("stepdown.jobs")

JOB_TABLE = (
    "CREATE TABLE IF NOT EXISTS api_jobs ("
    "job_id TEXT PRIMARY KEY, kind TEXT NOT NULL, program_id TEXT NOT NULL, week TEXT NOT NULL, "
    "status TEXT NOT NULL, requested_by TEXT NOT NULL, created_at TEXT NOT NULL, "
    "finished_at TEXT, result TEXT, error TEXT)"
)


@dataclass(frozen=True)
class Job:
    job_id: str
    kind: str
    program_id: str
    week: str
    status: str  # queued | running | succeeded | failed
    requested_by: str
    created_at: str
    finished_at: str | None
    result: dict[str, Any] | None
    error: str | None


class Jobs:
    def __init__(self, stepdown: Stepdown, *, threads: int) -> None:
        self._views = stepdown.views
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="stepdown-job")
        self._running: set[Future[None]] = set()
        with self._views.transaction() as cursor:
            cursor.execute(JOB_TABLE)

    def submit(
        self,
        kind: str,
        program_id: str,
        week: str,
        requested_by: str,
        work: Callable[[], dict[str, Any]],
    ) -> Job:
        job_id = uuid.uuid4().hex
        with self._views.transaction() as cursor:
            cursor.execute(
                "INSERT INTO api_jobs VALUES (?, ?, ?, ?, 'queued', ?, ?, NULL, NULL, NULL)",
                (job_id, kind, program_id, week, requested_by, _now()),
            )
        future = self._pool.submit(self._run, job_id, work)
        self._running.add(future)
        future.add_done_callback(self._running.discard)
        return self.get(job_id)

    def get(self, job_id: str) -> Job:
        with self._views.transaction(commit=False) as cursor:
            rows = cursor.query("SELECT * FROM api_jobs WHERE job_id = ?", (job_id,))
        if not rows:
            raise NotFoundError(f"job: {job_id!r} does not exist")
        row = rows[0]
        return Job(
            job_id=row["job_id"],
            kind=row["kind"],
            program_id=row["program_id"],
            week=row["week"],
            status=row["status"],
            requested_by=row["requested_by"],
            created_at=row["created_at"],
            finished_at=row["finished_at"],
            result=None if row["result"] is None else json.loads(row["result"]),
            error=row["error"],
        )

    def drain(self, timeout_s: float = 120) -> None:
        """Wait for every submitted job to finish (shutdown, tests)."""
        wait(list(self._running), timeout=timeout_s)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job_id: str, work: Callable[[], dict[str, Any]]) -> None:
        self._set(job_id, "running")
        try:
            result = work()
        except StepdownError as error:
            self._set(job_id, "failed", error=str(error))
        except Exception:
            log.exception("job %s failed", job_id)
            self._set(job_id, "failed", error="internal error; see the server log")
        else:
            self._set(job_id, "succeeded", result=result)

    def _set(
        self,
        job_id: str,
        status: str,
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        finished = None if status == "running" else _now()
        with self._views.transaction() as cursor:
            cursor.execute(
                "UPDATE api_jobs SET status = ?, finished_at = ?, result = ?, error = ? "
                "WHERE job_id = ?",
                (status, finished, None if result is None else json.dumps(result), error, job_id),
            )


def _now() -> str:
    return datetime.now(UTC).isoformat()
