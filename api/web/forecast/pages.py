"""The forecast page: the next 12 weeks of seats (committed, capacity, free), the waitlist's
planned admissions and the weeks short with why; the what-if and advice forms below it. The
forecast records nothing, so any signed-in reader of the program may use it."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.auth import Principal
from api.dependencies import ServiceDep, SettingsDep
from api.routes.params import ProgramId, settle
from api.web.forecast.view import forecast_view
from api.web.forecast.what_if_form import FIELDS, MAX_REFERRALS
from api.web.forecast.words import (
    counted,
    group_text,
    moves_text,
    status_text,
    week_label,
)
from api.web.pages import render
from api.web.session import PageReader
from events.calendar import iso_week
from events.values import Weekday
from scheduler import queries
from scheduler.planning.forecast import forecast
from scheduler.planning.forecast_waitlist import with_waitlist
from scheduler.service import Stepdown
from solver.planning import ForecastSolution

router = APIRouter(prefix="/ui/programs/{program_id}", include_in_schema=False)

WEEKDAYS = tuple(Weekday.__members__)
# Sizes the "open a group" form offers by default: a typical group (DESIGN: 10–12 a session).
DEFAULT_SEATS = "12"


@router.get("/forecast")
def forecast_page(
    request: Request,
    program_id: ProgramId,
    who: PageReader,
    stepdown: ServiceDep,
    settings: SettingsDep,
    waitlist: Annotated[bool, Query(description="Plan the waiting referrals too")] = True,
) -> HTMLResponse:
    settle(stepdown, settings)
    solution = base_forecast(stepdown, program_id, waitlist=waitlist)
    return forecast_answer(request, stepdown, program_id, who, solution, waitlist=waitlist)


def base_forecast(stepdown: Stepdown, program_id: str, *, waitlist: bool) -> ForecastSolution:
    """The next 12 weeks as the program stands, with the waiting referrals planned if asked."""
    admissions = with_waitlist(stepdown, program_id, (), waitlist_too=waitlist)
    return forecast(stepdown, program_id, admissions=admissions)


def forecast_answer(
    request: Request,
    stepdown: Stepdown,
    program_id: str,
    who: Principal,
    solution: ForecastSolution,
    *,
    waitlist: bool,
    **extra: Any,
) -> HTMLResponse:
    """The page around a solved forecast; `extra` is what a form adds (its result, or its
    refusal with what was typed)."""
    today = stepdown.today(queries.program_timezone(stepdown, program_id))
    sessions = queries.program_sessions(stepdown, program_id)
    view = forecast_view(solution, today, (s["id"] for s in sessions))
    mondays = [week.monday for week in solution.weeks]
    extra.setdefault("values", {})
    extra.setdefault("refused", None)
    return render(
        request,
        "forecast.html",
        who=who,
        program_id=program_id,
        program_name=stepdown.app.get_program(program_id).name,
        this_week=iso_week(today),
        today=today,
        view=view,
        solution=solution,
        status=status_text(solution.status),
        moves=moves_text(
            sum(1 for m in solution.moves if m.kind == "earlier"),
            sum(1 for m in solution.moves if m.kind == "later"),
        ),
        waitlist=waitlist,
        first_label=week_label(mondays[0], today),
        last_label=week_label(mondays[-1], today),
        week_choices=[(iso_week(m), week_label(m, today)) for m in mondays],
        first_day=mondays[0].isoformat(),
        last_day=(mondays[-1] + timedelta(days=6)).isoformat(),
        tracks=sorted({s["track"] for s in sessions}),
        weekdays=WEEKDAYS,
        default_seats=DEFAULT_SEATS,
        labels=FIELDS,
        max_referrals=MAX_REFERRALS,
        policy=_policy(stepdown, program_id),
        counted=counted,
        group_text=group_text,
        **extra,
    )


def _policy(stepdown: Stepdown, program_id: str) -> dict[str, int]:
    """The bounds the "add referrals" form offers (the program's taper policy)."""
    policy = stepdown.app.get_program(program_id).policy
    return {
        "min_weeks": policy.min_program_weeks,
        "max_weeks": policy.max_program_weeks,
        "min_days": policy.min_days_per_week,
        "max_days": policy.max_days_per_week,
    }
