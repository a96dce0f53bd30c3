"""Capacity planning over many weeks: the forecast model, what-if changes and session advice."""

from solver.planning.advice import Advice, Candidate, advise, candidate_sessions, evaluate
from solver.planning.forecast_model import solve_forecast
from solver.planning.inputs import (
    ClosedDate,
    ForecastProblem,
    PlanAdmission,
    PlanningInputError,
    PlanPatient,
    PlanSession,
)
from solver.planning.outcome import (
    AdmissionStart,
    ForecastSolution,
    SessionLoad,
    Shortfall,
    TaperMove,
    TrackLoad,
    WeekForecast,
)
from solver.planning.whatif import (
    AddClosure,
    AddSession,
    Admit,
    Change,
    ChangeCapacity,
    MoveSession,
    RemoveSession,
    apply_changes,
)

__all__ = [
    "AddClosure",
    "AddSession",
    "AdmissionStart",
    "Admit",
    "Advice",
    "Candidate",
    "Change",
    "ChangeCapacity",
    "ClosedDate",
    "ForecastProblem",
    "ForecastSolution",
    "MoveSession",
    "PlanAdmission",
    "PlanPatient",
    "PlanSession",
    "PlanningInputError",
    "RemoveSession",
    "SessionLoad",
    "Shortfall",
    "TaperMove",
    "TrackLoad",
    "WeekForecast",
    "advise",
    "apply_changes",
    "candidate_sessions",
    "evaluate",
    "solve_forecast",
]
