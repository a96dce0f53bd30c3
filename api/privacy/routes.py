"""A patient's consents to disclose and the list of disclosures of their records."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response, status

from api.conventions.pagination import PAGED, Cursor, Limit, page_in_order
from api.dependencies import Coordinator, ServiceDep, SettingsDep
from api.errors import ERROR_RESPONSES
from api.privacy.schemas import (
    ConsentCreate,
    ConsentPublic,
    ConsentRecorded,
    ConsentRevoke,
    DisclosurePublic,
)
from api.routes.params import PatientId, ProgramId, settle
from api.schemas.programs import Changed
from scheduler.privacy.consents import (
    ConsentTerms,
    give_consent,
    patient_consents,
    revoke_consent,
)
from scheduler.privacy.disclosure_log import DisclosureLog
from scheduler.queries import program_timezone

router = APIRouter(
    prefix="/programs/{program_id}/patients/{patient_id}",
    tags=["privacy"],
    responses=ERROR_RESPONSES,
)


@router.post("/consents", status_code=status.HTTP_201_CREATED)
def give(
    program_id: ProgramId,
    patient_id: PatientId,
    consent: ConsentCreate,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
    response: Response,
) -> ConsentRecorded:
    """Record a consent the patient signed to disclose their records to an outside recipient;
    `Location` is the consent (its revoke is under it)."""
    terms = ConsentTerms(**consent.model_dump())
    consent_id = give_consent(stepdown, program_id, patient_id, terms, actor=who.subject)
    settle(stepdown, settings)
    consents = f"/programs/{program_id}/patients/{patient_id}/consents"
    response.headers["Location"] = f"{consents}/{consent_id}"
    return ConsentRecorded(consent_id=consent_id)


@router.get("/consents", responses=PAGED)
def consents(
    program_id: ProgramId,
    patient_id: PatientId,
    _: Coordinator,
    stepdown: ServiceDep,
    request: Request,
    response: Response,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[ConsentPublic]:
    """Every consent the patient signed, revoked and expired ones included (oldest first)."""
    today = stepdown.today(program_timezone(stepdown, program_id))
    signed = page_in_order(
        patient_consents(stepdown, program_id, patient_id),
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [ConsentPublic(**asdict(c), active=c.active_on(today)) for c in signed]


@router.post("/consents/{consent_id}/revoke")
def revoke(
    program_id: ProgramId,
    patient_id: PatientId,
    consent_id: Annotated[str, Path(min_length=1, max_length=64)],
    request: ConsentRevoke,
    who: Coordinator,
    stepdown: ServiceDep,
    settings: SettingsDep,
) -> Changed:
    """Revoke a consent from today on (revoking it again changes nothing)."""
    revoked = revoke_consent(
        stepdown, program_id, patient_id, consent_id, reason=request.reason, actor=who.subject
    )
    settle(stepdown, settings)
    return Changed(changed=revoked)


@router.get("/disclosures", responses=PAGED)
def disclosures(
    request: Request,
    program_id: ProgramId,
    patient_id: PatientId,
    _: Coordinator,
    stepdown: ServiceDep,
    response: Response,
    limit: Limit = None,
    cursor: Cursor = None,
) -> list[DisclosurePublic]:
    """Who read or exported the patient's records, when, what, why and for whom (coordinators;
    oldest first)."""
    stepdown.app.get_enrollment(program_id, patient_id)  # 404 for a patient never enrolled
    log: DisclosureLog = request.app.state.disclosures
    entries = page_in_order(
        log.for_patient(program_id, patient_id),
        limit=limit,
        cursor=cursor,
        request=request,
        response=response,
    )
    return [DisclosurePublic(**asdict(entry)) for entry in entries]
