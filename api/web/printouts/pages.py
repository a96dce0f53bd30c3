"""The roster CSV and a meeting's sign-in sheet for someone signed in to the page: the same
answers as the API's routes, with the page's session instead of a bearer token."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from api.dependencies import ServiceDep
from api.exports import roster_csv_answer, sign_in_sheet_answer
from api.privacy.access import audit_for
from api.routes.params import DatePath, ProgramId, SessionId, WeekPath
from api.web.session import PageReader

router = APIRouter(prefix="/ui/programs/{program_id}/weeks/{week}", include_in_schema=False)


@router.get("/roster.csv")
def roster_csv(
    request: Request, program_id: ProgramId, week: WeekPath, who: PageReader, stepdown: ServiceDep
) -> Response:
    """The week's roster as CSV: one row per seat."""
    audit = audit_for(request, who, "page")
    return roster_csv_answer(stepdown, audit, program_id, week)


@router.get("/sessions/{session_id}/{date}/sign-in")
def sign_in_sheet(
    request: Request,
    program_id: ProgramId,
    week: WeekPath,
    session_id: SessionId,
    date: DatePath,
    who: PageReader,
    stepdown: ServiceDep,
) -> HTMLResponse:
    """A meeting's printable sign-in sheet."""
    audit = audit_for(request, who, "page")
    return sign_in_sheet_answer(request, stepdown, audit, program_id, week, session_id, date)
