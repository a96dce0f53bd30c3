"""Job rows: what clients poll (queued, running, succeeded, failed), and who runs each job.

The rows live in the read-model database beside the store, so any process can answer a poll
and any process can pick up a job another left behind. A running job's owner writes a heartbeat;
a row still `running` whose heartbeat went stale belongs to a process that died, and is run again.

Heartbeats and the job's own times are wall-clock times, never the service clock: STEPDOWN_NOW
fixes "now" for the business rules, and a heartbeat that never advances would be always fresh.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from events.errors import NotFoundError
from scheduler.projections.store import Row, ViewStore

JOB_TABLE = (
    "CREATE TABLE IF NOT EXISTS stepdown_jobs ("
    "job_id TEXT PRIMARY KEY, kind TEXT NOT NULL, program_id TEXT NOT NULL, week TEXT NOT NULL, "
    "params TEXT NOT NULL, status TEXT NOT NULL, requested_by TEXT NOT NULL, "
    "created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, result TEXT, error TEXT, "
    "attempts INTEGER NOT NULL DEFAULT 0, owner TEXT, heartbeat_at TEXT)"
)
TABLE_LOCK = 0x4A6F6273  # "Jobs"
QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"


@dataclass(frozen=True)
class Job:
    job_id: str
    kind: str
    program_id: str
    week: str
    params: dict[str, Any]
    status: str  # queued | running | succeeded | failed
    requested_by: str
    created_at: str
    finished_at: str | None
    result: dict[str, Any] | None
    error: str | None
    attempts: int

    @property
    def finished(self) -> bool:
        return self.status in (SUCCEEDED, FAILED)


def new_job_id() -> str:
    return uuid.uuid4().hex


def job_id_for(*parts: str) -> str:
    """A job id that names one piece of periodic work (a program's draft of one night): asking
    for it twice finds the same job."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "stepdown-job:" + "/".join(parts)).hex


class JobTable:
    def __init__(self, views: ViewStore) -> None:
        self._views = views
        with views.transaction() as cursor:
            if views.is_postgres:
                # Processes starting together would race to create the table (a duplicate
                # type error): they take turns.
                cursor.execute("SELECT pg_advisory_xact_lock(?)", (TABLE_LOCK,))
            cursor.execute(JOB_TABLE)

    def create(
        self,
        kind: str,
        program_id: str,
        week: str,
        requested_by: str,
        params: dict[str, Any],
        *,
        job_id: str | None = None,
    ) -> tuple[Job, bool]:
        """The new job row (queued), or the one already there under `job_id`; True when new."""
        job_id = job_id or new_job_id()
        with self._views.transaction() as cursor:
            created = cursor.query(
                "INSERT INTO stepdown_jobs (job_id, kind, program_id, week, params, status, "
                "requested_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (job_id) DO NOTHING RETURNING job_id",
                (job_id, kind, program_id, week, json.dumps(params), QUEUED, requested_by, _now()),
            )
        return self.get(job_id), bool(created)

    def get(self, job_id: str) -> Job:
        with self._views.transaction(commit=False) as cursor:
            rows = cursor.query("SELECT * FROM stepdown_jobs WHERE job_id = ?", (job_id,))
        if not rows:
            raise NotFoundError(f"job: {job_id!r} does not exist")
        return _job(rows[0])

    def claim(self, job_id: str, owner: str, *, stale_after: timedelta | None) -> Job | None:
        """Mark the job running under `owner` (one more attempt), or None when it is not free:
        finished, or running under an owner whose heartbeat is fresher than `stale_after`.
        With `stale_after` None the queue's own lock already decided (procrastinate)."""
        now = datetime.now(UTC)
        free = "status = 'queued'"
        params: tuple[Any, ...] = (owner, now.isoformat(), now.isoformat(), job_id)
        if stale_after is None:
            free = "status IN ('queued', 'running')"
        else:
            free += " OR (status = 'running' AND heartbeat_at < ?)"
            params = (*params, (now - stale_after).isoformat())
        with self._views.transaction() as cursor:
            claimed = cursor.query(
                "UPDATE stepdown_jobs SET status = 'running', attempts = attempts + 1, "
                "owner = ?, heartbeat_at = ?, started_at = ? "
                f"WHERE job_id = ? AND ({free}) RETURNING *",
                params,
            )
        return _job(claimed[0]) if claimed else None

    def heartbeat(self, owner: str) -> None:
        with self._views.transaction() as cursor:
            cursor.execute(
                "UPDATE stepdown_jobs SET heartbeat_at = ? WHERE owner = ? AND status = 'running'",
                (_now(), owner),
            )

    def left_behind(self, stale_after: timedelta) -> list[str]:
        """Jobs nobody is running: queued, or running under a heartbeat gone stale; oldest first."""
        stale = (datetime.now(UTC) - stale_after).isoformat()
        with self._views.transaction(commit=False) as cursor:
            rows = cursor.query(
                "SELECT job_id FROM stepdown_jobs WHERE status = 'queued' "
                "OR (status = 'running' AND heartbeat_at < ?) ORDER BY created_at, job_id",
                (stale,),
            )
        return [row["job_id"] for row in rows]

    def finish(
        self,
        job_id: str,
        status: str,
        *,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        with self._views.transaction() as cursor:
            cursor.execute(
                "UPDATE stepdown_jobs SET status = ?, finished_at = ?, result = ?, error = ? "
                "WHERE job_id = ?",
                (status, _now(), None if result is None else json.dumps(result), error, job_id),
            )

    def release(self, job_id: str, owner: str) -> None:
        """Back to queued (a worker shutting down before it started the job, or a retry)."""
        with self._views.transaction() as cursor:
            cursor.execute(
                "UPDATE stepdown_jobs SET status = 'queued', owner = NULL "
                "WHERE job_id = ? AND owner = ? AND status = 'running'",
                (job_id, owner),
            )


def _job(row: Row) -> Job:
    return Job(
        job_id=row["job_id"],
        kind=row["kind"],
        program_id=row["program_id"],
        week=row["week"],
        params=json.loads(row["params"]),
        status=row["status"],
        requested_by=row["requested_by"],
        created_at=row["created_at"],
        finished_at=row["finished_at"],
        result=None if row["result"] is None else json.loads(row["result"]),
        error=row["error"],
        attempts=row["attempts"],
    )


def _now() -> str:
    return datetime.now(UTC).isoformat()
