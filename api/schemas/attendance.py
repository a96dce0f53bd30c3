from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas.common import Body, Identifier, IsoDate, Note
from events.values import CheckInRating, ScreenResult
from scheduler.attendance import AttendanceStatus
from scheduler.makeups import MakeUpOutcome


class AttendanceCreate(Body):
    patient_id: Identifier
    session_id: Identifier
    date: IsoDate
    status: AttendanceStatus
    minutes: Annotated[int, Field(ge=1, le=1440)] | None = Field(
        default=None, description="Minutes present (late arrival, early leave)"
    )
    reason: Note = ""
    contact_made: bool = Field(default=False, description="Staff reached the patient")
    walk_in: bool = Field(
        default=False,
        description="Attended a session that was not on the patient's published roster",
    )


class MakeUpPublic(BaseModel):
    """The make-up found for a miss, or why there is none (`session_id` null)."""

    patient_id: str
    missed_session_id: str
    missed_date: date
    session_id: str | None
    date: date | None
    reason: str | None


class MeetingPublic(BaseModel):
    session_id: str
    date: date


class AttendanceRecorded(BaseModel):
    recorded: bool = Field(description="False when exactly this was already recorded")
    make_up: MakeUpPublic | None = Field(
        description="For a miss: the make-up, or why none; null when attended or not yet decided"
    )
    corrected_from: AttendanceStatus | None = Field(
        default=None, description="The mark this one corrected; null for a first mark"
    )
    make_up_withdrawn: MeetingPublic | None = Field(
        default=None,
        description="A miss corrected to attended: the make-up seat given back",
    )
    make_up_kept: MeetingPublic | None = Field(
        default=None,
        description="A miss corrected to attended whose make-up already took place: it stays",
    )


class AttendanceChangePublic(BaseModel):
    """One mark recorded for a meeting: the first (`from_status` null) or a correction."""

    patient_id: str
    session_id: str
    date: date
    recorded_at: datetime
    recorded_by: str
    from_status: AttendanceStatus | None
    to_status: AttendanceStatus
    reason: str
    contact_made: bool


class ProgressCreate(Body):
    rating: CheckInRating | None = None
    screen: ScreenResult | None = None
    date: IsoDate | None = Field(default=None, description="Date of the check-in (default today)")


class AttendanceWeekPublic(BaseModel):
    patient_id: str
    week: str
    program_week: int
    scheduled_hours: float
    attended_hours: float
    misses: int
    unexcused_misses: int
    consecutive_misses: int = Field(
        description="Unexcused misses in a row without contact made (the run toward outreach)"
    )


class ComplianceWeekPublic(BaseModel):
    patient_id: str
    week: str
    program_week: int
    billable_days: int
    attended_hours: float
    meets_weekly_floor: bool
    misses_without_make_up: list[str]


class FlagPublic(BaseModel):
    patient_id: str
    flag: str
    raised_on: date
    reason: str
    open: bool
    acknowledged_on: date | None = Field(
        default=None, description="When a clinician or coordinator acknowledged it, if so"
    )
    acknowledged_by: str | None = Field(default=None, description="Who acknowledged it")


class FlagAcknowledgementCreate(Body):
    note: Note = Field(
        min_length=1,
        description="What was done or decided: 'contact made, back Monday' (outreach), "
        "'reviewed with Dr Lee, continue at 4 days' (clinical review)",
    )


class FlagAcknowledgedPublic(BaseModel):
    """The flag is closed; misses recorded from now on count toward raising it again."""

    patient_id: str
    flag: str
    acknowledged_on: date
    acknowledged_by: str
    note: str


def make_up_public(outcome: MakeUpOutcome) -> MakeUpPublic:
    return MakeUpPublic(
        patient_id=outcome.patient_id,
        missed_session_id=outcome.missed_session_id,
        missed_date=outcome.missed_date,
        session_id=outcome.session_id,
        date=outcome.session_date,
        reason=outcome.reason,
    )
