"""Staff of a program: the list, one member, absences, primary counsellors, the staff week."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from api.conventions.pagination import PAGED, Cursor, Limit, page
from api.dependencies import Coordinator, Reader, ServiceDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.routes.params import ProgramId, StaffId, WeekPath, settle
from api.staff.schemas import (
    AbsenceCreate,
    AbsenceRecordedPublic,
    PrimaryCounsellorAssign,
    StaffDetailPublic,
    StaffPublic,
    StaffWeekPublic,
    staff_detail_public,
    staff_public,
    staff_week_public,
)
from scheduler.staff import use_cases
from scheduler.staff.absence_cover import describe_cover
from scheduler.staff.queries import staff_detail, staff_list
from scheduler.staff.week import staff_week

router = APIRouter(prefix="/programs/{program_id}", tags=["staff"], responses=ERROR_RESPONSES)


@router.get("/staff", responses=PAGED)
def list_staff(
    request: Request,
    response: Response,
    program_id: ProgramId,
    _: Reader,
    stepdown: ServiceDep,
    settings: SettingsDep,
    include_removed: Annotated[bool, Query(description="Members who left, too")] = False,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[StaffPublic]:
    """The program's staff by id, with each member's caseload."""
    settle(stepdown, settings)
    members = staff_list(stepdown, program_id, include_removed=include_removed)
    shown = page(
        members,
        lambda member: member.staff_id,
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [staff_public(member) for member in shown]


@router.get("/staff/{staff_id}")
def get_staff_member(
    program_id: ProgramId, staff_id: StaffId, _: Reader, stepdown: ServiceDep
) -> StaffDetailPublic:
    """One staff member: the sessions they facilitate, their absences and caseload."""
    return staff_detail_public(staff_detail(stepdown, program_id, staff_id))


@router.post("/staff/{staff_id}/absences", status_code=status.HTTP_201_CREATED)
def mark_absent(
    program_id: ProgramId,
    staff_id: StaffId,
    body: AbsenceCreate,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> AbsenceRecordedPublic:
    """Record a staff member absent for a day or a range of days (the same absence again
    records nothing). The roster weeks it touches are re-solved at once: a covering
    facilitator where one fits, otherwise the meeting is called off with make-ups."""
    outcomes = use_cases.mark_absent(
        stepdown,
        program_id,
        staff_id,
        body.first_day,
        body.last_day,
        body.reason,
        actor=who.subject,
    )
    settle(stepdown, settings, answer_from=("staff",))
    detail = staff_detail_public(staff_detail(stepdown, program_id, staff_id))
    return AbsenceRecordedPublic(
        **detail.model_dump(),
        cover=[line for outcome in outcomes for line in describe_cover(outcome)],
    )


@router.post("/staff/{staff_id}/caseload")
def assign_primary_counsellor(
    program_id: ProgramId,
    staff_id: StaffId,
    body: PrimaryCounsellorAssign,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> StaffDetailPublic:
    """Make this member the patient's primary counsellor (409 when their caseload is full)."""
    use_cases.assign_primary_counsellor(
        stepdown, program_id, body.patient_id, staff_id, actor=who.subject
    )
    settle(stepdown, settings, answer_from=("staff",))
    return staff_detail_public(staff_detail(stepdown, program_id, staff_id))


@router.post("/staff/{staff_id}/remove")
def remove_staff_member(
    program_id: ProgramId,
    staff_id: StaffId,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> StaffDetailPublic:
    """A member leaves (`removed_on` set); 409 while they facilitate a session or counsel anyone."""
    use_cases.remove_staff(stepdown, program_id, staff_id, actor=who.subject)
    settle(stepdown, settings, answer_from=("staff",))
    return staff_detail_public(staff_detail(stepdown, program_id, staff_id))


@router.get("/staff-weeks/{week}", responses=PAGED)
def get_staff_week(
    request: Request,
    response: Response,
    program_id: ProgramId,
    week: WeekPath,
    _: Reader,
    stepdown: ServiceDep,
    settings: SettingsDep,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[StaffWeekPublic]:
    """Each staff member's week: the meetings they facilitate (absent days marked) and absences."""
    settle(stepdown, settings)
    weeks = staff_week(stepdown, program_id, week)
    shown = page(
        weeks,
        lambda member: member.staff_id,
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [staff_week_public(member) for member in shown]
