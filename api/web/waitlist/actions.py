"""The waitlist's forms: refer (a refused one comes back filled in as it was typed, with the
reason, and records nothing), and admit or withdraw on a referral's page (post, then back to
the referral with a notice, as the week's forms do)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from api.auth import Principal, Role
from api.dependencies import ServiceDep, SettingsDep
from api.guards.csrf import CsrfChecked
from api.planning.routes import ReferralId
from api.routes.params import ProgramId, settle
from api.settings import Settings
from api.web.notices import NoticesDep, NoticeStore, back_to
from api.web.plain_words import day_text
from api.web.session import PageReader
from api.web.waitlist.pages import waitlist_answer
from api.web.waitlist.referral_form import form_values, referral_document
from events.errors import InvalidRequestError, StepdownError
from scheduler.hygiene.fields import IsoDate, Note
from scheduler.hygiene.text import shown
from scheduler.planning import referrals
from scheduler.planning.referral_file import parse_referral
from scheduler.service import Stepdown

router = APIRouter(
    prefix="/ui/programs/{program_id}", include_in_schema=False, dependencies=[CsrfChecked]
)

START_DATE: TypeAdapter[date] = TypeAdapter(IsoDate)
NOT_ALLOWED = "Your role ({role}) may not do this."


@router.post("/waitlist")
async def refer(
    request: Request,
    program_id: ProgramId,
    who: PageReader,
    stepdown: ServiceDep,
    settings: SettingsDep,
    notices: NoticesDep,
) -> Response:
    form = await request.form()
    document = referral_document(form)
    return await run_in_threadpool(
        _refer, request, stepdown, settings, notices, program_id, who, document, form_values(form)
    )


def _refer(
    request: Request,
    stepdown: Stepdown,
    settings: Settings,
    notices: NoticeStore,
    program_id: str,
    who: Principal,
    document: dict[str, object],
    values: dict[str, object],
) -> Response:
    if not who.role.allows(Role.COORDINATOR):
        return _refused(request, stepdown, settings, program_id, who, values, 403, NOT_ALLOWED)
    try:
        referral = parse_referral(document)
        referrals.refer(stepdown, program_id, referral, actor=who.subject)
    except StepdownError as error:
        return _refused(request, stepdown, settings, program_id, who, values, 422, str(error))
    settle(stepdown, settings, answer_from=("waitlist",))
    text = f"{referral.name} referred ({referral.id}); see below when they can start."
    return back_to(notices, who, _referral_path(program_id, referral.id), text)


def _refused(
    request: Request,
    stepdown: Stepdown,
    settings: Settings,
    program_id: str,
    who: Principal,
    values: dict[str, object],
    status_code: int,
    reason: str,
) -> HTMLResponse:
    """The waitlist again, the form as it was typed, and why nothing was recorded."""
    text = reason.format(role=who.role.value) if status_code == 403 else f"Not done: {reason}"
    answer = waitlist_answer(
        request,
        stepdown,
        settings,
        program_id,
        who,
        notice=text,
        notice_kind="error",
        values=values,
    )
    answer.status_code = status_code
    return answer


@router.post("/referrals/{referral_id}/admit")
def admit(
    program_id: ProgramId,
    referral_id: ReferralId,
    start_date: Annotated[str, Form(max_length=40)],
    who: PageReader,
    stepdown: ServiceDep,
    settings: SettingsDep,
    notices: NoticesDep,
) -> RedirectResponse:
    def run() -> str:
        try:
            start = START_DATE.validate_python(start_date.strip())
        except ValidationError:
            raise InvalidRequestError(
                f"start_date: {shown(start_date)} is not a date (YYYY-MM-DD)"
            ) from None
        referrals.admit(stepdown, program_id, referral_id, start, actor=who.subject)
        settle(stepdown, settings, answer_from=("waitlist", "census"))
        today = stepdown.today(stepdown.app.get_program(program_id).timezone)
        return f"Admitted: they start on {day_text(start, today)} as patient {referral_id}."

    return _act(notices, program_id, referral_id, who, run)


@router.post("/referrals/{referral_id}/withdraw")
def withdraw(
    program_id: ProgramId,
    referral_id: ReferralId,
    reason: Annotated[Note, Form(max_length=500)],
    who: PageReader,
    stepdown: ServiceDep,
    settings: SettingsDep,
    notices: NoticesDep,
) -> RedirectResponse:
    def run() -> str:
        referrals.withdraw(stepdown, program_id, referral_id, reason=reason, actor=who.subject)
        settle(stepdown, settings, answer_from=("waitlist",))
        return "Withdrawn from the waitlist."

    return _act(notices, program_id, referral_id, who, run)


def _act(
    notices: NoticeStore,
    program_id: str,
    referral_id: str,
    who: Principal,
    action: Callable[[], str],
) -> RedirectResponse:
    """A coordinator's action on a referral; refusals come back to its page as the notice."""
    page = _referral_path(program_id, referral_id)
    if not who.role.allows(Role.COORDINATOR):
        return back_to(notices, who, page, NOT_ALLOWED.format(role=who.role.value), "error")
    try:
        return back_to(notices, who, page, action())
    except StepdownError as error:
        return back_to(notices, who, page, f"Not done: {error}", "error")


def _referral_path(program_id: str, referral_id: str) -> str:
    return f"/ui/programs/{program_id}/referrals/{referral_id}"
