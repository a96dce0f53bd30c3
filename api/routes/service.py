"""Operations: health (no token), Prometheus metrics, and polling long jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.conventions.media import PROMETHEUS, only
from api.dependencies import JobsDep, MetricsDep, Reader, require_program
from api.errors import ERROR_RESPONSES
from api.schemas.rosters import JobPublic
from api.service_access import ServiceAccess
from events.errors import StorageFaultError
from events.storage_faults import is_unreachable, storage_fault
from scheduler.health import store_write_fault

router = APIRouter(tags=["service"])


class Health(BaseModel):
    status: str = Field(description="ok | degraded (a read model is stopped) | unavailable")
    database: str = Field(description="ok | unreachable | unwritable")
    problem: str | None = Field(
        default=None, description="Only when unavailable: what is wrong with the store"
    )
    projections: dict[str, str] | None = Field(
        default=None, description="Only when degraded: each stopped read model and why"
    )


def _unavailable(database: str, problem: str) -> JSONResponse:
    body = {"status": "unavailable", "database": database, "problem": problem}
    return JSONResponse(body, status_code=503, headers={"Retry-After": "2"})


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(request: Request) -> Response:
    """Liveness, and whether the database can be reached and written; needs no token. A stopped
    read model answers 200 with status "degraded": writes are still taken, so the process stays
    in service. A store that cannot be reached or written answers 503 saying what is wrong."""
    access: ServiceAccess = request.app.state.service
    try:
        stepdown = access.open().stepdown
    except StorageFaultError as fault:
        return _unavailable(
            "unreachable" if is_unreachable(str(fault)) else "unwritable", str(fault)
        )
    try:
        stepdown.app.recorder.max_notification_id()
        stopped = stepdown.stopped_projections()
    except Exception as error:  # any failure to reach the store is "unavailable", reported
        return _unavailable("unreachable", storage_fault(error) or type(error).__name__)
    write_fault = store_write_fault(stepdown)
    if write_fault is not None:
        return _unavailable("unwritable", write_fault)
    if stopped:
        return JSONResponse(
            {
                "status": "degraded",
                "database": "ok",
                "projections": {name: stop.describe() for name, stop in stopped.items()},
            }
        )
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get(
    "/metrics",
    response_class=Response,
    responses={**only(PROMETHEUS, "Prometheus text format"), **ERROR_RESPONSES},
)
def metrics(_: Reader, registry: MetricsDep) -> Response:
    """Prometheus text format: requests, latencies, solves, make-ups, projection lag."""
    return Response(registry.exposition(), media_type="text/plain; version=0.0.4; charset=utf-8")


@router.get("/jobs/{job_id}", responses=ERROR_RESPONSES)
def job(
    job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")], who: Reader, jobs: JobsDep
) -> JobPublic:
    """A long job's state; when it succeeded, `result` holds the roster version and solver stats."""
    found = jobs.get(job_id)
    require_program(who, found.program_id)
    return JobPublic.model_validate(found, from_attributes=True)
