"""POST /programs/{program_id}/patients/{patient_id}/erase (coordinators)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.dependencies import Coordinator, ServiceDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.routes.params import PatientId, ProgramId, settle
from api.schemas.common import Body, Note
from scheduler.privacy.erasure import erase_patient

router = APIRouter(
    prefix="/programs/{program_id}/patients", tags=["patients"], responses=ERROR_RESPONSES
)


class ErasureRequest(Body):
    reason: Note = Field(min_length=1, description="Why (a request, the retention policy); no name")


class ErasurePublic(BaseModel):
    program_id: str
    patient_id: str
    erased_on: date
    recorded_by: str


@router.post("/{patient_id}/erase")
def erase(
    program_id: ProgramId,
    patient_id: PatientId,
    request: ErasureRequest,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> ErasurePublic:
    """Destroy the patient's key: name and notes become unreadable, counts stay (409 before
    the program's retention period has passed since they left, naming the first possible date)."""
    erasure = erase_patient(
        stepdown, program_id, patient_id, reason=request.reason, actor=who.subject
    )
    settle(stepdown, settings, answer_from=("census", "directory"))
    return ErasurePublic(
        program_id=erasure.program_id,
        patient_id=erasure.patient_id,
        erased_on=erasure.erased_on,
        recorded_by=erasure.recorded_by,
    )
