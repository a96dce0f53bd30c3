"""The staff week page: per staff member, the meetings they lead that week (day, time, group,
room, how it is held, with whom), their hours against their weekly maximum, and their absences."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.dependencies import ServiceDep, SettingsDep
from api.routes.params import ProgramId, WeekPath, settle
from api.web.pages import render
from api.web.plain_words import day_text
from api.web.session import PageReader
from events.calendar import iso_week, week_monday
from events.errors import NotFoundError
from scheduler import queries
from scheduler.staff.meetings import MODALITY_WORDS
from scheduler.staff.week import StaffWeek, staff_week

router = APIRouter(prefix="/ui/programs/{program_id}", include_in_schema=False)


@router.get("/staff/{week}")
def staff_week_page(
    request: Request,
    program_id: ProgramId,
    week: WeekPath,
    who: PageReader,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> HTMLResponse:
    settle(stepdown, settings)
    timezone = queries.program_timezone(stepdown, program_id)  # 404 for an unknown program
    try:
        members: list[StaffWeek] | None = staff_week(stepdown, program_id, week)
    except NotFoundError:  # a program with no staff recorded (an @1 file)
        members = None
    monday = week_monday(week)
    today = stepdown.today(timezone)
    names = {} if members is None else {m.staff_id: m.name for m in members}
    return render(
        request,
        "staff_week.html",
        who=who,
        program_id=program_id,
        program_name=stepdown.app.get_program(program_id).name,
        week=week,
        members=members,
        names=names,
        monday=monday,
        today=today,
        this_week=iso_week(today),
        previous_week=iso_week(monday - timedelta(days=7)),
        next_week=iso_week(monday + timedelta(days=7)),
        previous_monday=monday - timedelta(days=7),
        next_monday=monday + timedelta(days=7),
        modality_words=MODALITY_WORDS,
        day_text=day_text,
        hours_text=hours_text,
    )


def hours_text(minutes: int) -> str:
    """ "7 h", "7 h 30 min", "45 min"."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    return f"{hours} h" if hours or not rest else f"{rest} min"
