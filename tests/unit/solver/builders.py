"""Tiny hand-made roster problems."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from solver import Busy, PatientWeek, RosterProblem, SessionOccurrence, solve
from solver.problem import RosterSolution

MONDAY = date(2026, 11, 30)
SUNDAY = MONDAY + timedelta(days=6)
DAY = 24 * 60


def session(
    session_id: str,
    day: int,
    start_hour: int = 18,
    *,
    hours: int = 3,
    capacity: int = 10,
    min_size: int = 1,
    track: str = "evening",
) -> SessionOccurrence:
    return SessionOccurrence(
        session_id,
        MONDAY + timedelta(days=day),
        start_hour * 60,
        (start_hour + hours) * 60,
        capacity,
        min_size,
        track,
    )


def patient(patient_id: str, required: int = 3, **changes: object) -> PatientWeek:
    base = PatientWeek(
        patient_id=patient_id,
        required_days=required,
        min_weekly_minutes=required * 180,
        available_from=MONDAY,
        available_until=SUNDAY,
        travel_minutes=30,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def works(days: range, start_hour: int, end_hour: int) -> tuple[Busy, ...]:
    return tuple(Busy(d * DAY + start_hour * 60, d * DAY + end_hour * 60, "work") for d in days)


def solve_small(problem: RosterProblem) -> RosterSolution:
    return solve(problem, time_limit_s=10, workers=1, seed=7)


def days_of(solution: RosterSolution, patient_id: str) -> list[date]:
    return sorted(p.day for p in solution.placements if p.patient_id == patient_id)


def sessions_of(solution: RosterSolution, patient_id: str) -> list[str]:
    return sorted(p.session_id for p in solution.placements if p.patient_id == patient_id)
