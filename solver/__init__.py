"""Pure solving over frozen dataclasses (OR-Tools CP-SAT); imports no eventsourcing or FastAPI."""

from solver.problem import (
    Busy,
    ClosedDay,
    PatientOutcome,
    PatientWeek,
    Placement,
    RosterProblem,
    RosterSolution,
    SessionOccurrence,
    SolveStats,
    TierStats,
    UnmetReason,
)
from solver.solve import solve

__all__ = [
    "Busy",
    "ClosedDay",
    "PatientOutcome",
    "PatientWeek",
    "Placement",
    "RosterProblem",
    "RosterSolution",
    "SessionOccurrence",
    "SolveStats",
    "TierStats",
    "UnmetReason",
    "solve",
]
