"""What routes receive: the service, the caller (from the bearer token) and their role checked."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from api.auth import Principal, Role, TokenStore
from api.jobs import Jobs
from api.metrics import Metrics
from api.ops.request_context import note_subject
from api.settings import Settings
from scheduler.service import Stepdown

_bearer = HTTPBearer(auto_error=False, description="A token from `stepdown token create`.")


# The small dependencies are `async`: FastAPI runs a plain `def` dependency in a worker thread,
# and a thread hop per dependency costs more than the work itself.


async def get_stepdown(request: Request) -> Stepdown:
    stepdown: Stepdown = request.app.state.stepdown
    return stepdown


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_jobs(request: Request) -> Jobs:
    jobs: Jobs = request.app.state.jobs
    return jobs


async def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    tokens: TokenStore = request.app.state.tokens
    principal = None
    if credentials is not None:
        checked, principal = tokens.recently_checked(credentials.credentials)
        if not checked:  # look it up in the database, off the event loop
            principal = await run_in_threadpool(tokens.authenticate, credentials.credentials)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a valid bearer token is required",
            headers={"WWW-Authenticate": "Bearer"},
        )
    note_subject(principal.subject)
    return principal


def require(role: Role) -> Callable[[Request, Principal], Awaitable[Principal]]:
    async def check(
        request: Request, principal: Annotated[Principal, Depends(get_principal)]
    ) -> Principal:
        if not principal.role.allows(role):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"role {principal.role.value} may not do this; it needs {role.value}",
            )
        # Every route under /programs/{program_id} acts on that program only.
        program_id = request.path_params.get("program_id")
        if program_id is not None:
            require_program(principal, program_id)
        return principal

    return check


def require_program(principal: Principal, program_id: str) -> None:
    """403 unless the caller's token names this program or is organisation-wide."""
    if not principal.scope.allows(program_id):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"program: this token may not act on program {program_id!r} "
            f"(it is limited to {principal.scope.describe()})",
        )


ServiceDep = Annotated[Stepdown, Depends(get_stepdown)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
JobsDep = Annotated[Jobs, Depends(get_jobs)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
Reader = Annotated[Principal, Depends(require(Role.VIEWER))]
Clinician = Annotated[Principal, Depends(require(Role.CLINICIAN))]
Coordinator = Annotated[Principal, Depends(require(Role.COORDINATOR))]
