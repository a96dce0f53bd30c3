"""The worklist: what needs doing in a week, each item linked to the page where it is fixed."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.auth import Role
from api.dependencies import ServiceDep
from api.privacy.access import audit_for
from api.routes.params import ProgramId
from api.web.pages import render
from api.web.plain_words import day_text, reason_text
from api.web.session import PageReader
from api.web.worklist.words import FLAG_WORDS, NOTE_HINTS
from events.calendar import iso_week, week_monday
from scheduler import queries
from scheduler.hygiene.fields import IsoWeek
from scheduler.worklist.week_worklist import week_worklist

router = APIRouter(prefix="/ui/programs/{program_id}", include_in_schema=False)


@router.get("/worklist")
def worklist_page(
    request: Request,
    program_id: ProgramId,
    who: PageReader,
    stepdown: ServiceDep,
    week: Annotated[IsoWeek | None, Query()] = None,
) -> HTMLResponse:
    """This week's worklist (or another week's)."""
    this_week = iso_week(stepdown.today(queries.program_timezone(stepdown, program_id)))
    shown = week or this_week
    worklist = week_worklist(stepdown, program_id, shown)
    # The worklist names patients: reading it is recorded as a disclosure.
    audit_for(request, who, "page").disclose(
        program_id, worklist.patient_ids, what="worklist", detail=shown
    )
    monday = week_monday(shown)
    session_ids = [s["id"] for s in queries.program_sessions(stepdown, program_id)]
    return render(
        request,
        "worklist.html",
        who=who,
        program_id=program_id,
        program_name=stepdown.app.get_program(program_id).name,
        this_week=this_week,
        week=shown,
        monday=monday,
        previous_week=iso_week(monday - timedelta(days=7)),
        next_week=iso_week(monday + timedelta(days=7)),
        worklist=worklist,
        flag_words=FLAG_WORDS,
        note_hints=NOTE_HINTS,
        can_acknowledge=who.role.allows(Role.CLINICIAN),
        day_text=day_text,
        plain=lambda reason: reason_text(reason, session_ids),
    )
