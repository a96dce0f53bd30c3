"""Operations: health (no token), Prometheus metrics, and polling long jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.dependencies import JobsDep, MetricsDep, Reader, ServiceDep, require_program
from api.errors import ERROR_RESPONSES
from api.schemas.rosters import JobPublic

router = APIRouter(tags=["service"])


class Health(BaseModel):
    status: str = Field(description="ok | degraded (a read model is stopped) | unavailable")
    database: str
    projections: dict[str, str] | None = Field(
        default=None, description="Only when degraded: each stopped read model and why"
    )


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(stepdown: ServiceDep) -> Response:
    """Liveness and database reachability; needs no token. A stopped read model answers 200
    with status "degraded": writes are still taken, so the process stays in service."""
    try:
        stepdown.app.recorder.max_notification_id()
        stopped = stepdown.stopped_projections()
    except Exception:  # any failure to reach the store is "unavailable", reported, not raised
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
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
    responses={200: {"content": {"text/plain": {}}}, **ERROR_RESPONSES},
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
    return JobPublic(**vars(found))
