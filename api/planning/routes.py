"""Referrals: the waitlist, refer, admit, withdraw, and the earliest start that fits."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api.conventions.pagination import PAGED, Cursor, Limit, page
from api.dependencies import Coordinator, Reader, ServiceDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.planning.schemas import (
    AdmitRequest,
    CourseWeekPublic,
    EarliestStartPublic,
    EraseRequest,
    ReferralCreate,
    ReferralPublic,
    ReferralStatusName,
    RefusalPublic,
    WithdrawRequest,
)
from api.privacy.access import AuditDep
from api.routes.params import PatientId, ProgramId, settle
from scheduler.planning import referrals
from scheduler.planning.earliest_start import MAX_HORIZON_WEEKS, earliest_start
from scheduler.planning.referral_erasure import erase_referral
from scheduler.planning.referral_file import parse_referral
from scheduler.planning.waitlist import WaitlistEntry, referral_entry, waitlist

router = APIRouter(
    prefix="/programs/{program_id}/referrals", tags=["referrals"], responses=ERROR_RESPONSES
)
ReferralId = PatientId  # a referral's id becomes its patient id on admission
Horizon = Annotated[int, Query(ge=1, le=MAX_HORIZON_WEEKS)]


@router.get("", responses=PAGED)
def list_referrals(
    request: Request,
    response: Response,
    program_id: ProgramId,
    _: Reader,
    stepdown: ServiceDep,
    settings: SettingsDep,
    status_name: Annotated[ReferralStatusName, Query(alias="status")] = "waiting",
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[ReferralPublic]:
    """The waitlist: most urgent first, then longest waiting; `status` shows closed ones too."""
    settle(stepdown, settings)
    entries = waitlist(stepdown, program_id, status=None if status_name == "all" else status_name)
    shown = page(
        entries,
        _waitlist_order,
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [_public(entry) for entry in shown]


def _waitlist_order(entry: WaitlistEntry) -> str:
    """The waitlist's own order as a string key: priority and referral date never change, so a
    page boundary stays put while others are referred or admitted."""
    return f"{entry.priority:02d}|{entry.referred_on.isoformat()}|{entry.referral_id}"


@router.post("", status_code=status.HTTP_201_CREATED)
def refer(
    program_id: ProgramId,
    body: ReferralCreate,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
    response: Response,
) -> ReferralPublic:
    """Put a referral on the waitlist (409 when the id is taken); `Location` is the referral."""
    referral = parse_referral(body.model_dump(mode="json", by_alias=True, exclude_none=True))
    referrals.refer(stepdown, program_id, referral, actor=who.subject)
    settle(stepdown, settings, answer_from=("waitlist",))
    response.headers["Location"] = f"/programs/{program_id}/referrals/{body.id}"
    return _find(stepdown, program_id, body.id)


@router.get("/{referral_id}")
def get_referral(
    program_id: ProgramId,
    referral_id: ReferralId,
    _: Reader,
    audit: AuditDep,
    stepdown: ServiceDep,
) -> ReferralPublic:
    """One referral, whatever its status (recorded in the person's list of disclosures, which
    their patient record shows once admitted)."""
    found = _find(stepdown, program_id, referral_id)
    audit.disclose(program_id, [referral_id], what="referral-record")
    return found


@router.post("/{referral_id}/admit")
def admit(
    program_id: ProgramId,
    referral_id: ReferralId,
    body: AdmitRequest,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> ReferralPublic:
    """Admit: the referral becomes an enrolment from `start_date` (checked as any enrolment)."""
    referrals.admit(stepdown, program_id, referral_id, body.start_date, actor=who.subject)
    settle(stepdown, settings, answer_from=("waitlist", "census"))
    return _find(stepdown, program_id, referral_id)


@router.post("/{referral_id}/withdraw")
def withdraw(
    program_id: ProgramId,
    referral_id: ReferralId,
    body: WithdrawRequest,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> ReferralPublic:
    """Take a waiting referral off the waitlist, with the reason."""
    referrals.withdraw(stepdown, program_id, referral_id, reason=body.reason, actor=who.subject)
    settle(stepdown, settings, answer_from=("waitlist",))
    return _find(stepdown, program_id, referral_id)


@router.post("/{referral_id}/erase")
def erase(
    program_id: ProgramId,
    referral_id: ReferralId,
    body: EraseRequest,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> ReferralPublic:
    """Erase a withdrawn referral's name and notes (409 while waiting, for an admitted one,
    whose patient is erased instead, or before the retention period has passed)."""
    erase_referral(stepdown, program_id, referral_id, reason=body.reason, actor=who.subject)
    settle(stepdown, settings, answer_from=("waitlist",))
    return _find(stepdown, program_id, referral_id)


@router.get("/{referral_id}/earliest-start")
def get_earliest_start(
    program_id: ProgramId,
    referral_id: ReferralId,
    _: Reader,
    stepdown: ServiceDep,
    settings: SettingsDep,
    horizon_weeks: Horizon = referrals.HORIZON_WEEKS,
) -> EarliestStartPublic:
    """The earliest start within the horizon at which the referral's whole course fits beside
    the enrolled, or why no date does."""
    settle(stepdown, settings, answer_from=("directory", "census", "roster"))
    answer = earliest_start(stepdown, program_id, referral_id, horizon_weeks=horizon_weeks)
    return EarliestStartPublic(
        referral_id=answer.referral_id,
        start_date=answer.start_date,
        horizon_from=answer.horizon_from,
        horizon_until=answer.horizon_until,
        reason=answer.reason,
        course=[
            CourseWeekPublic(
                program_week=w.program_week,
                week=w.week,
                required_days=w.required_days,
                fits=w.fits,
                reason=w.reason,
            )
            for w in answer.course
        ],
        refusals=[
            RefusalPublic(start_date=start, week_of=date.fromisoformat(week), reason=reason)
            for start, week, reason in answer.refusals
        ],
    )


def _public(entry: WaitlistEntry) -> ReferralPublic:
    return ReferralPublic(**asdict(entry))


def _find(stepdown: ServiceDep, program_id: str, referral_id: str) -> ReferralPublic:
    return _public(referral_entry(stepdown, program_id, referral_id))
