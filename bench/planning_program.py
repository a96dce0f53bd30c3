"""Synthetic programs for the planning bench: the roster bench's patients and sessions
(bench/program_generator.py), each patient somewhere in their course, and planned admissions."""

from __future__ import annotations

import random
from datetime import date, timedelta

from bench.program_generator import generate_week
from events.taper import TaperPlan, default_targets
from solver.planning import ForecastProblem, PlanAdmission, PlanPatient, PlanSession

MIN_DAYS = 3
ALL_DAYS = frozenset(range(7))


def generate_forecast(
    patients: int, seed: int, *, weeks: int = 12, admissions_per_week: int = 0
) -> ForecastProblem:
    monday = date(2026, 12, 7)
    week = generate_week(patients, monday, seed)
    rng = random.Random(seed * 31 + 7)
    sessions = tuple(
        PlanSession(
            s.session_id, s.day.weekday(), s.start_minute, s.end_minute, s.capacity, s.track
        )
        for s in week.sessions
    )
    planned: list[PlanPatient] = []
    for person in week.patients:
        planned_weeks = rng.choice([8, 10, 12])
        initial = max(MIN_DAYS, person.required_days + rng.choice([0, 0, 1]))
        course = default_targets(TaperPlan(min(initial, 5), MIN_DAYS, planned_weeks, 12))
        now = rng.randrange(1, planned_weeks + 1)  # their program week in the first horizon week
        targets = tuple(
            course[now - 1 + w] if now - 1 + w < len(course) else 0 for w in range(weeks + 1)
        )
        planned.append(
            PlanPatient(
                person.patient_id,
                targets,
                tuple(ALL_DAYS for _ in range(weeks)),
                person.busy,
                person.travel_minutes,
                person.hours_text,
            )
        )
    referrals = []
    for w in range(weeks):
        for k in range(admissions_per_week):
            person = generate_week(1, monday, seed * 1000 + w * 50 + k).patients[0]
            course = default_targets(TaperPlan(rng.choice([4, 5]), MIN_DAYS, 12, 12))
            referrals.append(
                PlanAdmission(
                    f"R{w:02d}{k:02d}",
                    w,
                    tuple(course),
                    person.busy,
                    person.travel_minutes,
                    person.hours_text,
                )
            )
    return ForecastProblem(
        mondays=tuple(monday + timedelta(weeks=w) for w in range(weeks)),
        sessions=sessions,
        patients=tuple(planned),
        admissions=tuple(referrals),
        min_days_per_week=MIN_DAYS,
    )
