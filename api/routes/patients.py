"""Patients: enrolment, commitments, pause/resume, step-down, discharge, progress, audit trail."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Request, Response, status

from api.conventions.pagination import PAGED, Cursor, Limit, page, page_in_order
from api.dependencies import Clinician, Coordinator, Reader, ServiceDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.privacy.access import AuditDep
from api.routes.params import PatientId, ProgramId, settle
from api.schemas.attendance import ProgressCreate
from api.schemas.common import IsoDate, as_file_model
from api.schemas.patients import (
    AppointmentPublic,
    CommitmentsChange,
    DischargeRequest,
    HistoryEntryPublic,
    PatientCreate,
    PatientPublic,
    PauseRequest,
    ResumeRequest,
    StepDownRequest,
)
from api.schemas.programs import Changed
from events.errors import InvalidRequestError
from scheduler import attendance, enrollments, patients, queries
from scheduler.history import enrollment_history
from scheduler.program_file import CommitmentIn, PatientIn
from scheduler.schedules import patient_schedule

router = APIRouter(
    prefix="/programs/{program_id}/patients", tags=["patients"], responses=ERROR_RESPONSES
)


@router.get("", responses=PAGED)
def list_patients(
    program_id: ProgramId,
    _: Reader,
    stepdown: ServiceDep,
    settings: SettingsDep,
    request: Request,
    response: Response,
    as_of: IsoDate | None = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[PatientPublic]:
    """The census: patients in treatment, their program week, taper target and open flags
    (by patient id when paged with `limit` and `cursor`)."""
    # What time passing changed (a plan that has ended steps down) shows without a write first.
    settle(stepdown, settings)
    census = queries.census(stepdown, program_id, as_of=as_of)
    shown = page(
        census,
        lambda entry: entry.patient_id,
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [_public(entry) for entry in shown]


@router.post("", status_code=status.HTTP_201_CREATED)
def enroll(
    program_id: ProgramId,
    patient: PatientCreate,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
    response: Response,
) -> PatientPublic:
    """Enrol a patient (409 when already enrolled in this program); `Location` is the patient."""
    patients.enroll_patient(
        stepdown, program_id, as_file_model(patient, PatientIn), actor=who.subject
    )
    settle(stepdown, settings, answer_from=("census",))
    response.headers["Location"] = f"/programs/{program_id}/patients/{patient.id}"
    return _find(stepdown, program_id, patient.id)


@router.get("/{patient_id}")
def get_patient(
    program_id: ProgramId,
    patient_id: PatientId,
    _: Reader,
    audit: AuditDep,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> PatientPublic:
    """One patient's census line; once they have left, when and with what summary or reason."""
    settle(stepdown, settings)
    found = _find(stepdown, program_id, patient_id)
    audit.disclose(program_id, [patient_id], what="patient-record")
    return found


@router.put("/{patient_id}/commitments")
def change_commitments(
    program_id: ProgramId,
    patient_id: PatientId,
    change: CommitmentsChange,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> Changed:
    """Replace the patient's weekly commitments (work, school, childcare)."""
    commitments = [as_file_model(c, CommitmentIn) for c in change.commitments]
    changed = patients.change_commitments(
        stepdown, program_id, patient_id, commitments, actor=who.subject
    )
    settle(stepdown, settings, answer_from=("census",))
    return Changed(changed=changed)


@router.post("/{patient_id}/pause")
def pause(
    program_id: ProgramId,
    patient_id: PatientId,
    request: PauseRequest,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> PatientPublic:
    """Pause treatment (hospital stay, travel); the patient is not scheduled meanwhile."""
    enrollments.pause(
        stepdown,
        program_id,
        patient_id,
        reason=request.reason,
        actor=who.subject,
        on_date=request.date,
    )
    settle(stepdown, settings, answer_from=("census",))
    return _find(stepdown, program_id, patient_id)


@router.post("/{patient_id}/resume")
def resume(
    program_id: ProgramId,
    patient_id: PatientId,
    request: ResumeRequest,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> PatientPublic:
    """Resume a paused enrolment."""
    enrollments.resume(stepdown, program_id, patient_id, actor=who.subject, on_date=request.date)
    settle(stepdown, settings, answer_from=("census",))
    return _find(stepdown, program_id, patient_id)


@router.post("/{patient_id}/step-down")
def step_down(
    program_id: ProgramId,
    patient_id: PatientId,
    request: StepDownRequest,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> Changed:
    """Step the patient down to standard outpatient care, with a discharge summary."""
    enrollments.step_down(
        stepdown,
        program_id,
        patient_id,
        summary=request.summary,
        actor=who.subject,
        on_date=request.date,
    )
    settle(stepdown, settings, answer_from=("census",))
    return Changed(changed=True)


@router.post("/{patient_id}/discharge")
def discharge(
    program_id: ProgramId,
    patient_id: PatientId,
    request: DischargeRequest,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> Changed:
    """Discharge the patient from the program."""
    enrollments.discharge(
        stepdown,
        program_id,
        patient_id,
        reason=request.reason,
        actor=who.subject,
        on_date=request.date,
    )
    settle(stepdown, settings, answer_from=("census",))
    return Changed(changed=True)


@router.post("/{patient_id}/progress")
def record_progress(
    program_id: ProgramId,
    patient_id: PatientId,
    progress: ProgressCreate,
    who: Clinician,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> PatientPublic:
    """Record a weekly check-in rating and/or a drug screen; it moves the taper."""
    if progress.rating is None and progress.screen is None:
        raise InvalidRequestError("body: give a rating, a screen, or both")
    attendance.record_progress(
        stepdown,
        program_id=program_id,
        patient_id=patient_id,
        rating=progress.rating,
        screen=progress.screen,
        on_date=progress.date,
        actor=who.subject,
    )
    settle(stepdown, settings, answer_from=("census",))
    return _find(stepdown, program_id, patient_id)


@router.get("/{patient_id}/schedule", responses=PAGED)
def schedule(
    program_id: ProgramId,
    patient_id: PatientId,
    _: Reader,
    audit: AuditDep,
    stepdown: ServiceDep,
    request: Request,
    response: Response,
    start: IsoDate | None = None,
    end: IsoDate | None = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[AppointmentPublic]:
    """The patient's seats in every roster (drafts included, marked), make-ups included (by
    date and time when paged)."""
    appointments = page(
        patient_schedule(stepdown, program_id, patient_id, start=start, end=end),
        lambda a: f"{a.session_date.isoformat()} {a.start:%H:%M} {a.session_id}",
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    audit.disclose(
        program_id,
        [patient_id],
        what="patient-schedule",
        detail="" if start is None and end is None else f"{start or ''}..{end or ''}",
    )
    return [
        AppointmentPublic(
            session_id=a.session_id,
            date=a.session_date,
            start=f"{a.start:%H:%M}",
            end=f"{a.end:%H:%M}",
            track=a.track,
            week=a.week,
            published=a.published,
        )
        for a in appointments
    ]


@router.get("/{patient_id}/history", responses=PAGED)
def history(
    program_id: ProgramId,
    patient_id: PatientId,
    _: Reader,
    audit: AuditDep,
    stepdown: ServiceDep,
    request: Request,
    response: Response,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[HistoryEntryPublic]:
    """The audit trail: every event of the enrolment, when, and recorded by whom (oldest
    first, paged or not)."""
    entries = page_in_order(
        enrollment_history(stepdown, program_id, patient_id),
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    audit.disclose(program_id, [patient_id], what="patient-history")
    return [HistoryEntryPublic(**asdict(entry)) for entry in entries]


def _public(entry: queries.CensusEntry) -> PatientPublic:
    return PatientPublic(**{**asdict(entry), "flags": list(entry.flags)})


def _find(stepdown: ServiceDep, program_id: str, patient_id: str) -> PatientPublic:
    return _public(queries.census_entry(stepdown, program_id, patient_id))
