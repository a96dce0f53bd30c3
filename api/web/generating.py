"""The week page while its roster is generated: the generate form submits a job (api.web.actions),
and the page's status panel asks this route how far the job got, once a second, until it ends.
Then it goes to the week with a notice of what the job did (the "Check again" link of the page
without script shows the same notice, see api.web.pages)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request

from api.dependencies import JobsDep, ServiceDep, SettingsDep
from api.jobs import Jobs
from api.routes.params import ProgramId, WeekPath, settle
from api.web.actions import ROSTER_PLACE, WEEK_VIEWS
from api.web.notices import Notice, NoticesDep, back
from api.web.session import PageReader
from api.web.week.filters import kept_query
from api.web.week.generating import generating_panel, outcome_notice
from api.web.week.layout import meeting_labels
from events.calendar import week_monday
from events.errors import NotFoundError
from scheduler.jobs.records import Job
from scheduler.jobs.tasks import ROSTER
from scheduler.roster_queries import patient_names
from scheduler.service import Stepdown
from scheduler.week_view import week_view

JOB_ID = r"^[0-9a-f]{32}$"

router = APIRouter(prefix="/ui/programs/{program_id}/weeks/{week}", include_in_schema=False)


@router.get("/jobs/{job_id}")
def job_progress(
    request: Request,
    program_id: ProgramId,
    week: WeekPath,
    job_id: Annotated[str, Path(pattern=JOB_ID)],
    who: PageReader,
    jobs: JobsDep,
    notices: NoticesDep,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """How far the week's roster job got, in words; once it ended, `next`: the week with its
    notice (the page's filters kept)."""
    job = jobs.get(job_id)
    if not is_week_roster_job(job, program_id, week):
        raise NotFoundError(f"job: {job_id!r} is not a roster job of {program_id} {week}")
    # Job times are wall-clock times (scheduler.jobs.records), never the service clock.
    panel = generating_panel(job, datetime.now(UTC), settings.roster_time_limit_s)
    answer: dict[str, Any] = {
        "status": job.status,
        "finished": job.finished,
        "words": panel.words,
        "elapsed_s": round(panel.elapsed_s, 1),
        "time_limit_s": panel.time_limit_s,
        "next": None,
    }
    if job.finished:
        settle(stepdown, settings, answer_from=WEEK_VIEWS)
        notice = finished_notice(stepdown, job)
        filters = kept_query(request.query_params, week_monday(week))
        back_to_week = back(
            notices, who, program_id, week, notice, query=filters, anchor=ROSTER_PLACE
        )
        answer["next"] = back_to_week.headers["location"]
    return answer


def is_week_roster_job(job: Job, program_id: str, week: str) -> bool:
    return (job.kind, job.program_id, job.week) == (ROSTER, program_id, week)


def shown_job(jobs: Jobs, program_id: str, week: str, job_id: str | None) -> Job | None:
    """The job the page asks about (`job` in its URL), if it is this week's roster job; else the
    week's roster job still queued or running, if any."""
    if job_id is not None and len(job_id) == 32 and job_id.isalnum():
        try:
            asked = jobs.get(job_id)
        except NotFoundError:
            asked = None
        if asked is not None and is_week_roster_job(asked, program_id, week):
            return asked
    return jobs.table.unfinished(ROSTER, program_id, week)


def finished_notice(stepdown: Stepdown, job: Job) -> Notice:
    """The finished job's notice, its dropped pins named by patient and meeting."""
    if not job.result or not job.result.get("dropped_pins"):
        return outcome_notice(job, {}, lambda session_id, day: f"{session_id} {day}")
    labels = meeting_labels(week_view(stepdown, job.program_id, job.week))
    return outcome_notice(
        job,
        patient_names(stepdown, job.program_id),
        lambda session_id, day: labels.get((session_id, day), f"{session_id} {day}"),
    )
