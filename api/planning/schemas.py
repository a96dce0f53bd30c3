"""Request and response models for referrals (the scheduler's ReferralIn does the checking)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.schemas.common import Body, Identifier, IsoDate, Note, Text
from api.schemas.patients import CommitmentBody


class ReferralCreate(Body):
    id: Identifier
    name: Text
    note: Note = ""
    level_of_care: Text = "ASAM 2.1"
    planned_weeks: Annotated[int, Field(ge=1, le=52)]
    initial_days_per_week: Annotated[int, Field(ge=1, le=7)]
    earliest_start: IsoDate
    priority: Annotated[int, Field(ge=1, le=5, description="1 is the most urgent")] = 3
    travel_minutes: Annotated[int, Field(ge=0, le=240)] | None = None
    preferred_track: Text | None = None
    commitments: Annotated[list[CommitmentBody], Field(default_factory=list, max_length=50)]


class AdmitRequest(Body):
    start_date: IsoDate


class WithdrawRequest(Body):
    reason: Note = Field(min_length=1)


class EraseRequest(Body):
    reason: Note = Field(min_length=1, description="Why (a request, the retention policy); no name")


ReferralStatusName = Literal["waiting", "admitted", "withdrawn", "all"]


class ReferralPublic(BaseModel):
    referral_id: str
    name: str
    note: str
    level_of_care: str
    planned_weeks: int
    initial_days_per_week: int
    earliest_start: date
    priority: int
    referred_on: date
    status: str
    start_date: date | None
    closed_on: date | None
    close_reason: str | None
    waiting_days: int = Field(description="Until today while waiting; until closed after")


class CourseWeekPublic(BaseModel):
    program_week: int
    week: str
    required_days: int
    fits: bool
    reason: str | None


class RefusalPublic(BaseModel):
    start_date: date
    week_of: date
    reason: str


class EarliestStartPublic(BaseModel):
    referral_id: str
    start_date: date | None = Field(description="None: no date within the horizon fits")
    horizon_from: date
    horizon_until: date
    reason: str | None
    course: list[CourseWeekPublic]
    refusals: list[RefusalPublic]
