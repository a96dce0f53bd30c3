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
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from events.errors import NotFoundError
from scheduler.jobs.progress import JobProgress
from scheduler.projections.store import Row, ViewCursor, ViewStore

JOB_TABLE = (
    "CREATE TABLE IF NOT EXISTS stepdown_jobs ("
    "job_id TEXT PRIMARY KEY, kind TEXT NOT NULL, program_id TEXT NOT NULL, week TEXT NOT NULL, "
    "params TEXT NOT NULL, status TEXT NOT NULL, requested_by TEXT NOT NULL, "
    "created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, result TEXT, error TEXT, "
    "attempts INTEGER NOT NULL DEFAULT 0, owner TEXT, heartbeat_at TEXT)"
)
# A running job's progress, in a table of its own: deployed stores already have stepdown_jobs,
# and a new table needs no migration on either backend (SQLite cannot add a column "if not
# exists"); the frequent progress writes also never touch the row that claims, heartbeats and
# finishes update.
PROGRESS_TABLE = (
    "CREATE TABLE IF NOT EXISTS stepdown_job_progress ("
    "job_id TEXT PRIMARY KEY, progress TEXT NOT NULL, updated_at TEXT NOT NULL)"
)
# The page asks for the week's unfinished roster job at every view of the week.
WEEK_INDEX = (
    "CREATE INDEX IF NOT EXISTS stepdown_jobs_by_week ON stepdown_jobs (program_id, week, status)"
)
INSERT_QUEUED = (
    "INSERT INTO stepdown_jobs (job_id, kind, program_id, week, params, status, "
    "requested_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
TABLE_LOCK = 0x4A6F6273  # "Jobs"
# Two requests asking for the same week's job at once take turns (PostgreSQL advisory lock).
WEEK_LOCK_CLASS = 0x5765656B  # "Week"
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
    started_at: str | None = None
    progress: JobProgress | None = None  # while running (or as it was when it finished)

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
            cursor.execute(PROGRESS_TABLE)
            cursor.execute(WEEK_INDEX)

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
                INSERT_QUEUED + " ON CONFLICT (job_id) DO NOTHING RETURNING job_id",
                (job_id, kind, program_id, week, json.dumps(params), QUEUED, requested_by, _now()),
            )
        return self.get(job_id), bool(created)

    def create_unless_unfinished(
        self,
        kind: str,
        program_id: str,
        week: str,
        requested_by: str,
        params: dict[str, Any],
    ) -> tuple[Job, bool]:
        """A new job (queued) for the week, or the week's job of this kind not finished yet:
        asked for twice while one runs, the week is solved once. True when new."""
        with self._views.transaction() as cursor:
            if self._views.is_postgres:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(?, hashtext(current_schema() || '/' || ?))",
                    (WEEK_LOCK_CLASS, f"{kind}/{program_id}/{week}"),
                )
            else:  # SQLite's write lock, taken before the read so that the read stays true
                cursor.execute("UPDATE stepdown_jobs SET job_id = job_id WHERE job_id = ''")
            running = _unfinished(cursor, kind, program_id, week)
            job_id = running or new_job_id()
            if running is None:
                cursor.execute(
                    INSERT_QUEUED,
                    (
                        job_id,
                        kind,
                        program_id,
                        week,
                        json.dumps(params),
                        QUEUED,
                        requested_by,
                        _now(),
                    ),
                )
        return self.get(job_id), running is None

    def unfinished(self, kind: str, program_id: str, week: str) -> Job | None:
        """The week's job of this kind still queued or running (the oldest), if any."""
        with self._views.transaction(commit=False) as cursor:
            job_id = _unfinished(cursor, kind, program_id, week)
        return None if job_id is None else self.get(job_id)

    def get(self, job_id: str) -> Job:
        with self._views.transaction(commit=False) as cursor:
            rows = cursor.query(
                "SELECT j.*, p.progress AS progress FROM stepdown_jobs j "
                "LEFT JOIN stepdown_job_progress p ON p.job_id = j.job_id WHERE j.job_id = ?",
                (job_id,),
            )
        if not rows:
            raise NotFoundError(f"job: {job_id!r} does not exist")
        return _job(rows[0])

    def record_progress(self, job_id: str, progress: JobProgress) -> None:
        """The job's progress now (each write replaces the last)."""
        with self._views.transaction() as cursor:
            cursor.execute(
                "INSERT INTO stepdown_job_progress (job_id, progress, updated_at) "
                "VALUES (?, ?, ?) ON CONFLICT (job_id) DO UPDATE SET "
                "progress = excluded.progress, updated_at = excluded.updated_at",
                (job_id, json.dumps(asdict(progress)), _now()),
            )

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


def _unfinished(cursor: ViewCursor, kind: str, program_id: str, week: str) -> str | None:
    rows = cursor.query(
        "SELECT job_id FROM stepdown_jobs WHERE program_id = ? AND week = ? AND kind = ? "
        "AND status IN ('queued', 'running') ORDER BY created_at, job_id LIMIT 1",
        (program_id, week, kind),
    )
    return str(rows[0]["job_id"]) if rows else None


def _job(row: Row) -> Job:
    progress = row.get("progress")
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
        started_at=row["started_at"],
        progress=None if progress is None else JobProgress(**json.loads(progress)),
    )


def _now() -> str:
    return datetime.now(UTC).isoformat()
