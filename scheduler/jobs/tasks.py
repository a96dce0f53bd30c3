"""What each kind of job does, whichever engine runs it.

A job is its row's kind and parameters, so any process can run it from the row alone. A roster
job names itself on the draft it records: run again after its worker died, it finds the draft
the first attempt stored and records nothing twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from events.errors import StepdownError
from scheduler.jobs.progress import JobProgress, ProgressRecorder
from scheduler.jobs.records import FAILED, SUCCEEDED, Job, JobTable
from scheduler.roster_queries import roster_document
from scheduler.rosters import JobAlreadyRecordedError, generate_roster
from scheduler.service import Stepdown

log = logging.getLogger("stepdown.jobs")

ROSTER = "roster"
# Who the periodic work records its events as.
PERIODIC_ACTOR = "stepdown-jobs"
# What a client is told of an unexpected failure (the detail is in the log, not the answer).
INTERNAL_ERROR = "internal error; see the worker's log"


@dataclass(frozen=True)
class SolverOptions:
    """The solver settings of the process that runs the job (its cores, not the requester's)."""

    workers: int = 0
    deterministic: bool = False
    default_time_limit_s: float = 10.0
    # Embedded mode brings the read models up to date after the draft; otherwise a worker does
    # and the job waits briefly for it (applying what is missing itself, exactly once).
    inline_catch_up: bool = True
    # Told of each solve this process ran (seconds, solver status): the service's metrics.
    on_solved: Callable[[float, str], None] | None = None


def roster_params(
    time_limit_s: float | None, expected_version: frozenset[int] | None
) -> dict[str, Any]:
    return {
        "time_limit_s": time_limit_s,
        "expected_version": None if expected_version is None else sorted(expected_version),
    }


def run_job(
    stepdown: Stepdown,
    job: Job,
    options: SolverOptions,
    record_progress: Callable[[JobProgress], None] | None = None,
) -> dict[str, Any]:
    """Do the job's work; its result for the job row. A StepdownError is the job's failure.
    `record_progress` is given the solve's progress while it runs (throttled)."""
    if job.kind == ROSTER:
        return _roster(stepdown, job, options, record_progress or _unrecorded)
    raise ValueError(f"job {job.job_id}: unknown kind {job.kind!r}")


def _unrecorded(progress: JobProgress) -> None:
    pass


def _roster(
    stepdown: Stepdown,
    job: Job,
    options: SolverOptions,
    record_progress: Callable[[JobProgress], None],
) -> dict[str, Any]:
    expected = job.params.get("expected_version")
    time_limit_s = job.params.get("time_limit_s") or options.default_time_limit_s
    started = time.monotonic()
    try:
        with ProgressRecorder(record_progress, time_limit_s) as progress:
            solution = generate_roster(
                stepdown,
                job.program_id,
                job.week,
                actor=job.requested_by,
                time_limit_s=time_limit_s,
                workers=options.workers,
                deterministic=options.deterministic,
                on_progress=progress.found,
                on_stage=progress.stage,
                expected_version=None if expected is None else frozenset(expected),
                job_id=job.job_id,
            )
    except JobAlreadyRecordedError as recorded:
        log.info("job %s: roster version %d already recorded", job.job_id, recorded.version)
    else:
        if options.on_solved is not None:
            options.on_solved(time.monotonic() - started, solution.stats.status)
    if options.inline_catch_up:
        stepdown.refresh_after_write()
    else:
        stepdown.wait_for_projections(("roster",), timeout_s=stepdown.read_your_writes_timeout_s)
    roster = stepdown.app.find_roster(job.program_id, job.week)
    assert roster is not None  # the job recorded it, now or on an earlier attempt
    version = roster.job_versions[job.job_id]
    document = roster_document(stepdown, job.program_id, job.week)
    return {
        "version": version,
        "solver": document["solver"],
        "dropped_pins": document["dropped_pins"],
        "unmet_days": sum(
            max(0, p["required_days"] - p["scheduled_days"]) for p in document["patients"]
        ),
    }


def perform(stepdown: Stepdown, table: JobTable, job: Job, options: SolverOptions) -> None:
    """Run a claimed job and record how it ended. A refusal (StepdownError: a stale If-Match,
    no feasible roster...) fails the job for good; anything else is the engine's to retry."""
    try:
        result = run_job(stepdown, job, options, partial(table.record_progress, job.job_id))
    except StepdownError as error:
        table.finish(job.job_id, FAILED, error=str(error))
        return
    table.finish(job.job_id, SUCCEEDED, result=result)
