from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas.common import Body, ClockTime, Identifier, IsoDate, Note, Text, WeekdayName


class ProgramPublic(BaseModel):
    program_id: str
    name: str
    timezone: str


class StaffingCountsPublic(BaseModel):
    staff_added: int = 0
    staff_changed: int = 0
    rooms_added: int = 0
    rooms_changed: int = 0
    sessions_staffed: int = 0


class ImportReportPublic(BaseModel):
    program_id: str
    program_created: bool
    sessions_added: int
    sessions_changed: int
    closures_added: int
    patients_enrolled: int
    commitments_changed: int
    events_recorded: int
    refused: list[str] = Field(
        default_factory=list,
        description="Each change the file asks for that was not applied, and why",
    )
    staffing: StaffingCountsPublic = Field(
        default_factory=StaffingCountsPublic,
        description="What a stepdown/program@2 file changed in staff, rooms and sessions",
    )


class SessionChange(Body):
    name: Text
    weekday: WeekdayName
    start: ClockTime
    end: ClockTime
    capacity: Annotated[int, Field(ge=1, le=15, description="Never above 15 by state rules")]
    min_size: Annotated[int, Field(ge=1, le=15)]
    track: Text


class SessionCreate(SessionChange):
    id: Identifier


class SessionPublic(BaseModel):
    id: str
    name: str
    weekday: str
    start: str
    end: str
    capacity: int
    min_size: int
    track: str


class ClosureCreate(Body):
    date: IsoDate
    reason: Text


class NightlyDraftsChange(Body):
    enabled: bool = Field(
        description="Generate next week's draft every night from 22:00 where the program is"
    )


class CancellationCreate(Body):
    date: IsoDate
    reason: Note = Field(min_length=1)


class Changed(BaseModel):
    changed: bool
