"""Domain errors to HTTP, in one place: 400 a body that is not JSON, 404 unknown, 409 conflict,
412 a stale If-Match, 422 invalid, 503 database (unreachable, read-only or full: the answer says
which)."""

from __future__ import annotations

import logging
import math

from eventsourcing.persistence import PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from api.web.refusals import page_form_refused
from events.errors import (
    ConflictError,
    ConsentRequiredError,
    InvalidRequestError,
    NotFoundError,
    StaleVersionError,
    StepdownError,
    StorageFaultError,
)
from events.storage_faults import storage_fault
from scheduler.importing import ImportFileError

log = logging.getLogger("stepdown.api")


class Problem(BaseModel):
    """A 400, 401, 403, 404, 409, 412, 413 or 503 answer."""

    detail: str


class FieldProblem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(BaseModel):
    """A 422 answer: one entry per field that was wrong (`loc` is its path)."""

    detail: list[FieldProblem]


ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"model": Problem, "description": "The body is not well-formed JSON"},
    401: {"model": Problem, "description": "No valid bearer token"},
    403: {
        "model": Problem,
        "description": "The token's role or programs do not allow this, or no consent permits "
        "the disclosure",
    },
    404: {"model": Problem, "description": "Unknown program, patient, session or roster"},
    409: {"model": Problem, "description": "Conflicts with what is recorded"},
    413: {"model": Problem, "description": "The body is larger than STEPDOWN_MAX_BODY_BYTES"},
    422: {"model": ValidationProblem, "description": "Invalid input; `loc` names the field"},
    503: {"model": Problem, "description": "The database is unavailable"},
}


def field_problems(error: InvalidRequestError) -> list[dict[str, object]]:
    """Domain messages open with the field they are about: "date: 2026-12-25 is a holiday"."""
    messages = error.problems if isinstance(error, ImportFileError) else [str(error)]
    problems: list[dict[str, object]] = []
    for message in messages:
        field, _, _ = message.partition(": ")
        loc = field if field and " " not in field else "body"
        problems.append(
            {
                "loc": ["body", _encodable(loc)],
                "msg": _encodable(message),
                "type": "invalid_request",
            }
        )
    return problems


def _encodable(text: str) -> str:
    """Text a JSON answer can carry: a lone surrogate in the input is answered escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _shown(value: object) -> object:
    """The offending input, as JSON can carry it (NaN and Infinity cannot), kept short."""
    if value is None or isinstance(value, bool | int | str):
        return value if not isinstance(value, str) else _encodable(value[:200])
    if isinstance(value, float) and math.isfinite(value):
        return value
    return repr(value)[:200]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, error: RequestValidationError) -> Response:
        problems = [
            {
                "loc": [
                    part if isinstance(part, int) else _encodable(str(part))
                    for part in problem["loc"]
                ],
                "msg": _encodable(str(problem["msg"])),
                "type": str(problem["type"]),
                "input": _shown(problem.get("input")),
            }
            for problem in error.errors()
        ]
        refused_on_page = await page_form_refused(request, problems)
        if refused_on_page is not None:
            return refused_on_page
        not_json = next((p for p in problems if p["type"] == "json_invalid"), None)
        if not_json is not None:
            detail = f"the body is not well-formed JSON: {not_json['msg']}"
            return JSONResponse({"detail": detail}, status_code=400)
        return JSONResponse({"detail": problems}, status_code=422)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, error: NotFoundError) -> JSONResponse:
        return JSONResponse({"detail": _encodable(str(error))}, status_code=404)

    @app.exception_handler(ConsentRequiredError)
    async def no_consent(request: Request, error: ConsentRequiredError) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=403)

    @app.exception_handler(StaleVersionError)
    async def stale(request: Request, error: StaleVersionError) -> JSONResponse:
        return JSONResponse({"detail": _encodable(str(error))}, status_code=412)

    @app.exception_handler(ConflictError)
    async def conflict(request: Request, error: ConflictError) -> JSONResponse:
        return JSONResponse({"detail": _encodable(str(error))}, status_code=409)

    @app.exception_handler(InvalidRequestError)
    async def invalid(request: Request, error: InvalidRequestError) -> JSONResponse:
        return JSONResponse({"detail": field_problems(error)}, status_code=422)

    @app.exception_handler(StorageFaultError)
    async def storage(request: Request, error: StorageFaultError) -> JSONResponse:
        log.error("storage fault on %s %s: %s", request.method, request.url.path, error)
        return JSONResponse({"detail": str(error)}, status_code=503, headers={"Retry-After": "2"})

    @app.exception_handler(StepdownError)
    async def other(request: Request, error: StepdownError) -> JSONResponse:
        return JSONResponse({"detail": _encodable(str(error))}, status_code=409)

    @app.exception_handler(PersistenceError)
    async def database(request: Request, error: PersistenceError) -> JSONResponse:
        fault = storage_fault(error)
        log.error(
            "database error on %s %s: %s", request.method, request.url.path, fault or type(error)
        )
        detail = (
            "database unavailable, try again" if fault is None else f"database unavailable: {fault}"
        )
        return JSONResponse({"detail": detail}, status_code=503, headers={"Retry-After": "2"})
