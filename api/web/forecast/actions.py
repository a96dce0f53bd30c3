"""The forecast page's forms: try a change (what-if) and ask which group to open (advice).
Both only read: the page comes back with the answer beside the forecast and nothing is recorded.
The solves take seconds, so they run in a worker thread, never in the event loop."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.auth import Principal
from api.dependencies import ServiceDep, SettingsDep
from api.guards.csrf import CsrfChecked
from api.routes.params import ProgramId, settle
from api.settings import Settings
from api.web.forecast.pages import base_forecast, forecast_answer
from api.web.forecast.view import advised_groups, compared_weeks
from api.web.forecast.what_if_form import (
    FieldRefusedError,
    Kind,
    form_kind,
    form_values,
    refusal_of,
    tried_change,
)
from api.web.forecast.words import counted, what_if_summary
from api.web.session import PageReader
from events.errors import StepdownError
from scheduler import queries
from scheduler.planning.forecast import session_advice, what_if
from scheduler.planning.forecast_waitlist import with_waitlist
from scheduler.service import Stepdown

router = APIRouter(
    prefix="/ui/programs/{program_id}/forecast",
    include_in_schema=False,
    dependencies=[CsrfChecked],
)

# Groups the advice proposes at most: a director opens one or two at a time.
MOST_ADVISED = 5


@router.post("/what-if")
async def try_change(
    request: Request,
    program_id: ProgramId,
    who: PageReader,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> HTMLResponse:
    form = await request.form()
    return await run_in_threadpool(_what_if, request, stepdown, settings, program_id, who, form)


def _what_if(
    request: Request,
    stepdown: Stepdown,
    settings: Settings,
    program_id: str,
    who: Principal,
    form: FormData,
) -> HTMLResponse:
    settle(stepdown, settings)
    waitlist = form.get("waitlist") == "on"
    today = stepdown.today(queries.program_timezone(stepdown, program_id))
    kind: Kind = "open_group"
    values: dict[str, str] = {}
    try:
        kind = form_kind(form)
        values = form_values(form, kind)
        tried = tried_change(kind, values, today)
        admissions = with_waitlist(stepdown, program_id, (), waitlist_too=waitlist)
        try:
            result = what_if(stepdown, program_id, [tried.change], admissions=admissions)
        except StepdownError as error:
            raise refusal_of(kind, str(error)) from None
    except FieldRefusedError as refusal:
        answer = forecast_answer(
            request,
            stepdown,
            program_id,
            who,
            base_forecast(stepdown, program_id, waitlist=waitlist),
            waitlist=waitlist,
            notice=f"Not tried: {refusal}",
            notice_kind="error",
            refused=(kind, refusal.field, str(refusal)),
            values={kind: values},
        )
        answer.status_code = 422
        return answer
    before, after = result.before, result.after
    summary = what_if_summary(
        before.shortfall_days, after.shortfall_days, before.waiting_weeks, after.waiting_weeks
    )
    return forecast_answer(
        request,
        stepdown,
        program_id,
        who,
        before,
        waitlist=waitlist,
        notice=f"What if: {tried.description}. {summary} Nothing was recorded.",
        tried=tried,
        summary=summary,
        compared=compared_weeks(before, after, today),
        values={kind: values},
    )


@router.post("/advice")
async def advise(
    request: Request,
    program_id: ProgramId,
    who: PageReader,
    stepdown: ServiceDep,
    settings: SettingsDep,
    count: Annotated[int, Form(ge=1, le=MOST_ADVISED)] = 3,
    waitlist: Annotated[str, Form(max_length=3)] = "",
) -> HTMLResponse:
    return await run_in_threadpool(
        _advise, request, stepdown, settings, program_id, who, count, waitlist == "on"
    )


def _advise(
    request: Request,
    stepdown: Stepdown,
    settings: Settings,
    program_id: str,
    who: Principal,
    count: int,
    waitlist: bool,
) -> HTMLResponse:
    settle(stepdown, settings)
    admissions = with_waitlist(stepdown, program_id, (), waitlist_too=waitlist)
    result = session_advice(stepdown, program_id, count=count, admissions=admissions)
    groups = advised_groups(result.advice)
    found = counted(len(groups), "group") if groups else "No group"
    return forecast_answer(
        request,
        stepdown,
        program_id,
        who,
        result.forecast,
        waitlist=waitlist,
        notice=f"Advice: {found} worth opening. Nothing was recorded.",
        advised=groups,
        together=result.together,
    )
