"""A program-week as a FHIR R4 searchset Bundle: Schedule, Slot, Appointment and Group resources.

Each session is a Schedule, each of its meetings that week a Slot, each seat an Appointment and
each meeting's patients a Group. Patients are referred to by their Stepdown id only (a logical
reference by identifier): no name, no Patient resource, nothing else about them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any
from uuid import NAMESPACE_URL, uuid5
from zoneinfo import ZoneInfo

from events.calendar import week_monday
from scheduler.interop.week_seats import WeekMeeting, WeekSeat, WeekSeats

MEDIA_TYPE = "application/fhir+json"
APPOINTMENT_TYPES = "http://terminology.hl7.org/CodeSystem/v2-0276"

# What became of a seat, from its attendance mark. An excused absence was called off by the
# patient ahead of time, which FHIR calls a cancelled appointment (not a no-show).
MARKED = {"attended": "fulfilled", "missed": "noshow", "excused": "cancelled"}

Resource = dict[str, Any]


def week_bundle(seats: WeekSeats, *, base_url: str, now: datetime) -> Resource:
    """The searchset Bundle; `base_url` ends in "/" and is where each resource's fullUrl lives."""
    resources = list(_resources(seats))
    return {
        "resourceType": "Bundle",
        "id": _fhir_id(seats.program_id, "bundle", seats.week, str(seats.roster_version)),
        "meta": {"lastUpdated": now.isoformat()},
        "type": "searchset",
        "timestamp": now.isoformat(),
        "total": len(resources),
        "link": [{"relation": "self", "url": f"{base_url}weeks/{seats.week}"}],
        "entry": [
            {
                "fullUrl": f"{base_url}{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }


def _resources(seats: WeekSeats) -> Iterator[Resource]:
    zone = ZoneInfo(seats.timezone)
    week_start = datetime.combine(week_monday(seats.week), time(0), zone)
    for session_id in sorted({m.session_id for m in seats.meetings}):
        yield _schedule(seats, session_id, week_start)
    for meeting in seats.meetings:
        yield _slot(seats, meeting, zone)
        if meeting.seats:
            yield _group(seats, meeting)
        for seat in meeting.seats:
            yield _appointment(seats, meeting, seat, zone)


def _schedule(seats: WeekSeats, session_id: str, start: datetime) -> Resource:
    tracks = sorted({m.track for m in seats.meetings if m.session_id == session_id})
    return {
        "resourceType": "Schedule",
        "id": _fhir_id(seats.program_id, "session", session_id),
        "identifier": [_identifier(seats.program_id, "session", session_id)],
        "active": True,
        "serviceType": [{"text": track} for track in tracks],
        "actor": [_program(seats.program_id)],
        "planningHorizon": {
            "start": start.isoformat(),
            "end": (start + timedelta(days=7)).isoformat(),
        },
    }


def _slot(seats: WeekSeats, meeting: WeekMeeting, zone: ZoneInfo) -> Resource:
    start, end = _times(meeting, zone)
    status = "busy-unavailable" if meeting.cancelled else ("busy" if meeting.seats else "free")
    slot: Resource = {
        "resourceType": "Slot",
        "id": _slot_id(seats, meeting),
        "identifier": [_meeting_identifier(seats, meeting)],
        "serviceType": [{"text": meeting.track}],
        "schedule": {
            "reference": f"Schedule/{_fhir_id(seats.program_id, 'session', meeting.session_id)}"
        },
        "status": status,
        "start": start,
        "end": end,
    }
    if meeting.cancelled:
        slot["comment"] = "cancelled"
    return slot


def _group(seats: WeekSeats, meeting: WeekMeeting) -> Resource:
    return {
        "resourceType": "Group",
        "id": _fhir_id(seats.program_id, "group", meeting.session_id, meeting.date),
        "identifier": [_meeting_identifier(seats, meeting)],
        "type": "person",
        "actual": True,
        "name": f"{meeting.session_id} {meeting.date}",
        "quantity": len(meeting.seats),
        "managingEntity": _program(seats.program_id),
        "member": [
            {"entity": _patient(seats.program_id, seat.patient_id), "inactive": seat.cancelled}
            for seat in meeting.seats
        ],
    }


def _appointment(
    seats: WeekSeats, meeting: WeekMeeting, seat: WeekSeat, zone: ZoneInfo
) -> Resource:
    start, end = _times(meeting, zone)
    key = (meeting.session_id, meeting.date, seat.patient_id)
    if seat.made_up_for is None:
        kind = {"code": "ROUTINE", "display": "Routine appointment - default if not valued"}
        text = "roster seat"
    else:
        kind = {"code": "FOLLOWUP", "display": "A follow up visit from a previous appointment"}
        text = f"make-up for {seat.made_up_for[0]} {seat.made_up_for[1]}"
    return {
        "resourceType": "Appointment",
        "id": _fhir_id(seats.program_id, "seat", *key),
        "identifier": [_identifier(seats.program_id, "seat", " ".join(key))],
        "status": _status(seats, seat),
        "serviceType": [{"text": meeting.track}],
        "appointmentType": {"coding": [{"system": APPOINTMENT_TYPES, **kind}], "text": text},
        "start": start,
        "end": end,
        "slot": [{"reference": f"Slot/{_slot_id(seats, meeting)}"}],
        "participant": [
            {"actor": _patient(seats.program_id, seat.patient_id), "status": "accepted"},
            {"actor": _program(seats.program_id), "status": "accepted"},
        ],
    }


def _status(seats: WeekSeats, seat: WeekSeat) -> str:
    if seat.cancelled:
        return "cancelled"
    if seat.mark is not None:
        return MARKED[seat.mark]
    # A draft's seat has not been told to the patient yet.
    return "booked" if seats.roster_status == "published" else "proposed"


def _times(meeting: WeekMeeting, zone: ZoneInfo) -> tuple[str, str]:
    day = datetime.fromisoformat(meeting.date).date()
    start = datetime.combine(day, time.fromisoformat(meeting.start), zone)
    end = datetime.combine(day, time.fromisoformat(meeting.end), zone)
    return start.isoformat(), end.isoformat()


def _slot_id(seats: WeekSeats, meeting: WeekMeeting) -> str:
    return _fhir_id(seats.program_id, "meeting", meeting.session_id, meeting.date)


def _meeting_identifier(seats: WeekSeats, meeting: WeekMeeting) -> Resource:
    return _identifier(seats.program_id, "meeting", f"{meeting.session_id} {meeting.date}")


def _patient(program_id: str, patient_id: str) -> Resource:
    """A patient by their Stepdown id, which the receiving system maps to its own record."""
    return {"type": "Patient", "identifier": _identifier(program_id, "patient", patient_id)}


def _program(program_id: str) -> Resource:
    return {
        "type": "HealthcareService",
        "identifier": {"system": "urn:stepdown:program", "value": program_id},
    }


def _identifier(program_id: str, kind: str, value: str) -> Resource:
    return {"system": f"urn:stepdown:{program_id}:{kind}", "value": value}


def _fhir_id(program_id: str, *parts: str) -> str:
    """FHIR ids allow 64 letters, digits, '-' and '.': Stepdown ids may hold '_' and run to 64
    characters each, so resources get a stable UUID derived from what they stand for."""
    return str(uuid5(NAMESPACE_URL, "urn:stepdown:" + ":".join((program_id, *parts))))
