"""Weekly rosters: generate (inline or as a job), show, versions, publish, pins, CSV, sign-in."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import HTMLResponse, JSONResponse

from api.conventions.media import CSV, HTML, only
from api.conventions.pagination import PAGED, Cursor, Limit, page, page_in_order
from api.conventions.preconditions import (
    PRECONDITION_FAILED,
    IfMatch,
    etag,
    expected_versions,
)
from api.dependencies import Coordinator, JobsDep, MetricsDep, Reader, ServiceDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.exports import disclose_roster, roster_csv_answer, sign_in_sheet_answer
from api.metrics import Metrics
from api.privacy.access import AuditDep
from api.routes.params import DatePath, PatientId, ProgramId, SessionId, WeekPath, settle
from api.schemas.programs import Changed
from api.schemas.rosters import (
    GenerateRequest,
    JobPublic,
    PinPublic,
    PinRequest,
    Published,
    RosterPublic,
    RosterVersionPublic,
)
from api.settings import Settings
from events.calendar import week_monday
from scheduler import queries, rosters
from scheduler.jobs.tasks import ROSTER, roster_params
from scheduler.roster_pins import roster_pins
from scheduler.roster_queries import (
    roster_document,
    roster_versions,
)
from scheduler.service import Stepdown
from solver import RosterSolution

router = APIRouter(
    prefix="/programs/{program_id}/rosters/{week}", tags=["rosters"], responses=ERROR_RESPONSES
)


@router.post(
    "/generate",
    status_code=status.HTTP_201_CREATED,
    response_model=RosterPublic,
    responses={
        201: {"description": "The new draft version (`Location`: the roster, `ETag`: its version)"},
        202: {"model": JobPublic, "description": "A large program: poll the job"},
        **PRECONDITION_FAILED,
    },
)
def generate(
    program_id: ProgramId,
    week: WeekPath,
    request: GenerateRequest,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
    metrics: MetricsDep,
    jobs: JobsDep,
    response: Response,
    if_match: IfMatch = None,
) -> Any:
    """Solve the week's roster as a new draft version (pins kept, changes kept small)."""
    week_monday(week)
    caseload = len(queries.census(stepdown, program_id))
    time_limit = request.time_limit_s or settings.roster_time_limit_s
    expected = expected_versions(if_match)
    if caseload <= settings.inline_roster_patients:
        solve_roster(
            stepdown,
            settings,
            metrics,
            program_id,
            week,
            who.subject,
            time_limit,
            expected_version=expected,
        )
        document = roster_document(stepdown, program_id, week)
        response.headers["Location"] = f"/programs/{program_id}/rosters/{week}"
        response.headers["ETag"] = etag(document["version"])
        return RosterPublic(**document)
    job = jobs.submit(ROSTER, program_id, week, who.subject, roster_params(time_limit, expected))
    return JSONResponse(
        JobPublic.model_validate(job, from_attributes=True).model_dump(mode="json"),
        status_code=status.HTTP_202_ACCEPTED,
        headers={"Location": f"/jobs/{job.job_id}"},
    )


@router.get("")
def show(
    program_id: ProgramId,
    week: WeekPath,
    _: Reader,
    audit: AuditDep,
    stepdown: ServiceDep,
    response: Response,
    version: Annotated[
        Literal["latest", "published", "draft"],
        Query(description="latest (default), the published version, or the draft waiting"),
    ] = "latest",
) -> RosterPublic:
    """The week's roster (the Roster contract): latest version, published, or waiting draft.
    `ETag` is the version shown: send it back as `If-Match` to publish exactly that one."""
    document = roster_document(stepdown, program_id, week, version=version)
    disclose_roster(audit, document, "roster-document")
    response.headers["ETag"] = etag(document["version"])
    return RosterPublic(**document)


@router.get("/versions", responses=PAGED)
def versions(
    program_id: ProgramId,
    week: WeekPath,
    _: Reader,
    stepdown: ServiceDep,
    request: Request,
    response: Response,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[RosterVersionPublic]:
    """Every version of the week's roster, oldest first: generated or amended, by whom, when,
    published."""
    shown = page_in_order(
        roster_versions(stepdown, program_id, week),
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [RosterVersionPublic(**v) for v in shown]


@router.post("/publish", responses=PRECONDITION_FAILED)
def publish(
    program_id: ProgramId,
    week: WeekPath,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
    if_match: IfMatch = None,
) -> Published:
    """Publish the latest version of the week's roster (with `If-Match`: only if it is still
    the version reviewed)."""
    version = rosters.publish_roster(
        stepdown, program_id, week, actor=who.subject, expected_version=expected_versions(if_match)
    )
    settle(stepdown, settings, answer_from=("roster",))
    return Published(version=version)


@router.post("/pins", responses=PRECONDITION_FAILED)
def pin(
    program_id: ProgramId,
    week: WeekPath,
    seat: PinRequest,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
    if_match: IfMatch = None,
) -> Changed:
    """Pin a patient to a session meeting: every regeneration of the week keeps it. A pin that
    breaks a hard rule (enrolment, closure, cancellation, commitments, one a day, capacity) is
    refused with the reason."""
    expected = expected_versions(if_match)
    _pin(stepdown, settings, program_id, week, seat, who.subject, unpin=False, expected=expected)
    return Changed(changed=True)


@router.get("/pins", responses=PAGED)
def pins(
    program_id: ProgramId,
    week: WeekPath,
    _: Reader,
    stepdown: ServiceDep,
    request: Request,
    response: Response,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[PinPublic]:
    """The week's pins by date, patient and session: who pinned and when."""
    shown = page(
        roster_pins(stepdown, program_id, week),
        lambda pin: f"{pin['date']} {pin['patient_id']} {pin['session_id']}",
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [PinPublic(**pin) for pin in shown]


@router.delete("/pins/{patient_id}/{session_id}/{date}", responses=PRECONDITION_FAILED)
def unpin(
    program_id: ProgramId,
    week: WeekPath,
    patient_id: PatientId,
    session_id: SessionId,
    date: DatePath,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
    if_match: IfMatch = None,
) -> Changed:
    """Remove a pin (404 if the week has no such pin); the next regeneration may move the patient."""
    seat = PinRequest(patient_id=patient_id, session_id=session_id, date=date)
    expected = expected_versions(if_match)
    _pin(stepdown, settings, program_id, week, seat, who.subject, unpin=True, expected=expected)
    return Changed(changed=True)


@router.get(
    "/roster.csv",
    response_class=Response,
    responses=only(CSV, "One row per seat"),
)
def roster_csv(
    program_id: ProgramId, week: WeekPath, _: Reader, audit: AuditDep, stepdown: ServiceDep
) -> Response:
    """The roster as CSV: one row per seat (date, times, session, track, patient)."""
    return roster_csv_answer(stepdown, audit, program_id, week)


@router.get(
    "/sessions/{session_id}/{date}/sign-in",
    response_class=Response,
    responses=only(HTML, "A printable page"),
)
def sign_in(
    request: Request,
    program_id: ProgramId,
    week: WeekPath,
    session_id: SessionId,
    date: DatePath,
    _: Reader,
    audit: AuditDep,
    stepdown: ServiceDep,
) -> HTMLResponse:
    """A printable sign-in sheet for one session meeting (HTML)."""
    return sign_in_sheet_answer(request, stepdown, audit, program_id, week, session_id, date)


def solve_roster(
    stepdown: Stepdown,
    settings: Settings,
    metrics: Metrics,
    program_id: str,
    week: str,
    actor: str,
    time_limit_s: float,
    *,
    answer_from: tuple[str, ...] = ("roster",),
    expected_version: frozenset[int] | None = None,
) -> RosterSolution:
    """Solve with the server's solver settings (in a worker thread, never the event loop), count
    it in the metrics, and let the read models the answer comes from catch up."""
    with metrics.solve_seconds.time():
        solution = rosters.generate_roster(
            stepdown,
            program_id,
            week,
            actor=actor,
            time_limit_s=time_limit_s,
            workers=settings.solver_workers,
            deterministic=settings.solver_deterministic,
            expected_version=expected_version,
        )
    metrics.solves.labels(solution.stats.status).inc()
    settle(stepdown, settings, answer_from=answer_from)
    return solution


def _pin(
    stepdown: Stepdown,
    settings: Settings,
    program_id: str,
    week: str,
    seat: PinRequest,
    actor: str,
    *,
    unpin: bool,
    expected: frozenset[int] | None,
) -> None:
    rosters.pin_assignment(
        stepdown,
        program_id,
        week,
        patient_id=seat.patient_id,
        session_id=seat.session_id,
        session_date=seat.date,
        actor=actor,
        unpin=unpin,
        expected_version=expected,
    )
    settle(stepdown, settings, answer_from=("roster",))
