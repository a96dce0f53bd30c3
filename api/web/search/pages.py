"""The results of "Find a patient": each match linked to the patient's page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.dependencies import ServiceDep
from api.privacy.access import audit_for
from api.routes.params import ProgramId
from api.web.pages import render
from api.web.session import PageReader
from events.calendar import iso_week
from events.errors import InvalidRequestError
from scheduler import queries
from scheduler.search.patients import PatientSearch, find_patients

router = APIRouter(prefix="/ui/programs/{program_id}", include_in_schema=False)

STATUS_WORDS = {
    "active": "in treatment",
    "paused": "paused",
    "stepped-down": "stepped down",
    "discharged": "discharged",
}


@router.get("/patients")
def patient_search(
    request: Request,
    program_id: ProgramId,
    who: PageReader,
    stepdown: ServiceDep,
    q: Annotated[str, Query(max_length=1000)] = "",
) -> HTMLResponse:
    """Patients whose name or id holds the text typed, in any case."""
    error = None
    try:
        found = find_patients(stepdown, program_id, q)
    except InvalidRequestError as refused:
        found, error = PatientSearch(q.strip(), (), 0), f"Not done: {refused}"
    # A list of names says who is in treatment here: it is recorded as a disclosure.
    audit_for(request, who, "page").disclose(
        program_id,
        [match.patient_id for match in found.matches],
        what="patient-search",
        detail=f"{len(found.matches)} of {found.total} matches shown",
    )
    today = stepdown.today(queries.program_timezone(stepdown, program_id))
    return render(
        request,
        "patient_search.html",
        who=who,
        program_id=program_id,
        program_name=stepdown.app.get_program(program_id).name,
        this_week=iso_week(today),
        found=found,
        search_text=found.text,
        status_words=STATUS_WORDS,
        error=error,
    )
