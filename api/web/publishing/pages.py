"""Before publishing: the seats each patient gains or loses against the published version, and
the button that publishes exactly the version shown (a newer draft is not published unseen)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.dependencies import ServiceDep
from api.privacy.access import audit_for
from api.routes.params import ProgramId, WeekPath
from api.web.pages import render
from api.web.plain_words import day_text
from api.web.session import PageReader
from events.calendar import iso_week, week_monday
from scheduler import queries
from scheduler.worklist.roster_changes import draft_changes

router = APIRouter(prefix="/ui/programs/{program_id}/weeks/{week}", include_in_schema=False)


@router.get("/publish")
def publish_check(
    request: Request, program_id: ProgramId, week: WeekPath, who: PageReader, stepdown: ServiceDep
) -> HTMLResponse:
    """What publishing the waiting draft would change, with the button to publish it."""
    changes = draft_changes(stepdown, program_id, week)
    if changes is not None:
        # The list names patients: reading it is recorded as a disclosure.
        audit_for(request, who, "page").disclose(
            program_id,
            [p.patient_id for p in changes.patients],
            what="roster-changes",
            detail=f"{week} v{changes.draft_version}",
        )
    today = stepdown.today(queries.program_timezone(stepdown, program_id))
    return render(
        request,
        "publish_check.html",
        who=who,
        program_id=program_id,
        program_name=stepdown.app.get_program(program_id).name,
        this_week=iso_week(today),
        today=today,
        week=week,
        monday=week_monday(week),
        changes=changes,
        day_text=day_text,
    )
