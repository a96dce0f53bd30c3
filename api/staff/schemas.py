"""Request and response models for staff (the scheduler's use cases do the checking)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import Body, Identifier, IsoDate, Note
from scheduler.staff.queries import Absence, StaffDetail, StaffSummary
from scheduler.staff.week import StaffWeek


class AvailabilityPublic(BaseModel):
    weekday: str
    start: str
    end: str


class StaffPublic(BaseModel):
    staff_id: str
    name: str
    role: str
    credentials: list[str]
    availability: list[AvailabilityPublic]
    max_hours_per_week: int
    caseload_cap: int
    caseload: int = Field(description="Patients whose primary counsellor this member is")
    removed_on: date | None


class AbsencePublic(BaseModel):
    first_day: date
    last_day: date
    reason: str


class StaffDetailPublic(StaffPublic):
    facilitates: list[str] = Field(description="Session ids this member facilitates")
    absences: list[AbsencePublic]
    counsels: list[str] = Field(description="Patient ids of this member's caseload")


class AbsenceRecordedPublic(StaffDetailPublic):
    cover: list[str] = Field(
        description="What the absence changed in the rosters it touches, a line each: a meeting "
        "now led by another facilitator, one called off (its patients get make-ups), an "
        "appointment moved or lost"
    )


class StaffMeetingPublic(BaseModel):
    session_id: str
    name: str
    date: date
    start: str
    end: str
    modality: str
    room_id: str | None
    co_facilitators: list[str]
    facilitator_absent: bool = Field(description="The member is absent that day: find cover")


class StaffAppointmentPublic(BaseModel):
    kind: str = Field(description="individual | family (the patient is named on the roster)")
    date: date
    start: str
    end: str


class StaffWeekPublic(BaseModel):
    staff_id: str
    name: str
    role: str
    facilitated_minutes: int
    max_hours_per_week: int
    meetings: list[StaffMeetingPublic]
    absences: list[AbsencePublic]
    appointments: list[StaffAppointmentPublic] = []
    appointment_minutes: int = 0


class AbsenceCreate(Body):
    first_day: IsoDate
    last_day: IsoDate | None = Field(default=None, description="Omitted: the first day only")
    reason: Note = ""


class PrimaryCounsellorAssign(Body):
    patient_id: Identifier


def staff_public(summary: StaffSummary) -> StaffPublic:
    return StaffPublic(**_summary_fields(summary))


def staff_detail_public(detail: StaffDetail) -> StaffDetailPublic:
    return StaffDetailPublic(
        **_summary_fields(detail.summary),
        facilitates=list(detail.facilitates),
        absences=[absence_public(a) for a in detail.absences],
        counsels=list(detail.counsels),
    )


def staff_week_public(week: StaffWeek) -> StaffWeekPublic:
    return StaffWeekPublic(
        staff_id=week.staff_id,
        name=week.name,
        role=week.role,
        facilitated_minutes=week.minutes,
        max_hours_per_week=week.max_hours_per_week,
        meetings=[
            StaffMeetingPublic(**{**asdict(m), "co_facilitators": list(m.co_facilitators)})
            for m in week.meetings
        ],
        absences=[absence_public(a) for a in week.absences],
        appointments=[StaffAppointmentPublic(**asdict(a)) for a in week.appointments],
        appointment_minutes=week.appointment_minutes,
    )


def absence_public(absence: Absence) -> AbsencePublic:
    return AbsencePublic(
        first_day=absence.first_day, last_day=absence.last_day, reason=absence.reason
    )


def _summary_fields(summary: StaffSummary) -> dict[str, Any]:
    fields = asdict(summary)
    fields["credentials"] = list(summary.credentials)
    fields["availability"] = [asdict(window) for window in summary.availability]
    return fields
