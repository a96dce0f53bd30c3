"""The roster CSV, a meeting's sign-in sheet and the week per group for someone signed in to the
page: the first two are the same answers as the API's routes, with the page's session instead of
a bearer token."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from api.dependencies import ServiceDep
from api.exports import roster_csv_answer, sign_in_sheet_answer
from api.privacy.access import audit_for
from api.routes.params import DatePath, ProgramId, SessionId, WeekPath
from api.web.pages import render
from api.web.plain_words import day_text
from api.web.printouts.groups import week_per_group
from api.web.session import PageReader
from api.web.week.words import week_heading
from events.calendar import iso_week, week_monday

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


@router.get("/print")
def week_per_group_page(
    request: Request, program_id: ProgramId, week: WeekPath, who: PageReader, stepdown: ServiceDep
) -> HTMLResponse:
    """The week per group, one group to a printed page; recorded as disclosed, like a sheet."""
    view, groups = week_per_group(stepdown, program_id, week)
    listed = sorted({row.patient_id for group in groups for row in group.rows})
    detail = f"{week} v{view.roster_version}"
    audit_for(request, who, "page").disclose(
        program_id, listed, what="week-per-group", detail=detail
    )
    return render(
        request,
        "week_per_group.html",
        who=who,
        program_id=program_id,
        view=view,
        groups=groups,
        heading=week_heading(week_monday(week)),
        this_week=iso_week(view.today),
        day_text=lambda day: day_text(day, view.today),
    )
