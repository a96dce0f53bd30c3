from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from api.schemas.common import Body, Identifier, IsoDate

# A field named `date` that may be empty: its annotation is read where `date` is that field.
OptionalDate = date | None


class GenerateRequest(Body):
    time_limit_s: Annotated[float, Field(gt=0, le=600)] | None = Field(
        default=None, description="Solver time limit (default: the server's setting)"
    )


class PinRequest(Body):
    patient_id: Identifier
    session_id: Identifier
    date: IsoDate


class PinPublic(BaseModel):
    patient_id: str
    session_id: str
    date: date
    pinned_by: str
    pinned_at: str


class DroppedPinPublic(BaseModel):
    """A pin a later change broke (a pause, closure, commitment...), dropped with the reason."""

    patient_id: str
    session_id: str
    date: date
    reason: str


class SeatPublic(BaseModel):
    session_id: str
    date: date


class FacilitatorPublic(BaseModel):
    staff_id: str
    name: str


class RosterSessionPublic(BaseModel):
    session_id: str
    date: date
    start: str
    end: str
    track: str
    patient_ids: list[str]
    modality: Literal["in_person", "virtual", "hybrid"] | None = Field(
        default=None, description="How the meeting is held; null where the program has no staff"
    )
    room_id: str | None = Field(default=None, description="Null when virtual or not staffed")
    facilitators: list[FacilitatorPublic] = Field(
        default=[], description="Who leads the meeting; empty where the program has no staff"
    )


class RosterPatientPublic(BaseModel):
    patient_id: str
    program_week: int
    required_days: int
    scheduled_days: int
    scheduled_hours: float
    session_ids: list[SeatPublic]
    stepped_early: bool
    unmet_reason: str | None
    unmet_kind: str | None


class TierPublic(BaseModel):
    """One tier of the objective, optimised on its own: its own status, objective, bound, gap."""

    name: str
    status: str
    objective: float
    bound: float
    gap: float


class SolverPublic(BaseModel):
    """OPTIMAL only when every tier is proven; `gap` is the worst tier's."""

    status: str | None
    objective: float | None
    best_bound: float | None
    gap: float | None
    wall_time_s: float | None
    tiers: list[TierPublic] = []


class RosterAppointmentPublic(BaseModel):
    patient_id: str
    kind: str = Field(description="individual | family")
    staff_id: str
    staff_name: str
    date: date
    start: str
    end: str
    next_to_group: bool = Field(
        description="Starts as one of the patient's groups ends, or ends as one starts"
    )


class StaffingGapPublic(BaseModel):
    kind: str = Field(
        description="not_running (nobody could lead it, its seats were not offered or it was "
        "called off), not_staffed, no_second (runs without the second facilitator its size "
        "needs), individual or family (a session the patient was due and did not get)"
    )
    reason: str
    session_id: str | None = None
    date: OptionalDate = None
    patient_id: str | None = None


class StaffingSolverPublic(BaseModel):
    status: str
    objective: float
    best_bound: float
    wall_time_s: float


class RosterPublic(BaseModel):
    """The Roster contract (DESIGN.md), as `stepdown roster show --format json`."""

    program_id: str
    week: str
    version: int
    status: str
    sessions: list[RosterSessionPublic]
    patients: list[RosterPatientPublic]
    solver: SolverPublic
    dropped_pins: list[DroppedPinPublic] = Field(
        default=[], description="Pins dropped, with the reason, when this version was generated"
    )
    appointments: list[RosterAppointmentPublic] = Field(
        default=[], description="Individual and family sessions booked (staffed programs)"
    )
    staffing_gaps: list[StaffingGapPublic] = Field(
        default=[], description="What the week's staffing could not do, each with its reason"
    )
    staffing_solver: StaffingSolverPublic | None = None


class RosterVersionPublic(BaseModel):
    version: int
    change: str
    recorded_by: str
    recorded_at: str
    solver_status: str | None
    seats_added: int
    seats_removed: int
    published: bool
    reason: str | None = Field(
        default=None, description="Why seats were withdrawn (a status change, closure, ...)"
    )
    dropped_pins: list[DroppedPinPublic] = []


class Published(BaseModel):
    version: int


class JobProgressPublic(BaseModel):
    """Written by the solve while it runs (at most twice a second)."""

    tier: str = Field(description="preparing | coverage | stability | tracks | comfort")
    stage: str = Field(description='The tier in words ("Finding seats for everyone\'s days")')
    solutions: int = Field(description="Better rosters the solver found so far")
    objective: float | None = Field(description="The tier's penalty in its best roster so far")
    best_bound: float | None = Field(description="The least penalty proven possible in the tier")
    gap: float | None = Field(description="(objective - best_bound) / objective; 0 is proven best")
    elapsed_s: float = Field(description="Seconds since the job started, when written")
    time_limit_s: float


class JobPublic(BaseModel):
    job_id: str
    kind: str
    program_id: str
    week: str
    status: str = Field(description="queued | running | succeeded | failed")
    requested_by: str
    created_at: str
    finished_at: str | None
    result: dict[str, Any] | None
    error: str | None
    attempts: int = Field(
        description="Times a worker started it: more than 1 after its worker stopped mid-job"
    )
    started_at: str | None = Field(default=None, description="When its last attempt started")
    progress: JobProgressPublic | None = Field(
        default=None, description="A roster solve's progress: once it started, until it ended"
    )
