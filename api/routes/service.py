"""Operations: health (no token), Prometheus metrics, and polling long jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.dependencies import JobsDep, MetricsDep, Reader, ServiceDep
from api.errors import ERROR_RESPONSES
from api.schemas.rosters import JobPublic

router = APIRouter(tags=["service"])


class Health(BaseModel):
    status: str
    database: str


@router.get("/health", responses={503: {"model": Health}})
def health(stepdown: ServiceDep) -> Response:
    """Liveness and database reachability; needs no token."""
    try:
        stepdown.app.recorder.max_notification_id()
    except Exception:  # any failure to reach the store is "unavailable", reported, not raised
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
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
    job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")], _: Reader, jobs: JobsDep
) -> JobPublic:
    """A long job's state; when it succeeded, `result` holds the roster version and solver stats."""
    return JobPublic(**vars(jobs.get(job_id)))
