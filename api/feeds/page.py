"""The coordinator page's calendar link on a patient's view: made, replaced or turned off there.

The new link is shown in the answer to the form (not carried in a redirect's URL, where it would
reach the access log and the browser's history), and that answer is kept by no cache.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.auth import Principal, Role
from api.dependencies import ServiceDep
from api.feeds.routes import PRIVATE_HEADERS, FeedsDep, feed_urls
from api.feeds.store import Feed, FeedKind
from api.guards.csrf import CsrfChecked
from api.routes.params import PatientId, ProgramId
from api.web.pages import patient_page
from api.web.session import PageReader
from events.errors import StepdownError
from scheduler.service import Stepdown

router = APIRouter(
    prefix="/ui/programs/{program_id}/patients/{patient_id}/feed",
    include_in_schema=False,
    dependencies=[CsrfChecked],
)


@router.post("")
def new_calendar_link(
    request: Request,
    program_id: ProgramId,
    patient_id: PatientId,
    who: PageReader,
    stepdown: ServiceDep,
    feeds: FeedsDep,
) -> HTMLResponse:
    """A first link, or a new one that ends the old (the old cannot be shown again)."""
    if not who.role.allows(Role.COORDINATOR):
        return _refused(request, stepdown, program_id, patient_id, who)
    try:
        issued = feeds.renew(Feed(program_id, FeedKind.PATIENT, patient_id), actor=who.subject)
    except StepdownError as error:
        return patient_page(
            request,
            stepdown,
            program_id,
            patient_id,
            who,
            notice=f"Not done: {error}",
            notice_kind="error",
        )
    url, webcal_url = feed_urls(request, issued.secret)
    answer = patient_page(
        request,
        stepdown,
        program_id,
        patient_id,
        who,
        notice="New calendar link made; any earlier link no longer works.",
        feed_url=url,
        feed_webcal_url=webcal_url,
    )
    answer.headers.update(PRIVATE_HEADERS)
    return answer


@router.post("/revoke")
def turn_off_calendar_link(
    request: Request,
    program_id: ProgramId,
    patient_id: PatientId,
    who: PageReader,
    stepdown: ServiceDep,
    feeds: FeedsDep,
) -> HTMLResponse:
    """The patient's calendar link stops working."""
    if not who.role.allows(Role.COORDINATOR):
        return _refused(request, stepdown, program_id, patient_id, who)
    try:
        feeds.revoke(Feed(program_id, FeedKind.PATIENT, patient_id))
    except StepdownError as error:
        return patient_page(
            request,
            stepdown,
            program_id,
            patient_id,
            who,
            notice=f"Not done: {error}",
            notice_kind="error",
        )
    return patient_page(
        request, stepdown, program_id, patient_id, who, notice="Calendar link turned off."
    )


def _refused(
    request: Request, stepdown: Stepdown, program_id: str, patient_id: str, who: Principal
) -> HTMLResponse:
    answer = patient_page(
        request,
        stepdown,
        program_id,
        patient_id,
        who,
        notice=f"Your role ({who.role.value}) may not do this.",
        notice_kind="error",
    )
    answer.status_code = 403
    return answer
