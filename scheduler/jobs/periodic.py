"""The periodic work: step-down ticks and the nightly drafts programs ask for.

Both are safe to run any number of times (a patient steps down once; a program's nightly draft
is one job per local night), so every engine simply runs them on an interval: several processes
doing so by mistake change nothing. "Now" is the service clock (STEPDOWN_NOW in demos and tests).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from events.calendar import iso_week
from scheduler import queries
from scheduler.jobs.records import Job, JobTable, job_id_for
from scheduler.jobs.tasks import PERIODIC_ACTOR, ROSTER, roster_params
from scheduler.service import Stepdown
from scheduler.step_down import step_down_ended_plans

log = logging.getLogger("stepdown.jobs")

# Next week's draft is generated from this local hour on: after the day's attendance is in.
NIGHTLY_FROM_HOUR = 22


def step_down_tick(stepdown: Stepdown) -> list[str]:
    """Step down every patient whose plan ended by today, in every program (the plan-end policy
    does so when an event arrives; this does it when only time has passed)."""
    stepped: list[str] = []
    for program_id in queries.program_ids(stepdown):
        stepped.extend(step_down_ended_plans(stepdown, program_id, actor=PERIODIC_ACTOR))
    return stepped


def nightly_drafts(stepdown: Stepdown, jobs: JobTable, enqueue: Callable[[Job], None]) -> list[Job]:
    """Ask for next week's draft (a roster job) for every program that wants one, once a night,
    from NIGHTLY_FROM_HOUR where the program is; returns the jobs asked for now."""
    asked = []
    for program_id in queries.program_ids(stepdown):
        if not stepdown.app.get_program(program_id).nightly_drafts:
            continue
        local = stepdown.clock().astimezone(_zone(stepdown, program_id))
        if local.hour < NIGHTLY_FROM_HOUR:
            continue
        week = iso_week(local.date() + timedelta(days=7))
        job, created = jobs.create(
            ROSTER,
            program_id,
            week,
            PERIODIC_ACTOR,
            roster_params(None, None),
            job_id=job_id_for("nightly-draft", program_id, local.date().isoformat()),
        )
        if created:
            log.info("nightly draft of %s %s: job %s", program_id, week, job.job_id)
            enqueue(job)
            asked.append(job)
    return asked


def run_periodic(stepdown: Stepdown, jobs: JobTable, enqueue: Callable[[Job], None]) -> None:
    stepped = step_down_tick(stepdown)
    if stepped:
        log.info("step-down tick: %d patients stepped down", len(stepped))
    nightly_drafts(stepdown, jobs, enqueue)


def _zone(stepdown: Stepdown, program_id: str) -> ZoneInfo:
    return ZoneInfo(queries.program_timezone(stepdown, program_id))
