"""How dates, times, enums and value objects are stored as JSON in the event store."""

from __future__ import annotations

import dataclasses
import enum
from datetime import date, time
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from events.staff.values import (
    AvailabilityWindow,
    BookedAppointment,
    Modality,
    Room,
    SessionStaffing,
    StaffedMeeting,
    StaffingGap,
    StaffingPolicy,
    StaffMember,
    WeekStaffing,
)
from events.values import (
    Assignment,
    CheckInRating,
    Commitment,
    CommitmentKind,
    EnrollmentStatus,
    HolidayRegion,
    Policy,
    RosterPatient,
    RosterSession,
    RosterStatus,
    ScreenResult,
    SessionSpec,
    SolveStatistics,
    TierStatistics,
    Weekday,
)


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class TimeAsISO(Transcoding):
    type = time
    name = "time_iso"

    def encode(self, obj: time) -> str:
        return obj.isoformat(timespec="minutes")

    def decode(self, data: str) -> time:
        return time.fromisoformat(data)


class EnumAsValue(Transcoding):
    """One transcoding per enum class: the transcoder looks types up exactly."""

    def __init__(self, enum_class: type[enum.Enum]) -> None:
        self.type = enum_class
        self.name = f"enum_{enum_class.__name__}"

    def encode(self, obj: enum.Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> enum.Enum:
        member: enum.Enum = self.type(data)
        return member


class DataclassAsDict(Transcoding):
    """A frozen value object as a dict of its fields; JSON lists come back as tuples."""

    def __init__(self, dataclass_type: type[Any]) -> None:
        self.type = dataclass_type
        self.name = f"value_{dataclass_type.__name__}"

    def encode(self, obj: Any) -> dict[str, Any]:
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}

    def decode(self, data: dict[str, Any]) -> Any:
        # Fields added later (with a default) are simply absent from older events.
        values = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
        return self.type(**values)


ENUMS: tuple[type[enum.Enum], ...] = (
    Weekday,
    CommitmentKind,
    CheckInRating,
    ScreenResult,
    EnrollmentStatus,
    RosterStatus,
    Modality,
)
VALUE_OBJECTS: tuple[type[Any], ...] = (
    Policy,
    HolidayRegion,
    SessionSpec,
    SolveStatistics,
    TierStatistics,
    Commitment,
    Assignment,
    RosterSession,
    RosterPatient,
    AvailabilityWindow,
    StaffMember,
    Room,
    SessionStaffing,
    StaffingPolicy,
    StaffedMeeting,
    BookedAppointment,
    StaffingGap,
    WeekStaffing,
)


def register_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(DateAsISO())
    transcoder.register(TimeAsISO())
    for enum_class in ENUMS:
        transcoder.register(EnumAsValue(enum_class))
    for value_type in VALUE_OBJECTS:
        transcoder.register(DataclassAsDict(value_type))
