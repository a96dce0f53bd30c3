"""The `staff` and `rooms` records of a `stepdown/program@2` file, and their domain values."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator

from events.staff.values import AvailabilityWindow, Modality, Room, StaffingPolicy, StaffMember
from scheduler.file_model import FILE_RECORD, WeekdayName, weekday_by_name
from scheduler.hygiene.fields import ClockTime, Identifier, Text

Credential = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=60)]


class FileModel(BaseModel):
    model_config = FILE_RECORD


class AvailabilityIn(FileModel):
    weekday: WeekdayName
    start: ClockTime
    end: ClockTime

    @field_validator("weekday", mode="before")
    @classmethod
    def _weekday_by_name(cls, value: Any) -> Any:
        return weekday_by_name(value)


class StaffIn(FileModel):
    id: Identifier
    name: Text
    role: Text
    credentials: Annotated[list[Credential], Field(max_length=20)] = []
    availability: Annotated[list[AvailabilityIn], Field(max_length=50)] = []
    max_hours_per_week: Annotated[int, Field(ge=1, le=80)]
    # 0: not a primary counsellor. Caseloads run e.g. 1:24 in IOP.
    caseload_cap: Annotated[int, Field(ge=0, le=200)] = 0


class RoomIn(FileModel):
    id: Identifier
    capacity: Annotated[int, Field(ge=1, le=200)]


class StaffingPolicyIn(FileModel):
    second_facilitator_above: Annotated[int, Field(ge=1, le=15)] | None = None
    individual_session_every_weeks: Annotated[int, Field(ge=1, le=12)] | None = None
    family_session_every_weeks: Annotated[int, Field(ge=1, le=12)] | None = None


MODALITIES = {modality.value: modality for modality in Modality}
ModalityName = Annotated[str, Field(pattern="^(in_person|virtual|hybrid)$")]


def staff_member_of(staff: StaffIn) -> StaffMember:
    return StaffMember(
        staff_id=staff.id,
        name=staff.name,
        role=staff.role,
        credentials=tuple(staff.credentials),
        availability=tuple(
            AvailabilityWindow(window.weekday, window.start, window.end)
            for window in staff.availability
        ),
        max_hours_per_week=staff.max_hours_per_week,
        caseload_cap=staff.caseload_cap,
    )


def room_of(room: RoomIn) -> Room:
    return Room(room.id, room.capacity)


def staffing_policy_of(policy: StaffingPolicyIn) -> StaffingPolicy:
    return StaffingPolicy(**policy.model_dump(include=set(StaffingPolicyIn.model_fields)))
