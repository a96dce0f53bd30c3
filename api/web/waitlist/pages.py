"""The waitlist page (referrals most urgent first, with how long each has waited) and a
referral's page (its details, when they can start, and the forms to admit or withdraw)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.auth import Principal
from api.dependencies import ServiceDep, SettingsDep
from api.planning.routes import ReferralId
from api.privacy.access import audit_for
from api.routes.params import ProgramId, settle
from api.settings import Settings
from api.web.pages import render
from api.web.plain_words import day_text, days_text, reason_text, waited
from api.web.session import PageReader
from api.web.waitlist.referral_form import COMMITMENT_KINDS, COMMITMENT_ROWS, WEEKDAYS
from events.calendar import iso_week
from events.errors import StepdownError
from scheduler import queries
from scheduler.planning.earliest_start import StartAnswer, earliest_start
from scheduler.planning.referral_file import PRIORITIES
from scheduler.planning.referrals import get_referral
from scheduler.planning.waitlist import referral_entry, waitlist
from scheduler.service import Stepdown

router = APIRouter(prefix="/ui/programs/{program_id}", include_in_schema=False)

StatusShown = Literal["waiting", "admitted", "withdrawn", "all"]
STATUSES: tuple[StatusShown, ...] = ("waiting", "admitted", "withdrawn", "all")
# Read models a referral's page is built from: the waitlist, and the seats its start is fitted to.
REFERRAL_VIEWS = ("waitlist", "directory", "census", "roster")


@router.get("/waitlist")
def waitlist_page(
    request: Request,
    program_id: ProgramId,
    who: PageReader,
    stepdown: ServiceDep,
    settings: SettingsDep,
    status: StatusShown = "waiting",
) -> HTMLResponse:
    return waitlist_answer(request, stepdown, settings, program_id, who, status=status)


def waitlist_answer(
    request: Request,
    stepdown: Stepdown,
    settings: Settings,
    program_id: str,
    who: Principal,
    *,
    status: StatusShown = "waiting",
    **extra: Any,
) -> HTMLResponse:
    """The waitlist; `extra` is what a refused form adds (its notice and what was typed)."""
    settle(stepdown, settings, answer_from=("waitlist",))
    entries = waitlist(stepdown, program_id, status=None if status == "all" else status)
    today = _today(stepdown, program_id)
    extra.setdefault("values", {})
    return render(
        request,
        "waitlist.html",
        who=who,
        program_id=program_id,
        program_name=stepdown.app.get_program(program_id).name,
        this_week=iso_week(today),
        today=today,
        entries=entries,
        status=status,
        statuses=STATUSES,
        priorities=range(PRIORITIES[0], PRIORITIES[1] + 1),
        commitment_rows=range(1, COMMITMENT_ROWS + 1),
        commitment_kinds=COMMITMENT_KINDS,
        weekdays=WEEKDAYS,
        day_text=day_text,
        waited=waited,
        **extra,
    )


@router.get("/referrals/{referral_id}")
def referral_page(
    request: Request,
    program_id: ProgramId,
    referral_id: ReferralId,
    who: PageReader,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> HTMLResponse:
    settle(stepdown, settings, answer_from=REFERRAL_VIEWS)
    entry = referral_entry(stepdown, program_id, referral_id)
    # Reading a referral is a disclosure, recorded as the API's read of one is.
    audit_for(request, who, "page").disclose(program_id, [referral_id], what="referral-record")
    referral = get_referral(stepdown, program_id, referral_id)
    today = _today(stepdown, program_id)
    answer: StartAnswer | None = None
    not_answered = why_not = None
    if entry.status == "waiting":
        try:
            answer = earliest_start(stepdown, program_id, referral_id)
        except StepdownError as error:
            not_answered = str(error)
    if answer is not None and answer.blocking is not None:
        sessions = stepdown.app.get_program(program_id).sessions
        why_not = (answer.blocking[0], reason_text(answer.blocking[1], sessions))
    return render(
        request,
        "referral.html",
        who=who,
        program_id=program_id,
        this_week=iso_week(today),
        today=today,
        entry=entry,
        commitments=[
            (c.kind.value.capitalize(), days_text([d.value for d in c.days]), c.start, c.end)
            for c in referral.commitments
        ],
        answer=answer,
        not_answered=not_answered,
        why_not=why_not,
        admit_on=_admit_on(answer, entry.earliest_start, today),
        day_text=day_text,
        waited=waited,
    )


def _admit_on(answer: StartAnswer | None, earliest: date, today: date) -> date:
    """The admit form's date: the earliest start that fits, else the referral's own earliest."""
    if answer is not None and answer.start_date is not None:
        return answer.start_date
    return max(earliest, today)


def _today(stepdown: Stepdown, program_id: str) -> date:
    return stepdown.today(queries.program_timezone(stepdown, program_id))
