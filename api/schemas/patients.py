from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field

from api.schemas.common import Body, ClockTime, Identifier, IsoDate, Note, Text, WeekdayName
from events.values import CommitmentKind


class CommitmentBody(Body):
    kind: CommitmentKind
    days: Annotated[list[WeekdayName], Field(min_length=1, max_length=7)]
    start: ClockTime
    end: ClockTime = Field(description="Earlier than start: runs past midnight")
    valid_from: IsoDate | None = Field(default=None, alias="from")
    valid_until: IsoDate | None = Field(default=None, alias="until")


class PatientCreate(Body):
    id: Identifier
    name: Text
    start_date: IsoDate
    planned_weeks: Annotated[int, Field(ge=1, le=52)]
    initial_days_per_week: Annotated[int, Field(ge=1, le=7)]
    travel_minutes: Annotated[int, Field(ge=0, le=240)] | None = None
    preferred_track: Text | None = None
    commitments: Annotated[list[CommitmentBody], Field(default_factory=list, max_length=50)]


class CommitmentsChange(Body):
    commitments: Annotated[list[CommitmentBody], Field(max_length=50)]


class PauseRequest(Body):
    reason: Note = Field(min_length=1)
    date: IsoDate | None = Field(default=None, description="Effective date (default today)")


class ResumeRequest(Body):
    date: IsoDate | None = None


class StepDownRequest(Body):
    summary: Note = Field(min_length=1, description="Discharge summary for outpatient care")
    date: IsoDate | None = None


class DischargeRequest(Body):
    reason: Note = Field(min_length=1)
    date: IsoDate | None = None


class PatientPublic(BaseModel):
    patient_id: str
    name: str
    status: str
    start_date: date
    program_week: int
    plan_weeks: int
    weekly_target: int | None
    flags: list[str]
    ended_on: date | None = Field(
        default=None, description="Stepped down or discharged: effective from this date"
    )
    end_note: str | None = Field(
        default=None, description="The discharge summary of a step-down, or the discharge reason"
    )


class HistoryEntryPublic(BaseModel):
    version: int
    event: str
    recorded_at: datetime
    recorded_by: str
    effective_on: date | None
    details: dict[str, Any]


class AppointmentPublic(BaseModel):
    session_id: str
    date: date
    start: str
    end: str
    track: str
    week: str
    published: bool
