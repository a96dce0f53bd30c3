"""Forecast, what-if and advice requests: the planned admissions and the changes to try."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from api.schemas.common import Body, ClockTime, Identifier, IsoDate, Text, WeekdayName
from api.schemas.patients import CommitmentBody
from scheduler.hygiene.fields import IsoWeek, Remark

Weeks = Annotated[int, Field(ge=1, le=26, description="Weeks forecast (default 12)")]


class AdmissionBody(Body):
    id: Identifier
    start_week: IsoWeek = Field(description="The earliest week the course may start")
    planned_weeks: Annotated[int, Field(ge=1, le=52)]
    initial_days_per_week: Annotated[int, Field(ge=1, le=7)]
    travel_minutes: Annotated[int, Field(ge=0, le=240)] | None = None
    commitments: Annotated[list[CommitmentBody], Field(default_factory=list, max_length=50)]


class ForecastRequest(Body):
    first_week: IsoWeek | None = Field(default=None, description="Default: next week")
    weeks: Weeks = 12
    admissions: Annotated[
        list[AdmissionBody],
        Field(default_factory=list, max_length=2000, description="Planned admissions"),
    ]
    waitlist: bool = Field(
        default=False, description="Plan the program's waiting referrals too, most urgent first"
    )


class AddSessionChange(Body):
    kind: Literal["add_session"]
    session_id: Identifier
    weekday: WeekdayName
    start: ClockTime
    end: ClockTime
    capacity: Annotated[int, Field(ge=1, le=15)]
    track: Text


class RemoveSessionChange(Body):
    kind: Literal["remove_session"]
    session_id: Identifier


class MoveSessionChange(Body):
    kind: Literal["move_session"]
    session_id: Identifier
    weekday: WeekdayName
    start: ClockTime
    end: ClockTime


class CapacityChange(Body):
    kind: Literal["change_capacity"]
    session_id: Identifier
    capacity: Annotated[int, Field(ge=1, le=15)]


class ClosureChange(Body):
    kind: Literal["add_closure"]
    date: IsoDate
    reason: Remark = ""


class AdmitChange(Body):
    kind: Literal["admit"]
    admissions: Annotated[list[AdmissionBody], Field(min_length=1, max_length=2000)]


class AdmitWaitlistChange(Body):
    kind: Literal["admit_waitlist"]
    count: Annotated[int, Field(ge=1, le=500, description="The first N waiting referrals")]


ChangeBody = Annotated[
    AddSessionChange
    | RemoveSessionChange
    | MoveSessionChange
    | CapacityChange
    | ClosureChange
    | AdmitChange
    | AdmitWaitlistChange,
    Field(discriminator="kind"),
]


class WhatIfRequest(ForecastRequest):
    changes: Annotated[list[ChangeBody], Field(min_length=1, max_length=50)]


class AdviceRequest(ForecastRequest):
    count: Annotated[int, Field(ge=1, le=10)] = 3
    days: Annotated[
        list[WeekdayName],
        Field(
            default_factory=list,
            max_length=7,
            description="Weekdays to consider opening on (default: the days the program meets)",
        ),
    ]
