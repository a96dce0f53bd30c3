"""iCalendar feeds per patient and per session (holidays, closures, cancellations left out)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.conventions.media import ICALENDAR, only
from api.dependencies import Reader, ServiceDep
from api.errors import ERROR_RESPONSES
from api.ical import calendar_feed
from api.privacy.access import AuditDep
from api.routes.params import PatientId, ProgramId, SessionId
from scheduler.queries import program_timezone
from scheduler.schedules import patient_schedule, session_meetings

router = APIRouter(prefix="/programs/{program_id}", tags=["calendars"], responses=ERROR_RESPONSES)

ICAL_RESPONSE = only(ICALENDAR, "An iCalendar feed")


@router.get("/patients/{patient_id}/calendar.ics", response_class=Response, responses=ICAL_RESPONSE)
def patient_feed(
    program_id: ProgramId, patient_id: PatientId, _: Reader, audit: AuditDep, stepdown: ServiceDep
) -> Response:
    """The patient's published sessions and make-ups as an iCalendar feed."""
    appointments = patient_schedule(stepdown, program_id, patient_id, published_only=True)
    audit.disclose(program_id, [patient_id], what="calendar-feed")
    meetings = [
        (f"{program_id}.{patient_id}.{a.session_date}@stepdown", a.session_date, a.start, a.end)
        for a in appointments
    ]
    return _feed("Appointments", program_id, stepdown, meetings)


@router.get("/sessions/{session_id}/calendar.ics", response_class=Response, responses=ICAL_RESPONSE)
def session_feed(
    program_id: ProgramId,
    session_id: SessionId,
    _: Reader,
    stepdown: ServiceDep,
    weeks: Annotated[int, Query(ge=1, le=52, description="How many weeks ahead")] = 12,
) -> Response:
    """The dates a session meets from this week on, skipping holidays, closures, cancellations."""
    timezone = program_timezone(stepdown, program_id)
    today = stepdown.today(timezone)
    monday = today - timedelta(days=today.weekday())
    found = session_meetings(stepdown, program_id, session_id, start=monday, weeks=weeks)
    meetings = [
        (f"{program_id}.{m.session_id}.{m.session_date}@stepdown", m.session_date, m.start, m.end)
        for m in found
    ]
    return _feed("Sessions", program_id, stepdown, meetings)


def _feed(
    name: str,
    program_id: str,
    stepdown: ServiceDep,
    meetings: list[tuple[str, date, time, time]],
) -> Response:
    timezone = program_timezone(stepdown, program_id)
    body = calendar_feed(name, timezone, meetings, stamp=stepdown.clock())
    return Response(body, media_type=ICALENDAR)
