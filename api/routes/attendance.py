"""Attendance marks (and the make-up a miss gets), weekly attendance, compliance and flags."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from fastapi import APIRouter, Request, Response

from api.conventions.pagination import PAGED, Cursor, Limit, page
from api.dependencies import Clinician, MetricsDep, Reader, ServiceDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.privacy.access import AuditDep
from api.routes.params import FlagPath, PatientId, ProgramId, settle
from api.schemas.attendance import (
    AttendanceChangePublic,
    AttendanceCreate,
    AttendanceRecorded,
    AttendanceWeekPublic,
    ComplianceWeekPublic,
    FlagAcknowledgedPublic,
    FlagAcknowledgementCreate,
    FlagPublic,
    MeetingPublic,
    make_up_public,
)
from scheduler import queries
from scheduler.attendance import AttendanceStatus, mark_attendance
from scheduler.attendance_changes import attendance_changes
from scheduler.flags.acknowledgement import acknowledge_flag as acknowledge
from scheduler.makeups import make_up_outcome

router = APIRouter(prefix="/programs/{program_id}", tags=["attendance"], responses=ERROR_RESPONSES)


@router.post("/attendance")
def record(
    program_id: ProgramId,
    mark: AttendanceCreate,
    who: Clinician,
    stepdown: ServiceDep,
    settings: SettingsDep,
    metrics: MetricsDep,
) -> AttendanceRecorded:
    """Record that a patient attended, missed or was excused from one session meeting.

    Only a seat of theirs in the week's published roster, or an unscheduled `walk_in`, and not
    before the meeting starts. A different mark for a meeting already marked corrects it.
    """
    marked = mark_attendance(
        stepdown,
        program_id=program_id,
        patient_id=mark.patient_id,
        session_id=mark.session_id,
        session_date=mark.date,
        status=mark.status,
        minutes=mark.minutes,
        reason=mark.reason,
        contact_made=mark.contact_made,
        walk_in=mark.walk_in,
        actor=who.subject,
    )
    # The answer comes from the enrolment itself; with a worker the make-up may not be decided yet.
    settle(stepdown, settings)
    outcome = None
    if mark.status is not AttendanceStatus.ATTENDED:
        outcome = make_up_outcome(stepdown, program_id, mark.patient_id, mark.session_id, mark.date)
        if outcome is not None and marked.recorded:
            metrics.make_ups.labels("scheduled" if outcome.session_id else "unavailable").inc()
    return AttendanceRecorded(
        recorded=marked.recorded,
        make_up=None if outcome is None else make_up_public(outcome),
        corrected_from=marked.corrected_from,
        make_up_withdrawn=_meeting(marked.make_up_withdrawn),
        make_up_kept=_meeting(marked.make_up_kept),
    )


def _meeting(meeting: tuple[str, date] | None) -> MeetingPublic | None:
    return None if meeting is None else MeetingPublic(session_id=meeting[0], date=meeting[1])


@router.get("/attendance/changes", responses=PAGED)
def changes(
    program_id: ProgramId,
    _: Reader,
    audit: AuditDep,
    stepdown: ServiceDep,
    request: Request,
    response: Response,
    patient_id: str | None = None,
    week: str | None = None,
    corrections_only: bool = False,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[AttendanceChangePublic]:
    """Every attendance mark recorded, first marks and corrections (who, when, from → to), by
    meeting date, session, patient and the order recorded; `week` is an ISO week (2026-W48)."""
    changes = page(
        attendance_changes(
            stepdown,
            program_id,
            patient_id=patient_id,
            week=week,
            corrections_only=corrections_only,
        ),
        lambda c: f"{c.session_date} {c.session_id} {c.patient_id} {c.version:08d}",
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    # The reasons given for absences are the patients' records: their disclosure is listed.
    audit.disclose(program_id, {c.patient_id for c in changes}, what="attendance-changes")
    return [
        AttendanceChangePublic(
            patient_id=c.patient_id,
            session_id=c.session_id,
            date=c.session_date,
            recorded_at=c.recorded_at,
            recorded_by=c.recorded_by,
            from_status=None if c.from_status is None else AttendanceStatus(c.from_status),
            to_status=AttendanceStatus(c.to_status),
            reason=c.reason,
            contact_made=c.contact_made,
        )
        for c in changes
    ]


@router.get("/attendance", responses=PAGED)
def attendance_weeks(
    program_id: ProgramId,
    _: Reader,
    stepdown: ServiceDep,
    request: Request,
    response: Response,
    patient_id: str | None = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[AttendanceWeekPublic]:
    """Per patient and week: scheduled and attended hours, misses, and the run of unexcused
    misses without contact (toward outreach)."""
    found = queries.attendance_weeks(stepdown, program_id, patient_id=patient_id)
    weeks = page(
        found,
        lambda week: f"{week.patient_id} {week.week}",
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [AttendanceWeekPublic(**asdict(week)) for week in weeks]


@router.get("/compliance", responses=PAGED)
def compliance_weeks(
    program_id: ProgramId,
    _: Reader,
    stepdown: ServiceDep,
    request: Request,
    response: Response,
    patient_id: str | None = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[ComplianceWeekPublic]:
    """Per patient and week: billable days (≥ 3 h), hours, the weekly floor, misses not made up."""
    found = queries.compliance_weeks(stepdown, program_id, patient_id=patient_id)
    weeks = page(
        found,
        lambda week: f"{week.patient_id} {week.week}",
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [
        ComplianceWeekPublic(
            **{**asdict(week), "misses_without_make_up": list(week.misses_without_make_up)}
        )
        for week in weeks
    ]


@router.get("/flags", responses=PAGED)
def flags(
    program_id: ProgramId,
    _: Reader,
    stepdown: ServiceDep,
    request: Request,
    response: Response,
    include_closed: bool = False,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[FlagPublic]:
    """Outreach (3 misses in a row without contact) and clinical-review flags, by the day
    raised, patient and flag."""
    rows = page(
        queries.attendance_flags(stepdown, program_id, open_only=not include_closed),
        lambda row: f"{row['raised_on']} {row['patient_id']} {row['flag']}",
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [
        FlagPublic(
            patient_id=row["patient_id"],
            flag=row["flag"],
            raised_on=date.fromisoformat(row["raised_on"]),
            reason=row["reason"],
            open=bool(row["open"]),
            acknowledged_on=(
                None
                if row["acknowledged_on"] is None
                else date.fromisoformat(row["acknowledged_on"])
            ),
            acknowledged_by=row["acknowledged_by"],
        )
        for row in rows
    ]


@router.post("/patients/{patient_id}/flags/{flag}/acknowledgement")
def acknowledge_flag(
    program_id: ProgramId,
    patient_id: PatientId,
    flag: FlagPath,
    acknowledgement: FlagAcknowledgementCreate,
    who: Clinician,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> FlagAcknowledgedPublic:
    """Acknowledge the patient's open outreach or clinical-review flag, with a note saying what
    was done or decided (409 when that flag is not open: never raised, answered, or already
    acknowledged)."""
    done = acknowledge(
        stepdown, program_id, patient_id, flag, note=acknowledgement.note, actor=who.subject
    )
    settle(stepdown, settings, answer_from=("attendance",))
    return FlagAcknowledgedPublic(
        patient_id=done.patient_id,
        flag=done.flag,
        acknowledged_on=done.acknowledged_on,
        acknowledged_by=done.acknowledged_by,
        note=done.note,
    )
