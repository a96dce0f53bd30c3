"""What the roster solver is given and what it returns: frozen dataclasses, stdlib only.

Times inside a week are minutes from Monday 00:00 of that week, so an overnight shift that
starts on Sunday of the week before is simply a negative start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class SessionOccurrence:
    """One recurring group session on one date of the week (one room)."""

    session_id: str
    day: date
    start_minute: int  # from midnight of `day`
    end_minute: int
    capacity: int
    min_size: int
    track: str
    # Joined from wherever the patient is: no room, and no travel time around it.
    virtual: bool = False

    @property
    def minutes(self) -> int:
        return self.end_minute - self.start_minute


@dataclass(frozen=True)
class Busy:
    """A stretch of a patient's week taken by a commitment (work, school, childcare)."""

    start: int  # minutes from Monday 00:00 of the roster week
    end: int
    label: str


@dataclass(frozen=True)
class PatientWeek:
    """One patient's needs and limits for the roster week."""

    patient_id: str
    required_days: int  # the taper target, prorated for a partial week
    min_weekly_minutes: int  # the weekly hours floor, prorated likewise
    available_from: date
    available_until: date
    travel_minutes: int
    busy: tuple[Busy, ...] = ()
    preferred_track: str | None = None
    hours_text: str = ""  # "work MON–FRI 08:00–16:30", for explanations
    previous_session_ids: frozenset[str] = frozenset()  # last week's groups (stable groups)
    # The next taper step is due next week; it may come a week early when capacity is short.
    may_step_early: bool = False


@dataclass(frozen=True)
class Placement:
    patient_id: str
    session_id: str
    day: date


@dataclass(frozen=True)
class ClosedDay:
    day: date
    reason: str  # "Thanksgiving Day", "staff training"


@dataclass(frozen=True)
class RosterProblem:
    week_monday: date
    sessions: tuple[SessionOccurrence, ...]
    patients: tuple[PatientWeek, ...]
    closed_days: tuple[ClosedDay, ...] = ()
    pins: tuple[Placement, ...] = ()
    previous: tuple[Placement, ...] = ()  # the previous version of this week's roster
    # ASAM: 20 hours a week or more is partial hospitalisation, not IOP.
    max_weekly_minutes: int = 19 * 60

    def day_index(self, day: date) -> int:
        return (day - self.week_monday).days

    def week_days(self) -> list[date]:
        return [self.week_monday + timedelta(days=offset) for offset in range(7)]


@dataclass(frozen=True)
class UnmetReason:
    kind: str  # "availability" | "capacity"
    text: str


@dataclass(frozen=True)
class PatientOutcome:
    patient_id: str
    required_days: int
    scheduled_days: int
    scheduled_minutes: int
    stepped_early: bool
    unmet_reason: UnmetReason | None


@dataclass(frozen=True)
class TierStats:
    """One tier of the objective (rules.TIERS), optimised on its own with the earlier tiers
    kept at the returned roster's values: its own objective, bound and gap, honestly."""

    name: str
    status: str  # OPTIMAL (proven) | FEASIBLE (bound not reached) | UNKNOWN (not searched in time)
    objective: float  # the returned roster's penalty in this tier
    bound: float  # proven: no roster as good in the earlier tiers does better in this one
    gap: float  # (objective - bound) / max(1, objective)


@dataclass(frozen=True)
class SolveStats:
    """OPTIMAL only when every tier is proven. `objective` and `best_bound` sum the tiers (each
    tier's penalties are on their own scale); the gap is the worst tier's."""

    status: str  # OPTIMAL, FEASIBLE, INFEASIBLE, UNKNOWN, MODEL_INVALID
    objective: float
    best_bound: float
    gap: float
    wall_time_s: float
    first_solution_s: float | None = None
    penalties: tuple[tuple[str, int], ...] = field(default=())  # by soft rule name
    tiers: tuple[TierStats, ...] = ()


@dataclass(frozen=True)
class RosterSolution:
    placements: tuple[Placement, ...]
    outcomes: tuple[PatientOutcome, ...]
    stats: SolveStats

    @property
    def shortfall(self) -> int:
        """Required days not scheduled, over all patients."""
        return sum(max(0, o.required_days - o.scheduled_days) for o in self.outcomes)
