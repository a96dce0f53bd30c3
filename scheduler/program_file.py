"""The `stepdown/program@1` and `@2` import files: schema (pydantic), and mapping to domain values.

`@2` adds staff, rooms, how each session is staffed and the staffing policy; an `@1` file is a
`@2` file without them (file_checks refuses `@2` fields in an `@1` file)."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from events.values import (
    Commitment,
    CommitmentKind,
    HolidayRegion,
    Policy,
    SessionSpec,
    Weekday,
)
from scheduler.file_model import FILE_RECORD, WeekdayName
from scheduler.hygiene.fields import ClockTime, Identifier, IsoDate, Remark, Text
from scheduler.staff.file_records import (
    Credential,
    ModalityName,
    RoomIn,
    StaffIn,
    StaffingPolicyIn,
)

FORMAT = "stepdown/program@1"
FORMAT_WITH_STAFF = "stepdown/program@2"


class FileModel(BaseModel):
    model_config = FILE_RECORD


class HolidaysIn(FileModel):
    country: Annotated[str, Field(min_length=2, max_length=3)]
    subdivision: str | None = None


class ClosureIn(FileModel):
    date: IsoDate
    reason: Remark = ""


class PolicyIn(StaffingPolicyIn):
    # Adults need 9 hours a week, adolescents 6; 20+ hours is partial hospitalisation.
    min_weekly_hours: Annotated[int, Field(ge=1, le=19)] = 9
    min_days_per_week: Annotated[int, Field(ge=1, le=7)] = 3
    max_days_per_week: Annotated[int, Field(ge=1, le=7)] = 5
    min_program_weeks: Annotated[int, Field(ge=1, le=52)] = 8
    max_program_weeks: Annotated[int, Field(ge=1, le=52)] = 12
    travel_buffer_minutes: Annotated[int, Field(ge=0, le=240)] = 30
    makeup_notice_minutes: Annotated[int, Field(ge=0, le=2880)] = 120
    # Days after a patient leaves before their personal fields may be erased (default six years).
    retention_days: Annotated[int, Field(ge=0, le=36600)] = Policy().retention_days


class ProgramIn(FileModel):
    id: Identifier
    name: Text
    timezone: Annotated[str, Field(min_length=1, max_length=64)]
    holidays: HolidaysIn
    closures: list[ClosureIn | IsoDate] = []
    policy: PolicyIn = PolicyIn()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: not a file name at all
            raise ValueError(f"{value!r} is not an IANA time zone") from None
        return value


class SessionIn(FileModel):
    id: Identifier
    name: Text
    weekday: WeekdayName
    start: ClockTime
    end: ClockTime
    # Group size: never above 15 by state rules.
    capacity: Annotated[int, Field(ge=1, le=15)]
    min_size: Annotated[int, Field(ge=1, le=15)]
    track: Text
    # @2: how the session is staffed (all optional; a virtual session has no room).
    modality: ModalityName | None = None
    room: Identifier | None = None
    facilitators: Annotated[list[Identifier], Field(max_length=4)] = []
    credentials: Annotated[list[Credential], Field(max_length=10)] = []

    @field_validator("weekday", mode="before")
    @classmethod
    def _weekday_by_name(cls, value: Any) -> Any:
        return Weekday[value] if isinstance(value, str) and value in Weekday.__members__ else value


class CommitmentIn(FileModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    kind: CommitmentKind
    days: Annotated[list[WeekdayName], Field(min_length=1, max_length=7)]
    start: ClockTime
    end: ClockTime

    @field_validator("end", mode="before")
    @classmethod
    def _midnight_as_24(cls, value: Any) -> Any:
        # "24:00" is the end of the day, stored as midnight (an end before the start runs on).
        if value in ("24:00", "24:00:00"):
            return time(0, 0)
        if isinstance(value, str):
            try:
                return time.fromisoformat(value)
            except ValueError:
                return value
        return value

    valid_from: IsoDate | None = Field(default=None, alias="from")
    valid_until: IsoDate | None = Field(default=None, alias="until")

    @field_validator("days", mode="before")
    @classmethod
    def _days_by_name(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [
                Weekday[d] if isinstance(d, str) and d in Weekday.__members__ else d for d in value
            ]
        return value


class PatientIn(FileModel):
    id: Identifier
    name: Text
    start_date: IsoDate
    planned_weeks: Annotated[int, Field(ge=1, le=52)]
    initial_days_per_week: Annotated[int, Field(ge=1, le=7)]
    travel_minutes: Annotated[int, Field(ge=0, le=240)] | None = None
    preferred_track: Text | None = None
    commitments: Annotated[list[CommitmentIn], Field(max_length=50)] = []


class ProgramFile(FileModel):
    format: Literal["stepdown/program@1", "stepdown/program@2"]
    program: ProgramIn
    sessions: Annotated[list[SessionIn], Field(max_length=2000)]
    patients: Annotated[list[PatientIn], Field(max_length=20000)]
    staff: Annotated[list[StaffIn], Field(max_length=2000)] = []
    rooms: Annotated[list[RoomIn], Field(max_length=500)] = []

    @property
    def has_staffing(self) -> bool:
        return self.format == FORMAT_WITH_STAFF


# --- file → domain ------------------------------------------------------------------------


def policy_of(policy: PolicyIn) -> Policy:
    return Policy(**policy.model_dump(exclude=set(StaffingPolicyIn.model_fields)))


def holiday_region_of(holidays: HolidaysIn) -> HolidayRegion:
    return HolidayRegion(holidays.country, holidays.subdivision)


def closures_of(program: ProgramIn) -> list[tuple[date, str]]:
    return [
        (closure, "") if isinstance(closure, date) else (closure.date, closure.reason)
        for closure in program.closures
    ]


def session_of(session: SessionIn) -> SessionSpec:
    return SessionSpec(
        session.id,
        session.name,
        session.weekday,
        session.start,
        session.end,
        session.capacity,
        session.min_size,
        session.track,
    )


def commitment_of(commitment: CommitmentIn) -> Commitment:
    return Commitment(
        commitment.kind,
        tuple(commitment.days),
        commitment.start,
        commitment.end,
        commitment.valid_from,
        commitment.valid_until,
    )


# --- domain → file ------------------------------------------------------------------------


def hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def end_hhmm(value: time) -> str:
    """A commitment ending at midnight is written 24:00, as files write it."""
    return "24:00" if value == time(0, 0) else hhmm(value)


def session_document(session: SessionSpec) -> dict[str, Any]:
    return {
        "id": session.session_id,
        "name": session.name,
        "weekday": session.weekday.name,
        "start": hhmm(session.start),
        "end": hhmm(session.end),
        "capacity": session.capacity,
        "min_size": session.min_size,
        "track": session.track,
    }


def commitment_document(commitment: Commitment) -> dict[str, Any]:
    document: dict[str, Any] = {
        "kind": commitment.kind.value,
        "days": [day.name for day in commitment.days],
        "start": hhmm(commitment.start),
        "end": end_hhmm(commitment.end),
    }
    if commitment.valid_from is not None:
        document["from"] = commitment.valid_from.isoformat()
    if commitment.valid_until is not None:
        document["until"] = commitment.valid_until.isoformat()
    return document


def policy_document(policy: Policy) -> dict[str, Any]:
    """The policy as files write it; the make-up notice only when it is not the default."""
    document: dict[str, Any] = {
        "min_weekly_hours": policy.min_weekly_hours,
        "min_days_per_week": policy.min_days_per_week,
        "max_days_per_week": policy.max_days_per_week,
        "min_program_weeks": policy.min_program_weeks,
        "max_program_weeks": policy.max_program_weeks,
        "travel_buffer_minutes": policy.travel_buffer_minutes,
    }
    if policy.makeup_notice_minutes != Policy().makeup_notice_minutes:
        document["makeup_notice_minutes"] = policy.makeup_notice_minutes
    if policy.retention_days != Policy().retention_days:
        document["retention_days"] = policy.retention_days
    return document


def holidays_document(region: HolidayRegion) -> dict[str, Any]:
    document: dict[str, Any] = {"country": region.country}
    if region.subdivision is not None:
        document["subdivision"] = region.subdivision
    return document
