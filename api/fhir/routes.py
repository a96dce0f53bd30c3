"""GET a program-week as a FHIR R4 searchset Bundle (application/fhir+json)."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from api.dependencies import Reader, ServiceDep
from api.errors import ERROR_RESPONSES
from api.privacy.access import AuditDep
from api.routes.params import ProgramId, WeekPath
from scheduler.interop.fhir import MEDIA_TYPE, week_bundle
from scheduler.interop.week_seats import week_seats

router = APIRouter(prefix="/programs/{program_id}/fhir", tags=["fhir"], responses=ERROR_RESPONSES)

# The Bundle's outer shape; the resources in it are FHIR's own (validated with fhir.resources in
# the tests), so each entry's resource is only said to name its type.
BUNDLE_SCHEMA = {
    "type": "object",
    "required": ["resourceType", "type", "total", "entry"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["Bundle"]},
        "id": {"type": "string"},
        "type": {"type": "string", "enum": ["searchset"]},
        "timestamp": {"type": "string"},
        "total": {"type": "integer"},
        "entry": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["fullUrl", "resource"],
                "properties": {
                    "fullUrl": {"type": "string"},
                    "resource": {
                        "type": "object",
                        "required": ["resourceType", "id"],
                        "properties": {
                            "resourceType": {
                                "type": "string",
                                "enum": ["Schedule", "Slot", "Appointment", "Group"],
                            },
                            "id": {"type": "string"},
                        },
                    },
                },
            },
        },
    },
}


@router.get(
    "/weeks/{week}",
    response_class=Response,
    responses={
        200: {
            "content": {MEDIA_TYPE: {"schema": BUNDLE_SCHEMA}},
            "description": "A FHIR R4 searchset Bundle",
        }
    },
)
def fhir_week(
    request: Request,
    program_id: ProgramId,
    week: WeekPath,
    _: Reader,
    audit: AuditDep,
    stepdown: ServiceDep,
    version: Annotated[
        Literal["published", "latest", "draft"],
        Query(description="published (default: the seats patients were told), latest or draft"),
    ] = "published",
) -> Response:
    """The week's sessions (Schedule, Slot), seats (Appointment: proposed, booked, fulfilled,
    noshow, cancelled) and each meeting's patients (Group), patients by id only."""
    seats = week_seats(stepdown, program_id, week, version=version)
    audit.disclose(
        program_id,
        seats.patient_ids,
        what="fhir-bundle",
        detail=f"{week} v{seats.roster_version}",
    )
    base_url = f"{request.base_url}programs/{program_id}/fhir/"
    bundle = week_bundle(seats, base_url=base_url, now=stepdown.clock())
    return Response(json.dumps(bundle), media_type=MEDIA_TYPE)
