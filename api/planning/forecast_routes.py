"""The capacity forecast, what-if and advice: reads that record nothing (any reader may ask)."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from fastapi import APIRouter, Query

from api.dependencies import Reader, ServiceDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.planning.forecast_requests import (
    AddSessionChange,
    AdmissionBody,
    AdmitChange,
    AdmitWaitlistChange,
    AdviceRequest,
    CapacityChange,
    ChangeBody,
    ClosureChange,
    ForecastRequest,
    MoveSessionChange,
    RemoveSessionChange,
    Weeks,
    WhatIfRequest,
)
from api.planning.forecast_schemas import (
    AdviceAnswer,
    ForecastPublic,
    WhatIfPublic,
    advice_public,
    forecast_public,
    what_if_public,
)
from api.routes.params import ProgramId, settle
from api.schemas.common import as_file_model
from events.errors import InvalidRequestError
from events.values import Weekday
from scheduler.hygiene.fields import IsoWeek
from scheduler.planning.forecast import AdmitPlanned, forecast, session_advice, what_if
from scheduler.planning.forecast_input import AdmissionIn, PlannedAdmission, admission_of
from scheduler.planning.forecast_waitlist import waitlist_admissions, with_waitlist
from scheduler.service import Stepdown
from solver.planning import (
    AddClosure,
    AddSession,
    Change,
    ChangeCapacity,
    MoveSession,
    PlanSession,
    RemoveSession,
)

router = APIRouter(
    prefix="/programs/{program_id}/forecast", tags=["planning"], responses=ERROR_RESPONSES
)


@router.get("", response_model=ForecastPublic)
def get_forecast(
    program_id: ProgramId,
    _: Reader,
    stepdown: ServiceDep,
    settings: SettingsDep,
    first_week: Annotated[IsoWeek | None, Query(description="Default: next week")] = None,
    weeks: Annotated[Weeks, Query()] = 12,
    waitlist: Annotated[bool, Query(description="Plan the waiting referrals too")] = False,
) -> ForecastPublic:
    """The next weeks: per week and session, expected patients, seats, fill, shortfall with
    reasons, census and step-downs due; taper steps the plan moves, each with its reason."""
    settle(stepdown, settings)
    admissions = with_waitlist(
        stepdown, program_id, (), waitlist_too=waitlist, first_week=first_week, weeks=weeks
    )
    solution = forecast(
        stepdown, program_id, first_week=first_week, weeks=weeks, admissions=admissions
    )
    return forecast_public(solution)


@router.post("", response_model=ForecastPublic)
def post_forecast(
    program_id: ProgramId,
    body: ForecastRequest,
    _: Reader,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> ForecastPublic:
    """The forecast with planned admissions: when each starts, or waits, and what it costs."""
    settle(stepdown, settings)
    solution = forecast(
        stepdown,
        program_id,
        first_week=body.first_week,
        weeks=body.weeks,
        admissions=_planned(stepdown, program_id, body),
    )
    return forecast_public(solution)


@router.post("/what-if", response_model=WhatIfPublic)
def post_what_if(
    program_id: ProgramId,
    body: WhatIfRequest,
    _: Reader,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> WhatIfPublic:
    """The forecast before and after the changes, side by side; nothing is recorded."""
    settle(stepdown, settings)
    result = what_if(
        stepdown,
        program_id,
        [_change(stepdown, program_id, body, change) for change in body.changes],
        first_week=body.first_week,
        weeks=body.weeks,
        admissions=_planned(stepdown, program_id, body),
    )
    return what_if_public(result.before, result.after)


@router.post("/advice", response_model=AdviceAnswer)
def post_advice(
    program_id: ProgramId,
    body: AdviceRequest,
    _: Reader,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> AdviceAnswer:
    """The sessions to open that most reduce shortfall and waiting, each proven by solving the
    forecast again with it."""
    settle(stepdown, settings)
    result = session_advice(
        stepdown,
        program_id,
        count=body.count,
        first_week=body.first_week,
        weeks=body.weeks,
        admissions=_planned(stepdown, program_id, body),
        days=[Weekday[day] for day in body.days],
    )
    return advice_public(result.forecast, result.advice, result.together)


def _planned(
    stepdown: Stepdown, program_id: str, body: ForecastRequest
) -> tuple[PlannedAdmission, ...]:
    return with_waitlist(
        stepdown,
        program_id,
        admissions_of(body.admissions),
        waitlist_too=body.waitlist,
        first_week=body.first_week,
        weeks=body.weeks,
    )


def _change(
    stepdown: Stepdown, program_id: str, body: ForecastRequest, change: ChangeBody
) -> Change | AdmitPlanned:
    if isinstance(change, AdmitWaitlistChange):
        waiting = waitlist_admissions(
            stepdown, program_id, first_week=body.first_week, weeks=body.weeks, count=change.count
        )
        return AdmitPlanned(waiting)
    return change_of(change)


def admissions_of(bodies: list[AdmissionBody]) -> tuple[PlannedAdmission, ...]:
    return tuple(admission_of(as_file_model(body, AdmissionIn)) for body in bodies)


def change_of(change: ChangeBody) -> Change | AdmitPlanned:
    if isinstance(change, AddSessionChange):
        return AddSession(
            PlanSession(
                change.session_id,
                Weekday[change.weekday].value,
                _minutes(change.start),
                _minutes(change.end),
                change.capacity,
                change.track,
            )
        )
    if isinstance(change, RemoveSessionChange):
        return RemoveSession(change.session_id)
    if isinstance(change, MoveSessionChange):
        return MoveSession(
            change.session_id,
            Weekday[change.weekday].value,
            _minutes(change.start),
            _minutes(change.end),
        )
    if isinstance(change, CapacityChange):
        return ChangeCapacity(change.session_id, change.capacity)
    if isinstance(change, ClosureChange):
        return AddClosure(change.date, change.reason or "closure (what-if)")
    if isinstance(change, AdmitChange):
        return AdmitPlanned(admissions_of(change.admissions))
    raise InvalidRequestError(f"changes: {change.kind} is answered by the route, not here")


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute
